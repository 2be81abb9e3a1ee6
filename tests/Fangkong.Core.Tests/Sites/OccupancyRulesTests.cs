using Fangkong.Core.Sites;

namespace Fangkong.Core.Tests.Sites;

public class OccupancyRulesTests
{
    private static readonly DateOnly D1 = new(2022, 11, 1);
    private static DateOnly D(int day) => D1.AddDays(day - 1);

    [Fact]
    public void Daily_CountsNightsAdmissionsAndDischarges()
    {
        StayDays[] stays =
        [
            new(D(1), D(8)),      // 7 nights: 1–7
            new(D(3), null),      // still there
            new(D(5), D(5)),      // in and out the same day: no night
            new(D(6), D(9)),      // 6, 7, 8
        ];
        var days = OccupancyRules.Daily(D(1), D(9), stays, capacity: 10);
        Assert.Equal(9, days.Count);
        Assert.Equal([1, 1, 2, 2, 2, 3, 3, 2, 1], days.Select(d => d.Occupied));
        Assert.Equal([1, 0, 1, 0, 1, 1, 0, 0, 0], days.Select(d => d.CheckedIn));
        Assert.Equal([0, 0, 0, 0, 1, 0, 0, 1, 1], days.Select(d => d.CheckedOut));
        Assert.All(days, d => Assert.Equal(10, d.Capacity));
    }

    [Fact]
    public void Daily_StaysStartedBeforeTheWindowCountFromItsFirstDay()
    {
        StayDays[] stays =
        [
            new(D(1), D(4)),      // leaves on the window's first day: a discharge, no night
            new(D(1), D(6)),      // there on days 4 and 5
            new(D(2), null),      // there throughout
            new(D(1), D(2)),      // gone before the window
        ];
        var days = OccupancyRules.Daily(D(4), D(7), stays, 5);
        Assert.Equal([2, 2, 1, 1], days.Select(d => d.Occupied));
        Assert.Equal([1, 0, 1, 0], days.Select(d => d.CheckedOut));
        Assert.All(days, d => Assert.Equal(0, d.CheckedIn));
    }

    [Fact]
    public void Daily_IgnoresStaysAfterTheWindowAndImpossibleOnes()
    {
        StayDays[] stays = [new(D(10), null), new(D(5), D(3))];
        var days = OccupancyRules.Daily(D(1), D(7), stays, 0);
        Assert.All(days, d => Assert.Equal((0, 0, 0), (d.Occupied, d.CheckedIn, d.CheckedOut)));
    }

    [Fact]
    public void Daily_RejectsAnEmptyOrTooLongWindow()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => OccupancyRules.Daily(D(2), D(1), [], 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => OccupancyRules.Daily(D(1), D(1).AddDays(400), [], 0));
    }
}
