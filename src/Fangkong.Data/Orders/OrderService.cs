using System.Globalization;
using Fangkong.Core;
using Fangkong.Core.Accounts;
using Fangkong.Core.Audit;
using Fangkong.Core.Identifiers;
using Fangkong.Core.Jurisdictions;
using Fangkong.Core.Orders;
using Fangkong.Core.People;
using Fangkong.Core.Policy;
using Fangkong.Core.Tasks;
using Fangkong.Data.Infrastructure;
using Fangkong.Data.Jurisdictions;
using Fangkong.Data.Policy;
using Fangkong.Data.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Fangkong.Data.Orders;

public sealed record OrderQuery(OrderStatus? Status = null, bool OpenOnly = false, string? Kind = null, string? Text = null, long? PersonId = null,
    bool ReleaseDue = false, int Page = 1, int PageSize = 50, string? Reason = null, bool TestsDueToday = false, string? Place = null);

/// <param name="TestsDue">Tests scheduled today (county date) with no result yet.</param>
/// <param name="TestsOverdue">Tests whose day has passed with no result (逾期, <see cref="OrderRules.IsOverdue"/>).</param>
public sealed record OrderListItem(long Id, long PersonId, string PersonName, string? DocumentMasked, string? Place, string ScopeKey,
    string Reasons, string RuleReference, bool Local, OrderStatus Status, string CurrentKind, DateOnly ExposureDate, DateOnly StartDate,
    DateOnly EndDate, int DayNumber, ControlStatus ControlStatus, int TestsDue, int TestsNegative, int TestsTotal, string? Hospital = null, int TestsOverdue = 0);

public sealed record OrderMeasureItem(int Sequence, string Kind, int FromDay, int ToDay, DateOnly From, DateOnly To, bool Current);
/// <param name="Overdue">Its day has passed with no result (逾期, <see cref="OrderRules.IsOverdue"/>).</param>
public sealed record OrderTestItem(long Id, int Day, DateOnly Date, TestStatus Status, DateTime? SampledAt, DateTime? ResultAt, decimal? Ct, string? RecordedBy, bool Overdue = false);
public sealed record OrderOwnerItem(long Id, string Role, string Name, string? PhoneMasked);
/// <summary>One reading of a slot; a slot re-measured has several, in the order they were taken (<paramref name="Sequence"/> 0 first).</summary>
/// <param name="Source"><see cref="ReadingSources.Self"/> (本人) or <see cref="ReadingSources.Staff"/> (工作人员).</param>
public sealed record HealthReportItem(DateOnly Date, ReportSlot Slot, decimal Temperature, Symptoms Symptoms, bool Alarming, string ReportedBy, DateTime ReportedAt,
    int Sequence = 0, string Source = ReadingSources.Self);
public sealed record SpotCheckItem(string Method, SpotCheckOutcome Outcome, string? Note, string CheckedBy, DateTime CheckedAt);

public sealed record OrderDetail(OrderListItem Order, string? Basis, string? StatusReason, long? ArrivalId, string? ReleaseBlocker,
    IReadOnlyList<OrderMeasureItem> Measures, IReadOnlyList<OrderTestItem> Tests, IReadOnlyList<OrderOwnerItem> Owners,
    IReadOnlyList<HealthReportItem> Reports, IReadOnlyList<SpotCheckItem> SpotChecks, bool HasActiveLink, DateTime? LinkExpiresAt, int Version,
    int RulePackVersion = 0, long? LinkedOrderId = null);

/// <param name="LinkedOrderId">
/// For a secondary contact: the order of the close contact they were exposed to, within the caller's jurisdiction or
/// returned to the caller by a close-contact look-up (<see cref="OrderService.FindCloseContactAsync"/>) in the last 24 hours.
/// </param>
public sealed record OrderCreate(long PersonId, IReadOnlyList<string> Reasons, DateOnly? ExposureDate, bool Confirm = true, string? Note = null, long? LinkedOrderId = null);
/// <summary>
/// A close contact's open order found across the county by an exact identifier, showing only what a cadre of another
/// township needs to confirm the link: the masked name and ID number, the township keeping the order, its reasons and
/// start date. <see cref="OrderId"/> is what the secondary contact's order is then linked to (checked again on saving).
/// </summary>
public sealed record CloseContactMatch(long OrderId, string? NameMasked, string? DocumentMasked, string? Township, string Reasons, DateOnly StartDate);
public sealed record CloseContactLookup(string? Identifier);
public sealed record OwnerInput(string Role, string Name, string? Phone);
/// <param name="Status">The result (or the sample taken); none is refused as a result nobody chose.</param>
public sealed record TestResultInput(int Day, TestStatus? Status, decimal? Ct = null, DateTime? At = null);

/// <summary>
/// Control orders: created from the rules in force (never typed in by hand), confirmed, extended, converted on
/// schedule, transferred to hospital, cancelled with a reason, released only when every required test is negative.
/// Every change is audited with the rule that required it.
/// </summary>
public sealed class OrderService(IDbContextFactory<FangkongDb> factory, IActorAccessor actor, PolicyCache cache, JurisdictionDirectory directory,
    IOptions<FangkongOptions> options, TimeProvider time, Sites.StayService stays)
{
    /// <summary>After a change that ends the order or moves its end, the person's stay at a site follows (<see cref="Sites.StayService.FollowOrderAsync"/>).</summary>
    private async Task<bool> StayFollows(long id, Task<bool> change, CancellationToken ct)
    {
        if (!await change) return false;
        await stays.FollowOrderAsync(id, ct);
        return true;
    }

    private Actor Actor => actor.Current;
    private DateOnly Today => CountyClock.Today(time, options.Value.TimeZone);

    public async Task<Page<OrderListItem>> SearchAsync(OrderQuery query, CancellationToken ct = default)
    {
        Actor.Require(Permissions.OrdersRead);
        await using var db = await factory.CreateDbContextAsync(ct);
        var q = db.Orders.AsNoTracking();
        if (query.Status is { } status) q = q.Where(o => o.Status == status);
        else if (query.OpenOnly) q = q.WhereOpen();
        if (Text.Tidy(query.Kind) is { } kind) q = q.Where(o => o.CurrentKind == kind);
        if (query.PersonId is { } personId) q = q.Where(o => o.PersonId == personId);
        // One of the order's comma-separated reasons (a close contact's orders, for a secondary contact to be linked to).
        if (Text.Tidy(query.Reason) is { } reason)
        {
            var listed = "," + reason + ",";
            q = q.Where(o => ("," + o.Reasons + ",").Contains(listed));
        }
        var today = Today;
        if (query.ReleaseDue) q = q.WhereInForce().Where(o => o.EndDate <= today);
        // 今日待检: in force, a test today (county time, the platform clock) without a result — what the ledger counts.
        if (query.TestsDueToday) q = q.WhereTestAwaitingOn(db.OrderTests, today);
        if (Text.Tidy(query.Text) is { } text) q = q.Where(o => db.People.Any(p => p.Id == o.PersonId && p.Name.Contains(text)));
        // Narrowed to one place of the actor's subtree (a township, a village) by its scope key; the scope filter still applies.
        if (Core.Jurisdictions.ScopeKey.RangeOf(query.Place) is (string lower, string upper))
            q = q.Where(o => string.Compare(o.ScopeKey, lower) >= 0 && string.Compare(o.ScopeKey, upper) < 0);
        var size = Math.Clamp(query.PageSize, 1, 200);
        var page = Math.Max(1, query.Page);
        var total = await q.CountAsync(ct);
        var orders = await q.OrderBy(o => o.EndDate).ThenBy(o => o.Id).Skip((page - 1) * size).Take(size).Include(o => o.Tests).Include(o => o.Measures).AsSplitQuery().ToListAsync(ct);
        return new Page<OrderListItem>(await ItemsAsync(db, orders, ct), total, page, size);
    }

    private async Task<List<OrderListItem>> ItemsAsync(FangkongDb db, List<ControlOrder> orders, CancellationToken ct)
    {
        var ids = orders.Select(o => o.PersonId).Distinct().ToList();
        // The people of the orders the actor sees, wherever the registry keeps them (an order opened by a verification
        // task is kept by the unit that found the person): the order is the authority to name its person.
        var county = orders.Count == 0 ? "" : orders[0].CountyCode;
        var people = await db.People.IgnoreQueryFilters().AsNoTracking().Where(p => p.CountyCode == county && ids.Contains(p.Id))
            .Select(p => new { p.Id, p.Name, p.DocumentMasked }).ToDictionaryAsync(p => p.Id, ct);
        var hospitals = await HospitalsAsync(db, county, orders.Where(o => o.Status == OrderStatus.TransferredToHospital).Select(o => o.Id).ToList(), ct);
        var today = Today;
        return orders.Select(o =>
        {
            var p = people.GetValueOrDefault(o.PersonId);
            return new OrderListItem(o.Id, o.PersonId, p?.Name ?? "?", p?.DocumentMasked, directory.PlaceLabel(o.ScopeKey), o.ScopeKey, o.Reasons,
                o.RuleReference, o.Local, o.Status, o.CurrentKind, o.ExposureDate, o.StartDate, o.EndDate, today.DayNumber - o.ExposureDate.DayNumber + 1,
                OrderRules.StatusOn(o, today), o.Tests.Count(t => t.Status is TestStatus.Due or TestStatus.Sampled && t.Date == today),
                o.Tests.Count(t => t.Status == TestStatus.Negative), o.Tests.Count(t => t.Status != TestStatus.Cancelled), hospitals.GetValueOrDefault(o.Id),
                OrderRules.OverdueTests(o, today));
        }).ToList();
    }

    /// <summary>
    /// The hospital each of these orders' people was taken to: the destination of the latest trip to a hospital (not
    /// cancelled) carrying the person on that order, wherever in the county the trip is kept (the site's, the
    /// township's). An order whose trip named no hospital (before hospitals were named) has none.
    /// </summary>
    private static async Task<Dictionary<long, string>> HospitalsAsync(FangkongDb db, string county, List<long> orderIds, CancellationToken ct)
    {
        if (orderIds.Count == 0) return [];
        var trips = await (from p in db.Set<Core.Sites.TripPassenger>().IgnoreQueryFilters([FangkongDb.JurisdictionFilter]).AsNoTracking()
                           join t in db.Trips.IgnoreQueryFilters([FangkongDb.JurisdictionFilter]) on p.TripId equals t.Id
                           where p.CountyCode == county && p.OrderId != null && orderIds.Contains(p.OrderId.Value)
                                 && t.ToKind == Core.Sites.TripPlaceKind.Hospital && t.Status != Core.Sites.TripStatus.Cancelled && t.ToText != null
                           select new { OrderId = p.OrderId!.Value, t.Id, t.ToText }).ToListAsync(ct);
        return trips.GroupBy(t => t.OrderId).ToDictionary(g => g.Key, g => g.MaxBy(t => t.Id)!.ToText!);
    }

    public async Task<OrderDetail?> GetAsync(long id, CancellationToken ct = default)
    {
        Actor.Require(Permissions.OrdersRead);
        await using var db = await factory.CreateDbContextAsync(ct);
        var o = await Load(db, id).AsNoTracking().FirstOrDefaultAsync(ct);
        if (o is null) return null;
        var item = (await ItemsAsync(db, [o], ct))[0];
        var reports = await db.HealthReports.AsNoTracking().Where(r => r.OrderId == id)
            .OrderByDescending(r => r.Date).ThenByDescending(r => r.Slot).ThenBy(r => r.Sequence).Take(60).ToListAsync(ct);
        var checks = await db.SpotChecks.AsNoTracking().Where(s => s.OrderId == id).OrderByDescending(s => s.CheckedAt).ToListAsync(ct);
        var now = time.GetUtcNow().UtcDateTime;
        var link = await db.ReportLinks.AsNoTracking().Where(l => l.OrderId == id && l.RevokedAt == null && l.ExpiresAt > now).OrderByDescending(l => l.ExpiresAt).FirstOrDefaultAsync(ct);
        var today = Today;
        var current = OrderRules.MeasureOn(o, today);
        var linkedTests = await LinkedTestsAsync(db, o, ct);
        return new OrderDetail(item, o.Basis, o.StatusReason, o.ArrivalId, OrderRules.ReleaseBlocker(o, today, linkedTests),
            o.Measures.OrderBy(m => m.Sequence).Select(m => new OrderMeasureItem(m.Sequence, m.Kind, m.FromDay, m.ToDay, m.From, m.To, m == current)).ToList(),
            o.Tests.OrderBy(t => t.Day).Select(t => new OrderTestItem(t.Id, t.Day, t.Date, t.Status, t.SampledAt, t.ResultAt, t.Ct, t.RecordedBy,
                OrderRules.IsOverdue(o.Status, t.Status, t.Date, today))).ToList(),
            o.Owners.Select(w => new OrderOwnerItem(w.Id, w.Role, w.Name, Masking.Phone(w.Phone))).ToList(),
            reports.Select(r => new HealthReportItem(r.Date, r.Slot, r.Temperature, r.Symptoms, MonitoringRules.IsAlarming(r.Temperature, r.Symptoms), r.ReportedBy, r.ReportedAt,
                r.Sequence, ReadingSources.Of(r.ReportedBy))).ToList(),
            checks.Select(s => new SpotCheckItem(s.Method, s.Outcome, s.Note, s.CheckedBy, s.CheckedAt)).ToList(),
            link is not null, link?.ExpiresAt, o.Version, o.RulePackVersion, o.LinkedOrderId);
    }

    /// <summary>The person's control status today, derived from their orders: what checkpoints and venues read.</summary>
    public async Task<ControlStatus?> ControlStatusAsync(long personId, CancellationToken ct = default)
    {
        var (visible, statuses) = await StatusesAsync([personId], ct);
        return visible == 0 ? null : statuses.GetValueOrDefault(personId, ControlStatus.Clear);
    }

    /// <summary>
    /// The control status of each of a page of people the caller can see (the people list's badges), in two queries
    /// per county. People under no order are left out.
    /// </summary>
    public async Task<IReadOnlyDictionary<long, ControlStatus>> ControlStatusesAsync(IReadOnlyCollection<long> personIds, CancellationToken ct = default)
    {
        var (_, statuses) = await StatusesAsync(personIds, ct);
        return statuses.Where(s => s.Value != ControlStatus.Clear).ToDictionary(s => s.Key, s => s.Value);
    }

    /// <summary>
    /// How many of the people the caller can see, and the status today of those of them under an order. A fact about the
    /// person, what checkpoints read: every order in force in the person's county counts, whichever unit keeps it (a
    /// task's unit elsewhere in the county), not only the orders the reader's own unit sees.
    /// </summary>
    private async Task<(int Visible, Dictionary<long, ControlStatus> Statuses)> StatusesAsync(IReadOnlyCollection<long> personIds, CancellationToken ct)
    {
        Actor.Require(Permissions.OrdersRead);
        var result = new Dictionary<long, ControlStatus>();
        if (personIds.Count == 0) return (0, result);
        await using var db = await factory.CreateDbContextAsync(ct);
        var ids = personIds.Distinct().ToList();
        var visible = await db.People.Where(p => ids.Contains(p.Id)).Select(p => new { p.Id, p.CountyCode }).ToListAsync(ct);
        foreach (var county in visible.GroupBy(p => p.CountyCode))
        {
            var inCounty = county.Select(p => p.Id).ToList();
            var orders = await db.Orders.IgnoreQueryFilters().AsNoTracking().Include(o => o.Measures)
                .Where(o => o.CountyCode == county.Key && inCounty.Contains(o.PersonId)).Where(OrderStatusQueries.Governing)
                .ToListAsync(ct);
            foreach (var person in orders.GroupBy(o => o.PersonId)) result[person.Key] = OrderRules.StatusOf(person, Today);
        }
        return (visible.Count, result);
    }

    /// <summary>
    /// Opens an order for a registered person (a close contact, a positive pool) under the rules in force today.
    /// The exposure date defaults to today; an order the rules do not ask for is refused with the reason.
    /// </summary>
    public async Task<long> CreateAsync(OrderCreate input, CancellationToken ct = default)
    {
        Actor.Require(Permissions.OrdersManage);
        var today = Today;
        var reasons = CheckOpening(input.Reasons, input.ExposureDate, today);
        await using var db = await factory.CreateDbContextAsync(ct);
        var person = await db.People.FirstOrDefaultAsync(p => p.Id == input.PersonId, ct)
            ?? throw new ValidationFailedException([new FieldError("personId", "person.not-found")]);
        if (await OpenForSameReasonAsync(db, person, reasons, ct) is not null)
            throw new ConflictException("order.already-open", "the person already has an open order for this reason");
        var order = await OpenAsync(db, cache, person, person.ScopeKey, reasons, input.ExposureDate ?? today, today, time.GetUtcNow().UtcDateTime, input.Confirm, ct);
        if (input.LinkedOrderId is { } linked) order.LinkedOrderId = await LinkAsync(db, order, linked, time.GetUtcNow().UtcDateTime, ct);
        db.Audit.Reason = Text.Tidy(input.Note) ?? (input.Confirm ? "order opened" : "order proposed");
        db.Audit.Rule = order.RuleReference;
        await db.SaveChangesAsync(ct);
        return order.Id;
    }

    /// <summary>
    /// The close contact's order a secondary contact's order is linked to: an open order whose reasons include close
    /// contact, within the caller's jurisdiction or, kept by another township (only its tests are read), one that a
    /// close-contact look-up by the same account returned in the last <see cref="CloseContactLookups.LinkWindow"/>.
    /// Refused for an order whose release does not look at a linked contact, an order that is not a close contact's,
    /// or one already closed; an order of another township the account did not look up is refused as an unknown one,
    /// so that neither its existence nor its state is told.
    /// </summary>
    private async Task<long> LinkAsync(FangkongDb db, ControlOrder order, long linkedId, DateTime now, CancellationToken ct)
    {
        if (order.ReleaseCondition != OrderRules.OwnAndLinkedContactNegative)
            throw new ValidationFailedException([new FieldError("linkedOrderId", "order.link-not-secondary")]);
        var target = await db.Orders.IgnoreQueryFilters([FangkongDb.JurisdictionFilter]).AsNoTracking()
            .Where(o => o.Id == linkedId && o.CountyCode == order.CountyCode).Select(o => new { o.Reasons, o.Status, o.ScopeKey }).FirstOrDefaultAsync(ct);
        if (target is not null && !Actor.Scope.Contains(order.CountyCode, target.ScopeKey) && !await LookedUpAsync(db, linkedId, now, ct)) target = null;
        if (target is null || !target.Reasons.Split(',').Contains(Core.Policy.Reasons.CloseContact))
            throw new ValidationFailedException([new FieldError("linkedOrderId", "order.link-not-close-contact")]);
        if (!ControlOrder.IsOpen(target.Status))
            throw new ValidationFailedException([new FieldError("linkedOrderId", "order.link-closed")]);
        return linkedId;
    }

    /// <summary>Whether a close-contact look-up by this account in the last day returned the order (its access-log entry names them).</summary>
    private async Task<bool> LookedUpAsync(FangkongDb db, long orderId, DateTime now, CancellationToken ct)
    {
        var actorId = Actor.Id;
        var since = now - CloseContactLookups.LinkWindow;
        var idText = orderId.ToString(CultureInfo.InvariantCulture);
        // The index finds the account's look-ups of the day; the text test narrows them, the list read back decides.
        var logged = await db.AuditEntries.IgnoreQueryFilters([FangkongDb.JurisdictionFilter]).AsNoTracking()
            .Where(e => e.ActorId == actorId && e.Action == CloseContactLookupAction && e.At > since && e.At <= now && e.Changes != null && e.Changes.Contains(idText))
            .Select(e => e.Changes).ToListAsync(ct);
        return logged.Any(changes => CloseContactLookups.Returned(
            AuditChanges.Parse(changes).Where(c => c.Field == CloseContactLookups.FoundField).Select(c => c.New).FirstOrDefault(), orderId));
    }

    /// <summary>The access-log action of a close-contact look-up, counted for the rate limit and read for the links it allows.</summary>
    public const string CloseContactLookupAction = "order.close-contact-lookup";

    /// <summary>The problem code of a look-up refused for being over the account's limit in the last ten minutes.</summary>
    public const string LookupRateLimited = "lookup.rate-limited";

    /// <summary>The field a close contact's identifier is typed into, named in its errors.</summary>
    public const string CloseContactField = "closeContact";

    /// <summary>
    /// Finds, across the county's townships, the open close-contact orders of the person with this exact resident ID
    /// number or phone number (<see cref="PersonKey"/>; an ID with a wrong check character is refused, naming the field),
    /// so that a secondary contact kept in one township can be linked to the close contact kept in another. Matched
    /// by the keyed hash only; discloses masked identity, the township, reasons and start date, nothing for a person
    /// without such an order. Every look-up is written to the access log with who asked, the hash (not the number) and
    /// the orders it returned (which the account may then link to). An account may make at most
    /// <see cref="OrderOptions.CloseContactLookupsPer10Minutes"/> look-ups in a sliding ten minutes, counted from those
    /// entries so the limit holds across nodes; one more is refused (<see cref="RateLimitedException"/>, nothing written)
    /// until the oldest that counts leaves the window.
    /// </summary>
    public async Task<IReadOnlyList<CloseContactMatch>> FindCloseContactAsync(string? identifier, CancellationToken ct = default)
    {
        Actor.Require(Permissions.OrdersManage);
        var (key, error) = PersonKey.Read(identifier, Today);
        if (key is not { } k) throw new ValidationFailedException([new FieldError(CloseContactField, error!)]);
        await using var db = await factory.CreateDbContextAsync(ct);
        var now = time.GetUtcNow().UtcDateTime;
        var limit = options.Value.Orders.CloseContactLookupLimit;
        var actorId = Actor.Id;
        var since = now - CloseContactLookups.Window;
        var recent = await db.AuditEntries.IgnoreQueryFilters([FangkongDb.JurisdictionFilter]).AsNoTracking()
            .Where(e => e.ActorId == actorId && e.Action == CloseContactLookupAction && e.At > since && e.At <= now)
            .OrderByDescending(e => e.At).Take(limit).Select(e => e.At).ToListAsync(ct);
        var allowance = CloseContactLookups.Check(recent, limit, now);
        if (!allowance.Allowed) throw new RateLimitedException(LookupRateLimited, allowance.MinutesToWait(now));
        var county = Actor.Scope.CountyCode;
        var hash = k.Kind == PersonKeyKind.ResidentId
            ? db.Protector.Hash(BlindIndex.DocumentPurpose(DocumentType.ResidentId), k.Normalized)!
            : db.Protector.Hash(BlindIndex.Phone, k.Normalized)!;
        var people = db.People.IgnoreQueryFilters([FangkongDb.JurisdictionFilter]).Where(p => p.CountyCode == county);
        people = k.Kind == PersonKeyKind.ResidentId ? people.Where(p => p.DocumentHash == hash) : people.Where(p => p.PhoneHash == hash);
        var personIds = people.Select(p => p.Id);
        var listed = "," + Core.Policy.Reasons.CloseContact + ",";
        var orders = await db.Orders.IgnoreQueryFilters([FangkongDb.JurisdictionFilter]).AsNoTracking().WhereOpen()
            .Where(o => o.CountyCode == county && personIds.Contains(o.PersonId) && ("," + o.Reasons + ",").Contains(listed))
            .OrderBy(o => o.Id).Take(10)
            .Select(o => new { o.Id, o.PersonId, o.ScopeKey, o.Reasons, o.StartDate }).ToListAsync(ct);
        var ids = orders.Select(o => o.PersonId).Distinct().ToList();
        var names = await db.People.IgnoreQueryFilters([FangkongDb.JurisdictionFilter]).AsNoTracking().Where(p => p.CountyCode == county && ids.Contains(p.Id))
            .Select(p => new { p.Id, p.Name, p.DocumentMasked }).ToDictionaryAsync(p => p.Id, ct);
        var matches = orders.Select(o => new CloseContactMatch(o.Id, Masking.Name(names.GetValueOrDefault(o.PersonId)?.Name),
            names.GetValueOrDefault(o.PersonId)?.DocumentMasked,
            o.ScopeKey.Length >= ScopeKey.TownshipLength ? directory.Official(o.ScopeKey[..ScopeKey.TownshipLength])?.Name : null,
            o.Reasons, o.StartDate)).ToList();
        // Stamped by the platform's clock, the one the limit above and the link check count by.
        db.Audit.Record(AuditKind.Access, CloseContactLookupAction, county, Actor.Scope.Prefix, "ControlOrder",
            matches.Count == 1 ? matches[0].OrderId.ToString(CultureInfo.InvariantCulture) : null,
            new AuditChanges().Set("By", null, k.Kind == PersonKeyKind.ResidentId ? "resident-id" : "phone").Set("Hash", null, Convert.ToHexString(hash))
                .Set("Found", null, matches.Count.ToString(CultureInfo.InvariantCulture))
                .Set(CloseContactLookups.FoundField, null, CloseContactLookups.Found(matches.Select(m => m.OrderId))),
            reason: "secondary contact link", rule: "lookup", at: now);
        await db.SaveChangesAsync(ct);
        return matches;
    }

    /// <summary>The tests of the close contact's order a secondary contact's order is linked to (read across townships: only their results).</summary>
    internal static async Task<IReadOnlyList<OrderTest>> LinkedTestsAsync(FangkongDb db, ControlOrder order, CancellationToken ct) =>
        order.LinkedOrderId is { } linked
            ? await db.OrderTests.IgnoreQueryFilters().AsNoTracking().Where(t => t.OrderId == linked && t.CountyCode == order.CountyCode).ToListAsync(ct)
            : [];

    /// <summary>The reasons asked for, tidied; refused when none is given or the exposure date is impossible.</summary>
    internal static IReadOnlyList<string> CheckOpening(IEnumerable<string> reasons, DateOnly? exposureDate, DateOnly today)
    {
        var errors = new List<FieldError>();
        var tidy = reasons.Select(r => r.Trim()).Where(r => r.Length > 0).Distinct().ToList();
        if (tidy.Count == 0) errors.Add(new FieldError("reasons", "required"));
        var exposure = exposureDate ?? today;
        if (exposure > today) errors.Add(new FieldError("exposureDate", "date.future"));
        else if (exposure < today.AddDays(-60)) errors.Add(new FieldError("exposureDate", "date.too-early"));
        ValidationFailedException.ThrowIfAny(errors);
        return tidy;
    }

    /// <summary>
    /// Adds (unsaved) the order the rules in force today give a person for these reasons, the strictest of them, kept
    /// by the unit <paramref name="scopeKey"/> (the person's own, or the unit that found them on a pushed list). The
    /// one way every order is opened: from a person's page, the API, a verification task closed with a measure.
    /// </summary>
    internal static async Task<ControlOrder> OpenAsync(FangkongDb db, PolicyCache cache, Person person, string scopeKey, IReadOnlyList<string> reasons,
        DateOnly exposure, DateOnly today, DateTime now, bool confirm, CancellationToken ct)
    {
        var rules = await PolicyService.RulesAsync(db, person.CountyCode, cache, ct);
        var evaluation = reasons.Select(r => rules.Evaluate(r, exposure, today)).Where(e => e.Managed && e.End >= today)
            .Aggregate((PolicyEvaluation?)null, (best, next) => best is null || next.IsStricterThan(best) ? next : best);
        if (evaluation is null) throw new ValidationFailedException([new FieldError("reasons", "rules.not-managed")]);
        var order = OrderRules.Build(evaluation, reasons, person.CountyCode, scopeKey, person.Id, now);
        order.Status = confirm ? OrderStatus.Active : OrderStatus.Proposed;
        order.Version = 1;
        db.Orders.Add(order);
        return order;
    }

    /// <summary>The person's open order (proposed or in force) for one of <paramref name="reasons"/>, wherever in the county it is kept, or null.</summary>
    private static async Task<ControlOrder?> OpenForSameReasonAsync(FangkongDb db, Person person, IReadOnlyList<string> reasons, CancellationToken ct)
    {
        var open = await db.Orders.IgnoreQueryFilters([FangkongDb.JurisdictionFilter]).AsNoTracking().WhereOpen()
            .Where(o => o.CountyCode == person.CountyCode && o.PersonId == person.Id).ToListAsync(ct);
        return open.FirstOrDefault(o => OrderRules.SharesReason(o.Reasons, reasons));
    }

    public Task<bool> ConfirmAsync(long id, string? note, CancellationToken ct = default) =>
        ChangeAsync(id, Permissions.OrdersManage, note ?? "confirmed", (o, _, _) =>
        {
            if (o.Status != OrderStatus.Proposed) Refuse("order.not-proposed");
            o.Status = OrderStatus.Active;
        }, ct);

    public Task<bool> ExtendAsync(long id, int days, string? reason, CancellationToken ct = default) =>
        StayFollows(id,
        ChangeAsync(id, Permissions.OrdersManage, Required(reason), (o, _, _) =>
        {
            if (!ControlOrder.IsInForce(o.Status)) Refuse("order.not-in-force");
            if (days is < 1 or > 30) throw new ValidationFailedException([new FieldError("days", "range:1-30")]);
            // The extra days keep the last measure's test rhythm: a test on the last day, and every third day before it.
            var tests = Enumerable.Range(1, days).Where(d => d == days || (days - d) % 3 == 0).ToList();
            OrderRules.Extend(o, days, tests);
            o.StatusReason = Text.Tidy(reason);
        }, ct), ct);

    /// <summary>
    /// Transfers the person to hospital: the order closes as transferred (with its reason), the stay at a site follows
    /// (checked out, or the room freed), and the closed-loop transfer to the hospital — named, <see cref="Core.Sites.TripRules.HospitalName"/>,
    /// field "hospital" — is requested from where the person is: the site they were checked in at, else home. A person
    /// is on one open trip at a time: one still open is closed first, and nothing is changed until it is.
    /// </summary>
    public async Task<bool> TransferToHospitalAsync(long id, string? reason, string? hospital, CancellationToken ct = default)
    {
        Actor.Require(Permissions.OrdersManage);
        var errors = new List<FieldError>();
        try { Required(reason); }
        catch (ValidationFailedException e) { errors.AddRange(e.Errors); }
        var name = Core.Sites.TripRules.HospitalName(hospital, "hospital", out var unnamed);
        if (unnamed is { } error) errors.Add(error);
        if (errors.Count > 0) throw new ValidationFailedException(errors);
        long personId;
        long? fromSite;
        await using (var db = await factory.CreateDbContextAsync(ct))
        {
            var order = await db.Orders.AsNoTracking().Where(o => o.Id == id).Select(o => new { o.PersonId, o.CountyCode, o.Status }).FirstOrDefaultAsync(ct);
            if (order is null) return false;
            if (!ControlOrder.IsOpen(order.Status)) Refuse("order.closed");
            personId = order.PersonId;
            // Where the trip starts: the site of the stay this transfer checks out (a site the actor may not see).
            fromSite = await db.Stays.IgnoreQueryFilters([FangkongDb.JurisdictionFilter]).AsNoTracking()
                .Where(s => s.OrderId == id && s.CountyCode == order.CountyCode && s.Status == Core.Sites.StayStatus.CheckedIn).Select(s => (long?)s.SiteId).FirstOrDefaultAsync(ct);
            if (await Sites.TripService.OpenTripAsync(db, order.CountyCode, [personId], ct) is { } open)
            {
                var names = await Sites.StayService.NamesAsync(db, order.CountyCode, [personId], ct);
                throw Sites.TripService.OnOpenTrip(names.GetValueOrDefault(personId, ""), open.PersonId, open.TripId, open.Status);
            }
        }
        var done = await StayFollows(id,
            ChangeAsync(id, Permissions.OrdersManage, $"{Required(reason)} (to hospital: {name})", (o, _, _) =>
            {
                if (!ControlOrder.IsOpen(o.Status)) Refuse("order.closed");
                o.Status = OrderStatus.TransferredToHospital;
                o.StatusReason = Text.Tidy(reason);
            }, ct), ct);
        if (done) await new Sites.TripService(factory, actor, time).RequestOrderToHospitalAsync(id, personId, fromSite, name!, ct);
        return done;
    }

    public Task<bool> CancelAsync(long id, string? reason, CancellationToken ct = default) =>
        StayFollows(id,
        ChangeAsync(id, Permissions.OrdersManage, Required(reason), (o, _, _) =>
        {
            if (!ControlOrder.IsOpen(o.Status)) Refuse("order.closed");
            o.Status = OrderStatus.Cancelled;
            o.StatusReason = Text.Tidy(reason);
            foreach (var t in o.Tests.Where(t => t.Status == TestStatus.Due)) t.Status = TestStatus.Cancelled;
        }, ct), ct);

    /// <summary>
    /// Releases an order whose measures are over and whose every required test is negative; refuses otherwise, naming
    /// why. Like every decision that ends or changes an order (extend, transfer, cancel), it needs a reason.
    /// </summary>
    public Task<bool> ReleaseAsync(long id, string? reason, CancellationToken ct = default) =>
        StayFollows(id,
        ChangeAsync(id, Permissions.OrdersManage, Required(reason), (o, today, linked) =>
        {
            if (OrderRules.ReleaseBlocker(o, today, linked) is { } blocker) Refuse("release." + blocker);
            o.Status = OrderStatus.Released;
            o.StatusReason = Text.Tidy(reason);
        }, ct), ct);

    /// <summary>Records a sample or a result in a test's slot (by day number). A positive result opens a hospital-transfer task.</summary>
    public async Task<bool> RecordTestAsync(long id, TestResultInput input, CancellationToken ct = default)
    {
        Actor.Require(Permissions.OrdersTests);
        await using var db = await factory.CreateDbContextAsync(ct);
        var o = await Load(db, id).FirstOrDefaultAsync(ct);
        if (o is null) return false;
        // A result nobody chose is not recorded as any result (a form's select starts empty, not on 阴性).
        if (input.Status is not { } status) throw new ValidationFailedException([new FieldError("status", "result.required")]);
        var test = o.Tests.FirstOrDefault(t => t.Day == input.Day) ?? throw new ValidationFailedException([new FieldError("day", "test.not-scheduled")]);
        if (status is TestStatus.Due or TestStatus.Cancelled) throw new ValidationFailedException([new FieldError("status", "test.status-invalid")]);
        if (input.Ct is < 0 or > 50) throw new ValidationFailedException([new FieldError("ct", "range:0-50")]);
        // Negative means Ct ≥ 35 (DOMAIN.md): a negative with a lower Ct is a typing error, not a result.
        if (status == TestStatus.Negative && input.Ct is < OrderRules.NegativeCt) throw new ValidationFailedException([new FieldError("ct", "test.negative-ct")]);
        // A released or cancelled order takes no more results: a late positive is a new case, not an edit of a closed order.
        if (!ControlOrder.IsInForce(o.Status)) throw new ConflictException("order.not-in-force", "the order is not in force");
        var now = time.GetUtcNow().UtcDateTime;
        var at = input.At?.ToUniversalTime() ?? now;
        if (at > now.AddMinutes(5)) throw new ValidationFailedException([new FieldError("at", "date.future")]);
        // Not before the exposure (day 1): an older sample cannot be one of this order's tests.
        var zone = TimeZoneInfo.FindSystemTimeZoneById(options.Value.TimeZone);
        if (CountyClock.DateOf(at, zone) < o.ExposureDate) throw new ValidationFailedException([new FieldError("at", "date.before-exposure")]);
        if (status == TestStatus.Sampled) test.SampledAt = at;
        else { test.ResultAt = at; test.SampledAt ??= at; test.Ct = input.Ct; }
        test.Status = status;
        test.RecordedBy = Actor.Name;
        o.UpdatedAt = now;
        if (status == TestStatus.Positive)
            await TaskRaiser.RaiseAsync(db, o, "positive-transfer", TaskTitle.PositiveTest(input.Day), $"positive:{o.Id}:{input.Day}", now, TimeSpan.FromMinutes(options.Value.Monitoring.AlertMinutes));
        db.Audit.Reason = $"test day {input.Day}: {status.ToString().ToLowerInvariant()}";
        db.Audit.Rule = o.RuleReference;
        await db.SaveChangesAsync(ct);
        return true;
    }

    /// <summary>
    /// Opens an order inside a caller's transaction (a verification task closed with a measure): the person is the
    /// task's, the order kept by the unit working the task, and the team's sample becomes the order's test of that day.
    /// </summary>
    internal async Task<ControlOrder> OpenForTaskAsync(FangkongDb db, long taskId, long personId, string scopeKey, string reason, DateOnly? exposureDate, string note,
        (DateTime SampledAt, DateTime? ResultAt, string? Result)? sample, CancellationToken ct)
    {
        Actor.Require(Permissions.OrdersManage);
        var today = Today;
        var reasons = CheckOpening([reason], exposureDate, today);
        // The task is the authority over its person, wherever the registry keeps them (a transfer, a wrong address).
        var person = await db.People.IgnoreQueryFilters().FirstOrDefaultAsync(p => p.Id == personId && p.CountyCode == Actor.Scope.CountyCode, ct)
            ?? throw new ValidationFailedException([new FieldError("personId", "person.not-found")]);
        var now = time.GetUtcNow().UtcDateTime;
        // A person already under an order for this reason is not put under a second one: the task is closed on that order.
        if (await OpenForSameReasonAsync(db, person, reasons, ct) is { } open) return open;
        var order = await OpenAsync(db, cache, person, scopeKey, reasons, exposureDate ?? today, today, now, confirm: true, ct);
        db.Audit.Reason = note;
        db.Audit.Rule = order.RuleReference;
        await db.SaveChangesAsync(ct);
        // The team's sample fills the order's test slot of that day when the pack schedules one (the person is not
        // sampled twice on one day), recorded as a test result under the task.
        var zone = TimeZoneInfo.FindSystemTimeZoneById(options.Value.TimeZone);
        if (sample is { } taken && order.Tests.FirstOrDefault(t => t.Date == CountyClock.DateOf(taken.SampledAt, zone) && t.Status == TestStatus.Due) is { } test)
        {
            // A positive result raised its transfer task when the team recorded it (verification-positive:{task}): not twice.
            test.Status = taken.Result switch { "positive" => TestStatus.Positive, "negative" => TestStatus.Negative, _ => TestStatus.Sampled };
            test.SampledAt = taken.SampledAt;
            if (test.Status != TestStatus.Sampled) test.ResultAt = taken.ResultAt ?? now;
            test.RecordedBy = Actor.Name;
            order.UpdatedAt = now;
            db.Audit.Reason = $"test day {test.Day}: {test.Status.ToString().ToLowerInvariant()}";
            db.Audit.Rule = $"verification#{taskId}";
            await db.SaveChangesAsync(ct);
        }
        return order;
    }

    /// <summary>
    /// Replaces the five-to-one owners: each an active role of the county's list (<see cref="DutyRoleKind.Owner"/>; or one
    /// the order already names, kept when the county has retired it since),
    /// at most once, with a person's name and a valid phone (<see cref="OwnerRules.Check"/>).
    /// </summary>
    public async Task<bool> SetOwnersAsync(long id, IReadOnlyList<OwnerInput> owners, CancellationToken ct = default)
    {
        Actor.Require(Permissions.OrdersManage);
        await using var db = await factory.CreateDbContextAsync(ct);
        var o = await Load(db, id).FirstOrDefaultAsync(ct);
        if (o is null) return false;
        var errors = new List<FieldError>();
        var roles = (await DutyRoleService.InUseAsync(db, DutyRoleKind.Owner, ct)).Concat(o.Owners.Select(w => w.Role)).ToList();
        var clean = OwnerRules.Check(owners.Select(w => new OwnerEntry(w.Role, w.Name, w.Phone)).ToList(), roles, errors);
        ValidationFailedException.ThrowIfAny(errors);
        db.OrderOwners.RemoveRange(o.Owners);
        foreach (var w in clean)
            o.Owners.Add(new OrderOwner { CountyCode = o.CountyCode, ScopeKey = o.ScopeKey, Role = w.Role, Name = w.Name, Phone = w.Phone });
        db.Audit.Reason = "five-to-one owners";
        db.Audit.Rule = o.RuleReference;
        await db.SaveChangesAsync(ct);
        return true;
    }

    private async Task<bool> ChangeAsync(long id, string permission, string reason, Action<ControlOrder, DateOnly, IReadOnlyList<OrderTest>> change, CancellationToken ct)
    {
        Actor.Require(permission);
        await using var db = await factory.CreateDbContextAsync(ct);
        var o = await Load(db, id).FirstOrDefaultAsync(ct);
        if (o is null) return false;
        change(o, Today, await LinkedTestsAsync(db, o, ct));
        o.UpdatedAt = time.GetUtcNow().UtcDateTime;
        o.Version++;
        db.Audit.Reason = reason;
        db.Audit.Rule = o.RuleReference;
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            throw new ConflictException("order.version", "the order was changed by someone else; reload");
        }
        return true;
    }

    internal static IQueryable<ControlOrder> Load(FangkongDb db, long id) =>
        db.Orders.Where(o => o.Id == id).Include(o => o.Measures).Include(o => o.Tests).Include(o => o.Owners).AsSplitQuery();

    /// <summary>The reason a decision on an order needs (kept as the order's status reason and in the trail: 500 characters at most).</summary>
    private static string Required(string? reason) =>
        Text.Tidy(reason) is { } text
            ? text.Length <= 500 ? text : throw new ValidationFailedException([new FieldError("reason", "too-long")])
            : throw new ValidationFailedException([new FieldError("reason", "reason.required")]);

    private static void Refuse(string code) => throw new ConflictException(code, code);
}

/// <summary>Opens a task once per subject (the dedup key), owned by the order's node, due after a window.</summary>
internal static class TaskRaiser
{
    public static Task<WorkTask?> RaiseAsync(FangkongDb db, ControlOrder order, string kind, TaskTitle title, string dedupKey, DateTime now, TimeSpan window, CancellationToken ct = default) =>
        RaiseAsync(db, order.CountyCode, order.ScopeKey, kind, title, dedupKey, now, window, order.PersonId, order.Id, null, ct);

    /// <summary>
    /// Adds the task unless one with the same key exists (whoever can see it now: an escalated task sits higher up).
    /// Two nodes racing past this check still make one task: the unique index refuses the second.
    /// </summary>
    public static async Task<WorkTask?> RaiseAsync(FangkongDb db, string county, string scopeKey, string kind, TaskTitle title, string dedupKey, DateTime now, TimeSpan window,
        long? personId = null, long? orderId = null, long? arrivalId = null, CancellationToken ct = default)
    {
        if (db.Tasks.Local.Any(t => t.CountyCode == county && t.DedupKey == dedupKey)
            || await db.Tasks.IgnoreQueryFilters().AnyAsync(t => t.CountyCode == county && t.DedupKey == dedupKey, ct)) return null;
        // A task raised on its own (a fever, a spot-check finding) is urgent: its unit is told at once.
        Notifications.Notifier.Add(db, county, scopeKey, Core.Notifications.NotificationKinds.TaskRaised, 0, 1, kind, title.Format(), "/tasks", "task:" + dedupKey, now);
        return Add(db, county, scopeKey, kind, title, dedupKey, now, window, personId, orderId, arrivalId);
    }

    /// <summary>Adds the task without looking for an existing one (callers that checked a whole batch of keys at once).</summary>
    public static WorkTask Add(FangkongDb db, string county, string scopeKey, string kind, TaskTitle title, string dedupKey, DateTime now, TimeSpan window,
        long? personId = null, long? orderId = null, long? arrivalId = null)
    {
        var task = new WorkTask
        {
            CountyCode = county, ScopeKey = scopeKey, OriginalScopeKey = scopeKey, Kind = kind, Title = title.Format(), DedupKey = dedupKey,
            PersonId = personId, OrderId = orderId, ArrivalId = arrivalId, Status = Core.Tasks.TaskStatus.Open, DueAt = now + window,
            CreatedAt = now, Version = 1,
        };
        db.Tasks.Add(task);
        return task;
    }

    internal static string Key(params object[] parts) => string.Join(":", parts.Select(p => Convert.ToString(p, CultureInfo.InvariantCulture)));
}
