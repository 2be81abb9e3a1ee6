using Fangkong.Data.Infrastructure;
using Microsoft.Extensions.Options;

namespace Fangkong.Web.Infrastructure;

/// <summary>Shows stored UTC times in the county's time zone (Asia/Shanghai unless configured).</summary>
public sealed class CountyTime(IOptions<FangkongOptions> options)
{
    private readonly TimeZoneInfo _zone = TimeZoneInfo.FindSystemTimeZoneById(options.Value.TimeZone);

    public DateTime Local(DateTime utc) => TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc), _zone);

    public string Format(DateTime utc) => Local(utc).ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture);

    public string Format(DateTime? utc) => utc is { } u ? Format(u) : "";

    /// <summary>The UTC instant a county day starts.</summary>
    public DateTime StartOfDay(DateOnly day) => Core.CountyClock.StartOfDay(day, _zone);
}
