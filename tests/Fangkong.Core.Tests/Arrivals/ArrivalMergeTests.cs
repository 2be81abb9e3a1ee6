using Fangkong.Core.Arrivals;
using Fangkong.Core.Jurisdictions;
using Fangkong.Core.Orders;
using Fangkong.Core.Policy;

namespace Fangkong.Core.Tests.Arrivals;

/// <summary>A same-day resubmission can only add to what an arrival is classified on, and a proposal only gives way to a stricter one.</summary>
public class ArrivalMergeTests
{
    private static DateOnly D(string s) => DateOnly.Parse(s, System.Globalization.CultureInfo.InvariantCulture);
    private const string Jinshui = "410105";
    private const string Erqi = "410103";
    private const string Xigong = "410303";

    private static RiskArea Area(string county, string place, RiskLevel level) => new()
    {
        AreaCountyCode = county, Place = place, PlaceKey = RiskAreaIndex.PlaceKey(place, NationalDivisions.Shared.County(county)?.FullName),
        Level = level, DesignatedOn = D("2022-10-01"),
    };

    private static readonly ArrivalClassifier Classifier = new(RulePackSet.Shipped("411326"),
        new RiskAreaIndex([Area(Jinshui, "锦绣小区", RiskLevel.High), Area(Erqi, "幸福小区", RiskLevel.Medium)]), c => NationalDivisions.Shared.County(c)?.FullName);

    private static ArrivalFacts Medium => new(D("2022-10-05"), Erqi, "幸福小区", false, [new TravelStop(Erqi, "幸福小区", D("2022-09-28"), D("2022-10-04"))], "yellow");
    private static ArrivalFacts NoRisk => new(D("2022-10-05"), Xigong, null, false, [], "green");
    private static ArrivalFacts High => new(D("2022-10-05"), Jinshui, "锦绣小区", false, [new TravelStop(Jinshui, "锦绣小区", D("2022-09-28"), D("2022-10-04"))]);

    [Fact]
    public void TheUnion_KeepsEveryDeclaredStay_TheOtherOriginAsAStay_AndTheStricterHealthCode()
    {
        var union = ArrivalMerge.Union(Medium, NoRisk, 7);
        Assert.Equal((Erqi, "幸福小区", "yellow"), (union.OriginCountyCode, union.OriginPlace, union.HealthCode));
        Assert.Contains(Medium.Stops[0], union.Stops);
        Assert.Contains(new TravelStop(Xigong, null, D("2022-09-29"), D("2022-10-05")), union.Stops);
        // The same origin again adds nothing.
        Assert.Equal(Medium.Stops, ArrivalMerge.Union(Medium, Medium, 7).Stops);
        Assert.True(ArrivalMerge.Union(NoRisk, NoRisk with { Inbound = true, TravelCardStar = true }, 7) is { Inbound: true, TravelCardStar: true });
        Assert.Equal("red", ArrivalMerge.StricterHealthCode("yellow", "red"));
        Assert.Equal("yellow", ArrivalMerge.StricterHealthCode("yellow", null));
    }

    [Fact]
    public void AProposal_GivesWayOnlyToAStricterOne()
    {
        var medium = Classifier.Classify(Medium).Order;
        Assert.Equal(MeasureKinds.HomeQuarantine, medium!.Measures[0].Kind);
        // A looser resubmission, classified on the union, is still the medium-risk measure: no replacement.
        var looser = Classifier.Classify(ArrivalMerge.Union(Medium, NoRisk, 7)).Order;
        Assert.False(ArrivalMerge.Replaces(looser, medium));
        Assert.False(ArrivalMerge.Replaces(Classifier.Classify(NoRisk).Order, medium));
        Assert.False(ArrivalMerge.Replaces(null, medium));
        // The high-risk compound is stricter; and any measure replaces a proposed release.
        var stricter = Classifier.Classify(ArrivalMerge.Union(Medium, High, 7)).Order;
        Assert.Equal(MeasureKinds.CentralizedQuarantine, stricter!.Measures[0].Kind);
        Assert.True(ArrivalMerge.Replaces(stricter, medium));
        Assert.True(ArrivalMerge.Replaces(medium, null));
    }

    [Fact]
    public void DecidedArrivals_AreNotRewritten_AndOrdersSitInTheArrivalsPlace()
    {
        Assert.True(ArrivalMerge.IsDecided(ArrivalStatus.OrderConfirmed));
        Assert.True(ArrivalMerge.IsDecided(ArrivalStatus.Released));
        Assert.False(ArrivalMerge.IsDecided(ArrivalStatus.OrderProposed));
        Assert.False(ArrivalMerge.IsDecided(ArrivalStatus.ReleaseProposed));
        // Going home (the household lies inside the destination): the household; registered elsewhere: the destination.
        Assert.Equal("411326100001001", ArrivalMerge.OrderScope("411326100001001", "411326100001"));
        Assert.Equal("411326100001", ArrivalMerge.OrderScope("411326200003004", "411326100001"));
    }

    [Fact]
    public void Names_DifferOnlyWhenTheyAreNotTheSame_SpacesAndCaseAside()
    {
        Assert.True(ArrivalMerge.NamesDiffer("戴凯涛", "假名字"));
        Assert.False(ArrivalMerge.NamesDiffer("戴凯涛", "戴 凯涛"));
        Assert.False(ArrivalMerge.NamesDiffer("Mary O'Neil", "mary o'neil"));
        Assert.Equal("name-mismatch,resubmitted-different", ArrivalFlags.With(ArrivalFlags.With(null, ArrivalFlags.NameMismatch), ArrivalFlags.Resubmitted));
        Assert.Equal("name-mismatch", ArrivalFlags.With("name-mismatch", ArrivalFlags.NameMismatch));
    }
}
