namespace Fangkong.Core.Sites;

/// <summary>
/// A site's rooms by state. <see cref="Held"/> are ready rooms an allocated person has not reached yet;
/// <see cref="Reserve"/> the ready rooms the site holds back (at most <see cref="QuarantineSite.ReserveRooms"/>);
/// <see cref="Free"/> what may be allocated now: ready, not held, not reserve.
/// </summary>
public sealed record SiteCapacity(
    long SiteId,
    SiteStatus Status,
    int Total,
    int Ready,
    int Held,
    int Occupied,
    int AwaitingDisinfection,
    int Disinfected,
    int SuppliesReplaced,
    int OutOfService,
    int ReserveRooms,
    int Reserve,
    int Free)
{
    /// <summary>Rooms in the turnover cycle: back within hours.</summary>
    public int InTurnover => AwaitingDisinfection + Disinfected + SuppliesReplaced;

    /// <summary>The rooms the site can run with: all but those out of service and the reserve it holds back.</summary>
    public int Usable => Math.Max(0, Total - OutOfService - ReserveRooms);
}

/// <summary>The county's rooms summed over its sites; closed and preparing sites count for nothing.</summary>
/// <param name="StandbyFree">Free rooms of standby sites (not in <paramref name="Free"/>): what calling them in would add.</param>
public sealed record CountyCapacity(
    IReadOnlyList<SiteCapacity> Sites,
    int Total,
    int Ready,
    int Held,
    int Occupied,
    int InTurnover,
    int OutOfService,
    int Reserve,
    int Free,
    int Usable,
    int StandbyFree);

/// <summary>
/// When free capacity is too low: under <see cref="MinFreeRooms"/> rooms, or under <see cref="MinFreePercent"/>
/// percent of the capacity. Either may be left out; with neither there is never an alert.
/// </summary>
public sealed record CapacityThreshold(int? MinFreeRooms = null, decimal? MinFreePercent = null);

/// <summary>What the forecast needs: today's occupants, the recent arrivals, and the rule pack's figures.</summary>
/// <param name="OccupantsLeaveOn">One per person at a site now (checked in or allocated): the first day they are away
/// (<see cref="Stay.LeaveOn"/>); null when unknown, taken as staying past the horizon.</param>
/// <param name="RecentDailyArrivals">People under measures per day over the last N days (any N ≥ 1): the rate is their mean.</param>
/// <param name="SiteShare">The share of them that go to a site (0–1).</param>
/// <param name="SiteDays">How long a new admission stays at the site (the rule pack's site phase, 7 under the 9th edition).</param>
/// <param name="Capacity">Rooms the sites can run with (<see cref="CountyCapacity.Usable"/> or a site's).</param>
/// <param name="WaitingLeaveOn">One per person whose order sends them to a site and who holds no room yet: the first day
/// they would be away (the end of their site phase); they need a room from tomorrow, shared like new demand.</param>
public sealed record ForecastInput(
    DateOnly Today,
    IReadOnlyList<DateOnly?> OccupantsLeaveOn,
    IReadOnlyList<int> RecentDailyArrivals,
    decimal SiteShare,
    int SiteDays,
    int Capacity,
    CapacityThreshold Threshold,
    int Days = 7,
    IReadOnlyList<DateOnly?>? WaitingLeaveOn = null);

/// <summary>
/// One forecast day: people expected at the sites (those there now who stay, those waiting for a room, plus new
/// admissions), the capacity, what is left.
/// </summary>
public sealed record ForecastDay(DateOnly Date, int ExpectedCurrent, int ExpectedNew, int ExpectedOccupied, int Capacity, int Free, bool BelowThreshold, int ExpectedWaiting = 0);

/// <summary>Capacity of sites and the county, the short forecast and the low-capacity alert, in plain C#.</summary>
public static class CapacityRules
{
    /// <summary>
    /// A site's rooms by state. <paramref name="heldRoomIds"/> are rooms with an allocated stay not yet checked in
    /// (their state is still ready): they are not free. The reserve is taken from the ready rooms left after those.
    /// </summary>
    public static SiteCapacity Summarize(QuarantineSite site, IEnumerable<Room> rooms, IReadOnlySet<long>? heldRoomIds = null)
    {
        int total = 0, ready = 0, held = 0, occupied = 0, awaiting = 0, disinfected = 0, supplies = 0, outOfService = 0;
        foreach (var room in rooms)
        {
            if (room.SiteId != site.Id) continue;
            total++;
            switch (room.State)
            {
                case RoomState.Ready when heldRoomIds?.Contains(room.Id) == true: ready++; held++; break;
                case RoomState.Ready: ready++; break;
                case RoomState.Occupied: occupied++; break;
                case RoomState.AwaitingDisinfection: awaiting++; break;
                case RoomState.Disinfected: disinfected++; break;
                case RoomState.SuppliesReplaced: supplies++; break;
                case RoomState.OutOfService: outOfService++; break;
            }
        }
        return Summarize(site, new Dictionary<RoomState, int>
        {
            [RoomState.Ready] = ready, [RoomState.Occupied] = occupied, [RoomState.AwaitingDisinfection] = awaiting,
            [RoomState.Disinfected] = disinfected, [RoomState.SuppliesReplaced] = supplies, [RoomState.OutOfService] = outOfService,
        }, held);
    }

    /// <summary>
    /// The same summary from counts the database aggregated: rooms per state, and how many ready rooms are held by an
    /// allocation not yet checked in.
    /// </summary>
    public static SiteCapacity Summarize(QuarantineSite site, IReadOnlyDictionary<RoomState, int> roomsByState, int held)
    {
        int Of(RoomState state) => roomsByState.TryGetValue(state, out var n) ? n : 0;
        var ready = Of(RoomState.Ready);
        held = Math.Clamp(held, 0, ready);
        var available = ready - held;
        var reserve = Math.Min(Math.Max(0, site.ReserveRooms), available);
        return new SiteCapacity(site.Id, site.Status, roomsByState.Values.Sum(), ready, held, Of(RoomState.Occupied), Of(RoomState.AwaitingDisinfection),
            Of(RoomState.Disinfected), Of(RoomState.SuppliesReplaced), Of(RoomState.OutOfService), Math.Max(0, site.ReserveRooms), reserve, available - reserve);
    }

    public static CountyCapacity Summarize(IEnumerable<SiteCapacity> sites)
    {
        var list = sites.ToList();
        var live = list.Where(s => s.Status == SiteStatus.InService).ToList();
        var standby = list.Where(s => s.Status == SiteStatus.StandbyReserve).ToList();
        return new CountyCapacity(
            list,
            live.Sum(s => s.Total),
            live.Sum(s => s.Ready),
            live.Sum(s => s.Held) + standby.Sum(s => s.Held),
            live.Sum(s => s.Occupied) + standby.Sum(s => s.Occupied),
            live.Sum(s => s.InTurnover),
            live.Sum(s => s.OutOfService),
            live.Sum(s => s.Reserve),
            live.Sum(s => s.Free),
            live.Sum(s => s.Usable),
            standby.Sum(s => s.Free));
    }

    /// <summary>
    /// True when <paramref name="free"/> rooms out of <paramref name="capacity"/> are under the threshold (rooms or
    /// percent). No capacity at all is under any threshold that is set.
    /// </summary>
    public static bool IsBelow(int free, int capacity, CapacityThreshold threshold)
    {
        if (threshold.MinFreeRooms is { } rooms && free < rooms) return true;
        if (threshold.MinFreePercent is { } percent)
        {
            if (capacity <= 0) return true;
            if (free * 100m / capacity < percent) return true;
        }
        return false;
    }

    /// <summary>The alert on the county's figures now.</summary>
    public static bool IsBelow(CountyCapacity county, CapacityThreshold threshold) => IsBelow(county.Free, county.Usable, threshold);

    /// <summary>
    /// The next <see cref="ForecastInput.Days"/> days (today + 1 onward). On day d the people there now who have not
    /// left (leave date after d), the people waiting for a room who would still be there (their share, for one site),
    /// plus the new admissions: rate × share a day, each staying
    /// <see cref="ForecastInput.SiteDays"/> days, so the new people present on day i are rate × share × min(i, site
    /// days), rounded up (a fraction of a person still needs a room). One person, one room: households sharing a
    /// family room make the figure err on the safe side.
    /// </summary>
    public static IReadOnlyList<ForecastDay> Forecast(ForecastInput input)
    {
        if (input.Days is < 1 or > 60) throw new ArgumentOutOfRangeException(nameof(input), "days 1–60");
        if (input.SiteShare is < 0 or > 1) throw new ArgumentOutOfRangeException(nameof(input), "site share 0–1");
        if (input.SiteDays < 1) throw new ArgumentOutOfRangeException(nameof(input), "site days ≥ 1");
        if (input.RecentDailyArrivals.Any(n => n < 0)) throw new ArgumentOutOfRangeException(nameof(input), "arrivals ≥ 0");
        var rate = input.RecentDailyArrivals.Count == 0 ? 0m : (decimal)input.RecentDailyArrivals.Sum() / input.RecentDailyArrivals.Count;
        var perDay = rate * input.SiteShare;
        var days = new List<ForecastDay>(input.Days);
        for (var i = 1; i <= input.Days; i++)
        {
            var date = input.Today.AddDays(i);
            var current = input.OccupantsLeaveOn.Count(leave => leave is null || leave.Value > date);
            var waiting = (int)decimal.Ceiling((input.WaitingLeaveOn?.Count(leave => leave is null || leave.Value > date) ?? 0) * input.SiteShare);
            var expectedNew = (int)decimal.Ceiling(perDay * Math.Min(i, input.SiteDays));
            var occupied = current + waiting + expectedNew;
            var free = input.Capacity - occupied;
            days.Add(new ForecastDay(date, current, expectedNew, occupied, input.Capacity, free, IsBelow(free, input.Capacity, input.Threshold), waiting));
        }
        return days;
    }
}
