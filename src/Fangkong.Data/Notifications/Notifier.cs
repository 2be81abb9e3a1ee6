using System.Globalization;
using Fangkong.Core.Jurisdictions;
using Fangkong.Core.Notifications;
using Fangkong.Core.Tasks;
using Microsoft.EntityFrameworkCore;

namespace Fangkong.Data.Notifications;

/// <summary>
/// How the platform's own work raises notifications, in the same transaction as the change it reports: one row per
/// unit and event (a sweep that finds 3,000 missed tasks in one village notifies that village once, with the count),
/// unique per county by its key, so two nodes or a repeated sweep never notify twice.
/// </summary>
internal static class Notifier
{
    /// <summary>Queues a notification with the context's next save (unless one with the same key is already queued).</summary>
    public static void Add(FangkongDb db, string county, string scopeKey, string kind, int level, int count, string? detail, string? subject, string? link, string dedupKey, DateTime now)
    {
        if (db.Notifications.Local.Any(n => n.CountyCode == county && n.DedupKey == dedupKey)) return;
        db.Notifications.Add(new Notification
        {
            CountyCode = county, ScopeKey = NotificationRules.Unit(scopeKey), Kind = kind, Level = level, Count = count,
            Detail = Cut(detail, 64), Subject = Cut(subject, 200), Link = link, DedupKey = Cut(dedupKey, 200)!, CreatedAt = now,
        });
    }

    /// <summary>
    /// Set-based: the verification misses recorded at <c>@now</c> (this sweep), one notification per unit, level and
    /// stage — level 0 to the unit working the tasks, 1 to their township, 2 to the county. Runs in the sweep's
    /// transaction with the parameters @county and @now.
    /// </summary>
    public static string FromVerificationMissesSql(FangkongDb db, DateTime now)
    {
        var misses = Table<VerificationMiss>(db);
        var stamp = now.Ticks.ToString(CultureInfo.InvariantCulture);
        var stage = "CASE \"Stage\" " + string.Concat(Enum.GetValues<VerificationStage>().Select(s => $"WHEN {(int)s} THEN '{s}' ")) + "END";
        var unit = $"""
            CASE "Level"
              WHEN 0 THEN (CASE WHEN length("ScopeKey") > {ScopeKey.VillageLength} THEN substr("ScopeKey", 1, {ScopeKey.VillageLength}) ELSE "ScopeKey" END)
              WHEN 1 THEN (CASE WHEN length("ScopeKey") > {ScopeKey.TownshipLength} THEN substr("ScopeKey", 1, {ScopeKey.TownshipLength}) ELSE "ScopeKey" END)
              ELSE substr("ScopeKey", 1, {ScopeKey.CountyLength}) END
            """;
        return $"""
            INSERT INTO "Notifications" ("CountyCode", "ScopeKey", "Kind", "Level", "Count", "Detail", "Link", "DedupKey", "CreatedAt")
            SELECT "CountyCode", u, CASE WHEN "Level" = 0 THEN '{NotificationKinds.VerificationMissed}' ELSE '{NotificationKinds.VerificationEscalated}' END,
                   "Level", COUNT(*), st, '/verification/tasks', 'verification:' || CAST("Level" AS TEXT) || ':' || st || ':' || u || ':{stamp}', @now
            FROM (SELECT "CountyCode", "Level", {stage} AS st, {unit} AS u FROM "{misses}" WHERE "CountyCode" = @county AND "RecordedAt" = @now) m
            GROUP BY "CountyCode", u, "Level", st
            ON CONFLICT DO NOTHING
            """;
    }

    private static string? Cut(string? s, int max) => s is null || s.Length <= max ? s : s[..max];

    private static string Table<T>(FangkongDb db) => db.Model.FindEntityType(typeof(T))!.GetTableName()!;
}
