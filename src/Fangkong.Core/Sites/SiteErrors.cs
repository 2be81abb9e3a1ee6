namespace Fangkong.Core.Sites;

/// <summary>
/// The stable error codes of sites, rooms, stays and trips. Core returns them; the web layer and the CLI turn them
/// into sentences in the user's language, so the codes never change once shipped.
/// </summary>
public static class SiteErrors
{
    public const string SiteNotInService = "site.not-in-service";
    public const string SiteStatusNotAllowed = "site.status-not-allowed";
    public const string SiteInspectionRequired = "site.inspection-required";
    public const string SiteHasOccupants = "site.has-occupants";

    /// <summary>A travel time that is not in 1–600 minutes (<see cref="TravelTimeRules"/>),</summary>
    public const string TravelMinutesRange = "travel-time.minutes-range";
    /// <summary>…not a whole number of minutes as typed,</summary>
    public const string TravelMinutesWhole = "travel-time.minutes-whole";
    /// <summary>…from a place that is not a township of the site's county,</summary>
    public const string TravelTownshipUnknown = "travel-time.township-unknown";
    /// <summary>…or from a township listed twice.</summary>
    public const string TravelTownshipTwice = "travel-time.township-twice";

    public const string RoomTransitionNotAllowed = "room.transition-not-allowed";
    public const string RoomReasonRequired = "room.reason-required";
    public const string RoomOccupied = "room.occupied";
    public const string RoomCheckInRequired = "room.check-in-required";
    public const string RoomCheckOutRequired = "room.check-out-required";
    public const string RoomNotReady = "room.not-ready";
    public const string RoomEmpty = "room.empty";
    public const string RoomOtherHousehold = "room.other-household";
    public const string RoomWrongSite = "room.wrong-site";
    public const string RoomNotFound = "room.not-found";

    public const string StayOrderNotCentralized = "stay.order-not-centralized";
    public const string StayOrderNotActive = "stay.order-not-active";
    public const string StayPersonAlreadyAllocated = "stay.person-already-allocated";
    public const string StayBedRange = "stay.bed-range";
    public const string StayBedTaken = "stay.bed-taken";
    public const string StayNotAllocated = "stay.not-allocated";
    public const string StayNotCheckedIn = "stay.not-checked-in";
    public const string StayWrongRoom = "stay.wrong-room";
    public const string StayOutcomeInvalid = "stay.outcome-invalid";
    public const string StayBeforeLeaveDay = "stay.before-leave-day";
    public const string StayOrderInForce = "stay.order-in-force";
    public const string StayReasonRequired = "stay.reason-required";

    public const string TripTransitionNotAllowed = "trip.transition-not-allowed";
    public const string TripVehicleRequired = "trip.vehicle-required";
    public const string TripDriverRequired = "trip.driver-required";
    public const string TripReasonRequired = "trip.reason-required";
    public const string TripTimeOrder = "trip.time-order";
    public const string TripPassengersRequired = "trip.passengers-required";
    /// <summary>A passenger typed by name whom no one under an order in force (that the actor sees) bears.</summary>
    public const string TripNameNotFound = "trip.name-not-found";
    /// <summary>A passenger typed by name that several people under an order in force bear: the ID number decides.</summary>
    public const string TripNameAmbiguous = "trip.name-ambiguous";
    public const string TripDuplicatePassenger = "trip.duplicate-passenger";
    public const string TripMixedHouseholds = "trip.mixed-households";
    public const string TripDestinationKind = "trip.destination-kind";
    public const string TripSiteRequired = "trip.site-required";
    public const string TripOriginRequired = "trip.origin-required";
    public const string TripSameSite = "trip.same-site";
    public const string TripOrderNotPassengers = "trip.order-not-passengers";
    public const string TripPassengerOnOpenTrip = "trip.passenger-on-open-trip";
    /// <summary>A transfer to hospital that does not name the hospital (定点医院): the driver would not know where to go.</summary>
    public const string TripHospitalRequired = "trip.hospital-required";
    /// <summary>A hospital's name longer than the trip's destination column (<see cref="TripRules.MaxPlaceTextLength"/>).</summary>
    public const string TripHospitalTooLong = "trip.hospital-too-long";
    public const string PlateInvalid = "plate.invalid";
    public const string PlateTaken = "plate.taken";
    public const string VehicleNotAvailable = "vehicle.not-available";
    public const string VehicleSeats = "vehicle.seats";
    public const string VehicleNotAwaitingDisinfection = "vehicle.not-awaiting-disinfection";
    public const string DriverInactive = "driver.inactive";
    public const string DriverOnTrip = "driver.on-trip";
    public const string VehicleOnTrip = "vehicle.on-trip";
    public const string VehicleOutOfService = "vehicle.out-of-service";
    public const string VehicleInService = "vehicle.in-service";
    public const string VehicleReasonRequired = "vehicle.reason-required";
    public const string DriverTestOverdue = "driver.test-overdue";
    public const string DriverTestNotNegative = "driver.test-not-negative";
    /// <summary>Why no vehicle can be given to a trip now (<see cref="TripRules.VehicleBlocker"/>): the county has none,</summary>
    public const string NoVehicles = "trip.no-vehicles";
    /// <summary>…the vehicles that seat the passengers wait for their disinfection after a trip,</summary>
    public const string VehiclesAwaitingDisinfection = "trip.vehicles-awaiting-disinfection";
    /// <summary>…are out on other trips,</summary>
    public const string VehiclesOnTrip = "trip.vehicles-on-trip";
    /// <summary>…are out of service,</summary>
    public const string VehiclesOutOfService = "trip.vehicles-out-of-service";
    /// <summary>…or no vehicle has seats for everyone on the trip.</summary>
    public const string VehiclesTooFewSeats = "trip.vehicles-too-few-seats";
    /// <summary>…or, for a trip to hospital, the county has no ambulance: the emergency centre (120) takes it.</summary>
    public const string NoAmbulance = "trip.no-ambulance";
    /// <summary>A trip to hospital offered a vehicle that is not an ambulance (<see cref="TripRules.Suits"/>).</summary>
    public const string VehicleNotAmbulance = "vehicle.not-ambulance";
    /// <summary>Only a trip to hospital is handed to the emergency centre (120).</summary>
    public const string TripEmergencyServiceHospitalOnly = "trip.emergency-service-hospital-only";

    /// <summary>
    /// The input field a refusal is about, when the refusal is about a value the caller sent (missing or impossible
    /// whatever the state: a reason left out, a bed the room does not have, a vehicle or room that is not there, a
    /// room state only a stay may set); null when it is a conflict with the current state (a room in use, a trip
    /// already departed). The first is answered as a field error (400), the second as a conflict (409). The field names
    /// are those of the request bodies.
    /// </summary>
    public static string? FieldOf(string code) => code switch
    {
        StayBedRange => "bed",
        RoomNotFound => "roomId",
        StayOutcomeInvalid => "outcome",
        RoomCheckInRequired => "state",
        RoomReasonRequired or StayReasonRequired or TripReasonRequired or VehicleReasonRequired => "reason",
        TripVehicleRequired or VehicleNotAmbulance => "vehicleId",
        TripDriverRequired => "driverId",
        _ => null,
    };
}

/// <summary>
/// What a rule gives back when it changes something: the value it produced (an event, a new stay), or the error code
/// that refused the change. A refused change leaves every object as it was.
/// </summary>
public readonly record struct RuleResult<T>(T? Value, string? Error) where T : class
{
    public bool Ok => Error is null;

    public static RuleResult<T> Success(T? value) => new(value, null);

    public static RuleResult<T> Fail(string error) => new(null, error);
}
