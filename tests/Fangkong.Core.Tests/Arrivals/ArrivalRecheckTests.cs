using Fangkong.Core.Arrivals;
using Fangkong.Core.Policy;

namespace Fangkong.Core.Tests.Arrivals;

/// <summary>What a recent arrival needs when the list changed after it was classified.</summary>
public class ArrivalRecheckTests
{
    private static readonly RulePackSet Rules = RulePackSet.Shipped("411326");
    private static readonly DateOnly Today = new(2022, 10, 6);
    private static PolicyEvaluation Evaluate(string reason, string exposure = "2022-10-04") =>
        Rules.Evaluate(reason, DateOnly.Parse(exposure, System.Globalization.CultureInfo.InvariantCulture), Today);

    [Theory]
    [InlineData(ArrivalStatus.Released, null, RecheckOutcome.ProposeOrder)]
    [InlineData(ArrivalStatus.ReleaseProposed, null, RecheckOutcome.ProposeOrder)]
    [InlineData(ArrivalStatus.OrderProposed, null, RecheckOutcome.ProposeOrder)]
    [InlineData(ArrivalStatus.OrderProposed, Reasons.MediumRiskArea, RecheckOutcome.MakeProposalStricter)]
    [InlineData(ArrivalStatus.OrderProposed, Reasons.HighRiskArea, RecheckOutcome.None)]
    [InlineData(ArrivalStatus.OrderConfirmed, Reasons.MediumRiskArea, RecheckOutcome.FlagConfirmed)]
    [InlineData(ArrivalStatus.OrderConfirmed, Reasons.HighRiskArea, RecheckOutcome.None)]
    [InlineData(ArrivalStatus.Cancelled, null, RecheckOutcome.None)]
    [InlineData(ArrivalStatus.Submitted, null, RecheckOutcome.None)]
    public void ANewHighRiskListing_AsksOnlyForWhatTheArrivalDoesNotHaveYet(ArrivalStatus status, string? standing, RecheckOutcome expected)
    {
        var outcome = ArrivalRecheck.Decide(status, Evaluate(Reasons.HighRiskArea), standing is null ? null : Evaluate(standing), Today);
        Assert.Equal(expected, outcome);
        Assert.Equal(status is not (ArrivalStatus.Cancelled or ArrivalStatus.Submitted), ArrivalRecheck.Candidate(status));
    }

    [Fact]
    public void NothingIsAsked_WhenTheFreshClassificationManagesNothing_OrItsMeasureIsAlreadyOver()
    {
        Assert.Equal(RecheckOutcome.None, ArrivalRecheck.Decide(ArrivalStatus.Released, null, null, Today));
        // Left the compound on 09-20: 7 days of quarantine ended on 09-26.
        Assert.Equal(RecheckOutcome.None, ArrivalRecheck.Decide(ArrivalStatus.Released, Evaluate(Reasons.HighRiskArea, "2022-09-20"), null, Today));
    }
}
