using Fangkong.Core.Jurisdictions;

namespace Fangkong.Core.Tasks;

/// <summary>Where a pushed verification task (协查) stands. Open: <see cref="Routing"/> to <see cref="Resulted"/>.</summary>
public enum VerificationStatus
{
    /// <summary>In the county command centre's manual routing queue (no township recognised, or returned).</summary>
    Routing = 0,
    /// <summary>Sent to a township; the clocks run from the dispatch.</summary>
    Dispatched = 1,
    /// <summary>The township has named its three-person team.</summary>
    TeamNamed = 2,
    /// <summary>The person is located and the identity verified (or the outcome says why not).</summary>
    Verified = 3,
    /// <summary>Sampled for a PCR test.</summary>
    Sampled = 4,
    /// <summary>The test result is in.</summary>
    Resulted = 5,
    /// <summary>Closed with the control measure decided (or with an outcome that needs none).</summary>
    Closed = 6,
    /// <summary>The address is in another county: goes back upstream, no township of ours works it.</summary>
    Upstream = 7,
}

/// <summary>What the team found (the outcome recorded with the four clears).</summary>
public enum VerificationOutcome
{
    None = 0,
    /// <summary>Found in the county.</summary>
    FoundInCounty = 1,
    /// <summary>Left the county; the destination is recorded and goes upstream.</summary>
    LeftCounty = 2,
    /// <summary>Not found, with what was tried.</summary>
    NotFound = 3,
    /// <summary>A duplicate of another task or an earlier check.</summary>
    Duplicate = 4,
    /// <summary>The pushed data is wrong (no such person, wrong number).</summary>
    WrongData = 5,
}

/// <summary>Flags set while importing a row: how it was matched and routed.</summary>
[Flags]
public enum VerificationFlags
{
    None = 0,
    IdInvalid = 1,
    MatchedById = 2,
    MatchedByPhone = 4,
    NewPerson = 8,
    OutsideCounty = 16,
    Unroutable = 32,
    /// <summary>Routed by the matched person's household (else by the address text).</summary>
    RoutedByHousehold = 64,
    /// <summary>The address named a township but no village of it.</summary>
    TownshipOnly = 128,
}

/// <summary>
/// One person to find from a pushed list: who (as pushed, and the registry person matched or created), why (the
/// push reason and origin), where it was routed, the team, the four clears, the outcome, the test, the control
/// measure, and the clocks of the deadline profile running from the dispatch. The source rows it merges are kept in
/// <see cref="VerificationSourceRow"/>.
/// </summary>
public sealed class VerificationTask : IJurisdictionOwned
{
    public long Id { get; set; }
    public string CountyCode { get; set; } = "";
    /// <summary>The node working the task: a village, a township, or the county (routing queue, upstream).</summary>
    public string ScopeKey { get; set; } = "";
    /// <summary>The township (9 digits) the task was routed to, or "" — for the board's counts by township.</summary>
    public string Township { get; set; } = "";
    public long BatchId { get; set; }
    public long? PersonId { get; set; }
    public string Name { get; set; } = "";
    /// <summary>The pushed ID number, normalised (encrypted at rest).</summary>
    public string? IdNumber { get; set; }
    public string? IdMasked { get; set; }
    public byte[]? IdHash { get; set; }
    public string? Phone { get; set; }
    public string? PhoneMasked { get; set; }
    /// <summary>The pushed address text (encrypted at rest).</summary>
    public string? Address { get; set; }
    public string? Origin { get; set; }
    public string? Reason { get; set; }
    public DateTime? PushedAt { get; set; }
    public VerificationFlags Flags { get; set; }
    public VerificationStatus Status { get; set; }
    public string DeadlineProfileId { get; set; } = "";
    public int DeadlineProfileVersion { get; set; }
    public DateTime DispatchedAt { get; set; }
    /// <summary>The deadline of the first stage not yet done (null once closed): what the sweep and countdowns read.</summary>
    public DateTime? NextDueAt { get; set; }
    /// <summary>The stage <see cref="NextDueAt"/> belongs to.</summary>
    public VerificationStage? NextStage { get; set; }
    /// <summary>The last stage whose deadline was missed and recorded (so each miss is recorded once).</summary>
    public VerificationStage? MissedStage { get; set; }
    /// <summary>0: the owner notified; 1: the township lead; 2: the county.</summary>
    public int EscalationLevel { get; set; }
    public DateTime? EscalatedAt { get; set; }

    public DateTime? TeamNamedAt { get; set; }
    /// <summary>The team as "role:name:phone" lines (phones encrypted with the rest).</summary>
    public string? Team { get; set; }
    public DateTime? VerifiedAt { get; set; }
    /// <summary>The four clears (四清): number of people, identity, location, control status.</summary>
    public bool ClearCount { get; set; }
    public bool ClearIdentity { get; set; }
    public bool ClearLocation { get; set; }
    public bool ClearControl { get; set; }
    public VerificationOutcome Outcome { get; set; }
    /// <summary>Where the person went (left the county), what was tried (not found), which task it duplicates.</summary>
    public string? OutcomeNote { get; set; }
    public DateTime? SampledAt { get; set; }
    public DateTime? ResultAt { get; set; }
    /// <summary>negative / positive.</summary>
    public string? Result { get; set; }
    /// <summary>The ORF1ab gene's cycle threshold as the lab reported it with a positive result (<see cref="ResultCt"/>).</summary>
    public decimal? Orf1abCt { get; set; }
    /// <summary>The N gene's cycle threshold as the lab reported it with a positive result.</summary>
    public decimal? NCt { get; set; }
    public DateTime? ClosedAt { get; set; }
    /// <summary>The control order opened under the rule pack, if any.</summary>
    public long? OrderId { get; set; }
    /// <summary>The measure decided: a rule-pack reason (close-contact…) or "none".</summary>
    public string? Measure { get; set; }
    /// <summary>The closing note (why this measure, what was agreed), whatever the measure, "none" included.</summary>
    public string? CloseNote { get; set; }
    public string? ReturnReason { get; set; }
    /// <summary>Unknown columns of the first source row, as JSON.</summary>
    public string? Extra { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
    public int Version { get; set; }

    public static bool IsOpen(VerificationStatus s) => s is >= VerificationStatus.Routing and <= VerificationStatus.Resulted;

    /// <summary>The unit a task is counted under on the board: its township, or the county for the routing queue and upstream.</summary>
    public static string CountScope(string township, string scopeKey) => township.Length > 0 ? township : scopeKey;

    /// <summary>
    /// Overdue as the sweep has recorded it: the stage the task is on now is the one it missed. The board counts these
    /// from the kept counts, and only the tasks past due that no sweep has reached yet from the tasks themselves.
    /// </summary>
    public static bool MarkedOverdue(VerificationStage? missedStage, VerificationStage? nextStage) => missedStage is not null && missedStage == nextStage;
}

/// <summary>
/// How many tasks of a batch are in one state under one township (or the county): the board's counts, kept in step
/// with the tasks in the same transaction as every change (import, work, transfer, routing), so the command board
/// reads a few hundred rows instead of aggregating a million tasks. Scoped like the tasks it counts.
/// </summary>
public sealed class VerificationCount : Jurisdictions.IJurisdictionOwned
{
    public string CountyCode { get; set; } = "";
    /// <summary>The township key, or the county's for tasks the county holds (routing queue, upstream).</summary>
    public string ScopeKey { get; set; } = "";
    public long BatchId { get; set; }
    public VerificationStatus Status { get; set; }
    /// <summary>Tasks the sweep has marked overdue on their current stage (<see cref="VerificationTask.MarkedOverdue"/>).</summary>
    public bool Overdue { get; set; }
    public int Count { get; set; }
}

/// <summary>
/// One row of a pushed file as it came (encrypted: it holds the identifiers), the task it became part of, and how it
/// was handled — the feedback file sent back upstream has one line per source row.
/// </summary>
public sealed class VerificationSourceRow : IJurisdictionOwned
{
    public long Id { get; set; }
    public string CountyCode { get; set; } = "";
    public string ScopeKey { get; set; } = "";
    public long BatchId { get; set; }
    public long ImportJobId { get; set; }
    public int RowNumber { get; set; }
    public long? TaskId { get; set; }
    public SourceRowDisposition Disposition { get; set; }
    /// <summary>The cells as JSON (encrypted at rest).</summary>
    public string? Cells { get; set; }
}

public enum SourceRowDisposition
{
    /// <summary>Opened a new task.</summary>
    Created = 0,
    /// <summary>Merged into a task opened by an earlier row of the same file.</summary>
    DuplicateInFile = 1,
    /// <summary>Attached to the person's task still open from an earlier batch.</summary>
    AlreadyOpen = 2,
    /// <summary>Refused: none of name, ID number and phone.</summary>
    Rejected = 3,
}

/// <summary>A pushed list (批次): its name, when it was pushed, the file and the figures of its import.</summary>
public sealed class VerificationBatch : ICountyOwned
{
    public long Id { get; set; }
    public string CountyCode { get; set; } = "";
    public string Name { get; set; } = "";
    public DateTime? PushedAt { get; set; }
    public string? FileSha256 { get; set; }
    /// <summary>The rows' content whatever the file (<see cref="PushedListDigest"/>): the same batch sent again in another file is recognised.</summary>
    public string? ContentSha256 { get; set; }
    public long ImportJobId { get; set; }
    /// <summary>The import summary as JSON (returned as-is when the same file is imported again).</summary>
    public string Summary { get; set; } = "{}";
    public DateTime CreatedAt { get; set; }
    public string CreatedBy { get; set; } = "";
}

/// <summary>
/// A missed deadline, recorded against the unit responsible when it was missed (accountability): which task, which
/// stage, which node, when it was due, and how far it went up.
/// </summary>
public sealed class VerificationMiss : IJurisdictionOwned
{
    public long Id { get; set; }
    public string CountyCode { get; set; } = "";
    /// <summary>The unit responsible when the deadline passed.</summary>
    public string ScopeKey { get; set; } = "";
    public long TaskId { get; set; }
    public VerificationStage Stage { get; set; }
    public DateTime DueAt { get; set; }
    public DateTime RecordedAt { get; set; }
    /// <summary>0: owner notified; 1: escalated to the township lead; 2: to the county.</summary>
    public int Level { get; set; }
}
