using Fangkong.Core.Accounts;
using Fangkong.Core.Jurisdictions;
using Fangkong.Data.Infrastructure;
using Fangkong.Data.Jurisdictions;
using Microsoft.Extensions.Options;

namespace Fangkong.Web.ClosedLoop;

/// <summary>A place with its own self-registration code: a township, a checkpoint or a station.</summary>
public sealed record RegistrationPoint(string Code, string Name, string Kind);

/// <summary>
/// The registration points of the county: each township (its code is its scope key) and the checkpoints and stations
/// configured for the deployment. An account sees the points of its own subtree (a township its own code and the
/// points it runs; the county every one).
/// </summary>
public sealed class RegistrationPoints(IOptions<FangkongOptions> options, JurisdictionDirectory directory)
{
    public const string Township = "township";

    public static bool IsValidCode(string code) => code.Length is > 0 and <= 32 && code.All(char.IsAsciiLetterOrDigit);

    public IReadOnlyList<RegistrationPoint> For(Actor actor)
    {
        var prefix = actor.Scope.All ? options.Value.County : actor.Scope.Prefix;
        var townships = directory.Officials()
            .Where(p => p.Level == JurisdictionLevel.Township && (p.ScopeKey.StartsWith(prefix, StringComparison.Ordinal) || prefix.StartsWith(p.ScopeKey, StringComparison.Ordinal)))
            .Select(p => new RegistrationPoint(p.ScopeKey, p.Name, Township));
        var county = prefix.Length <= ScopeKey.CountyLength;
        var configured = options.Value.Arrivals.Points
            .Where(p => IsValidCode(p.Code) && (county || (p.Township is { Length: > 0 } t && (t.StartsWith(prefix, StringComparison.Ordinal) || prefix.StartsWith(t, StringComparison.Ordinal)))))
            .Select(p => new RegistrationPoint(p.Code, p.Name, p.Kind == "station" ? "station" : "checkpoint"));
        return [.. configured, .. townships];
    }

    /// <summary>Whether <paramref name="code"/> is a registration point of the county: one of its townships or a configured point.</summary>
    public bool Exists(string code) =>
        IsValidCode(code)
        && ((directory.Official(code) is { Level: JurisdictionLevel.Township } t && t.ScopeKey.StartsWith(options.Value.County, StringComparison.Ordinal))
            || options.Value.Arrivals.Points.Any(p => p.Code == code));

    /// <summary>The name to show on the public page: a township's or a configured point's; the code itself otherwise.</summary>
    public string NameOf(string code) =>
        directory.Official(code)?.Name ?? options.Value.Arrivals.Points.FirstOrDefault(p => p.Code == code)?.Name ?? code;
}
