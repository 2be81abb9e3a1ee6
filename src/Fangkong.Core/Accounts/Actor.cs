using Fangkong.Core.Jurisdictions;

namespace Fangkong.Core.Accounts;

/// <summary>Who is acting: an account, an API key, or the system. Every write and every reveal names one.</summary>
public sealed record Actor(
    string? Id,
    string Name,
    JurisdictionScope Scope,
    IReadOnlySet<string> Permissions,
    long? NodeId = null,
    string? ClientAddress = null)
{
    public static Actor Anonymous { get; } = new(null, "anonymous", JurisdictionScope.None, new HashSet<string>());

    public static Actor System(string name = "system") =>
        new("system", name, JurisdictionScope.System, new HashSet<string>(Accounts.Permissions.All));

    public bool IsAuthenticated => Id is not null;
    public bool Can(string permission) => Permissions.Contains(permission);
}
