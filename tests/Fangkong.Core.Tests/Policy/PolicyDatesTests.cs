using Fangkong.Core.People;
using Fangkong.Core.Policy;

namespace Fangkong.Core.Tests.Policy;

public class PolicyDatesTests
{
    private static readonly DateOnly Today = new(2022, 10, 5);

    [Theory]
    [InlineData("2019-12-01", null)]
    [InlineData("2022-10-05", null)]
    [InlineData("2023-10-05", null)]
    [InlineData("2019-11-30", "date.too-early")]
    [InlineData("0001-01-01", "date.too-early")]
    [InlineData("2023-10-06", "date.too-far-ahead")]
    [InlineData("9999-12-31", "date.too-far-ahead")]
    public void Check_RefusesDatesOutsideTheOutbreakAndNextYear(string date, string? code)
    {
        var error = PolicyDates.Check("exposureDate", DateOnly.Parse(date, System.Globalization.CultureInfo.InvariantCulture), Today);
        Assert.Equal(code is null ? null : new FieldError("exposureDate", code), error);
    }

    [Fact]
    public void CheckEvaluation_NamesEachBadDate()
    {
        Assert.Empty(PolicyDates.CheckEvaluation(new(2022, 10, 1), null, Today));
        Assert.Equal([new FieldError("exposureDate", "date.too-far-ahead"), new FieldError("on", "date.too-early")],
            PolicyDates.CheckEvaluation(DateOnly.MaxValue, new(1900, 1, 1), Today));
    }

    [Fact]
    public void EveryDateInRange_Evaluates_WithoutRunningPastTheCalendar()
    {
        var rules = RulePackSet.Shipped("411326");
        var last = Today.AddYears(PolicyDates.MaxYearsAhead);
        foreach (var reason in new[] { "close-contact", "high-risk-area", "inbound" })
        {
            Assert.NotNull(rules.Evaluate(reason, PolicyDates.Earliest));
            Assert.NotNull(rules.Evaluate(reason, last, last));
        }
    }
}
