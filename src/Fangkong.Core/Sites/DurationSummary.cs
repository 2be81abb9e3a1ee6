namespace Fangkong.Core.Sites;

/// <summary>
/// A set of durations summed up for a board: how many, the median, the 90th percentile and the longest. Zero
/// durations when there are none.
/// </summary>
public sealed record DurationSummary(int Count, TimeSpan Median, TimeSpan P90, TimeSpan Max)
{
    public static DurationSummary Empty { get; } = new(0, TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero);

    /// <summary>
    /// Percentiles interpolate linearly between the two nearest ranks (Excel's PERCENTILE.INC), so the median of an
    /// even count is the mean of the middle two and a summary of one duration is that duration everywhere.
    /// </summary>
    public static DurationSummary Of(IEnumerable<TimeSpan> durations)
    {
        var sorted = durations.Select(d => d.Ticks).Order().ToArray();
        if (sorted.Length == 0) return Empty;
        return new(sorted.Length, new TimeSpan(Percentile(sorted, 0.5m)), new TimeSpan(Percentile(sorted, 0.9m)), new TimeSpan(sorted[^1]));
    }

    /// <summary>The p-th percentile (0–1) of ascending ticks, interpolated; rounded to the nearest tick.</summary>
    internal static long Percentile(long[] ascending, decimal p)
    {
        // Decimal keeps whole-minute inputs exact (0.9 × 9 in double is 8.100000000000001).
        var rank = p * (ascending.Length - 1);
        var low = (int)decimal.Floor(rank);
        var high = Math.Min(low + 1, ascending.Length - 1);
        var fraction = rank - low;
        return (long)Math.Round(ascending[low] + (fraction * (ascending[high] - ascending[low])), MidpointRounding.AwayFromZero);
    }
}
