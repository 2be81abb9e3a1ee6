using Fangkong.Core.Jurisdictions;

namespace Fangkong.Core.Accounts;

/// <summary>
/// A key for machines (lab systems, upstream pushes). Only a SHA-256 of the secret is stored; the key is bound to one
/// node like an account and carries only the permissions it was issued for (its purpose).
/// </summary>
public sealed class ApiKey : IJurisdictionOwned
{
    public long Id { get; set; }
    public string CountyCode { get; set; } = "";
    public string ScopeKey { get; set; } = "";
    public long NodeId { get; set; }
    public string Name { get; set; } = "";
    /// <summary>The public part shown in lists ("fk_3f9a2c1b"); the secret follows it in the full key.</summary>
    public string Prefix { get; set; } = "";
    public byte[] SecretHash { get; set; } = [];
    /// <summary>Space-separated permissions.</summary>
    public string Permissions { get; set; } = "";
    public string CreatedBy { get; set; } = "";
    public DateTime CreatedAt { get; set; }
    public DateTime? ExpiresAt { get; set; }
    public DateTime? LastUsedAt { get; set; }
    public DateTime? RevokedAt { get; set; }

    public bool IsUsable(DateTime nowUtc) => RevokedAt is null && (ExpiresAt is null || ExpiresAt > nowUtc);
}
