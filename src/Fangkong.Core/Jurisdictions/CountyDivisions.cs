using System.Collections.Concurrent;
using System.Collections.Frozen;
using System.Text.RegularExpressions;

namespace Fangkong.Core.Jurisdictions;

/// <summary>
/// One county's official tree of townships and villages/communities, from the file that ships for it
/// (Resources/Divisions/&lt;name&gt;_&lt;code&gt;_divisions.csv, columns code,name,level,parent_code). The tree is the
/// skeleton of a deployment's jurisdiction: grids, buildings and households hang below its villages. Instances are
/// immutable; <see cref="Load"/> parses each county once and hands the same instance to every caller.
/// </summary>
public sealed partial class CountyDivisions
{
    private static readonly Lazy<FrozenDictionary<string, string>> FilesByCounty =
        new(DiscoverFiles, LazyThreadSafetyMode.ExecutionAndPublication);

    private static readonly ConcurrentDictionary<string, Lazy<CountyDivisions>> Loaded = new(StringComparer.Ordinal);

    private readonly FrozenDictionary<string, Division> byCode;
    private readonly FrozenDictionary<string, Division[]> villagesByTownship;

    /// <summary>The codes of the counties whose division files ship with Fangkong, in code order.</summary>
    public static IReadOnlyList<string> AvailableCounties { get; } = [.. FilesByCountyCodes()];

    /// <summary>The 6-digit county code (411326).</summary>
    public string CountyCode { get; }

    /// <summary>The county's official name (淅川县).</summary>
    public string CountyName { get; }

    /// <summary>The county's short name (淅川, 酉阳), as people write it.</summary>
    public string CountyShortName { get; }

    /// <summary>The prefecture's four digits (4113), placeholders included (5002 for a county of 重庆).</summary>
    public string PrefectureCode4 { get; }

    /// <summary>The prefecture's name (南阳市), or null when the county sits directly under its province or municipality.</summary>
    public string? PrefectureName { get; }

    /// <summary>The province's two digits (41).</summary>
    public string ProvinceCode2 { get; }

    /// <summary>The province's official name (河南省).</summary>
    public string ProvinceName { get; }

    /// <summary>The canonical full name (河南省 南阳市 淅川县).</summary>
    public string FullName { get; }

    /// <summary>Townships, towns and street offices, in code order.</summary>
    public IReadOnlyList<Division> Townships { get; }

    /// <summary>Villagers' and residents' committees, in code order.</summary>
    public IReadOnlyList<Division> Villages { get; }

    private CountyDivisions(CountyDivision county, Division[] townships, Division[] villages)
    {
        CountyCode = county.Code6;
        CountyName = county.Name;
        CountyShortName = county.ShortName;
        PrefectureCode4 = county.CityCode4;
        PrefectureName = county.CityName;
        ProvinceCode2 = county.ProvinceCode2;
        ProvinceName = county.ProvinceName;
        FullName = county.FullName;
        Townships = townships;
        Villages = villages;
        byCode = townships.Concat(villages).ToFrozenDictionary(d => d.Code12, StringComparer.Ordinal);
        villagesByTownship = villages.GroupBy(v => v.ParentCode12!, StringComparer.Ordinal)
            .ToFrozenDictionary(g => g.Key, g => g.ToArray(), StringComparer.Ordinal);
    }

    /// <summary>
    /// The tree of the county with this 6-digit code. Parsed on first request, then shared.
    /// </summary>
    /// <exception cref="ArgumentException">no division file ships for that county; the message lists those that do</exception>
    /// <exception cref="InvalidDataException">the shipped file is malformed (a build defect, not a user error)</exception>
    public static CountyDivisions Load(string countyCode)
    {
        ArgumentNullException.ThrowIfNull(countyCode);
        if (!FilesByCounty.Value.TryGetValue(countyCode, out var fileName))
        {
            var available = string.Join(", ",
                AvailableCounties.Select(c => $"{c} {NationalDivisions.Shared.County(c)?.Name ?? "?"}"));
            throw new ArgumentException(
                $"No division file ships for county '{countyCode}'. Available counties: {available}.", nameof(countyCode));
        }
        return Loaded.GetOrAdd(countyCode,
            code => new Lazy<CountyDivisions>(() => Parse(code, fileName), LazyThreadSafetyMode.ExecutionAndPublication)).Value;
    }

    /// <summary>The township or village with this 12-digit code, or null.</summary>
    public Division? Find(string? code12) => code12 is not null && byCode.TryGetValue(code12, out var d) ? d : null;

    /// <summary>The villages and communities of a township (by its 12-digit code), in code order; empty when unknown.</summary>
    public IReadOnlyList<Division> VillagesOf(string townshipCode12) =>
        villagesByTownship.TryGetValue(townshipCode12, out var villages) ? villages : [];

    private static CountyDivisions Parse(string countyCode, string fileName)
    {
        var rows = DivisionCsv.ReadRows(fileName, "code", "name", "level", "parent_code");
        var county = NationalDivisions.Shared.County(countyCode)
            ?? throw new InvalidDataException($"{fileName}: county {countyCode} is not in the national list.");
        var townships = new List<Division>();
        var villages = new List<Division>();
        var sawCounty = false;
        foreach (var (line, fields) in rows)
        {
            var (code, name, level, parent) = (fields[0], fields[1], fields[2], fields[3]);
            string Where() => $"{fileName} line {line}";
            switch (level)
            {
                case "county":
                    if (code != countyCode) throw new InvalidDataException($"{Where()}: county row {code}, expected {countyCode}.");
                    sawCounty = true;
                    break;
                case "township":
                    if (!IsCode(code, 12) || !code.StartsWith(countyCode, StringComparison.Ordinal) || parent != countyCode)
                        throw new InvalidDataException($"{Where()}: township {code} is not a 12-digit code under {countyCode}.");
                    townships.Add(new Division(code, name, JurisdictionLevel.Township, null,
                        DivisionNames.TownshipShortName(name), false));
                    break;
                case "village":
                    if (!IsCode(code, 12) || !IsCode(parent, 12) || !code.StartsWith(parent.AsSpan(0, 9), StringComparison.Ordinal))
                        throw new InvalidDataException($"{Where()}: village {code} does not lie under township {parent}.");
                    var number = int.Parse(code.AsSpan(9), System.Globalization.CultureInfo.InvariantCulture);
                    villages.Add(new Division(code, name, JurisdictionLevel.Village, parent,
                        DivisionNames.VillageShortName(name), DivisionNames.IsCommunity(name, number)));
                    break;
                default:
                    throw new InvalidDataException($"{Where()}: unknown level '{level}'.");
            }
        }
        if (!sawCounty) throw new InvalidDataException($"{fileName}: the county row is missing.");
        var townshipCodes = townships.Select(t => t.Code12).ToHashSet(StringComparer.Ordinal);
        if (villages.FirstOrDefault(v => !townshipCodes.Contains(v.ParentCode12!)) is { } orphan)
            throw new InvalidDataException($"{fileName}: village {orphan.Code12} names a township that is not listed.");
        return new CountyDivisions(county,
            [.. townships.OrderBy(t => t.Code12, StringComparer.Ordinal)],
            [.. villages.OrderBy(v => v.Code12, StringComparer.Ordinal)]);
    }

    private static bool IsCode(string s, int length) => s.Length == length && s.All(char.IsAsciiDigit);

    private static IEnumerable<string> FilesByCountyCodes() => FilesByCounty.Value.Keys.Order(StringComparer.Ordinal);

    private static FrozenDictionary<string, string> DiscoverFiles() =>
        DivisionCsv.ResourceFileNames()
            .Select(name => (Name: name, Match: DivisionFileName().Match(name)))
            .Where(x => x.Match.Success)
            .ToFrozenDictionary(x => x.Match.Groups[1].Value, x => x.Name, StringComparer.Ordinal);

    /// <summary>County files are named &lt;anything&gt;_&lt;6-digit code&gt;_divisions.csv (xichuan_411326_divisions.csv).</summary>
    [GeneratedRegex(@"_([0-9]{6})_divisions\.csv$", RegexOptions.CultureInvariant)]
    private static partial Regex DivisionFileName();
}
