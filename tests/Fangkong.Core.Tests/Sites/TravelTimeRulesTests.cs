using Fangkong.Core.Sites;

namespace Fangkong.Core.Tests.Sites;

public class TravelTimeRulesTests
{
    private const string T101 = "411326101", T102 = "411326102", T103 = "411326103";
    private static readonly HashSet<string> Townships = [T101, T102, T103];

    private static string[] Errors(IEnumerable<Core.People.FieldError> errors) => errors.Select(e => $"{e.Field}:{e.Code}").ToArray();

    [Fact]
    public void Validate_KeepsTheMinutes_AndAnEntryWithoutMinutesHasNoTime()
    {
        var (times, errors) = TravelTimeRules.Validate([new(T101, 12), new(" " + T102 + " ", 600), new(T103, null)], Townships);
        Assert.Empty(errors);
        Assert.Equal(new Dictionary<string, int> { [T101] = 12, [T102] = 600 }, times);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    [InlineData(601)]
    [InlineData(int.MaxValue)]
    public void Validate_MinutesOutside1To600_AreNamedByTheirTownship(int minutes)
    {
        var (times, errors) = TravelTimeRules.Validate([new(T101, 30), new(T102, minutes)], Townships);
        Assert.Equal([$"{T102}:travel-time.minutes-range"], Errors(errors));
        Assert.Equal([T101], times.Keys);
    }

    [Fact]
    public void Validate_AnUnknownTownship_OrOneTwice_IsNamed()
    {
        var (_, errors) = TravelTimeRules.Validate([
            new("411327101", 10),       // another county's township
            new("411326101200", 10),    // a village, not a township
            new("", 10),
            new(T101, 10), new(T101, 20),
        ], Townships);
        Assert.Equal(["411327101:travel-time.township-unknown", "411326101200:travel-time.township-unknown", "township:travel-time.township-unknown",
            $"{T101}:travel-time.township-twice"], Errors(errors));
    }

    [Theory]
    [InlineData("25", 25)]
    [InlineData(" 25 ", 25)]
    [InlineData("２５", 25)]
    [InlineData("600", 600)]
    [InlineData("0", 0)] // a whole number: the range is Validate's
    public void ParseMinutes_WholeNumbers(string text, int expected)
    {
        Assert.Equal(expected, TravelTimeRules.ParseMinutes(text, out var error));
        Assert.Null(error);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    public void ParseMinutes_AnEmptyBox_IsNoTime(string? text)
    {
        Assert.Null(TravelTimeRules.ParseMinutes(text, out var error));
        Assert.Null(error);
    }

    [Theory]
    [InlineData("25.5")]
    [InlineData("-3")]
    [InlineData("半小时")]
    [InlineData("25分钟")]
    [InlineData("99999")]
    public void ParseMinutes_AnythingElse_IsRefused(string text)
    {
        Assert.Null(TravelTimeRules.ParseMinutes(text, out var error));
        Assert.Equal(SiteErrors.TravelMinutesWhole, error);
    }

    [Fact]
    public void Diff_AddsChangesAndRemoves_InKeyOrder()
    {
        var changes = TravelTimeRules.Diff(
            new Dictionary<string, int> { [T103] = 30, [T101] = 10, [T102] = 20 },
            new Dictionary<string, int> { [T102] = 25, [T101] = 10, ["411326104"] = 45 });
        Assert.Equal(new Dictionary<string, int> { ["411326104"] = 45 }, changes.Added);
        Assert.Equal((20, 25), Assert.Single(changes.Changed).Value);
        Assert.Equal([T103], changes.Removed);
        Assert.True(TravelTimeRules.Diff(new Dictionary<string, int> { [T101] = 10 }, new Dictionary<string, int> { [T101] = 10 }).IsEmpty);
    }
}
