using Fangkong.Core.Policy;

namespace Fangkong.Core.Orders;

/// <summary>A person's control status as checkpoints and venues read it, derived from their orders.</summary>
public enum ControlStatus
{
    /// <summary>No order in force.</summary>
    Clear = 0,
    /// <summary>A measure that only asks for reports and tests (home health monitoring, three days two tests).</summary>
    Monitoring = 1,
    /// <summary>A measure that keeps the person in one place (quarantine at a site or at home, isolation, closed loop).</summary>
    UnderMeasure = 2,
}

/// <summary>What the sweep finds an order must do on a date.</summary>
public enum OrderStep { None, Convert, ReleaseDue }

/// <summary>
/// The rules of a control order, in plain C#: building one from an evaluation, which measure is in force on a
/// date, when it converts, when it may be released, and the status it gives the person.
/// </summary>
public static class OrderRules
{
    /// <summary>A negative PCR result means a Ct of at least this for both targets (DOMAIN.md: negative or release means Ct ≥ 35).</summary>
    public const decimal NegativeCt = 35m;

    /// <summary>
    /// Lays an evaluation out as an order: the measures with their dates, one test slot per test day (a day shared by
    /// two measures is one test), the rule as the legal basis. Status starts as proposed.
    /// </summary>
    public static ControlOrder Build(PolicyEvaluation evaluation, IEnumerable<string> reasons, string countyCode, string scopeKey, long personId, DateTime now)
    {
        if (!evaluation.Managed) throw new ArgumentException("the rules ask for no measure", nameof(evaluation));
        var order = new ControlOrder
        {
            CountyCode = countyCode,
            ScopeKey = scopeKey,
            PersonId = personId,
            Reasons = string.Join(",", reasons.Distinct()),
            ExposureDate = evaluation.ExposureDate,
            RulePackId = evaluation.Local ? RulePackVersion.LocalLayerId : evaluation.Pack.Id,
            RulePackVersion = evaluation.RuleVersion,
            RuleReference = evaluation.RuleReference,
            Local = evaluation.Local,
            Basis = evaluation.Rule?.Basis,
            ReleaseCondition = evaluation.Rule?.Release is { } release && ReleaseConditions.Contains(release) ? release : AllTestsNegative,
            Status = OrderStatus.Proposed,
            StartDate = evaluation.Measures[0].From,
            EndDate = evaluation.End!.Value,
            CurrentKind = evaluation.Measures[0].Kind,
            CreatedAt = now,
            UpdatedAt = now,
        };
        var sequence = 0;
        var testDays = new SortedSet<int>();
        foreach (var m in evaluation.Measures)
        {
            order.Measures.Add(new OrderMeasure
            {
                CountyCode = countyCode, ScopeKey = scopeKey, Sequence = ++sequence, Kind = m.Kind,
                FromDay = m.FromDay, ToDay = m.ToDay, From = m.From, To = m.To,
            });
            testDays.UnionWith(m.TestDays);
        }
        foreach (var day in testDays)
            order.Tests.Add(new OrderTest { CountyCode = countyCode, ScopeKey = scopeKey, Day = day, Date = evaluation.ExposureDate.AddDays(day - 1) });
        return order;
    }

    /// <summary>The reasons an order holds (<see cref="ControlOrder.Reasons"/> is stored comma-separated).</summary>
    public static string[] ReasonsOf(string reasons) => reasons.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>
    /// Whether an open order with these stored reasons already covers one of <paramref name="reasons"/>: a person is
    /// never under two open orders for the same reason (the single path refuses, a task is closed on the existing
    /// order, a bulk request skips the person).
    /// </summary>
    public static bool SharesReason(string orderReasons, IEnumerable<string> reasons) =>
        ReasonsOf(orderReasons).Intersect(reasons, StringComparer.Ordinal).Any();

    /// <summary>The measure in force on a date, or null before the start and after the end.</summary>
    public static OrderMeasure? MeasureOn(ControlOrder order, DateOnly date)
    {
        foreach (var m in order.Measures)
            if (date >= m.From && date <= m.To) return m;
        return null;
    }

    /// <summary>The status an order gives its person on a date.</summary>
    public static ControlStatus StatusOn(ControlOrder order, DateOnly date)
    {
        // Taken to the designated hospital: not free to pass a checkpoint while the order's period lasts (the discharge is
        // the hospital's record; after the period a new order, if any, says what follows).
        if (order.Status == OrderStatus.TransferredToHospital) return date <= order.EndDate ? ControlStatus.UnderMeasure : ControlStatus.Clear;
        if (!ControlOrder.IsInForce(order.Status)) return ControlStatus.Clear;
        // Past the end but not yet released: still under the last measure until someone releases.
        var measure = MeasureOn(order, date) ?? (date > order.EndDate ? order.Measures.LastOrDefault() : null);
        if (measure is null) return ControlStatus.Clear;
        return MeasureKinds.Confines(measure.Kind) ? ControlStatus.UnderMeasure : ControlStatus.Monitoring;
    }

    /// <summary>The strictest status of a person's orders.</summary>
    public static ControlStatus StatusOf(IEnumerable<ControlOrder> orders, DateOnly date) =>
        orders.Select(o => StatusOn(o, date)).DefaultIfEmpty(ControlStatus.Clear).Max();

    /// <summary>What the daily sweep must do with an order on a date (county time).</summary>
    public static OrderStep StepOn(ControlOrder order, DateOnly date)
    {
        if (!ControlOrder.IsRunning(order.Status)) return OrderStep.None;
        if (date > order.EndDate) return OrderStep.ReleaseDue;
        var measure = MeasureOn(order, date);
        if (measure is not null && measure.Kind != order.CurrentKind) return OrderStep.Convert;
        return OrderStep.None;
    }

    /// <summary>
    /// Moves a running order on to the measure in force on the date when that measure is of another kind (7 days at a
    /// site → 3 days home health monitoring): the current kind follows, the site is let go when the new measure is not
    /// at one, the reason names the day and the measure, and an active order becomes <see cref="OrderStatus.Converted"/>.
    /// An extended order stays extended (the extension is the stronger fact; the reason and the trail show the
    /// conversion), a converted one stays converted. Returns the measure converted to, or null when there is nothing to
    /// convert on that date. The one conversion the sweep and the site's check-out to home both apply.
    /// </summary>
    public static OrderMeasure? Convert(ControlOrder order, DateOnly date)
    {
        if (StepOn(order, date) != OrderStep.Convert) return null;
        var measure = MeasureOn(order, date)!;
        if (MeasureKinds.AtSite(order.CurrentKind) && !MeasureKinds.AtSite(measure.Kind)) order.SiteNodeId = null;
        order.CurrentKind = measure.Kind;
        order.StatusReason = $"day {measure.FromDay}: {measure.Kind}";
        if (order.Status == OrderStatus.Active) order.Status = OrderStatus.Converted;
        return measure;
    }

    /// <summary>Why an order may not be released yet; null when it may (every required test negative, the end reached).</summary>
    public const string AllTestsNegative = "all-tests-negative";
    public const string EndOfAssignment = "end-of-assignment";
    public const string NotManaged = "not-managed";
    /// <summary>
    /// A secondary contact (密接的密接, 9th edition): released when their own tests and the first two tests of the close
    /// contact they are linked to are negative; if that contact turns positive they are managed as a close contact.
    /// </summary>
    public const string OwnAndLinkedContactNegative = "own-and-linked-contact-negative";
    /// <summary>The release conditions a rule pack may name; a pack naming another is refused when it is read.</summary>
    public static readonly IReadOnlySet<string> ReleaseConditions = new HashSet<string>([AllTestsNegative, EndOfAssignment, NotManaged, OwnAndLinkedContactNegative], StringComparer.Ordinal);

    /// <param name="linkedContactTests">The tests of the order <see cref="ControlOrder.LinkedOrderId"/> names, for a
    /// condition that looks at them; not given, they count as not yet known.</param>
    public static string? ReleaseBlocker(ControlOrder order, DateOnly today, IReadOnlyList<OrderTest>? linkedContactTests = null)
    {
        if (!ControlOrder.IsInForce(order.Status)) return "order-not-in-force";
        if (today < order.EndDate) return "measures-not-over";
        switch (order.ReleaseCondition)
        {
            case EndOfAssignment:
                // The assignment is over: tests still due do not hold the worker, a positive one does (a case is not released).
                return order.Tests.Any(t => t.Status == TestStatus.Positive) ? "test-positive" : null;
            case AllTestsNegative:
                return OwnTestsBlocker(order);
            case OwnAndLinkedContactNegative:
                if (OwnTestsBlocker(order) is { } own) return own;
                // No contact linked (not known to the county): the person's own tests decide.
                if (order.LinkedOrderId is null) return null;
                return LinkedContactBlocker(linkedContactTests ?? []);
            default:
                return "release-condition-unknown";
        }
    }

    /// <summary>
    /// The linked close contact's side of a secondary contact's release: any positive test of theirs (the person is then
    /// managed as a close contact), else their first two tests must be negative.
    /// </summary>
    public static string? LinkedContactBlocker(IReadOnlyList<OrderTest> linkedContactTests)
    {
        var tests = linkedContactTests.Where(t => t.Status != TestStatus.Cancelled).OrderBy(t => t.Day).ToList();
        if (tests.Any(t => t.Status == TestStatus.Positive)) return "linked-contact-positive";
        return tests.Count >= 2 && tests.Take(2).All(t => t.Status == TestStatus.Negative) ? null : "linked-contact-pending";
    }

    /// <summary>
    /// A test is overdue (逾期) when its day has passed (county date) and it has no result: still due, or sampled and
    /// the lab's result not recorded. A test of an order no longer open (released, cancelled, taken to hospital) is
    /// nobody's work any more and never overdue.
    /// </summary>
    public static bool IsOverdue(OrderStatus orderStatus, TestStatus status, DateOnly date, DateOnly today) =>
        ControlOrder.IsOpen(orderStatus) && date < today && status is TestStatus.Due or TestStatus.Sampled;

    /// <summary>How many of the order's tests are overdue on <paramref name="today"/> (<see cref="IsOverdue"/>).</summary>
    public static int OverdueTests(ControlOrder order, DateOnly today) => order.Tests.Count(t => IsOverdue(order.Status, t.Status, t.Date, today));

    private static string? OwnTestsBlocker(ControlOrder order)
    {
        foreach (var t in order.Tests)
        {
            if (t.Status == TestStatus.Cancelled) continue;
            if (t.Status == TestStatus.Positive) return "test-positive";
            if (t.Status != TestStatus.Negative) return "test-not-negative";
        }
        return null;
    }

    /// <summary>
    /// Extends the last measure by some days, with test slots on the new days the measure asks for; the order becomes
    /// <see cref="OrderStatus.Extended"/> (whoever extends checks first that it is in force: active, converted or
    /// release pending; a converted order extended is extended, its measures and trail still show the conversion).
    /// </summary>
    public static void Extend(ControlOrder order, int days, IReadOnlyList<int> extraTestDays)
    {
        if (days is < 1 or > 60) throw new ArgumentOutOfRangeException(nameof(days), "1–60 days");
        var last = order.Measures[^1];
        last.ToDay += days;
        last.To = last.To.AddDays(days);
        order.EndDate = last.To;
        order.Status = OrderStatus.Extended;
        foreach (var d in extraTestDays)
        {
            var day = last.ToDay - days + d;
            if (order.Tests.Any(t => t.Day == day)) continue;
            order.Tests.Add(new OrderTest { CountyCode = order.CountyCode, ScopeKey = order.ScopeKey, Day = day, Date = order.ExposureDate.AddDays(day - 1) });
        }
    }
}
