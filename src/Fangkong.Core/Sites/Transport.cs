using Fangkong.Core.Jurisdictions;

namespace Fangkong.Core.Sites;

public enum VehicleKind
{
    Car = 0,
    Minibus = 1,
    Bus = 2,
    Ambulance = 3,
    NegativePressureAmbulance = 4,
}

/// <summary>
/// A transfer vehicle's state: available, on a trip, waiting to be disinfected after one (closed loop: a vehicle is
/// disinfected after every transfer before it carries anyone else), out of service.
/// </summary>
public enum VehicleStatus
{
    Available = 0,
    OnTrip = 1,
    AwaitingDisinfection = 2,
    OutOfService = 3,
}

/// <summary>A vehicle of the transfer fleet (转运车辆) of the county or a township.</summary>
public sealed class Vehicle : IJurisdictionOwned
{
    public long Id { get; set; }
    public string CountyCode { get; set; } = "";
    /// <summary>The unit the vehicle belongs to: the county, or a township running its own pick-ups.</summary>
    public string ScopeKey { get; set; } = "";
    public string Plate { get; set; } = "";
    /// <summary>Passenger seats, the driver's not counted.</summary>
    public int Seats { get; set; }
    public VehicleKind Kind { get; set; }
    public VehicleStatus Status { get; set; }
    public DateTime? LastDisinfectedAt { get; set; }
    public string? Note { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
    public int Version { get; set; }
}

/// <summary>A transfer driver. Drivers are closed-loop workers tested on their own cadence (daily by default).</summary>
public sealed class Driver : IJurisdictionOwned
{
    public long Id { get; set; }
    public string CountyCode { get; set; } = "";
    public string ScopeKey { get; set; } = "";
    public string Name { get; set; } = "";
    public string? Phone { get; set; }
    /// <summary>Days between tests: a driver whose last negative test is older than this is not assigned.</summary>
    public int TestCadenceDays { get; set; } = 1;
    /// <summary>When the last test was sampled.</summary>
    public DateTime? LastTestAt { get; set; }
    public bool LastTestNegative { get; set; }
    public bool Active { get; set; } = true;
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
    public int Version { get; set; }
}

/// <summary>Where a trip starts or ends.</summary>
public enum TripPlaceKind
{
    /// <summary>A checkpoint (卡点), e.g. a highway exit.</summary>
    Checkpoint = 0,
    /// <summary>A station, the airport, a wharf: a first landing point (第一落点).</summary>
    Station = 1,
    Home = 2,
    Site = 3,
    Hospital = 4,
}

public enum TripStatus
{
    Requested = 0,
    /// <summary>A vehicle and a driver named.</summary>
    Assigned = 1,
    Departed = 2,
    Arrived = 3,
    Cancelled = 4,
}

/// <summary>
/// A closed-loop transfer (闭环转运): from a landing point, a home, a site or a hospital to a site, a hospital or
/// home, with its vehicle, driver, passengers and the time of each step. A point-to-point pick-up (点对点接返)
/// collects arrivals at their landing point.
/// </summary>
public sealed class Trip : IJurisdictionOwned
{
    public long Id { get; set; }
    public string CountyCode { get; set; } = "";
    /// <summary>The unit organising the trip (a township's special team, the county's transfer group).</summary>
    public string ScopeKey { get; set; } = "";
    public TripPlaceKind FromKind { get; set; }
    public string? FromText { get; set; }
    public long? FromNodeId { get; set; }
    public long? FromSiteId { get; set; }
    /// <summary>Site, hospital or home only (<see cref="TripRules.ValidateRequest"/>).</summary>
    public TripPlaceKind ToKind { get; set; }
    public string? ToText { get; set; }
    public long? ToNodeId { get; set; }
    public long? ToSiteId { get; set; }
    public TripStatus Status { get; set; }
    public DateTime RequestedAt { get; set; }
    public string? RequestedBy { get; set; }
    public DateTime? AssignedAt { get; set; }
    public DateTime? DepartedAt { get; set; }
    public DateTime? ArrivedAt { get; set; }
    public DateTime? CancelledAt { get; set; }
    public string? CancelReason { get; set; }
    public long? VehicleId { get; set; }
    public long? DriverId { get; set; }
    /// <summary>A point-to-point pick-up of arrivals (点对点接返): may carry several households (see <see cref="TripRules.ValidatePassengers"/>).</summary>
    public bool IsPointToPoint { get; set; }
    /// <summary>Taken by the emergency centre's ambulance (120) instead of a county vehicle (<see cref="TripRules.HandToEmergencyService"/>).</summary>
    public bool ByEmergencyService { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
    public int Version { get; set; }

    public List<TripPassenger> Passengers { get; set; } = [];

    public static bool IsOpen(TripStatus status) => status is TripStatus.Requested or TripStatus.Assigned or TripStatus.Departed;
}

/// <summary>A person carried by a trip, with the order the transfer serves and their household.</summary>
public sealed class TripPassenger : IJurisdictionOwned
{
    public long Id { get; set; }
    public string CountyCode { get; set; } = "";
    /// <summary>The trip's scope key, copied so the row is scoped on its own.</summary>
    public string ScopeKey { get; set; } = "";
    public long TripId { get; set; }
    public long PersonId { get; set; }
    public long? OrderId { get; set; }
    public string? HouseholdKey { get; set; }
    /// <summary>
    /// True while the trip is open (requested, assigned, departed): the database holds one open trip per person
    /// (unique index UX_TripPassengers_Open), so two staff sending the same person at once cannot both succeed.
    /// </summary>
    public bool Open { get; set; }
}
