using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Fangkong.Core.Orders;

namespace Fangkong.Core.Tasks;

/// <summary>
/// What a work task is about, as data: a message code and its arguments ("positive-test?day=7",
/// "fever?temperature=38.2&amp;symptoms=DryCough,Fatigue"). <see cref="WorkTask.Title"/> stores <see cref="Format"/>;
/// the reader's language comes from the locale files when it is shown (<see cref="Render"/>: the template
/// <c>TaskTitle_{code}</c> with <c>{argument}</c> placeholders; code-valued arguments — symptoms, a spot check's
/// outcome, a report slot — named item by item). Titles stored before this shape (English sentences) are read back
/// by <see cref="Parse"/> too.
/// </summary>
public sealed partial class TaskTitle : IEquatable<TaskTitle>
{
    public const string PositiveTestCode = "positive-test";
    public const string LandingTestPositiveCode = "landing-test-positive";
    public const string VerificationPositiveCode = "verification-positive";
    public const string LinkedContactPositiveCode = "linked-contact-positive";
    public const string SpotCheckCode = "spot-check";
    public const string FeverCode = "fever";
    public const string MissedReportCode = "missed-report";

    /// <summary>Every code a title may carry (each has a template in every locale).</summary>
    public static IReadOnlyList<string> Codes { get; } =
        [PositiveTestCode, LandingTestPositiveCode, VerificationPositiveCode, LinkedContactPositiveCode, SpotCheckCode, FeverCode, MissedReportCode];

    /// <summary>Arguments whose values are codes, with the prefix of their words in the locale files; a list is comma-separated.</summary>
    public static IReadOnlyDictionary<string, string> CodedArguments { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["symptoms"] = "Symptom_", ["outcome"] = "Outcome_", ["slot"] = "TaskTitleSlot_",
    };

    /// <summary>The key of the separator between the items of a list argument ("、" in Chinese).</summary>
    public const string ListSeparatorKey = "ListSeparator";

    /// <summary>The key of a code's template.</summary>
    public static string TemplateKey(string code) => "TaskTitle_" + code;

    private readonly (string Name, string Value)[] _arguments;

    private TaskTitle(string code, params (string Name, string Value)[] arguments)
    {
        Code = code;
        _arguments = arguments;
    }

    public string Code { get; }

    public IReadOnlyList<(string Name, string Value)> Arguments => _arguments;

    public string? this[string name] => _arguments.FirstOrDefault(a => a.Name == name).Value;

    /// <summary>A test of day <paramref name="day"/> of an order came back positive.</summary>
    public static TaskTitle PositiveTest(int day) => new(PositiveTestCode, ("day", Invariant(day)));

    /// <summary>The landing test of an arrival (by its reference) came back positive.</summary>
    public static TaskTitle LandingTestPositive(string arrivalReference) => new(LandingTestPositiveCode, ("arrival", arrivalReference));

    /// <summary>The person of a pushed verification task tested positive.</summary>
    public static TaskTitle VerificationPositive(long verificationTaskId) => new(VerificationPositiveCode, ("task", Invariant(verificationTaskId)));

    /// <summary>The close contact this secondary contact is linked to tested positive: manage the person as a close contact.</summary>
    public static TaskTitle LinkedContactPositive() => new(LinkedContactPositiveCode);

    /// <summary>A spot check found something (the person away, unwell…).</summary>
    public static TaskTitle SpotCheck(SpotCheckOutcome outcome) => new(SpotCheckCode, ("outcome", outcome.ToString()));

    /// <summary>A report with a fever or symptoms: the temperature (one decimal) and the symptoms, if any.</summary>
    public static TaskTitle Fever(decimal temperature, Symptoms symptoms) =>
        symptoms == Symptoms.None
            ? new(FeverCode, ("temperature", Temperature(temperature)))
            : new(FeverCode, ("temperature", Temperature(temperature)), ("symptoms", SymptomList(symptoms)));

    /// <summary>No report for the slot of the day by its deadline.</summary>
    public static TaskTitle MissedReport(DateOnly date, ReportSlot slot) =>
        new(MissedReportCode, ("date", date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)), ("slot", slot.ToString()));

    /// <summary>The canonical stored text: the code, then the arguments as a query string (values escaped).</summary>
    public string Format() =>
        _arguments.Length == 0 ? Code : Code + "?" + string.Join("&", _arguments.Select(a => a.Name + "=" + Escape(a.Value)));

    /// <summary>A value escaped as in a query string, its commas kept (the separator of a list reads better as itself).</summary>
    private static string Escape(string value) => Uri.EscapeDataString(value).Replace("%2C", ",", StringComparison.Ordinal);

    public override string ToString() => Format();

    /// <summary>
    /// A stored title as a value: the canonical shape, or one of the English sentences titles were stored as before;
    /// null for anything else (show it as it is).
    /// </summary>
    public static TaskTitle? Parse(string? stored)
    {
        if (string.IsNullOrWhiteSpace(stored)) return null;
        var m = CanonicalShape().Match(stored);
        if (m.Success)
        {
            if (!Codes.Contains(m.Groups[1].Value, StringComparer.Ordinal)) return null;
            var args = new List<(string, string)>();
            if (m.Groups[2].Success)
                foreach (var pair in m.Groups[2].Value.Split('&', StringSplitOptions.RemoveEmptyEntries))
                {
                    var eq = pair.IndexOf('=', StringComparison.Ordinal);
                    if (eq <= 0) return null;
                    args.Add((pair[..eq], Uri.UnescapeDataString(pair[(eq + 1)..])));
                }
            return new TaskTitle(m.Groups[1].Value, [.. args]);
        }
        return Legacy(stored.Trim());
    }

    /// <summary>
    /// The title in words: the code's template from <paramref name="words"/> (a locale lookup, null when a key is
    /// missing) with each placeholder replaced by its argument (code-valued ones in words; a missing one by nothing).
    /// Without a template, the canonical text.
    /// </summary>
    public string Render(Func<string, string?> words)
    {
        ArgumentNullException.ThrowIfNull(words);
        if (words(TemplateKey(Code)) is not { Length: > 0 } template) return Format();
        var text = Placeholder().Replace(template, m => this[m.Groups[1].Value] is { } value ? Words(m.Groups[1].Value, value, words) : "");
        return Spaces().Replace(text, " ").Trim();
    }

    private static string Words(string name, string value, Func<string, string?> words)
    {
        if (!CodedArguments.TryGetValue(name, out var prefix)) return value;
        var items = value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return string.Join(words(ListSeparatorKey) ?? ", ", items.Select(i => words(prefix + i) ?? i));
    }

    public bool Equals(TaskTitle? other) => other is not null && string.Equals(Format(), other.Format(), StringComparison.Ordinal);

    public override bool Equals(object? obj) => Equals(obj as TaskTitle);

    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Format());

    private static TaskTitle? Legacy(string s)
    {
        Match m;
        if ((m = LegacyPositiveTest().Match(s)).Success && int.TryParse(m.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var day))
            return PositiveTest(day);
        if ((m = LegacyLandingTest().Match(s)).Success) return LandingTestPositive(m.Groups[1].Value);
        if ((m = LegacyVerification().Match(s)).Success && long.TryParse(m.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
            return VerificationPositive(id);
        if (s == "the linked close contact tested positive: manage as a close contact") return LinkedContactPositive();
        if ((m = LegacySpotCheck().Match(s)).Success && Enum.TryParse<SpotCheckOutcome>(m.Groups[1].Value, out var outcome) && Enum.IsDefined(outcome))
            return SpotCheck(outcome);
        if ((m = LegacyFever().Match(s)).Success && decimal.TryParse(m.Groups[1].Value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var t)
            && Enum.TryParse<Symptoms>(m.Groups[2].Value, out var symptoms))
            return Fever(t, symptoms);
        if ((m = LegacyMissedReport().Match(s)).Success
            && DateOnly.TryParseExact(m.Groups[1].Value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
            return MissedReport(date, m.Groups[2].Value == "morning" ? ReportSlot.Morning : ReportSlot.Evening);
        return null;
    }

    private static string Invariant(long n) => n.ToString(CultureInfo.InvariantCulture);

    private static string Temperature(decimal t) => t.ToString("0.0", CultureInfo.InvariantCulture);

    private static string SymptomList(Symptoms symptoms)
    {
        var sb = new StringBuilder();
        foreach (var s in Enum.GetValues<Symptoms>())
            if (s != Symptoms.None && symptoms.HasFlag(s)) sb.Append(sb.Length == 0 ? "" : ",").Append(s.ToString());
        return sb.ToString();
    }

    [GeneratedRegex(@"^([a-z][a-z0-9-]*)(?:\?(.*))?$")] private static partial Regex CanonicalShape();
    [GeneratedRegex(@"\{([a-z]+)\}")] private static partial Regex Placeholder();
    [GeneratedRegex(@"\s{2,}")] private static partial Regex Spaces();
    [GeneratedRegex(@"^day (\d+) test positive$")] private static partial Regex LegacyPositiveTest();
    [GeneratedRegex(@"^arrival (.+): landing test positive$")] private static partial Regex LegacyLandingTest();
    [GeneratedRegex(@"^verification task (\d+): test positive$")] private static partial Regex LegacyVerification();
    [GeneratedRegex(@"^spot check: ([A-Za-z]+)$")] private static partial Regex LegacySpotCheck();
    [GeneratedRegex(@"^(\d{2}(?:\.\d)?)°C ([A-Za-z, ]+)$")] private static partial Regex LegacyFever();
    [GeneratedRegex(@"^(\d{4}-\d{2}-\d{2}) (morning|evening) report missing$")] private static partial Regex LegacyMissedReport();
}
