namespace Fangkong.Core.Policy;

/// <summary>
/// A reason's measures on the calendar. Day 1 is the exposure date; each measure follows the one before it, and its
/// test days count from the measure's own day 1 (a home measure's "day 1" after 7 days at a site is day 8 of the whole).
/// The one layout an evaluation, an order and the rule-pack page's example dates share.
/// </summary>
public static class RuleLayout
{
    public static IReadOnlyList<EvaluatedMeasure> Measures(ReasonRule? rule, DateOnly exposure)
    {
        var measures = new List<EvaluatedMeasure>();
        var day = 1;
        foreach (var m in rule?.Measures ?? [])
        {
            var from = day;
            var to = day + m.Days - 1;
            var tests = m.TestDays.Select(t => from + t - 1).ToList();
            measures.Add(new EvaluatedMeasure(m.Kind, from, to, exposure.AddDays(from - 1), exposure.AddDays(to - 1), tests,
                tests.Select(t => exposure.AddDays(t - 1)).ToList()));
            day = to + 1;
        }
        return measures;
    }
}
