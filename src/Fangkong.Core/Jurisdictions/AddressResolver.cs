using System.Buffers;

namespace Fangkong.Core.Jurisdictions;

/// <summary>
/// Resolves free-text addresses ("河南省南阳市淅川县滔河乡白亭村3组", "滔河白亭村5组", "龙城街道郑湾社区东街28号")
/// to the township and village of one county, or recognises that they lie in another county.
/// <para>
/// An import resolves each of several hundred thousand household addresses, so everything that can be computed
/// ahead is: the township and village names of the county and their short forms sit in first-character indexes
/// built here, the text is normalised into a stack buffer, and no regular expressions run. A resolution allocates
/// its result and the remainder string; failures also build their note (<see cref="AddressNote"/>).
/// </para>
/// <para>
/// Reading order: a leading 中国 is skipped; if the text starts with a township or village of the county, that
/// wins (so 丹阳镇 is our town, not 丹阳市 in 江苏). Otherwise a province, prefecture and county are read from
/// the national list: our own county (or only our prefecture or province) lets the reading go on with its
/// townships; any other place makes the address <see cref="AddressOutcome.OtherCounty"/>. A township may be
/// named in full (荆紫关镇) or short (荆紫关) and is optional when the village name is unique in the county; the
/// village may end in 村, 村委会, 村民委员会, 社区, 居委会, 社区居民委员会… or nothing; the longest village
/// name wins (马家沟 before 马家).
/// </para>
/// Instances are immutable and <see cref="Resolve"/> may be called from any number of threads at once.
/// </summary>
public sealed class AddressResolver
{
    /// <summary>Most candidates an ambiguous name reports; the county files have at most three per name.</summary>
    private const int MaxCandidates = 16;

    /// <summary>Most township readings tried at one position: a township has at most three (full name, short
    /// name with a suffix, bare short name), and two townships rarely share a first character and a prefix.</summary>
    private const int MaxTownshipReadings = 8;

    private static readonly AddressResolution EmptyResult = new() { Outcome = AddressOutcome.Empty };

    /// <summary>Suffixes written after a village name, longest first, with whether they mark a community.</summary>
    private static readonly (string Text, bool Community)[] VillageSuffixes =
        [.. new (string, bool)[]
        {
            ("村村民委员会", false), ("村村委会", false), ("村民委员会", false), ("村委会", false), ("村委", false),
            ("村", false), ("社区居民委员会", true), ("社区居委会", true), ("社区居委", true), ("居民委员会", true),
            ("居委会", true), ("居委", true), ("社区", true),
        }.OrderByDescending(s => s.Item1.Length)];

    private readonly NationalDivisions national;
    private readonly Division[] townships;
    private readonly Division[] villages;
    private readonly int[] villageTownship;
    private readonly NameIndex townshipNames;
    private readonly NameIndex villageNames;

    /// <summary>
    /// Per township, the names of places elsewhere that begin with its short name (老城 → 老城区, 丹阳 → 丹阳市):
    /// a bare short name that runs into one of them is that place, not the township.
    /// </summary>
    private readonly string[][] townshipLookalikes;

    private readonly int homeCounty;
    private readonly int homeCity;
    private readonly int homeProvince;

    /// <summary>Builds the indexes for one county.</summary>
    /// <param name="county">the county whose townships and villages addresses are resolved to</param>
    /// <param name="national">the national list for other counties; <see cref="NationalDivisions.Shared"/> when null</param>
    public AddressResolver(CountyDivisions county, NationalDivisions? national = null)
    {
        ArgumentNullException.ThrowIfNull(county);
        County = county;
        this.national = national ?? NationalDivisions.Shared;
        townships = [.. county.Townships];
        villages = [.. county.Villages];
        var townshipIndex = townships.Select((t, i) => (t.Code12, i)).ToDictionary(x => x.Code12, x => x.i, StringComparer.Ordinal);
        villageTownship = [.. villages.Select(v => townshipIndex[v.ParentCode12!])];

        townshipNames = new NameIndex(townships.SelectMany((t, i) => t.ShortName != t.Name && t.ShortName.Length >= 2
            ? new NameEntry[] { new(t.Name, i, NameForm.Full), new(t.ShortName, i, NameForm.Short) }
            : [new(t.Name, i, NameForm.Full)]));
        villageNames = new NameIndex(villages.SelectMany(VillageKeys));
        townshipLookalikes = [.. townships.Select(t => t.ShortName.Length >= 2 && t.ShortName != t.Name
            ? this.national.LongerNamesStartingWith(t.ShortName).ToArray()
            : [])];

        homeCounty = this.national.CountyIndex(county.CountyCode);
        if (homeCounty < 0) throw new ArgumentException($"County {county.CountyCode} is not in the national list.", nameof(county));
        homeCity = this.national.CityIndexOfCounty(homeCounty);
        homeProvince = this.national.ProvinceIndexOfCity(homeCity);
    }

    /// <summary>The county addresses are resolved against.</summary>
    public CountyDivisions County { get; }

    /// <summary>
    /// The names a village is found under: its official name; its short name (白亭), unless that is a single
    /// character, in which case the short name with 村 or 社区 (a bare 南 would match too much); and for names
    /// that already end in 村 (中坝村) the form without it (中坝), which is how some people write them.
    /// </summary>
    private static IEnumerable<NameEntry> VillageKeys(Division village, int index)
    {
        yield return new NameEntry(village.Name, index, NameForm.Full);
        var shortName = village.ShortName;
        if (shortName.Length >= 2) yield return new NameEntry(shortName, index, NameForm.Short);
        else yield return new NameEntry(shortName + (village.IsCommunity ? "社区" : "村"), index, NameForm.Full);
        if (shortName.Length >= 3 && shortName.EndsWith('村') && !shortName.EndsWith("新村", StringComparison.Ordinal))
            yield return new NameEntry(shortName[..^1], index, NameForm.Short);
    }

    /// <summary>Resolves one address. Never throws for any input text.</summary>
    public AddressResolution Resolve(string? text)
    {
        if (string.IsNullOrEmpty(text)) return EmptyResult;
        char[]? rented = null;
        Span<char> buffer = text.Length <= 256 ? stackalloc char[text.Length] : rented = ArrayPool<char>.Shared.Rent(text.Length);
        try
        {
            return Resolve(buffer[..AddressText.Normalize(text, buffer)]);
        }
        finally
        {
            if (rented is not null) ArrayPool<char>.Shared.Return(rented);
        }
    }

    private AddressResolution Resolve(ReadOnlySpan<char> s)
    {
        var start = AddressText.SkipSeparators(s, 0);
        if (start == s.Length) return EmptyResult;
        start = AddressText.SkipCountryName(s, start);

        Span<int> found = stackalloc int[MaxCandidates];
        var local = ParseLocal(s, start, found);
        if (local.Outcome != AddressOutcome.Unresolved) return ToResult(s, local, found);

        var place = national.MatchLeading(s[start..]);
        if (place.Length == 0) return ToResult(s, local, found);
        var afterPlace = start + place.Length;

        if (IsInsideHome(place))
        {
            var inner = ParseLocal(s, afterPlace, found);
            if (inner.Outcome == AddressOutcome.Unresolved && place.CountyStart < place.Length)
            {
                // The "county" may be the start of a township: 淮安 + 淮安新材料产业园 reads as 淮安 + 淮安(区) + 新材料….
                var retry = ParseLocal(s, start + place.CountyStart, found);
                if (retry.Outcome != AddressOutcome.Unresolved) inner = retry;
            }
            return inner.Outcome != AddressOutcome.Unresolved || inner.Candidates > 0
                ? ToResult(s, inner, found)
                : Unresolved(s, afterPlace, new AddressNote(AddressNotes.NothingAfterCounty, new string(s[start..afterPlace])));
        }

        // A lone bare short name (朝阳, 西峡) is too weak to send a household elsewhere: 朝阳小区 is a compound.
        if (!place.Strong && place.Parts < 2)
            return local.Candidates > 0 ? ToResult(s, local, found)
                : Unresolved(s, start, new AddressNote(AddressNotes.PossiblyElsewhere, PlaceName(place) ?? new string(s[start..afterPlace])));

        return new AddressResolution
        {
            Outcome = AddressOutcome.OtherCounty,
            OtherCountyCode6 = place.AmbiguousCounties is not null ? null
                : place.County >= 0 ? national.CountyAt(place.County).Code6
                : place.City >= 0 ? national.CityAt(place.City).Code6
                : national.ProvinceAt(place.Province).Code6,
            Remainder = AddressText.Rest(s, afterPlace),
            Note = place.AmbiguousCounties is { } ambiguous
                ? new AddressNote(AddressNotes.ElsewhereAmbiguous, Options: [.. ambiguous.Select(i => national.CountyAt(i).FullName)])
                : new AddressNote(AddressNotes.Elsewhere, PlaceName(place)),
        };
    }

    /// <summary>
    /// Whether a place read from the national list is our county, or a prefecture or province containing it with
    /// no county named (南阳市荆紫关镇…, 河南滔河乡…).
    /// </summary>
    private bool IsInsideHome(PlaceMatch place) =>
        place.AmbiguousCounties is { } ambiguous ? ambiguous.Contains(homeCounty)
        : place.County >= 0 ? place.County == homeCounty
        : place.City >= 0 ? place.City == homeCity
        : place.Province == homeProvince;

    /// <summary>The full name of the one place read (北京市朝阳区); null when the county name fits several.</summary>
    private string? PlaceName(PlaceMatch place) =>
        place.AmbiguousCounties is not null ? null
            : place.County >= 0 ? national.CountyAt(place.County).FullName
            : place.City >= 0 ? national.CityAt(place.City).FullName
            : national.ProvinceAt(place.Province).Name;

    /// <summary>
    /// Reads a township and/or village of the county at <paramref name="at"/>. Village candidates, when several,
    /// are left in <paramref name="found"/>.
    /// </summary>
    private LocalParse ParseLocal(ReadOnlySpan<char> s, int at, Span<int> found)
    {
        at = AddressText.SkipSeparators(s, at);
        if (at >= s.Length) return LocalParse.Nothing(at);

        Span<TownshipReading> readings = stackalloc TownshipReading[MaxTownshipReadings];
        var readingCount = ReadTownships(s, at, readings);

        // 1. A township, then one of its villages.
        var ambiguousIn = -1;
        for (var k = 0; k < readingCount; k++)
        {
            var village = ReadVillage(s, AddressText.SkipSeparators(s, readings[k].End), readings[k].Township, false, found);
            if (village.Count == 1) return WithGroup(s, village.End, readings[k].Township, found[0]);
            if (village.Count > 1 && ambiguousIn < 0) ambiguousIn = k;
        }

        // 2. A village named without its township. When a township name also fits here, a bare village name
        //    needs a group or number after it: 马蹬 alone is the town, 马蹬社区 or 马蹬3组 the community.
        var anywhere = ReadVillage(s, at, -1, readingCount > 0, found);
        if (anywhere.Count == 1) return WithGroup(s, anywhere.End, villageTownship[found[0]], found[0]);

        if (readingCount > 0)
        {
            // 3. The township is certain, the village is not: say why, with the villages it could be.
            var township = readings[ambiguousIn >= 0 ? ambiguousIn : 0];
            var next = AddressText.SkipSeparators(s, township.End);
            var inTownship = ambiguousIn >= 0;
            var count = ReadVillage(s, next, inTownship ? township.Township : -1, false, found).Count;
            var townshipName = townships[township.Township].Name;
            var note = count == 0
                ? next < s.Length ? new AddressNote(AddressNotes.VillageUnknown, townshipName) : null
                : new AddressNote(inTownship ? AddressNotes.VillageAmbiguousInTownship : AddressNotes.VillageInOtherTownship, townshipName, Describe(found[..count]));
            // Text right after a bare name may be a street named after the town (商圣路): keep the name in the remainder.
            var end = township.Bare && next < s.Length ? at : township.End;
            return new LocalParse(AddressOutcome.TownshipOnly, township.Township, -1, end, 0, count, note);
        }

        return anywhere.Count > 1
            ? new LocalParse(AddressOutcome.Unresolved, -1, -1, at, 0, anywhere.Count,
                new AddressNote(AddressNotes.VillageAmbiguous, Options: Describe(found[..anywhere.Count])))
            : LocalParse.Nothing(at);
    }

    private LocalParse WithGroup(ReadOnlySpan<char> s, int end, int township, int village)
    {
        var next = AddressText.SkipSeparators(s, end);
        if (AddressText.TryReadGroup(s, next, out var group, out var groupEnd)) end = groupEnd;
        else group = 0;
        return new LocalParse(AddressOutcome.Village, township, village, end, group, 0, null);
    }

    /// <summary>
    /// The ways a township can be read at <paramref name="at"/>, furthest-reaching first: full names (荆紫关镇),
    /// short names with any township suffix (龙城街道办事处, 龙城办事处) and bare short names (荆紫关). The bare
    /// reading is kept beside the suffixed one because the "suffix" may begin the village: 平桥镇中村 is 平桥 +
    /// 镇中村, and 河下镇海社区 is 河下 + 镇海社区. A bare name that runs into the name of a place elsewhere is
    /// not read (老城区 is 洛阳's district, not 老城镇).
    /// </summary>
    private int ReadTownships(ReadOnlySpan<char> s, int at, Span<TownshipReading> readings)
    {
        var count = 0;
        var text = s[at..];
        foreach (ref readonly var entry in townshipNames.CandidatesFor(text))
        {
            if (!text.StartsWith(entry.Key)) continue;
            var end = at + entry.Key.Length;
            if (entry.Form == NameForm.Full)
            {
                Add(readings, ref count, new TownshipReading(entry.Target, end, Bare: false));
                continue;
            }
            foreach (var suffix in DivisionNames.TownshipSuffixes)
            {
                if (!s[end..].StartsWith(suffix)) continue;
                Add(readings, ref count, new TownshipReading(entry.Target, end + suffix.Length, Bare: false));
                break;
            }
            if (!StartsWithAny(text, townshipLookalikes[entry.Target]))
                Add(readings, ref count, new TownshipReading(entry.Target, end, Bare: true));
        }
        readings[..count].Sort(static (a, b) => b.End.CompareTo(a.End));
        return count;

        static void Add(Span<TownshipReading> readings, ref int count, TownshipReading reading)
        {
            foreach (var existing in readings[..count])
                if (existing.Township == reading.Township && existing.End == reading.End) return;
            if (count < readings.Length) readings[count++] = reading;
        }
    }

    private static bool StartsWithAny(ReadOnlySpan<char> text, string[] prefixes)
    {
        foreach (var prefix in prefixes)
            if (text.StartsWith(prefix)) return true;
        return false;
    }

    /// <summary>
    /// The village named at <paramref name="at"/>: the longest name that fits (within <paramref name="township"/>
    /// unless it is -1), with its suffix. Candidates go to <paramref name="found"/>; several mean the name is
    /// ambiguous. A bare name (no 村/社区…) is taken inside a named township, and otherwise only at the end of the
    /// text or before a group or house number; with <paramref name="strictBare"/> only before a group or number.
    /// </summary>
    private VillageReading ReadVillage(ReadOnlySpan<char> s, int at, int township, bool strictBare, Span<int> found)
    {
        var text = s[at..];
        var entries = villageNames.CandidatesFor(text);
        for (var i = 0; i < entries.Length;)
        {
            // Entries sharing a key are adjacent; take them as one group.
            var key = entries[i].Key;
            var groupEnd = i + 1;
            while (groupEnd < entries.Length && entries[groupEnd].Key == key) groupEnd++;
            var group = entries[i..groupEnd];
            i = groupEnd;
            if (!text.StartsWith(key)) continue;

            var count = 0;
            var fullName = false;
            foreach (var entry in group)
            {
                if (township >= 0 && villageTownship[entry.Target] != township) continue;
                if (count < found.Length) found[count++] = entry.Target;
                fullName |= entry.Form == NameForm.Full;
            }
            if (count == 0) continue;

            var end = at + key.Length;
            var (suffixLength, community) = ReadVillageSuffix(s[end..]);
            if (suffixLength == 0 && !fullName && township < 0)
            {
                var next = AddressText.SkipSeparators(s, end);
                var accepted = strictBare
                    ? next < s.Length && (s[next] is >= '0' and <= '9' or '第' || AddressText.TryReadGroup(s, next, out _, out _))
                    : AddressText.IsEndOrNumber(s, end);
                if (!accepted) continue;
            }
            if (suffixLength > 0) count = KeepKind(found[..count], community);
            return new VillageReading(count, end + suffixLength);
        }
        return default;
    }

    /// <summary>
    /// Narrows candidates to the kind the suffix names (车桥村 the villagers' committee, 车桥居委会 the community),
    /// unless none is of that kind: people do write 社区 for a village. Returns the new count.
    /// </summary>
    private int KeepKind(Span<int> candidates, bool community)
    {
        var kept = 0;
        foreach (var v in candidates) if (villages[v].IsCommunity == community) kept++;
        if (kept == 0 || kept == candidates.Length) return candidates.Length;
        var n = 0;
        for (var k = 0; k < candidates.Length; k++)
            if (villages[candidates[k]].IsCommunity == community) candidates[n++] = candidates[k];
        return n;
    }

    private static (int Length, bool Community) ReadVillageSuffix(ReadOnlySpan<char> text)
    {
        foreach (var (suffix, community) in VillageSuffixes)
            if (text.StartsWith(suffix)) return (suffix.Length, community);
        return (0, false);
    }

    /// <summary>Candidate villages as a reader finds them: township and village name (滔河乡 白亭村民委员会).</summary>
    private string[] Describe(ReadOnlySpan<int> candidates)
    {
        var parts = new string[candidates.Length];
        for (var k = 0; k < candidates.Length; k++)
            parts[k] = $"{townships[villageTownship[candidates[k]]].Name} {villages[candidates[k]].Name}";
        return parts;
    }

    private AddressResolution ToResult(ReadOnlySpan<char> s, LocalParse parse, ReadOnlySpan<int> found)
    {
        var candidates = parse.Candidates == 0 ? [] : CandidatesOf(found[..parse.Candidates]);
        return parse.Outcome switch
        {
            AddressOutcome.Village => new AddressResolution
            {
                Outcome = AddressOutcome.Village,
                TownshipCode12 = townships[parse.Township].Code12,
                VillageCode12 = villages[parse.Village].Code12,
                GroupNumber = parse.Group > 0 ? parse.Group : null,
                Remainder = AddressText.Rest(s, parse.End),
            },
            AddressOutcome.TownshipOnly => new AddressResolution
            {
                Outcome = AddressOutcome.TownshipOnly,
                TownshipCode12 = townships[parse.Township].Code12,
                Remainder = AddressText.Rest(s, parse.End),
                Note = parse.Note,
                Candidates = candidates,
            },
            _ => new AddressResolution
            {
                Outcome = AddressOutcome.Unresolved,
                Remainder = AddressText.Rest(s, parse.End),
                Note = parse.Note ?? new AddressNote(AddressNotes.NothingRecognised),
                Candidates = candidates,
            },
        };
    }

    private Division[] CandidatesOf(ReadOnlySpan<int> found)
    {
        var list = new Division[found.Length];
        for (var k = 0; k < found.Length; k++) list[k] = villages[found[k]];
        return list;
    }

    private static AddressResolution Unresolved(ReadOnlySpan<char> s, int at, AddressNote note) => new()
    {
        Outcome = AddressOutcome.Unresolved,
        Remainder = AddressText.Rest(s, at),
        Note = note,
    };

    /// <summary>A township that fits at some position, where its name (with suffix) ends, and whether it was a
    /// bare short name (荆紫关 rather than 荆紫关镇).</summary>
    private readonly record struct TownshipReading(int Township, int End, bool Bare);

    /// <summary>How many villages fit (their indexes are in the caller's buffer) and where the name and suffix end.</summary>
    private readonly record struct VillageReading(int Count, int End);

    /// <summary>
    /// What the county's own names made of the text: the outcome, the township and village indexes (-1 when
    /// unknown), where the recognised part ends, the group (0 when none), how many candidate villages are in the
    /// caller's buffer, and the note on an incomplete result.
    /// </summary>
    private readonly record struct LocalParse(
        AddressOutcome Outcome, int Township, int Village, int End, int Group, int Candidates, AddressNote? Note)
    {
        public static LocalParse Nothing(int at) => new(AddressOutcome.Unresolved, -1, -1, at, 0, 0, null);
    }
}
