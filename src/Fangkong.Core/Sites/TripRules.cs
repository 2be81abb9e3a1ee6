using Fangkong.Core.People;

namespace Fangkong.Core.Sites;

/// <summary>
/// The rules of closed-loop trips: what a request must say, who may ride together, the steps requested → assigned
/// → departed → arrived (or cancelled), the vehicle's closed loop (on a trip, then disinfected before the next), the
/// driver's own test cadence, and the durations the board shows. Each refusal is a stable error code and changes
/// nothing; the caller bumps the versions of what it saves.
/// </summary>
public static class TripRules
{
    public const int MaxReasonLength = 200;
    public const int MaxPlaceTextLength = 200;

    /// <summary>
    /// The hospital a person is taken to (定点医院), by name, tidied: a transfer to hospital names it, so the driver and
    /// the site know where the trip goes; it is kept as the trip's destination text, so it fits that column. Null with a
    /// field error on <paramref name="field"/> when it is missing or too long.
    /// </summary>
    public static string? HospitalName(string? name, string field, out FieldError? error)
    {
        var tidy = Text.Tidy(name);
        error = tidy is null ? new(field, SiteErrors.TripHospitalRequired)
            : tidy.Length > MaxPlaceTextLength ? new(field, SiteErrors.TripHospitalTooLong) : null;
        return error is null ? tidy : null;
    }

    /// <summary>
    /// Field errors of a new trip: an origin (text, node or site), place texts that fit their columns, a destination that is a site, a hospital or home
    /// ("trip.destination-kind"), the site named when it is a site and not the site the trip starts from
    /// ("trip.same-site"), the hospital named when it is a hospital (<see cref="HospitalName"/>, on "toText"), and
    /// passengers as <see cref="ValidatePassengers"/> wants them.
    /// </summary>
    public static IReadOnlyList<FieldError> ValidateRequest(Trip trip)
    {
        var errors = new List<FieldError>();
        if (Text.Tidy(trip.FromText) is null && trip.FromNodeId is null && trip.FromSiteId is null)
            errors.Add(new("from", SiteErrors.TripOriginRequired));
        if (Text.Tidy(trip.FromText) is { Length: > MaxPlaceTextLength }) errors.Add(new("fromText", "field.too-long"));
        if (trip.ToKind == TripPlaceKind.Hospital) { if (HospitalName(trip.ToText, "toText", out var hospital) is null) errors.Add(hospital!.Value); }
        else if (Text.Tidy(trip.ToText) is { Length: > MaxPlaceTextLength }) errors.Add(new("toText", "field.too-long"));
        if (trip.FromKind == TripPlaceKind.Site && trip.FromSiteId is null) errors.Add(new("fromSiteId", SiteErrors.TripSiteRequired));
        if (trip.ToKind is not (TripPlaceKind.Site or TripPlaceKind.Hospital or TripPlaceKind.Home))
            errors.Add(new("toKind", SiteErrors.TripDestinationKind));
        else if (trip.ToKind == TripPlaceKind.Site && trip.ToSiteId is null) errors.Add(new("toSiteId", SiteErrors.TripSiteRequired));
        else if (trip.ToKind == TripPlaceKind.Site && trip.FromKind == TripPlaceKind.Site && trip.FromSiteId == trip.ToSiteId)
            errors.Add(new("toSiteId", SiteErrors.TripSameSite));
        if (ValidatePassengers(trip.Passengers, trip.IsPointToPoint) is { } passengers) errors.Add(new("passengers", passengers));
        return errors;
    }

    /// <summary>
    /// Who may ride together. At least one passenger, each person once. A trip carries one household only: people
    /// under measures from different homes are not put in one vehicle, where one of them may be infected and the
    /// others not. A passenger without a household key is a household of their own. The exception is a point-to-point
    /// pick-up (点对点接返) of arrivals at their landing point: they travelled together already (same train, same
    /// coach), the township collects them in one run, and a group pick-up was the practice, so any mix is allowed.
    /// </summary>
    public static string? ValidatePassengers(IReadOnlyCollection<TripPassenger> passengers, bool pointToPoint)
    {
        if (passengers.Count == 0) return SiteErrors.TripPassengersRequired;
        if (passengers.Select(p => p.PersonId).Distinct().Count() != passengers.Count) return SiteErrors.TripDuplicatePassenger;
        if (pointToPoint || passengers.Count == 1) return null;
        var first = passengers.First().HouseholdKey;
        return first is null || passengers.Any(p => p.HouseholdKey != first) ? SiteErrors.TripMixedHouseholds : null;
    }

    /// <summary>
    /// Field errors of the orders named with the passengers: an order is the one the transfer serves for that
    /// passenger, so it must be the passenger's own. <paramref name="orderOwners"/> maps each order id found to its
    /// person; an order not found is refused the same way as another person's (nobody learns which orders exist). The
    /// field is the passenger's place in the request, as in its JSON body ("passengers[1].orderId").
    /// </summary>
    public static IReadOnlyList<FieldError> ValidateOrders(IReadOnlyList<TripPassenger> passengers, IReadOnlyDictionary<long, long> orderOwners)
    {
        var errors = new List<FieldError>();
        for (var i = 0; i < passengers.Count; i++)
            if (passengers[i].OrderId is { } order && (!orderOwners.TryGetValue(order, out var owner) || owner != passengers[i].PersonId))
                errors.Add(new($"passengers[{i}].orderId", SiteErrors.TripOrderNotPassengers));
        return errors;
    }

    /// <summary>
    /// Why a driver may not drive now, or null: inactive, no test, a last test that is not negative, or a last test
    /// sampled longer ago than the driver's cadence (1 day = 24 hours since the sampling, as certificate windows are
    /// counted; a test exactly at the limit still counts).
    /// </summary>
    public static string? DriverBlocker(Driver driver, DateTime at)
    {
        if (!driver.Active) return SiteErrors.DriverInactive;
        if (driver.LastTestAt is not { } tested) return SiteErrors.DriverTestOverdue;
        if (!driver.LastTestNegative) return SiteErrors.DriverTestNotNegative;
        return at - tested > TimeSpan.FromDays(Math.Max(1, driver.TestCadenceDays)) ? SiteErrors.DriverTestOverdue : null;
    }

    /// <summary>
    /// Why none of these vehicles can take a trip of <paramref name="passengers"/> people now, or null when one can
    /// (available, with a seat for everyone). The reason is the one the staff can act on: among the vehicles big
    /// enough, those waiting for their disinfection first (disinfect one and send it), then those out on a trip (one
    /// comes back), then those out of service; too few seats only when no vehicle is big enough; no vehicles at all.
    /// </summary>
    public static string? VehicleBlocker(IEnumerable<(VehicleStatus Status, int Seats)> vehicles, int passengers)
    {
        var all = vehicles.ToList();
        if (all.Count == 0) return SiteErrors.NoVehicles;
        var bigEnough = all.Where(v => v.Seats >= passengers).Select(v => v.Status).ToList();
        if (bigEnough.Contains(VehicleStatus.Available)) return null;
        if (bigEnough.Count == 0) return SiteErrors.VehiclesTooFewSeats;
        if (bigEnough.Contains(VehicleStatus.AwaitingDisinfection)) return SiteErrors.VehiclesAwaitingDisinfection;
        return bigEnough.Contains(VehicleStatus.OnTrip) ? SiteErrors.VehiclesOnTrip : SiteErrors.VehiclesOutOfService;
    }

    /// <summary>
    /// Whether a vehicle of this kind may take a trip to this destination. A trip to hospital carries someone with a
    /// fever or a positive test: only an ambulance takes it (an ordinary or a negative-pressure one, with its crew), never
    /// a car or van that will carry the next household; where the county has none free, the emergency centre's (120) is
    /// called (<see cref="HandToEmergencyService"/>). Any vehicle takes the other trips.
    /// </summary>
    public static bool Suits(TripPlaceKind to, VehicleKind kind) =>
        to != TripPlaceKind.Hospital || kind is VehicleKind.Ambulance or VehicleKind.NegativePressureAmbulance;

    /// <summary>
    /// <see cref="VehicleBlocker(IEnumerable{ValueTuple{VehicleStatus, int}}, int)"/> among the vehicles that
    /// <see cref="Suits"/> the destination; a trip to hospital where the county has no ambulance at all says so
    /// ("trip.no-ambulance": call 120) rather than that it has no vehicles.
    /// </summary>
    public static string? VehicleBlocker(IEnumerable<(VehicleStatus Status, int Seats, VehicleKind Kind)> vehicles, int passengers, TripPlaceKind to)
    {
        var all = vehicles.ToList();
        var fit = all.Where(v => Suits(to, v.Kind)).Select(v => (v.Status, v.Seats)).ToList();
        if (fit.Count == 0 && all.Count > 0 && to == TripPlaceKind.Hospital) return SiteErrors.NoAmbulance;
        return VehicleBlocker(fit, passengers);
    }

    /// <summary>
    /// Requested → assigned, by the emergency centre (120): a trip to hospital is handed to the centre, whose ambulance
    /// and crew take it; no county vehicle or driver is named, and the vehicle's disinfection is the centre's. The
    /// staff still record when it left and arrived. Only a trip to hospital.
    /// </summary>
    public static string? HandToEmergencyService(Trip trip, DateTime at)
    {
        if (trip.ToKind != TripPlaceKind.Hospital) return SiteErrors.TripEmergencyServiceHospitalOnly;
        if (trip.Status != TripStatus.Requested) return SiteErrors.TripTransitionNotAllowed;
        if (at < trip.RequestedAt) return SiteErrors.TripTimeOrder;
        trip.Status = TripStatus.Assigned;
        trip.AssignedAt = at;
        trip.ByEmergencyService = true;
        trip.UpdatedAt = at;
        return null;
    }

    /// <summary>
    /// Requested → assigned: a vehicle and a driver are required; the vehicle must suit the destination (<see cref="Suits"/>); the vehicle must be available (not on another trip,
    /// not waiting for disinfection) and seat every passenger; the driver must pass <see cref="DriverBlocker"/>. The
    /// vehicle goes on the trip.
    /// </summary>
    public static string? Assign(Trip trip, Vehicle? vehicle, Driver? driver, DateTime at)
    {
        if (trip.Status != TripStatus.Requested) return SiteErrors.TripTransitionNotAllowed;
        if (vehicle is null) return SiteErrors.TripVehicleRequired;
        if (driver is null) return SiteErrors.TripDriverRequired;
        if (at < trip.RequestedAt) return SiteErrors.TripTimeOrder;
        if (trip.Passengers.Count == 0) return SiteErrors.TripPassengersRequired;
        if (!Suits(trip.ToKind, vehicle.Kind)) return SiteErrors.VehicleNotAmbulance;
        if (vehicle.Status != VehicleStatus.Available) return SiteErrors.VehicleNotAvailable;
        if (trip.Passengers.Count > vehicle.Seats) return SiteErrors.VehicleSeats;
        if (DriverBlocker(driver, at) is { } blocked) return blocked;
        trip.Status = TripStatus.Assigned;
        trip.AssignedAt = at;
        trip.VehicleId = vehicle.Id;
        trip.DriverId = driver.Id;
        trip.UpdatedAt = at;
        vehicle.Status = VehicleStatus.OnTrip;
        vehicle.UpdatedAt = at;
        return null;
    }

    /// <summary>Assigned → departed (the passengers are aboard).</summary>
    public static string? Depart(Trip trip, DateTime at)
    {
        if (trip.Status != TripStatus.Assigned) return SiteErrors.TripTransitionNotAllowed;
        if (at < trip.AssignedAt) return SiteErrors.TripTimeOrder;
        trip.Status = TripStatus.Departed;
        trip.DepartedAt = at;
        trip.UpdatedAt = at;
        return null;
    }

    /// <summary>Departed → arrived (handed over at the destination); the vehicle now waits for disinfection.</summary>
    public static string? Arrive(Trip trip, Vehicle? vehicle, DateTime at)
    {
        if (trip.Status != TripStatus.Departed) return SiteErrors.TripTransitionNotAllowed;
        if (at < trip.DepartedAt) return SiteErrors.TripTimeOrder;
        trip.Status = TripStatus.Arrived;
        trip.ArrivedAt = at;
        trip.UpdatedAt = at;
        Release(trip, vehicle, VehicleStatus.AwaitingDisinfection, at);
        return null;
    }

    /// <summary>
    /// Any open trip → cancelled, with a reason. A vehicle that never left is free again; one that left (people may
    /// have been aboard) waits for disinfection.
    /// </summary>
    public static string? Cancel(Trip trip, Vehicle? vehicle, string? reason, DateTime at)
    {
        if (!Trip.IsOpen(trip.Status)) return SiteErrors.TripTransitionNotAllowed;
        var why = Text.Tidy(reason);
        if (why is null) return SiteErrors.TripReasonRequired;
        if (at < trip.RequestedAt) return SiteErrors.TripTimeOrder;
        var departed = trip.Status == TripStatus.Departed;
        trip.Status = TripStatus.Cancelled;
        trip.CancelledAt = at;
        trip.CancelReason = why.Length > MaxReasonLength ? why[..MaxReasonLength] : why;
        trip.UpdatedAt = at;
        Release(trip, vehicle, departed ? VehicleStatus.AwaitingDisinfection : VehicleStatus.Available, at);
        return null;
    }

    /// <summary>A vehicle disinfected after a trip: available again.</summary>
    public static string? VehicleDisinfected(Vehicle vehicle, DateTime at)
    {
        if (vehicle.Status != VehicleStatus.AwaitingDisinfection) return SiteErrors.VehicleNotAwaitingDisinfection;
        vehicle.Status = VehicleStatus.Available;
        vehicle.LastDisinfectedAt = at;
        vehicle.UpdatedAt = at;
        return null;
    }

    /// <summary>
    /// A vehicle taken out of service (a breakdown, an inspection), with the reason kept as its note; not while it is on
    /// a trip (the trip ends first).
    /// </summary>
    public static string? VehicleOutOfService(Vehicle vehicle, string? reason, DateTime at)
    {
        if (vehicle.Status == VehicleStatus.OnTrip) return SiteErrors.VehicleOnTrip;
        if (vehicle.Status == VehicleStatus.OutOfService) return SiteErrors.VehicleOutOfService;
        if (Text.Tidy(reason) is not { } why) return SiteErrors.VehicleReasonRequired;
        vehicle.Status = VehicleStatus.OutOfService;
        vehicle.Note = why.Length > MaxReasonLength ? why[..MaxReasonLength] : why;
        vehicle.UpdatedAt = at;
        return null;
    }

    /// <summary>A vehicle back in service: it is disinfected before it carries anyone again.</summary>
    public static string? VehicleBackInService(Vehicle vehicle, DateTime at)
    {
        if (vehicle.Status != VehicleStatus.OutOfService) return SiteErrors.VehicleInService;
        vehicle.Status = VehicleStatus.AwaitingDisinfection;
        vehicle.Note = null;
        vehicle.UpdatedAt = at;
        return null;
    }

    /// <summary>A driver stood down (left the team, unwell) or back on the roster; not stood down while driving a trip.</summary>
    public static string? DriverActive(Driver driver, bool active, bool onTrip, DateTime at)
    {
        if (driver.Active == active) return null;
        if (!active && onTrip) return SiteErrors.DriverOnTrip;
        driver.Active = active;
        driver.UpdatedAt = at;
        return null;
    }

    private static void Release(Trip trip, Vehicle? vehicle, VehicleStatus to, DateTime at)
    {
        foreach (var p in trip.Passengers) p.Open = false;
        // Only the trip's own vehicle, and only while it is on the trip (an out-of-service flag set meanwhile stays).
        if (vehicle is null || trip.VehicleId != vehicle.Id || vehicle.Status != VehicleStatus.OnTrip) return;
        vehicle.Status = to;
        vehicle.UpdatedAt = at;
    }

    /// <summary>From the request to the vehicle and driver named; null until assigned.</summary>
    public static TimeSpan? RequestToAssignment(Trip trip) => trip.AssignedAt - trip.RequestedAt;

    /// <summary>From the request to the hand-over at the destination; null until arrived.</summary>
    public static TimeSpan? RequestToArrival(Trip trip) => trip.Status == TripStatus.Arrived ? trip.ArrivedAt - trip.RequestedAt : null;

    /// <summary>The board's figures over trips: request → assignment of those assigned, request → arrival of those arrived.</summary>
    public static (DurationSummary ToAssignment, DurationSummary ToArrival) Summarize(IEnumerable<Trip> trips)
    {
        var list = trips.ToList();
        return (DurationSummary.Of(list.Select(RequestToAssignment).OfType<TimeSpan>()),
                DurationSummary.Of(list.Select(RequestToArrival).OfType<TimeSpan>()));
    }
}
