namespace Fangkong.Core.Jurisdictions;

/// <summary>What <see cref="AddressResolver.Resolve"/> could tell about an address.</summary>
public enum AddressOutcome
{
    /// <summary>The address lies in a known village or community of the county.</summary>
    Village,

    /// <summary>The township is known but the village is missing, unknown in that township, or ambiguous.</summary>
    TownshipOnly,

    /// <summary>The address names a place outside the county (another county, prefecture or province).</summary>
    OtherCounty,

    /// <summary>Nothing in the county or elsewhere could be recognised with confidence.</summary>
    Unresolved,

    /// <summary>The input was null, blank or punctuation only.</summary>
    Empty,
}

/// <summary>
/// The result of resolving one free-text address against a county's division tree. Codes are filled as far as
/// <see cref="Outcome"/> allows; <see cref="Remainder"/> keeps whatever came after the recognised part (house
/// number, street, compound) for the household record.
/// </summary>
public sealed record AddressResolution
{
    public required AddressOutcome Outcome { get; init; }

    /// <summary>The township's 12-digit code, for <see cref="AddressOutcome.Village"/> and <see cref="AddressOutcome.TownshipOnly"/>.</summary>
    public string? TownshipCode12 { get; init; }

    /// <summary>The village's or community's 12-digit code, for <see cref="AddressOutcome.Village"/>.</summary>
    public string? VillageCode12 { get; init; }

    /// <summary>
    /// For <see cref="AddressOutcome.OtherCounty"/>: the GB/T 2260 code of the place named, a county (411323) or,
    /// when only a prefecture or province was named, that prefecture (410100) or province (440000). Null when the
    /// county name fits several counties elsewhere (see <see cref="Note"/>).
    /// </summary>
    public string? OtherCountyCode6 { get; init; }

    /// <summary>The text after the recognised part, separators trimmed, or null when nothing is left.</summary>
    public string? Remainder { get; init; }

    /// <summary>The villagers' group (3组, 第三村民小组, 3队, 3社), when one follows the village.</summary>
    public int? GroupNumber { get; init; }

    /// <summary>
    /// Why the address did not resolve further, for people reviewing an import: the candidates of an ambiguous
    /// name, the township where a misplaced village really is, or the name of the other county. A code with its
    /// arguments, put into words by the page that shows it; null when the outcome says it all.
    /// </summary>
    public AddressNote? Note { get; init; }

    /// <summary>
    /// The villages the text may mean, when it is ambiguous (店子村 without its township) or names a village of
    /// another township; empty otherwise. A review screen offers these as choices.
    /// </summary>
    public IReadOnlyList<Division> Candidates { get; init; } = [];
}
