using Fangkong.Core.Identifiers;

namespace Fangkong.Core.Tests.Identifiers;

public class ResidentIdTests
{
    private static readonly DateOnly Today = new(2022, 3, 17);

    [Fact]
    public void Check_StandardWorkedExample_IsValidFemale()
    {
        var r = ResidentId.Check("11010519491231002X", Today);
        Assert.True(r.Valid);
        Assert.Equal("11010519491231002X", r.Normalized);
        Assert.Equal(new DateOnly(1949, 12, 31), r.BirthDate);
        Assert.Equal('F', r.Sex);
        Assert.Equal(ResidentIdIssue.None, r.Issue);
    }

    [Theory]
    [InlineData(" 11010519491231002x ", "11010519491231002X")]
    [InlineData("１１０１０５１９４９１２３１００２ｘ", "11010519491231002X")]
    [InlineData("110105 1949 1231 002X", "11010519491231002X")]
    public void Check_MessyInput_Normalizes(string input, string expected)
    {
        var r = ResidentId.Check(input, Today);
        Assert.True(r.Valid, r.Issue.ToString());
        Assert.Equal(expected, r.Normalized);
    }

    [Fact]
    public void Check_FifteenDigits_UpgradesToEighteenWithCheckCharacter()
    {
        // 15-digit form of 11010519491231002X: drop "19" and the check character.
        var r = ResidentId.Check("110105491231002", Today);
        Assert.True(r.Valid);
        Assert.Equal("11010519491231002X", r.Normalized);
    }

    [Theory]
    [InlineData("11010519491231002", ResidentIdIssue.BadLength)]
    [InlineData("110105194912310021", ResidentIdIssue.BadCheckCharacter)]
    [InlineData("11010519491331002X", ResidentIdIssue.BadBirthDate)]
    [InlineData("11010519490230002X", ResidentIdIssue.BadBirthDate)]
    [InlineData("1101051949123100AX", ResidentIdIssue.BadCharacter)]
    [InlineData("", ResidentIdIssue.Empty)]
    [InlineData("   ", ResidentIdIssue.Empty)]
    public void Check_BadInput_NamesTheIssue(string input, ResidentIdIssue issue)
    {
        var r = ResidentId.Check(input, Today);
        Assert.False(r.Valid);
        Assert.Equal(issue, r.Issue);
    }

    [Fact]
    public void Check_BirthDateAfterToday_IsRejected()
    {
        var id = ResidentId.Compose("411326", new DateOnly(2022, 3, 18), 11);
        Assert.Equal(ResidentIdIssue.FutureBirthDate, ResidentId.Check(id, Today).Issue);
        Assert.True(ResidentId.Check(id, Today.AddDays(1)).Valid);
    }

    [Fact]
    public void Check_UnknownAddressCode_IsRejectedWhenACheckIsGiven()
    {
        var id = ResidentId.Compose("991326", new DateOnly(1980, 1, 1), 11);
        Assert.True(ResidentId.Check(id, Today).Valid);
        Assert.Equal(ResidentIdIssue.UnknownAddressCode, ResidentId.Check(id, Today, code => code.StartsWith("41")).Issue);
    }

    [Fact]
    public void Compose_SequenceParity_DecidesSex()
    {
        Assert.Equal('M', ResidentId.Check(ResidentId.Compose("411326", new DateOnly(1970, 5, 1), 13), Today).Sex);
        Assert.Equal('F', ResidentId.Check(ResidentId.Compose("411326", new DateOnly(1970, 5, 1), 14), Today).Sex);
    }

    [Fact]
    public void ComputeCheckCharacter_AllRemainders_MapToTheStandardTable()
    {
        // Varying the last digit of 17 moves the sum by its weight (2); covering 0..9 walks through the table.
        var seen = new HashSet<char>();
        for (var a = 0; a < 100; a++)
            seen.Add(ResidentId.ComputeCheckCharacter($"4113261980010100{a % 10}".AsSpan(0, 17).ToString().Remove(15, 1).Insert(15, (a / 10).ToString())));
        Assert.Subset(new HashSet<char>("10X98765432"), seen);
    }
}
