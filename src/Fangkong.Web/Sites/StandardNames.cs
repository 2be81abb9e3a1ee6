using Microsoft.Extensions.Localization;

namespace Fangkong.Web.Sites;

/// <summary>
/// How a checklist item is named on screen: the county's own wording when it gave one, else the shipped item's name
/// in the UI language, else its code (an item the county added keeps the name it was given).
/// </summary>
public static class StandardNames
{
    public static string Of(IStringLocalizer<SitesStrings> strings, string code, string? customName) =>
        customName ?? (strings["Standard_" + code] is { ResourceNotFound: false } shipped ? shipped.Value : code);
}
