namespace Fangkong.Core.Policy;

/// <summary>One measure laid out on the calendar: day numbers count from 1 = the exposure date.</summary>
public sealed record EvaluatedMeasure(
    string Kind,
    int FromDay,
    int ToDay,
    DateOnly From,
    DateOnly To,
    IReadOnlyList<int> TestDays,
    IReadOnlyList<DateOnly> TestDates);

/// <summary>
/// What the rules in force say about a reason: the pack and rule (the legal basis) and the measures with their dates.
/// No measures means the pack does not manage that reason.
/// </summary>
public sealed record PolicyEvaluation(
    RulePack Pack,
    ReasonRule? Rule,
    DateOnly ExposureDate,
    DateOnly EvaluatedOn,
    IReadOnlyList<EvaluatedMeasure> Measures)
{
    public bool Managed => Measures.Count > 0;
    public bool Local => Rule?.Local == true;
    /// <summary>The saved version of the county's local layer the evaluation read (0: the layer as shipped).</summary>
    public int LocalVersion { get; init; }
    /// <summary>The saved version of what required the measures: the local layer's when a local rule did, else the pack's.</summary>
    public int RuleVersion => Local ? LocalVersion : Pack.Version;
    /// <summary>A stable reference to the rule, written on orders and in the audit trail: "cn-9th#close-contact".</summary>
    public string RuleReference => $"{(Local ? "local" : Pack.Id)}#{Rule?.Reason ?? "none"}";
    public DateOnly? End => Measures.Count == 0 ? null : Measures[^1].To;

    /// <summary>
    /// Whether this evaluation asks more of the person than another: the harsher measure (a site over home quarantine
    /// over monitoring), then longer confinement, then the later end, then more tests. One person, several reasons,
    /// one order under the strictest.
    /// </summary>
    public bool IsStricterThan(PolicyEvaluation other)
    {
        if (Severity != other.Severity) return Severity > other.Severity;
        if (ConfinedDays != other.ConfinedDays) return ConfinedDays > other.ConfinedDays;
        if (End != other.End) return End > other.End;
        return Measures.Sum(m => m.TestDays.Count) > other.Measures.Sum(m => m.TestDays.Count);
    }

    private int Severity => Measures.Count == 0 ? 0 : Measures.Max(m => MeasureKinds.Severity(m.Kind));
    private int ConfinedDays => Measures.Where(m => MeasureKinds.Confines(m.Kind)).Sum(m => m.ToDay - m.FromDay + 1);
}

/// <summary>
/// A rule reference read against the rules: the pack or local layer it cites (id, name, English name when it has one)
/// and the reason; <see cref="Rule"/> is null when the pack has no rule of that name (a release, "none").
/// </summary>
public sealed record RuleCitation(string PackId, string PackName, string? PackNameEn, string Reason, bool Local, ReasonRule? Rule);

/// <summary>
/// The national packs and the county's local layer: picks the pack in force on a date and lays a reason's measures out
/// from the exposure date. Immutable; built once from data and shared.
/// </summary>
public sealed class RulePackSet
{
    private readonly List<RulePack> _packs;

    public RulePackSet(IEnumerable<RulePack> packs, LocalLayer local)
    {
        _packs = packs.OrderBy(p => p.EffectiveFrom).ToList();
        if (_packs.Count == 0) throw new RulePackException("at least one rule pack is needed");
        for (var i = 1; i < _packs.Count; i++)
            if (_packs[i - 1].EffectiveTo is { } end && end >= _packs[i].EffectiveFrom)
                throw new RulePackException($"{_packs[i - 1].Id} and {_packs[i].Id} overlap");
        Local = local;
    }

    public IReadOnlyList<RulePack> Packs => _packs;
    public LocalLayer Local { get; }

    /// <summary>The shipped packs with the shipped local layer of a county (an empty layer when there is none).</summary>
    public static RulePackSet Shipped(string county)
    {
        var packs = RulePackJson.ShippedPacks().Select(p => RulePackJson.ReadPack(p.Json));
        var local = RulePackJson.ShippedLocal(county) is { } json ? RulePackJson.ReadLocal(json) : LocalLayer.Empty(county);
        return new RulePackSet(packs, local);
    }

    /// <summary>The pack in force on a date; before the first pack, the first; after the last, the last.</summary>
    public RulePack PackFor(DateOnly date)
    {
        for (var i = _packs.Count - 1; i >= 0; i--)
            if (date >= _packs[i].EffectiveFrom) return _packs[i];
        return _packs[0];
    }

    /// <summary>
    /// The reasons that bring a measure on a date: the pack's and the county's local rules in force, in the pack's order
    /// with the local ones after (what a cadre may pick when opening an order).
    /// </summary>
    public IReadOnlyList<string> ManagedReasonsOn(DateOnly on)
    {
        var pack = PackFor(on);
        return pack.Reasons.Keys.Concat(Local.Rules.Where(r => r.InForceOn(on)).Select(r => r.Rule.Reason)).Distinct()
            .Where(reason => RuleFor(reason, on).Rule is { Measures.Count: > 0 }).ToList();
    }

    /// <summary>
    /// Whether a reason is one the rules speak of at all: named by any pack (of any edition) or by the county's local
    /// layer. A known reason a pack does not manage on a date evaluates to no measures; an unknown one is a mistake
    /// (a typing error, a reason from another system) and is refused where it is asked about.
    /// </summary>
    public bool Knows(string reason) => _packs.Any(p => p.Reasons.ContainsKey(reason)) || Local.Rules.Any(r => r.Rule.Reason == reason);

    /// <summary>The rule for a reason on a date: the county's local rule when one is in force, else the pack's.</summary>
    public (RulePack Pack, ReasonRule? Rule) RuleFor(string reason, DateOnly on)
    {
        var pack = PackFor(on);
        var local = Local.Rules.LastOrDefault(r => r.Rule.Reason == reason && r.InForceOn(on));
        if (local is not null) return (pack, local.Rule);
        return (pack, pack.Reasons.GetValueOrDefault(reason));
    }

    /// <summary>The rule a reference names ("cn-9th#close-contact", "local#expert-judged-risk-area"), or null.</summary>
    public ReasonRule? RuleOf(string reference)
    {
        var hash = reference.IndexOf('#');
        if (hash <= 0) return null;
        var (pack, reason) = (reference[..hash], reference[(hash + 1)..]);
        return pack == RulePackVersion.LocalLayerId
            ? Local.Rules.FirstOrDefault(r => r.Rule.Reason == reason)?.Rule
            : _packs.FirstOrDefault(p => p.Id == pack)?.Reasons.GetValueOrDefault(reason);
    }

    /// <summary>
    /// What a stored rule reference names, for showing it to people: the pack (or the county's local layer) by its
    /// names, and the reason after the '#' ("cn-9th#close-contact"; "cn-9th#release" for an arrival the pack lets go,
    /// "…#none" for a reason it does not manage, both without a rule). Null when the reference names no pack of the
    /// set: the audit trail's other rules ("risk-area-list", "monitoring#fever-or-symptom") or a pack since removed.
    /// </summary>
    public RuleCitation? Cite(string? reference)
    {
        var hash = reference?.IndexOf('#') ?? -1;
        if (hash <= 0 || hash == reference!.Length - 1) return null;
        var (packId, reason) = (reference[..hash], reference[(hash + 1)..]);
        if (packId == RulePackVersion.LocalLayerId)
            return new RuleCitation(packId, Local.Name, Local.NameEn, reason, true, RuleOf(reference));
        return _packs.FirstOrDefault(p => p.Id == packId) is { } pack
            ? new RuleCitation(packId, pack.Name, pack.NameEn, reason, false, pack.Reasons.GetValueOrDefault(reason))
            : null;
    }

    /// <summary>
    /// Lays out the measures of a reason. Day 1 is the exposure date (last contact, leaving the area, or arrival for
    /// inbound travellers); the rules are those in force on <paramref name="on"/> (by default the exposure date).
    /// </summary>
    public PolicyEvaluation Evaluate(string reason, DateOnly exposure, DateOnly? on = null)
    {
        var date = on ?? exposure;
        var (pack, rule) = RuleFor(reason, date);
        return new PolicyEvaluation(pack, rule, exposure, date, RuleLayout.Measures(rule, exposure)) { LocalVersion = Local.Version };
    }

    /// <summary>
    /// The level of site the county sends a person under these reasons to on a date: the county's site when any reason
    /// is placed there (the stricter setting wins), else the township's when any reason is placed there, else null (no
    /// preference: the nearest suitable site of either level). The placement that decided it is returned with it.
    /// </summary>
    public SitePlacement? PlacementFor(IEnumerable<string> reasons, DateOnly on)
    {
        var set = reasons.ToHashSet(StringComparer.Ordinal);
        var inForce = Local.PlacementsOn(on).Where(p => set.Contains(p.Reason)).ToList();
        return inForce.FirstOrDefault(p => p.Level == SitePlacement.County) ?? inForce.FirstOrDefault();
    }

    /// <summary>The strictest of several reasons (see <see cref="PolicyEvaluation.IsStricterThan"/>).</summary>
    public PolicyEvaluation Strictest(IEnumerable<string> reasons, DateOnly exposure, DateOnly? on = null) =>
        reasons.Select(r => Evaluate(r, exposure, on)).Aggregate((best, next) => next.IsStricterThan(best) ? next : best);
}
