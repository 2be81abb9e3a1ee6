using Fangkong.Core.Jurisdictions;

namespace Fangkong.Core.Sites;

/// <summary>Where a stay stands. Active: <see cref="Allocated"/> and <see cref="CheckedIn"/>.</summary>
public enum StayStatus
{
    /// <summary>A room (and bed) is held for the person; they have not arrived.</summary>
    Allocated = 0,
    CheckedIn = 1,
    CheckedOut = 2,
    /// <summary>Never arrived: the allocation was withdrawn.</summary>
    Cancelled = 3,
}

/// <summary>How a stay ended.</summary>
public enum StayOutcome
{
    None = 0,
    /// <summary>Released from the measures at the site (all tests negative, the site phase over).</summary>
    Released = 1,
    /// <summary>The site phase over, the order converts to a home measure ("7+3": home health monitoring).</summary>
    ConvertedToHome = 2,
    /// <summary>Tested positive or fell ill: taken to hospital in a closed-loop transfer.</summary>
    TransferredToHospital = 3,
    Cancelled = 4,
}

/// <summary>
/// A person's stay in a room of a site, under a control order: allocated, checked in, checked out (or cancelled),
/// and how it ended. Scoped with the site's key, so the site sees its occupants without seeing their villages.
/// </summary>
/// <remarks>
/// No double booking, enforced by the database rather than by a read-then-write check: <see cref="OccupiedRoomId"/>
/// holds the room while the stay is active (allocated or checked in) and is set to null when it ends, and a unique
/// index on (<see cref="OccupiedRoomId"/>, <see cref="Bed"/>) — nulls are distinct in both SQLite and PostgreSQL —
/// lets one active stay hold each bed. An ordinary room has one bed (<see cref="Room.Capacity"/> is 1), so it can
/// never hold two stays; a family room has a bed per member. That the members of a family room are one household is
/// checked by <see cref="StayRules.Allocate"/>, and the allocating transaction also bumps the room's
/// <see cref="Room.Version"/>, so two concurrent allocations into the same family room conflict instead of mixing
/// households.
/// </remarks>
public sealed class Stay : IJurisdictionOwned
{
    public long Id { get; set; }
    public string CountyCode { get; set; } = "";
    /// <summary>The site's scope key, copied so the row is scoped on its own.</summary>
    public string ScopeKey { get; set; } = "";
    /// <summary>The control order (centralized quarantine) the stay carries out.</summary>
    public long OrderId { get; set; }
    public long PersonId { get; set; }
    public long SiteId { get; set; }
    public long RoomId { get; set; }
    /// <summary>The room while the stay is active, null once it ends: the first half of the unique index.</summary>
    public long? OccupiedRoomId { get; set; }
    /// <summary>The bed, 1 to the room's capacity: the second half of the unique index.</summary>
    public int Bed { get; set; } = 1;
    /// <summary>Keeps a household together (a family room, adjacent rooms, one vehicle): the household's scope key or any shared key.</summary>
    public string? HouseholdKey { get; set; }
    public DateTime AllocatedAt { get; set; }
    public string? AllocatedBy { get; set; }
    public DateTime? CheckedInAt { get; set; }
    public DateTime? CheckedOutAt { get; set; }
    /// <summary>The first day the person is expected away from the site (from the order's measures): what the forecast reads.</summary>
    public DateOnly? LeaveOn { get; set; }
    public StayOutcome Outcome { get; set; }
    public StayStatus Status { get; set; }
    public string? CancelReason { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
    public int Version { get; set; }

    public static bool IsActive(StayStatus status) => status is StayStatus.Allocated or StayStatus.CheckedIn;

    public bool Active => IsActive(Status);
}
