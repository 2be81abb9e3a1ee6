using Fangkong.Core.Accounts;
using Fangkong.Core.Identifiers;
using Fangkong.Core.Notifications;
using Fangkong.Data.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Fangkong.Data.Notifications;

public sealed record DispatchResult(int Queued, int Sent, int Failed, int Retrying);

/// <summary>
/// Turns notifications into text messages and sends them, from any number of web nodes at once. Queuing the
/// messages of new notifications runs under the county's lease (one node at a time; a unique index keeps one message
/// per notification and account anyway). Sending takes due messages with a short lease of their own (on PostgreSQL
/// <c>FOR UPDATE SKIP LOCKED</c>, so two nodes do not take the same message), renews each message's lease just before
/// calling the gateway outside any transaction, and writes the outcome at once under that lease; a failure is retried
/// with back-off, then given up and shown as failed. The reference sent with each message is stable across its
/// attempts, so a gateway that deduplicates on it never sends twice even if a node dies between sending and recording.
/// </summary>
public sealed class SmsDispatcher(IDbContextFactory<FangkongDb> factory)
{
    public const int Batch = 100;

    /// <summary>Queues a message for each account with a phone that a new notification is for (<see cref="NotificationRules.Recipients"/>); returns how many.</summary>
    public async Task<int> QueueAsync(string county, Func<Notification, string> text, string holder, DateTime now, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var lease = $"notifications:{county}";
        if (!await JobLeases.TryAcquireAsync(db, lease, holder, now, TimeSpan.FromMinutes(2), ct)) return 0;
        try
        {
            var fresh = await db.Notifications.Where(n => n.CountyCode == county && n.FannedOutAt == null).OrderBy(n => n.Id).Take(500).ToListAsync(ct);
            if (fresh.Count == 0) return 0;
            // Locked-out accounts are left out (compared here: SQLite cannot order the lock-out's DateTimeOffset).
            var accounts = (await db.Users.AsNoTracking()
                .Where(u => u.CountyCode == county && u.PhoneNumber != null && u.PhoneNumber != "")
                .Select(u => new { u.Id, u.ScopeKey, u.PhoneNumber, u.LockoutEnd }).ToListAsync(ct))
                .Where(u => u.LockoutEnd is null || u.LockoutEnd < new DateTimeOffset(DateTime.SpecifyKind(now, DateTimeKind.Utc))).ToList();
            var roles = (await (from ur in db.UserRoles
                                join r in db.Roles on ur.RoleId equals r.Id
                                join u in db.Users on ur.UserId equals u.Id
                                where u.CountyCode == county
                                select new { ur.UserId, r.Name }).ToListAsync(ct))
                .GroupBy(x => x.UserId).ToDictionary(g => g.Key, g => g.Select(x => x.Name!).ToList());
            var leads = roles.Where(r => r.Value.Contains(Roles.TownshipLead)).Select(r => r.Key).ToHashSet();
            var grants = roles.ToDictionary(r => r.Key, r => Permissions.For(r.Value));
            var byUnit = accounts.GroupBy(a => NotificationRules.Unit(a.ScopeKey)).ToDictionary(g => g.Key, g => g.ToList());
            var queued = 0;
            foreach (var n in fresh)
            {
                var body = text(n);
                // Those of the unit who can act on the notice (a checkpoint's account is not texted about verification
                // tasks); a unit where nobody can (a village without accounts yet) is covered by its township.
                var needs = NotificationKinds.Permission(n.Kind);
                var able = (string unitKey) => (byUnit.GetValueOrDefault(unitKey) ?? []).Where(a => needs is null || grants.GetValueOrDefault(a.Id)?.Contains(needs) == true).ToList();
                var unit = able(n.ScopeKey);
                if (unit.Count == 0 && NotificationRules.CoveringUnit(n.ScopeKey) is { } cover) unit = able(cover);
                foreach (var a in NotificationRules.Recipients(n.Level, unit, a => leads.Contains(a.Id)))
                {
                    db.OutboundSms.Add(new OutboundSms
                    {
                        CountyCode = n.CountyCode, ScopeKey = n.ScopeKey, NotificationId = n.Id, AccountId = a.Id,
                        PhoneMasked = Masking.Phone(a.PhoneNumber) ?? "", Text = body.Length > 500 ? body[..500] : body,
                        Status = SmsStatus.Pending, NextAttemptAt = now, CreatedAt = now,
                    });
                    queued++;
                }
                n.FannedOutAt = now;
            }
            await db.SaveChangesAsync(ct);
            return queued;
        }
        finally
        {
            await JobLeases.ReleaseAsync(db, lease, holder, now, CancellationToken.None);
        }
    }

    /// <summary>How long a claim on a message holds; renewed just before each send, so it never runs out mid-batch.</summary>
    public static readonly TimeSpan Lease = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Sends the messages due now through the gateway; returns what happened to them. Each message's claim is renewed
    /// just before it is sent and its outcome written at once, both on the condition that the claim is still this one's:
    /// a message whose claim ran out (a stalled node) and was taken by another node is left to that node.
    /// </summary>
    public async Task<DispatchResult> SendDueAsync(ISmsGateway gateway, string holder, DateTime now, CancellationToken ct = default)
    {
        var claim = $"{holder}:{Guid.NewGuid():N}";
        var until = now + Lease;
        await using var db = await factory.CreateDbContextAsync(ct);
        if (db.Database.IsNpgsql())
            await db.Database.ExecuteSqlInterpolatedAsync($"""
                UPDATE "OutboundSms" SET "LeaseHolder" = {claim}, "LeaseUntil" = {until}
                WHERE "Id" IN (SELECT "Id" FROM "OutboundSms"
                               WHERE "Status" = 0 AND "NextAttemptAt" <= {now} AND ("LeaseUntil" IS NULL OR "LeaseUntil" < {now})
                               ORDER BY "NextAttemptAt", "Id" LIMIT {Batch} FOR UPDATE SKIP LOCKED)
                """, ct);
        else // SQLite: one writer at a time, so the conditional update alone cannot hand a message to two claimers.
            await db.OutboundSms.Where(m => m.Status == SmsStatus.Pending && m.NextAttemptAt <= now && (m.LeaseUntil == null || m.LeaseUntil < now))
                .OrderBy(m => m.NextAttemptAt).ThenBy(m => m.Id).Take(Batch)
                .ExecuteUpdateAsync(s => s.SetProperty(m => m.LeaseHolder, claim).SetProperty(m => m.LeaseUntil, until), ct);
        var mine = await db.OutboundSms.AsNoTracking().Where(m => m.LeaseHolder == claim && m.Status == SmsStatus.Pending).OrderBy(m => m.Id).ToListAsync(ct);
        if (mine.Count == 0) return new DispatchResult(0, 0, 0, 0);
        var ids = mine.Select(m => m.AccountId).Distinct().ToList();
        var phones = await db.Users.AsNoTracking().Where(u => ids.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.PhoneNumber, ct);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        int sent = 0, failed = 0, retrying = 0;
        foreach (var m in mine)
        {
            var at = now + clock.Elapsed;
            var renewed = at + Lease;
            var mineStill = db.OutboundSms.Where(x => x.Id == m.Id && x.LeaseHolder == claim && x.Status == SmsStatus.Pending);
            if (await mineStill.ExecuteUpdateAsync(x => x.SetProperty(y => y.LeaseUntil, renewed), CancellationToken.None) == 0) continue;
            var result = phones.GetValueOrDefault(m.AccountId) is { Length: > 0 } phone
                ? await SafeSendAsync(gateway, phone, m.Text, $"fk-{m.Id}", ct)
                : new SmsResult(false, null, "the account has no phone number any more");
            var attempts = m.Attempts + 1;
            var name = gateway.Name;
            // The outcome is written whatever happens to the caller now: a message sent must not be sent again.
            if (result.Sent)
            {
                var reference = result.Reference;
                await mineStill.ExecuteUpdateAsync(x => x.SetProperty(y => y.Status, SmsStatus.Sent).SetProperty(y => y.SentAt, at).SetProperty(y => y.Attempts, attempts)
                    .SetProperty(y => y.Gateway, name).SetProperty(y => y.GatewayReference, reference).SetProperty(y => y.Error, (string?)null)
                    .SetProperty(y => y.LeaseHolder, (string?)null).SetProperty(y => y.LeaseUntil, (DateTime?)null), CancellationToken.None);
                sent++;
            }
            else
            {
                var error = result.Error is { Length: > 500 } e ? e[..500] : result.Error;
                var next = NotificationRules.Retry(attempts, at);
                var status = next is null ? SmsStatus.Failed : SmsStatus.Pending;
                var nextAt = next ?? m.NextAttemptAt;
                await mineStill.ExecuteUpdateAsync(x => x.SetProperty(y => y.Status, status).SetProperty(y => y.NextAttemptAt, nextAt).SetProperty(y => y.Attempts, attempts)
                    .SetProperty(y => y.Gateway, name).SetProperty(y => y.Error, error)
                    .SetProperty(y => y.LeaseHolder, (string?)null).SetProperty(y => y.LeaseUntil, (DateTime?)null), CancellationToken.None);
                if (next is null) failed++; else retrying++;
            }
        }
        return new DispatchResult(0, sent, failed, retrying);
    }

    private static async Task<SmsResult> SafeSendAsync(ISmsGateway gateway, string phone, string text, string reference, CancellationToken ct)
    {
        try { return await gateway.SendAsync(phone, text, reference, ct); }
        catch (Exception e) when (e is not OperationCanceledException) { return new SmsResult(false, null, e.GetType().Name + ": " + e.Message); }
    }
}
