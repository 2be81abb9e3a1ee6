using Fangkong.Core.Jurisdictions;
using Microsoft.AspNetCore.Identity;

namespace Fangkong.Data.Accounts;

/// <summary>An account: an ASP.NET Core Identity user bound to one node of the jurisdiction tree.</summary>
public sealed class AppUser : IdentityUser<long>, IJurisdictionOwned
{
    public string CountyCode { get; set; } = "";
    /// <summary>The scope key of <see cref="NodeId"/>, kept with the account so scope checks need no join.</summary>
    public string ScopeKey { get; set; } = "";
    public long NodeId { get; set; }
    public string DisplayName { get; set; } = "";
    /// <summary>Unit and post (e.g. 荆紫关镇疫情防控专班), shown next to the name in audit and task lists.</summary>
    public string? Unit { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? LastSignInAt { get; set; }

    /// <summary>
    /// Columns that sign-in itself writes (failed-attempt counts, lock-out, stamps, re-hashed passwords) while the
    /// actor is still anonymous. The jurisdiction write guard lets these through; the audit trail still records them.
    /// </summary>
    public static readonly IReadOnlySet<string> SignInBookkeeping = new HashSet<string>
    {
        nameof(AccessFailedCount), nameof(LockoutEnd), nameof(SecurityStamp), nameof(ConcurrencyStamp),
        nameof(PasswordHash), nameof(LastSignInAt),
    };
}

public sealed class AppRole : IdentityRole<long>
{
    public AppRole() { }
    public AppRole(string name) : base(name) { }
}
