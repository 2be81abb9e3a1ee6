using System.Globalization;
using System.Text.RegularExpressions;
using Fangkong.Core.People;

namespace Fangkong.Core.Tasks;

/// <summary>A push time read from a list, a request or the command line: the UTC instant, or why there is none.</summary>
public readonly record struct PushedTime(DateTime? Utc, string? Error)
{
    public static readonly PushedTime None = new(null, null);
}

/// <summary>
/// When a list was pushed (推送时间): one rule for the file import, the machine push and the command line. A time is
/// county time (Asia/Shanghai) unless it carries an offset or Z, and always has a date (a bare "08:00" is no day); one
/// that cannot be read is "pushedAt.invalid"; one
/// later than the county clock's now plus <see cref="FutureTolerance"/> (a sender's clock running a little fast) is
/// "pushedAt.future" — the deadlines run from it, so a time years ahead would hold every clock still. The county
/// clock is the platform's (an exercise date when one is set), never the machine's.
/// </summary>
public static partial class PushedTimeRules
{
    public static readonly TimeSpan FutureTolerance = TimeSpan.FromMinutes(10);
    public const string Invalid = "pushedAt.invalid";
    public const string Future = "pushedAt.future";
    /// <summary>A machine push names its batch: it has no file name to fall back on.</summary>
    public const string BatchRequired = "batch.required";

    private static readonly string[] LocalFormats =
    [
        "yyyy-M-d H:mm:ss", "yyyy-M-d H:mm", "yyyy-M-d", "yyyy-M-dTH:mm:ss", "yyyy-M-dTH:mm", "yyyy-M-dTH:mm:ss.FFFFFFF", "yyyy-M-d H:mm:ss.FFFFFFF",
        "yyyy/M/d H:mm:ss", "yyyy/M/d H:mm", "yyyy/M/d", "yyyy.M.d H:mm:ss", "yyyy.M.d H:mm", "yyyy.M.d", "yyyyMMddHHmmss", "yyyyMMdd",
        "yyyy年M月d日 H:mm:ss", "yyyy年M月d日 H:mm", "yyyy年M月d日H:mm", "yyyy年M月d日H时m分", "yyyy年M月d日 H时m分", "yyyy年M月d日",
    ];

    [GeneratedRegex(@"(Z|[+-]\d{2}(:?\d{2})?)$", RegexOptions.IgnoreCase)]
    private static partial Regex OffsetSuffix();

    /// <summary>Reads a push time (empty → none) and checks it against the county clock's <paramref name="nowUtc"/>.</summary>
    public static PushedTime Read(string? text, DateTime nowUtc, TimeZoneInfo zone)
    {
        if (Text.Tidy(text) is not { } t) return PushedTime.None;
        DateTime utc;
        if (OffsetSuffix().IsMatch(t) && t.Length > 10
            && DateTimeOffset.TryParse(t, CultureInfo.InvariantCulture, DateTimeStyles.AllowWhiteSpaces, out var withOffset))
            utc = withOffset.UtcDateTime;
        else if (DateTime.TryParseExact(t, LocalFormats, CultureInfo.InvariantCulture, DateTimeStyles.AllowWhiteSpaces, out var local))
            utc = ToUtc(local, zone);
        else
            return new PushedTime(null, Invalid);
        return new PushedTime(utc, Check(utc, nowUtc));
    }

    /// <summary>A time given as a value (a request's JSON, a form): UTC as it says; without a kind, county time.</summary>
    public static PushedTime Of(DateTime? value, DateTime nowUtc, TimeZoneInfo zone)
    {
        if (value is not { } v) return PushedTime.None;
        var utc = v.Kind switch
        {
            DateTimeKind.Utc => v,
            DateTimeKind.Local => v.ToUniversalTime(),
            _ => ToUtc(v, zone),
        };
        return new PushedTime(utc, Check(utc, nowUtc));
    }

    /// <summary>"pushedAt.future" when the time is later than now plus the tolerance; else null.</summary>
    public static string? Check(DateTime utc, DateTime nowUtc) => utc > nowUtc + FutureTolerance ? Future : null;

    /// <summary>
    /// The whole request's own values: a machine push must name its batch; a push time given for the whole list
    /// must be readable and not in the future. Field errors name "batch" and "pushedAt".
    /// </summary>
    public static List<FieldError> RequestErrors(string? batch, bool batchRequired, PushedTime pushedAt)
    {
        var errors = new List<FieldError>();
        if (batchRequired && Text.Tidy(batch) is null) errors.Add(new FieldError("batch", BatchRequired));
        if (pushedAt.Error is { } e) errors.Add(new FieldError("pushedAt", e));
        return errors;
    }

    private static DateTime ToUtc(DateTime local, TimeZoneInfo zone) =>
        TimeZoneInfo.ConvertTimeToUtc(DateTime.SpecifyKind(local, DateTimeKind.Unspecified), zone);
}
