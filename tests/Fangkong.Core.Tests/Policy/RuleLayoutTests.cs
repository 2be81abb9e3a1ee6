using Fangkong.Core.Policy;

namespace Fangkong.Core.Tests.Policy;

/// <summary>A reason's measures on the calendar, as the rule-pack page's example dates show them.</summary>
public class RuleLayoutTests
{
    private static DateOnly D(string s) => DateOnly.Parse(s, System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// The 8th edition's close contact, exposed on 2022-12-30: 14 days at a site with tests on its days 1, 4, 7 and 14,
    /// then 7 days at home with tests on the home measure's own days 2 and 7 (days 16 and 21 of the whole), across the
    /// new year.
    /// </summary>
    [Fact]
    public void Measures_CountTestDaysFromEachMeasuresOwnDayOne_FromTheExposureDate()
    {
        var rule = new ReasonRule("close-contact",
            [new MeasureRule(MeasureKinds.CentralizedQuarantine, 14, [1, 4, 7, 14]), new MeasureRule(MeasureKinds.HomeHealthMonitoring, 7, [2, 7])],
            "all-tests-negative", null, null, false);
        var measures = RuleLayout.Measures(rule, D("2022-12-30"));
        Assert.Equal((D("2022-12-30"), D("2023-01-12")), (measures[0].From, measures[0].To));
        Assert.Equal([D("2022-12-30"), D("2023-01-02"), D("2023-01-05"), D("2023-01-12")], measures[0].TestDates);
        Assert.Equal((D("2023-01-13"), D("2023-01-19")), (measures[1].From, measures[1].To));
        Assert.Equal([D("2023-01-14"), D("2023-01-19")], measures[1].TestDates);
        Assert.Equal([16, 21], measures[1].TestDays);
        Assert.Empty(RuleLayout.Measures(null, D("2022-12-30")));
    }

    /// <summary>The shipped packs lay a reason out the same way an evaluation does.</summary>
    [Fact]
    public void Measures_AreWhatAnEvaluationLaysOut()
    {
        var set = RulePackSet.Shipped("411326");
        var evaluation = set.Evaluate("close-contact", D("2022-10-05"));
        static IEnumerable<string> Shape(IEnumerable<EvaluatedMeasure> measures) =>
            measures.Select(m => $"{m.Kind} {m.FromDay}-{m.ToDay} {m.From:yyyy-MM-dd}-{m.To:yyyy-MM-dd} [{string.Join(",", m.TestDates.Select(d => d.ToString("MM-dd", System.Globalization.CultureInfo.InvariantCulture)))}]");
        Assert.Equal(2, evaluation.Measures.Count);
        Assert.Equal(Shape(evaluation.Measures), Shape(RuleLayout.Measures(evaluation.Rule, D("2022-10-05"))));
    }
}
