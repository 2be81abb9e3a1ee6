namespace Fangkong.Core.Jurisdictions;

/// <summary>
/// How people shorten official division names. Residents, clerks and imported spreadsheets rarely write the full
/// official name (酉阳土家族苗族自治县, 白亭村民委员会); they write 酉阳县, 酉阳 or 白亭村. These rules derive the
/// short form that matching is based on; the suffixes people put back are listed here too.
/// </summary>
internal static class DivisionNames
{
    /// <summary>
    /// The 55 officially recognised minority nationalities, without the trailing 族. Autonomous divisions carry
    /// them between the place name and 自治县/自治州/自治区 (酉阳·土家族·苗族·自治县); a few leave out 族
    /// (巴音郭楞·蒙古·自治州, 新疆·维吾尔·自治区).
    /// </summary>
    private static readonly string[] Ethnicities =
    [
        "蒙古", "回", "藏", "维吾尔", "苗", "彝", "壮", "布依", "朝鲜", "满", "侗", "瑶", "白", "土家", "哈尼",
        "哈萨克", "傣", "黎", "傈僳", "佤", "畲", "高山", "拉祜", "水", "东乡", "纳西", "景颇", "柯尔克孜", "土",
        "达斡尔", "仫佬", "羌", "布朗", "撒拉", "毛南", "仡佬", "锡伯", "阿昌", "普米", "塔吉克", "怒", "乌孜别克",
        "俄罗斯", "鄂温克", "德昂", "保安", "裕固", "京", "塔塔尔", "独龙", "鄂伦春", "赫哲", "门巴", "珞巴", "基诺",
    ];

    /// <summary>Suffixes of township-level names as people write them, longest first.</summary>
    public static readonly string[] TownshipSuffixes = ["街道办事处", "街道办", "办事处", "街道", "街办", "镇", "乡"];

    /// <summary>Suffixes of official village-level names (NBS spelling), longest first.</summary>
    private static readonly string[] OfficialVillageSuffixes =
        ["社区居民委员会", "社区居委会", "村民委员会", "居民委员会", "村委会", "居委会", "社区"];

    /// <summary>
    /// Characters that, right after a bare short name, suggest that the name belongs to something of another
    /// kind: 吉林 followed by 市 is the city, not the province; 丹阳 followed by 镇 is a town, not 丹阳市; 朝阳
    /// followed by 路 is a street. Such a match only stands when a division inside it follows (江苏镇江: 镇江 is a
    /// city of 江苏).
    /// </summary>
    public static bool IsForeignSuffixStart(char c) =>
        c is '省' or '市' or '县' or '区' or '旗' or '盟' or '州' or '镇' or '乡' or '村' or '社' or '路' or '街'
            or '巷' or '道';

    /// <summary>Short form of a province name: 河南省→河南, 广西壮族自治区→广西, 北京市→北京.</summary>
    public static string? ProvinceShortName(string name)
    {
        if (TryStripAutonomous(name, "自治区", out var core)) return core;
        foreach (var suffix in (ReadOnlySpan<string>)["特别行政区", "省", "市"])
            if (name.EndsWith(suffix, StringComparison.Ordinal) && name.Length - suffix.Length >= 2)
                return name[..^suffix.Length];
        return null;
    }

    /// <summary>Short form of a prefecture-level name: 郑州市→郑州, 大兴安岭地区→大兴安岭, 恩施土家族苗族自治州→恩施.</summary>
    public static string? CityShortName(string name)
    {
        if (TryStripAutonomous(name, "自治州", out var core)) return core;
        foreach (var suffix in (ReadOnlySpan<string>)["地区", "盟", "市"])
            if (name.EndsWith(suffix, StringComparison.Ordinal) && name.Length - suffix.Length >= 2)
                return name[..^suffix.Length];
        return null;
    }

    /// <summary>
    /// Short form of a county-level name: 金水区→金水, 浦东新区→浦东, 酉阳土家族苗族自治县→酉阳, 神农架林区→神农架.
    /// Null when the short form would be a single character (赵县, 城区): a lone character matches too much text.
    /// </summary>
    public static string? CountyShortName(string name)
    {
        if (TryStripAutonomous(name, "自治县", out var core) || TryStripAutonomous(name, "自治旗", out core)) return core;
        foreach (var suffix in (ReadOnlySpan<string>)["行政委员会", "新区", "林区", "特区", "县", "区", "市", "旗"])
            if (name.EndsWith(suffix, StringComparison.Ordinal) && name.Length - suffix.Length >= 2)
                return name[..^suffix.Length];
        return null;
    }

    /// <summary>
    /// The suffixes (besides the official one) people put after a county's short name: the last character of
    /// the official name (县, 区, 市, 旗) and, for autonomous counties, 自治县/自治旗 without the nationalities.
    /// </summary>
    public static string[] CountySuffixes(string name, string shortName)
    {
        var official = name[shortName.Length..];
        var list = new List<string> { official, name[^1..] };
        if (name.EndsWith("自治县", StringComparison.Ordinal)) list.Add("自治县");
        if (name.EndsWith("自治旗", StringComparison.Ordinal)) list.Add("自治旗");
        if (name.EndsWith("新区", StringComparison.Ordinal)) list.Add("新区");
        return Distinct(list);
    }

    /// <summary>Suffixes after a prefecture's short name: the official one, 市, and 州 for autonomous prefectures (恩施州).</summary>
    public static string[] CitySuffixes(string name, string shortName)
    {
        var list = new List<string> { name[shortName.Length..], name[^1..] };
        if (name.EndsWith("自治州", StringComparison.Ordinal)) list.AddRange(["自治州", "州"]);
        if (name.EndsWith("地区", StringComparison.Ordinal)) list.Add("地区");
        return Distinct(list);
    }

    /// <summary>Suffixes after a province's short name: the official one and its generic word (省, 市, 自治区).</summary>
    public static string[] ProvinceSuffixes(string name, string shortName)
    {
        var list = new List<string> { name[shortName.Length..], name[^1..] };
        if (name.EndsWith("自治区", StringComparison.Ordinal)) list.Add("自治区");
        return Distinct(list);
    }

    /// <summary>
    /// Short name of a township-level division: 荆紫关镇→荆紫关, 大石桥乡→大石桥, 龙城街道→龙城. Units that are not
    /// towns (白马湖农场, 经济开发区) keep their name, which is what people write for them.
    /// </summary>
    public static string TownshipShortName(string name)
    {
        foreach (var suffix in (ReadOnlySpan<string>)["街道办事处", "街道", "镇", "乡"])
        {
            if (!name.EndsWith(suffix, StringComparison.Ordinal) || name.Length == suffix.Length) continue;
            var core = name[..^suffix.Length];
            // Ethnic townships (民族乡) name the nationality before 乡: 某某回族乡 → 某某.
            return suffix == "乡" && core.EndsWith('族') ? StripEthnicities(core) : core;
        }
        return name;
    }

    /// <summary>
    /// Short name of a village-level division: the official committee suffix removed (郑湾社区居民委员会→郑湾,
    /// 中街村民委员会→中街, 车桥居委会→车桥). NBS "virtual" units keep what precedes 虚拟
    /// (白马湖农场虚拟生活区→白马湖农场). Where the village's own name already ends in 村 the 村 stays
    /// (中坝村村民委员会→中坝村, 张村村民委员会→张村): it is part of the name, and 张 alone would match too much.
    /// </summary>
    public static string VillageShortName(string name)
    {
        var virtualAt = name.IndexOf("虚拟", StringComparison.Ordinal);
        if (virtualAt > 0) return name[..virtualAt];
        foreach (var suffix in OfficialVillageSuffixes)
            if (name.EndsWith(suffix, StringComparison.Ordinal) && name.Length > suffix.Length)
                return name[..^suffix.Length];
        return name;
    }

    /// <summary>
    /// True for residents' committees (communities, 居委会) and false for villagers' committees (村委会). The
    /// name decides when it says so; otherwise the NBS village code does: 001–199 residents' committees,
    /// 200–399 villagers' committees, 400–499 virtual communities and 500–599 virtual villages.
    /// </summary>
    public static bool IsCommunity(string name, int villageNumber)
    {
        if (name.EndsWith("居民委员会", StringComparison.Ordinal) || name.EndsWith("居委会", StringComparison.Ordinal)
            || name.EndsWith("社区", StringComparison.Ordinal)) return true;
        if (name.EndsWith("村民委员会", StringComparison.Ordinal) || name.EndsWith("村委会", StringComparison.Ordinal))
            return false;
        return villageNumber is < 200 or (>= 400 and < 500);
    }

    private static bool TryStripAutonomous(string name, string suffix, out string core)
    {
        core = name;
        if (!name.EndsWith(suffix, StringComparison.Ordinal) || name.Length - suffix.Length < 2) return false;
        core = StripEthnicities(name[..^suffix.Length]);
        return true;
    }

    /// <summary>
    /// Removes nationality names from the end, keeping at least two characters (内蒙古 stays 内蒙古; 鄂温克族
    /// becomes 鄂温克, not the empty string).
    /// </summary>
    private static string StripEthnicities(string core)
    {
        while (true)
        {
            var stripped = false;
            foreach (var ethnicity in Ethnicities)
            {
                var withZu = ethnicity + "族";
                var cut = core.EndsWith(withZu, StringComparison.Ordinal) ? withZu.Length
                    : ethnicity.Length >= 2 && core.EndsWith(ethnicity, StringComparison.Ordinal) ? ethnicity.Length
                    : 0;
                if (cut == 0 || core.Length - cut < 2) continue;
                core = core[..^cut];
                stripped = true;
                break;
            }
            if (!stripped) break;
        }
        return core.Length > 2 && core.EndsWith('族') ? core[..^1] : core;
    }

    private static string[] Distinct(List<string> list) =>
        [.. list.Where(s => s.Length > 0).Distinct(StringComparer.Ordinal).OrderByDescending(s => s.Length)];
}
