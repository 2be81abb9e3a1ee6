namespace Fangkong.Core;

/// <summary>Dates are county dates: "today", day 1 and deadlines follow the county's clock, not the server's.</summary>
public static class CountyClock
{
    public static DateOnly Today(TimeProvider time, string timeZoneId) =>
        DateOf(time.GetUtcNow().UtcDateTime, TimeZoneInfo.FindSystemTimeZoneById(timeZoneId));

    /// <summary>The county day a UTC instant falls on.</summary>
    public static DateOnly DateOf(DateTime utc, TimeZoneInfo zone) =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc), zone));

    /// <summary>The UTC instant a county day starts.</summary>
    public static DateTime StartOfDay(DateOnly day, TimeZoneInfo zone) => TimeZoneInfo.ConvertTimeToUtc(day.ToDateTime(TimeOnly.MinValue), zone);
}
