using Fangkong.Core;
using Fangkong.Core.Accounts;
using Fangkong.Core.Arrivals;
using Fangkong.Core.Orders;
using Fangkong.Core.Policy;
using Fangkong.Core.Identifiers;
using Fangkong.Core.People;
using Fangkong.Core.Sites;
using Fangkong.Data.Infrastructure;
using Fangkong.Data.Orders;
using Fangkong.Data.Security;
using Microsoft.EntityFrameworkCore;

namespace Fangkong.Data.Sites;

public sealed record TripRequest(TripPlaceKind FromKind, string? FromText, long? FromSiteId, TripPlaceKind ToKind, string? ToText, long? ToSiteId,
    IReadOnlyList<TripPassengerInput> Passengers, bool PointToPoint = false);
public sealed record TripPassengerInput(long PersonId, long? OrderId);
public sealed record VehicleInput(string? Plate, int Seats, VehicleKind Kind);
public sealed record DriverInput(string? Name, string? Phone, int TestCadenceDays = 1, DateTime? LastTestAt = null, bool LastTestNegative = false);
/// <param name="VehicleBlocker">For a trip waiting for a vehicle: why none of the vehicles the actor sees can take it now (<see cref="TripRules.VehicleBlocker"/>), or null.</param>
/// <param name="PassengerNames">Whom the trip fetches, by name as the room board shows them (staff see names; the ID numbers stay hidden).</param>
/// <param name="FromSiteName">The site a transfer out of a site leaves from (to home or hospital), by name.</param>
/// <param name="HomeVillage">For a trip from or to a home with no address text (the home on record only as a jurisdiction node): the village of the passengers' home, by name.</param>
/// <param name="ByEmergencyService">Taken by the emergency centre's ambulance (120), not a county vehicle (<see cref="TripRules.HandToEmergencyService"/>).</param>
public sealed record TripItem(long Id, TripStatus Status, TripPlaceKind FromKind, string? FromText, TripPlaceKind ToKind, string? ToText, long? ToSiteId,
    string? ToSiteName, bool PointToPoint, int Passengers, string? Vehicle, string? Driver, DateTime RequestedAt, DateTime? AssignedAt, DateTime? DepartedAt, DateTime? ArrivedAt,
    string? CancelReason, TimeSpan? RequestToArrival, int Version, string? VehicleBlocker = null, IReadOnlyList<string>? PassengerNames = null,
    string? FromSiteName = null, string? HomeVillage = null, bool ByEmergencyService = false);
public sealed record TripList(IReadOnlyList<TripItem> Trips, DurationSummary ToAssignment, DurationSummary ToArrival);
/// <param name="Note">Why it is out of service.</param>
public sealed record VehicleItem(long Id, string Plate, int Seats, VehicleKind Kind, VehicleStatus Status, DateTime? LastDisinfectedAt, int Version, string? Note = null);
/// <param name="Blocker">Why the driver may not drive now (test overdue, not negative, inactive), or null.</param>
public sealed record DriverItem(long Id, string Name, string? Phone, int TestCadenceDays, DateTime? LastTestAt, bool LastTestNegative, string? Blocker, int Version, bool Active = true);
public sealed record Fleet(IReadOnlyList<VehicleItem> Vehicles, IReadOnlyList<DriverItem> Drivers);

/// <summary>
/// Closed-loop transfers (闭环转运): vehicles and drivers (tested on their own cadence), trips from a checkpoint,
/// station, home or site to a site, hospital or home, requested → assigned → departed → arrived (or cancelled with a
/// reason), with the time from request to arrival measured. A trip carries one household, or a point-to-point
/// pick-up group (点对点接返), each passenger with their own order if any; a person is on one open trip at a time.
/// </summary>
public sealed class TripService(IDbContextFactory<FangkongDb> factory, IActorAccessor actor, TimeProvider time)
{
    /// <summary>An order that will need (or holds) a room: proposed, or running.</summary>
    private static readonly System.Linq.Expressions.Expression<Func<ControlOrder, bool>> ProposedOrRunning =
        OrderStatusQueries.StatusIn([OrderStatus.Proposed, .. ControlOrder.RunningStatuses]);

    private Actor Actor => actor.Current;
    private DateTime Now => time.GetUtcNow().UtcDateTime;

    public async Task<long> AddVehicleAsync(VehicleInput input, CancellationToken ct = default)
    {
        Actor.Require(Permissions.SitesManage);
        var plate = VehiclePlate.Normalize(input.Plate, out var plateError);
        var errors = new List<FieldError>();
        if (plateError is not null) errors.Add(new("plate", plateError));
        if (input.Seats is < 1 or > 60) errors.Add(new("seats", "seats.range"));
        if (errors.Count > 0) throw new ValidationFailedException(errors);
        await using var db = await factory.CreateDbContextAsync(ct);
        // One plate, one vehicle in the county, whichever unit registered it (a township does not see the county's
        // fleet). Compared in the normalised form, so a row stored before plates were normalised still counts.
        var county = Actor.Scope.CountyCode;
        var plates = await db.Vehicles.IgnoreQueryFilters([FangkongDb.JurisdictionFilter]).AsNoTracking().Where(v => v.CountyCode == county).Select(v => v.Plate).ToListAsync(ct);
        if (plates.Any(p => VehiclePlate.Normalize(p, out _) == plate)) throw new ValidationFailedException([new FieldError("plate", SiteErrors.PlateTaken)]);
        var vehicle = new Vehicle { CountyCode = county, ScopeKey = Actor.Scope.Prefix, Plate = plate!, Seats = input.Seats, Kind = input.Kind,
            Status = VehicleStatus.Available, CreatedAt = Now, UpdatedAt = Now, Version = 1 };
        db.Vehicles.Add(vehicle);
        try { await db.SaveChangesAsync(ct); }
        // Registered by someone else at the same moment: the unique index on (county, plate) let one through.
        catch (DbUpdateException e) when (DbErrors.IsUniqueViolation(e)) { throw new ValidationFailedException([new FieldError("plate", SiteErrors.PlateTaken)]); }
        return vehicle.Id;
    }

    public async Task<long> AddDriverAsync(DriverInput input, CancellationToken ct = default)
    {
        Actor.Require(Permissions.SitesManage);
        var name = Text.Tidy(input.Name);
        var errors = new List<FieldError>();
        if (name is null || name.Length > 50) errors.Add(new("name", "name.required"));
        var phone = PersonRules.NormalizePhone(input.Phone, out var phoneError);
        if (phoneError is not null) errors.Add(new("phone", phoneError));
        if (input.TestCadenceDays is < 1 or > 14) errors.Add(new("testCadenceDays", "cadence.range"));
        if (input.LastTestAt is { } last && last.ToUniversalTime() > Now.AddMinutes(5)) errors.Add(new("lastTestAt", "date.future"));
        if (errors.Count > 0) throw new ValidationFailedException(errors);
        await using var db = await factory.CreateDbContextAsync(ct);
        var driver = new Driver { CountyCode = Actor.Scope.CountyCode, ScopeKey = Actor.Scope.Prefix, Name = name!, Phone = phone, TestCadenceDays = input.TestCadenceDays,
            LastTestAt = input.LastTestAt, LastTestNegative = input.LastTestNegative, Active = true, CreatedAt = Now, UpdatedAt = Now, Version = 1 };
        db.Drivers.Add(driver);
        await db.SaveChangesAsync(ct);
        return driver.Id;
    }

    /// <summary>A vehicle out of service with its reason, or back (then awaiting disinfection). False when not the actor's.</summary>
    public async Task<bool> SetVehicleInServiceAsync(long vehicleId, bool inService, string? reason, CancellationToken ct = default)
    {
        Actor.Require(Permissions.SitesManage);
        await using var db = await factory.CreateDbContextAsync(ct);
        var vehicle = await db.Vehicles.FirstOrDefaultAsync(v => v.Id == vehicleId, ct);
        if (vehicle is null) return false;
        var at = Now;
        if ((inService ? TripRules.VehicleBackInService(vehicle, at) : TripRules.VehicleOutOfService(vehicle, reason, at)) is { } error)
            throw SiteRefusal.Of(error);
        vehicle.Version++;
        db.Audit.Reason = inService ? "vehicle back in service" : "vehicle out of service: " + vehicle.Note;
        db.Audit.Rule = "vehicle#" + (inService ? "in-service" : "out-of-service");
        try { await db.SaveChangesAsync(ct); }
        catch (DbUpdateConcurrencyException) { throw new ConflictException("trip.version", "the vehicle was changed by someone else; reload"); }
        return true;
    }

    /// <summary>A driver stood down or back on the roster. False when not the actor's.</summary>
    public async Task<bool> SetDriverActiveAsync(long driverId, bool active, CancellationToken ct = default)
    {
        Actor.Require(Permissions.SitesManage);
        await using var db = await factory.CreateDbContextAsync(ct);
        var driver = await db.Drivers.FirstOrDefaultAsync(d => d.Id == driverId, ct);
        if (driver is null) return false;
        var onTrip = await db.Trips.AnyAsync(t => t.DriverId == driverId && (t.Status == TripStatus.Assigned || t.Status == TripStatus.Departed), ct);
        if (TripRules.DriverActive(driver, active, onTrip, Now) is { } error) throw SiteRefusal.Of(error);
        driver.Version++;
        db.Audit.Reason = active ? "driver back on the roster" : "driver stood down";
        db.Audit.Rule = "driver#" + (active ? "active" : "inactive");
        try { await db.SaveChangesAsync(ct); }
        catch (DbUpdateConcurrencyException) { throw new ConflictException("trip.version", "the driver was changed by someone else; reload"); }
        return true;
    }

    /// <summary>A driver's latest test (the cadence is checked when the driver is assigned).</summary>
    public async Task<bool> RecordDriverTestAsync(long driverId, DateTime at, bool negative, CancellationToken ct = default)
    {
        Actor.Require(Permissions.SitesWork);
        await using var db = await factory.CreateDbContextAsync(ct);
        // A driver the actor does not see is not found, whatever the input says.
        var driver = await db.Drivers.FirstOrDefaultAsync(d => d.Id == driverId, ct);
        if (driver is null) return false;
        // A test from the future would keep the driver "up to date" for as long as it likes.
        if (at.ToUniversalTime() > Now.AddMinutes(5)) throw new ValidationFailedException([new FieldError("at", "date.future")]);
        driver.LastTestAt = at;
        driver.LastTestNegative = negative;
        driver.UpdatedAt = Now;
        driver.Version++;
        await db.SaveChangesAsync(ct);
        return true;
    }

    public async Task<long> RequestAsync(TripRequest input, CancellationToken ct = default)
    {
        Actor.Require(Permissions.SitesWork);
        await using var db = await factory.CreateDbContextAsync(ct);
        return await RequestAsync(db, input, db.People.AsNoTracking(), null, ct);
    }

    /// <summary>
    /// The people named one per entry, as typed at a checkpoint, a station or a desk, among those the actor sees, each
    /// with the centralized or home order in force if there is one: the passengers of a trip request. An entry is a
    /// resident ID number, or a name (no digit in it) that one person under an order in force bears — the people a trip
    /// carries; a name two such people bear asks for the ID number instead. An entry that names nobody visible (or is
    /// not a valid number) is a field error naming its line.
    /// </summary>
    public async Task<IReadOnlyList<TripPassengerInput>> PassengersAsync(IReadOnlyList<string> entries, CancellationToken ct = default)
    {
        Actor.Require(Permissions.SitesWork);
        await using var db = await factory.CreateDbContextAsync(ct);
        var errors = new List<FieldError>();
        var hashes = new List<(int Line, byte[] Hash)>();
        var names = new List<(int Line, string Name)>();
        for (var i = 0; i < entries.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(entries[i])) continue;
            if (!entries[i].Any(char.IsAsciiDigit) && !entries[i].Any(c => c is >= '０' and <= '９'))
            {
                // A name as the registry keeps it (tidied, the same separators): 王晓明, JOHN SMITH, 阿依古丽·买买提.
                if (PersonRules.NormalizeName(entries[i], out _) is { } name) names.Add((i + 1, name));
                else errors.Add(new FieldError($"passengers[{i + 1}]", SiteErrors.TripNameNotFound));
                continue;
            }
            var doc = PersonRules.NormalizeDocument(DocumentType.ResidentId, entries[i], DateOnly.MaxValue, null);
            if (doc.Number is null || !doc.Valid) { errors.Add(new FieldError($"passengers[{i + 1}]", doc.Issue ?? "person.not-found")); continue; }
            hashes.Add((i + 1, db.Protector.Hash(BlindIndex.DocumentPurpose(doc.Type), doc.Number)!));
        }
        var all = hashes.Select(h => h.Hash).ToList();
        var found = await db.People.AsNoTracking().Where(p => p.DocumentHash != null && all.Contains(p.DocumentHash)).Select(p => new { p.Id, p.DocumentHash }).ToListAsync(ct);
        var byHash = found.ToDictionary(p => Convert.ToHexString(p.DocumentHash!), p => p.Id);
        var byLine = new SortedDictionary<int, long>();
        foreach (var (line, hash) in hashes)
        {
            if (byHash.TryGetValue(Convert.ToHexString(hash), out var id)) byLine[line] = id;
            else errors.Add(new FieldError($"passengers[{line}]", "person.not-found"));
        }
        if (names.Count > 0)
        {
            // Only people under an order in force: a name alone is too common to pick anyone else by it.
            var wanted = names.Select(n => n.Name).Distinct().ToList();
            var bearers = await db.People.AsNoTracking().Where(p => wanted.Contains(p.Name))
                .Where(p => db.Orders.WhereRunning().Any(o => o.PersonId == p.Id))
                .Select(p => new { p.Id, p.Name }).ToListAsync(ct);
            foreach (var (line, name) in names)
            {
                var matches = bearers.Where(b => b.Name == name).Select(b => b.Id).Distinct().ToList();
                if (matches.Count == 1) byLine[line] = matches[0];
                else errors.Add(new FieldError($"passengers[{line}]", matches.Count == 0 ? SiteErrors.TripNameNotFound : SiteErrors.TripNameAmbiguous));
            }
        }
        var ids = byLine.Values.Distinct().ToList();
        if (ids.Count == 0 && errors.Count == 0) errors.Add(new FieldError("passengers", SiteErrors.TripPassengersRequired));
        if (errors.Count > 0) throw new ValidationFailedException(errors);
        var orders = await db.Orders.AsNoTracking().Where(o => ids.Contains(o.PersonId)).WhereRunning()
            .Select(o => new { o.PersonId, o.Id }).ToListAsync(ct);
        return ids.Select(id => new TripPassengerInput(id, orders.Where(o => o.PersonId == id).Select(o => (long?)o.Id).Max())).ToList();
    }

    /// <summary>
    /// A pick-up for the people allocated to a room who have not arrived yet (the stay's person and the members of the
    /// same household placed in that room): one trip from their home — or the place given — to the site. The people are
    /// those of stays the actor sees, wherever they live. Null when the stay is not visible.
    /// </summary>
    public async Task<long?> RequestPickUpAsync(long stayId, TripPlaceKind fromKind, string? fromText, CancellationToken ct = default)
    {
        Actor.Require(Permissions.SitesWork);
        await using var db = await factory.CreateDbContextAsync(ct);
        var stay = await db.Stays.AsNoTracking().FirstOrDefaultAsync(s => s.Id == stayId, ct);
        if (stay is null) return null;
        if (stay.Status != StayStatus.Allocated) throw new ConflictException(SiteErrors.StayNotAllocated, SiteErrors.StayNotAllocated);
        var riders = await db.Stays.AsNoTracking()
            .Where(s => s.RoomId == stay.RoomId && s.Status == StayStatus.Allocated && (s.Id == stay.Id || (stay.HouseholdKey != null && s.HouseholdKey == stay.HouseholdKey)))
            .Select(s => new TripPassengerInput(s.PersonId, s.OrderId)).ToListAsync(ct);
        var ids = riders.Select(r => r.PersonId).ToList();
        var people = db.People.IgnoreQueryFilters().AsNoTracking().Where(p => p.CountyCode == stay.CountyCode && ids.Contains(p.Id));
        var home = await people.Where(p => p.Id == stay.PersonId).Select(p => (long?)p.NodeId).FirstOrDefaultAsync(ct);
        var request = new TripRequest(fromKind, fromText, null, TripPlaceKind.Site, null, stay.SiteId, riders);
        db.Audit.Rule = "stay#pick-up";
        return await RequestAsync(db, request, people, fromKind == TripPlaceKind.Home ? home : null, ct);
    }

    /// <summary>
    /// A point-to-point pick-up (点对点接返) of a registered arrival, organised by the township: from the checkpoint or
    /// station where the person landed to the quarantine site their stay is allocated at, or else to their destination
    /// village. One open pick-up per arrival (asking again returns it). Null when the arrival is not the actor's.
    /// </summary>
    public async Task<long?> RequestArrivalPickUpAsync(long arrivalId, CancellationToken ct = default)
    {
        try { return await RequestArrivalPickUpOnceAsync(arrivalId, ct); }
        // Two staff asked at the same moment: the arrival's version let one trip through; this one returns that trip.
        catch (DbUpdateConcurrencyException) { return await RequestArrivalPickUpOnceAsync(arrivalId, ct); }
        // …or the one-open-trip index refused this one first (PostgreSQL checks it before the version): the same.
        catch (ConflictException e) when (e.Code == SiteErrors.TripPassengerOnOpenTrip) { return await RequestArrivalPickUpOnceAsync(arrivalId, ct); }
    }

    private async Task<long?> RequestArrivalPickUpOnceAsync(long arrivalId, CancellationToken ct)
    {
        Actor.Require(Permissions.SitesWork);
        await using var db = await factory.CreateDbContextAsync(ct);
        var arrival = await db.Arrivals.FirstOrDefaultAsync(a => a.Id == arrivalId, ct);
        if (arrival is null) return null;
        if (arrival.PersonId is not { } personId) throw new ConflictException("trip.arrival-no-person", "the arrival has no person yet");
        var open = await db.Trips.AsNoTracking().Where(t => t.IsPointToPoint && t.Passengers.Any(p => p.PersonId == personId && p.Open))
            .Select(t => (long?)t.Id).FirstOrDefaultAsync(ct);
        if (open is not null) return open;
        var stay = arrival.OrderId is { } orderId
            // The stay is the site's (a county site is outside a township's jurisdiction); the arrival is the authority to read where its person goes.
            ? await db.Stays.IgnoreQueryFilters().AsNoTracking().Where(s => s.CountyCode == arrival.CountyCode && s.OrderId == orderId && s.Status == StayStatus.Allocated)
                .Select(s => new { s.SiteId }).FirstOrDefaultAsync(ct)
            : null;
        // Picked up where the person landed: a checkpoint or a station registration knows where that is; a registration
        // made ahead (by the person, by the village) does not.
        if (arrival.Channel is not (ArrivalChannel.Checkpoint or ArrivalChannel.Station or ArrivalChannel.Pickup))
            throw new ConflictException("trip.pick-up-place-unknown", "the arrival was not registered where the person landed");
        // Someone the rules send to a quarantine site waits for a room before a car is sent; nobody is driven home instead.
        if (stay is null && arrival.OrderId is { } ordered
            && await db.Orders.IgnoreQueryFilters().Where(ProposedOrRunning)
                .AnyAsync(o => o.Id == ordered && o.CountyCode == arrival.CountyCode && o.CurrentKind == MeasureKinds.CentralizedQuarantine, ct))
            throw new ConflictException("trip.allocate-first", "allocate a room at a site first");
        var from = arrival.Channel == ArrivalChannel.Station ? TripPlaceKind.Station : TripPlaceKind.Checkpoint;
        var village = stay is not null ? null
            : await db.Nodes.IgnoreQueryFilters().AsNoTracking().Where(n => n.Id == arrival.DestinationNodeId && n.CountyCode == arrival.CountyCode).Select(n => n.Name).FirstOrDefaultAsync(ct);
        var request = new TripRequest(from, arrival.PointCode ?? arrival.OriginText, null, stay is not null ? TripPlaceKind.Site : TripPlaceKind.Home,
            stay is not null ? null : village, stay?.SiteId, [new TripPassengerInput(personId, arrival.OrderId)], PointToPoint: true);
        var people = db.People.IgnoreQueryFilters().AsNoTracking().Where(p => p.CountyCode == arrival.CountyCode && p.Id == personId);
        db.Audit.Rule = $"arrival#{arrival.Reference}";
        // The trip and the arrival's new version are saved together, so a second request made meanwhile fails its
        // version check instead of adding a second pick-up (the look-up above cannot see a trip not yet committed).
        arrival.Version++;
        return await RequestAsync(db, request, people, null, ct);
    }

    /// <summary>
    /// The closed-loop transfer out of a site for a stay just checked out: home (conversion to home monitoring, the
    /// person's address as the destination) or hospital (the hospital by name, <see cref="TripRules.HospitalName"/>).
    /// Null when the stay is unknown or its outcome needs no transfer.
    /// </summary>
    public async Task<long?> RequestDischargeAsync(long stayId, string? hospital = null, CancellationToken ct = default)
    {
        Actor.Require(Permissions.SitesWork);
        await using var db = await factory.CreateDbContextAsync(ct);
        var stay = await db.Stays.AsNoTracking().FirstOrDefaultAsync(s => s.Id == stayId, ct);
        if (stay is null || stay.Status != StayStatus.CheckedOut) return null;
        var to = stay.Outcome switch { StayOutcome.ConvertedToHome => TripPlaceKind.Home, StayOutcome.TransferredToHospital => TripPlaceKind.Hospital, _ => (TripPlaceKind?)null };
        if (to is null) return null;
        var people = db.People.IgnoreQueryFilters().AsNoTracking().Where(p => p.CountyCode == stay.CountyCode && p.Id == stay.PersonId);
        // No address on record: the place's kind says it (no text invented to repeat it). A hospital is named.
        var toText = to == TripPlaceKind.Home ? await people.Select(p => p.AddressText).FirstOrDefaultAsync(ct) : hospital;
        var request = new TripRequest(TripPlaceKind.Site, null, stay.SiteId, to.Value, toText, null,
            [new TripPassengerInput(stay.PersonId, stay.OrderId)]);
        // Required by the check-out itself: the closed loop continues from the site to home or hospital.
        db.Audit.Rule = "stay#" + (to == TripPlaceKind.Home ? "converted-to-home" : "transferred-to-hospital");
        return await RequestAsync(db, request, people, null, ct);
    }

    /// <summary>
    /// The closed-loop transfer to hospital of a person whose order was just transferred there, requested on the
    /// order's authority (<see cref="OrderService.TransferToHospitalAsync"/>): from the site where the person was
    /// checked in (<paramref name="fromSiteId"/>), else from home (the person's address, or their node when no address
    /// is on record), to the hospital by name.
    /// </summary>
    internal async Task<long> RequestOrderToHospitalAsync(long orderId, long personId, long? fromSiteId, string hospital, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var county = Actor.Scope.CountyCode;
        var people = db.People.IgnoreQueryFilters().AsNoTracking().Where(p => p.CountyCode == county && p.Id == personId);
        var home = fromSiteId is null ? await people.Select(p => new { p.NodeId, p.AddressText }).FirstOrDefaultAsync(ct) : null;
        var request = new TripRequest(fromSiteId is null ? TripPlaceKind.Home : TripPlaceKind.Site, home?.AddressText, fromSiteId, TripPlaceKind.Hospital, hospital, null,
            [new TripPassengerInput(personId, orderId)]);
        // Required by the order's transfer: the closed loop continues to the hospital.
        db.Audit.Rule = "order#transferred-to-hospital";
        return await RequestAsync(db, request, people, home?.NodeId, ct);
    }

    private async Task<long> RequestAsync(FangkongDb db, TripRequest input, IQueryable<Person> visible, long? fromNode, CancellationToken ct)
    {
        var people = input.Passengers.Select(p => p.PersonId).Distinct().ToList();
        var persons = await visible.Where(p => people.Contains(p.Id)).Select(p => new { p.Id, p.ScopeKey, p.Name }).ToListAsync(ct);
        if (persons.Count != people.Count) throw new ValidationFailedException([new FieldError("passengers", "person.not-found")]);
        var trip = new Trip
        {
            CountyCode = Actor.Scope.CountyCode, ScopeKey = Actor.Scope.Prefix, FromKind = input.FromKind, FromText = Text.Tidy(input.FromText), FromNodeId = fromNode, FromSiteId = input.FromSiteId,
            ToKind = input.ToKind, ToText = Text.Tidy(input.ToText), ToSiteId = input.ToSiteId, IsPointToPoint = input.PointToPoint, Status = TripStatus.Requested,
            RequestedAt = Now, RequestedBy = Actor.Name, CreatedAt = Now, UpdatedAt = Now, Version = 1,
        };
        trip.Passengers = input.Passengers.Select(p => new TripPassenger
        {
            CountyCode = trip.CountyCode, ScopeKey = trip.ScopeKey, PersonId = p.PersonId, OrderId = p.OrderId, Open = true,
            HouseholdKey = persons.First(x => x.Id == p.PersonId).ScopeKey is { Length: >= Core.Jurisdictions.ScopeKey.HouseholdLength } key ? key[..Core.Jurisdictions.ScopeKey.HouseholdLength] : null,
        }).ToList();
        var errors = TripRules.ValidateRequest(trip).ToList();
        // The orders named are read across the county (a site's staff may carry someone whose order belongs to a
        // village they do not see); only whose each one is matters.
        var county = Actor.Scope.CountyCode;
        var orderIds = trip.Passengers.Select(p => p.OrderId).OfType<long>().Distinct().ToList();
        var owners = orderIds.Count == 0 ? new Dictionary<long, long>()
            : await db.Orders.IgnoreQueryFilters([FangkongDb.JurisdictionFilter]).AsNoTracking().Where(o => o.CountyCode == county && orderIds.Contains(o.Id))
                .ToDictionaryAsync(o => o.Id, o => o.PersonId, ct);
        errors.AddRange(TripRules.ValidateOrders(trip.Passengers, owners));
        // A site the actor sees, or a county-level site (the county's sites take everyone's people: a township sends
        // its arrivals there without seeing the site's rooms).
        // Only a site in service takes people in, so only such a site is a destination (a reserve site is opened first).
        if (input.ToSiteId is { } siteId)
        {
            var status = await db.QuarantineSites.Where(s => s.Id == siteId).Select(s => (SiteStatus?)s.Status).FirstOrDefaultAsync(ct)
                ?? await db.QuarantineSites.IgnoreQueryFilters().Where(s => s.Id == siteId && s.CountyCode == Actor.Scope.CountyCode && s.Level == SiteLevel.County)
                    .Select(s => (SiteStatus?)s.Status).FirstOrDefaultAsync(ct);
            if (status is null) errors.Add(new("toSiteId", "site.not-found"));
            else if (status != SiteStatus.InService) errors.Add(new("toSiteId", SiteErrors.SiteNotInService));
        }
        if (errors.Count > 0) throw new ValidationFailedException(errors);
        if (await OpenTripAsync(db, county, people, ct) is { } open)
            throw OnOpenTrip(persons.First(p => p.Id == open.PersonId).Name, open.PersonId, open.TripId, open.Status);
        db.Trips.Add(trip);
        // A hospital's name goes on the trail (where the person was taken); a home address does not.
        db.Audit.Reason = $"trip requested for {trip.Passengers.Count} people" + (trip.ToKind == TripPlaceKind.Hospital ? $" to hospital: {trip.ToText}" : "");
        db.Audit.Rule ??= "manual";
        try { await db.SaveChangesAsync(ct); }
        catch (DbUpdateException e) when (DbErrors.IsUniqueViolation(e))
        {
            // Someone else put one of these people on a trip between the check above and this save: the database's
            // one-open-trip index refused the second; the answer is the same as when the check sees it.
            db.ChangeTracker.Clear();
            if (await OpenTripAsync(db, county, people, ct) is { } raced)
                throw OnOpenTrip(persons.First(p => p.Id == raced.PersonId).Name, raced.PersonId, raced.TripId, raced.Status);
            throw;
        }
        return trip.Id;
    }

    /// <summary>
    /// The first open trip (requested, assigned or departed) carrying any of these people, in the whole county (a trip
    /// of the county's transfer group carries a township's people): a person is on one open trip at a time.
    /// </summary>
    internal static async Task<(long PersonId, long TripId, TripStatus Status)?> OpenTripAsync(FangkongDb db, string county, IReadOnlyCollection<long> people, CancellationToken ct)
    {
        var open = await (from p in db.Set<TripPassenger>().IgnoreQueryFilters([FangkongDb.JurisdictionFilter]).AsNoTracking()
                          join t in db.Trips.IgnoreQueryFilters([FangkongDb.JurisdictionFilter]) on p.TripId equals t.Id
                          where p.CountyCode == county && p.Open && people.Contains(p.PersonId)
                          orderby t.Id
                          select new { p.PersonId, TripId = t.Id, t.Status }).FirstOrDefaultAsync(ct);
        return open is null ? null : (open.PersonId, open.TripId, open.Status);
    }

    /// <summary>The refusal of a second open trip for a person, naming the person and the trip they are on.</summary>
    internal static ConflictException OnOpenTrip(string name, long personId, long tripId, TripStatus status) =>
        new(SiteErrors.TripPassengerOnOpenTrip, $"{name} (person {personId}) is already on open trip {tripId} ({status.ToString().ToLowerInvariant()}); it arrives or is cancelled first")
        {
            Detail = $"{name} → #{tripId}",
        };

    public Task<bool> AssignAsync(long tripId, long vehicleId, long driverId, CancellationToken ct = default) =>
        ChangeAsync(tripId, async (db, trip) =>
        {
            var vehicle = await db.Vehicles.FirstOrDefaultAsync(v => v.Id == vehicleId, ct);
            var driver = await db.Drivers.FirstOrDefaultAsync(d => d.Id == driverId, ct);
            return TripRules.Assign(trip, vehicle, driver, Now);
        }, "assigned", ct);

    /// <summary>A trip to hospital handed to the emergency centre (120): its ambulance takes it (<see cref="TripRules.HandToEmergencyService"/>).</summary>
    public Task<bool> HandToEmergencyServiceAsync(long tripId, CancellationToken ct = default) =>
        ChangeAsync(tripId, (db, trip) => Task.FromResult(TripRules.HandToEmergencyService(trip, Now)), "handed to the emergency service (120)", ct);

    public Task<bool> DepartAsync(long tripId, CancellationToken ct = default) =>
        ChangeAsync(tripId, (db, trip) => Task.FromResult(TripRules.Depart(trip, Now)), "departed", ct);

    public Task<bool> ArriveAsync(long tripId, CancellationToken ct = default) =>
        ChangeAsync(tripId, async (db, trip) => TripRules.Arrive(trip, await VehicleOf(db, trip, ct), Now), "arrived", ct);

    public Task<bool> CancelAsync(long tripId, string? reason, CancellationToken ct = default) =>
        ChangeAsync(tripId, async (db, trip) => TripRules.Cancel(trip, await VehicleOf(db, trip, ct), reason, Now), "cancelled: " + reason, ct);

    private static Task<Vehicle?> VehicleOf(FangkongDb db, Trip trip, CancellationToken ct) =>
        trip.VehicleId is { } id ? db.Vehicles.FirstOrDefaultAsync(v => v.Id == id, ct) : Task.FromResult<Vehicle?>(null);

    private async Task<bool> ChangeAsync(long tripId, Func<FangkongDb, Trip, Task<string?>> change, string why, CancellationToken ct)
    {
        Actor.Require(Permissions.SitesWork);
        await using var db = await factory.CreateDbContextAsync(ct);
        var trip = await db.Trips.Include(t => t.Passengers).FirstOrDefaultAsync(t => t.Id == tripId, ct);
        if (trip is null) return false;
        if (await change(db, trip) is { } error) throw SiteRefusal.Of(error);
        trip.UpdatedAt = Now;
        trip.Version++;
        db.Audit.Reason = "trip " + why;
        db.Audit.Rule = "trip#" + trip.Status.ToString().ToLowerInvariant();
        try { await db.SaveChangesAsync(ct); }
        catch (DbUpdateConcurrencyException) { throw new ConflictException("trip.version", "the trip, vehicle or driver was changed by someone else; reload"); }
        return true;
    }

    /// <summary>A vehicle back in service after its disinfection (required after every trip).</summary>
    public async Task<bool> VehicleDisinfectedAsync(long vehicleId, CancellationToken ct = default)
    {
        Actor.Require(Permissions.SitesWork);
        await using var db = await factory.CreateDbContextAsync(ct);
        var vehicle = await db.Vehicles.FirstOrDefaultAsync(v => v.Id == vehicleId, ct);
        if (vehicle is null) return false;
        if (TripRules.VehicleDisinfected(vehicle, Now) is { } error) throw SiteRefusal.Of(error);
        vehicle.UpdatedAt = Now;
        vehicle.Version++;
        db.Audit.Reason = "vehicle disinfected";
        db.Audit.Rule = "vehicle#disinfected";
        try { await db.SaveChangesAsync(ct); }
        catch (DbUpdateConcurrencyException) { throw new ConflictException("trip.version", "the vehicle was changed by someone else; reload"); }
        return true;
    }

    /// <summary>The vehicles and drivers the actor sees, with whether each driver may drive now.</summary>
    public async Task<Fleet> FleetAsync(CancellationToken ct = default)
    {
        Actor.Require(Permissions.SitesRead);
        await using var db = await factory.CreateDbContextAsync(ct);
        var vehicles = await db.Vehicles.AsNoTracking().OrderBy(v => v.Plate)
            .Select(v => new VehicleItem(v.Id, v.Plate, v.Seats, v.Kind, v.Status, v.LastDisinfectedAt, v.Version, v.Note)).ToListAsync(ct);
        vehicles = vehicles.Select(v => v with { Plate = VehiclePlate.Display(v.Plate) }).ToList();
        // Drivers stood down stay on the list (last), so they can be put back on the roster; they are never fit to drive.
        var drivers = await db.Drivers.AsNoTracking().OrderBy(d => !d.Active).ThenBy(d => d.Name).ToListAsync(ct);
        return new Fleet(vehicles, drivers.Select(d => new DriverItem(d.Id, d.Name, d.Phone is null ? null : Masking.Phone(d.Phone), d.TestCadenceDays, d.LastTestAt,
            d.LastTestNegative, TripRules.DriverBlocker(d, Now), d.Version, d.Active)).ToList());
    }

    public async Task<TripList> ListAsync(bool openOnly = false, CancellationToken ct = default)
    {
        Actor.Require(Permissions.SitesRead);
        await using var db = await factory.CreateDbContextAsync(ct);
        var q = db.Trips.AsNoTracking().Include(t => t.Passengers).AsQueryable();
        if (openOnly) q = q.Where(t => t.Status == TripStatus.Requested || t.Status == TripStatus.Assigned || t.Status == TripStatus.Departed);
        var trips = await q.OrderByDescending(t => t.RequestedAt).Take(300).ToListAsync(ct);
        var fleet = await db.Vehicles.AsNoTracking().Select(v => new { v.Id, v.Plate, v.Status, v.Seats, v.Kind }).ToListAsync(ct);
        var vehicles = fleet.ToDictionary(v => v.Id, v => VehiclePlate.Display(v.Plate));
        var seats = fleet.Select(v => (v.Status, v.Seats, v.Kind)).ToList();
        var drivers = await db.Drivers.AsNoTracking().ToDictionaryAsync(d => d.Id, d => d.Name, ct);
        // Site names of the county (a trip may go to a county site the actor does not otherwise see): names only.
        var sites = await db.QuarantineSites.IgnoreQueryFilters().AsNoTracking().Where(x => x.CountyCode == Actor.Scope.CountyCode).ToDictionaryAsync(x => x.Id, x => x.Name, ct);
        var names = await StayService.NamesAsync(db, Actor.Scope.CountyCode, trips.SelectMany(t => t.Passengers).Select(p => p.PersonId), ct);
        var villages = await HomeVillagesAsync(db, Actor.Scope.CountyCode, trips, ct);
        var (toAssignment, toArrival) = TripRules.Summarize(trips);
        return new TripList(trips.Select(t => new TripItem(t.Id, t.Status, t.FromKind, t.FromText, t.ToKind, t.ToText, t.ToSiteId,
            t.ToSiteId is { } site ? sites.GetValueOrDefault(site) : null, t.IsPointToPoint, t.Passengers.Count,
            t.VehicleId is { } v ? vehicles.GetValueOrDefault(v) : null, t.DriverId is { } d ? drivers.GetValueOrDefault(d) : null,
            t.RequestedAt, t.AssignedAt, t.DepartedAt, t.ArrivedAt, t.CancelReason, TripRules.RequestToArrival(t), t.Version,
            t.Status == TripStatus.Requested ? TripRules.VehicleBlocker(seats, t.Passengers.Count, t.ToKind) : null,
            t.Passengers.OrderBy(p => p.Id).Select(p => names.GetValueOrDefault(p.PersonId)).OfType<string>().ToList(),
            t.FromSiteId is { } from ? sites.GetValueOrDefault(from) : null, villages.GetValueOrDefault(t.Id), t.ByEmergencyService)).ToList(), toAssignment, toArrival);
    }

    /// <summary>
    /// The village of the home a trip leaves from or goes to, for trips whose home end has no address text (a pick-up
    /// from home, a transfer home or to hospital of someone whose address is on record only as a jurisdiction node):
    /// the village node above the first passenger's household (a trip carries one household), read by name only.
    /// </summary>
    private static async Task<Dictionary<long, string>> HomeVillagesAsync(FangkongDb db, string county, IReadOnlyList<Trip> trips, CancellationToken ct)
    {
        var bare = trips.Where(t => t.Passengers.Count > 0 && ((t.FromKind == TripPlaceKind.Home && Text.Tidy(t.FromText) is null) || (t.ToKind == TripPlaceKind.Home && Text.Tidy(t.ToText) is null)))
            .ToDictionary(t => t.Id, t => t.Passengers.OrderBy(p => p.Id).First().PersonId);
        if (bare.Count == 0) return [];
        var ids = bare.Values.Distinct().ToList();
        var keys = await db.People.IgnoreQueryFilters().AsNoTracking().Where(p => p.CountyCode == county && ids.Contains(p.Id)).ToDictionaryAsync(p => p.Id, p => p.ScopeKey, ct);
        var villageKeys = keys.Values.Where(k => k.Length >= Core.Jurisdictions.ScopeKey.VillageLength).Select(k => k[..Core.Jurisdictions.ScopeKey.VillageLength]).Distinct().ToList();
        var names = await db.Nodes.IgnoreQueryFilters().AsNoTracking().Where(n => n.CountyCode == county && villageKeys.Contains(n.ScopeKey)).ToDictionaryAsync(n => n.ScopeKey, n => n.Name, ct);
        return bare.Select(b => (Trip: b.Key, Key: keys.GetValueOrDefault(b.Value)))
            .Where(x => x.Key is { Length: >= Core.Jurisdictions.ScopeKey.VillageLength } && names.ContainsKey(x.Key[..Core.Jurisdictions.ScopeKey.VillageLength]))
            .ToDictionary(x => x.Trip, x => names[x.Key![..Core.Jurisdictions.ScopeKey.VillageLength]]);
    }
}
