using System.Globalization;
using Fangkong.Core.Identifiers;

namespace Fangkong.Core.People;

/// <summary>A field-level problem: the field name (as in the API and the import headers) and a stable code the UI localizes.</summary>
public readonly record struct FieldError(string Field, string Code);

/// <summary>A person's identity document after normalisation: what is stored, hashed and shown.</summary>
public sealed record NormalizedDocument(
    DocumentType Type,
    string? Number,
    bool Valid,
    string? Issue,
    DateOnly? BirthDate,
    string? Sex,
    string? Masked);

/// <summary>
/// The rules every way into the registry shares (the edit form, the API, imports, arrivals): names, documents,
/// phones. Pure functions: no database, so an import of 600,000 rows runs them in parallel.
/// </summary>
public static class PersonRules
{
    public const int MaxNameLength = 50;
    public const int MaxRelationLength = 20;
    public const int MaxAwayLocationLength = 100;
    public const int MaxOccupationLength = 50;
    public const int MaxWorkplaceLength = 100;
    public const int MaxNoteLength = 500;

    /// <summary>
    /// The free-text fields of a person over their length ("field.too-long"; the note "note.too-long"), each named as in
    /// the API and the import headers. Values are measured as stored: tidied (trimmed, invisible characters removed).
    /// </summary>
    public static List<FieldError> CheckTextLengths(string? relation, string? awayLocation, string? occupation, string? workplace, string? note)
    {
        var errors = new List<FieldError>();
        foreach (var (field, value, max) in new[]
                 {
                     ("relation", relation, MaxRelationLength), ("awayLocation", awayLocation, MaxAwayLocationLength),
                     ("occupation", occupation, MaxOccupationLength), ("workplace", workplace, MaxWorkplaceLength),
                 })
            if (Text.Tidy(value) is { } v && v.Length > max) errors.Add(new FieldError(field, "field.too-long"));
        if (Text.Tidy(note) is { Length: > MaxNoteLength }) errors.Add(new FieldError("note", "note.too-long"));
        return errors;
    }

    /// <summary>Normalises a name; returns the error code when it is not a plausible name.</summary>
    public static string? NormalizeName(string? raw, out string? error)
    {
        var name = Text.Tidy(raw);
        error = null;
        if (name is null) { error = "name.required"; return null; }
        if (name.Length > MaxNameLength) { error = "name.too-long"; return null; }
        foreach (var c in name)
        {
            // Names are letters of any script, with the separators real names use: 阿依古丽·买买提, Mary-Jane O'Neil.
            if (char.IsLetter(c) || c is ' ' or '·' or '•' or '.' or '-' or '\'' or '’' || char.GetUnicodeCategory(c) is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark)
                continue;
            error = "name.characters";
            return null;
        }
        return name.Replace('•', '·');
    }

    /// <summary>
    /// Normalises a document. A resident ID that fails validation is kept with its issue (the person still exists),
    /// so the caller decides whether to refuse it (the edit form does) or flag it (imports and pushed lists do).
    /// </summary>
    public static NormalizedDocument NormalizeDocument(DocumentType type, string? raw, DateOnly today, Func<string, bool>? addressKnown)
    {
        if (type == DocumentType.ResidentId)
        {
            var check = ResidentId.Check(raw, today, addressKnown);
            if (check.Issue == ResidentIdIssue.Empty) return new(DocumentType.None, null, false, null, null, null, null);
            var number = check.Normalized ?? ResidentId.Clean(raw ?? "");
            return new(type, number, check.Valid, check.Valid ? null : IssueCode(check.Issue),
                check.Valid ? check.BirthDate : null,
                check.Valid ? check.Sex?.ToString() : null,
                Masking.IdNumber(number));
        }
        var other = Text.Compact(raw).ToUpperInvariant();
        if (other.Length == 0) return new(DocumentType.None, null, false, null, null, null, null);
        if (other.Length > 30 || !other.All(char.IsAsciiLetterOrDigit))
            return new(type, other.Length > 30 ? other[..30] : other, false, "document.format", null, null, Masking.IdNumber(other));
        return new(type, other, true, null, null, null, Masking.IdNumber(other));
    }

    public static string IssueCode(ResidentIdIssue issue) => issue switch
    {
        ResidentIdIssue.BadLength => "id.length",
        ResidentIdIssue.BadCharacter => "id.characters",
        ResidentIdIssue.BadCheckCharacter => "id.check-character",
        ResidentIdIssue.BadBirthDate => "id.birth-date",
        ResidentIdIssue.FutureBirthDate => "id.future-birth-date",
        ResidentIdIssue.UnknownAddressCode => "id.address-code",
        ResidentIdIssue.Empty => "id.required",
        _ => "id.invalid",
    };

    /// <summary>Normalises a phone; an unreadable phone is an error code, an empty one is simply null.</summary>
    public static string? NormalizePhone(string? raw, out string? error)
    {
        error = null;
        // A cell holding only invisible characters (zero-width space, BOM) is an empty cell, not a wrong number.
        if (Text.Tidy(raw) is null) return null;
        var check = PhoneNumber.Check(raw!);
        if (!check.Valid) { error = "phone.invalid"; return null; }
        return check.Normalized;
    }

    /// <summary>Vulnerable flags that follow from the birth date (80+, infants under 3).</summary>
    public static VulnerableFlags AgeFlags(DateOnly? birthDate, DateOnly today)
    {
        if (birthDate is null) return VulnerableFlags.None;
        var age = AgeOn(birthDate.Value, today);
        return age >= 80 ? VulnerableFlags.Elderly80Plus : age < 3 ? VulnerableFlags.Infant : VulnerableFlags.None;
    }

    public static int AgeOn(DateOnly birthDate, DateOnly today)
    {
        var age = today.Year - birthDate.Year;
        if (today < birthDate.AddYears(age)) age--;
        return age;
    }

    /// <summary>Reads 常住/外出/流入/来访 and their English aliases; false for a value that names none of them.</summary>
    public static bool TryParseResidence(string? raw, out ResidenceStatus? status)
    {
        status = Text.Compact(raw).ToLowerInvariant() switch
        {
            "" => null,
            "常住" or "户籍常住" or "在家" or "在本地" or "resident" => ResidenceStatus.Resident,
            "外出" or "外出务工" or "在外" or "县外" or "away" => ResidenceStatus.Away,
            "流入" or "外来" or "流动人口" or "incoming" => ResidenceStatus.Incoming,
            "来访" or "访客" or "visitor" => ResidenceStatus.Visitor,
            _ => (ResidenceStatus?)null,
        };
        return status is not null || Text.Compact(raw).Length == 0;
    }

    /// <summary>Reads 男/女/M/F.</summary>
    public static string? ParseSex(string? raw) => Text.Compact(raw).ToUpperInvariant() switch
    {
        "男" or "M" or "MALE" or "1" => "M",
        "女" or "F" or "FEMALE" or "2" => "F",
        _ => null,
    };
}
