namespace Fangkong.Data.Infrastructure;

/// <summary>
/// The platform's clock. Normally the real time; for a drill (演练) or the demo county the command centre sets an
/// exercise date (Fangkong:Clock:ExerciseDate) and the county's "today" starts on that date at the real time of day
/// and runs on from there, so the rule packs of 2022 apply to the drill. The offset is whole days and is printed at
/// start; every node computes the same offset from the same configuration, nothing is kept in memory only.
/// </summary>
public sealed class ExerciseClock : TimeProvider
{
    private long _offsetTicks;

    public ExerciseClock(DateOnly? exerciseDate, string timeZoneId, TimeProvider? real = null)
    {
        Real = real ?? System;
        if (exerciseDate is { } date)
        {
            var zone = FindSystemTimeZoneById(timeZoneId);
            var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(Real.GetUtcNow().UtcDateTime, zone));
            _offsetTicks = TimeSpan.FromDays(date.DayNumber - today.DayNumber).Ticks;
        }
    }

    public TimeProvider Real { get; }
    public TimeSpan Offset => TimeSpan.FromTicks(Interlocked.Read(ref _offsetTicks));
    public bool IsExercise => Offset != TimeSpan.Zero;

    /// <summary>Moves the clock on (tests walk an order through its days; a drill skips ahead).</summary>
    public void Advance(TimeSpan by) => Interlocked.Add(ref _offsetTicks, by.Ticks);

    public override DateTimeOffset GetUtcNow() => Real.GetUtcNow() + Offset;

    private static TimeZoneInfo FindSystemTimeZoneById(string id) => TimeZoneInfo.FindSystemTimeZoneById(id);
}
