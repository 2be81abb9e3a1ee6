using Fangkong.Core.Jurisdictions;

namespace Fangkong.Core.Tasks;

public enum TaskStatus { Open = 0, InProgress = 1, Done = 2, Cancelled = 3 }

/// <summary>
/// Something a person must do by a deadline — transfer a feverish person to the designated hospital, chase a
/// missed report, confirm an arrival — with the node responsible. Unhandled in time, it escalates one level up (the
/// township, then the county), and the escalation is recorded against the responsible unit.
/// </summary>
public sealed class WorkTask : IJurisdictionOwned
{
    public long Id { get; set; }
    public string CountyCode { get; set; } = "";
    /// <summary>The node responsible now (it moves up on escalation).</summary>
    public string ScopeKey { get; set; } = "";
    /// <summary>The node first responsible (kept for accountability).</summary>
    public string OriginalScopeKey { get; set; } = "";
    /// <summary>fever-transfer, missed-report, confirm-arrival…</summary>
    public string Kind { get; set; } = "";
    /// <summary>What the task is about as data (<see cref="TaskTitle.Format"/>: "positive-test?day=7"), put in words where it is shown.</summary>
    public string Title { get; set; } = "";
    public long? PersonId { get; set; }
    public long? OrderId { get; set; }
    public long? ArrivalId { get; set; }
    /// <summary>Makes creation idempotent: one task per kind and subject (order 42, 2022-11-23 evening).</summary>
    public string DedupKey { get; set; } = "";
    public TaskStatus Status { get; set; }
    public DateTime DueAt { get; set; }
    public int EscalationLevel { get; set; }
    public DateTime? EscalatedAt { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? ClosedAt { get; set; }
    public string? ClosedBy { get; set; }
    public string? Outcome { get; set; }
    public int Version { get; set; }

    public static bool IsOpen(TaskStatus s) => s is TaskStatus.Open or TaskStatus.InProgress;
}
