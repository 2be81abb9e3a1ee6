using Fangkong.Core.Accounts;

namespace Fangkong.Core.Tests.Accounts;

public class ActorNamesTests
{
    [Theory]
    [InlineData("县指挥部值班长", "command")]
    [InlineData("乡镇专班(二)", "township2")]          // brackets in the display name itself
    [InlineData("王 (临时)", "wang.li@xichuan-cdc")]    // a login's every kind of character
    public void AComposedName_SplitsBackIntoDisplayNameAndLogin(string display, string login) =>
        Assert.Equal((display, login), ActorNames.Split(ActorNames.Compose(display, login)));

    [Theory]
    [InlineData("system")]
    [InlineData("closed-loop-sweep")]
    [InlineData("乡镇专班(二)")]          // no space before the bracket: part of the name
    [InlineData("检测机构 (接口)")]       // not a login's characters
    [InlineData("名字 ()")]
    [InlineData("(command)")]
    public void ANameWithoutALogin_IsShownWhole(string stored) =>
        Assert.Equal((stored, (string?)null), ActorNames.Split(stored));

    [Fact]
    public void NoName_IsEmpty() => Assert.Equal(("", (string?)null), ActorNames.Split(null));
}
