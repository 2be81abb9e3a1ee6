namespace Fangkong.Core;

/// <summary>Dates are county dates: "today", day 1 and deadlines follow the county's clock, not the server's.</summary>
public static class CountyClock
{
    public static DateOnly Today(TimeProvider time, string timeZoneId) =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(time.GetUtcNow().UtcDateTime, TimeZoneInfo.FindSystemTimeZoneById(timeZoneId)));
}
