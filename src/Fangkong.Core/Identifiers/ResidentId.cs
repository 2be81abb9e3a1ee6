namespace Fangkong.Core.Identifiers;

/// <summary>Why a resident ID number was not accepted. The web layer turns these into localized text.</summary>
public enum ResidentIdIssue
{
    None = 0,
    Empty,
    BadLength,
    BadCharacter,
    BadCheckCharacter,
    BadBirthDate,
    FutureBirthDate,
    UnknownAddressCode,
}

/// <summary>
/// The result of reading a resident ID number (公民身份号码, GB 11643-1999): the normalised 18-character form and
/// what it encodes. Normalisation trims, turns full-width digits and letters into ASCII, upper-cases the check
/// character and upgrades 15-digit numbers to 18. Validation checks the ISO 7064 MOD 11-2 check character, that
/// the birth date is a real date not in the future, and, when an address-code check is supplied, the address code.
/// </summary>
public readonly record struct ResidentIdCheck(
    string Input,
    bool Valid,
    string? Normalized,
    DateOnly? BirthDate,
    char? Sex,
    ResidentIdIssue Issue)
{
    public string? AddressCode => Normalized is { Length: 18 } ? Normalized[..6] : null;
}

public static class ResidentId
{
    private static readonly int[] Weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    private const string CheckCharacters = "10X98765432";

    /// <summary>The earliest birth date we accept; older dates are typing errors, not people.</summary>
    public static readonly DateOnly EarliestBirthDate = new(1880, 1, 1);

    /// <summary>
    /// Normalises without validating: trims, removes inner spaces and separators, folds full-width characters,
    /// upper-cases x. Returns null for empty input. Does not upgrade 15-digit numbers (see <see cref="Check"/>).
    /// </summary>
    public static string? Clean(ReadOnlySpan<char> input)
    {
        Span<char> buffer = stackalloc char[Math.Min(input.Length, 64)];
        var n = 0;
        foreach (var raw in input)
        {
            var c = Text.FoldWidth(raw);
            if (c is ' ' or '\t' or '-' or '\u00A0' or '\u200B' or '\uFEFF' or '\'' or '"' or '\r' or '\n') continue;
            if (c == 'x') c = 'X';
            if (n == buffer.Length) return new string(input.Trim()); // absurdly long: leave for the length check
            buffer[n++] = c;
        }
        return n == 0 ? null : new string(buffer[..n]);
    }

    /// <summary>Computes the check character for the first 17 digits.</summary>
    public static char ComputeCheckCharacter(ReadOnlySpan<char> first17)
    {
        if (first17.Length < 17) throw new ArgumentException("17 digits are needed", nameof(first17));
        var sum = 0;
        for (var i = 0; i < 17; i++)
        {
            var d = first17[i] - '0';
            if ((uint)d > 9) throw new ArgumentException("digits only", nameof(first17));
            sum += d * Weights[i];
        }
        return CheckCharacters[sum % 11];
    }

    /// <summary>Upgrades a 15-digit number (YYMMDD, no check character) to 18 digits (century 19 assumed).</summary>
    public static string Upgrade15(ReadOnlySpan<char> fifteen)
    {
        Span<char> s = stackalloc char[18];
        fifteen[..6].CopyTo(s);
        s[6] = '1';
        s[7] = '9';
        fifteen[6..15].CopyTo(s[8..]);
        s[17] = ComputeCheckCharacter(s[..17]);
        return new string(s);
    }

    /// <summary>Reads and validates a resident ID number.</summary>
    /// <param name="input">what was typed or imported</param>
    /// <param name="today">today's date in the county, for the future-birth-date rule</param>
    /// <param name="addressCodeKnown">optional check of the 6-digit address code; null skips the check</param>
    public static ResidentIdCheck Check(string? input, DateOnly today, Func<string, bool>? addressCodeKnown = null)
    {
        input ??= "";
        var cleaned = Clean(input);
        if (cleaned is null) return new(input, false, null, null, null, ResidentIdIssue.Empty);

        string normalized;
        if (cleaned.Length == 15)
        {
            if (!AllDigits(cleaned)) return new(input, false, cleaned, null, null, ResidentIdIssue.BadCharacter);
            normalized = Upgrade15(cleaned);
        }
        else if (cleaned.Length == 18)
        {
            if (!AllDigits(cleaned.AsSpan(0, 17)) || !(IsAsciiDigit(cleaned[17]) || cleaned[17] == 'X'))
                return new(input, false, cleaned, null, null, ResidentIdIssue.BadCharacter);
            normalized = cleaned;
        }
        else
        {
            return new(input, false, cleaned, null, null, ResidentIdIssue.BadLength);
        }

        var birth = ParseBirthDate(normalized.AsSpan(6, 8));
        var sex = ((normalized[16] - '0') & 1) == 1 ? 'M' : 'F';
        if (birth is null) return new(input, false, normalized, null, sex, ResidentIdIssue.BadBirthDate);
        if (birth.Value > today) return new(input, false, normalized, birth, sex, ResidentIdIssue.FutureBirthDate);
        if (ComputeCheckCharacter(normalized) != normalized[17])
            return new(input, false, normalized, birth, sex, ResidentIdIssue.BadCheckCharacter);
        if (addressCodeKnown is not null && !addressCodeKnown(normalized[..6]))
            return new(input, false, normalized, birth, sex, ResidentIdIssue.UnknownAddressCode);
        return new(input, true, normalized, birth, sex, ResidentIdIssue.None);
    }

    /// <summary>Builds a valid number from its parts (used by the demo generator and tests).</summary>
    public static string Compose(string addressCode, DateOnly birthDate, int sequence)
    {
        if (addressCode.Length != 6 || !AllDigits(addressCode)) throw new ArgumentException("6-digit address code", nameof(addressCode));
        if (sequence is < 0 or > 999) throw new ArgumentOutOfRangeException(nameof(sequence));
        Span<char> s = stackalloc char[18];
        addressCode.AsSpan().CopyTo(s);
        birthDate.TryFormat(s[6..], out _, "yyyyMMdd", System.Globalization.CultureInfo.InvariantCulture);
        sequence.TryFormat(s[14..], out _, "D3", System.Globalization.CultureInfo.InvariantCulture);
        s[17] = ComputeCheckCharacter(s[..17]);
        return new string(s);
    }

    private static DateOnly? ParseBirthDate(ReadOnlySpan<char> yyyymmdd)
    {
        var y = (yyyymmdd[0] - '0') * 1000 + (yyyymmdd[1] - '0') * 100 + (yyyymmdd[2] - '0') * 10 + (yyyymmdd[3] - '0');
        var m = (yyyymmdd[4] - '0') * 10 + (yyyymmdd[5] - '0');
        var d = (yyyymmdd[6] - '0') * 10 + (yyyymmdd[7] - '0');
        if (m is < 1 or > 12 || d < 1 || y < 1) return null;
        if (d > DateTime.DaysInMonth(y, m)) return null;
        var date = new DateOnly(y, m, d);
        return date < EarliestBirthDate ? null : date;
    }

    private static bool AllDigits(ReadOnlySpan<char> s)
    {
        foreach (var c in s) if (!IsAsciiDigit(c)) return false;
        return true;
    }

    // char.IsDigit also accepts full-width and other Unicode digits; ID numbers take only '0'-'9'.
    private static bool IsAsciiDigit(char c) => c is >= '0' and <= '9';
}
