using Fangkong.Core;
using Fangkong.Core.Accounts;
using Fangkong.Core.Jurisdictions;
using Fangkong.Core.Orders;
using Fangkong.Core.People;
using Fangkong.Core.Sites;
using Fangkong.Data.Infrastructure;
using Fangkong.Data.Orders;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Fangkong.Data.Sites;

/// <summary>One checked-in person on a site's round and what this slot's report says (null: not taken yet).</summary>
public sealed record RoundItem(long StayId, string Building, int Floor, string Room, int Bed, string Name,
    decimal? Temperature, Symptoms Symptoms, bool Alarming, string? ReportedBy, DateTime? ReportedAt);

/// <summary>A site's morning or evening round: everyone checked in, room by room, with the reports taken so far.</summary>
public sealed record SiteRound(long SiteId, string SiteName, DateOnly Date, ReportSlot Slot, IReadOnlyList<RoundItem> Items)
{
    public int Done => Items.Count(i => i.Temperature is not null);
    public int Alarming => Items.Count(i => i.Alarming);
}

/// <summary>
/// Temperature rounds inside a quarantine site (查房测温): the same morning and evening monitoring as at home, taken
/// by the site's staff room by room. A report lands on the person's control order (so the order's page, the missed-
/// report sweep and the fever alert work exactly as at home); the site's staff reach it through the stay, because
/// the order itself belongs to the person's village and is outside the site's jurisdiction.
/// </summary>
public sealed class RoundService(IDbContextFactory<FangkongDb> factory, IActorAccessor actor, TimeProvider time, IOptions<FangkongOptions> options, MonitoringService monitoring,
    OnBehalf onBehalfOf)
{
    private Actor Actor => actor.Current;
    private DateOnly Today => CountyClock.Today(time, options.Value.TimeZone);

    /// <summary>The round of a site the actor sees (null when it does not): today's, or yesterday's for late entries.</summary>
    public async Task<SiteRound?> RoundAsync(long siteId, ReportSlot slot, DateOnly? date = null, CancellationToken ct = default)
    {
        Actor.Require(Permissions.SitesRead);
        var day = date ?? Today;
        if (day > Today || day < Today.AddDays(-1)) throw new ValidationFailedException([new FieldError("date", "date.out-of-order")]);
        await using var db = await factory.CreateDbContextAsync(ct);
        var site = await db.QuarantineSites.AsNoTracking().Where(s => s.Id == siteId).Select(s => new { s.Id, s.Name, s.CountyCode }).FirstOrDefaultAsync(ct);
        if (site is null) return null;
        var stays = await (from s in db.Stays.AsNoTracking()
                           join r in db.Rooms.AsNoTracking() on s.RoomId equals r.Id
                           where s.SiteId == siteId && s.Status == StayStatus.CheckedIn
                           select new { s.Id, s.OrderId, s.PersonId, r.Building, r.Floor, r.Number, s.Bed }).ToListAsync(ct);
        // The reports belong to the orders' villages: read them apart, for exactly these orders of this county.
        var orderIds = stays.Select(s => s.OrderId).ToList();
        var reports = orderIds.Count == 0 ? [] : await db.HealthReports.IgnoreQueryFilters().AsNoTracking()
            .Where(h => h.CountyCode == site.CountyCode && orderIds.Contains(h.OrderId) && h.Date == day && h.Slot == slot)
            .ToListAsync(ct);
        // A slot re-measured has several readings: the round shows an alarming one first (never hidden by a later normal one), else the first.
        var shown = reports.GroupBy(h => h.OrderId).ToDictionary(g => g.Key,
            g => g.OrderByDescending(h => MonitoringRules.IsAlarming(h.Temperature, h.Symptoms)).ThenBy(h => h.Sequence).First());
        var names = await StayService.NamesAsync(db, site.CountyCode, stays.Select(s => s.PersonId), ct);
        var items = stays
            .Select(s => shown.TryGetValue(s.OrderId, out var h)
                ? new RoundItem(s.Id, s.Building, s.Floor, s.Number, s.Bed, names.GetValueOrDefault(s.PersonId, ""), h.Temperature, h.Symptoms,
                    MonitoringRules.IsAlarming(h.Temperature, h.Symptoms), h.ReportedBy, h.ReportedAt)
                : new RoundItem(s.Id, s.Building, s.Floor, s.Number, s.Bed, names.GetValueOrDefault(s.PersonId, ""), null, Symptoms.None, false, null, null))
            .OrderBy(i => i.Building, StringComparer.Ordinal).ThenBy(i => i.Floor).ThenBy(i => i.Room, RoomNumberComparer.Instance).ThenBy(i => i.Bed)
            .ToList();
        return new SiteRound(site.Id, site.Name, day, slot, items);
    }

    /// <summary>
    /// Records the report of a checked-in person on the round; null when the stay is not in the actor's sites.
    /// A person not checked in (allocated, gone) is refused: the village reports for people at home.
    /// </summary>
    public async Task<ReportOutcome?> ReportAsync(long stayId, ReportInput input, CancellationToken ct = default)
    {
        Actor.Require(Permissions.SitesWork);
        await using var db = await factory.CreateDbContextAsync(ct);
        var stay = await db.Stays.AsNoTracking().FirstOrDefaultAsync(s => s.Id == stayId, ct);
        if (stay is null) return null;
        if (stay.Status != StayStatus.CheckedIn) throw new ConflictException("stay.not-checked-in", "the person is not checked in at the site");
        // The site reports only for its own days: not a day before the person came (that day is the village's).
        var zone = TimeZoneInfo.FindSystemTimeZoneById(options.Value.TimeZone);
        var checkedInOn = DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(stay.CheckedInAt ?? time.GetUtcNow().UtcDateTime, DateTimeKind.Utc), zone));
        if ((input.Date ?? Today) < checkedInOn) throw new ValidationFailedException([new FieldError("date", "date.before-check-in")]);
        var room = await db.Rooms.AsNoTracking().Where(r => r.Id == stay.RoomId).Select(r => r.Building + "-" + r.Number).FirstAsync(ct);
        // The order is the person's village's: reached through the stay (same county, the order the stay carries out),
        // and written on the stay's authority within the order's own village only (its report, a fever task, the notice).
        var orderScope = await db.Orders.IgnoreQueryFilters().Where(o => o.Id == stay.OrderId && o.CountyCode == stay.CountyCode).Select(o => o.ScopeKey).FirstAsync(ct);
        await using var onBehalf = onBehalfOf.Context(Actor, JurisdictionScope.Of(stay.CountyCode, Core.Notifications.NotificationRules.Unit(orderScope)));
        var order = await onBehalf.Orders.FirstAsync(o => o.Id == stay.OrderId, ct);
        return await monitoring.RecordAsync(onBehalf, order, input, Actor.Name, ct, where: $"on the site round, room {room}");
    }
}
