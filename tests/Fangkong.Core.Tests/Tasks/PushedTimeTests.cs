using Fangkong.Core.Tasks;

namespace Fangkong.Core.Tests.Tasks;

public class PushedTimeTests
{
    private static readonly TimeZoneInfo Shanghai = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");

    /// <summary>The county clock: 2022-10-05 09:00 Beijing time (an exercise date, not the machine's).</summary>
    private static readonly DateTime Now = new(2022, 10, 5, 1, 0, 0, DateTimeKind.Utc);

    private static DateTime Utc(int hour, int minute, int day = 5) => new(2022, 10, day, hour, minute, 0, DateTimeKind.Utc);

    [Theory]
    [InlineData("2022-10-05 08:00", 0, 0)]
    [InlineData("2022-10-05 08:00:00", 0, 0)]
    [InlineData("2022-10-5 8:00", 0, 0)]
    [InlineData("2022/10/05 08:00", 0, 0)]
    [InlineData("2022.10.05 08:00", 0, 0)]
    [InlineData("2022-10-05 08:00:00.000", 0, 0)]
    [InlineData("2022年10月5日 8:00", 0, 0)]
    [InlineData("2022年10月5日8时0分", 0, 0)]
    [InlineData("2022-10-05T08:00", 0, 0)]
    [InlineData("  2022-10-05 08:00 ", 0, 0)]
    [InlineData("20221005080000", 0, 0)]
    [InlineData("2022-10-05T00:00:00Z", 0, 0)]
    [InlineData("2022-10-05T08:00:00+08:00", 0, 0)]
    [InlineData("2022-10-04T19:00:00-05:00", 0, 0)]
    [InlineData("2022-10-05", -8, 0)]
    public void ATime_IsCountyTime_UnlessItCarriesAnOffset(string text, int utcHour, int utcMinute)
    {
        var t = PushedTimeRules.Read(text, Now, Shanghai);
        Assert.Null(t.Error);
        Assert.Equal(utcHour < 0 ? Utc(24 + utcHour, utcMinute, 4) : Utc(utcHour, utcMinute), t.Utc);
        Assert.Equal(DateTimeKind.Utc, t.Utc!.Value.Kind);
    }

    [Theory]
    [InlineData("明天上午")]
    [InlineData("2022-13-40 08:00")]
    [InlineData("2022-02-30")]
    [InlineData("推送")]
    [InlineData("08:00")]
    public void AnUnreadableTime_IsInvalid(string text)
    {
        var t = PushedTimeRules.Read(text, Now, Shanghai);
        Assert.Equal((null, PushedTimeRules.Invalid), (t.Utc, t.Error));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    public void NoTime_IsNoError(string? text) => Assert.Equal(PushedTime.None, PushedTimeRules.Read(text, Now, Shanghai));

    [Theory]
    [InlineData("2022-10-05 09:00", null)]
    [InlineData("2022-10-05 09:10", null)]
    [InlineData("2022-10-05 09:10:01", PushedTimeRules.Future)]
    [InlineData("2022-10-05 09:20", PushedTimeRules.Future)]
    [InlineData("2030-01-01 08:00", PushedTimeRules.Future)]
    [InlineData("2022-10-05T01:15:00Z", PushedTimeRules.Future)]
    public void ATimeLaterThanTheCountyClockPlusTenMinutes_IsInTheFuture(string text, string? error)
    {
        var t = PushedTimeRules.Read(text, Now, Shanghai);
        Assert.Equal(error, t.Error);
        Assert.NotNull(t.Utc);
    }

    [Fact]
    public void TheCountyClock_DecidesWhatIsFuture_NotTheMachines()
    {
        // On the machine's clock (years after the exercise date) 2023 is long past; on the exercise clock it is ahead.
        Assert.Equal(PushedTimeRules.Future, PushedTimeRules.Read("2023-01-01 08:00", Now, Shanghai).Error);
        Assert.Null(PushedTimeRules.Read("2023-01-01 08:00", DateTime.UtcNow, Shanghai).Error);
    }

    [Fact]
    public void AValue_WithoutAKind_IsCountyTime_AndIsCheckedTheSame()
    {
        Assert.Equal(new PushedTime(Utc(0, 5), null), PushedTimeRules.Of(new DateTime(2022, 10, 5, 8, 5, 0), Now, Shanghai));
        Assert.Equal(new PushedTime(Utc(0, 5), null), PushedTimeRules.Of(Utc(0, 5), Now, Shanghai));
        Assert.Equal(PushedTimeRules.Future, PushedTimeRules.Of(new DateTime(2022, 10, 5, 9, 20, 0), Now, Shanghai).Error);
        Assert.Equal(PushedTimeRules.Future, PushedTimeRules.Of(new DateTime(2030, 1, 1, 0, 0, 0, DateTimeKind.Utc), Now, Shanghai).Error);
        Assert.Equal(PushedTime.None, PushedTimeRules.Of(null, Now, Shanghai));
    }

    [Fact]
    public void ARequest_NamesItsBatch_WhenItMust_AndGivesNoFuturePushTime()
    {
        Assert.Equal([("batch", PushedTimeRules.BatchRequired)],
            PushedTimeRules.RequestErrors(" \u3000", batchRequired: true, PushedTime.None).Select(e => (e.Field, e.Code)));
        Assert.Equal([("batch", PushedTimeRules.BatchRequired)],
            PushedTimeRules.RequestErrors(null, batchRequired: true, PushedTime.None).Select(e => (e.Field, e.Code)));
        // A file falls back on its rows' 推送批次 or its own name.
        Assert.Empty(PushedTimeRules.RequestErrors(null, batchRequired: false, PushedTime.None));
        var future = PushedTimeRules.Of(new DateTime(2030, 1, 1), Now, Shanghai);
        Assert.Equal([("batch", PushedTimeRules.BatchRequired), ("pushedAt", PushedTimeRules.Future)],
            PushedTimeRules.RequestErrors("", batchRequired: true, future).Select(e => (e.Field, e.Code)));
        Assert.Empty(PushedTimeRules.RequestErrors("机推-1005", batchRequired: true, PushedTimeRules.Of(Utc(0, 0), Now, Shanghai)));
    }
}
