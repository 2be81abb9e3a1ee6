using Fangkong.Core.Orders;
using Fangkong.Core.Tasks;

namespace Fangkong.Core.Tests.Tasks;

public class TaskTitleTests
{
    private static readonly Dictionary<string, string> Zh = new(StringComparer.Ordinal)
    {
        ["TaskTitle_positive-test"] = "第 {day} 天核酸检测阳性",
        ["TaskTitle_fever"] = "体温 {temperature}℃ {symptoms}",
        ["TaskTitle_missed-report"] = "{date} {slot}体温未上报",
        ["TaskTitle_spot-check"] = "抽查：{outcome}",
        ["TaskTitle_landing-test-positive"] = "报备 {arrival} 落地检阳性",
        ["TaskTitleSlot_Evening"] = "晚间",
        ["Symptom_DryCough"] = "干咳",
        ["Symptom_Fatigue"] = "乏力",
        ["Outcome_Unwell"] = "身体不适",
        ["ListSeparator"] = "、",
    };

    private static string? Words(string key) => Zh.TryGetValue(key, out var s) ? s : null;

    public static TheoryData<TaskTitle, string> Stored => new()
    {
        { TaskTitle.PositiveTest(7), "positive-test?day=7" },
        { TaskTitle.LandingTestPositive("A 2022/10-05"), "landing-test-positive?arrival=A%202022%2F10-05" },
        { TaskTitle.VerificationPositive(42), "verification-positive?task=42" },
        { TaskTitle.LinkedContactPositive(), "linked-contact-positive" },
        { TaskTitle.SpotCheck(SpotCheckOutcome.AwayFromPlace), "spot-check?outcome=AwayFromPlace" },
        { TaskTitle.Fever(38.2m, Symptoms.Fatigue | Symptoms.DryCough), "fever?temperature=38.2&symptoms=DryCough,Fatigue" },
        { TaskTitle.Fever(37.5m, Symptoms.None), "fever?temperature=37.5" },
        { TaskTitle.MissedReport(new DateOnly(2022, 10, 5), ReportSlot.Evening), "missed-report?date=2022-10-05&slot=Evening" },
    };

    [Theory, MemberData(nameof(Stored))]
    public void Format_IsTheCanonicalText_AndParseReadsItBack(TaskTitle title, string stored)
    {
        Assert.Equal(stored, title.Format());
        Assert.Equal(title, TaskTitle.Parse(stored));
        Assert.Contains(title.Code, TaskTitle.Codes);
    }

    /// <summary>Titles stored before the codes (English sentences) are read as the same values.</summary>
    [Theory]
    [InlineData("day 3 test positive", "positive-test?day=3")]
    [InlineData("arrival 411326-20221005-0007: landing test positive", "landing-test-positive?arrival=411326-20221005-0007")]
    [InlineData("verification task 99: test positive", "verification-positive?task=99")]
    [InlineData("the linked close contact tested positive: manage as a close contact", "linked-contact-positive")]
    [InlineData("spot check: Unwell", "spot-check?outcome=Unwell")]
    [InlineData("37.9°C DryCough, Fatigue", "fever?temperature=37.9&symptoms=DryCough,Fatigue")]
    [InlineData("38.2°C None", "fever?temperature=38.2")]
    [InlineData("2022-10-05 morning report missing", "missed-report?date=2022-10-05&slot=Morning")]
    public void Parse_ReadsTheOldEnglishShapes(string old, string stored) =>
        Assert.Equal(stored, TaskTitle.Parse(old)?.Format());

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("打电话给王晓明")]
    [InlineData("unknown-code?x=1")]
    [InlineData("spot check: Sleeping")]
    [InlineData("37.9°C Sneezing")]
    [InlineData("positive-test?day")]
    public void Parse_GivesNothing_ForTextOfNoKnownShape(string? text) => Assert.Null(TaskTitle.Parse(text));

    [Fact]
    public void Render_FillsTheTemplate_NamingCodesInWords()
    {
        Assert.Equal("第 7 天核酸检测阳性", TaskTitle.PositiveTest(7).Render(Words));
        Assert.Equal("体温 38.2℃ 干咳、乏力", TaskTitle.Fever(38.2m, Symptoms.DryCough | Symptoms.Fatigue).Render(Words));
        Assert.Equal("体温 37.5℃", TaskTitle.Fever(37.5m, Symptoms.None).Render(Words));
        Assert.Equal("2022-10-05 晚间体温未上报", TaskTitle.MissedReport(new DateOnly(2022, 10, 5), ReportSlot.Evening).Render(Words));
        Assert.Equal("抽查：身体不适", TaskTitle.SpotCheck(SpotCheckOutcome.Unwell).Render(Words));
        Assert.Equal("报备 A 2022/10 落地检阳性", TaskTitle.Parse(TaskTitle.LandingTestPositive("A 2022/10").Format())!.Render(Words));
    }

    [Fact]
    public void Render_WithoutATemplate_GivesTheStoredText_AndAnUnknownCodeAsWritten()
    {
        Assert.Equal("verification-positive?task=5", TaskTitle.VerificationPositive(5).Render(Words));
        // A symptom without a word (a locale behind the code) stays its code rather than vanishing.
        Assert.Equal("体温 38.0℃ 干咳、Myalgia", TaskTitle.Fever(38m, Symptoms.DryCough | Symptoms.Myalgia).Render(Words));
    }
}
