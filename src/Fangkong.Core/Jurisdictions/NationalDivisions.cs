using System.Buffers;
using System.Collections.Frozen;

namespace Fangkong.Core.Jurisdictions;

/// <summary>
/// The national list of provinces, prefectures and counties (NBS statistical division codes, 2023 edition, see
/// Resources/Divisions/SOURCE.md), with the lookups Fangkong needs outside its own county: names for codes,
/// plausibility of resident-ID address codes, and resolving free-text origin places ("郑州金水区", "北京朝阳区").
/// The data is read once from the embedded csv files; an instance is immutable and safe to share between threads.
/// </summary>
public sealed class NationalDivisions
{
    /// <summary>The edition (year, as of 30 June) of the NBS codes shipped; codes are reissued yearly.</summary>
    public const int EditionYear = 2023;

    /// <summary>
    /// GB/T 2260 also assigns 71 台湾省, 81 香港 and 82 澳门, which the NBS statistical tables leave out. They are
    /// added so that an origin place "香港" resolves; they have no prefectures or counties here.
    /// </summary>
    private static readonly (string Code2, string Name, string ShortName)[] SupplementaryProvinces =
        [("71", "台湾省", "台湾"), ("81", "香港特别行政区", "香港"), ("82", "澳门特别行政区", "澳门")];

    /// <summary>Province codes from here up are the supplementary ones above, not mainland provinces.</summary>
    private const int FirstSupplementaryProvince = 71;

    /// <summary>
    /// Match ranks, surest first: the full name, the short name with its own suffix (酉阳县), the short name with
    /// another county-level suffix (淅川市), the bare short name (郑州), and the bare short name running into a
    /// suffix of another kind (吉林 + 市, 丹阳 + 镇, 江苏 + 镇江), which only counts when a division inside it
    /// follows (江苏镇江, 南阳镇平) and never at county level.
    /// </summary>
    private const int FullNameRank = 4, OwnSuffixRank = 3, OtherSuffixRank = 2, BareNameRank = 1, SuspectRank = 0;

    /// <summary>
    /// Placeholder prefecture names that region pickers put between a province and its county
    /// (北京市市辖区朝阳区, 河南省省直辖县级行政区划济源市); skipped when read. 县 is not among them: too common a character.
    /// </summary>
    private static readonly string[] SkippablePlaceholderNames = ["省直辖县级行政区划", "自治区直辖县级行政区划", "市辖区"];

    /// <summary>Names the NBS gives to grouping rows that are not real prefectures.</summary>
    private static readonly FrozenSet<string> PlaceholderCityNames =
        new[] { "市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划" }.ToFrozenSet(StringComparer.Ordinal);

    private static readonly Lazy<NationalDivisions> SharedInstance =
        new(LoadEmbedded, LazyThreadSafetyMode.ExecutionAndPublication);

    private readonly ProvinceDivision[] provinces;
    private readonly CityDivision[] cities;
    private readonly CountyDivision[] counties;
    private readonly int[] cityProvince;
    private readonly int[] countyCity;
    private readonly FrozenDictionary<int, int> provinceByCode;
    private readonly FrozenDictionary<int, int> cityByCode;
    private readonly FrozenDictionary<int, int> countyByCode;
    private readonly NameIndex provinceNames;
    private readonly NameIndex cityNames;
    private readonly NameIndex countyNames;
    private readonly string[][] provinceSuffixes;
    private readonly string[][] citySuffixes;
    private readonly string[][] countySuffixes;

    /// <summary>
    /// Generic two-character district names (城区, 郊区, 矿区, 东区, 西区) that several cities use: they are only
    /// taken as a place when a province or city is named before them, otherwise "西区3栋" would be 攀枝花's 西区.
    /// </summary>
    private readonly bool[] countyNeedsParent;

    /// <summary>The list shipped with Fangkong, loaded on first use.</summary>
    public static NationalDivisions Shared => SharedInstance.Value;

    /// <summary>Provinces, autonomous regions and municipalities, followed by 台湾, 香港 and 澳门.</summary>
    public IReadOnlyList<ProvinceDivision> Provinces => provinces;

    /// <summary>Prefecture-level rows, placeholders (市辖区, 省直辖县级行政区划) included.</summary>
    public IReadOnlyList<CityDivision> Cities => cities;

    /// <summary>County-level rows of every <see cref="CountyKind"/>.</summary>
    public IReadOnlyList<CountyDivision> Counties => counties;

    private NationalDivisions(ProvinceDivision[] provinces, CityDivision[] cities, CountyDivision[] counties)
    {
        this.provinces = provinces;
        this.cities = cities;
        this.counties = counties;
        provinceByCode = provinces.Select((p, i) => (Code: ParseCode(p.Code2), i)).ToFrozenDictionary(x => x.Code, x => x.i);
        cityByCode = cities.Select((c, i) => (Code: ParseCode(c.Code4), i)).ToFrozenDictionary(x => x.Code, x => x.i);
        countyByCode = counties.Select((c, i) => (Code: ParseCode(c.Code6), i)).ToFrozenDictionary(x => x.Code, x => x.i);
        cityProvince = [.. cities.Select(c => provinceByCode[ParseCode(c.ProvinceCode2)])];
        countyCity = [.. counties.Select(c => cityByCode[ParseCode(c.CityCode4)])];

        provinceSuffixes = [.. provinces.Select(p => DivisionNames.ProvinceSuffixes(p.Name, p.ShortName))];
        citySuffixes = [.. cities.Select(c => DivisionNames.CitySuffixes(c.Name, c.ShortName))];
        countySuffixes = [.. counties.Select(c => DivisionNames.CountySuffixes(c.Name, c.ShortName))];
        countyNeedsParent = [.. counties.Select(c => c.Name.Length == 2 && c.Name.EndsWith('区'))];

        provinceNames = new NameIndex(provinces.SelectMany((p, i) => NamesOf(p.Name, p.ShortName, i))
            // 内蒙 is how nearly everyone writes 内蒙古.
            .Append(new NameEntry("内蒙", provinceByCode[15], NameForm.Short)));
        cityNames = new NameIndex(cities.SelectMany((c, i) => c.IsPlaceholder ? [] : NamesOf(c.Name, c.ShortName, i)));
        // A city without counties is already found as a city; a second, county-level match would only make it ambiguous.
        countyNames = new NameIndex(counties.SelectMany((c, i) =>
            c.Kind == CountyKind.CityWithoutCounties ? [] : NamesOf(c.Name, c.ShortName, i)));
    }

    private static NameEntry[] NamesOf(string name, string shortName, int index) =>
        shortName == name ? [new(name, index, NameForm.Full)]
            : [new(name, index, NameForm.Full), new(shortName, index, NameForm.Short)];

    /// <summary>The official name of a province from its two digits ("41" → 河南省), or null when unknown.</summary>
    public string? ProvinceName(string? code2) =>
        TryParseCode(code2, 2, out var code) && provinceByCode.TryGetValue(code, out var i) ? provinces[i].Name : null;

    /// <summary>The province with these two digits, or null.</summary>
    public ProvinceDivision? Province(string? code2) =>
        TryParseCode(code2, 2, out var code) && provinceByCode.TryGetValue(code, out var i) ? provinces[i] : null;

    /// <summary>The prefecture-level row with these four digits ("4113" → 南阳市), or null.</summary>
    public CityDivision? City(string? code4) =>
        TryParseCode(code4, 4, out var code) && cityByCode.TryGetValue(code, out var i) ? cities[i] : null;

    /// <summary>The county-level row with these six digits ("411326" → 淅川县), or null.</summary>
    public CountyDivision? County(string? code6) =>
        TryParseCode(code6, 6, out var code) && countyByCode.TryGetValue(code, out var i) ? counties[i] : null;

    /// <summary>
    /// Whether six digits are a plausible address code for a resident ID number. An ID keeps the code of the
    /// county where it was first issued, never updated, so many valid IDs carry codes that no longer exist: all
    /// of 南阳地区 was 4129xx until 1994 (淅川县 was 412927), and 翼城县 was 142622 under 临汾地区. Accepted:
    /// <list type="bullet">
    /// <item>a county-level code in the current list;</item>
    /// <item>any code under a current prefecture (xxxx00, xxxx01 "市辖区", and counties since renumbered);</item>
    /// <item>any code of a mainland province whose prefecture digits lie where GB/T 2260 puts prefectures
    /// (01–70, or 90 for county-level units under the province), which covers every historical prefecture
    /// without shipping a history table;</item>
    /// <item>810000, 820000 and 830000, the address codes of residence permits for residents of Hong Kong, Macau
    /// and Taiwan.</item>
    /// </list>
    /// Rejected: anything else, so an unknown province (990000), a province-only code (410000) or prefecture digits
    /// no edition has used (419999: 99 is outside 01–70 and 90) fail.
    /// </summary>
    public bool IsKnownAddressCode(string? code6)
    {
        if (!TryParseCode(code6, 6, out var code)) return false;
        if (code is 810000 or 820000 or 830000) return true;
        if (countyByCode.ContainsKey(code)) return true;
        var province = code / 10000;
        if (province >= FirstSupplementaryProvince || !provinceByCode.ContainsKey(province)) return false;
        if (cityByCode.ContainsKey(code / 100)) return true;
        var prefecture = code / 100 % 100;
        return prefecture is >= 1 and <= 70 or 90;
    }

    /// <summary>
    /// Resolves a free-text origin place: "河南省郑州市金水区", "郑州金水区", "上海市浦东新区", "北京朝阳区",
    /// "新疆乌鲁木齐", "重庆市酉阳县". Province, prefecture and county may each be missing, shortened (郑州, 酉阳县
    /// for 酉阳土家族苗族自治县) or separated by spaces and punctuation; full-width characters are folded. A county
    /// name shared by several counties (朝阳区) is narrowed by the province or city named before it and otherwise
    /// returned as <see cref="PlaceResolution.Candidates"/>. Whatever follows the place is the remainder.
    /// </summary>
    public PlaceResolution ResolvePlace(string? text)
    {
        if (string.IsNullOrEmpty(text)) return new PlaceResolution(PlaceLevel.None, null, null, null, null, [], null);
        char[]? rented = null;
        Span<char> buffer = text.Length <= 256 ? stackalloc char[text.Length] : rented = ArrayPool<char>.Shared.Rent(text.Length);
        try
        {
            var normalized = buffer[..AddressText.Normalize(text, buffer)];
            var start = AddressText.SkipCountryName(normalized, AddressText.SkipSeparators(normalized, 0));
            var match = MatchLeading(normalized[start..]);
            return ToResolution(match, AddressText.Rest(normalized, start + match.Length));
        }
        finally
        {
            if (rented is not null) ArrayPool<char>.Shared.Return(rented);
        }
    }

    /// <summary>
    /// Places whose name, short name or code starts with <paramref name="prefix"/>, for an autocomplete: exact
    /// names first, then provinces, prefectures and counties in code order. A prefix that already names a place
    /// ("河南", "郑州金") also offers what lies inside it (郑州市, …; 金水区).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="limit"/> is negative</exception>
    public IReadOnlyList<PlaceCandidate> Search(string? prefix, int limit = 10)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        var query = Text.Compact(prefix);
        if (query.Length == 0 || limit == 0) return [];

        var results = new List<PlaceCandidate>(Math.Min(limit, 64));
        var seen = new HashSet<string>(StringComparer.Ordinal);
        void Add(PlaceCandidate candidate)
        {
            if (results.Count < limit && seen.Add(candidate.Code6)) results.Add(candidate);
        }

        if (query.All(char.IsAsciiDigit))
        {
            foreach (var place in AllPlaces().Where(p => p.Code6.StartsWith(query, StringComparison.Ordinal)))
                Add(place);
            return results;
        }

        var direct = new List<(PlaceCandidate Place, bool Exact)>();
        CollectByName(provinceNames, query, (i, exact) => direct.Add((ProvinceCandidate(i), exact)));
        CollectByName(cityNames, query, (i, exact) => direct.Add((CityCandidate(i), exact)));
        CollectByName(countyNames, query, (i, exact) => direct.Add((CountyCandidate(i), exact)));
        foreach (var (place, _) in direct.OrderByDescending(d => d.Exact).ThenBy(d => d.Place.Level)
                     .ThenBy(d => d.Place.Code6, StringComparer.Ordinal))
            Add(place);

        var match = MatchLeading(query);
        if (match.Length > 0 && match.AmbiguousCounties is null)
        {
            var tail = query[AddressText.SkipSeparators(query, match.Length)..];
            foreach (var place in PlacesInside(match).Where(p => tail.Length == 0 || StartsWithName(p, tail)))
                Add(place);
        }
        return results;
    }

    /// <summary>
    /// Reads the province, prefecture and county named at the start of normalised text, each optional, each
    /// constrained to lie inside the one before. Used by <see cref="ResolvePlace"/> and by the address resolver,
    /// which calls it for every address that is not plainly inside its own county, so it allocates only when a
    /// county name is ambiguous.
    /// </summary>
    internal PlaceMatch MatchLeading(ReadOnlySpan<char> text)
    {
        int province = -1, city = -1, county = -1, at = 0, parts = 0;
        var strong = false;
        int[]? ambiguous = null;

        if (BestMatch(provinceNames, provinceSuffixes, text, null, -1, out var length, out var rank) is var p and >= 0
            && (rank > BareNameRank || !DeeperNameIsLonger(text, length, includeCities: true))
            && (rank != SuspectRank || ChildFollows(text[AddressText.SkipSeparators(text, length)..], p, -1)))
        {
            province = p;
            (at, parts, strong) = (AddressText.SkipSeparators(text, length), 1, rank > BareNameRank);
        }

        if (province >= 0)
        {
            foreach (var placeholder in SkippablePlaceholderNames)
                if (text[at..].StartsWith(placeholder)) { at = AddressText.SkipSeparators(text, at + placeholder.Length); break; }
        }

        if (BestMatch(cityNames, citySuffixes, text[at..], cityProvince, province, out length, out rank) is var c and >= 0
            && (rank > BareNameRank || !DeeperNameIsLonger(text[at..], length, includeCities: false))
            && (rank != SuspectRank || ChildFollows(text[AddressText.SkipSeparators(text, at + length)..], -1, c)))
        {
            city = c;
            (at, parts, strong) = (AddressText.SkipSeparators(text, at + length), parts + 1, strong || rank > BareNameRank);
        }

        var countyStart = at;
        Span<int> found = stackalloc int[16];
        var count = CountyMatches(text[at..], province, city, found, out length, out rank);
        if (count > 0)
        {
            (at, parts, strong) = (at + length, parts + 1, strong || rank > BareNameRank);
            if (count == 1) county = found[0];
            else
            {
                ambiguous = found[..count].ToArray();
                // Narrow what is certain: 江苏 鼓楼区 is ambiguous between 南京 and 徐州 but surely in 江苏.
                if (province < 0 && ambiguous.All(i => cityProvince[countyCity[i]] == cityProvince[countyCity[ambiguous[0]]]))
                    province = cityProvince[countyCity[ambiguous[0]]];
                if (city < 0 && ambiguous.All(i => countyCity[i] == countyCity[ambiguous[0]]))
                    city = countyCity[ambiguous[0]];
            }
        }

        if (county >= 0 && city < 0) city = countyCity[county];
        if (city >= 0 && province < 0) province = cityProvince[city];
        return new PlaceMatch(province, city, county, ambiguous, at, countyStart, strong, parts);
    }

    /// <summary>
    /// Whether a prefecture of <paramref name="province"/> (when given) or a county inside the province or
    /// <paramref name="city"/> starts the text: the proof that a suspect bare name (江苏 before 镇江) is meant.
    /// </summary>
    private bool ChildFollows(ReadOnlySpan<char> text, int province, int city)
    {
        if (province >= 0 && BestMatch(cityNames, citySuffixes, text, cityProvince, province, out _, out var rank) >= 0
            && rank > SuspectRank) return true;
        Span<int> found = stackalloc int[16];
        return CountyMatches(text, province, city, found, out _, out _) > 0;
    }

    /// <summary>
    /// Whether a prefecture (when <paramref name="includeCities"/>) or county name fits at the start of the text
    /// and reaches further than a bare higher-level name of <paramref name="length"/> characters: 海南藏族自治州 is
    /// a prefecture of 青海, not 海南 followed by something; 河南蒙古族自治县 is a county of 青海, not 河南.
    /// </summary>
    private bool DeeperNameIsLonger(ReadOnlySpan<char> text, int length, bool includeCities)
    {
        if (includeCities && BestMatch(cityNames, citySuffixes, text, null, -1, out var cityLength, out _) >= 0
            && cityLength > length) return true;
        Span<int> found = stackalloc int[16];
        return CountyMatches(text, -1, -1, found, out var countyLength, out _) > 0 && countyLength > length;
    }

    /// <summary>
    /// Official names of provinces, prefectures and counties that start with <paramref name="prefix"/> and are
    /// longer than it (丹阳 → 丹阳市; 老城 → 老城区): the places a bare local name could really be the start of.
    /// </summary>
    internal IEnumerable<string> LongerNamesStartingWith(string prefix) =>
        provinceNames.All.Concat(cityNames.All).Concat(countyNames.All)
            .Where(e => e.Form == NameForm.Full && e.Key.Length > prefix.Length
                && e.Key.StartsWith(prefix, StringComparison.Ordinal))
            .Select(e => e.Key)
            .Distinct(StringComparer.Ordinal);

    /// <summary>The county at an index of <see cref="Counties"/> (for <see cref="PlaceMatch"/> users).</summary>
    internal CountyDivision CountyAt(int index) => counties[index];

    internal CityDivision CityAt(int index) => cities[index];

    internal ProvinceDivision ProvinceAt(int index) => provinces[index];

    /// <summary>The index of a county in <see cref="Counties"/>, or -1.</summary>
    internal int CountyIndex(string code6) =>
        TryParseCode(code6, 6, out var code) && countyByCode.TryGetValue(code, out var i) ? i : -1;

    internal int CityIndexOfCounty(int county) => countyCity[county];

    internal int ProvinceIndexOfCity(int city) => cityProvince[city];

    private PlaceResolution ToResolution(PlaceMatch match, string? remainder)
    {
        var level = match.County >= 0 ? PlaceLevel.County
            : match.City >= 0 ? PlaceLevel.City
            : match.Province >= 0 ? PlaceLevel.Province
            : PlaceLevel.None;
        var fullName = level switch
        {
            PlaceLevel.County => counties[match.County].FullName,
            PlaceLevel.City => cities[match.City].FullName,
            PlaceLevel.Province => provinces[match.Province].Name,
            _ => null,
        };
        IReadOnlyList<PlaceCandidate> candidates = match.AmbiguousCounties is { } ambiguous
            ? [.. ambiguous.Select(CountyCandidate)]
            : [];
        return new PlaceResolution(
            level,
            match.Province >= 0 ? provinces[match.Province].Code2 : null,
            match.City >= 0 ? cities[match.City].Code4 : null,
            match.County >= 0 ? counties[match.County].Code6 : null,
            fullName,
            candidates,
            remainder);
    }

    /// <summary>
    /// The best-matching entry of one level at the start of <paramref name="text"/>: the longest text consumed,
    /// then the surest form (see <see cref="Evaluate"/>). Only entries whose parent
    /// (<paramref name="parentOf"/>) is <paramref name="parent"/> count, unless <paramref name="parent"/> is -1.
    /// -1 when none fits.
    /// </summary>
    private static int BestMatch(NameIndex index, string[][] suffixes, ReadOnlySpan<char> text, int[]? parentOf,
        int parent, out int length, out int rank)
    {
        var best = -1;
        (length, rank) = (0, 0);
        foreach (ref readonly var entry in index.CandidatesFor(text))
        {
            if (parent >= 0 && parentOf is not null && parentOf[entry.Target] != parent) continue;
            var (l, r) = Evaluate(entry, text, suffixes[entry.Target], lenient: false);
            if (l == 0) continue;
            if (best < 0 || l > length || (l == length && r > rank)) (best, length, rank) = (entry.Target, l, r);
        }
        return best;
    }

    /// <summary>Every county matching at the start of the text with the best (length, rank), inside the named parents.</summary>
    private int CountyMatches(ReadOnlySpan<char> text, int province, int city, Span<int> found, out int length, out int rank)
    {
        var count = 0;
        (length, rank) = (0, 0);
        foreach (ref readonly var entry in countyNames.CandidatesFor(text))
        {
            var i = entry.Target;
            if (city >= 0 ? countyCity[i] != city : province >= 0 && cityProvince[countyCity[i]] != province) continue;
            if (countyNeedsParent[i] && province < 0 && city < 0) continue;
            var (l, r) = Evaluate(entry, text, countySuffixes[i], lenient: true);
            if (l == 0 || r == SuspectRank || l < length || (l == length && r < rank)) continue;
            if (l > length || r > rank) { count = 0; (length, rank) = (l, r); }
            if (count < found.Length && !found[..count].Contains(i)) found[count++] = i;
        }
        return count;
    }

    /// <summary>
    /// How much of <paramref name="text"/> an entry consumes (0 when it does not match) and how sure the match is
    /// (<see cref="FullNameRank"/> down to <see cref="SuspectRank"/>). Counties accept any county-level suffix
    /// at a lower rank (<paramref name="lenient"/>): people still write 邓州县 or 淅川市, and where the right
    /// suffix fits another county (朝阳区 against 朝阳县) that county wins.
    /// </summary>
    private static (int Length, int Rank) Evaluate(in NameEntry entry, ReadOnlySpan<char> text, string[] suffixes, bool lenient)
    {
        if (!text.StartsWith(entry.Key)) return (0, 0);
        if (entry.Form == NameForm.Full) return (entry.Key.Length, FullNameRank);
        var after = text[entry.Key.Length..];
        foreach (var suffix in suffixes)
            if (after.StartsWith(suffix)) return (entry.Key.Length + suffix.Length, OwnSuffixRank);
        if (after.IsEmpty || !DivisionNames.IsForeignSuffixStart(after[0])) return (entry.Key.Length, BareNameRank);
        return lenient && after[0] is '县' or '市' or '区' or '旗'
            ? (entry.Key.Length + 1, OtherSuffixRank)
            : (entry.Key.Length, SuspectRank);
    }

    private static void CollectByName(NameIndex index, string query, Action<int, bool> add)
    {
        var best = new Dictionary<int, bool>();
        foreach (var entry in index.All)
        {
            if (!entry.Key.StartsWith(query, StringComparison.Ordinal)) continue;
            var exact = entry.Key.Length == query.Length;
            best[entry.Target] = best.GetValueOrDefault(entry.Target) || exact;
        }
        foreach (var (target, exact) in best) add(target, exact);
    }

    private IEnumerable<PlaceCandidate> AllPlaces() =>
        Enumerable.Range(0, provinces.Length).Select(ProvinceCandidate)
            .Concat(Enumerable.Range(0, cities.Length).Where(i => !cities[i].IsPlaceholder).Select(CityCandidate))
            .Concat(Enumerable.Range(0, counties.Length)
                .Where(i => counties[i].Kind != CountyKind.CityWithoutCounties).Select(CountyCandidate));

    /// <summary>The place a match resolved to, followed by everything inside it, shallowest first.</summary>
    private IEnumerable<PlaceCandidate> PlacesInside(PlaceMatch match)
    {
        if (match.County >= 0) return [CountyCandidate(match.County)];
        if (match.City >= 0)
            return AllPlaces().Where(p => p.Level == PlaceLevel.County
                && p.Code6.StartsWith(cities[match.City].Code4, StringComparison.Ordinal))
                .Prepend(CityCandidate(match.City));
        var code2 = provinces[match.Province].Code2;
        return AllPlaces().Where(p => p.Code6.StartsWith(code2, StringComparison.Ordinal));
    }

    private bool StartsWithName(PlaceCandidate place, string tail)
    {
        var (name, shortName) = place.Level switch
        {
            PlaceLevel.Province => (place.Name, Province(place.Code6[..2])!.ShortName),
            PlaceLevel.City => (place.Name, City(place.Code6[..4])!.ShortName),
            _ => (place.Name, County(place.Code6)!.ShortName),
        };
        return name.StartsWith(tail, StringComparison.Ordinal) || shortName.StartsWith(tail, StringComparison.Ordinal);
    }

    private PlaceCandidate ProvinceCandidate(int i) =>
        new(PlaceLevel.Province, provinces[i].Code6, provinces[i].Name, provinces[i].Name);

    private PlaceCandidate CityCandidate(int i) =>
        new(PlaceLevel.City, cities[i].Code6, cities[i].Name, cities[i].FullName);

    private PlaceCandidate CountyCandidate(int i) =>
        new(PlaceLevel.County, counties[i].Code6, counties[i].Name, counties[i].FullName);

    private static bool TryParseCode(string? text, int length, out int code)
    {
        code = 0;
        if (text is null || text.Length != length) return false;
        foreach (var c in text)
        {
            if (c is < '0' or > '9') return false;
            code = code * 10 + (c - '0');
        }
        return true;
    }

    private static int ParseCode(string text) =>
        TryParseCode(text, text.Length, out var code) ? code : throw new InvalidDataException($"'{text}' is not a numeric division code.");

    private static NationalDivisions LoadEmbedded()
    {
        var provinceRows = DivisionCsv.ReadRows("china_provinces_2023.csv", "code", "name");
        var provinces = provinceRows
            .Select(r => new ProvinceDivision(Code(r, 0, 2), r.Fields[1], DivisionNames.ProvinceShortName(r.Fields[1]) ?? r.Fields[1]))
            .Concat(SupplementaryProvinces.Select(s => new ProvinceDivision(s.Code2, s.Name, s.ShortName)))
            .ToArray();
        var provinceNameOf = provinces.ToDictionary(p => p.Code2, p => p.Name, StringComparer.Ordinal);

        var cities = DivisionCsv.ReadRows("china_cities_2023.csv", "code", "name", "provinceCode")
            .Select(r =>
            {
                var name = r.Fields[1];
                var provinceCode = Code(r, 2, 2);
                if (!provinceNameOf.TryGetValue(provinceCode, out var provinceName))
                    throw new InvalidDataException($"china_cities_2023.csv line {r.Line}: unknown province {provinceCode}.");
                return new CityDivision(Code(r, 0, 4), name, DivisionNames.CityShortName(name) ?? name, provinceCode,
                    provinceName, PlaceholderCityNames.Contains(name));
            })
            .ToArray();
        var cityOf = cities.ToDictionary(c => c.Code4, StringComparer.Ordinal);

        var counties = DivisionCsv.ReadRows("china_counties_2023.csv",
                "code", "name", "city_code", "city_name", "province_code", "province_name", "kind")
            .Select(r =>
            {
                var name = r.Fields[1];
                var cityCode = Code(r, 2, 6)[..4];
                if (!cityOf.TryGetValue(cityCode, out var city))
                    throw new InvalidDataException($"china_counties_2023.csv line {r.Line}: unknown prefecture {cityCode}.");
                var kind = r.Fields[6] switch
                {
                    "gbt2260" => CountyKind.Standard,
                    "stats_functional_zone" => CountyKind.StatisticalZone,
                    "stats_only" => CountyKind.StatisticsOnly,
                    "city_without_counties_placeholder" => CountyKind.CityWithoutCounties,
                    var other => throw new InvalidDataException($"china_counties_2023.csv line {r.Line}: unknown kind '{other}'."),
                };
                // Zone names (郑州高新技术产业开发区) have no short form that people use.
                var shortName = kind == CountyKind.StatisticalZone ? name : DivisionNames.CountyShortName(name) ?? name;
                return new CountyDivision(Code(r, 0, 6), name, shortName, city.Code4,
                    city.IsPlaceholder ? null : city.Name, city.ProvinceCode2, city.ProvinceName, kind);
            })
            .ToArray();
        return new NationalDivisions(provinces, cities, counties);
    }

    private static string Code((int Line, string[] Fields) row, int field, int length)
    {
        var value = row.Fields[field];
        if (value.Length != length || !value.All(char.IsAsciiDigit))
            throw new InvalidDataException($"line {row.Line}: '{value}' is not a {length}-digit code.");
        return value;
    }
}

/// <summary>
/// The raw result of <see cref="NationalDivisions.MatchLeading"/>: indexes into the national tables (-1 when a
/// level was not named or could not be decided), how many characters were read in all and before the county
/// part, whether any part was written in a sure form (a full name or a short name with its suffix), and how many
/// parts were named.
/// </summary>
internal readonly record struct PlaceMatch(
    int Province, int City, int County, int[]? AmbiguousCounties, int Length, int CountyStart, bool Strong, int Parts);
