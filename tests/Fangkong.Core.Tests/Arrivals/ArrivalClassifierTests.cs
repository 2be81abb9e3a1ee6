using Fangkong.Core.Arrivals;
using Fangkong.Core.Jurisdictions;
using Fangkong.Core.Orders;
using Fangkong.Core.Policy;

namespace Fangkong.Core.Tests.Arrivals;

public class ArrivalClassifierTests
{
    private static DateOnly D(string s) => DateOnly.Parse(s, System.Globalization.CultureInfo.InvariantCulture);
    private const string Jinshui = "410105"; // 郑州市金水区
    private const string Xiangcheng = "411302"; // hypothetical neighbour for "no areas"

    private static RiskArea Area(string county, string place, RiskLevel level, string from, string? to = null, string? local = null) => new()
    {
        AreaCountyCode = county,
        Place = place,
        PlaceKey = RiskAreaIndex.PlaceKey(place, NationalDivisions.Shared.County(county)?.FullName),
        Level = level,
        DesignatedOn = D(from),
        LiftedOn = to is null ? null : D(to),
        LocalReason = local,
    };

    private static ArrivalClassifier Classifier(params RiskArea[] areas) =>
        new(RulePackSet.Shipped("411326"), new RiskAreaIndex(areas), c => NationalDivisions.Shared.County(c)?.FullName);

    private static ArrivalFacts From(string county, string? place, string arrival, params TravelStop[] stops) =>
        new(D(arrival), county, place, false, stops);

    [Fact]
    public void HighRiskCompound_UnderNinthEdition_IsSevenDaysCentralized_FromLeaving()
    {
        var c = Classifier(Area(Jinshui, "河南省郑州市金水区花园路街道锦绣小区", RiskLevel.High, "2022-10-01"));
        var r = c.Classify(From(Jinshui, "花园路街道 锦绣小区 3号楼", "2022-10-05",
            new TravelStop(Jinshui, "花园路街道锦绣小区3号楼", D("2022-09-28"), D("2022-10-04"))));
        Assert.True(r.ProposesOrder);
        Assert.Equal(Reasons.HighRiskArea, r.Applied!.Reason);
        Assert.Equal(D("2022-10-04"), r.Order!.ExposureDate);
        Assert.Equal("cn-9th#high-risk-area", r.Order.RuleReference);
        var m = Assert.Single(r.Order.Measures);
        Assert.Equal(MeasureKinds.CentralizedQuarantine, m.Kind);
        Assert.Equal(D("2022-10-10"), m.To);
        Assert.Equal([D("2022-10-04"), D("2022-10-05"), D("2022-10-06"), D("2022-10-08"), D("2022-10-10")], m.TestDates);
    }

    [Fact]
    public void RestOfACountyWithRiskAreas_IsLowRisk_ThreeDaysTwoTests()
    {
        var c = Classifier(Area(Jinshui, "锦绣小区", RiskLevel.High, "2022-10-01"));
        var r = c.Classify(From(Jinshui, "经三路 某某大厦", "2022-10-05"));
        Assert.Equal(Reasons.LowRiskArea, r.Applied!.Reason);
        Assert.Equal(MeasureKinds.ThreeDaysTwoTests, r.Order!.Measures[0].Kind);
        Assert.Equal(D("2022-10-05"), r.Order.ExposureDate);
    }

    [Fact]
    public void CountyWithoutListings_IsReleased()
    {
        var c = Classifier(Area(Jinshui, "锦绣小区", RiskLevel.High, "2022-10-01"));
        var r = c.Classify(From("110105", "朝阳区某小区", "2022-10-05"));
        Assert.False(r.ProposesOrder);
        Assert.Empty(r.Found);
    }

    [Fact]
    public void LiftedListing_CountsOnlyWhileActive_AndStayBeyondLookBackIsIgnored()
    {
        var c = Classifier(Area(Jinshui, "锦绣小区", RiskLevel.High, "2022-09-01", "2022-09-20"));
        // Left on 2022-09-20 (the last day listed), arrived 2022-09-25: day 6 of 7 → still two days to go.
        var r = c.Classify(From(Jinshui, "锦绣小区", "2022-09-25", new TravelStop(Jinshui, "锦绣小区", D("2022-09-10"), D("2022-09-24"))));
        Assert.Equal(Reasons.HighRiskArea, r.Applied!.Reason);
        Assert.Equal(D("2022-09-20"), r.Applied.Exposure);
        Assert.Equal(D("2022-09-26"), r.Order!.End);
        // Arriving on 2022-09-28 the seven days are over: nothing to manage.
        var later = c.Classify(From(Jinshui, "锦绣小区", "2022-09-28", new TravelStop(Jinshui, "锦绣小区", D("2022-09-10"), D("2022-09-27"))));
        Assert.False(later.ProposesOrder);
    }

    [Fact]
    public void Strictest_Wins_HighOverMediumOverYellowCode()
    {
        var c = Classifier(
            Area(Jinshui, "锦绣小区", RiskLevel.Medium, "2022-10-01"),
            Area("410102", "某某村", RiskLevel.High, "2022-10-01"));
        var r = c.Classify(new ArrivalFacts(D("2022-10-06"), Jinshui, "锦绣小区", false,
            [new TravelStop("410102", "某某村", D("2022-10-02"), D("2022-10-03"))], HealthCode: "yellow"));
        Assert.Equal(3, r.Found.Count);
        Assert.Equal(Reasons.HighRiskArea, r.Applied!.Reason);
    }

    [Fact]
    public void TwentyMeasures_HighRiskIsHomeQuarantine_NewTen_LowRiskIsNotManaged()
    {
        var c = Classifier(Area(Jinshui, "锦绣小区", RiskLevel.High, "2022-11-01"));
        var r = c.Classify(From(Jinshui, "锦绣小区", "2022-11-20"));
        Assert.Equal("cn-20-measures", r.Pack.Id);
        Assert.Equal(MeasureKinds.HomeQuarantine, r.Order!.Measures[0].Kind);
        var low = c.Classify(From(Jinshui, "别处", "2022-12-08"));
        Assert.Equal("cn-new-10", low.Pack.Id);
        Assert.False(low.ProposesOrder);
    }

    [Fact]
    public void LocalLayer_ExpertJudgedArea_GivesFourteenDaysCentralized_MarkedLocal()
    {
        var c = Classifier(Area("310115", "浦东新区某镇", RiskLevel.Low, "2022-03-20", local: "expert-judged-risk-area"));
        var r = c.Classify(From("310115", "浦东新区某镇某村", "2022-04-02"));
        Assert.Equal("expert-judged-risk-area", r.Applied!.Reason);
        Assert.True(r.Order!.Local);
        Assert.Equal("local#expert-judged-risk-area", r.Order.RuleReference);
        Assert.Equal(14, r.Order.Measures[0].ToDay);
    }

    [Fact]
    public void Inbound_StartsOnArrival()
    {
        var r = Classifier().Classify(new ArrivalFacts(D("2022-08-01"), null, null, true, []));
        Assert.Equal(Reasons.Inbound, r.Applied!.Reason);
        Assert.Equal(D("2022-08-01"), r.Order!.ExposureDate);
        Assert.Equal(MeasureKinds.CentralizedQuarantine, r.Order.Measures[0].Kind);
    }

    [Fact]
    public void Index_AnswersWasAtLevel_AndActiveIn()
    {
        var index = new RiskAreaIndex([
            Area(Jinshui, "锦绣小区", RiskLevel.High, "2022-10-01", "2022-10-07"),
            Area(Jinshui, "锦绣小区", RiskLevel.Medium, "2022-10-08", "2022-10-14"),
            Area(Xiangcheng, "某村", RiskLevel.High, "2022-10-20")]);
        Assert.True(index.WasAtLevel(Jinshui, "锦绣小区", RiskLevel.High, D("2022-10-07")));
        Assert.False(index.WasAtLevel(Jinshui, "锦绣小区", RiskLevel.High, D("2022-10-08")));
        Assert.True(index.WasAtLevel(Jinshui, "锦绣小区", RiskLevel.Medium, D("2022-10-08")));
        Assert.Equal(2, index.ActiveIn(Jinshui, D("2022-10-05"), D("2022-10-09")).Count());
        Assert.Empty(index.ActiveIn(Xiangcheng, D("2022-10-01"), D("2022-10-19")));
    }

    [Fact]
    public void PlaceKey_CutsTheAdministrativePrefix()
    {
        var name = NationalDivisions.Shared.County(Jinshui)!.FullName;
        Assert.Equal("锦绣小区", RiskAreaIndex.PlaceKey("河南省 郑州市 金水区 锦绣小区", name));
        Assert.Equal("锦绣小区", RiskAreaIndex.PlaceKey("郑州市金水区锦绣小区", name));
        Assert.Equal("锦绣小区", RiskAreaIndex.PlaceKey("锦绣小区", name));
    }
}
