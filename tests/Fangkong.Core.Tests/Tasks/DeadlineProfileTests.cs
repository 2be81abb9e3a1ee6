using System.Text.Json;
using Fangkong.Core.People;
using Fangkong.Core.Tasks;

namespace Fangkong.Core.Tests.Tasks;

public class DeadlineProfileTests
{
    private static readonly TimeZoneInfo Shanghai = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");

    /// <summary>2022-11-10 23:50 in 淅川 (UTC+8) = 15:50 UTC.</summary>
    private static readonly DateTime DispatchedUtc = new(2022, 11, 10, 15, 50, 0, DateTimeKind.Utc);

    private static DeadlineProfile Profile(params (VerificationStage Stage, int Minutes)[] stages) =>
        new("county-411326", "淅川 tighter", [.. stages.Select(s => new DeadlineStage(s.Stage, s.Minutes))]);

    private static DeadlineProfile Valid() => Profile(
        (VerificationStage.Team, 20), (VerificationStage.Verify, 60), (VerificationStage.Sample, 180),
        (VerificationStage.Result, 480), (VerificationStage.Close, 1440));

    // ---- the default profile ----------------------------------------------------------------------------------

    [Fact]
    public void Default_Is20Minutes1Hour3Hours8Hours24Hours()
    {
        var d = DeadlineProfile.Default;

        Assert.Equal("default", d.Id);
        Assert.Equal(DeadlineProfile.DefaultId, d.Id);
        Assert.Equal(
            [(VerificationStage.Team, 20), (VerificationStage.Verify, 60), (VerificationStage.Sample, 180),
             (VerificationStage.Result, 480), (VerificationStage.Close, 1440)],
            d.Stages.Select(s => (s.Stage, s.Minutes)));
        Assert.Empty(d.Validate());
    }

    [Theory]
    [InlineData(VerificationStage.Team, 20)]
    [InlineData(VerificationStage.Verify, 60)]
    [InlineData(VerificationStage.Sample, 180)]
    [InlineData(VerificationStage.Result, 480)]
    [InlineData(VerificationStage.Close, 1440)]
    public void Default_MinutesFor(VerificationStage stage, int minutes) =>
        Assert.Equal(minutes, DeadlineProfile.Default.MinutesFor(stage));

    [Fact]
    public void MinutesFor_StageNotInTheProfile_Throws()
    {
        var p = Profile((VerificationStage.Team, 20));
        Assert.Throws<ArgumentOutOfRangeException>(() => p.MinutesFor(VerificationStage.Close));
        Assert.Throws<ArgumentOutOfRangeException>(() => p.DueAt(DispatchedUtc, VerificationStage.Close));
    }

    // ---- deadlines across midnight ----------------------------------------------------------------------------

    [Fact]
    public void DispatchTime_IsTwentyThreeFiftyInXichuan()
    {
        Assert.Equal(new DateTime(2022, 11, 10, 23, 50, 0), VerificationClock.Local(DispatchedUtc, Shanghai));
    }

    [Theory]
    [InlineData(VerificationStage.Team, "2022-11-10T16:10:00", "2022-11-11T00:10:00")]
    [InlineData(VerificationStage.Verify, "2022-11-10T16:50:00", "2022-11-11T00:50:00")]
    [InlineData(VerificationStage.Sample, "2022-11-10T18:50:00", "2022-11-11T02:50:00")]
    [InlineData(VerificationStage.Result, "2022-11-10T23:50:00", "2022-11-11T07:50:00")]
    [InlineData(VerificationStage.Close, "2022-11-11T15:50:00", "2022-11-11T23:50:00")]
    public void DueAt_DispatchedBeforeMidnight_FallsOnTheNextDay(VerificationStage stage, string dueUtc, string dueLocal)
    {
        var due = DeadlineProfile.Default.DueAt(DispatchedUtc, stage);

        Assert.Equal(DateTime.Parse(dueUtc, System.Globalization.CultureInfo.InvariantCulture), due);
        Assert.Equal(DateTimeKind.Utc, due.Kind);
        Assert.Equal(DateTime.Parse(dueLocal, System.Globalization.CultureInfo.InvariantCulture), VerificationClock.Local(due, Shanghai));
        Assert.Equal(new DateOnly(2022, 11, 11), DateOnly.FromDateTime(VerificationClock.Local(due, Shanghai)));
    }

    [Fact]
    public void DueAt_TeamIsTwentyMinutesAfterDispatch()
    {
        var due = DeadlineProfile.Default.DueAt(DispatchedUtc, VerificationStage.Team);
        Assert.Equal(TimeSpan.FromMinutes(20), due - DispatchedUtc);
        Assert.Equal(new DateTime(2022, 11, 11, 0, 10, 0), VerificationClock.Local(due, Shanghai));
    }

    [Fact]
    public void DueAt_ResultIsEightHoursLater_At0750LocalNextMorning()
    {
        var due = DeadlineProfile.Default.DueAt(DispatchedUtc, VerificationStage.Result);
        Assert.Equal(TimeSpan.FromHours(8), due - DispatchedUtc);
        Assert.Equal(new DateTime(2022, 11, 11, 7, 50, 0), VerificationClock.Local(due, Shanghai));
    }

    [Fact]
    public void DueAt_UsesTheProfilesMinutes()
    {
        var p = Profile((VerificationStage.Team, 15), (VerificationStage.Verify, 45), (VerificationStage.Sample, 120),
            (VerificationStage.Result, 360), (VerificationStage.Close, 720));

        Assert.Equal(DispatchedUtc.AddMinutes(15), p.DueAt(DispatchedUtc, VerificationStage.Team));
        Assert.Equal(DispatchedUtc.AddMinutes(720), p.DueAt(DispatchedUtc, VerificationStage.Close));
    }

    [Fact]
    public void Clocks_ListsEveryStageWithItsDeadlineInOrder()
    {
        var clocks = DeadlineProfile.Default.Clocks(DispatchedUtc);

        Assert.Equal(
            [
                (VerificationStage.Team, new DateTime(2022, 11, 10, 16, 10, 0, DateTimeKind.Utc)),
                (VerificationStage.Verify, new DateTime(2022, 11, 10, 16, 50, 0, DateTimeKind.Utc)),
                (VerificationStage.Sample, new DateTime(2022, 11, 10, 18, 50, 0, DateTimeKind.Utc)),
                (VerificationStage.Result, new DateTime(2022, 11, 10, 23, 50, 0, DateTimeKind.Utc)),
                (VerificationStage.Close, new DateTime(2022, 11, 11, 15, 50, 0, DateTimeKind.Utc)),
            ],
            clocks);
        Assert.All(clocks, c => Assert.Equal(DeadlineProfile.Default.DueAt(DispatchedUtc, c.Stage), c.DueAt));
    }

    // ---- time zone and countdowns -----------------------------------------------------------------------------

    [Fact]
    public void Local_ConvertsUtcToShanghaiWallClock()
    {
        Assert.Equal(new DateTime(2022, 11, 11, 7, 50, 0), VerificationClock.Local(new DateTime(2022, 11, 10, 23, 50, 0, DateTimeKind.Utc), Shanghai));
        Assert.Equal(new DateTime(2022, 1, 1, 8, 0, 0), VerificationClock.Local(new DateTime(2022, 1, 1, 0, 0, 0, DateTimeKind.Utc), Shanghai));
    }

    [Fact]
    public void Local_TreatsAnUnspecifiedKindAsUtc()
    {
        // Values read back from a database often come with Kind = Unspecified; they are UTC by convention.
        var unspecified = new DateTime(2022, 11, 10, 16, 10, 0, DateTimeKind.Unspecified);
        Assert.Equal(new DateTime(2022, 11, 11, 0, 10, 0), VerificationClock.Local(unspecified, Shanghai));
    }

    [Fact]
    public void Local_InAnotherZone_GivesThatZonesWallClock()
    {
        var utc = TimeZoneInfo.FindSystemTimeZoneById("UTC");
        Assert.Equal(new DateTime(2022, 11, 10, 16, 10, 0), VerificationClock.Local(new DateTime(2022, 11, 10, 16, 10, 0, DateTimeKind.Utc), utc));
    }

    [Fact]
    public void Remaining_IsDueMinusNow_NegativeWhenOverdue_NullWithoutDeadline()
    {
        var due = new DateTime(2022, 11, 10, 16, 10, 0, DateTimeKind.Utc);

        Assert.Equal(TimeSpan.FromMinutes(20), VerificationClock.Remaining(due, DispatchedUtc));
        Assert.Equal(TimeSpan.FromMinutes(-7), VerificationClock.Remaining(due, due.AddMinutes(7)));
        Assert.Equal(TimeSpan.Zero, VerificationClock.Remaining(due, due));
        Assert.Null(VerificationClock.Remaining(null, DispatchedUtc));
    }

    [Theory]
    [InlineData(12, 5, 0, "12:05")]
    [InlineData(0, 20, 0, "0:20")]
    [InlineData(0, 0, 0, "0:00")]
    [InlineData(7, 59, 59, "7:59")] // seconds are dropped, not rounded
    [InlineData(0, -7, 0, "-0:07")]
    [InlineData(-1, -30, 0, "-1:30")]
    [InlineData(-2, 0, 0, "-2:00")]
    [InlineData(24, 0, 0, "24:00")]
    [InlineData(25, 0, 0, "25:00")]
    [InlineData(49, 30, 0, "49:30")]
    [InlineData(-30, -5, 0, "-30:05")]
    [InlineData(336, 0, 0, "336:00")] // 14 days
    [InlineData(0, 0, -30, "-0:01")] // overdue by seconds reads as a minute overdue, never "-0:00"
    [InlineData(0, -7, -1, "-0:08")]
    public void Countdown_Formats(int hours, int minutes, int seconds, string expected) =>
        Assert.Equal(expected, VerificationClock.Countdown(new TimeSpan(hours, minutes, seconds)));

    [Fact]
    public void Countdown_FromRemaining_ShowsOverdueTime()
    {
        var due = DeadlineProfile.Default.DueAt(DispatchedUtc, VerificationStage.Team);
        Assert.Equal("-0:07", VerificationClock.Countdown(VerificationClock.Remaining(due, due.AddMinutes(7))!.Value));
        Assert.Equal("0:20", VerificationClock.Countdown(VerificationClock.Remaining(due, DispatchedUtc)!.Value));
        Assert.Equal("24:00", VerificationClock.Countdown(
            VerificationClock.Remaining(DeadlineProfile.Default.DueAt(DispatchedUtc, VerificationStage.Close), DispatchedUtc)!.Value));
    }

    // ---- validation -------------------------------------------------------------------------------------------

    [Fact]
    public void Validate_ValidProfile_HasNoErrors()
    {
        Assert.Empty(Valid().Validate());
    }

    [Fact]
    public void Validate_StagesListedOutOfOrder_ButIncreasingByStage_IsValid()
    {
        var p = Profile((VerificationStage.Close, 1440), (VerificationStage.Team, 20), (VerificationStage.Result, 480),
            (VerificationStage.Verify, 60), (VerificationStage.Sample, 180));
        Assert.Empty(p.Validate());
    }

    [Fact]
    public void Validate_EqualMinutesForConsecutiveStages_IsValid()
    {
        var p = Profile((VerificationStage.Team, 60), (VerificationStage.Verify, 60), (VerificationStage.Sample, 180),
            (VerificationStage.Result, 480), (VerificationStage.Close, 1440));
        Assert.Empty(p.Validate());
    }

    [Fact]
    public void Validate_MissingStage_IsReported()
    {
        var p = Profile((VerificationStage.Team, 20), (VerificationStage.Verify, 60), (VerificationStage.Sample, 180),
            (VerificationStage.Result, 480));

        Assert.Equal([new FieldError("stages.close", "missing")], p.Validate());
    }

    [Fact]
    public void Validate_EmptyProfile_ReportsEveryStageMissing()
    {
        var errors = Profile().Validate();

        Assert.Equal(
            ["stages.team", "stages.verify", "stages.sample", "stages.result", "stages.close"],
            errors.Select(e => e.Field));
        Assert.All(errors, e => Assert.Equal("missing", e.Code));
    }

    [Fact]
    public void Validate_DuplicateStage_IsReported()
    {
        var p = Profile((VerificationStage.Team, 20), (VerificationStage.Team, 30), (VerificationStage.Verify, 60),
            (VerificationStage.Sample, 180), (VerificationStage.Result, 480), (VerificationStage.Close, 1440));

        Assert.Contains(new FieldError("stages.team", "duplicate"), p.Validate());
        Assert.DoesNotContain(p.Validate(), e => e.Field != "stages.team");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    [InlineData(14 * 1440 + 1)]
    public void Validate_MinutesOutOfRange_IsReported(int minutes)
    {
        var p = Profile((VerificationStage.Team, 20), (VerificationStage.Verify, 60), (VerificationStage.Sample, 180),
            (VerificationStage.Result, 480), (VerificationStage.Close, minutes));

        Assert.Contains(new FieldError("stages.close", "minutes-range"), p.Validate());
    }

    [Fact]
    public void Validate_NonPositiveFirstStage_IsReported()
    {
        var p = Profile((VerificationStage.Team, 0), (VerificationStage.Verify, 60), (VerificationStage.Sample, 180),
            (VerificationStage.Result, 480), (VerificationStage.Close, 1440));

        Assert.Equal([new FieldError("stages.team", "minutes-range")], p.Validate());
    }

    [Fact]
    public void Validate_FourteenDays_IsTheLongestAllowed()
    {
        var p = Profile((VerificationStage.Team, 20), (VerificationStage.Verify, 60), (VerificationStage.Sample, 180),
            (VerificationStage.Result, 480), (VerificationStage.Close, 14 * 1440));
        Assert.Empty(p.Validate());
    }

    [Fact]
    public void Validate_StageEarlierThanThePreviousOne_IsReported()
    {
        // Sampling due before verification makes no sense.
        var p = Profile((VerificationStage.Team, 20), (VerificationStage.Verify, 60), (VerificationStage.Sample, 30),
            (VerificationStage.Result, 480), (VerificationStage.Close, 1440));

        Assert.Equal([new FieldError("stages.sample", "before-previous-stage")], p.Validate());
    }

    [Fact]
    public void Validate_DecreasingAgainstAnEarlierMaximum_IsReported()
    {
        // Result (100) is after Verify (60) but before Sample (180): compared with the latest stage so far.
        var p = Profile((VerificationStage.Team, 20), (VerificationStage.Verify, 60), (VerificationStage.Sample, 180),
            (VerificationStage.Result, 100), (VerificationStage.Close, 1440));

        Assert.Equal([new FieldError("stages.result", "before-previous-stage")], p.Validate());
    }

    [Fact]
    public void Validate_OutOfRangeStage_IsReportedOnceWithoutFlaggingTheStagesAfterIt()
    {
        var p = Profile((VerificationStage.Team, 20), (VerificationStage.Verify, 99_999), (VerificationStage.Sample, 180),
            (VerificationStage.Result, 480), (VerificationStage.Close, 1440));

        Assert.Equal([new FieldError("stages.verify", "minutes-range")], p.Validate());
    }

    [Fact]
    public void Validate_BlankName_IsReported()
    {
        var p = Valid() with { Name = "  " };
        Assert.Equal([new FieldError("name", "required")], p.Validate());
    }

    // ---- JSON -------------------------------------------------------------------------------------------------

    [Fact]
    public void Json_RoundTrip_KeepsIdNameAndStages()
    {
        var p = Profile((VerificationStage.Team, 15), (VerificationStage.Verify, 45), (VerificationStage.Sample, 120),
            (VerificationStage.Result, 360), (VerificationStage.Close, 720));

        var back = DeadlineProfile.FromJson(p.ToJson());

        Assert.Equal(p.Id, back.Id);
        Assert.Equal(p.Name, back.Name);
        Assert.Equal(p.Stages, back.Stages); // DeadlineStage is a record: compared by value
        Assert.Empty(back.Validate());
    }

    [Fact]
    public void Json_RoundTrip_OfTheDefault_GivesTheSameDeadlines()
    {
        var back = DeadlineProfile.FromJson(DeadlineProfile.Default.ToJson());

        Assert.Equal(DeadlineProfile.Default.Stages, back.Stages);
        Assert.Equal(DeadlineProfile.Default.Clocks(DispatchedUtc), back.Clocks(DispatchedUtc));
    }

    [Fact]
    public void Json_UsesCamelCaseAndStageNames()
    {
        using var doc = JsonDocument.Parse(DeadlineProfile.Default.ToJson());
        var root = doc.RootElement;

        Assert.Equal("default", root.GetProperty("id").GetString());
        var stages = root.GetProperty("stages").EnumerateArray().ToList();
        Assert.Equal(["team", "verify", "sample", "result", "close"], stages.Select(s => s.GetProperty("stage").GetString()));
        Assert.Equal([20, 60, 180, 480, 1440], stages.Select(s => s.GetProperty("minutes").GetInt32()));
    }

    [Fact]
    public void Json_WrittenByHand_IsRead()
    {
        const string json = """
            {"id":"county-411326","name":"淅川","stages":[
              {"stage":"team","minutes":10},{"stage":"verify","minutes":50},{"stage":"sample","minutes":150},
              {"stage":"result","minutes":400},{"stage":"close","minutes":1200}]}
            """;

        var p = DeadlineProfile.FromJson(json);

        Assert.Equal("county-411326", p.Id);
        Assert.Equal(10, p.MinutesFor(VerificationStage.Team));
        Assert.Equal(1200, p.MinutesFor(VerificationStage.Close));
    }

    [Fact]
    public void Json_Null_Throws()
    {
        Assert.Throws<JsonException>(() => DeadlineProfile.FromJson("null"));
    }
}
