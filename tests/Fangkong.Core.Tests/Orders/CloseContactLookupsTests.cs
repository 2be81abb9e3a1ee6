using Fangkong.Core.Orders;

namespace Fangkong.Core.Tests.Orders;

public class CloseContactLookupsTests
{
    private static readonly DateTime Now = new(2022, 10, 5, 1, 0, 0, DateTimeKind.Utc);

    private static IEnumerable<DateTime> MinutesAgo(params double[] minutes) => minutes.Select(m => Now.AddMinutes(-m));

    [Fact]
    public void UnderTheLimit_ALookUpIsAllowed()
    {
        var allowance = CloseContactLookups.Check(MinutesAgo(1, 2), 3, Now);
        Assert.Equal(new LookupAllowance(true, null), allowance);
        Assert.Equal(0, allowance.MinutesToWait(Now));
        Assert.True(CloseContactLookups.Check([], 30, Now).Allowed);
    }

    [Fact]
    public void AtTheLimit_Refused_UntilTheOldestLookUpThatCountsLeavesTheWindow()
    {
        // Three in the window (9.5, 4 and 1 minutes ago), limit 3: the one 9.5 minutes ago leaves in half a minute.
        var refused = CloseContactLookups.Check(MinutesAgo(9.5, 4, 1), 3, Now);
        Assert.False(refused.Allowed);
        Assert.Equal(Now.AddMinutes(0.5), refused.NextAt);
        Assert.Equal(1, refused.MinutesToWait(Now));
        // Four in the window, limit 3: two must leave, so the wait is until the second oldest (6 minutes ago) is 10 old.
        var four = CloseContactLookups.Check(MinutesAgo(9.5, 6, 4, 1), 3, Now);
        Assert.Equal(Now.AddMinutes(4), four.NextAt);
        Assert.Equal(4, four.MinutesToWait(Now));
        // At that moment it is allowed again.
        Assert.True(CloseContactLookups.Check(MinutesAgo(9.5, 6, 4, 1), 3, Now.AddMinutes(4)).Allowed);
        Assert.False(CloseContactLookups.Check(MinutesAgo(9.5, 6, 4, 1), 3, Now.AddMinutes(3.9)).Allowed);
    }

    [Fact]
    public void LookUpsOutsideTheWindow_OrAfterNow_DoNotCount()
    {
        // Exactly ten minutes old has left the window; one stamped after now (another node's clock) is not counted.
        Assert.True(CloseContactLookups.Check(MinutesAgo(10, 25, 60, -1, 2), 2, Now).Allowed);
        Assert.False(CloseContactLookups.Check(MinutesAgo(9.99, 2), 2, Now).Allowed);
    }

    [Fact]
    public void ALimitBelowOne_AllowsOneLookUpPerWindow()
    {
        Assert.True(CloseContactLookups.Check([], 0, Now).Allowed);
        Assert.False(CloseContactLookups.Check(MinutesAgo(3), 0, Now).Allowed);
    }

    [Fact]
    public void TheOrdersALookUpReturned_AreReadBackExactly()
    {
        var found = CloseContactLookups.Found([12, 340]);
        Assert.Equal("12,340", found);
        Assert.True(CloseContactLookups.Returned(found, 12));
        Assert.True(CloseContactLookups.Returned(found, 340));
        Assert.False(CloseContactLookups.Returned(found, 34));
        Assert.False(CloseContactLookups.Returned(found, 1));
        Assert.Null(CloseContactLookups.Found([]));
        Assert.False(CloseContactLookups.Returned(null, 12));
        Assert.False(CloseContactLookups.Returned("-12", 12));
    }
}
