namespace Fangkong.Core.Jurisdictions;

/// <summary>How deep a free-text place name was resolved.</summary>
public enum PlaceLevel
{
    None = 0,
    Province = 1,
    City = 2,
    County = 3,
}

/// <summary>One division a place name or search prefix may stand for.</summary>
/// <param name="Level">province, city or county</param>
/// <param name="Code6">its 6-digit GB/T 2260 code (410000, 410100, 410105)</param>
/// <param name="Name">its official name (金水区)</param>
/// <param name="FullName">its canonical name with the parents (河南省 郑州市 金水区)</param>
public sealed record PlaceCandidate(PlaceLevel Level, string Code6, string Name, string FullName);

/// <summary>
/// What <see cref="NationalDivisions.ResolvePlace"/> made of a free-text place such as "郑州金水区" or "北京朝阳区".
/// The codes are filled down to <see cref="Level"/>. When the county name fits several counties that the named
/// province or city cannot tell apart (朝阳区 alone: 北京 and 长春), <see cref="Level"/> stays at the deepest
/// level that is certain and <see cref="Candidates"/> lists every county that fits.
/// </summary>
/// <param name="Level">the deepest level resolved without doubt</param>
/// <param name="ProvinceCode2">the province's two digits, when known</param>
/// <param name="CityCode4">the prefecture's four digits, when known (placeholders included: 3101 for 浦东新区)</param>
/// <param name="CountyCode6">the county's six digits, when resolved</param>
/// <param name="FullName">the canonical name of what was resolved ("河南省 郑州市 金水区"), or null</param>
/// <param name="Candidates">every county that fits when the name is ambiguous; empty otherwise</param>
/// <param name="Remainder">the text after the place (street, compound, house number), or null</param>
public sealed record PlaceResolution(
    PlaceLevel Level,
    string? ProvinceCode2,
    string? CityCode4,
    string? CountyCode6,
    string? FullName,
    IReadOnlyList<PlaceCandidate> Candidates,
    string? Remainder)
{
    /// <summary>True when several counties fit and none was chosen.</summary>
    public bool IsAmbiguous => Candidates.Count > 1;

    /// <summary>The 6-digit code of the deepest level resolved (410105, 410100 or 410000), or null.</summary>
    public string? Code6 => Level switch
    {
        PlaceLevel.County => CountyCode6,
        PlaceLevel.City => CityCode4 + "00",
        PlaceLevel.Province => ProvinceCode2 + "0000",
        _ => null,
    };
}
