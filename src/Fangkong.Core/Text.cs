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
}
