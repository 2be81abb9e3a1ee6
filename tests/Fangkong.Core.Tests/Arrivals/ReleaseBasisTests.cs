using Fangkong.Core.Arrivals;

namespace Fangkong.Core.Tests.Arrivals;

/// <summary>A release names its basis from the classification's data: the pack it was classified under and the reason, if any.</summary>
public class ReleaseBasisTests
{
    [Fact]
    public void AReleaseNamesItsPackAndReason_OrThatNoStopWasListed_AndAnOrderHasNone()
    {
        Assert.Equal(new ReleaseBasis("cn-9th", "low-risk-area"), ReleaseBasis.Of(ArrivalStatus.ReleaseProposed, "cn-9th#release", "low-risk-area,yellow-code"));
        Assert.Equal(new ReleaseBasis("cn-8th", null), ReleaseBasis.Of(ArrivalStatus.Released, "cn-8th#release", null));
        Assert.True(ReleaseBasis.Of(ArrivalStatus.Released, "cn-8th#release", "")!.NotListed);
        Assert.Null(ReleaseBasis.Of(ArrivalStatus.OrderProposed, "cn-9th#high-risk-area", "high-risk-area"));
        Assert.Null(ReleaseBasis.Of(ArrivalStatus.Submitted, null, null));
        Assert.Null(ReleaseBasis.Of(ArrivalStatus.Released, "cn-9th#high-risk-area", "high-risk-area"));
    }
}
