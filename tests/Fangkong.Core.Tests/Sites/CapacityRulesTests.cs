using Fangkong.Core.Sites;
using static Fangkong.Core.Tests.Sites.SiteTestData;

namespace Fangkong.Core.Tests.Sites;

public class CapacityRulesTests
{
    private static long _next = 100;

    private static IEnumerable<Room> Rooms(long siteId, RoomState state, int count) =>
        Enumerable.Range(0, count).Select(_ => Room(id: Interlocked.Increment(ref _next), siteId: siteId, state: state)).ToList();

    private static List<Room> Mixed(long siteId = 1) =>
    [
        .. Rooms(siteId, RoomState.Ready, 5),
        .. Rooms(siteId, RoomState.Occupied, 3),
        .. Rooms(siteId, RoomState.AwaitingDisinfection, 1),
        .. Rooms(siteId, RoomState.Disinfected, 1),
        .. Rooms(siteId, RoomState.SuppliesReplaced, 1),
        .. Rooms(siteId, RoomState.OutOfService, 1),
    ];

    [Fact]
    public void Site_RoomsByState_ReserveAndFree()
    {
        var rooms = Mixed();
        var held = new HashSet<long> { rooms[0].Id };
        var c = CapacityRules.Summarize(Site(reserve: 2), rooms, held);
        Assert.Equal(12, c.Total);
        Assert.Equal(5, c.Ready);
        Assert.Equal(1, c.Held);
        Assert.Equal(3, c.Occupied);
        Assert.Equal((1, 1, 1), (c.AwaitingDisinfection, c.Disinfected, c.SuppliesReplaced));
        Assert.Equal(3, c.InTurnover);
        Assert.Equal(1, c.OutOfService);
        Assert.Equal(2, c.Reserve);
        Assert.Equal(2, c.Free);          // 5 ready − 1 held − 2 reserve
        Assert.Equal(9, c.Usable);        // 12 − 1 out of service − 2 reserve
    }

    [Fact]
    public void Site_ReserveLargerThanTheReadyRooms_LeavesNothingFree()
    {
        var c = CapacityRules.Summarize(Site(reserve: 10), Mixed());
        Assert.Equal(5, c.Reserve);
        Assert.Equal(0, c.Free);
        Assert.Equal(10, c.ReserveRooms);
        Assert.Equal(1, c.Usable);
    }

    [Fact]
    public void Site_WithoutReserve_EveryReadyRoomIsFree()
    {
        var c = CapacityRules.Summarize(Site(), Mixed());
        Assert.Equal((0, 5), (c.Reserve, c.Free));
    }

    [Fact]
    public void Site_OnlyItsOwnRoomsCount()
    {
        var c = CapacityRules.Summarize(Site(id: 1), [.. Mixed(1), .. Mixed(2)]);
        Assert.Equal(12, c.Total);
    }

    [Fact]
    public void County_InServiceSitesMakeTheCapacity_StandbySitesAreApart()
    {
        var inService = CapacityRules.Summarize(Site(id: 1, reserve: 1), Mixed(1));
        var standby = CapacityRules.Summarize(Site(id: 2, status: SiteStatus.StandbyReserve), [.. Rooms(2, RoomState.Ready, 4), .. Rooms(2, RoomState.Occupied, 2)]);
        var preparing = CapacityRules.Summarize(Site(id: 3, status: SiteStatus.Preparing), Rooms(3, RoomState.Ready, 50));
        var closed = CapacityRules.Summarize(Site(id: 4, status: SiteStatus.Closed), Rooms(4, RoomState.Ready, 50));
        var county = CapacityRules.Summarize([inService, standby, preparing, closed]);
        Assert.Equal(4, county.Sites.Count);
        Assert.Equal(12, county.Total);
        Assert.Equal(4, county.Free);
        Assert.Equal(1, county.Reserve);
        Assert.Equal(5, county.Occupied); // the standby site's people still count
        Assert.Equal(4, county.StandbyFree);
        Assert.Equal(10, county.Usable);
        Assert.Equal(3, county.InTurnover);
    }

    [Theory]
    [InlineData(5, 100, 10, null, true)]
    [InlineData(10, 100, 10, null, false)]  // equal is not under
    [InlineData(19, 100, null, 20.0, true)]
    [InlineData(20, 100, null, 20.0, false)]
    [InlineData(3, 10, null, 25.0, false)]  // 30 %
    [InlineData(2, 10, null, 25.0, true)]   // 20 %
    [InlineData(50, 100, 10, 60.0, true)]   // either threshold raises the alert
    [InlineData(0, 0, null, 10.0, true)]    // no capacity at all
    [InlineData(0, 0, null, null, false)]   // no threshold, no alert
    [InlineData(-5, 100, 0, null, true)]    // a shortfall is under "0 rooms"
    public void IsBelow_RoomsOrPercent(int free, int capacity, int? minRooms, double? minPercent, bool expected)
    {
        Assert.Equal(expected, CapacityRules.IsBelow(free, capacity, new CapacityThreshold(minRooms, (decimal?)minPercent)));
    }

    [Fact]
    public void IsBelow_OnTheCountyFigures()
    {
        var county = CapacityRules.Summarize([CapacityRules.Summarize(Site(reserve: 2), Mixed())]);
        // 5 ready − 2 reserve = 3 free of 9 usable.
        Assert.Equal((3, 9), (county.Free, county.Usable));
        Assert.True(CapacityRules.IsBelow(county, new CapacityThreshold(MinFreeRooms: 4)));
        Assert.False(CapacityRules.IsBelow(county, new CapacityThreshold(MinFreeRooms: 3)));
        Assert.True(CapacityRules.IsBelow(county, new CapacityThreshold(MinFreePercent: 34m)));
        Assert.False(CapacityRules.IsBelow(county, new CapacityThreshold(MinFreePercent: 33m)));
    }

    // Forecast ---------------------------------------------------------------------------------------------------------

    private static ForecastInput Input(int capacity = 100, int siteDays = 7, CapacityThreshold? threshold = null) => new(
        Today: D("2022-09-10"),
        OccupantsLeaveOn: [D("2022-09-12"), D("2022-09-12"), D("2022-09-15"), null],
        RecentDailyArrivals: [10, 20, 30],
        SiteShare: 0.5m,
        SiteDays: siteDays,
        Capacity: capacity,
        Threshold: threshold ?? new CapacityThreshold());

    [Fact]
    public void Forecast_CurrentOccupantsWhoStay_PlusNewAdmissions()
    {
        // Rate 20 a day, half to a site: 10 new people a day, each staying 7 days.
        var days = CapacityRules.Forecast(Input());
        Assert.Equal(7, days.Count);
        Assert.Equal(D("2022-09-11"), days[0].Date);
        Assert.Equal(D("2022-09-17"), days[^1].Date);
        Assert.Equal([4, 2, 2, 2, 1, 1, 1], days.Select(d => d.ExpectedCurrent));
        Assert.Equal([10, 20, 30, 40, 50, 60, 70], days.Select(d => d.ExpectedNew));
        Assert.Equal([14, 22, 32, 42, 51, 61, 71], days.Select(d => d.ExpectedOccupied));
        Assert.Equal([86, 78, 68, 58, 49, 39, 29], days.Select(d => d.Free));
        Assert.All(days, d => Assert.Equal(100, d.Capacity));
        Assert.All(days, d => Assert.False(d.BelowThreshold));
    }

    [Fact]
    public void Forecast_PeopleWaitingForARoom_NeedOneUntilTheirSitePhaseEnds_ByShare()
    {
        // Four waiting (one with no known end): half of them are this site's share.
        var days = CapacityRules.Forecast(Input() with { WaitingLeaveOn = [D("2022-09-12"), D("2022-09-14"), D("2022-09-14"), null] });
        Assert.Equal([2, 2, 2, 1, 1, 1, 1], days.Select(d => d.ExpectedWaiting));
        Assert.Equal([16, 24, 34, 43, 52, 62, 72], days.Select(d => d.ExpectedOccupied));
        Assert.Equal([84, 76, 66, 57, 48, 38, 28], days.Select(d => d.Free));
        Assert.All(CapacityRules.Forecast(Input()), d => Assert.Equal(0, d.ExpectedWaiting));
    }

    [Fact]
    public void Forecast_NewAdmissionsLeaveAfterTheSitePhase()
    {
        var days = CapacityRules.Forecast(Input(siteDays: 3));
        Assert.Equal([10, 20, 30, 30, 30, 30, 30], days.Select(d => d.ExpectedNew));
    }

    [Fact]
    public void Forecast_AlertsOnTheDaysUnderTheThreshold()
    {
        var days = CapacityRules.Forecast(Input(capacity: 60, threshold: new CapacityThreshold(MinFreeRooms: 20)));
        // Free: 46, 38, 28, 18, 9, -1, -11.
        Assert.Equal([false, false, false, true, true, true, true], days.Select(d => d.BelowThreshold));
        Assert.Equal(-11, days[^1].Free);
    }

    [Fact]
    public void Forecast_PercentThreshold()
    {
        var days = CapacityRules.Forecast(Input(capacity: 100, threshold: new CapacityThreshold(MinFreePercent: 50m)));
        Assert.Equal([false, false, false, false, true, true, true], days.Select(d => d.BelowThreshold));
    }

    [Fact]
    public void Forecast_FractionsOfAPersonNeedARoom()
    {
        var input = Input() with { OccupantsLeaveOn = [], RecentDailyArrivals = [1, 0, 0], SiteShare = 1m };
        var days = CapacityRules.Forecast(input);
        Assert.Equal([1, 1, 1, 2, 2, 2, 3], days.Select(d => d.ExpectedNew));
    }

    [Fact]
    public void Forecast_WithoutArrivals_OnlyTheCurrentOccupants()
    {
        var days = CapacityRules.Forecast(Input() with { RecentDailyArrivals = [] });
        Assert.Equal([4, 2, 2, 2, 1, 1, 1], days.Select(d => d.ExpectedOccupied));
    }

    [Fact]
    public void Forecast_OtherHorizons()
    {
        Assert.Equal(14, CapacityRules.Forecast(Input() with { Days = 14 }).Count);
        Assert.Single(CapacityRules.Forecast(Input() with { Days = 1 }));
    }

    [Theory]
    [InlineData(0, 0.5, 7, 10)]
    [InlineData(7, 1.5, 7, 10)]
    [InlineData(7, -0.1, 7, 10)]
    [InlineData(7, 0.5, 0, 10)]
    [InlineData(7, 0.5, 7, -1)]
    public void Forecast_RefusesNonsense(int horizon, double share, int siteDays, int arrivals)
    {
        var input = Input() with { Days = horizon, SiteShare = (decimal)share, SiteDays = siteDays, RecentDailyArrivals = [arrivals] };
        Assert.Throws<ArgumentOutOfRangeException>(() => CapacityRules.Forecast(input));
    }
}
