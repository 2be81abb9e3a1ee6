using System.Globalization;
using Fangkong.Core.Jurisdictions;
using Fangkong.Core.Notifications;
using Fangkong.Core.Tasks;
using Microsoft.EntityFrameworkCore;

namespace Fangkong.Data.Notifications;

/// <summary>
/// How the platform's own work raises notifications, in the same transaction as the change it reports: one row per
/// unit and event (a sweep that finds 3,000 missed tasks in one village notifies that village once, with the count).
/// A notice is written with the change that marks its event done (a task raised, a task moved up, a miss recorded),
/// under the sweep's lease where a sweep writes it, so the same event is not notified twice; the key, unique per county,
/// guards against the same write being repeated (for sweeps it carries the sweep's time).
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
    /// Set-based, in the sweep's transaction, over the same condition (<paramref name="due"/>) that picks the tasks it is
    /// about to mark — so it reads the same index and counts exactly the tasks moved: one notification per unit and stage,
    /// at <paramref name="level"/> 0 to the unit working the tasks, 1 to their township, 2 to the county. Parameters
    /// @county, @now (and @before, when the condition uses it) are the sweep's.
    /// </summary>
    public static string FromVerificationTasksSql(FangkongDb db, string due, int level, DateTime now)
    {
        var tasks = Table<VerificationTask>(db);
        var stamp = now.Ticks.ToString(CultureInfo.InvariantCulture);
        var stage = "CASE \"NextStage\" " + string.Concat(Enum.GetValues<VerificationStage>().Select(s => $"WHEN {(int)s} THEN '{s}' ")) + "END";
        var length = level switch { 0 => ScopeKey.VillageLength, 1 => ScopeKey.TownshipLength, _ => ScopeKey.CountyLength };
        var unit = $"""(CASE WHEN length("ScopeKey") > {length} THEN substr("ScopeKey", 1, {length}) ELSE "ScopeKey" END)""";
        var kind = level == 0 ? NotificationKinds.VerificationMissed : NotificationKinds.VerificationEscalated;
        return $"""
            INSERT INTO "Notifications" ("CountyCode", "ScopeKey", "Kind", "Level", "Count", "Detail", "Link", "DedupKey", "CreatedAt")
            SELECT "CountyCode", u, '{kind}', {level}, COUNT(*), st, '/verification/tasks', 'verification:{level}:' || st || ':' || u || ':{stamp}', @now
            FROM (SELECT "CountyCode", {stage} AS st, {unit} AS u FROM "{tasks}" WHERE {due}) m
            GROUP BY "CountyCode", u, st
            ON CONFLICT DO NOTHING
            """;
    }

    private static string? Cut(string? s, int max) => s is null || s.Length <= max ? s : s[..max];

    private static string Table<T>(FangkongDb db) => db.Model.FindEntityType(typeof(T))!.GetTableName()!;
}
