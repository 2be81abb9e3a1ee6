using Fangkong.Core.Tasks;

namespace Fangkong.Core.Tests.Tasks;

public class VerificationStepsTests
{
    private static readonly DateTime T0 = new(2022, 11, 10, 1, 0, 0, DateTimeKind.Utc);

    private static TaskChange Change(string actor, int minute, params (string Field, string? Old, string? New)[] fields) => new(actor, T0.AddMinutes(minute), fields);

    [Fact]
    public void EachStage_IsRecordedByWhoeverSetItsTime_AndACorrectionNamesTheCorrector()
    {
        var authors = VerificationSteps.Authors(
        [
            Change("系统", 0, ("Name", null, "张三"), ("Status", null, "Dispatched")),
            Change("甲", 5, ("Team", null, "(changed)"), ("TeamNamedAt", null, "2022-11-10T01:05:00Z"), ("Status", "Dispatched", "TeamNamed")),
            Change("乙", 20, ("Outcome", "None", "FoundInCounty"), ("ClearIdentity", "False", "True"), ("VerifiedAt", null, "2022-11-10T01:20:00Z")),
            // The team corrected by someone else; a change of the next deadline alone touches no stage.
            Change("丙", 30, ("Team", "(set)", "(changed)")),
            Change("甲", 31, ("NextDueAt", "2022-11-10T02:00:00Z", "2022-11-10T04:00:00Z")),
            Change("甲", 40, ("SampledAt", null, "2022-11-10T00:50:00Z"), ("Status", "Verified", "Sampled")),
            Change("乙", 90, ("Result", null, "negative"), ("ResultAt", null, "2022-11-10T02:30:00Z")),
            Change("乙", 95, ("Result", "negative", "positive")),
            Change("甲", 120, ("Measure", null, "close-contact"), ("OrderId", null, "7"), ("ClosedAt", null, "2022-11-10T03:00:00Z")),
        ]);

        Assert.Equal(
            [
                new StepAuthor(VerificationStage.Team, "甲", "丙", T0.AddMinutes(30)),
                new StepAuthor(VerificationStage.Verify, "乙"),
                new StepAuthor(VerificationStage.Sample, "甲"),
                new StepAuthor(VerificationStage.Result, "乙", "乙", T0.AddMinutes(95)),
                new StepAuthor(VerificationStage.Close, "甲"),
            ],
            authors);
    }

    [Fact]
    public void ANewDispatch_StartsTheStagesAfresh_SoOnlyTheUnitThatDidThemNowIsNamed()
    {
        var authors = VerificationSteps.Authors(
        [
            Change("甲镇", 5, ("Team", null, "(changed)"), ("TeamNamedAt", null, "2022-11-10T01:05:00Z")),
            Change("甲镇", 10, ("Outcome", "None", "FoundInCounty"), ("VerifiedAt", null, "2022-11-10T01:10:00Z")),
            // Handed over to another township: the stages' times are cleared, the result field is left as it was.
            Change("甲镇", 15, ("ScopeKey", "411326102", "411326110"), ("Team", "(set)", null), ("TeamNamedAt", "2022-11-10T01:05:00Z", null),
                ("VerifiedAt", "2022-11-10T01:10:00Z", null), ("Outcome", "FoundInCounty", "None")),
            Change("乙镇", 25, ("Team", null, "(changed)"), ("TeamNamedAt", null, "2022-11-10T01:25:00Z")),
        ]);

        Assert.Equal([new StepAuthor(VerificationStage.Team, "乙镇")], authors);
    }

    [Fact]
    public void NoChanges_NoAuthors() => Assert.Empty(VerificationSteps.Authors([]));
}
