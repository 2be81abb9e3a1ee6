using System.Text.Json;
using Fangkong.Core.People;
using System.Text.Json.Serialization;

namespace Fangkong.Core.Tasks;

/// <summary>The stages of a pushed verification task, in order; each has a deadline counted from the dispatch.</summary>
public enum VerificationStage
{
    /// <summary>The township names a three-person team (seed 004: within 20 minutes).</summary>
    Team = 0,
    /// <summary>The person located and the identity verified (the "1" of 138: within 1 hour).</summary>
    Verify = 1,
    /// <summary>Sampled (the "3": within 3 hours).</summary>
    Sample = 2,
    /// <summary>The result (the "8": within 8 hours).</summary>
    Result = 3,
    /// <summary>Closed with control measures (within 24 hours).</summary>
    Close = 4,
}

public sealed record DeadlineStage(VerificationStage Stage, int Minutes);

/// <summary>
/// How long each stage may take, counted from the moment a task is dispatched to a township. Data, edited by the
/// command centre with history (each edit is a new version; a task keeps the version it was dispatched under).
/// </summary>
public sealed record DeadlineProfile(string Id, string Name, IReadOnlyList<DeadlineStage> Stages)
{
    public const string DefaultId = "default";

    /// <summary>20 minutes, 1 hour, 3 hours, 8 hours, 24 hours (seeds 003 and 004).</summary>
    public static DeadlineProfile Default { get; } = new(DefaultId, "“138”时限 + 20 分钟组队",
    [
        new(VerificationStage.Team, 20),
        new(VerificationStage.Verify, 60),
        new(VerificationStage.Sample, 180),
        new(VerificationStage.Result, 480),
        new(VerificationStage.Close, 1440),
    ]);

    public int MinutesFor(VerificationStage stage) =>
        Stages.FirstOrDefault(s => s.Stage == stage)?.Minutes ?? throw new ArgumentOutOfRangeException(nameof(stage));

    /// <summary>The instant a stage is due: dispatch + minutes. Instants are UTC; a deadline past midnight is simply the next day.</summary>
    public DateTime DueAt(DateTime dispatchedUtc, VerificationStage stage) => dispatchedUtc.AddMinutes(MinutesFor(stage));

    /// <summary>Every stage of the profile with its deadline.</summary>
    public IReadOnlyList<(VerificationStage Stage, DateTime DueAt)> Clocks(DateTime dispatchedUtc) =>
        Stages.Select(s => (s.Stage, dispatchedUtc.AddMinutes(s.Minutes))).ToList();

    /// <summary>Field errors of a profile: every stage once, positive minutes, each stage no earlier than the one before.</summary>
    public IReadOnlyList<FieldError> Validate()
    {
        var errors = new List<FieldError>();
        if (string.IsNullOrWhiteSpace(Name)) errors.Add(new("name", "required"));
        foreach (var stage in Enum.GetValues<VerificationStage>())
        {
            var count = Stages.Count(s => s.Stage == stage);
            if (count != 1) errors.Add(new($"stages.{stage.ToString().ToLowerInvariant()}", count == 0 ? "missing" : "duplicate"));
        }
        var previous = 0;
        foreach (var s in Stages.OrderBy(s => s.Stage))
        {
            // An out-of-range stage is reported once and not used as the bar for the stages after it.
            if (s.Minutes <= 0 || s.Minutes > 14 * 1440) { errors.Add(new($"stages.{s.Stage.ToString().ToLowerInvariant()}", "minutes-range")); continue; }
            if (s.Minutes < previous) errors.Add(new($"stages.{s.Stage.ToString().ToLowerInvariant()}", "before-previous-stage"));
            previous = Math.Max(previous, s.Minutes);
        }
        return errors;
    }

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower) } };

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public static DeadlineProfile FromJson(string json) =>
        JsonSerializer.Deserialize<DeadlineProfile>(json, Json) ?? throw new JsonException("empty deadline profile");
}

/// <summary>
/// The clock arithmetic of a task: which stage is next, when it is due, and what a countdown shows. Pure, so it is
/// tested across midnight and time zones without a database.
/// </summary>
public static class VerificationClock
{
    /// <summary>
    /// The first stage not yet done. A task whose outcome needs no test (left the county, not found, duplicate,
    /// wrong data) skips sampling and the result; a closed task has none.
    /// </summary>
    public static VerificationStage? NextStage(VerificationTask t)
    {
        if (!VerificationTask.IsOpen(t.Status) || t.Status == VerificationStatus.Routing) return null;
        if (t.TeamNamedAt is null) return VerificationStage.Team;
        if (t.VerifiedAt is null) return VerificationStage.Verify;
        var needsTest = t.Outcome is VerificationOutcome.None or VerificationOutcome.FoundInCounty;
        if (needsTest && t.SampledAt is null) return VerificationStage.Sample;
        if (needsTest && t.ResultAt is null) return VerificationStage.Result;
        return VerificationStage.Close;
    }

    /// <summary>
    /// The stages still to do before the task can close, in order: those not done, less the test an outcome that needs
    /// none passes over. Empty once closing is due.
    /// </summary>
    public static IReadOnlyList<VerificationStage> MissingBeforeClose(VerificationTask t)
    {
        var needsTest = t.Outcome is VerificationOutcome.None or VerificationOutcome.FoundInCounty;
        var missing = new List<VerificationStage>();
        if (t.TeamNamedAt is null) missing.Add(VerificationStage.Team);
        if (t.VerifiedAt is null) missing.Add(VerificationStage.Verify);
        if (needsTest && t.SampledAt is null) missing.Add(VerificationStage.Sample);
        if (needsTest && t.ResultAt is null) missing.Add(VerificationStage.Result);
        return missing;
    }

    /// <summary>Sets <see cref="VerificationTask.NextStage"/> and <see cref="VerificationTask.NextDueAt"/> from the task's state.</summary>
    public static void Refresh(VerificationTask t, DeadlineProfile profile)
    {
        t.NextStage = NextStage(t);
        t.NextDueAt = t.NextStage is { } s ? profile.DueAt(t.DispatchedAt, s) : null;
    }

    /// <summary>Time left (negative when overdue), for countdowns.</summary>
    public static TimeSpan? Remaining(DateTime? dueUtc, DateTime nowUtc) => dueUtc is { } d ? d - nowUtc : null;

    /// <summary>"12:05" style countdown, "-0:07" when overdue, hours beyond a day kept as hours ("25:00").</summary>
    public static string Countdown(TimeSpan left)
    {
        var (hours, minutes) = HoursAndMinutes(left);
        return $"{(left < TimeSpan.Zero ? "-" : "")}{hours}:{minutes:00}";
    }

    /// <summary>
    /// The whole hours and minutes a countdown shows, without its sign: time left rounded down to the minute, time overdue
    /// rounded up, so a missed deadline never reads as zero; hours beyond a day kept as hours. Pages put them into words
    /// ("1 小时 5 分", "59 分钟").
    /// </summary>
    public static (int Hours, int Minutes) HoursAndMinutes(TimeSpan left)
    {
        var minutes = left < TimeSpan.Zero ? (long)Math.Ceiling(left.Duration().TotalMinutes) : (long)Math.Floor(left.TotalMinutes);
        return ((int)(minutes / 60), (int)(minutes % 60));
    }

    /// <summary>A UTC deadline shown on the county's wall clock (Asia/Shanghai by default).</summary>
    public static DateTime Local(DateTime utc, TimeZoneInfo zone) => TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc), zone);
}

/// <summary>One version of a county's deadline profile: the JSON, who changed it, why, when (history is never rewritten).</summary>
public sealed class DeadlineProfileVersion : Jurisdictions.ICountyOwned
{
    public long Id { get; set; }
    public string CountyCode { get; set; } = "";
    public string ProfileId { get; set; } = DeadlineProfile.DefaultId;
    public int Version { get; set; }
    public string Json { get; set; } = "";
    public string? Reason { get; set; }
    public string CreatedBy { get; set; } = "";
    public DateTime CreatedAt { get; set; }
}
