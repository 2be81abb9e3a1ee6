using Fangkong.Core.Jurisdictions;
using Fangkong.Core.People;

namespace Fangkong.Core.Sites;

/// <summary>
/// One item of the standards checklist a site is inspected against. Data, so a county can add, reorder or retire
/// items; the shipped items are <see cref="SiteStandards.Default"/>. An empty <see cref="Name"/> means "use the
/// localized name of the code".
/// </summary>
public sealed class SiteStandard : ICountyOwned
{
    public long Id { get; set; }
    public string CountyCode { get; set; } = "";
    public string Code { get; set; } = "";
    public string Name { get; set; } = "";
    public int Sequence { get; set; }
    /// <summary>A retired item stays for the inspections that used it but is not asked any more.</summary>
    public bool Active { get; set; } = true;
}

/// <summary>A shipped checklist item: a stable code and its place in the list (names are localized by code).</summary>
public sealed record StandardDefinition(string Code, int Sequence);

/// <summary>The checklist every county starts from (9th-edition guide and the 2022 design guide).</summary>
public static class SiteStandards
{
    /// <summary>Three zones, two channels (三区两通道): clean, buffer and contaminated zones; routes that never cross.</summary>
    public const string ThreeZonesTwoChannels = "three-zones-two-channels";
    /// <summary>One person per room with its own bathroom (单人单间).</summary>
    public const string SingleRoomOwnBathroom = "single-room-own-bathroom";
    /// <summary>Split air conditioning or natural ventilation; no shared central air.</summary>
    public const string Ventilation = "ventilation";
    /// <summary>The working groups named and staffed (disinfection, observation, information, security, logistics…).</summary>
    public const string StaffingGroups = "staffing-groups";
    /// <summary>Medical waste collected, stored and handed over as medical waste.</summary>
    public const string WasteHandling = "waste-handling";
    public const string FireSafety = "fire-safety";

    public static IReadOnlyList<StandardDefinition> Default { get; } =
    [
        new(ThreeZonesTwoChannels, 10),
        new(SingleRoomOwnBathroom, 20),
        new(Ventilation, 30),
        new(StaffingGroups, 40),
        new(WasteHandling, 50),
        new(FireSafety, 60),
    ];

    /// <summary>The default checklist as rows for a county (names left empty: shown by code in the user's language).</summary>
    public static IReadOnlyList<SiteStandard> Seed(string countyCode) =>
        Default.Select(d => new SiteStandard { CountyCode = countyCode, Code = d.Code, Sequence = d.Sequence, Active = true }).ToList();
}

/// <summary>The rules of editing the checklist, pure: the county adds its own items, renames, reorders and retires them.</summary>
public static class StandardRules
{
    public const int MaxCode = 60;
    public const int MaxName = 100;

    /// <summary>Whether the code is one of the shipped items (their names are localized by code unless the county renamed them).</summary>
    public static bool IsShipped(string code) => SiteStandards.Default.Any(d => d.Code == code);

    /// <summary>
    /// The name to show: the county's own wording, or null when the item keeps its shipped, localized name (a shipped
    /// item's stored name is its code until someone renames it).
    /// </summary>
    public static string? CustomName(SiteStandard s) =>
        string.IsNullOrWhiteSpace(s.Name) || (s.Name == s.Code && IsShipped(s.Code)) ? null : s.Name;

    /// <summary>
    /// The code of an item added without one, made from its name (<see cref="Text.CodeFromName"/>): "5S Management" →
    /// "5s-management"; a name without Latin letters (most Chinese names) gets "item-" and its place in the list ("item-70").
    /// </summary>
    public static string GenerateCode(string? name, int sequence, IReadOnlySet<string> taken) =>
        Text.CodeFromName(name, "item-" + Math.Max(0, sequence).ToString(System.Globalization.CultureInfo.InvariantCulture), MaxCode, taken);

    /// <summary>
    /// Field errors of an item: a code of lower-case letters, digits and dashes (2–60, fixed once created), a name for
    /// every item the county adds (a shipped item may keep its localized name), a place in the list from 0 to 9,999.
    /// </summary>
    public static IReadOnlyList<FieldError> Validate(SiteStandard s)
    {
        var errors = new List<FieldError>();
        if (s.Code.Length is < 2 or > MaxCode || !s.Code.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-') || s.Code[0] == '-')
            errors.Add(new("code", "standard.code"));
        if (string.IsNullOrWhiteSpace(s.Name) && !IsShipped(s.Code)) errors.Add(new("name", "standard.name-required"));
        else if (s.Name.Length > MaxName) errors.Add(new("name", "standard.name-too-long"));
        if (s.Sequence is < 0 or > 9999) errors.Add(new("sequence", "standard.sequence"));
        return errors;
    }
}

/// <summary>
/// An inspection of a site against the checklist: who, when, one result per item, and the overall verdict (computed
/// by <see cref="InspectionRules.Evaluate"/> when it is recorded, stored so lists need not recompute it).
/// </summary>
public sealed class SiteInspection : IJurisdictionOwned
{
    public long Id { get; set; }
    public string CountyCode { get; set; } = "";
    /// <summary>The site's scope key, copied so the row is scoped on its own.</summary>
    public string ScopeKey { get; set; } = "";
    public long SiteId { get; set; }
    public DateTime InspectedAt { get; set; }
    public string Inspector { get; set; } = "";
    public string? Note { get; set; }
    public bool Passed { get; set; }
    public DateTime CreatedAt { get; set; }
    public List<SiteInspectionItem> Items { get; set; } = [];
}

/// <summary>The result of one checklist item in an inspection.</summary>
public sealed class SiteInspectionItem : IJurisdictionOwned
{
    public long Id { get; set; }
    public string CountyCode { get; set; } = "";
    /// <summary>The site's scope key, copied so the row is scoped on its own.</summary>
    public string ScopeKey { get; set; } = "";
    public long InspectionId { get; set; }
    public string StandardCode { get; set; } = "";
    public bool Passed { get; set; }
    /// <summary>What is wrong (required when the item fails) or what was seen.</summary>
    public string? Note { get; set; }
}

/// <summary>The verdict of an inspection: passed only when every active item was checked and passed.</summary>
public sealed record InspectionVerdict(bool Passed, IReadOnlyList<string> Failed, IReadOnlyList<string> Missing);

/// <summary>The rules of inspections, pure.</summary>
public static class InspectionRules
{
    /// <summary>The longest note on one item (what is wrong, what was seen).</summary>
    public const int MaxItemNote = 200;

    /// <summary>
    /// The verdict against the county's checklist: items of retired or unknown standards are ignored, an active
    /// standard without a result counts as missing, and the inspection passes only with nothing failed or missing.
    /// Failed and missing codes come in checklist order.
    /// </summary>
    public static InspectionVerdict Evaluate(IEnumerable<SiteStandard> standards, IEnumerable<SiteInspectionItem> items)
    {
        var results = new Dictionary<string, bool>(StringComparer.Ordinal);
        foreach (var item in items)
            // A standard reported twice passes only if both say so (Validate refuses duplicates; this stays safe).
            results[item.StandardCode] = item.Passed && results.GetValueOrDefault(item.StandardCode, true);
        var failed = new List<string>();
        var missing = new List<string>();
        foreach (var s in standards.Where(s => s.Active).OrderBy(s => s.Sequence).ThenBy(s => s.Code, StringComparer.Ordinal))
        {
            if (!results.TryGetValue(s.Code, out var passed)) missing.Add(s.Code);
            else if (!passed) failed.Add(s.Code);
        }
        return new InspectionVerdict(failed.Count == 0 && missing.Count == 0, failed, missing);
    }

    /// <summary>
    /// Field errors of an inspection before it is recorded: an inspector, results only for known standards, each
    /// standard once, and a note on every failed item (the site must know what to fix).
    /// </summary>
    public static IReadOnlyList<FieldError> Validate(SiteInspection inspection, IEnumerable<SiteStandard> standards)
    {
        var errors = new List<FieldError>();
        if (Text.Tidy(inspection.Inspector) is null) errors.Add(new("inspector", "inspector.required"));
        if (inspection.Note is { Length: > 500 }) errors.Add(new("note", "note.too-long"));
        var known = standards.Select(s => s.Code).ToHashSet(StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in inspection.Items)
        {
            var field = $"items.{item.StandardCode}";
            if (!known.Contains(item.StandardCode)) errors.Add(new(field, "standard.unknown"));
            else if (!seen.Add(item.StandardCode)) errors.Add(new(field, "standard.duplicate"));
            else if (!item.Passed && Text.Tidy(item.Note) is null) errors.Add(new(field, "note.required"));
            else if (item.Note is { Length: > MaxItemNote }) errors.Add(new(field, "standard.note-too-long"));
        }
        return errors;
    }
}
