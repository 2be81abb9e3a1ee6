namespace Fangkong.Core.Policy;

/// <summary>One match of a stay against the risk-area list: which listing, at which level, and the last day of overlap.</summary>
public readonly record struct RiskHit(RiskArea Area, DateOnly LastDayInArea);

/// <summary>
/// The risk-area list held in memory for classification: areas grouped by the county they lie in, each group sorted
/// by designation date, so a stay is checked against the few listings of its own county only. Built once per list
/// version and shared by every classification (immutable, thread-safe).
/// </summary>
public sealed class RiskAreaIndex
{
    private readonly Dictionary<string, RiskArea[]> _byCounty;

    public RiskAreaIndex(IEnumerable<RiskArea> areas)
    {
        _byCounty = areas.GroupBy(a => a.AreaCountyCode, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.OrderBy(a => a.DesignatedOn).ToArray(), StringComparer.Ordinal);
        Count = _byCounty.Values.Sum(a => a.Length);
    }

    public static RiskAreaIndex Empty { get; } = new([]);

    public int Count { get; }

    /// <summary>Is place P (in county C) listed at level L on date D? ("was place P at level L on date D").</summary>
    public bool WasAtLevel(string countyCode, string place, RiskLevel level, DateOnly date) =>
        ListedOn(countyCode, PlaceKey(place, null), date).Any(a => a.Level == level);

    /// <summary>
    /// The listings of place P (its <see cref="PlaceKey"/>, in county C) in force on date D, at whatever level; none when
    /// the place was not listed that day.
    /// </summary>
    public IEnumerable<RiskArea> ListedOn(string countyCode, string placeKey, DateOnly date)
    {
        foreach (var a in Areas(countyCode))
        {
            if (a.DesignatedOn > date) yield break;
            if (a.ActiveOn(date) && PlacesMatch(placeKey, a.PlaceKey)) yield return a;
        }
    }

    /// <summary>The listings of a county in force at some time during [from, to].</summary>
    public IEnumerable<RiskArea> ActiveIn(string countyCode, DateOnly from, DateOnly to)
    {
        foreach (var a in Areas(countyCode))
        {
            if (a.DesignatedOn > to) yield break;
            if (a.Overlaps(from, to)) yield return a;
        }
    }

    /// <summary>Does the county have a listing of any level in force at some time during [from, to]?</summary>
    public bool AnyActiveIn(string countyCode, DateOnly from, DateOnly to)
    {
        foreach (var a in Areas(countyCode))
        {
            if (a.DesignatedOn > to) return false;
            if (a.Overlaps(from, to)) return true;
        }
        return false;
    }

    /// <summary>
    /// The listings a stay in county C at place P during [from, to] touched, with the last day the stay overlapped each.
    /// A stay without a place matches nothing here (the caller treats the county as a whole).
    /// </summary>
    public void Match(string countyCode, string placeKey, DateOnly from, DateOnly to, List<RiskHit> hits)
    {
        if (placeKey.Length == 0) return;
        foreach (var a in Areas(countyCode))
        {
            if (a.DesignatedOn > to) return;
            if (!a.Overlaps(from, to) || !PlacesMatch(placeKey, a.PlaceKey)) continue;
            var last = a.LiftedOn is { } lifted && lifted < to ? lifted : to;
            hits.Add(new RiskHit(a, last));
        }
    }

    private RiskArea[] Areas(string countyCode) => _byCounty.GetValueOrDefault(countyCode) ?? [];

    /// <summary>
    /// A stay matches a listing when either place name contains the other: "花园路街道XX小区3号楼" is in the listed
    /// "XX小区", and a stay given only as "XX小区" is in a listed "XX小区3号楼" (the cautious reading).
    /// </summary>
    public static bool PlacesMatch(string stayKey, string areaKey) =>
        stayKey.Length >= 2 && areaKey.Length >= 2 &&
        (stayKey.Contains(areaKey, StringComparison.Ordinal) || areaKey.Contains(stayKey, StringComparison.Ordinal));

    /// <summary>
    /// Folds a place name for matching: full-width folded, spaces removed, and the administrative prefix (the
    /// province, city and county names, given as "河南省 郑州市 金水区") cut off, so "郑州市金水区XX小区" and "XX小区" agree.
    /// </summary>
    public static string PlaceKey(string? place, string? countyFullName)
    {
        var key = Text.Compact(place);
        if (key.Length == 0) return "";
        if (!string.IsNullOrEmpty(countyFullName))
        {
            foreach (var part in countyFullName.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                if (key.StartsWith(part, StringComparison.Ordinal)) key = key[part.Length..];
                else if (part.Length > 2 && key.StartsWith(part[..^1], StringComparison.Ordinal)) key = key[(part.Length - 1)..];
            }
        }
        return key;
    }
}
