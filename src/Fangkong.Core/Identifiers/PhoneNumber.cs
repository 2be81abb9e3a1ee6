namespace Fangkong.Core.Identifiers;

/// <summary>
/// Phone numbers as counties write them: "138 0000 1234", "+86-13800001234", "0377-6922 1234", "１３８…".
/// Mobile numbers normalise to 11 digits; landlines to "area-number"; anything else is kept as digits and flagged.
/// </summary>
public readonly record struct PhoneCheck(string Input, bool Valid, string? Normalized, bool IsMobile);

public static class PhoneNumber
{
    public static PhoneCheck Check(string? input)
    {
        input ??= "";
        Span<char> digits = stackalloc char[32];
        var n = 0;
        var hadPlus = false;
        foreach (var raw in input)
        {
            var c = Text.FoldWidth(raw);
            if (c is >= '0' and <= '9')
            {
                if (n == digits.Length) return new(input, false, null, false);
                digits[n++] = c;
            }
            else if (c == '+' && n == 0) hadPlus = true;
            else if (c is ' ' or '-' or '(' or ')' or '.' or '\t' or '\u00A0') { }
            else if (n > 0 && c is '/' or ',' or '，' or ';' or '、') break; // "13800001234/13900001234": keep the first
            else return new(input, false, null, false);
        }
        if (n == 0) return new(input, false, null, false);
        var d = digits[..n];
        if (d.StartsWith("0086")) d = d[4..];
        else if ((hadPlus || d.Length == 13) && d.StartsWith("86")) d = d[2..];

        if (d.Length == 11 && d[0] == '1' && d[1] is >= '3' and <= '9')
            return new(input, true, new string(d), true);

        // Landline: 0 + area code (2-3 digits) + 7-8 digit number, 10 to 12 digits in all.
        if (d[0] == '0' && d.Length is >= 10 and <= 12)
        {
            var areaLength = d[1] is '1' or '2' ? 3 : 4; // 010, 02x are 3 digits with the 0; others 4
            return new(input, true, $"{d[..areaLength]}-{d[areaLength..]}", false);
        }
        return new(input, false, new string(d), false);
    }
}
