using Fangkong.Core.Tasks;

namespace Fangkong.Core.Tests.Tasks;

public class VerificationClockTests
{
    private static readonly DateTime DispatchedUtc = new(2022, 11, 10, 15, 50, 0, DateTimeKind.Utc);

    private static VerificationTask Task(VerificationStatus status = VerificationStatus.Dispatched) => new()
    {
        CountyCode = "411326",
        ScopeKey = "411326110218",
        Township = "411326110",
        Name = "张三",
        Status = status,
        DeadlineProfileId = DeadlineProfile.DefaultId,
        DeadlineProfileVersion = 1,
        DispatchedAt = DispatchedUtc,
    };

    [Fact]
    public void NextStage_ProgressesAsEachStageIsDone()
    {
        var t = Task();
        Assert.Equal(VerificationStage.Team, VerificationClock.NextStage(t));

        t.TeamNamedAt = DispatchedUtc.AddMinutes(12);
        t.Status = VerificationStatus.TeamNamed;
        Assert.Equal(VerificationStage.Verify, VerificationClock.NextStage(t));

        t.VerifiedAt = DispatchedUtc.AddMinutes(50);
        t.Outcome = VerificationOutcome.FoundInCounty;
        t.Status = VerificationStatus.Verified;
        Assert.Equal(VerificationStage.Sample, VerificationClock.NextStage(t));

        t.SampledAt = DispatchedUtc.AddHours(2);
        t.Status = VerificationStatus.Sampled;
        Assert.Equal(VerificationStage.Result, VerificationClock.NextStage(t));

        t.ResultAt = DispatchedUtc.AddHours(7);
        t.Result = "negative";
        t.Status = VerificationStatus.Resulted;
        Assert.Equal(VerificationStage.Close, VerificationClock.NextStage(t));

        t.ClosedAt = DispatchedUtc.AddHours(9);
        t.Status = VerificationStatus.Closed;
        Assert.Null(VerificationClock.NextStage(t));
    }

    [Fact]
    public void NextStage_VerifiedWithoutOutcomeYet_StillNeedsTheTest()
    {
        var t = Task(VerificationStatus.Verified);
        t.TeamNamedAt = DispatchedUtc.AddMinutes(5);
        t.VerifiedAt = DispatchedUtc.AddMinutes(30);
        t.Outcome = VerificationOutcome.None;

        Assert.Equal(VerificationStage.Sample, VerificationClock.NextStage(t));
    }

    [Fact]
    public void NextStage_VerifiedBeforeTheTeamWasRecorded_StillAsksForTheTeam()
    {
        var t = Task(VerificationStatus.Verified);
        t.VerifiedAt = DispatchedUtc.AddMinutes(30);

        Assert.Equal(VerificationStage.Team, VerificationClock.NextStage(t));
    }

    [Theory]
    [InlineData(VerificationOutcome.LeftCounty)]
    [InlineData(VerificationOutcome.NotFound)]
    [InlineData(VerificationOutcome.Duplicate)]
    [InlineData(VerificationOutcome.WrongData)]
    public void NextStage_OutcomeNeedingNoTest_SkipsSampleAndResult(VerificationOutcome outcome)
    {
        var t = Task(VerificationStatus.Verified);
        t.TeamNamedAt = DispatchedUtc.AddMinutes(10);
        t.VerifiedAt = DispatchedUtc.AddMinutes(40);
        t.Outcome = outcome;

        Assert.Equal(VerificationStage.Close, VerificationClock.NextStage(t));
    }

    [Theory]
    [InlineData(VerificationOutcome.LeftCounty)]
    [InlineData(VerificationOutcome.NotFound)]
    [InlineData(VerificationOutcome.Duplicate)]
    [InlineData(VerificationOutcome.WrongData)]
    public void NextStage_OutcomeNeedingNoTest_BeforeVerification_StillAsksToVerify(VerificationOutcome outcome)
    {
        var t = Task(VerificationStatus.TeamNamed);
        t.TeamNamedAt = DispatchedUtc.AddMinutes(10);
        t.Outcome = outcome;

        Assert.Equal(VerificationStage.Verify, VerificationClock.NextStage(t));
    }

    [Fact]
    public void NextStage_FoundInCounty_AfterSampling_WaitsForTheResult()
    {
        var t = Task(VerificationStatus.Sampled);
        t.TeamNamedAt = DispatchedUtc.AddMinutes(10);
        t.VerifiedAt = DispatchedUtc.AddMinutes(40);
        t.Outcome = VerificationOutcome.FoundInCounty;
        t.SampledAt = DispatchedUtc.AddMinutes(100);

        Assert.Equal(VerificationStage.Result, VerificationClock.NextStage(t));
    }

    [Theory]
    [InlineData(VerificationStatus.Closed)]
    [InlineData(VerificationStatus.Upstream)]
    [InlineData(VerificationStatus.Routing)]
    public void NextStage_ClosedUpstreamOrInTheRoutingQueue_HasNone(VerificationStatus status)
    {
        var t = Task(status); // nothing done: an open dispatched task would be at Team

        Assert.Null(VerificationClock.NextStage(t));
    }

    [Theory]
    [InlineData(VerificationStatus.Dispatched, true)]
    [InlineData(VerificationStatus.TeamNamed, true)]
    [InlineData(VerificationStatus.Verified, true)]
    [InlineData(VerificationStatus.Sampled, true)]
    [InlineData(VerificationStatus.Resulted, true)]
    [InlineData(VerificationStatus.Routing, true)]
    [InlineData(VerificationStatus.Closed, false)]
    [InlineData(VerificationStatus.Upstream, false)]
    public void IsOpen(VerificationStatus status, bool open) => Assert.Equal(open, VerificationTask.IsOpen(status));

    // ---- Refresh ----------------------------------------------------------------------------------------------

    [Fact]
    public void Refresh_NewTask_SetsTheTeamDeadline()
    {
        var t = Task();

        VerificationClock.Refresh(t, DeadlineProfile.Default);

        Assert.Equal(VerificationStage.Team, t.NextStage);
        Assert.Equal(new DateTime(2022, 11, 10, 16, 10, 0, DateTimeKind.Utc), t.NextDueAt);
    }

    [Fact]
    public void Refresh_FollowsTheTaskThroughItsStages()
    {
        var t = Task();
        var profile = DeadlineProfile.Default;

        t.TeamNamedAt = DispatchedUtc.AddMinutes(12);
        VerificationClock.Refresh(t, profile);
        Assert.Equal((VerificationStage.Verify, DispatchedUtc.AddMinutes(60)), (t.NextStage!.Value, t.NextDueAt!.Value));

        t.VerifiedAt = DispatchedUtc.AddMinutes(50);
        t.Outcome = VerificationOutcome.FoundInCounty;
        VerificationClock.Refresh(t, profile);
        Assert.Equal((VerificationStage.Sample, DispatchedUtc.AddMinutes(180)), (t.NextStage!.Value, t.NextDueAt!.Value));

        t.SampledAt = DispatchedUtc.AddMinutes(150);
        VerificationClock.Refresh(t, profile);
        // 8 hours after 23:50 local: 07:50 the next morning.
        Assert.Equal((VerificationStage.Result, new DateTime(2022, 11, 10, 23, 50, 0, DateTimeKind.Utc)), (t.NextStage!.Value, t.NextDueAt!.Value));

        t.ResultAt = DispatchedUtc.AddHours(7);
        VerificationClock.Refresh(t, profile);
        Assert.Equal((VerificationStage.Close, DispatchedUtc.AddDays(1)), (t.NextStage!.Value, t.NextDueAt!.Value));

        t.Status = VerificationStatus.Closed;
        VerificationClock.Refresh(t, profile);
        Assert.Null(t.NextStage);
        Assert.Null(t.NextDueAt);
    }

    [Fact]
    public void Refresh_OutcomeNeedingNoTest_JumpsToTheCloseDeadline()
    {
        var t = Task(VerificationStatus.Verified);
        t.TeamNamedAt = DispatchedUtc.AddMinutes(10);
        t.VerifiedAt = DispatchedUtc.AddMinutes(40);
        t.Outcome = VerificationOutcome.LeftCounty;

        VerificationClock.Refresh(t, DeadlineProfile.Default);

        Assert.Equal(VerificationStage.Close, t.NextStage);
        Assert.Equal(DispatchedUtc.AddMinutes(1440), t.NextDueAt);
    }

    [Fact]
    public void Refresh_UsesTheGivenProfile()
    {
        var tight = new DeadlineProfile("tight", "tight",
        [
            new(VerificationStage.Team, 10), new(VerificationStage.Verify, 30), new(VerificationStage.Sample, 90),
            new(VerificationStage.Result, 240), new(VerificationStage.Close, 720),
        ]);
        var t = Task();
        t.TeamNamedAt = DispatchedUtc.AddMinutes(5);

        VerificationClock.Refresh(t, tight);

        Assert.Equal(VerificationStage.Verify, t.NextStage);
        Assert.Equal(DispatchedUtc.AddMinutes(30), t.NextDueAt);
    }

    [Theory]
    [InlineData(VerificationStatus.Routing)]
    [InlineData(VerificationStatus.Upstream)]
    [InlineData(VerificationStatus.Closed)]
    public void Refresh_WithoutNextStage_ClearsAnEarlierDeadline(VerificationStatus status)
    {
        var t = Task();
        VerificationClock.Refresh(t, DeadlineProfile.Default);
        Assert.NotNull(t.NextDueAt);

        t.Status = status;
        VerificationClock.Refresh(t, DeadlineProfile.Default);

        Assert.Null(t.NextStage);
        Assert.Null(t.NextDueAt);
    }

    [Fact]
    public void Refresh_DeadlineIsCountedFromTheDispatch_NotFromTheLastStep()
    {
        // The team was named late (40 minutes): verification is still due one hour after the dispatch.
        var t = Task();
        t.TeamNamedAt = DispatchedUtc.AddMinutes(40);

        VerificationClock.Refresh(t, DeadlineProfile.Default);

        Assert.Equal(DispatchedUtc.AddMinutes(60), t.NextDueAt);
    }
}
