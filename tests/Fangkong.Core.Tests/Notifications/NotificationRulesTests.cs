using Fangkong.Core.Notifications;

namespace Fangkong.Core.Tests.Notifications;

public class NotificationRulesTests
{
    [Theory]
    [InlineData("411326", "411326")]                       // the county command centre
    [InlineData("411326102", "411326102")]                 // a township's special team
    [InlineData("411326102201", "411326102201")]           // a village
    [InlineData("411326102201003", "411326102201")]        // a grid: its village is told
    [InlineData("411326102201003001002001", "411326102201")] // a household's order: its village
    public void AUnit_IsNeverDeeperThanAVillage(string key, string unit) => Assert.Equal(unit, NotificationRules.Unit(key));

    [Fact]
    public void AnAccount_ReadsItsOwnUnit_AndAGridWorkerItsVillage_NotItsNeighbours()
    {
        Assert.True(NotificationRules.Reads("411326102201003", "411326102201"));
        Assert.True(NotificationRules.Reads("411326102", "411326102"));
        Assert.False(NotificationRules.Reads("411326102", "411326102201"));     // a township's own inbox is not its villages'
        Assert.False(NotificationRules.Reads("411326102201", "411326102"));     // nor a village the township's
        Assert.False(NotificationRules.Reads("411326102202", "411326102201"));
    }

    [Fact]
    public void AFailedMessage_IsRetriedWithGrowingPauses_ThenGivenUp()
    {
        var now = new DateTime(2022, 11, 10, 1, 0, 0, DateTimeKind.Utc);
        var pauses = Enumerable.Range(1, NotificationRules.MaxAttempts - 1).Select(a => NotificationRules.Retry(a, now)!.Value - now).ToList();
        Assert.Equal(pauses.Order().ToList(), pauses);
        Assert.Equal(TimeSpan.FromMinutes(1), pauses[0]);
        Assert.Null(NotificationRules.Retry(NotificationRules.MaxAttempts, now));
    }
}
