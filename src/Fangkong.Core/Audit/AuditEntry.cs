using Fangkong.Core.Jurisdictions;

namespace Fangkong.Core.Audit;

public enum AuditKind
{
    /// <summary>A write: who changed what, old → new, why, under which rule.</summary>
    Change = 0,
    /// <summary>A reveal of a masked identifier: who saw whose, when, why (the access log).</summary>
    Access = 1,
    /// <summary>Sign-in failures, lock-outs, account and key administration.</summary>
    Security = 2,
    /// <summary>Bulk operations (imports, seeding, migrations).</summary>
    System = 3,
}

/// <summary>
/// One link of a county's append-only audit chain. <see cref="Hash"/> = SHA-256(previous hash ‖ canonical content),
/// so editing, inserting or deleting any entry breaks every later hash, and the chain head breaks if the tail is cut.
/// </summary>
public sealed class AuditEntry : IJurisdictionOwned
{
    public long Id { get; set; }
    public string CountyCode { get; set; } = "";
    /// <summary>Position in the county's chain, from 1, without gaps.</summary>
    public long Sequence { get; set; }
    public DateTime At { get; set; }
    public AuditKind Kind { get; set; }
    /// <summary>What happened, as a dotted verb: person.update, person.reveal, people.import, account.lockout.</summary>
    public string Action { get; set; } = "";
    public string? EntityType { get; set; }
    public string? EntityId { get; set; }
    /// <summary>The subject's scope key, so each account sees the audit of its own subtree only.</summary>
    public string ScopeKey { get; set; } = "";
    public string? ActorId { get; set; }
    public string ActorName { get; set; } = "";
    /// <summary>Canonical JSON of the changes: {"Field":[old,new],…} with sorted keys; identifiers masked.</summary>
    public string? Changes { get; set; }
    public string? Reason { get; set; }
    /// <summary>The longest reason kept (the column's size): a longer one (a note quoted into it) ends in "…".</summary>
    public const int ReasonMaxLength = 500;
    /// <summary>A reason cut to <see cref="ReasonMaxLength"/> characters, so a long note never fails the write.</summary>
    public static string? ClipReason(string? reason) =>
        reason is { Length: > ReasonMaxLength } ? string.Concat(reason.AsSpan(0, ReasonMaxLength - 1), "…") : reason;
    /// <summary>The rule that required the change (legal basis), or how it was made (manual, import:42).</summary>
    public string? Rule { get; set; }
    public string? ClientAddress { get; set; }
    public byte[] PreviousHash { get; set; } = [];
    public byte[] Hash { get; set; } = [];
}

/// <summary>The last link of a county's chain, updated in the same transaction as every append.</summary>
public sealed class AuditChainHead
{
    public string CountyCode { get; set; } = "";
    public long LastSequence { get; set; }
    public byte[] LastHash { get; set; } = [];
}
