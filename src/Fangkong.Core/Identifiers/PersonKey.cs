namespace Fangkong.Core.Identifiers;

public enum PersonKeyKind { ResidentId, Phone }

/// <summary>
/// One identifier a cadre types to find a person exactly: a phone number (mobile or landline, normalised) or a
/// resident ID number, which must pass its check (a mistyped digit is refused with why, not searched for). Looked up
/// by its keyed hash (the blind index), never by the number itself.
/// </summary>
public readonly record struct PersonKey(PersonKeyKind Kind, string Normalized)
{
    /// <summary>
    /// Reads <paramref name="input"/>: a valid phone number is a phone; anything of ID length (14 characters or more,
    /// or with an X) is a resident ID number, checked; shorter digits that are no phone are a phone typed wrong.
    /// </summary>
    /// <returns>The key, or the error code (required, id.check-character, id.length, phone.invalid, …).</returns>
    public static (PersonKey? Key, string? Error) Read(string? input, DateOnly today)
    {
        var compact = Text.Compact(input ?? "");
        if (compact.Length == 0) return (null, "required");
        var phone = PhoneNumber.Check(compact);
        if (phone.Valid && phone.Normalized is { } number) return (new PersonKey(PersonKeyKind.Phone, number), null);
        var id = ResidentId.Check(compact, today);
        if (id.Valid && id.Normalized is { } normalized) return (new PersonKey(PersonKeyKind.ResidentId, normalized), null);
        var looksLikeId = compact.Length >= 14 || compact.Contains('X', StringComparison.OrdinalIgnoreCase);
        return (null, looksLikeId ? People.PersonRules.IssueCode(id.Issue) : "phone.invalid");
    }
}
