namespace Fangkong.Core.Sites;

/// <summary>A stay as the occupancy history sees it: the county days the person checked in and out (null: still there).</summary>
public readonly record struct StayDays(DateOnly In, DateOnly? Out);

/// <summary>
/// One day of a site's (or the county's) occupancy: people there at the end of the day, how many checked in and out
/// that day, and the rooms the sites have now (the line the bars are read against).
/// </summary>
public sealed record OccupancyDay(DateOnly Date, int Occupied, int CheckedIn, int CheckedOut, int Capacity);

/// <summary>Occupancy over time from the stays' check-in and check-out days, in plain C#.</summary>
public static class OccupancyRules
{
    /// <summary>
    /// The days from <paramref name="from"/> to <paramref name="to"/> (both included). A person counts on day d when
    /// checked in on or before d and not checked out on or before d (someone who leaves on d is not there that night);
    /// in and out on the same day counts as an admission and a discharge but not as a night. Stays that never checked
    /// in are not passed here.
    /// </summary>
    public static IReadOnlyList<OccupancyDay> Daily(DateOnly from, DateOnly to, IEnumerable<StayDays> stays, int capacity)
    {
        if (to < from) throw new ArgumentOutOfRangeException(nameof(to), "to before from");
        var days = to.DayNumber - from.DayNumber + 1;
        if (days > 366) throw new ArgumentOutOfRangeException(nameof(to), "at most a year");
        // A difference array: +1 on the day in (or the first day shown), −1 on the day out.
        var delta = new int[days + 1];
        var ins = new int[days];
        var outs = new int[days];
        foreach (var s in stays)
        {
            if (s.Out is { } o && o < s.In) continue;
            if (s.In >= from && s.In <= to) ins[s.In.DayNumber - from.DayNumber]++;
            if (s.Out is { } leave && leave >= from && leave <= to) outs[leave.DayNumber - from.DayNumber]++;
            var first = Math.Max(0, s.In.DayNumber - from.DayNumber);
            var last = Math.Min(days, (s.Out?.DayNumber ?? to.DayNumber + 1) - from.DayNumber); // exclusive
            if (last <= first) continue;
            delta[first]++;
            delta[last]--;
        }
        var result = new List<OccupancyDay>(days);
        var running = 0;
        for (var i = 0; i < days; i++)
        {
            running += delta[i];
            result.Add(new OccupancyDay(from.AddDays(i), running, ins[i], outs[i], capacity));
        }
        return result;
    }
}
