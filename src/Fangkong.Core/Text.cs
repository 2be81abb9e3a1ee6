namespace Fangkong.Core;

/// <summary>Small text helpers shared by identifiers, addresses and imports.</summary>
public static class Text
{
    /// <summary>Folds a full-width ASCII variant (ＡＢＣ１２３，the ideographic space) to its half-width form.</summary>
    public static char FoldWidth(char c) => c switch
    {
        >= '\uFF01' and <= '\uFF5E' => (char)(c - 0xFEE0),
        '\u3000' => ' ',
        _ => c,
    };

    /// <summary>Folds full-width characters and removes every kind of white space; returns "" for null.</summary>
    public static string Compact(string? s)
    {
        if (string.IsNullOrEmpty(s)) return "";
        Span<char> buffer = s.Length <= 256 ? stackalloc char[s.Length] : new char[s.Length];
        var n = 0;
        foreach (var raw in s)
        {
            var c = FoldWidth(raw);
            if (char.IsWhiteSpace(c) || c is '\u200B' or '\uFEFF') continue;
            buffer[n++] = c;
        }
        return n == s.Length && !NeedsFold(s) ? s : new string(buffer[..n]);
    }

    private static bool NeedsFold(string s)
    {
        foreach (var c in s) if (FoldWidth(c) != c) return true;
        return false;
    }

    /// <summary>Folds full-width characters, trims, and collapses runs of white space to one space.</summary>
    public static string? Tidy(string? s)
    {
        if (s is null) return null;
        var sb = new System.Text.StringBuilder(s.Length);
        var space = false;
        foreach (var raw in s)
        {
            var c = FoldWidth(raw);
            if (c is '\u200B' or '\uFEFF') continue;
            if (char.IsWhiteSpace(c)) { space = sb.Length > 0; continue; }
            if (space) { sb.Append(' '); space = false; }
            sb.Append(c);
        }
        return sb.Length == 0 ? null : sb.ToString();
    }

    /// <summary>
    /// The code of a record added without one, made from its name: the name's Latin letters and digits in lower case
    /// (full-width forms read as their ASCII ones), the rest as single dashes ("5S Management" → "5s-management"). A name
    /// with fewer than two of them (most Chinese names) gets <paramref name="fallback"/> (a slug such as "item-70"). The
    /// stem keeps four characters of <paramref name="maxLength"/> free, and a code already in <paramref name="taken"/>
    /// gets "-2", "-3" … so adding never fails on a code nobody typed. The same name and list give the same code.
    /// </summary>
    public static string CodeFromName(string? name, string fallback, int maxLength, IReadOnlySet<string> taken)
    {
        var slug = new System.Text.StringBuilder();
        foreach (var c in (name ?? "").Normalize(System.Text.NormalizationForm.FormKC))
        {
            if (char.IsAsciiLetterOrDigit(c)) slug.Append(char.ToLowerInvariant(c));
            else if (slug.Length > 0 && slug[^1] != '-') slug.Append('-');
        }
        var stem = slug.ToString().Trim('-');
        if (stem.Count(char.IsAsciiLetterOrDigit) < 2) stem = fallback;
        if (stem.Length > maxLength - 4) stem = stem[..(maxLength - 4)].TrimEnd('-');
        var code = stem;
        for (var n = 2; taken.Contains(code); n++) code = $"{stem}-{n}";
        return code;
    }
}
