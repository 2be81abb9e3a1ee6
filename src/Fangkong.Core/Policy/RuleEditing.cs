using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Fangkong.Core.Orders;
using Fangkong.Core.People;

namespace Fangkong.Core.Policy;

/// <summary>One measure as a cadre types it in the rule form: a kind picked from a list, days and test days as text.</summary>
public sealed record MeasureDraft(string? Kind, string? Days, string? TestDays);

/// <summary>
/// How the command centre edits one reason's rule in words instead of JSON: the form's measures are read here (field
/// errors name the measure and the box), and the rule is written back into the pack's JSON with everything else in the
/// pack left as it was, so the saved version goes through the same validation, versioning and audit as any edit.
/// </summary>
public static class RuleEditing
{
    /// <summary>Most measures one reason's rule has in the form (the longest in the 2022 packs has two: "7+3").</summary>
    public const int MaxMeasures = 3;

    /// <summary>
    /// The form's measures as rules, or the errors by field ("measures[1].testDays"). A row with no kind and nothing
    /// else typed is an unused row and is skipped; a rule with no measure at all means the pack does not manage the
    /// reason (release "not-managed").
    /// </summary>
    public static (IReadOnlyList<MeasureRule> Measures, IReadOnlyList<FieldError> Errors) Read(IReadOnlyList<MeasureDraft> drafts)
    {
        var measures = new List<MeasureRule>();
        var errors = new List<FieldError>();
        for (var i = 0; i < drafts.Count; i++)
        {
            var d = drafts[i];
            var at = $"measures[{i}]";
            var kind = Text.Tidy(d.Kind);
            if (kind is null)
            {
                if (Text.Tidy(d.Days) is not null || Text.Tidy(d.TestDays) is not null) errors.Add(new FieldError(at + ".kind", "required"));
                continue;
            }
            if (!MeasureKinds.Known.Contains(kind)) { errors.Add(new FieldError(at + ".kind", "rule.kind-unknown:" + kind)); continue; }
            if (!int.TryParse(Text.Tidy(d.Days), NumberStyles.None, CultureInfo.InvariantCulture, out var days) || days is < 1 or > 60)
            {
                errors.Add(new FieldError(at + ".days", "rule.days-range"));
                continue;
            }
            var (tests, testError) = TestDays(d.TestDays, days);
            if (testError is not null) { errors.Add(new FieldError(at + ".testDays", testError)); continue; }
            measures.Add(new MeasureRule(kind, days, tests));
        }
        return (measures, errors);
    }

    /// <summary>
    /// "1,2,3,5,7", "1、4、7", "1 2" or with full-width commas: the days of PCR tests counted from the measure's own day 1,
    /// each once and within the measure. Blank: no test.
    /// </summary>
    public static (IReadOnlyList<int> Days, string? Error) TestDays(string? text, int measureDays)
    {
        var parts = (text ?? "").Split([',', '，', '、', ' ', '　', ';', '；'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var days = new List<int>();
        foreach (var part in parts)
        {
            var digits = part.TrimStart('第').TrimEnd('天');
            if (!int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var day)) return ([], "rule.test-days-unreadable:" + part);
            if (day < 1 || day > measureDays) return ([], "rule.test-day-outside:" + day.ToString(CultureInfo.InvariantCulture));
            if (days.Contains(day)) return ([], "rule.test-day-twice:" + day.ToString(CultureInfo.InvariantCulture));
            days.Add(day);
        }
        days.Sort();
        return (days, null);
    }

    /// <summary>
    /// The pack's JSON with one reason's rule set to these measures, release condition and basis (added when the pack
    /// had no rule for the reason). Every other reason, the admission rules and the pack's own fields are kept as they
    /// were; the reason's English basis is dropped when the Chinese one changes (it would no longer say the same).
    /// </summary>
    public static string WithRule(string packJson, string reason, IReadOnlyList<MeasureRule> measures, string release, string? basis)
    {
        var pack = Parse(packJson);
        var reasons = pack["reasons"] as JsonObject ?? new JsonObject();
        pack["reasons"] = reasons;
        reasons[reason] = RuleObject(reasons[reason] as JsonObject, new JsonObject(), measures, release, basis);
        return pack.ToJsonString(Written);
    }

    /// <summary>
    /// The county's local layer with one of its rules (by position; null adds one at the end) set to this reason,
    /// period, measures, release and basis; its other rules, its site placements and its own fields kept as they were.
    /// </summary>
    public static string WithLocalRule(string layerJson, int? index, string reason, DateOnly from, DateOnly? to, IReadOnlyList<MeasureRule> measures, string release, string? basis)
    {
        var layer = Parse(layerJson);
        var rules = layer["rules"] as JsonArray ?? new JsonArray();
        layer["rules"] = rules;
        var old = index is { } i && i >= 0 && i < rules.Count ? rules[i] as JsonObject : null;
        if (index is not null && old is null) throw new RulePackException($"rules[{index}]: no such rule");
        var head = new JsonObject
        {
            ["reason"] = reason,
            ["effectiveFrom"] = from.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        };
        if (to is { } end) head["effectiveTo"] = end.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var rule = RuleObject(old is not null && (string?)old["reason"] == reason ? old : null, head, measures, release, basis);
        if (old is null) rules.Add(rule);
        else rules[index!.Value] = rule;
        return layer.ToJsonString(Written);
    }

    /// <summary>A rule's JSON: <paramref name="head"/> (the local layer's reason and period), then basis, release and measures.</summary>
    private static JsonObject RuleObject(JsonObject? old, JsonObject head, IReadOnlyList<MeasureRule> measures, string release, string? basis)
    {
        var rule = head;
        // The document's own words, kept as written (full-width punctuation included).
        var tidyBasis = string.IsNullOrWhiteSpace(basis) ? null : basis.Trim();
        if (tidyBasis is not null) rule["basis"] = tidyBasis;
        if (old?["basisEn"] is JsonNode en && tidyBasis is not null && (string?)old["basis"] == tidyBasis) rule["basisEn"] = en.DeepClone();
        if (old?["confidence"] is JsonNode confidence) rule["confidence"] = confidence.DeepClone();
        rule["release"] = measures.Count == 0 ? OrderRules.NotManaged : release;
        rule["measures"] = new JsonArray([.. measures.Select(m => (JsonNode)new JsonObject
        {
            ["kind"] = m.Kind,
            ["days"] = m.Days,
            ["testDays"] = new JsonArray([.. m.TestDays.Select(d => (JsonNode)JsonValue.Create(d))]),
        })]);
        return rule;
    }

    /// <summary>The pack's JSON without its rule for a reason: the pack no longer manages it.</summary>
    public static string WithoutRule(string packJson, string reason)
    {
        var pack = Parse(packJson);
        (pack["reasons"] as JsonObject)?.Remove(reason);
        return pack.ToJsonString(Written);
    }

    private static JsonObject Parse(string json) =>
        JsonNode.Parse(json, documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true }) as JsonObject
        ?? throw new RulePackException("a rule pack is a JSON object");

    /// <summary>Indented, with Chinese written as itself (the JSON stays readable in the editor and in history).</summary>
    private static readonly JsonSerializerOptions Written = new()
    {
        WriteIndented = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };
}
