using Fangkong.Data.Infrastructure;
using Microsoft.Extensions.Options;

namespace Fangkong.Web.Infrastructure;

/// <summary>Shows stored UTC times in the county's time zone (Asia/Shanghai unless configured).</summary>
public sealed class CountyTime(IOptions<FangkongOptions> options, TimeProvider time)
{
    private readonly TimeZoneInfo _zone = TimeZoneInfo.FindSystemTimeZoneById(options.Value.TimeZone);

    public DateTime Local(DateTime utc) => TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc), _zone);

    /// <summary>A county wall-clock time (a datetime-local field, "2022-11-10T08:00") as UTC; null when it is not one.</summary>
    public DateTime? FromLocal(string? local) =>
        DateTime.TryParseExact(local?.Trim(), ["yyyy-MM-ddTHH:mm", "yyyy-MM-ddTHH:mm:ss", "yyyy-MM-dd HH:mm"], System.Globalization.CultureInfo.InvariantCulture,
            System.Globalization.DateTimeStyles.None, out var parsed)
            ? TimeZoneInfo.ConvertTimeToUtc(DateTime.SpecifyKind(parsed, DateTimeKind.Unspecified), _zone) : null;

    public string Format(DateTime utc) => Local(utc).ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture);

    public string Format(DateTime? utc) => utc is { } u ? Format(u) : "";

    /// <summary>Now on the county's clock as a download's name carries it: "20221110-2200".</summary>
    public string FileStamp => Local(time.GetUtcNow().UtcDateTime).ToString("yyyyMMdd-HHmm", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Today in the county (the exercise clock's day when one is set).</summary>
    public DateOnly Today => DateOnly.FromDateTime(Local(time.GetUtcNow().UtcDateTime));

    /// <summary>The UTC instant a county day starts.</summary>
    public DateTime StartOfDay(DateOnly day) => Core.CountyClock.StartOfDay(day, _zone);
}
