namespace Fangkong.Core.Jurisdictions;

/// <summary>
/// A node of the jurisdiction tree: county, township, village or community (official NBS codes), and the county's
/// own grids, buildings, units and households below them.
/// </summary>
public sealed class JurisdictionNode : IJurisdictionOwned
{
    public long Id { get; set; }
    public string CountyCode { get; set; } = "";
    public string ScopeKey { get; set; } = "";
    public long? ParentId { get; set; }
    public JurisdictionLevel Level { get; set; }
    /// <summary>The official code for county (6), township and village (12 digits); the scope key below.</summary>
    public string Code { get; set; } = "";
    public string Name { get; set; } = "";
    /// <summary>The name without its administrative suffix (荆紫关镇 → 荆紫关), for search and address matching.</summary>
    public string? ShortName { get; set; }
    /// <summary>An urban community (社区/居委会) rather than a rural village (村).</summary>
    public bool IsCommunity { get; set; }
    /// <summary>A household's door address or a building's street address.</summary>
    public string? Address { get; set; }
    /// <summary>Where the node came from: nbs-2023, import, ui, demo.</summary>
    public string Source { get; set; } = "ui";
    public DateTime CreatedAt { get; set; }

    public static bool IsOfficial(JurisdictionLevel level) => level <= JurisdictionLevel.Village;
}
