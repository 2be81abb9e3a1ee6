using System.Text.RegularExpressions;
using Fangkong.Core.Policy;
using Fangkong.Data.Policy;
using Fangkong.Web.Infrastructure;
using Microsoft.Extensions.Localization;

namespace Fangkong.Web.ClosedLoop;

/// <summary>
/// A stored rule reference in words, in the page's language, for every page that shows one (arrivals, orders, a
/// person's orders, timelines): a pack's rule as the pack's name and the reason ("《新型冠状病毒肺炎防控方案（第九版）》
/// 高风险区来返"); the audit trail's other rules ("monitoring#fever-or-symptom", "risk-area-list", "import:12") by their
/// names in the locale files; anything else as written. The rules are read once per request or circuit.
/// </summary>
public sealed partial class RuleNames(PolicyService policy, IStringLocalizer<ClosedLoopStrings> c)
{
    private Task<RulePackSet>? _rules;

    public async Task<RuleNames> LoadAsync()
    {
        // One read for all the components of a page, which may ask at once.
        await (_rules ??= policy.RulesAsync());
        return this;
    }

    /// <summary>The reference in words (several, as the trail joins them with "; ", one after another); null for none.</summary>
    public string? Text(string? reference) => Text(reference, reasonOnly: false);

    /// <summary>
    /// The reference in words, a pack's rule as its reason alone ("高风险区来返") for lists where every row cites the
    /// same pack; other rules read as <see cref="Text(string?)"/> does.
    /// </summary>
    public string? Text(string? reference, bool reasonOnly)
    {
        if (string.IsNullOrWhiteSpace(reference)) return null;
        var parts = reference.Split("; ", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return string.Join(c["ListSeparator"], parts.Select(p => One(p, reasonOnly)));
    }

    private string One(string reference, bool reasonOnly)
    {
        // Before the rules are read (a component's first render while it loads) a reference stays as written.
        if (_rules is { IsCompletedSuccessfully: true } loaded && loaded.Result.Cite(reference) is { } cited)
        {
            var pack = PackName(cited);
            var what = Word("Reason_" + cited.Reason) ?? Word("RuleOutcome_" + cited.Reason) ?? cited.Reason;
            return reasonOnly ? what : string.Format(c["RuleCited"], pack, what);
        }
        if (Word("Rule_" + reference) is { } known) return known;
        // A rule that names one record or batch: "import:12", "verification#35", "arrival#FK221005JXP3LD", "task#fever-transfer".
        var m = Numbered().Match(reference);
        if (m.Success && Word("Rule_" + m.Groups[1].Value + m.Groups[2].Value) is { } template)
            return string.Format(template, Word("Task_" + m.Groups[3].Value) ?? m.Groups[3].Value);
        return reference;
    }

    /// <summary>
    /// The name of the pack a rule reference cites ("cn-9th#release" → 新型冠状病毒肺炎防控方案（第九版）) in the reader's
    /// language; the reference's pack id before the rules are read or when it names no pack.
    /// </summary>
    public string PackNameOf(string reference) =>
        _rules is { IsCompletedSuccessfully: true } loaded && loaded.Result.Cite(reference) is { } cited ? PackName(cited) : reference.Split('#')[0];

    private static string PackName(RuleCitation cited) => Localized.IsChinese ? cited.PackName : cited.PackNameEn ?? cited.PackName;

    private string? Word(string key) => c[key] is { ResourceNotFound: false } s ? s.Value : null;

    [GeneratedRegex(@"^([a-z-]+)([#:])(.+)$")]
    private static partial Regex Numbered();
}
