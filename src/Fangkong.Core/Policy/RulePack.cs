using System.Text.Json;
using System.Text.Json.Serialization;

namespace Fangkong.Core.Policy;

/// <summary>The measure kinds the platform knows how to run; packs may name others (kept as data, shown as they are).</summary>
public static class MeasureKinds
{
    public const string CentralizedQuarantine = "centralized-quarantine";   // 集中隔离医学观察
    public const string HomeQuarantine = "home-quarantine";                 // 居家隔离医学观察
    public const string HomeHealthMonitoring = "home-health-monitoring";    // 居家健康监测
    public const string ThreeDaysTwoTests = "three-days-two-tests";         // 三天两检
    public const string ClosedLoopWork = "closed-loop-work";                // 闭环管理
    public const string InPlaceIsolation = "in-place-isolation";            // 原地隔离
    public const string HomeIsolation = "home-isolation";                   // 居家隔离（轻症、无症状）

    public static IReadOnlyList<string> Known { get; } =
        [CentralizedQuarantine, HomeQuarantine, HomeHealthMonitoring, ThreeDaysTwoTests, ClosedLoopWork, InPlaceIsolation, HomeIsolation];

    /// <summary>Measures that keep a person in one place (a site or home); the others only ask for tests and reports.</summary>
    public static bool Confines(string kind) => kind is CentralizedQuarantine or HomeQuarantine or InPlaceIsolation or HomeIsolation or ClosedLoopWork;

    /// <summary>How hard a measure bears on a person: a site over home quarantine over monitoring; unknown kinds rank as monitoring.</summary>
    public static int Severity(string kind) => kind switch
    {
        CentralizedQuarantine => 4,
        InPlaceIsolation or HomeIsolation or HomeQuarantine => 3,
        ClosedLoopWork => 2,
        _ => 1,
    };

    /// <summary>Measures carried out at a quarantine site rather than at home.</summary>
    public static bool AtSite(string kind) => kind == CentralizedQuarantine;
}

/// <summary>The reasons a person comes under a measure. Packs may add others; these are the ones the platform itself raises.</summary>
public static class Reasons
{
    public const string CloseContact = "close-contact";
    public const string SecondaryContact = "secondary-contact";
    public const string HighRiskArea = "high-risk-area";
    public const string MediumRiskArea = "medium-risk-area";
    public const string LowRiskArea = "low-risk-area";
    public const string Inbound = "inbound";
    public const string PositivePool = "positive-pool";
    public const string SentinelHit = "sentinel-hit";
    public const string RedCode = "red-code";
    public const string YellowCode = "yellow-code";
    public const string StarTravelCard = "star-travel-card";

    public static IReadOnlyList<string> Common { get; } =
        [CloseContact, SecondaryContact, HighRiskArea, MediumRiskArea, LowRiskArea, Inbound, PositivePool, SentinelHit, RedCode, YellowCode, StarTravelCard];
}

/// <summary>One measure of a rule: a kind, a length in days and the days of PCR tests counted from its own day 1.</summary>
public sealed record MeasureRule(string Kind, int Days, IReadOnlyList<int> TestDays);

/// <summary>How a pack (or the county's local layer) handles one reason.</summary>
public sealed record ReasonRule(
    string Reason,
    IReadOnlyList<MeasureRule> Measures,
    string Release,
    string? Basis,
    string? Confidence,
    bool Local,
    string? BasisEn = null)
{
    public int TotalDays => Measures.Sum(m => m.Days);
}

/// <summary>Admission to venues: how recent a negative certificate must be per venue type, which code colours pass.</summary>
public sealed record AdmissionRules(IReadOnlyDictionary<string, int> CertificateHours, IReadOnlyList<string> PassingCodes, bool TravelCardStarBlocks)
{
    /// <summary>The certificate window for a venue type, the pack's default, or null when no certificate is asked for.</summary>
    public int? CertificateHoursFor(string venueType) =>
        CertificateHours.TryGetValue(venueType, out var h) ? h : CertificateHours.TryGetValue("default", out var d) ? d : null;
}

/// <summary>
/// A versioned national protocol in force between two dates (8th edition, 9th edition, the 20 measures, the new 10):
/// data, not code. Day 1 of every measure sequence is the exposure date.
/// </summary>
public sealed record RulePack(
    string Id,
    string Name,
    string? NameEn,
    DateOnly EffectiveFrom,
    DateOnly? EffectiveTo,
    string? Source,
    int LookBackDays,
    IReadOnlyDictionary<string, ReasonRule> Reasons,
    AdmissionRules Admission,
    bool FamilyRooms = true)
{
    public bool InForceOn(DateOnly date) => date >= EffectiveFrom && (EffectiveTo is null || date <= EffectiveTo);
    /// <summary>The saved version this pack was read from (0: the file shipped with the platform); an order records it as its legal basis.</summary>
    public int Version { get; init; }
}

/// <summary>A county's own stricter rule for one reason during a period (seed 000: quarantine arrivals from areas the provincial experts judged risky).</summary>
public sealed record LocalRule(ReasonRule Rule, DateOnly EffectiveFrom, DateOnly? EffectiveTo)
{
    public bool InForceOn(DateOnly date) => date >= EffectiveFrom && (EffectiveTo is null || date <= EffectiveTo);
}

/// <summary>
/// Which level of centralized quarantine site takes the people of one reason (a county decision: seed 004 has county
/// sites run by the health commission and township sites run by the township), during a period.
/// </summary>
public sealed record SitePlacement(string Reason, string Level, DateOnly EffectiveFrom, DateOnly? EffectiveTo, string? Basis = null)
{
    public const string County = "county";
    public const string Township = "township";
    public bool InForceOn(DateOnly date) => date >= EffectiveFrom && (EffectiveTo is null || date <= EffectiveTo);
}

/// <summary>The county's local layer over the national packs.</summary>
public sealed record LocalLayer(string County, string Name, string? Source, IReadOnlyList<LocalRule> Rules, IReadOnlyList<SitePlacement>? SitePlacements = null)
{
    /// <summary>The saved version this layer was read from (0: as shipped).</summary>
    public int Version { get; init; }

    /// <summary>The layer's English name, where it has one (the UI in English shows it).</summary>
    public string? NameEn { get; init; }

    public static LocalLayer Empty(string county) => new(county, "", null, []);

    /// <summary>The reasons this layer has rules for, in its order (what a listing may raise as its local reason).</summary>
    public IReadOnlyList<string> Reasons => Rules.Select(r => r.Rule.Reason).Distinct().ToList();

    /// <summary>The placements in force on a date.</summary>
    public IEnumerable<SitePlacement> PlacementsOn(DateOnly date) => (SitePlacements ?? []).Where(p => p.InForceOn(date));
}

/// <summary>A rule pack or local layer that does not make sense; names the place in the JSON.</summary>
public sealed class RulePackException(string message) : Exception(message);

/// <summary>Reads and validates rule packs and local layers from their JSON form (shipped files and edited versions).</summary>
public static class RulePackJson
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    public static RulePack ReadPack(string json)
    {
        PackDto dto;
        try
        {
            dto = JsonSerializer.Deserialize<PackDto>(json, Options) ?? throw new RulePackException("empty rule pack");
        }
        catch (JsonException e)
        {
            throw new RulePackException($"not a valid rule pack: {e.Message}");
        }
        if (string.IsNullOrWhiteSpace(dto.Id)) throw new RulePackException("id is required");
        if (string.IsNullOrWhiteSpace(dto.Name)) throw new RulePackException($"{dto.Id}: name is required");
        var from = Date(dto.EffectiveFrom, $"{dto.Id}: effectiveFrom") ?? throw new RulePackException($"{dto.Id}: effectiveFrom is required");
        var to = Date(dto.EffectiveTo, $"{dto.Id}: effectiveTo");
        if (to < from) throw new RulePackException($"{dto.Id}: effectiveTo is before effectiveFrom");
        if (dto.LookBackDays is < 1 or > 60) throw new RulePackException($"{dto.Id}: lookBackDays must be 1–60");
        var reasons = new Dictionary<string, ReasonRule>(StringComparer.Ordinal);
        foreach (var (reason, rule) in dto.Reasons ?? [])
            reasons[reason] = Rule(reason, rule, $"{dto.Id}.reasons.{reason}", local: false);
        var admission = dto.Admission ?? new AdmissionDto();
        foreach (var (venue, hours) in admission.CertificateHours ?? [])
            if (hours is < 1 or > 24 * 14) throw new RulePackException($"{dto.Id}.admission.certificateHours.{venue}: 1–336 hours");
        return new RulePack(dto.Id.Trim(), dto.Name.Trim(), dto.NameEn, from, to, dto.Source, dto.LookBackDays, reasons,
            new AdmissionRules(admission.CertificateHours ?? [], admission.PassingCodes ?? ["green"], admission.TravelCardStarBlocks), dto.FamilyRooms);
    }

    public static LocalLayer ReadLocal(string json)
    {
        LocalDto dto;
        try
        {
            dto = JsonSerializer.Deserialize<LocalDto>(json, Options) ?? throw new RulePackException("empty local layer");
        }
        catch (JsonException e)
        {
            throw new RulePackException($"not a valid local layer: {e.Message}");
        }
        if (dto.County is not { Length: 6 }) throw new RulePackException("county must be a 6-digit code");
        var rules = (dto.Rules ?? []).Select((r, i) =>
        {
            var where = $"rules[{i}]";
            if (string.IsNullOrWhiteSpace(r.Reason)) throw new RulePackException($"{where}: reason is required");
            var from = Date(r.EffectiveFrom, $"{where}.effectiveFrom") ?? throw new RulePackException($"{where}: effectiveFrom is required");
            var to = Date(r.EffectiveTo, $"{where}.effectiveTo");
            if (to < from) throw new RulePackException($"{where}: effectiveTo is before effectiveFrom");
            return new LocalRule(Rule(r.Reason, r, where, local: true), from, to);
        }).ToList();
        var placements = (dto.SitePlacements ?? []).Select((p, i) =>
        {
            var where = $"sitePlacements[{i}]";
            if (!IsSlug(p.Reason)) throw new RulePackException($"{where}.reason: lower-case words joined by hyphens");
            if (p.Level is not (SitePlacement.County or SitePlacement.Township)) throw new RulePackException($"{where}.level: county or township");
            var from = Date(p.EffectiveFrom, $"{where}.effectiveFrom") ?? throw new RulePackException($"{where}: effectiveFrom is required");
            var to = Date(p.EffectiveTo, $"{where}.effectiveTo");
            if (to < from) throw new RulePackException($"{where}: effectiveTo is before effectiveFrom");
            return new SitePlacement(p.Reason!, p.Level, from, to, p.Basis);
        }).ToList();
        foreach (var group in placements.GroupBy(p => p.Reason))
        {
            var ordered = group.OrderBy(p => p.EffectiveFrom).ToList();
            for (var i = 1; i < ordered.Count; i++)
                if (ordered[i - 1].EffectiveTo is not { } end || end >= ordered[i].EffectiveFrom)
                    throw new RulePackException($"sitePlacements: two placements of {group.Key} overlap on {ordered[i].EffectiveFrom:yyyy-MM-dd}");
        }
        return new LocalLayer(dto.County, dto.Name ?? "", dto.Source, rules, placements) { NameEn = dto.NameEn };
    }

    private static ReasonRule Rule(string reason, RuleDto rule, string where, bool local)
    {
        if (!IsSlug(reason)) throw new RulePackException($"{where}: a reason is lower-case words joined by hyphens");
        var measures = new List<MeasureRule>();
        foreach (var (m, i) in (rule.Measures ?? []).Select((m, i) => (m, i)))
        {
            var at = $"{where}.measures[{i}]";
            if (!IsSlug(m.Kind)) throw new RulePackException($"{at}.kind: lower-case words joined by hyphens");
            if (m.Days is < 1 or > 60) throw new RulePackException($"{at}.days: 1–60");
            var tests = (m.TestDays ?? []).ToList();
            if (tests.Any(d => d < 1 || d > m.Days)) throw new RulePackException($"{at}.testDays: every day lies within 1–{m.Days}");
            if (tests.Distinct().Count() != tests.Count) throw new RulePackException($"{at}.testDays: a day appears twice");
            measures.Add(new MeasureRule(m.Kind!, m.Days, tests.Order().ToList()));
        }
        var release = string.IsNullOrWhiteSpace(rule.Release) ? (measures.Count == 0 ? Orders.OrderRules.NotManaged : Orders.OrderRules.AllTestsNegative) : rule.Release.Trim();
        if (!Orders.OrderRules.ReleaseConditions.Contains(release))
            throw new RulePackException($"{where}.release: one of {string.Join(", ", Orders.OrderRules.ReleaseConditions.Order(StringComparer.Ordinal))}");
        return new ReasonRule(reason, measures, release, rule.Basis, rule.Confidence, local, rule.BasisEn);
    }

    private static bool IsSlug(string? s) => s is { Length: > 0 and <= 60 } && s.All(c => c is >= 'a' and <= 'z' or >= '0' and <= '9' or '-') && s[0] != '-' && s[^1] != '-';

    private static DateOnly? Date(string? text, string where)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var d)) return d;
        throw new RulePackException($"{where}: a date is yyyy-MM-dd");
    }

    /// <summary>The packs shipped with the platform (data files, not code).</summary>
    public static IReadOnlyList<(string Id, string Json)> ShippedPacks() => Resources("Fangkong.Core.Resources.cn-");

    /// <summary>The local layer shipped for a county, if any.</summary>
    public static string? ShippedLocal(string county) =>
        Resources($"Fangkong.Core.Resources.local-{county}.json").Select(r => r.Json).FirstOrDefault();

    private static List<(string Id, string Json)> Resources(string prefix)
    {
        var assembly = typeof(RulePackJson).Assembly;
        return assembly.GetManifestResourceNames().Where(n => n.StartsWith(prefix, StringComparison.Ordinal) && n.EndsWith(".json", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(n =>
            {
                using var reader = new StreamReader(assembly.GetManifestResourceStream(n)!);
                return (n["Fangkong.Core.Resources.".Length..^".json".Length], reader.ReadToEnd());
            }).ToList();
    }

    private sealed class PackDto
    {
        public string? Id { get; set; }
        public string? Name { get; set; }
        public string? NameEn { get; set; }
        public string? EffectiveFrom { get; set; }
        public string? EffectiveTo { get; set; }
        public string? Source { get; set; }
        public int LookBackDays { get; set; } = 7;
        public Dictionary<string, RuleDto>? Reasons { get; set; }
        public AdmissionDto? Admission { get; set; }
        /// <summary>Whether a household may share a family room at a site (else rooms side by side); default yes.</summary>
        public bool FamilyRooms { get; set; } = true;
    }

    private class RuleDto
    {
        /// <summary>The document's own words (Chinese): what an order quotes as its legal basis.</summary>
        public string? Basis { get; set; }
        /// <summary>An English rendering for readers of the English interface (optional).</summary>
        public string? BasisEn { get; set; }
        public string? Confidence { get; set; }
        public string? Release { get; set; }
        public List<MeasureDto>? Measures { get; set; }
    }

    private sealed class LocalRuleDto : RuleDto
    {
        public string? Reason { get; set; }
        public string? EffectiveFrom { get; set; }
        public string? EffectiveTo { get; set; }
    }

    private sealed class MeasureDto
    {
        public string? Kind { get; set; }
        public int Days { get; set; }
        public List<int>? TestDays { get; set; }
    }

    private sealed class AdmissionDto
    {
        public Dictionary<string, int>? CertificateHours { get; set; }
        public List<string>? PassingCodes { get; set; }
        public bool TravelCardStarBlocks { get; set; }
    }

    private sealed class LocalDto
    {
        public string? County { get; set; }
        public string? Name { get; set; }
        public string? NameEn { get; set; }
        public string? Source { get; set; }
        public List<LocalRuleDto>? Rules { get; set; }
        public List<PlacementDto>? SitePlacements { get; set; }
    }

    private sealed class PlacementDto
    {
        public string? Reason { get; set; }
        public string? Level { get; set; }
        public string? Basis { get; set; }
        public string? EffectiveFrom { get; set; }
        public string? EffectiveTo { get; set; }
    }
}
