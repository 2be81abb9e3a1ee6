using Fangkong.Data.Jurisdictions;
using Microsoft.Extensions.Localization;

namespace Fangkong.Web.Tasks;

/// <summary>How the verification pages (the board, a task's misses) name the unit a count or a miss belongs to.</summary>
public static class VerificationUnits
{
    /// <summary>
    /// A unit as people call it: the name given (a place label), else the directory's name for its scope key (the
    /// county's own name for the county), else "unknown unit" — never the code itself.
    /// </summary>
    public static string UnitName(this JurisdictionDirectory directory, IStringLocalizer<VerificationStrings> text, string? name, string? scopeKey) =>
        name ?? (scopeKey is null ? null : directory.Official(scopeKey)?.Name) ?? text["UnitUnknown"];
}
