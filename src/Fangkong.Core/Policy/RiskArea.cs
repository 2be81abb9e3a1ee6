using Fangkong.Core.Jurisdictions;

namespace Fangkong.Core.Policy;

public enum RiskLevel
{
    Low = 1,
    Medium = 2,
    High = 3,
}

/// <summary>
/// One period during which a named place somewhere in China had a risk level. A change of level ends the period and
/// starts another, so the rows are the history: "was place P at level L on date D" is a look-up, not a reconstruction.
/// </summary>
public sealed class RiskArea : ICountyOwned
{
    public long Id { get; set; }
    /// <summary>The county deployment that keeps this list (not the county the area lies in).</summary>
    public string CountyCode { get; set; } = "";
    /// <summary>The GB/T 2260 code of the county the area lies in.</summary>
    public string AreaCountyCode { get; set; } = "";
    /// <summary>"河南省 郑州市 金水区"</summary>
    public string AreaCountyName { get; set; } = "";
    /// <summary>The compound, village or building as published ("金水区花园路街道XX小区").</summary>
    public string Place { get; set; } = "";
    /// <summary>The place folded for matching (no spaces, full-width folded, no administrative prefix).</summary>
    public string PlaceKey { get; set; } = "";
    public RiskLevel Level { get; set; }
    public DateOnly DesignatedOn { get; set; }
    /// <summary>The last day at this level; null while in force.</summary>
    public DateOnly? LiftedOn { get; set; }
    /// <summary>Where the designation was published (a notice, a provincial push).</summary>
    public string? Source { get; set; }
    /// <summary>
    /// A reason of the county's local layer this listing raises on top of its level (seed 000: "expert-judged-risk-area"
    /// for places the provincial experts judged risky); null for the national list.
    /// </summary>
    public string? LocalReason { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }

    public bool ActiveOn(DateOnly date) => date >= DesignatedOn && (LiftedOn is null || date <= LiftedOn);
    public bool Overlaps(DateOnly from, DateOnly to) => DesignatedOn <= to && (LiftedOn is null || LiftedOn >= from);
}

/// <summary>One saved version of a rule pack or of the county's local layer; the newest version of each is in force.</summary>
public sealed class RulePackVersion : ICountyOwned
{
    public long Id { get; set; }
    public string CountyCode { get; set; } = "";
    /// <summary>The pack id ("cn-9th"), or "local" for the county's local layer.</summary>
    public string PackId { get; set; } = "";
    public int Version { get; set; }
    public string Name { get; set; } = "";
    public DateOnly? EffectiveFrom { get; set; }
    public string Json { get; set; } = "";
    public string CreatedBy { get; set; } = "";
    public DateTime CreatedAt { get; set; }
    /// <summary>Why this version was saved (the notice that changed the rule).</summary>
    public string? Reason { get; set; }

    public const string LocalLayerId = "local";
}
