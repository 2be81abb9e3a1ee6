using Fangkong.Core.Identifiers;
using Fangkong.Core.Jurisdictions;

namespace Fangkong.Core.Arrivals;

public enum ArrivalChannel
{
    Self = 0,        // 自主报备 through the public page
    Checkpoint = 1,  // 卡点登记
    Village = 2,     // 村(社区)登记
    Pickup = 3,      // 点对点接返
    Station = 4,     // 第一落点（车站、高速出口）
}

public enum ArrivalStatus
{
    /// <summary>Registered; not yet classified (an unknown origin waits here for staff).</summary>
    Submitted = 0,
    /// <summary>Classified: a control order is proposed and waits for the township.</summary>
    OrderProposed = 1,
    /// <summary>Classified: nothing to manage; the township confirmed the release.</summary>
    Released = 2,
    /// <summary>The township confirmed the proposed order.</summary>
    OrderConfirmed = 3,
    Cancelled = 4,
    /// <summary>Classified as needing no measure; waits for the township to confirm the release.</summary>
    ReleaseProposed = 5,
}

/// <summary>A place the person stayed in before arriving, with the days they were there.</summary>
public sealed record TravelStop(string CountyCode, string? Place, DateOnly From, DateOnly To);

/// <summary>
/// An arrival (报备): a person coming into the county, registered by themselves through the public page or by staff.
/// Classified against the risk areas and the rule pack in force into a proposed order or a release, which the
/// township confirms.
/// </summary>
public sealed class Arrival : IJurisdictionOwned
{
    public long Id { get; set; }
    public string CountyCode { get; set; } = "";
    /// <summary>The destination's scope key (the township handling the arrival sees it).</summary>
    public string ScopeKey { get; set; } = "";
    /// <summary>The reference shown to the person: FK + date + 6 characters.</summary>
    public string Reference { get; set; } = "";
    public long? PersonId { get; set; }
    public string Name { get; set; } = "";
    public DocumentType DocumentType { get; set; }
    public string? DocumentNumber { get; set; }
    public byte[]? DocumentHash { get; set; }
    public string? DocumentMasked { get; set; }
    public string? Phone { get; set; }
    public byte[]? PhoneHash { get; set; }
    public string? PhoneMasked { get; set; }
    /// <summary>Where the person comes from, as entered.</summary>
    public string OriginText { get; set; } = "";
    /// <summary>The county the origin resolved to (GB/T 2260), null for abroad or unresolved.</summary>
    public string? OriginCountyCode { get; set; }
    public string? OriginCountyName { get; set; }
    public bool Inbound { get; set; }
    /// <summary>Travel history as JSON (the stops of the last 7 or 14 days, as the pack asks).</summary>
    public string TravelJson { get; set; } = "[]";
    public DateOnly ArrivalDate { get; set; }
    public long? DestinationNodeId { get; set; }
    /// <summary>The destination address as written (encrypted at rest).</summary>
    public string? DestinationText { get; set; }
    public string? Vehicle { get; set; }
    public ArrivalChannel Channel { get; set; }
    /// <summary>The registration point (township or checkpoint code) whose QR code was scanned, or the staff member's node.</summary>
    public string? PointCode { get; set; }
    /// <summary>green, yellow or red, as shown by the person (checkpoints record it).</summary>
    public string? HealthCode { get; set; }
    public bool TravelCardStar { get; set; }
    /// <summary>When the landing test (落地检) was sampled at the checkpoint or station.</summary>
    public DateTime? LandingTestAt { get; set; }
    /// <summary>The landing test's result when back: negative or positive (null while pending).</summary>
    public string? LandingTestResult { get; set; }
    public DateTime? LandingTestResultAt { get; set; }
    public ArrivalStatus Status { get; set; }
    /// <summary>The reasons found (comma-separated: high-risk-area, inbound…).</summary>
    public string? Reasons { get; set; }
    public DateOnly? ExposureDate { get; set; }
    public string? RuleReference { get; set; }
    /// <summary>Why the classification came out as it did (which stop matched which area).</summary>
    public string? ClassificationNote { get; set; }
    public long? OrderId { get; set; }
    public string? DecidedBy { get; set; }
    public DateTime? DecidedAt { get; set; }
    public string? DecisionNote { get; set; }
    public DateTime SubmittedAt { get; set; }
    /// <summary>The network address a self-registration came from (the per-address limit counts these).</summary>
    public string? ClientAddress { get; set; }
    public DateTime UpdatedAt { get; set; }
    /// <summary>How many submissions were merged into this one (a second registration the same day is not a second arrival).</summary>
    public int Submissions { get; set; } = 1;
    /// <summary>What the township should look at (see <see cref="ArrivalFlags"/>), comma-separated; null when nothing.</summary>
    public string? Flags { get; set; }
    /// <summary>Same-day resubmissions that declared something the arrival does not show, as sent (JSON, encrypted at rest).</summary>
    public string? ResubmissionsJson { get; set; }
    public int Version { get; set; }
}
