using Fangkong.Core.Orders;
using Fangkong.Core.Policy;

namespace Fangkong.Core.Tests.Policy;

/// <summary>Editing one reason's rule in words: the form's measures read with errors by field, the pack written back.</summary>
public class RuleEditingTests
{
    private static string NinthJson => RulePackJson.ShippedPacks().Single(p => p.Id == "cn-9th").Json;

    [Fact]
    public void Read_TakesTheMeasuresInOrder_SkipsUnusedRows_AndReadsTestDaysAsCountiesTypeThem()
    {
        var (measures, errors) = RuleEditing.Read([
            new MeasureDraft(MeasureKinds.CentralizedQuarantine, "5", "1，3、5"),
            new MeasureDraft("", "", ""),
            new MeasureDraft(MeasureKinds.HomeHealthMonitoring, " 3 ", "第3天"),
        ]);
        Assert.Empty(errors);
        Assert.Equal(2, measures.Count);
        Assert.Equal((MeasureKinds.CentralizedQuarantine, 5), (measures[0].Kind, measures[0].Days));
        Assert.Equal([1, 3, 5], measures[0].TestDays);
        Assert.Equal([3], measures[1].TestDays);
    }

    [Theory]
    [InlineData("centralized-quarantine", "0", "", "measures[0].days", "rule.days-range")]
    [InlineData("centralized-quarantine", "61", "", "measures[0].days", "rule.days-range")]
    [InlineData("centralized-quarantine", "七", "", "measures[0].days", "rule.days-range")]
    [InlineData("centralized-quarantine", "7", "1,8", "measures[0].testDays", "rule.test-day-outside:8")]
    [InlineData("centralized-quarantine", "7", "0", "measures[0].testDays", "rule.test-day-outside:0")]
    [InlineData("centralized-quarantine", "7", "1,4,4", "measures[0].testDays", "rule.test-day-twice:4")]
    [InlineData("centralized-quarantine", "7", "1,x", "measures[0].testDays", "rule.test-days-unreadable:x")]
    [InlineData("sea-quarantine", "7", "1", "measures[0].kind", "rule.kind-unknown:sea-quarantine")]
    [InlineData("", "7", "1", "measures[0].kind", "required")]
    public void Read_NamesTheMeasureAndTheBox_ForEveryMistake(string kind, string days, string tests, string field, string code)
    {
        var (measures, errors) = RuleEditing.Read([new MeasureDraft(kind, days, tests)]);
        Assert.Empty(measures);
        var error = Assert.Single(errors);
        Assert.Equal((field, code), (error.Field, error.Code));
    }

    [Fact]
    public void WithRule_ChangesOneReason_AndKeepsTheRestOfThePack()
    {
        var before = RulePackJson.ReadPack(NinthJson);
        var json = RuleEditing.WithRule(NinthJson, Reasons.CloseContact,
            [new MeasureRule(MeasureKinds.CentralizedQuarantine, 5, [1, 3, 5]), new MeasureRule(MeasureKinds.HomeHealthMonitoring, 3, [3])],
            OrderRules.AllTestsNegative, "县指挥部：密接 5+3");
        var after = RulePackJson.ReadPack(json);

        var rule = after.Reasons[Reasons.CloseContact];
        Assert.Equal(8, rule.TotalDays);
        Assert.Equal([1, 3, 5], rule.Measures[0].TestDays);
        Assert.Equal("县指挥部：密接 5+3", rule.Basis);
        Assert.Null(rule.BasisEn); // the English no longer says the same
        Assert.Equal(before.Reasons[Reasons.CloseContact].Confidence, rule.Confidence);
        // Everything else is as it was.
        Assert.Equal((before.Id, before.Name, before.EffectiveFrom, before.EffectiveTo, before.LookBackDays), (after.Id, after.Name, after.EffectiveFrom, after.EffectiveTo, after.LookBackDays));
        Assert.Equal(before.Reasons.Keys.Order(), after.Reasons.Keys.Order());
        foreach (var (reason, other) in before.Reasons.Where(r => r.Key != Reasons.CloseContact))
            Assert.Equal(other.Measures.Select(m => (m.Kind, m.Days, string.Join(",", m.TestDays))), after.Reasons[reason].Measures.Select(m => (m.Kind, m.Days, string.Join(",", m.TestDays))));
        Assert.Equal(before.Admission.CertificateHours, after.Admission.CertificateHours);
        Assert.Contains("县指挥部", json, StringComparison.Ordinal); // Chinese written as itself, readable in history
    }

    [Fact]
    public void WithRule_AddsAReasonThePackDidNotHave_AndNoMeasureMeansNotManaged()
    {
        Assert.False(RulePackJson.ReadPack(NinthJson).Reasons.ContainsKey(Reasons.StarTravelCard));
        var added = RulePackJson.ReadPack(RuleEditing.WithRule(NinthJson, Reasons.StarTravelCard, [new MeasureRule(MeasureKinds.ThreeDaysTwoTests, 3, [1, 2])], OrderRules.AllTestsNegative, null));
        Assert.Equal(3, added.Reasons[Reasons.StarTravelCard].TotalDays);

        var dropped = RulePackJson.ReadPack(RuleEditing.WithRule(NinthJson, Reasons.LowRiskArea, [], OrderRules.AllTestsNegative, "不再管理"));
        Assert.Empty(dropped.Reasons[Reasons.LowRiskArea].Measures);
        Assert.Equal(OrderRules.NotManaged, dropped.Reasons[Reasons.LowRiskArea].Release);
    }

    [Fact]
    public void WithRule_KeepsTheEnglishBasis_WhenTheChineseIsUnchanged()
    {
        var before = RulePackJson.ReadPack(NinthJson).Reasons[Reasons.HighRiskArea];
        var after = RulePackJson.ReadPack(RuleEditing.WithRule(NinthJson, Reasons.HighRiskArea, before.Measures, before.Release, before.Basis)).Reasons[Reasons.HighRiskArea];
        Assert.Equal(before.BasisEn, after.BasisEn);
    }

    private static string LocalJson => RulePackJson.ShippedLocal("411326")!;

    [Fact]
    public void WithLocalRule_ChangesOneRuleByPosition_KeepsItsEnglishAndTheOtherRulesAndPlacements()
    {
        var before = RulePackJson.ReadLocal(LocalJson);
        var first = before.Rules[0];
        var json = RuleEditing.WithLocalRule(LocalJson, 0, first.Rule.Reason, first.EffectiveFrom, new DateOnly(2022, 5, 31),
            [new MeasureRule(MeasureKinds.CentralizedQuarantine, 7, [1, 4, 7])], OrderRules.AllTestsNegative, first.Rule.Basis);
        var after = RulePackJson.ReadLocal(json);

        Assert.Equal(before.Rules.Count, after.Rules.Count);
        Assert.Equal((first.Rule.Reason, first.EffectiveFrom, (DateOnly?)new DateOnly(2022, 5, 31)), (after.Rules[0].Rule.Reason, after.Rules[0].EffectiveFrom, after.Rules[0].EffectiveTo));
        Assert.Equal(7, after.Rules[0].Rule.TotalDays);
        Assert.Equal(first.Rule.BasisEn, after.Rules[0].Rule.BasisEn);
        Assert.Equal(before.Rules.Skip(1).Select(r => (r.Rule.Reason, r.Rule.TotalDays, r.EffectiveFrom, r.EffectiveTo)), after.Rules.Skip(1).Select(r => (r.Rule.Reason, r.Rule.TotalDays, r.EffectiveFrom, r.EffectiveTo)));
        Assert.Equal(before.SitePlacements!.Count, after.SitePlacements!.Count);
        Assert.Equal((before.Name, before.NameEn, before.Source), (after.Name, after.NameEn, after.Source));
    }

    [Fact]
    public void WithLocalRule_AddsARuleAtTheEnd_WithAnOpenPeriod_AndRefusesAPositionThatIsNotThere()
    {
        var before = RulePackJson.ReadLocal(LocalJson);
        var json = RuleEditing.WithLocalRule(LocalJson, null, Reasons.YellowCode, new DateOnly(2022, 10, 1), null,
            [new MeasureRule(MeasureKinds.ThreeDaysTwoTests, 3, [1, 2])], OrderRules.AllTestsNegative, "黄码：三天两检");
        var after = RulePackJson.ReadLocal(json);
        Assert.Equal(before.Rules.Count + 1, after.Rules.Count);
        var added = after.Rules[^1];
        Assert.Equal((Reasons.YellowCode, new DateOnly(2022, 10, 1), (DateOnly?)null, "黄码：三天两检"), (added.Rule.Reason, added.EffectiveFrom, added.EffectiveTo, added.Rule.Basis));
        Assert.Throws<RulePackException>(() => RuleEditing.WithLocalRule(LocalJson, 99, Reasons.YellowCode, new DateOnly(2022, 10, 1), null, [], OrderRules.NotManaged, null));
    }
}
