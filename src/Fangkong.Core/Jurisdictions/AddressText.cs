namespace Fangkong.Core.Jurisdictions;

/// <summary>
/// Span-level helpers for reading Chinese addresses: normalising into a caller's buffer, skipping separators, and
/// reading village group numbers (3组, 第三村民小组, 12队). Everything works on spans so the address resolver
/// allocates nothing until it builds its answer.
/// </summary>
internal static class AddressText
{
    /// <summary>
    /// Copies <paramref name="input"/> into <paramref name="output"/> with full-width characters folded to
    /// half-width (３组→3组, the ideographic space) and every kind of white space, zero-width and control character
    /// removed, and returns the length written. <paramref name="output"/> must be at least as long as the input.
    /// </summary>
    public static int Normalize(ReadOnlySpan<char> input, Span<char> output)
    {
        var n = 0;
        foreach (var raw in input)
        {
            var c = Text.FoldWidth(raw);
            if (char.IsWhiteSpace(c) || char.IsControl(c) || c is '\u200B' or '\u200C' or '\u200D' or '\uFEFF') continue;
            output[n++] = c;
        }
        return n;
    }

    /// <summary>
    /// Punctuation people put between the parts of an address (河南省,南阳市 / 淅川县-荆紫关镇 / 白亭村（3组）).
    /// It is skipped between parts but kept inside the remainder.
    /// Full-width forms (，：（）) are folded to these by <see cref="Normalize"/> before anyone asks.
    /// </summary>
    public static bool IsSeparator(char c) => c is ',' or '、' or '.' or '。' or ';' or ':' or '-' or '_' or '—'
        or '–' or '·' or '/' or '\\' or '|' or '(' or ')' or '[' or ']' or '【' or '】' or '<' or '>' or '《' or '》'
        or '"' or '\'' or '“' or '”' or '‘' or '’' or '#' or '*';

    /// <summary>The position of the first non-separator at or after <paramref name="at"/>.</summary>
    public static int SkipSeparators(ReadOnlySpan<char> text, int at)
    {
        while (at < text.Length && IsSeparator(text[at])) at++;
        return at;
    }

    /// <summary>
    /// Skips a leading country name (中国, 中华人民共和国) and the separators after it: forms filled in by people
    /// abroad and some ID-card readers put it first.
    /// </summary>
    public static int SkipCountryName(ReadOnlySpan<char> text, int at)
    {
        var rest = text[at..];
        if (rest.StartsWith("中华人民共和国")) at += "中华人民共和国".Length;
        else if (rest.StartsWith("中国")) at += "中国".Length;
        return SkipSeparators(text, at);
    }

    /// <summary>The text from <paramref name="at"/> with separators trimmed from both ends, or null when nothing is left.</summary>
    public static string? Rest(ReadOnlySpan<char> text, int at)
    {
        var start = SkipSeparators(text, at);
        var end = text.Length;
        while (end > start && IsSeparator(text[end - 1])) end--;
        return end > start ? new string(text[start..end]) : null;
    }

    /// <summary>
    /// True when the text at <paramref name="at"/> ends the address or carries on with a group or house number:
    /// the contexts in which a bare village name (白亭 without 村) can be trusted.
    /// </summary>
    public static bool IsEndOrNumber(ReadOnlySpan<char> text, int at)
    {
        at = SkipSeparators(text, at);
        if (at >= text.Length) return true;
        var c = text[at];
        return c is >= '0' and <= '9' || c == '第' || TryReadGroup(text, at, out _, out _);
    }

    /// <summary>
    /// Reads a villagers' group at <paramref name="at"/>: an optional 第, a number in digits or Chinese numerals,
    /// and 组, 小组, 村民小组, 队, 生产队 or 社 (Chongqing and Sichuan count 社). A number followed by anything else
    /// (12号, 3栋) is a house number, not a group.
    /// </summary>
    public static bool TryReadGroup(ReadOnlySpan<char> text, int at, out int group, out int end)
    {
        group = 0;
        end = at;
        var i = at;
        if (i < text.Length && text[i] == '第') i++;
        var numberStart = i;
        var value = 0;
        while (i < text.Length && text[i] is >= '0' and <= '9' && i - numberStart < 4)
            value = value * 10 + (text[i++] - '0');
        if (i == numberStart)
        {
            var length = ReadChineseNumber(text[i..], out value);
            if (length == 0) return false;
            i += length;
        }
        if (value <= 0) return false;
        var rest = text[i..];
        int unit;
        if (rest.StartsWith("村民小组")) unit = 4;
        else if (rest.StartsWith("生产队")) unit = 3;
        else if (rest.StartsWith("小组")) unit = 2;
        else if (rest.StartsWith("组") || rest.StartsWith("队")) unit = 1;
        else if (rest.StartsWith("社") && !rest.StartsWith("社区")) unit = 1;
        else return false;
        group = value;
        end = i + unit;
        return true;
    }

    /// <summary>
    /// Reads a Chinese numeral below 1000 (三, 十二, 二十, 一百零五, 两) and returns the characters read, or 0 when
    /// the text does not start with one.
    /// </summary>
    private static int ReadChineseNumber(ReadOnlySpan<char> text, out int value)
    {
        value = 0;
        var total = 0;
        var digit = -1;
        var i = 0;
        for (; i < text.Length; i++)
        {
            var d = text[i] switch
            {
                '零' or '〇' => 0, '一' => 1, '二' or '两' => 2, '三' => 3, '四' => 4, '五' => 5, '六' => 6, '七' => 7,
                '八' => 8, '九' => 9, '十' => 10, '百' => 100, _ => -1,
            };
            if (d < 0) break;
            if (d < 10) { digit = d; continue; }
            total += (digit < 0 ? 1 : digit) * d;
            digit = -1;
        }
        if (i == 0) return 0;
        value = total + Math.Max(digit, 0);
        return i;
    }
}
