using Fangkong.Core.Accounts;
using Fangkong.Core.Jurisdictions;
using Fangkong.Core.Notifications;
using Fangkong.Data.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Fangkong.Data.Notifications;

public sealed record NotificationItem(long Id, string ScopeKey, string? Unit, string Kind, int Level, int Count, string? Detail, string? Subject,
    string? Link, DateTime CreatedAt, DateTime? ReadAt, string? ReadBy);
public sealed record Inbox(IReadOnlyList<NotificationItem> Items, int Unread, int Total);
public sealed record SmsItem(long Id, long NotificationId, string? Unit, string PhoneMasked, string Text, SmsStatus Status, int Attempts,
    DateTime CreatedAt, DateTime? SentAt, DateTime NextAttemptAt, string? Gateway, string? GatewayReference, string? Error);

/// <summary>
/// A unit's inbox: the notices addressed to the account's own unit (a grid worker reads the village's), newest first;
/// reading one marks it read for the whole unit (the unit's duty desk works it). With <c>below</c>, the notices of
/// the units under the account's node as well — a township sees what its villages were told, without marking them. The outbox lists the
/// text messages of the notices the account sees.
/// </summary>
public sealed class NotificationService(IDbContextFactory<FangkongDb> factory, IActorAccessor actor, TimeProvider time, Jurisdictions.JurisdictionDirectory directory)
{
    private Actor Actor => actor.Current;

    public async Task<Inbox> InboxAsync(bool below = false, bool unreadOnly = false, int take = 100, CancellationToken ct = default)
    {
        Actor.Require(Permissions.NotificationsRead);
        await using var db = await factory.CreateDbContextAsync(ct);
        var q = Own(db, below);
        var unread = await q.CountAsync(n => n.ReadAt == null, ct);
        var total = await q.CountAsync(ct);
        if (unreadOnly) q = q.Where(n => n.ReadAt == null);
        var rows = await q.OrderByDescending(n => n.CreatedAt).ThenByDescending(n => n.Id).Take(Math.Clamp(take, 1, 500)).ToListAsync(ct);
        return new Inbox(rows.Select(Item).ToList(), unread, total);
    }

    /// <summary>Unread notices of the account's own unit: the badge in the top bar.</summary>
    public async Task<int> UnreadAsync(CancellationToken ct = default)
    {
        if (!Actor.Can(Permissions.NotificationsRead)) return 0;
        await using var db = await factory.CreateDbContextAsync(ct);
        return await Own(db, false).CountAsync(n => n.ReadAt == null, ct);
    }

    /// <summary>Marks one notice read (null when the account does not see it); reading it again changes nothing.</summary>
    public async Task<bool?> MarkReadAsync(long id, CancellationToken ct = default)
    {
        Actor.Require(Permissions.NotificationsRead);
        await using var db = await factory.CreateDbContextAsync(ct);
        // Only the unit addressed marks its notice read: a township reading its villages' notices must not clear them.
        var n = await Own(db, false).FirstOrDefaultAsync(x => x.Id == id, ct);
        if (n is null) return null;
        if (n.ReadAt is not null) return false;
        n.ReadAt = time.GetUtcNow().UtcDateTime;
        n.ReadBy = Actor.Name;
        await db.SaveChangesAsync(ct);
        return true;
    }

    /// <summary>Marks every unread notice of the account's own unit read; returns how many.</summary>
    public async Task<int> MarkAllReadAsync(CancellationToken ct = default)
    {
        Actor.Require(Permissions.NotificationsRead);
        await using var db = await factory.CreateDbContextAsync(ct);
        var now = time.GetUtcNow().UtcDateTime;
        var name = Actor.Name;
        return await Own(db, false).Where(n => n.ReadAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(n => n.ReadAt, now).SetProperty(n => n.ReadBy, name), ct);
    }

    /// <summary>Text messages of the notices the account sees, newest first (phones masked).</summary>
    public async Task<IReadOnlyList<SmsItem>> OutboxAsync(SmsStatus? status = null, int take = 200, CancellationToken ct = default)
    {
        Actor.Require(Permissions.NotificationsRead);
        await using var db = await factory.CreateDbContextAsync(ct);
        // The same reach as the inbox with the units below.
        var q = Reach(db.OutboundSms, below: true).AsNoTracking();
        if (status is { } s) q = q.Where(m => m.Status == s);
        var rows = await q.OrderByDescending(m => m.CreatedAt).ThenByDescending(m => m.Id).Take(Math.Clamp(take, 1, 1000)).ToListAsync(ct);
        return rows.Select(m => new SmsItem(m.Id, m.NotificationId, directory.PlaceLabel(m.ScopeKey), m.PhoneMasked, m.Text, m.Status, m.Attempts,
            m.CreatedAt, m.SentAt, m.NextAttemptAt, m.Gateway, m.GatewayReference, m.Error)).ToList();
    }

    private IQueryable<Notification> Own(FangkongDb db, bool below) => Reach(db.Notifications, below);

    /// <summary>
    /// The account's own unit (or, with <paramref name="below"/>, also its whole subtree). Read past the query filter
    /// on purpose: an account below a village reads its village's notices, whose key sorts outside its own range; the
    /// unit comes from the account's own node and the county is the account's.
    /// </summary>
    private IQueryable<T> Reach<T>(DbSet<T> set, bool below) where T : class, IJurisdictionOwned
    {
        if (Actor.Scope.All) return set;
        var scope = Actor.Scope;
        var (county, unit, lower, upper) = (scope.CountyCode, NotificationRules.Unit(scope.Prefix), scope.Lower, scope.Upper);
        var q = set.IgnoreQueryFilters().Where(n => n.CountyCode == county);
        return below
            ? q.Where(n => n.ScopeKey == unit || (string.Compare(n.ScopeKey, lower) >= 0 && string.Compare(n.ScopeKey, upper) < 0))
            : q.Where(n => n.ScopeKey == unit);
    }

    private NotificationItem Item(Notification n) =>
        new(n.Id, n.ScopeKey, directory.PlaceLabel(n.ScopeKey), n.Kind, n.Level, n.Count, n.Detail, n.Subject, n.Link, n.CreatedAt, n.ReadAt, n.ReadBy);
}
