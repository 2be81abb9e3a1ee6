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
    public void AnEscalation_ToTheTownship_IsTextedToItsLead_OtherNoticesToTheTeam()
    {
        (string Name, bool Lead)[] township = [("team-1", false), ("lead", true), ("team-2", false)];
        string[] To(int level, (string Name, bool Lead)[] accounts) => NotificationRules.Recipients(level, accounts, a => a.Lead).Select(a => a.Name).ToArray();
        Assert.Equal(["lead"], To(1, township));
        Assert.Equal(["team-1", "team-2"], To(0, township));
        Assert.Equal(["team-1", "team-2"], To(2, township));
        // A unit with nobody in that position is never left silent.
        Assert.Equal(["team-1"], To(1, [("team-1", false)]));
        Assert.Equal(["lead"], To(0, [("lead", true)]));
        Assert.Empty(To(1, []));
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
