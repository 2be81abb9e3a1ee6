using System.Globalization;

namespace Fangkong.Web.Infrastructure;

public static class Localized
{
    /// <summary>True when the page is in Chinese (data with two names, like categories, picks the matching one).</summary>
    public static bool IsChinese => CultureInfo.CurrentUICulture.Name.StartsWith("zh", StringComparison.OrdinalIgnoreCase);
}
