using Fangkong.Core.Orders;
using Fangkong.Core.Policy;

namespace Fangkong.Core.Tests.Orders;

public class OrderRulesTests
{
    private static readonly RulePackSet Set = RulePackSet.Shipped("411326");
    private static DateOnly D(string s) => DateOnly.Parse(s, System.Globalization.CultureInfo.InvariantCulture);

    private static ControlOrder CloseContact(string exposure = "2022-09-01")
    {
        var order = OrderRules.Build(Set.Evaluate(Reasons.CloseContact, D(exposure)), [Reasons.CloseContact], "411326", "411326101", 1, DateTime.UtcNow);
        order.Status = OrderStatus.Active;
        return order;
    }

    [Fact]
    public void Build_LaysOutMeasuresAndOneTestPerDay()
    {
        var o = CloseContact();
        Assert.Equal(2, o.Measures.Count);
        Assert.Equal(D("2022-09-07"), o.Measures[0].To);
        Assert.Equal(D("2022-09-10"), o.EndDate);
        Assert.Equal([1, 2, 3, 5, 7, 10], o.Tests.Select(t => t.Day));
        Assert.Equal("cn-9th#close-contact", o.RuleReference);
        Assert.All(o.Tests, t => Assert.Equal("411326101", t.ScopeKey));
    }

    [Fact]
    public void StatusAndConversion_FollowTheCalendar()
    {
        var o = CloseContact();
        Assert.Equal(ControlStatus.UnderMeasure, OrderRules.StatusOn(o, D("2022-09-07")));
        Assert.Equal(OrderStep.None, OrderRules.StepOn(o, D("2022-09-07")));
        Assert.Equal(OrderStep.Convert, OrderRules.StepOn(o, D("2022-09-08")));
        o.CurrentKind = MeasureKinds.HomeHealthMonitoring;
        Assert.Equal(ControlStatus.Monitoring, OrderRules.StatusOn(o, D("2022-09-08")));
        Assert.Equal(OrderStep.ReleaseDue, OrderRules.StepOn(o, D("2022-09-11")));
        o.Status = OrderStatus.Released;
        Assert.Equal(ControlStatus.Clear, OrderRules.StatusOn(o, D("2022-09-08")));
    }

    /// <summary>
    /// 7 days at a site, then 3 days of home health monitoring: on day 8 the order converts — the current measure, the
    /// site let go, the reason naming the day, status converted — once; from there it ends and is released as an active
    /// order would be.
    /// </summary>
    [Fact]
    public void Conversion_SetsConverted_AndTheOrderEndsAsAnActiveOneWould()
    {
        var o = CloseContact();
        o.SiteNodeId = 42;
        Assert.Null(OrderRules.Convert(o, D("2022-09-07")));
        Assert.Equal((OrderStatus.Active, MeasureKinds.CentralizedQuarantine), (o.Status, o.CurrentKind));
        var measure = OrderRules.Convert(o, D("2022-09-08"));
        Assert.Equal(MeasureKinds.HomeHealthMonitoring, measure!.Kind);
        Assert.Equal((OrderStatus.Converted, MeasureKinds.HomeHealthMonitoring, (long?)null, "day 8: home-health-monitoring"),
            (o.Status, o.CurrentKind, o.SiteNodeId, o.StatusReason));
        Assert.Null(OrderRules.Convert(o, D("2022-09-09"))); // nothing more to convert
        Assert.Equal(OrderStep.None, OrderRules.StepOn(o, D("2022-09-10")));
        Assert.Equal(ControlStatus.Monitoring, OrderRules.StatusOn(o, D("2022-09-09")));
        Assert.Equal(ControlStatus.Monitoring, OrderRules.StatusOf([o], D("2022-09-12"))); // past the end, not yet released
        Assert.Equal(OrderStep.ReleaseDue, OrderRules.StepOn(o, D("2022-09-11")));
        Assert.Equal("measures-not-over", OrderRules.ReleaseBlocker(o, D("2022-09-09")));
        Assert.Equal("test-not-negative", OrderRules.ReleaseBlocker(o, D("2022-09-10")));
        foreach (var t in o.Tests) t.Status = TestStatus.Negative;
        Assert.Null(OrderRules.ReleaseBlocker(o, D("2022-09-10")));
    }

    /// <summary>A converted order is worked as an active one: running, in force, open (so it can be extended, transferred, cancelled, released).</summary>
    [Theory]
    [InlineData(OrderStatus.Proposed, false, false, true)]
    [InlineData(OrderStatus.Active, true, true, true)]
    [InlineData(OrderStatus.Converted, true, true, true)]
    [InlineData(OrderStatus.Extended, true, true, true)]
    [InlineData(OrderStatus.ReleasePending, false, true, true)]
    [InlineData(OrderStatus.Released, false, false, false)]
    [InlineData(OrderStatus.TransferredToHospital, false, false, false)]
    [InlineData(OrderStatus.Cancelled, false, false, false)]
    public void Statuses_Running_InForce_Open(OrderStatus status, bool running, bool inForce, bool open)
    {
        Assert.Equal((running, inForce, open), (ControlOrder.IsRunning(status), ControlOrder.IsInForce(status), ControlOrder.IsOpen(status)));
    }

    [Fact]
    public void Statuses_EveryValueIsNamedInTheLists_OrDeliberatelyLeftOut()
    {
        var closed = new[] { OrderStatus.Released, OrderStatus.TransferredToHospital, OrderStatus.Cancelled };
        Assert.Equal(Enum.GetValues<OrderStatus>().Order(), ControlOrder.OpenStatuses.Concat(closed).Order());
    }

    /// <summary>
    /// Extending a converted order makes it extended (the later decision), its current measure and the reason still the
    /// conversion's; an order extended before its conversion stays extended when it converts.
    /// </summary>
    [Fact]
    public void Extended_Wins_OverConverted_BothWays()
    {
        var o = CloseContact();
        OrderRules.Convert(o, D("2022-09-08"));
        OrderRules.Extend(o, 3, [3]);
        Assert.Equal((OrderStatus.Extended, MeasureKinds.HomeHealthMonitoring, D("2022-09-13")), (o.Status, o.CurrentKind, o.EndDate));
        Assert.Equal(ControlStatus.Monitoring, OrderRules.StatusOn(o, D("2022-09-12")));

        var early = CloseContact();
        OrderRules.Extend(early, 3, []);
        Assert.Equal(OrderStatus.Extended, early.Status);
        Assert.Equal(MeasureKinds.HomeHealthMonitoring, OrderRules.Convert(early, D("2022-09-08"))!.Kind);
        Assert.Equal((OrderStatus.Extended, MeasureKinds.HomeHealthMonitoring), (early.Status, early.CurrentKind));
    }

    /// <summary>Someone taken to hospital with a fever is not "clear" at a checkpoint while the order's period lasts.</summary>
    [Fact]
    public void TransferredToHospital_IsUnderMeasure_ForTheOrdersPeriod()
    {
        var o = CloseContact();
        o.Status = OrderStatus.TransferredToHospital;
        Assert.Equal(ControlStatus.UnderMeasure, OrderRules.StatusOn(o, D("2022-09-05")));
        Assert.Equal(ControlStatus.UnderMeasure, OrderRules.StatusOn(o, D("2022-09-10")));
        Assert.Equal(ControlStatus.Clear, OrderRules.StatusOn(o, D("2022-09-11")));
        o.Status = OrderStatus.Cancelled;
        Assert.Equal(ControlStatus.Clear, OrderRules.StatusOn(o, D("2022-09-05")));
    }

    /// <summary>A closed-loop worker's order ends with the assignment (the pack says so), not with every test negative.</summary>
    [Fact]
    public void Release_OfAClosedLoopWorker_FollowsThePacksCondition()
    {
        var evaluation = Set.Evaluate("closed-loop-worker", D("2022-09-01"), D("2022-09-01"));
        Assert.Equal(OrderRules.EndOfAssignment, evaluation.Rule!.Release);
        var o = OrderRules.Build(evaluation, ["closed-loop-worker"], "411326", "411326101", 1, DateTime.UtcNow);
        o.Status = OrderStatus.Active;
        Assert.Equal(OrderRules.EndOfAssignment, o.ReleaseCondition);
        Assert.Equal("measures-not-over", OrderRules.ReleaseBlocker(o, o.EndDate.AddDays(-1)));
        Assert.Null(OrderRules.ReleaseBlocker(o, o.EndDate)); // tests still due do not hold the worker
        if (o.Tests.Count > 0)
        {
            o.Tests[0].Status = TestStatus.Positive;
            Assert.Equal("test-positive", OrderRules.ReleaseBlocker(o, o.EndDate));
        }
        // An order whose condition is not known to this version is never released by default.
        o.ReleaseCondition = "when-the-mayor-says";
        Assert.Equal("release-condition-unknown", OrderRules.ReleaseBlocker(o, o.EndDate));
        Assert.Equal(OrderRules.AllTestsNegative, CloseContact().ReleaseCondition);
    }

    [Fact]
    public void Release_OnlyWhenEveryTestIsNegative_AndTheEndIsReached()
    {
        var o = CloseContact();
        Assert.Equal("measures-not-over", OrderRules.ReleaseBlocker(o, D("2022-09-09")));
        Assert.Equal("test-not-negative", OrderRules.ReleaseBlocker(o, D("2022-09-10")));
        foreach (var t in o.Tests) t.Status = TestStatus.Negative;
        o.Tests[2].Status = TestStatus.Missed;
        Assert.Equal("test-not-negative", OrderRules.ReleaseBlocker(o, D("2022-09-10")));
        o.Tests[2].Status = TestStatus.Positive;
        Assert.Equal("test-positive", OrderRules.ReleaseBlocker(o, D("2022-09-10")));
        o.Tests[2].Status = TestStatus.Negative;
        Assert.Null(OrderRules.ReleaseBlocker(o, D("2022-09-10")));
    }

    [Fact]
    public void Extend_MovesTheEnd_AndAddsTests()
    {
        var o = CloseContact();
        OrderRules.Extend(o, 4, [2, 4]);
        Assert.Equal(D("2022-09-14"), o.EndDate);
        Assert.Equal([1, 2, 3, 5, 7, 10, 12, 14], o.Tests.Select(t => t.Day));
        Assert.Throws<ArgumentOutOfRangeException>(() => OrderRules.Extend(o, 0, []));
    }

    [Fact]
    public void StrictestStatus_OverSeveralOrders()
    {
        var a = CloseContact("2022-09-01");
        var b = OrderRules.Build(Set.Evaluate(Reasons.LowRiskArea, D("2022-09-09")), [Reasons.LowRiskArea], "411326", "411326101", 1, DateTime.UtcNow);
        b.Status = OrderStatus.Active;
        Assert.Equal(ControlStatus.UnderMeasure, OrderRules.StatusOf([a, b], D("2022-09-05")));
        a.Status = OrderStatus.Released;
        Assert.Equal(ControlStatus.Monitoring, OrderRules.StatusOf([a, b], D("2022-09-09")));
        Assert.Equal(ControlStatus.Clear, OrderRules.StatusOf([], D("2022-09-09")));
    }

    /// <summary>逾期: a test whose day has passed with no result (due, or sampled without the lab's answer), on an open order only.</summary>
    [Fact]
    public void ATestIsOverdue_OnceItsDayHasPassed_WithNoResult()
    {
        var o = CloseContact(); // tests on 09-01, 09-02, 09-03, 09-05, 09-07, 09-10
        Assert.Equal(0, OrderRules.OverdueTests(o, D("2022-09-01")));             // day 1 is today: due, not overdue
        Assert.Equal(1, OrderRules.OverdueTests(o, D("2022-09-02")));
        o.Tests[0].Status = TestStatus.Sampled;                                     // sampled, no result yet: still overdue
        Assert.Equal(1, OrderRules.OverdueTests(o, D("2022-09-02")));
        o.Tests[0].Status = TestStatus.Negative;
        o.Tests[1].Status = TestStatus.Positive;
        o.Tests[2].Status = TestStatus.Cancelled;
        Assert.Equal(0, OrderRules.OverdueTests(o, D("2022-09-04")));             // every past day has its result or is cancelled
        Assert.Equal(2, OrderRules.OverdueTests(o, D("2022-09-08")));             // days 5 and 7
        Assert.True(OrderRules.IsOverdue(o.Status, TestStatus.Due, D("2022-09-05"), D("2022-09-06")));
        Assert.False(OrderRules.IsOverdue(o.Status, TestStatus.Due, D("2022-09-06"), D("2022-09-06")));
        Assert.False(OrderRules.IsOverdue(o.Status, TestStatus.Negative, D("2022-09-05"), D("2022-09-06")));
        o.Status = OrderStatus.Proposed;                                            // waiting for the township: still someone's work
        Assert.Equal(2, OrderRules.OverdueTests(o, D("2022-09-08")));
        foreach (var closed in new[] { OrderStatus.Released, OrderStatus.Cancelled, OrderStatus.TransferredToHospital })
        {
            o.Status = closed;
            Assert.Equal(0, OrderRules.OverdueTests(o, D("2022-09-08")));
        }
    }
}
