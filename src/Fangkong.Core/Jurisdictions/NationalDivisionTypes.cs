namespace Fangkong.Core.Jurisdictions;

/// <summary>What a row of the national county list stands for (the <c>kind</c> column of china_counties_2023.csv).</summary>
public enum CountyKind
{
    /// <summary>A county-level division with a GB/T 2260 code: district, county, banner, county-level city.</summary>
    Standard,

    /// <summary>
    /// A development zone or similar that the NBS numbers like a county for statistics (xxxx7x codes, e.g.
    /// 郑州航空港经济综合实验区). Not a GB/T 2260 division: no ID number carries its code.
    /// </summary>
    StatisticalZone,

    /// <summary>A unit that only the NBS statistical codes list (the districts of 大兴安岭地区, 大柴旦).</summary>
    StatisticsOnly,

    /// <summary>
    /// A prefecture-level city without counties (东莞市, 中山市, 儋州市, 嘉峪关市), listed once more at county level
    /// so that every township has a county-level parent.
    /// </summary>
    CityWithoutCounties,
}

/// <summary>A province-level division (province, autonomous region, municipality, special administrative region).</summary>
/// <param name="Code2">the first two digits of its GB/T 2260 code (41)</param>
/// <param name="Name">the official name (河南省, 广西壮族自治区)</param>
/// <param name="ShortName">the name people write without the suffix (河南, 广西)</param>
public sealed record ProvinceDivision(string Code2, string Name, string ShortName)
{
    /// <summary>The 6-digit GB/T 2260 code (410000).</summary>
    public string Code6 => Code2 + "0000";
}

/// <summary>A prefecture-level division (prefecture-level city, prefecture, autonomous prefecture, league).</summary>
/// <param name="Code4">the first four digits of its code (4113)</param>
/// <param name="Name">the official name as the NBS lists it (南阳市; 市辖区 or 县 for placeholders)</param>
/// <param name="ShortName">the name without its suffix (南阳), or the name itself when it has none</param>
/// <param name="ProvinceCode2">the province's two digits</param>
/// <param name="ProvinceName">the province's official name</param>
/// <param name="IsPlaceholder">
/// true for the NBS grouping rows that are not real prefectures: 市辖区 and 县 of the four municipalities and
/// 省直辖县级行政区划 (county-level units directly under a province). Their names are never shown to people.
/// </param>
public sealed record CityDivision(
    string Code4, string Name, string ShortName, string ProvinceCode2, string ProvinceName, bool IsPlaceholder)
{
    /// <summary>The 6-digit GB/T 2260 code (411300).</summary>
    public string Code6 => Code4 + "00";

    /// <summary>The name for display: "河南省 南阳市"; the province alone for a placeholder.</summary>
    public string FullName => IsPlaceholder ? ProvinceName : ProvinceName + " " + Name;
}

/// <summary>A county-level division from the national list.</summary>
/// <param name="Code6">the 6-digit code (411326)</param>
/// <param name="Name">the official name (淅川县, 酉阳土家族苗族自治县)</param>
/// <param name="ShortName">the name without its suffix (淅川, 酉阳), or the name itself when that would be one character</param>
/// <param name="CityCode4">the prefecture's four digits, placeholders included (5002 for 酉阳)</param>
/// <param name="CityName">the prefecture's name, or null when the county sits directly under its province or
/// municipality (placeholder prefectures such as 市辖区 and 省直辖县级行政区划)</param>
/// <param name="ProvinceCode2">the province's two digits</param>
/// <param name="ProvinceName">the province's official name</param>
/// <param name="Kind">what kind of unit the row is</param>
public sealed record CountyDivision(
    string Code6, string Name, string ShortName, string CityCode4, string? CityName, string ProvinceCode2,
    string ProvinceName, CountyKind Kind)
{
    /// <summary>
    /// The canonical name for display and storage: "河南省 南阳市 淅川县", "重庆市 酉阳土家族苗族自治县"; a city
    /// without counties appears once ("广东省 东莞市").
    /// </summary>
    public string FullName => CityName is null ? ProvinceName + " " + Name
        : Kind == CountyKind.CityWithoutCounties ? ProvinceName + " " + CityName
        : ProvinceName + " " + CityName + " " + Name;
}
