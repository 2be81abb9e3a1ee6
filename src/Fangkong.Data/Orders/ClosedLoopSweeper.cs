using Fangkong.Core;
using Fangkong.Core.Jurisdictions;
using Fangkong.Core.Orders;
using Fangkong.Core.Policy;
using Fangkong.Core.Tasks;
using Fangkong.Data.Arrivals;
using Fangkong.Data.Infrastructure;
using Fangkong.Data.Policy;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Fangkong.Data.Orders;

public sealed record SweepResult(bool Ran, int Converted, int ReleaseDue, int MissedReports, int Escalated, int SecondaryUpgrades = 0, int Reclassified = 0);

/// <summary>
/// The closed loop's clock, run by a background worker on whichever node holds the county's lease: orders
/// convert on schedule (7 days at a site → 3 days home monitoring; status <see cref="OrderStatus.Converted"/>, see
/// <see cref="OrderRules.Convert"/>) and become release-pending after their last day;
/// a slot without a report past its deadline raises a task for the grid worker; a task not handled in time
/// escalates to the township, then to the county. Every step is a state change guarded by the row's version, so
/// a step runs once even if two nodes ever overlap, and a restart simply picks up where the clock is.
/// </summary>
public sealed class ClosedLoopSweeper(IDbContextFactory<FangkongDb> factory, IOptions<FangkongOptions> options, PolicyCache cache)
{
    private FangkongOptions Options => options.Value;

    public async Task<SweepResult> SweepAsync(string county, DateTime nowUtc, string holder, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var lease = $"closed-loop:{county}";
        if (!await JobLeases.TryAcquireAsync(db, lease, holder, nowUtc, TimeSpan.FromMinutes(5), ct)) return new SweepResult(false, 0, 0, 0, 0);
        try
        {
            var zone = TimeZoneInfo.FindSystemTimeZoneById(Options.TimeZone);
            var local = TimeZoneInfo.ConvertTimeFromUtc(nowUtc, zone);
            var today = DateOnly.FromDateTime(local);
            var (converted, releaseDue) = await OrdersAsync(county, today, nowUtc, ct);
            var missed = await MissedReportsAsync(county, nowUtc, today, local, zone, ct);
            var escalated = await EscalateAsync(county, nowUtc, ct);
            var upgrades = await SecondaryUpgradesAsync(county, nowUtc, ct);
            var reclassified = await RecheckArrivalsAsync(county, lease, holder, today, nowUtc, ct);
            return new SweepResult(true, converted, releaseDue, missed, escalated, upgrades, reclassified);
        }
        finally
        {
            await JobLeases.ReleaseAsync(db, lease, holder, nowUtc, CancellationToken.None);
        }
    }

    private async Task<(int Converted, int ReleaseDue)> OrdersAsync(string county, DateOnly today, DateTime nowUtc, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var orders = await db.Orders.Include(o => o.Measures).Include(o => o.Tests).AsSplitQuery()
            .Where(o => o.CountyCode == county).WhereRunning()
            .ToListAsync(ct);
        int converted = 0, due = 0;
        foreach (var o in orders)
        {
            switch (OrderRules.StepOn(o, today))
            {
                case OrderStep.Convert:
                    OrderRules.Convert(o, today);
                    converted++;
                    break;
                case OrderStep.ReleaseDue:
                    o.Status = OrderStatus.ReleasePending;
                    o.StatusReason = OrderRules.ReleaseBlocker(o, today, await OrderService.LinkedTestsAsync(db, o, ct)) is { } blocker ? blocker : "ready-for-release";
                    due++;
                    break;
                default:
                    continue;
            }
            o.Version++;
            o.UpdatedAt = nowUtc;
            // One save per order: its audit entry carries its own rule, and a conflict skips only that order.
            db.Audit.Reason = o.Status == OrderStatus.ReleasePending ? "measures over: release pending" : "conversion on schedule";
            db.Audit.Rule = o.RuleReference;
            try { await db.SaveChangesAsync(ct); }
            catch (DbUpdateConcurrencyException)
            {
                // Only this order's change is dropped (changed by someone meanwhile: the next sweep sees it again); the
                // other orders stay tracked and still step on schedule.
                foreach (var entry in db.ChangeTracker.Entries().Where(e => e.State != EntityState.Unchanged).ToList()) entry.State = EntityState.Detached;
            }
        }
        return (converted, due);
    }

    /// <summary>
    /// When the risk-area list or the rule packs changed since the last check (the lease remembers their stamp), the
    /// county's recent arrivals are classified again (<see cref="ArrivalService.RecheckAsync"/>): a place listed after
    /// people left it still reaches them. A change made while this runs has another stamp, so the next sweep checks again.
    /// </summary>
    private async Task<int> RecheckArrivalsAsync(string county, string lease, string holder, DateOnly today, DateTime nowUtc, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var (_, areas) = await RiskAreaService.ShapeAsync(db, county, ct);
        var packs = await db.RulePackVersions.Where(v => v.CountyCode == county).MaxAsync(v => (long?)v.Id, ct);
        var stamp = $"arrivals:{areas}|{packs}";
        if (await JobLeases.StateAsync(db, lease, ct) == stamp) return 0;
        var changed = await ArrivalService.RecheckAsync(db, county, today, nowUtc, cache, ct);
        await JobLeases.SetStateAsync(db, lease, holder, stamp, ct);
        return changed;
    }

    /// <summary>
    /// A secondary contact whose linked close contact has tested positive is managed as a close contact (9th edition): a
    /// task for the unit keeping their order, once per order, until someone opens the close-contact order. Their release
    /// is held meanwhile (<see cref="OrderRules.LinkedContactBlocker"/>).
    /// </summary>
    private async Task<int> SecondaryUpgradesAsync(string county, DateTime nowUtc, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var orders = await db.Orders.WhereInForce().Where(o => o.CountyCode == county && o.LinkedOrderId != null && o.ReleaseCondition == OrderRules.OwnAndLinkedContactNegative
                && db.OrderTests.Any(t => t.OrderId == o.LinkedOrderId && t.CountyCode == county && t.Status == TestStatus.Positive))
            .ToListAsync(ct);
        var raised = 0;
        foreach (var o in orders)
            if (await TaskRaiser.RaiseAsync(db, o, "secondary-upgrade", TaskTitle.LinkedContactPositive(),
                    TaskRaiser.Key("secondary-upgrade", o.Id), nowUtc, TimeSpan.FromMinutes(Options.Monitoring.AlertMinutes), ct) is not null)
                raised++;
        if (raised == 0) return 0;
        db.Audit.Reason = "linked close contact tested positive";
        db.Audit.Rule = orders[0].RuleReference;
        try { await db.SaveChangesAsync(ct); }
        catch (DbUpdateException e) when (DbErrors.IsUniqueViolation(e)) { return 0; } // another node raised them first
        return raised;
    }

    private async Task<int> MissedReportsAsync(string county, DateTime nowUtc, DateOnly today, DateTime local, TimeZoneInfo zone, CancellationToken ct)
    {
        var slots = new List<(DateOnly Date, ReportSlot Slot, DateTime DeadlineUtc)>();
        void Add(DateOnly date, ReportSlot slot, TimeOnly due)
        {
            var deadline = TimeZoneInfo.ConvertTimeToUtc(date.ToDateTime(due), zone);
            if (deadline <= nowUtc) slots.Add((date, slot, deadline));
        }
        Add(today.AddDays(-1), ReportSlot.Evening, Options.Monitoring.EveningDue);
        Add(today, ReportSlot.Morning, Options.Monitoring.MorningDue);
        Add(today, ReportSlot.Evening, Options.Monitoring.EveningDue);
        var raised = 0;
        await using var db = await factory.CreateDbContextAsync(ct);
        foreach (var (date, slot, deadline) in slots)
        {
            // In force on that date, created before the deadline, and no report for the slot: set-based, one query.
            var missing = await db.Orders.AsNoTracking().WhereInForce()
                .Where(o => o.CountyCode == county
                    && o.StartDate <= date && o.EndDate >= date && o.CreatedAt < deadline
                    && !db.HealthReports.Any(r => r.OrderId == o.Id && r.Date == date && r.Slot == slot))
                .ToListAsync(ct);
            // The keys already raised (by an earlier sweep or another node) in one query, not one per order.
            var stamp = date.ToString("yyyyMMdd", System.Globalization.CultureInfo.InvariantCulture);
            var keys = missing.ToDictionary(o => TaskRaiser.Key("missed", o.Id, stamp, slot));
            var raisedBefore = new HashSet<string>(StringComparer.Ordinal);
            foreach (var chunk in keys.Keys.Chunk(1000))
                raisedBefore.UnionWith(await db.Tasks.IgnoreQueryFilters().Where(t => t.CountyCode == county && chunk.Contains(t.DedupKey)).Select(t => t.DedupKey).ToListAsync(ct));
            var byUnit = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var (key, o) in keys.Where(k => !raisedBefore.Contains(k.Key)))
            {
                TaskRaiser.Add(db, o.CountyCode, o.ScopeKey, "missed-report", TaskTitle.MissedReport(date, slot), key,
                    deadline, TimeSpan.FromMinutes(Options.Monitoring.MissedReportMinutes), o.PersonId, o.Id);
                var unit = Core.Notifications.NotificationRules.Unit(o.ScopeKey);
                byUnit[unit] = byUnit.GetValueOrDefault(unit) + 1;
                raised++;
            }
            // One notice per village for the slot, with the count (not one per missing report).
            foreach (var (unit, count) in byUnit)
                Notifications.Notifier.Add(db, county, unit, Core.Notifications.NotificationKinds.MissedReports, 0, count, slot.ToString(), date.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
                    "/tasks", $"missed:{unit}:{stamp}:{slot}:{nowUtc.Ticks}", nowUtc);
            db.Audit.Reason = $"{slot.ToString().ToLowerInvariant()} report of {date:yyyy-MM-dd} not received by the deadline";
            db.Audit.Rule = "monitoring#twice-daily";
            try { await db.SaveChangesAsync(ct); }
            catch (DbUpdateException) { db.ChangeTracker.Clear(); raised = 0; } // another node raised them first
        }
        return raised;
    }

    private async Task<int> EscalateAsync(string county, DateTime nowUtc, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var overdue = await db.Tasks.AsNoTracking()
            .Where(t => t.CountyCode == county && (t.Status == Core.Tasks.TaskStatus.Open || t.Status == Core.Tasks.TaskStatus.InProgress)
                && t.DueAt < nowUtc && t.EscalationLevel < 2)
            .OrderBy(t => t.DueAt).Take(2000).Select(t => t.Id).ToListAsync(ct);
        var escalated = 0;
        foreach (var id in overdue)
        {
            // Each task read and saved on its own: a task changed meanwhile (someone working it) is skipped this time,
            // and the others still escalate.
            db.ChangeTracker.Clear();
            var t = await db.Tasks.FirstOrDefaultAsync(x => x.Id == id && (x.Status == Core.Tasks.TaskStatus.Open || x.Status == Core.Tasks.TaskStatus.InProgress)
                && x.DueAt < nowUtc && x.EscalationLevel < 2, ct);
            if (t is null) continue;
            var from = t.ScopeKey;
            var up = Escalation.Target(t.OriginalScopeKey, t.EscalationLevel + 1);
            t.EscalationLevel++;
            t.ScopeKey = up;
            t.EscalatedAt = nowUtc;
            t.DueAt = nowUtc.AddMinutes(Options.Monitoring.EscalationMinutes);
            t.Version++;
            db.Audit.Reason = $"not handled by {from} in time: escalated to {up}";
            db.Audit.Rule = $"escalation#level-{t.EscalationLevel}";
            Notifications.Notifier.Add(db, county, up, Core.Notifications.NotificationKinds.TaskEscalated, t.EscalationLevel, 1, t.Kind, t.Title, "/tasks", $"task-escalated:{t.Id}:{t.EscalationLevel}", nowUtc);
            try { await db.SaveChangesAsync(ct); escalated++; }
            catch (DbUpdateException) { db.ChangeTracker.Clear(); } // changed by someone else, or its notice is already there
        }
        return escalated;
    }
}

/// <summary>Where an unhandled task goes: level 1 is the township of the node first responsible, level 2 the county.</summary>
public static class Escalation
{
    public static string Target(string originalScopeKey, int level) => level switch
    {
        <= 0 => originalScopeKey,
        1 when originalScopeKey.Length > ScopeKey.TownshipLength => originalScopeKey[..ScopeKey.TownshipLength],
        _ => originalScopeKey[..ScopeKey.CountyLength],
    };
}
