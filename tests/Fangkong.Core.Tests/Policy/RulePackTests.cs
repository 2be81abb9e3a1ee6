using Fangkong.Core.Policy;

namespace Fangkong.Core.Tests.Policy;

/// <summary>The shipped rule packs against the tables of DOMAIN.md (§1.2 and §2), including the days packs change.</summary>
public class RulePackTests
{
    private static readonly RulePackSet Set = RulePackSet.Shipped("411326");
    private static DateOnly D(string s) => DateOnly.Parse(s, System.Globalization.CultureInfo.InvariantCulture);

    private static string Shape(PolicyEvaluation e) =>
        string.Join(" + ", e.Measures.Select(m => $"{m.Kind} {m.FromDay}-{m.ToDay} [{string.Join(",", m.TestDays)}]"));

    [Theory]
    [InlineData("2022-06-27", "cn-8th")]
    [InlineData("2022-06-28", "cn-9th")]
    [InlineData("2022-11-10", "cn-9th")]
    [InlineData("2022-11-11", "cn-20-measures")]
    [InlineData("2022-12-06", "cn-20-measures")]
    [InlineData("2022-12-07", "cn-new-10")]
    [InlineData("2022-03-17", "cn-8th")]
    public void PackFor_PicksThePackInForce_OnTheBoundaries(string date, string pack) =>
        Assert.Equal(pack, Set.PackFor(D(date)).Id);

    [Theory]
    // 8th edition: close contacts 14 + 7, tests 1, 4, 7, 14.
    [InlineData("close-contact", "2022-06-27", "centralized-quarantine 1-14 [1,4,7,14] + home-health-monitoring 15-21 [16,21]")]
    // 9th edition: 7 + 3, tests 1, 2, 3, 5, 7 and home day 3 (= day 10).
    [InlineData("close-contact", "2022-06-28", "centralized-quarantine 1-7 [1,2,3,5,7] + home-health-monitoring 8-10 [10]")]
    [InlineData("secondary-contact", "2022-09-09", "home-quarantine 1-7 [1,4,7]")]
    [InlineData("inbound", "2022-09-09", "centralized-quarantine 1-7 [1,2,3,5,7] + home-health-monitoring 8-10 [10]")]
    [InlineData("high-risk-area", "2022-09-09", "centralized-quarantine 1-7 [1,2,3,5,7]")]
    [InlineData("medium-risk-area", "2022-09-09", "home-quarantine 1-7 [1,4,7]")]
    [InlineData("low-risk-area", "2022-09-09", "three-days-two-tests 1-3 [1,2]")]
    [InlineData("closed-loop-worker", "2022-09-09", "closed-loop-work 1-7 [1,2,3,4,5,6,7]")]
    [InlineData("close-contact", "2022-11-10", "centralized-quarantine 1-7 [1,2,3,5,7] + home-health-monitoring 8-10 [10]")]
    // 20 measures: 5 + 3 (home quarantine), tests centralized 1, 2, 3, 5 and home 1, 3 (= days 6, 8).
    [InlineData("close-contact", "2022-11-11", "centralized-quarantine 1-5 [1,2,3,5] + home-quarantine 6-8 [6,8]")]
    [InlineData("high-risk-area", "2022-11-23", "home-quarantine 1-7 [1,3,5,7]")]
    [InlineData("secondary-contact", "2022-11-23", "")]
    [InlineData("medium-risk-area", "2022-11-23", "")]
    [InlineData("closed-loop-worker-exit", "2022-11-23", "home-health-monitoring 1-5 [1,3,5]")]
    [InlineData("inbound", "2022-12-06", "centralized-quarantine 1-5 [1,2,3,5] + home-quarantine 6-8 [6,8]")]
    // New 10: 5 days home quarantine, released after a negative test on day 5.
    [InlineData("close-contact", "2022-12-07", "home-quarantine 1-5 [5]")]
    [InlineData("positive-case-mild", "2022-12-07", "home-isolation 1-7 [6,7]")]
    [InlineData("high-risk-area", "2022-12-07", "")]
    // The reasons raised by screening, sentinels and codes: a positive pool isolates its people in place for the
    // individual re-test; a sentinel hit and a yellow code bring three days two tests; a red code is confinement.
    [InlineData("positive-pool", "2022-05-10", "in-place-isolation 1-1 [1]")]
    [InlineData("positive-pool", "2022-09-09", "in-place-isolation 1-1 [1]")]
    [InlineData("positive-pool", "2022-11-23", "in-place-isolation 1-1 [1]")]
    [InlineData("sentinel-hit", "2022-05-10", "three-days-two-tests 1-3 [1,2]")]
    [InlineData("sentinel-hit", "2022-11-23", "three-days-two-tests 1-3 [1,2]")]
    [InlineData("red-code", "2022-05-10", "centralized-quarantine 1-14 [1,4,7,14]")]
    [InlineData("red-code", "2022-09-09", "centralized-quarantine 1-7 [1,2,3,5,7]")]
    [InlineData("red-code", "2022-11-23", "home-quarantine 1-5 [1,3,5]")]
    [InlineData("yellow-code", "2022-05-10", "three-days-two-tests 1-3 [1,2]")]
    [InlineData("yellow-code", "2022-09-09", "three-days-two-tests 1-3 [1,2]")]
    // The star: the 8th edition's monitoring, the county's stricter local rule from 17 March, gone with the star on 29 June.
    [InlineData("star-travel-card", "2022-03-01", "home-health-monitoring 1-14 [1,7]")]
    [InlineData("star-travel-card", "2022-05-10", "home-health-monitoring 1-14 [1,7,14]")]
    [InlineData("star-travel-card", "2022-07-01", "")]
    [InlineData("red-code", "2022-12-07", "")]
    public void Evaluate_MatchesTheProtocolTables(string reason, string date, string expected) =>
        Assert.Equal(expected, Shape(Set.Evaluate(reason, D(date))));

    [Fact]
    public void Evaluate_DatesCountFromTheExposureDay_AndOnPicksThePack()
    {
        // Exposed on 9 Nov under the 9th edition, evaluated on 11 Nov under the 20 measures: 5 + 3 from 9 Nov.
        var e = Set.Evaluate("close-contact", D("2022-11-09"), D("2022-11-11"));
        Assert.Equal("cn-20-measures", e.Pack.Id);
        Assert.Equal(D("2022-11-09"), e.Measures[0].From);
        Assert.Equal(D("2022-11-13"), e.Measures[0].To);
        Assert.Equal([D("2022-11-09"), D("2022-11-10"), D("2022-11-11"), D("2022-11-13")], e.Measures[0].TestDates);
        Assert.Equal(D("2022-11-14"), e.Measures[1].From);
        Assert.Equal([D("2022-11-14"), D("2022-11-16")], e.Measures[1].TestDates);
        Assert.Equal("cn-20-measures#close-contact", e.RuleReference);
        Assert.Equal(D("2022-11-16"), e.End);
    }

    [Fact]
    public void LocalLayer_AppliesStricterCountyRules_AndSaysSo()
    {
        // Seed 000 (淅川, 17 Mar 2022): arrivals from areas provincial experts judged risky are quarantined centrally.
        var e = Set.Evaluate("expert-judged-risk-area", D("2022-03-20"));
        Assert.True(e.Local);
        Assert.Equal("local#expert-judged-risk-area", e.RuleReference);
        Assert.Equal("centralized-quarantine 1-14 [1,4,7,14]", Shape(e));
        Assert.Equal("cn-8th", e.Pack.Id);
        // Out of its period the local rule does not apply and the national pack has no such reason.
        Assert.False(Set.Evaluate("expert-judged-risk-area", D("2022-07-01")).Managed);
        // Another county has no such layer.
        Assert.False(RulePackSet.Shipped("500242").Evaluate("expert-judged-risk-area", D("2022-03-20")).Managed);
    }

    [Fact]
    public void ManagedReasons_AreThoseOfThePackAndTheLocalLayerInForce()
    {
        var spring = Set.ManagedReasonsOn(D("2022-05-10"));
        Assert.Contains("close-contact", spring);
        Assert.Contains("star-travel-card", spring);
        Assert.Contains("expert-judged-risk-area", spring);   // the county's own layer
        var late = Set.ManagedReasonsOn(D("2022-11-23"));
        Assert.DoesNotContain("secondary-contact", late);      // no longer managed under the 20 measures
        Assert.DoesNotContain("expert-judged-risk-area", late); // the local rule ended in June
        Assert.Contains("positive-pool", late);
        Assert.All(Set.ManagedReasonsOn(D("2022-12-10")), r => Assert.True(Set.Evaluate(r, D("2022-12-10")).Managed));
    }

    [Fact]
    public void Strictest_OfSeveralReasons_TakesTheLongestConfinement()
    {
        var e = Set.Strictest(["low-risk-area", "close-contact", "medium-risk-area"], D("2022-09-09"));
        Assert.Equal("close-contact", e.Rule!.Reason);
    }

    [Fact]
    public void Admission_CertificateWindowsFollowThePack()
    {
        Assert.Equal(48, Set.PackFor(D("2022-03-17")).Admission.CertificateHoursFor("hotel"));
        Assert.Equal(72, Set.PackFor(D("2022-10-01")).Admission.CertificateHoursFor("scenic-spot"));
        Assert.Equal(24, Set.PackFor(D("2022-10-01")).Admission.CertificateHoursFor("entertainment"));
        Assert.Null(Set.PackFor(D("2022-12-10")).Admission.CertificateHoursFor("hotel")); // new 10: only care homes, schools, hospitals
        Assert.Equal(48, Set.PackFor(D("2022-12-10")).Admission.CertificateHoursFor("elderly-home"));
        Assert.True(Set.PackFor(D("2022-03-17")).Admission.TravelCardStarBlocks);
    }

    [Theory]
    [InlineData("{}", "id is required")]
    [InlineData("{\"id\":\"x\",\"name\":\"x\",\"effectiveFrom\":\"2022-13-01\"}", "effectiveFrom")]
    [InlineData("{\"id\":\"x\",\"name\":\"x\",\"effectiveFrom\":\"2022-01-01\",\"reasons\":{\"close-contact\":{\"measures\":[{\"kind\":\"home-quarantine\",\"days\":7,\"testDays\":[8]}]}}}", "testDays")]
    [InlineData("{\"id\":\"x\",\"name\":\"x\",\"effectiveFrom\":\"2022-01-01\",\"reasons\":{\"Close Contact\":{}}}", "reason")]
    [InlineData("{\"id\":\"x\",\"name\":\"x\",\"effectiveFrom\":\"2022-01-01\",\"surprise\":1}", "not a valid rule pack")]
    [InlineData("not json", "not a valid rule pack")]
    [InlineData("{\"id\":\"x\",\"name\":\"x\",\"effectiveFrom\":\"2022-01-01\",\"reasons\":{\"close-contact\":{\"measures\":[{\"kind\":\"home-quarantine\",\"days\":7}],\"release\":\"when-the-mayor-says\"}}}", "reasons.close-contact.release: one of all-tests-negative, end-of-assignment, not-managed")]
    public void ReadPack_BadInput_SaysWhereTheProblemIs(string json, string expected)
    {
        var e = Assert.Throws<RulePackException>(() => RulePackJson.ReadPack(json));
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void ShippedPacks_AllParse_AndDoNotOverlap()
    {
        Assert.Equal(["cn-8th", "cn-9th", "cn-20-measures", "cn-new-10"], Set.Packs.Select(p => p.Id));
        Assert.All(Set.Packs, p => Assert.All(p.Reasons.Values, r => Assert.All(r.Measures, m => Assert.InRange(m.Days, 1, 60))));
    }
    [Fact]
    public void SitePlacements_TheCountyLevelWins_AndOnlyInTheirPeriod()
    {
        // The shipped 淅川 layer: close contacts to the county's sites, secondary contacts to the township's.
        Assert.Equal("county", Set.PlacementFor(["close-contact"], D("2022-10-05"))!.Level);
        Assert.Equal("township", Set.PlacementFor(["secondary-contact"], D("2022-10-05"))!.Level);
        // Several reasons: the county's site when any of them is placed there.
        var both = Set.PlacementFor(["secondary-contact", "close-contact"], D("2022-10-05"))!;
        Assert.Equal(("county", "close-contact"), (both.Level, both.Reason));
        Assert.Null(Set.PlacementFor(["low-risk-area"], D("2022-10-05")));
        Assert.Null(Set.PlacementFor(["close-contact"], D("2022-03-16")));
        Assert.Null(RulePackSet.Shipped("500242").PlacementFor(["close-contact"], D("2022-10-05")));
        Assert.All(Set.Packs, p => Assert.True(p.FamilyRooms));
    }

    [Theory]
    [InlineData("{\"reason\":\"close-contact\",\"level\":\"city\",\"effectiveFrom\":\"2022-01-01\"}", "sitePlacements[0].level: county or township")]
    [InlineData("{\"reason\":\"Close Contact\",\"level\":\"county\",\"effectiveFrom\":\"2022-01-01\"}", "sitePlacements[0].reason")]
    [InlineData("{\"reason\":\"close-contact\",\"level\":\"county\"}", "sitePlacements[0]: effectiveFrom is required")]
    [InlineData("{\"reason\":\"close-contact\",\"level\":\"county\",\"effectiveFrom\":\"2022-01-01\"},{\"reason\":\"close-contact\",\"level\":\"township\",\"effectiveFrom\":\"2022-05-01\"}", "two placements of close-contact overlap on 2022-05-01")]
    public void SitePlacements_BadInput_SaysWhereTheProblemIs(string placements, string expected)
    {
        var json = $"{{\"county\":\"411326\",\"sitePlacements\":[{placements}]}}";
        var e = Assert.Throws<RulePackException>(() => RulePackJson.ReadLocal(json));
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void FamilyRooms_APackCanSayNo()
    {
        var pack = RulePackJson.ReadPack("{\"id\":\"x\",\"name\":\"x\",\"effectiveFrom\":\"2022-01-01\",\"familyRooms\":false}");
        Assert.False(pack.FamilyRooms);
    }

    [Fact]
    public void AnOrdersRuleReference_FindsItsRule_WithTheEnglishBasisTheDataShips()
    {
        var rule = Set.RuleOf("cn-9th#close-contact")!;
        Assert.Equal("close-contact", rule.Reason);
        Assert.StartsWith("7+3", rule.BasisEn);
        Assert.Contains("密切接触者", rule.Basis);
        Assert.True(Set.RuleOf("local#expert-judged-risk-area")!.Local);
        Assert.Null(Set.RuleOf("cn-9th#no-such-reason"));
        Assert.Null(Set.RuleOf("nonsense"));
    }

    /// <summary>
    /// A stored rule reference reads back as the pack it cites, by its names in both languages, and the reason: the
    /// county's layer as "local", a release as a reference without a rule, anything else (another rule of the audit
    /// trail, a pack the set does not hold, a reference cut short) as nothing.
    /// </summary>
    [Fact]
    public void ARuleReference_CitesItsPackByName_AndItsReason()
    {
        var nine = Set.Cite("cn-9th#high-risk-area")!;
        Assert.Equal(("cn-9th", "新型冠状病毒肺炎防控方案（第九版）", "COVID-19 prevention and control protocol, 9th edition", "high-risk-area", false),
            (nine.PackId, nine.PackName, nine.PackNameEn, nine.Reason, nine.Local));
        Assert.Same(Set.RuleOf("cn-9th#high-risk-area"), nine.Rule);

        var local = Set.Cite("local#expert-judged-risk-area")!;
        Assert.True(local.Local);
        Assert.Equal("淅川县疫情防控指挥部补充措施", local.PackName);
        Assert.Equal("Xichuan county command centre: additional measures", local.PackNameEn);
        Assert.True(local.Rule!.Local);

        var release = Set.Cite("cn-9th#release")!;
        Assert.Equal(("cn-9th", "release"), (release.PackId, release.Reason));
        Assert.Null(release.Rule);

        foreach (var other in new[] { "risk-area-list", "monitoring#fever-or-symptom", "cn-7th#close-contact", "cn-9th#", "#close-contact", "", null })
            Assert.Null(Set.Cite(other));
    }

    /// <summary>
    /// A reason is known when any pack of any edition or the county's local layer names it: a known reason the pack in
    /// force does not manage evaluates to no measures; a reason nobody names is not known at all.
    /// </summary>
    [Fact]
    public void AReason_IsKnown_WhenAnyPackOrTheLocalLayerNamesIt()
    {
        Assert.True(Set.Knows(Reasons.CloseContact));
        Assert.True(Set.Knows("closed-loop-worker-exit"));      // only the 20 measures name it
        Assert.Empty(Set.Evaluate("closed-loop-worker-exit", D("2022-10-01")).Measures); // not managed under the 9th edition
        Assert.True(Set.Knows("expert-judged-risk-area"));      // the county's own layer
        Assert.False(Set.Knows("no-such-reason"));
        Assert.False(Set.Knows("Close-Contact"));
        Assert.False(Set.Knows(""));
        Assert.False(RulePackSet.Shipped("999999").Knows("expert-judged-risk-area")); // another county has no such layer
    }
}
