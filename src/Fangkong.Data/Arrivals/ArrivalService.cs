using System.Security.Cryptography;
using System.Text.Json;
using Fangkong.Core;
using Fangkong.Core.Accounts;
using Fangkong.Core.Arrivals;
using Fangkong.Core.Identifiers;
using Fangkong.Core.Jurisdictions;
using Fangkong.Core.Orders;
using Fangkong.Core.People;
using Fangkong.Core.Policy;
using Fangkong.Data.Infrastructure;
using Fangkong.Data.Jurisdictions;
using Fangkong.Data.Orders;
using Fangkong.Data.Policy;
using Fangkong.Data.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Fangkong.Data.Arrivals;

public sealed record StopInput(string? Place, DateOnly? From, DateOnly? To);

public sealed record ArrivalInput(
    string? Name,
    DocumentType DocumentType = DocumentType.ResidentId,
    string? DocumentNumber = null,
    string? Phone = null,
    string? Origin = null,
    bool Inbound = false,
    IReadOnlyList<StopInput>? Stops = null,
    DateOnly? ArrivalDate = null,
    long? DestinationNodeId = null,
    string? DestinationText = null,
    string? Vehicle = null,
    string? HealthCode = null,
    bool TravelCardStar = false,
    DateTime? LandingTestAt = null);

public sealed record ArrivalReceipt(long Id, string Reference, bool Merged, ArrivalStatus Status, string? AppliedReason, string? MeasureKind, DateOnly? EndDate);

public sealed record ArrivalQuery(ArrivalStatus? Status = null, bool PendingOnly = false, DateOnly? From = null, DateOnly? To = null, string? Text = null,
    ArrivalChannel? Channel = null, int Page = 1, int PageSize = 50, string? Place = null);

public sealed record ArrivalItem(long Id, string Reference, string Name, string? DocumentMasked, string? PhoneMasked, string OriginText, string? OriginCountyName,
    bool Inbound, DateOnly ArrivalDate, string ScopeKey, string? Place, ArrivalChannel Channel, ArrivalStatus Status, string? Reasons, string? RuleReference,
    DateOnly? ExposureDate, long? OrderId, long? PersonId, int Submissions, DateTime SubmittedAt, string? Flags = null);

public sealed record ArrivalDetail(ArrivalItem Arrival, IReadOnlyList<TravelStop> Stops, string? Vehicle, string? HealthCode, bool TravelCardStar,
    DateTime? LandingTestAt, string? ClassificationNote, string? DecidedBy, DateTime? DecidedAt, string? DecisionNote, string? PointCode, int Version,
    DocumentType DocumentType = DocumentType.ResidentId, string? LandingTestResult = null, DateTime? LandingTestResultAt = null,
    IReadOnlyList<ArrivalResubmission>? Resubmissions = null);

/// <summary>
/// Arrivals (报备): registered by the person on the public page or by staff; merged when the same person registers
/// twice the same day; classified against the risk-area list and the rule pack in force into a proposed order or
/// a proposed release, which the township confirms.
/// </summary>
public sealed class ArrivalService(IDbContextFactory<FangkongDb> factory, IActorAccessor actor, PolicyCache cache, JurisdictionDirectory directory,
    CountyResolvers resolvers, IOptions<FangkongOptions> options, TimeProvider time)
{
    public const int MaxStops = 10;
    private Actor Actor => actor.Current;
    private FangkongOptions Options => options.Value;
    private DateOnly Today => CountyClock.Today(time, Options.TimeZone);

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task<ArrivalReceipt> RegisterAsync(ArrivalInput input, ArrivalChannel channel, string? pointCode, CancellationToken ct = default)
    {
        Actor.Require(Permissions.ArrivalsRegister);
        var today = Today;
        var errors = new List<FieldError>();
        var name = PersonRules.NormalizeName(input.Name, out var nameError);
        if (nameError is not null) errors.Add(new FieldError("name", nameError));
        var doc = PersonRules.NormalizeDocument(input.DocumentType, input.DocumentNumber, today, NationalDivisions.Shared.IsKnownAddressCode);
        if (doc.Number is null) errors.Add(new FieldError("documentNumber", "required"));
        else if (!doc.Valid) errors.Add(new FieldError("documentNumber", doc.Issue ?? "id.invalid"));
        var phone = PersonRules.NormalizePhone(input.Phone, out var phoneError);
        if (phoneError is not null) errors.Add(new FieldError("phone", phoneError));
        else if (phone is null) errors.Add(new FieldError("phone", "required"));

        var arrivalDate = input.ArrivalDate ?? today;
        if (arrivalDate > today) errors.Add(new FieldError("arrivalDate", "date.future"));
        else if (arrivalDate < today.AddDays(-Options.Arrivals.MaxDaysBack)) errors.Add(new FieldError("arrivalDate", "date.too-early"));

        var originText = Text.Tidy(input.Origin);
        string? originCounty = null, originName = null, originPlace = null;
        if (originText is null) errors.Add(new FieldError("origin", "required"));
        else if (originText.Length > 200) errors.Add(new FieldError("origin", "too-long"));
        else if (!input.Inbound)
        {
            var place = NationalDivisions.Shared.ResolvePlace(originText);
            if (place.IsAmbiguous) errors.Add(new FieldError("origin", "place.ambiguous"));
            else if (place.CountyCode6 is null) errors.Add(new FieldError("origin", "place.unknown"));
            else { originCounty = place.CountyCode6; originName = place.FullName; originPlace = Text.Tidy(place.Remainder); }
        }

        var stops = new List<TravelStop>();
        foreach (var (s, i) in (input.Stops ?? []).Take(MaxStops + 1).Select((s, i) => (s, i)))
        {
            if (i == MaxStops) { errors.Add(new FieldError("stops", "too-many")); break; }
            if (Text.Tidy(s.Place) is null && s.From is null && s.To is null) continue;
            var place = NationalDivisions.Shared.ResolvePlace(s.Place);
            if (place.IsAmbiguous) errors.Add(new FieldError($"stops[{i}].place", "place.ambiguous"));
            else if (place.CountyCode6 is null) errors.Add(new FieldError($"stops[{i}].place", "place.unknown"));
            if (s.From is null) errors.Add(new FieldError($"stops[{i}].from", "required"));
            var to = s.To ?? arrivalDate;
            if (s.From is { } from && from > to) errors.Add(new FieldError($"stops[{i}].to", "date.before-from"));
            if (to > arrivalDate) errors.Add(new FieldError($"stops[{i}].to", "date.after-arrival"));
            if (place.CountyCode6 is { } code && s.From is { } f && f <= to)
                stops.Add(new TravelStop(code, Text.Tidy(place.Remainder), f, to));
        }

        var health = Text.Tidy(input.HealthCode)?.ToLowerInvariant();
        if (health is not (null or "green" or "yellow" or "red")) errors.Add(new FieldError("healthCode", "health-code.invalid"));
        var vehicle = Text.Tidy(input.Vehicle);
        if (vehicle is { Length: > 100 }) errors.Add(new FieldError("vehicle", "too-long"));
        var destinationText = Text.Tidy(input.DestinationText);
        if (destinationText is { Length: > 200 }) errors.Add(new FieldError("destinationText", "too-long"));
        if (input.LandingTestAt is { } landing && landing.ToUniversalTime() > time.GetUtcNow().UtcDateTime.AddMinutes(5)) errors.Add(new FieldError("landingTestAt", "date.future"));

        var county = Actor.Scope.All ? Options.County : Actor.Scope.CountyCode;
        PlaceStep destination;
        Dwelling dwelling;
        await using (var lookup = await factory.CreateDbContextAsync(ct))
            (destination, dwelling) = await DestinationAsync(lookup, county, input.DestinationNodeId, destinationText, errors, ct);
        ValidationFailedException.ThrowIfAny(errors);

        // Two registrations of one person sent at the same moment (two codes scanned, a double tap): the database lets
        // one in (one live registration per person and day; one person per ID); the other is stored again and merges.
        // On PostgreSQL a registration whose row lock found nothing (the first one not yet committed) can still read the
        // first one's arrival once it commits, and then lose the version check to a merge that holds the lock: stored
        // again, its lock finds the committed row and it merges in turn.
        for (var attempt = 1; ; attempt++)
        {
            await using var db = await factory.CreateDbContextAsync(ct);
            try { return await StoreAsync(db); }
            catch (DbUpdateException e) when (attempt == 1 && (DbErrors.IsUniqueViolation(e) || e is DbUpdateConcurrencyException)) { }
        }

        async Task<ArrivalReceipt> StoreAsync(FangkongDb db)
        {

            var now = time.GetUtcNow().UtcDateTime;
            var hash = db.Protector.Hash(BlindIndex.DocumentPurpose(doc.Type), doc.Number!);
            var phoneHash = db.Protector.Hash(BlindIndex.Phone, phone);
            await using var transaction = await db.Database.BeginTransactionAsync(ct);

            // The same person registering again the same day updates the first registration (scanning a second code, a retry);
            // PostgreSQL: the row is locked first so that merges sent at once apply one after the other (SQLite's
            // transaction already holds the write lock).
            if (db.Database.IsNpgsql())
                await db.Database.SqlQuery<long>($"""
                    SELECT "Id" AS "Value" FROM "Arrivals" WHERE "CountyCode" = {county} AND "DocumentHash" = {hash}
                    AND "ArrivalDate" = {arrivalDate} AND "Status" <> {(int)ArrivalStatus.Cancelled} FOR UPDATE
                    """).ToListAsync(ct);
            var person = await db.People.IgnoreQueryFilters().FirstOrDefaultAsync(p => p.CountyCode == county && p.DocumentHash == hash, ct);
            // Someone not in the registry lives where they said: the household their destination names under the village
            // ("3组18号", "幸福小区5号楼2单元302室"), so the village cadre finds them at the door. Placed (and saved) before
            // anything else of this registration is added.
            var home = destination;
            if (person is null)
            {
                db.Audit.Reason = "household named by an arrival's destination";
                db.Audit.Rule = "arrival";
                home = await HomeAsync(db, destination, dwelling, destinationText, ct);
            }
            var arrival = await db.Arrivals.IgnoreQueryFilters()
                .FirstOrDefaultAsync(a => a.CountyCode == county && a.DocumentHash == hash && a.ArrivalDate == arrivalDate && a.Status != ArrivalStatus.Cancelled, ct);
            var merged = arrival is not null;
            if (arrival is null)
            {
                arrival = new Arrival
                {
                    CountyCode = county, Reference = NewReference(arrivalDate), SubmittedAt = now, Version = 1, Channel = channel, PointCode = Text.Tidy(pointCode),
                    ClientAddress = channel == ArrivalChannel.Self ? Actor.ClientAddress : null,
                };
                db.Arrivals.Add(arrival);
            }
            else
            {
                if (!Actor.Scope.Contains(arrival.CountyCode, arrival.ScopeKey) || !Actor.Scope.Contains(county, destination.ScopeKey))
                    throw new ConflictException("arrival.registered-elsewhere", "this person's arrival today is already registered under another township");
                arrival.Submissions++;
                arrival.Version++;
            }
            if (person is null)
            {
                person = new Person
                {
                    CountyCode = county, ScopeKey = home.ScopeKey, NodeId = home.Id, Name = name!, DocumentType = doc.Type,
                    DocumentNumber = doc.Number, DocumentHash = hash, DocumentMasked = doc.Masked, IdValid = doc.Valid, IdIssue = doc.Issue,
                    BirthDate = doc.BirthDate, Sex = doc.Sex, Residence = ResidenceStatus.Incoming, Unregistered = true,
                    AddressText = destinationText, CreatedAt = now, UpdatedAt = now, Version = 1,
                };
                person.SetPhone(phone, phoneHash);
                person.Vulnerable = PersonRules.AgeFlags(person.BirthDate, today);
                db.People.Add(person);
            }

            // A name typed for a registered document number that is not the registry's: flagged, not refused.
            if (person.Id != 0 && ArrivalMerge.NamesDiffer(person.Name, name!)) arrival.Flags = ArrivalFlags.With(arrival.Flags, ArrivalFlags.NameMismatch);
            var declared = new ArrivalFacts(arrivalDate, originCounty, originPlace, input.Inbound, stops, health, input.TravelCardStar);
            var sent = new ArrivalResubmission(now, channel, name!, phone, originText!, input.Inbound, stops, destination.Id == 0 ? null : destination.Id,
                destinationText, vehicle, health, input.TravelCardStar);
            // A resubmission never edits a decided arrival, and while pending only adds risk facts (ArrivalMerge).
            var decided = merged && ArrivalMerge.IsDecided(arrival.Status);
            var pending = !decided;
            if (!merged)
            {
                arrival.Name = name!;
                arrival.DocumentType = doc.Type;
                arrival.DocumentNumber = doc.Number;
                arrival.DocumentHash = hash;
                arrival.DocumentMasked = doc.Masked;
                arrival.Phone = phone;
                arrival.PhoneHash = phoneHash;
                arrival.PhoneMasked = Masking.Phone(phone);
                arrival.OriginText = originText!;
                arrival.OriginCountyCode = originCounty;
                arrival.OriginCountyName = input.Inbound ? originText : originName;
                arrival.Inbound = input.Inbound;
                arrival.TravelJson = JsonSerializer.Serialize(stops, Json);
                arrival.ArrivalDate = arrivalDate;
                arrival.ScopeKey = destination.ScopeKey;
                arrival.DestinationNodeId = destination.Id;
                arrival.DestinationText = destinationText;
                arrival.Vehicle = vehicle;
                arrival.HealthCode = health;
                arrival.TravelCardStar = input.TravelCardStar;
                arrival.LandingTestAt = input.LandingTestAt?.ToUniversalTime();
            }
            else if (pending)
            {
                arrival.Vehicle ??= vehicle;
                arrival.LandingTestAt ??= input.LandingTestAt?.ToUniversalTime();
                if (channel != ArrivalChannel.Self) arrival.Channel = channel;
            }
            arrival.UpdatedAt = now;

            string? applied = null;
            PolicyEvaluation? evaluation = null;
            // Why, for every entry this registration writes (the person, the arrival, a proposed order, a superseded
            // proposal): the saves below happen before the rule is known, so the reason is set first and the rule as soon as
            // the classification gives it.
            db.Audit.Reason = !merged ? $"arrival registered ({channel.ToString().ToLowerInvariant()})"
                : decided ? "registered again the same day after the decision (kept for review)" : "registered again the same day (merged)";
            db.Audit.Rule = arrival.RuleReference ?? "arrival";
            if (pending)
            {
                var rules = await PolicyService.RulesAsync(db, county, cache, ct);
                var areas = await RiskAreaService.IndexAsync(db, county, cache, ct);
                var classifier = new ArrivalClassifier(rules, areas, c => NationalDivisions.Shared.County(c)?.FullName);
                var facts = merged ? ArrivalMerge.Union(StoredFacts(arrival), declared, rules.PackFor(arrivalDate).LookBackDays) : declared;
                if (merged)
                {
                    var travel = JsonSerializer.Serialize(facts.Stops, Json);
                    if (facts.Stops.Count > MaxStops * 2 || travel.Length > 4000)
                        throw new ValidationFailedException([new FieldError("stops", "too-many")]);
                    arrival.TravelJson = travel;
                    arrival.Inbound = facts.Inbound;
                    arrival.HealthCode = facts.HealthCode;
                    arrival.TravelCardStar = facts.TravelCardStar;
                }
                var result = classifier.Classify(facts);
                arrival.Reasons = result.Found.Count == 0 ? null : string.Join(",", result.Found.Select(f => f.Reason).Distinct());
                arrival.ClassificationNote = Cut(result.Note, 2000);

                // The standing proposal (none for a new arrival or a proposed release) gives way only to a stricter one.
                ControlOrder? standing = arrival.OrderId is { } previous
                    ? await db.Orders.Include(o => o.Measures).Include(o => o.Tests).FirstOrDefaultAsync(o => o.Id == previous && o.Status == OrderStatus.Proposed, ct)
                    : null;
                var standingEvaluation = standing is null ? null : rules.Evaluate(standing.Reasons.Split(',')[0], standing.ExposureDate, arrival.ArrivalDate);
                if (ArrivalMerge.Replaces(result.Order, standingEvaluation))
                {
                    applied = result.Applied!.Reason;
                    evaluation = result.Order;
                    arrival.ExposureDate = result.Order!.ExposureDate;
                    arrival.RuleReference = result.Order.RuleReference;
                    db.Audit.Rule = arrival.RuleReference;
                    if (person.Id == 0) await db.SaveChangesAsync(ct);
                    if (arrival.Id == 0) await db.SaveChangesAsync(ct);
                    var scope = standing?.ScopeKey ?? ArrivalMerge.OrderScope(person.ScopeKey, arrival.ScopeKey);
                    var order = OrderRules.Build(result.Order, [applied], county, scope, person.Id, now);
                    if (standing is null)
                    {
                        order.ArrivalId = arrival.Id;
                        order.Version = 1;
                        db.Orders.Add(order);
                        await db.SaveChangesAsync(ct);
                        arrival.OrderId = order.Id;
                    }
                    else ReplaceProposal(db, standing, order, now);
                    arrival.Status = ArrivalStatus.OrderProposed;
                }
                else if (standing is not null)
                {
                    applied = standing.Reasons.Split(',')[0];
                    evaluation = standingEvaluation;
                }
                else
                {
                    arrival.ExposureDate = result.Order?.ExposureDate;
                    arrival.RuleReference = $"{result.Pack.Id}#release";
                    db.Audit.Rule = arrival.RuleReference;
                    arrival.Status = ArrivalStatus.ReleaseProposed;
                }
            }
            // Anything the resubmission says that the arrival does not show (after a pending merge) is kept for review.
            if (merged && !Same(arrival, sent))
            {
                var list = arrival.ResubmissionsJson is { } json ? JsonSerializer.Deserialize<List<ArrivalResubmission>>(json, Json) ?? [] : [];
                list.Add(sent);
                if (list.Count > ArrivalMerge.MaxKept) list.RemoveRange(0, list.Count - ArrivalMerge.MaxKept);
                arrival.ResubmissionsJson = JsonSerializer.Serialize(list, Json);
                arrival.Flags = ArrivalFlags.With(arrival.Flags, ArrivalFlags.Resubmitted);
                var township = arrival.ScopeKey.Length >= ScopeKey.TownshipLength ? arrival.ScopeKey[..ScopeKey.TownshipLength] : arrival.ScopeKey;
                Notifications.Notifier.Add(db, county, township, Core.Notifications.NotificationKinds.ArrivalResubmitted, 0, arrival.Submissions, null,
                    arrival.Reference, $"/arrivals/{arrival.Id}", $"arrival-resubmitted:{arrival.Id}:{arrival.Submissions}", now);
            }
            arrival.PersonId = person.Id == 0 ? null : person.Id;
            await db.SaveChangesAsync(ct);
            if (arrival.PersonId is null) { arrival.PersonId = person.Id; await db.SaveChangesAsync(ct); }
            await transaction.CommitAsync(ct);
            var measure = evaluation?.Managed == true ? evaluation.Measures[0].Kind : null;
            return new ArrivalReceipt(arrival.Id, arrival.Reference, merged, arrival.Status, applied, measure, evaluation?.End);
        }
    }

    /// <summary>The risk facts an arrival holds (what it was classified on).</summary>
    private static ArrivalFacts StoredFacts(Arrival a)
    {
        var place = a.Inbound || a.OriginCountyCode is null ? null : Text.Tidy(NationalDivisions.Shared.ResolvePlace(a.OriginText).Remainder);
        var stops = JsonSerializer.Deserialize<List<TravelStop>>(a.TravelJson, Json) ?? [];
        return new ArrivalFacts(a.ArrivalDate, a.OriginCountyCode, place, a.Inbound, stops, a.HealthCode, a.TravelCardStar);
    }

    /// <summary>Whether the arrival shows everything a resubmission says: the person, contact, destination, origin and travel.</summary>
    private static bool Same(Arrival a, ArrivalResubmission sent) =>
        a.Name == sent.Name && a.Phone == sent.Phone && a.Vehicle == (sent.Vehicle ?? a.Vehicle) && (a.DestinationNodeId ?? 0) == (sent.DestinationNodeId ?? 0)
        && a.DestinationText == sent.DestinationText && a.OriginText == sent.Origin && a.Inbound == sent.Inbound
        && a.HealthCode == sent.HealthCode && a.TravelCardStar == sent.TravelCardStar
        && (JsonSerializer.Deserialize<List<TravelStop>>(a.TravelJson, Json) ?? []).ToHashSet().SetEquals(sent.Stops);

    /// <summary>
    /// The county's recent arrivals (<see cref="ArrivalRecheck.WindowDays"/> days) classified again on the stays they
    /// declared, against today's risk-area list and rules (run by the closed loop when either changed): a released
    /// arrival that now needs a measure gets a proposed order for the township, a proposed order is made stricter in
    /// place, and an order the township already confirmed is never changed but the arrival is flagged. Each changed
    /// arrival is saved on its own (audited with the rule that now applies) and its township is told. Returns how many
    /// arrivals changed.
    /// </summary>
    internal static async Task<int> RecheckAsync(FangkongDb db, string county, DateOnly today, DateTime now, PolicyCache cache, CancellationToken ct)
    {
        var rules = await PolicyService.RulesAsync(db, county, cache, ct);
        var areas = await RiskAreaService.IndexAsync(db, county, cache, ct);
        var classifier = new ArrivalClassifier(rules, areas, c => NationalDivisions.Shared.County(c)?.FullName);
        var since = today.AddDays(-(ArrivalRecheck.WindowDays - 1));
        var statuses = ArrivalRecheck.Statuses.ToList();
        var candidates = await db.Arrivals.Where(a => a.CountyCode == county && a.ArrivalDate >= since && a.PersonId != null && statuses.Contains(a.Status))
            .OrderBy(a => a.Id).ToListAsync(ct);
        var changed = 0;
        foreach (var arrival in candidates)
        {
            var result = classifier.Classify(StoredFacts(arrival));
            if (result.Order is not { Managed: true } || result.Order.End < today) continue;
            var order = arrival.OrderId is { } orderId && arrival.Status is ArrivalStatus.OrderProposed or ArrivalStatus.OrderConfirmed
                ? await db.Orders.Include(o => o.Measures).Include(o => o.Tests).FirstOrDefaultAsync(o => o.Id == orderId, ct)
                : null;
            var standing = order is null ? null : rules.Evaluate(order.Reasons.Split(',')[0], order.ExposureDate, arrival.ArrivalDate);
            var outcome = ArrivalRecheck.Decide(arrival.Status, result.Order, standing, today);
            if (outcome == RecheckOutcome.None || (outcome == RecheckOutcome.FlagConfirmed && ArrivalFlags.Has(arrival.Flags, ArrivalFlags.ReclassifiedConfirmed))) continue;

            var applied = result.Applied!.Reason;
            db.Audit.Reason = "risk areas or rules changed: arrival classified again";
            db.Audit.Rule = result.Order.RuleReference;
            arrival.Reasons = string.Join(",", result.Found.Select(f => f.Reason).Distinct());
            arrival.ClassificationNote = Cut(result.Note, 2000);
            if (outcome == RecheckOutcome.FlagConfirmed) arrival.Flags = ArrivalFlags.With(arrival.Flags, ArrivalFlags.ReclassifiedConfirmed);
            else
            {
                var personScope = await db.People.Where(p => p.Id == arrival.PersonId).Select(p => p.ScopeKey).FirstOrDefaultAsync(ct) ?? arrival.ScopeKey;
                var built = OrderRules.Build(result.Order, [applied], county, order?.ScopeKey ?? ArrivalMerge.OrderScope(personScope, arrival.ScopeKey), arrival.PersonId!.Value, now);
                if (outcome == RecheckOutcome.MakeProposalStricter) ReplaceProposal(db, order!, built, now, "made stricter: the risk-area list or the rules changed");
                else
                {
                    built.ArrivalId = arrival.Id;
                    built.Version = 1;
                    built.StatusReason = "proposed: the risk-area list or the rules changed after the arrival";
                    db.Orders.Add(built);
                    await db.SaveChangesAsync(ct);
                    arrival.OrderId = built.Id;
                }
                arrival.Status = ArrivalStatus.OrderProposed;
                arrival.ExposureDate = result.Order.ExposureDate;
                arrival.RuleReference = result.Order.RuleReference;
                arrival.Flags = ArrivalFlags.With(arrival.Flags, ArrivalFlags.Reclassified);
            }
            arrival.UpdatedAt = now;
            arrival.Version++;
            var township = arrival.ScopeKey.Length >= ScopeKey.TownshipLength ? arrival.ScopeKey[..ScopeKey.TownshipLength] : arrival.ScopeKey;
            Notifications.Notifier.Add(db, county, township, Core.Notifications.NotificationKinds.ArrivalReclassified, 0, 1, applied,
                arrival.Reference, $"/arrivals/{arrival.Id}", $"arrival-reclassified:{arrival.Id}:{result.Order.RuleReference}:{result.Order.ExposureDate:yyyyMMdd}", now);
            try
            {
                await db.SaveChangesAsync(ct);
                changed++;
            }
            catch (DbUpdateException)
            {
                // Changed by someone meanwhile (a decision, a resubmission): only this arrival is left for the next check.
                foreach (var entry in db.ChangeTracker.Entries().Where(e => e.State != EntityState.Unchanged).ToList()) entry.State = EntityState.Detached;
            }
        }
        return changed;
    }

    /// <summary>A standing proposal made stricter in place (same order, same owners): the measures and tests of the stricter evaluation.</summary>
    private static void ReplaceProposal(FangkongDb db, ControlOrder standing, ControlOrder stricter, DateTime now, string why = "made stricter by a resubmission the same day")
    {
        db.RemoveRange(standing.Measures);
        db.RemoveRange(standing.Tests);
        standing.Measures = stricter.Measures;
        standing.Tests = stricter.Tests;
        foreach (var m in standing.Measures) m.ScopeKey = standing.ScopeKey;
        foreach (var t in standing.Tests) t.ScopeKey = standing.ScopeKey;
        standing.Reasons = stricter.Reasons;
        standing.ExposureDate = stricter.ExposureDate;
        standing.RulePackId = stricter.RulePackId;
        standing.RulePackVersion = stricter.RulePackVersion;
        standing.RuleReference = stricter.RuleReference;
        standing.Local = stricter.Local;
        standing.Basis = stricter.Basis;
        standing.ReleaseCondition = stricter.ReleaseCondition;
        standing.StartDate = stricter.StartDate;
        standing.EndDate = stricter.EndDate;
        standing.CurrentKind = stricter.CurrentKind;
        standing.StatusReason = why;
        standing.UpdatedAt = now;
        standing.Version++;
    }

    /// <summary>
    /// The landing test's result (落地检): negative or positive, once; sampled now if the registration did not say so. A
    /// positive result is a case found at the door: the arrival's unit gets the transfer task, in the same transaction.
    /// False when the arrival is not the actor's.
    /// </summary>
    public async Task<bool> LandingTestResultAsync(long id, string? result, CancellationToken ct = default)
    {
        Actor.Require(Permissions.ArrivalsRegister);
        var r = Text.Tidy(result)?.ToLowerInvariant();
        if (r is not ("negative" or "positive")) throw new ValidationFailedException([new FieldError("result", "landing-test.result-values")]);
        await using var db = await factory.CreateDbContextAsync(ct);
        var arrival = await db.Arrivals.FirstOrDefaultAsync(a => a.Id == id, ct);
        if (arrival is null) return false;
        if (arrival.LandingTestResult is not null) throw new ConflictException("landing-test.recorded", "the landing test's result is already recorded");
        var now = time.GetUtcNow().UtcDateTime;
        arrival.LandingTestAt ??= now;
        arrival.LandingTestResult = r;
        arrival.LandingTestResultAt = now;
        arrival.UpdatedAt = now;
        arrival.Version++;
        db.Audit.Reason = "landing test: " + r;
        db.Audit.Rule = r == "positive" ? "landing-test#positive" : "landing-test";
        if (r == "positive")
            await TaskRaiser.RaiseAsync(db, arrival.CountyCode, arrival.ScopeKey, "positive-transfer", Core.Tasks.TaskTitle.LandingTestPositive(arrival.Reference),
                $"landing-positive:{arrival.Id}", now, TimeSpan.FromMinutes(Options.Monitoring.AlertMinutes), arrival.PersonId, arrival.OrderId, arrival.Id, ct);
        try { await db.SaveChangesAsync(ct); }
        catch (DbUpdateConcurrencyException) { throw new ConflictException("arrival.version", "the arrival was changed by someone else; reload"); }
        return true;
    }

    /// <summary>
    /// The township's decision on a classified arrival: confirm the proposed order (it becomes active) or the
    /// release; or turn the proposal down with a reason (the order is cancelled, the person released).
    /// </summary>
    public async Task<bool> DecideAsync(long id, bool confirm, string? note, CancellationToken ct = default)
    {
        Actor.Require(Permissions.ArrivalsDecide);
        await using var db = await factory.CreateDbContextAsync(ct);
        var arrival = await db.Arrivals.FirstOrDefaultAsync(a => a.Id == id, ct);
        if (arrival is null) return false;
        var why = Text.Tidy(note);
        if (!confirm && why is null) throw new ValidationFailedException([new FieldError("note", "reason.required")]);
        var now = time.GetUtcNow().UtcDateTime;
        ControlOrder? order = arrival.OrderId is { } orderId ? await db.Orders.FirstOrDefaultAsync(o => o.Id == orderId, ct) : null;
        switch (arrival.Status)
        {
            case ArrivalStatus.OrderProposed when order is { Status: OrderStatus.Proposed }:
                order.Status = confirm ? OrderStatus.Active : OrderStatus.Cancelled;
                order.StatusReason = confirm ? null : why;
                order.UpdatedAt = now;
                order.Version++;
                arrival.Status = confirm ? ArrivalStatus.OrderConfirmed : ArrivalStatus.Released;
                break;
            case ArrivalStatus.ReleaseProposed when confirm:
                arrival.Status = ArrivalStatus.Released;
                break;
            default:
                throw new ConflictException("arrival.not-pending", "the arrival has no pending proposal");
        }
        arrival.DecidedBy = Actor.Name;
        arrival.DecidedAt = now;
        arrival.DecisionNote = why;
        arrival.UpdatedAt = now;
        arrival.Version++;
        db.Audit.Reason = why ?? (confirm ? "confirmed by the township" : "turned down");
        db.Audit.Rule = order?.RuleReference ?? arrival.RuleReference ?? "arrival";
        try { await db.SaveChangesAsync(ct); }
        catch (DbUpdateConcurrencyException) { throw new ConflictException("arrival.version", "the arrival was changed by someone else; reload"); }
        return true;
    }

    public async Task<Page<ArrivalItem>> SearchAsync(ArrivalQuery query, CancellationToken ct = default)
    {
        Actor.Require(Permissions.ArrivalsRead);
        await using var db = await factory.CreateDbContextAsync(ct);
        var q = Filter(db.Arrivals.AsNoTracking(), query);
        var size = Math.Clamp(query.PageSize, 1, 200);
        var page = Math.Max(1, query.Page);
        var total = await q.CountAsync(ct);
        var rows = await q.OrderByDescending(a => a.SubmittedAt).ThenByDescending(a => a.Id).Skip((page - 1) * size).Take(size).ToListAsync(ct);
        return new Page<ArrivalItem>(rows.Select(Item).ToList(), total, page, size);
    }

    /// <summary>Streams every arrival matching the query (ledger exports), oldest first.</summary>
    public async IAsyncEnumerable<ArrivalItem> StreamAsync(ArrivalQuery query, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct = default)
    {
        Actor.Require(Permissions.LedgersExport);
        await using var db = await factory.CreateDbContextAsync(ct);
        await foreach (var a in Filter(db.Arrivals.AsNoTracking(), query).OrderBy(a => a.ArrivalDate).ThenBy(a => a.Id).AsAsyncEnumerable().WithCancellation(ct))
            yield return Item(a);
    }

    private static IQueryable<Arrival> Filter(IQueryable<Arrival> q, ArrivalQuery query)
    {
        if (query.Status is { } status) q = q.Where(a => a.Status == status);
        else if (query.PendingOnly) q = q.Where(a => a.Status == ArrivalStatus.OrderProposed || a.Status == ArrivalStatus.ReleaseProposed);
        if (query.From is { } from) q = q.Where(a => a.ArrivalDate >= from);
        if (query.To is { } to) q = q.Where(a => a.ArrivalDate <= to);
        if (query.Channel is { } channel) q = q.Where(a => a.Channel == channel);
        if (Text.Tidy(query.Text) is { } text) q = q.Where(a => a.Name.Contains(text) || a.Reference == text || a.OriginText.Contains(text));
        // Narrowed to one place of the actor's subtree (a township, a village) by its scope key; the scope filter still applies.
        if (Core.Jurisdictions.ScopeKey.RangeOf(query.Place) is (string lower, string upper))
            q = q.Where(a => string.Compare(a.ScopeKey, lower) >= 0 && string.Compare(a.ScopeKey, upper) < 0);
        return q;
    }

    public async Task<ArrivalDetail?> GetAsync(long id, CancellationToken ct = default)
    {
        Actor.Require(Permissions.ArrivalsRead);
        await using var db = await factory.CreateDbContextAsync(ct);
        var a = await db.Arrivals.AsNoTracking().FirstOrDefaultAsync(x => x.Id == id, ct);
        if (a is null) return null;
        var stops = JsonSerializer.Deserialize<List<TravelStop>>(a.TravelJson, Json) ?? [];
        return new ArrivalDetail(Item(a), stops, a.Vehicle, a.HealthCode, a.TravelCardStar, a.LandingTestAt, a.ClassificationNote, a.DecidedBy,
            a.DecidedAt, a.DecisionNote, a.PointCode, a.Version, a.DocumentType, a.LandingTestResult, a.LandingTestResultAt,
            // Kept as sent; shown like the arrival's own phone, masked.
            a.ResubmissionsJson is { } sent ? (JsonSerializer.Deserialize<List<ArrivalResubmission>>(sent, Json) ?? []).Select(r => r with { Phone = Masking.Phone(r.Phone) }).ToList() : []);
    }

    /// <summary>The receipt shown again on the public confirmation page: reference, status and measure only, nothing personal.</summary>
    public async Task<ArrivalReceipt?> ReceiptAsync(string reference, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var a = await db.Arrivals.AsNoTracking().FirstOrDefaultAsync(x => x.Reference == reference, ct);
        if (a is null) return null;
        var order = a.OrderId is { } id ? await db.Orders.AsNoTracking().FirstOrDefaultAsync(o => o.Id == id, ct) : null;
        return new ArrivalReceipt(a.Id, a.Reference, a.Submissions > 1, a.Status, order?.Reasons, order?.CurrentKind, order?.EndDate);
    }

    /// <summary>How many self-registrations came from one network address since a time (the public page's flood limit).</summary>
    public async Task<int> CountFromAddressAsync(string address, DateTime since, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var county = Actor.Scope.All ? Options.County : Actor.Scope.CountyCode;
        return await db.Arrivals.IgnoreQueryFilters().CountAsync(a => a.CountyCode == county && a.ClientAddress == address && a.SubmittedAt >= since, ct);
    }

    private ArrivalItem Item(Arrival a) => new(a.Id, a.Reference, a.Name, a.DocumentMasked, a.PhoneMasked, a.OriginText, a.OriginCountyName, a.Inbound,
        a.ArrivalDate, a.ScopeKey, directory.PlaceLabel(a.ScopeKey), a.Channel, a.Status, a.Reasons, a.RuleReference, a.ExposureDate, a.OrderId, a.PersonId,
        a.Submissions, a.SubmittedAt, a.Flags);

    /// <summary>
    /// The household a new arrival's destination names inside its village, found or created as the registry import
    /// does; the destination itself when the text names no household (or the destination is already below a village).
    /// </summary>
    private static async Task<PlaceStep> HomeAsync(FangkongDb db, PlaceStep destination, Dwelling dwelling, string? text, CancellationToken ct)
    {
        if (destination.Level != JurisdictionLevel.Village || destination.Id == 0 || dwelling.Steps().Count == 0) return destination;
        var village = await db.Nodes.FirstOrDefaultAsync(n => n.Id == destination.Id, ct);
        if (village is null) return destination;
        var node = await HouseholdPlacement.FindOrCreateAsync(db, village, dwelling, text, "arrival", ct);
        return new PlaceStep(node.Id, node.Level, node.Name, node.ScopeKey);
    }

    /// <summary>
    /// Where the arrival is going, and the dwelling the text names inside it: a village picked on the form leaves the
    /// text as what follows it; an address typed whole is read past its village (resolved once, here).
    /// </summary>
    private async Task<(PlaceStep Step, Dwelling Dwelling)> DestinationAsync(FangkongDb db, string county, long? nodeId, string? text, List<FieldError> errors, CancellationToken ct)
    {
        static Dwelling Parse(string? remainder, int? group) => Dwelling.Parse(remainder, group, null, null, null, null, null);
        if (nodeId is { } id)
        {
            var node = await db.Nodes.AsNoTracking().Where(n => n.Id == id).Select(n => new PlaceStep(n.Id, n.Level, n.Name, n.ScopeKey)).FirstOrDefaultAsync(ct);
            if (node is null) errors.Add(new FieldError("destinationNodeId", "node.not-found"));
            else if (node.Level < JurisdictionLevel.Village) errors.Add(new FieldError("destinationNodeId", "node.too-high"));
            else return (node, Parse(text, null));
        }
        else if (text is not null)
        {
            var resolved = resolvers.For(county).Resolve(text);
            if (resolved.VillageCode12 is { } village && directory.Official(ScopeKey.FromDivisionCode(village, JurisdictionLevel.Village)) is { } step
                && Actor.Scope.Contains(county, step.ScopeKey)) return (step, Parse(resolved.Remainder, resolved.GroupNumber));
            errors.Add(new FieldError("destinationText", resolved.Outcome == AddressOutcome.OtherCounty ? "address.outside-county" : "address.unresolved"));
        }
        else errors.Add(new FieldError("destinationNodeId", "required"));
        return (new PlaceStep(0, JurisdictionLevel.Village, "", county), Dwelling.None);
    }

    private static string NewReference(DateOnly date)
    {
        const string alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
        Span<char> tail = stackalloc char[6];
        for (var i = 0; i < tail.Length; i++) tail[i] = alphabet[RandomNumberGenerator.GetInt32(alphabet.Length)];
        return $"FK{date:yyMMdd}{tail}";
    }

    private static string? Cut(string? s, int max) => s is { Length: > 0 } ? (s.Length > max ? s[..max] : s) : null;
}
