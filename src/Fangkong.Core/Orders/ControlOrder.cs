using Fangkong.Core.Jurisdictions;

namespace Fangkong.Core.Orders;

public enum OrderStatus
{
    Proposed = 0,
    Active = 1,
    ReleasePending = 2,
    Released = 3,
    Extended = 4,
    TransferredToHospital = 5,
    Cancelled = 6,
    /// <summary>
    /// Converted (已转居家健康监测 and the like): the order moved on to its next measure of another kind — on schedule by
    /// the sweep, or when the person was checked out of the site to the home measure. In force exactly as an active
    /// order is; the measure it is in now is <see cref="ControlOrder.CurrentKind"/>.
    /// </summary>
    Converted = 7,
}

/// <summary>
/// A control order (管控措施): why a person is under measures (reasons, exposure date), which rule required it (the
/// pack and the rule: the legal basis), the measures with dates and place, its tests, its owners, its status.
/// Every status change is audited with the rule that required it.
/// </summary>
public sealed class ControlOrder : IJurisdictionOwned
{
    public long Id { get; set; }
    public string CountyCode { get; set; } = "";
    /// <summary>The person's scope key: the village and township responsible see the order.</summary>
    public string ScopeKey { get; set; } = "";
    public long PersonId { get; set; }
    /// <summary>Comma-separated reasons; the first is the one whose rule is applied.</summary>
    public string Reasons { get; set; } = "";
    public DateOnly ExposureDate { get; set; }
    public string RulePackId { get; set; } = "";
    public int RulePackVersion { get; set; }
    /// <summary>"cn-9th#close-contact" or "local#expert-judged-risk-area".</summary>
    public string RuleReference { get; set; } = "";
    public bool Local { get; set; }
    public string? Basis { get; set; }
    /// <summary>
    /// How the order may end, from the rule that required it (<see cref="OrderRules.ReleaseConditions"/>): every test
    /// negative at the end of the measures (the default), or only the end of the assignment (closed-loop workers).
    /// Kept on the order so a later edition of the rules does not change how an order already in force ends.
    /// </summary>
    public string ReleaseCondition { get; set; } = OrderRules.AllTestsNegative;
    public OrderStatus Status { get; set; }
    public DateOnly StartDate { get; set; }
    public DateOnly EndDate { get; set; }
    /// <summary>The measure in force now (the kind), updated as the order converts from one measure to the next.</summary>
    public string CurrentKind { get; set; } = "";
    /// <summary>A quarantine site node when the current measure is at a site.</summary>
    public long? SiteNodeId { get; set; }
    public long? ArrivalId { get; set; }
    /// <summary>For a secondary contact: the order of the close contact they were exposed to, whose first tests decide their release.</summary>
    public long? LinkedOrderId { get; set; }
    public string? StatusReason { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
    public int Version { get; set; }

    public List<OrderMeasure> Measures { get; set; } = [];
    public List<OrderTest> Tests { get; set; } = [];
    public List<OrderOwner> Owners { get; set; } = [];

    /// <summary>
    /// The statuses of an order whose measures are being carried out day by day: active, converted to its next measure,
    /// extended. The one list every rule and query of "running" reads (the database side builds its condition from it).
    /// A converted order that is extended becomes extended (the extension is the later decision; the measures and the
    /// trail still show the conversion); an extended order that converts stays extended.
    /// </summary>
    public static IReadOnlyList<OrderStatus> RunningStatuses { get; } = [OrderStatus.Active, OrderStatus.Converted, OrderStatus.Extended];
    /// <summary>In force: running, or past the end awaiting release (the person is still under the last measure).</summary>
    public static IReadOnlyList<OrderStatus> InForceStatuses { get; } = [.. RunningStatuses, OrderStatus.ReleasePending];
    /// <summary>Open: in force, or proposed and awaiting the township's decision.</summary>
    public static IReadOnlyList<OrderStatus> OpenStatuses { get; } = [OrderStatus.Proposed, .. InForceStatuses];

    public static bool IsRunning(OrderStatus status) => RunningStatuses.Contains(status);
    public static bool IsOpen(OrderStatus status) => OpenStatuses.Contains(status);
    public static bool IsInForce(OrderStatus status) => InForceStatuses.Contains(status);
}

public sealed class OrderMeasure : IJurisdictionOwned
{
    public long Id { get; set; }
    public string CountyCode { get; set; } = "";
    /// <summary>The order's scope key, copied so the row is scoped on its own (ledgers query tests directly).</summary>
    public string ScopeKey { get; set; } = "";
    public long OrderId { get; set; }
    public int Sequence { get; set; }
    public string Kind { get; set; } = "";
    public int FromDay { get; set; }
    public int ToDay { get; set; }
    public DateOnly From { get; set; }
    public DateOnly To { get; set; }
}

public enum TestStatus { Due = 0, Sampled = 1, Negative = 2, Positive = 3, Missed = 4, Cancelled = 5 }

/// <summary>One PCR test the rule asks for, with its result slot.</summary>
public sealed class OrderTest : IJurisdictionOwned
{
    public long Id { get; set; }
    public string CountyCode { get; set; } = "";
    /// <summary>The order's scope key, copied so the row is scoped on its own (ledgers query tests directly).</summary>
    public string ScopeKey { get; set; } = "";
    public long OrderId { get; set; }
    public int Day { get; set; }
    public DateOnly Date { get; set; }
    public TestStatus Status { get; set; }
    public DateTime? SampledAt { get; set; }
    public DateTime? ResultAt { get; set; }
    /// <summary>Cycle threshold when the lab gives one (negative means Ct ≥ 35 for both targets).</summary>
    public decimal? Ct { get; set; }
    public string? RecordedBy { get; set; }
}

/// <summary>One of the five-to-one owners (五包一): roles are data (township cadre, village cadre, doctor, police, volunteer).</summary>
public sealed class OrderOwner : IJurisdictionOwned
{
    public long Id { get; set; }
    public string CountyCode { get; set; } = "";
    /// <summary>The order's scope key, copied so the row is scoped on its own (ledgers query tests directly).</summary>
    public string ScopeKey { get; set; } = "";
    public long OrderId { get; set; }
    public string Role { get; set; } = "";
    public string Name { get; set; } = "";
    public string? Phone { get; set; }
    public long? AccountId { get; set; }
}
