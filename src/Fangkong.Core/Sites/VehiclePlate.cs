namespace Fangkong.Core.Sites;

/// <summary>
/// Vehicle plates (车牌号) in one form, so "豫R·A1234", "豫R A1234", "豫RA1234", "豫r-a1234" and the full-width
/// "豫Ｒ·Ａ１２３４" are one plate: the province character (豫), the issuing office's letter (R) and 5 alphanumerics, or 6
/// for a new-energy plate. Stored without separators ("豫RA1234"), shown with the dot after the office letter ("豫R·A1234").
/// </summary>
public static class VehiclePlate
{
    /// <summary>The province abbreviations that open a civil plate.</summary>
    public const string Provinces = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼";

    /// <summary>
    /// The plate in its stored form, or null with <see cref="SiteErrors.PlateInvalid"/>: full-width letters and digits folded to
    /// half-width, the separators people type (· • ・ . - – — and spaces) removed, letters upper-cased; then a
    /// province character, a letter, and 5 or 6 letters or digits.
    /// </summary>
    public static string? Normalize(string? typed, out string? error)
    {
        error = null;
        var sb = new System.Text.StringBuilder(typed?.Length ?? 0);
        foreach (var raw in typed ?? "")
        {
            var c = Text.FoldWidth(raw);
            if (char.IsWhiteSpace(c) || c is '·' or '•' or '・' or '‧' or '.' or '-' or '‐' or '‑' or '–' or '—' or '\u200B' or '\uFEFF') continue;
            sb.Append(c is >= 'a' and <= 'z' ? (char)(c - 32) : c);
        }
        var plate = sb.ToString();
        if (IsShape(plate)) return plate;
        error = SiteErrors.PlateInvalid;
        return null;
    }

    private static bool IsShape(string plate)
    {
        if (plate.Length is not (7 or 8) || !Provinces.Contains(plate[0]) || plate[1] is not (>= 'A' and <= 'Z')) return false;
        for (var i = 2; i < plate.Length; i++)
            if (plate[i] is not ((>= 'A' and <= 'Z') or (>= '0' and <= '9'))) return false;
        return true;
    }

    /// <summary>"豫RA1234" → "豫R·A1234"; anything that is not a plate (a row stored before plates were normalised) as typed, tidied.</summary>
    public static string Display(string stored) =>
        Normalize(stored, out _) is { } plate ? $"{plate[..2]}·{plate[2..]}" : Text.Tidy(stored) ?? "";
}
