namespace Fangkong.Core.People;

/// <summary>
/// English sentences for the stable error codes (the CLI prints them; imports store them with the row). The web UI
/// shows its own localized text for the same codes.
/// </summary>
public static class ErrorText
{
    private static readonly Dictionary<string, string> Sentences = new(StringComparer.Ordinal)
    {
        ["name.required"] = "the name is missing",
        ["name.too-long"] = "the name is longer than 50 characters",
        ["name.characters"] = "the name contains characters a name cannot have (digits, symbols or markup)",
        ["identity.missing"] = "the row has none of name, ID number and phone: nobody can be looked for",
        ["id.required"] = "the ID number is missing",
        ["id.length"] = "an ID number has 18 characters (or 15 in the old form)",
        ["id.characters"] = "an ID number has only digits, and X as the last character",
        ["id.check-character"] = "the check character does not match: a digit was mistyped",
        ["id.birth-date"] = "the birth date inside the ID number is not a real date",
        ["id.future-birth-date"] = "the birth date inside the ID number is in the future",
        ["id.address-code"] = "the ID number's address code names no known province or prefecture",
        ["id.invalid"] = "the ID number is not valid",
        ["id.duplicate"] = "another person already has this ID number",
        ["id.duplicate-in-file"] = "the same ID number appears earlier in this file",
        ["id.lossy-number"] = "the ID number was stored as a number in Excel and its last digits are lost; format the column as text",
        ["pushedAt.invalid"] = "the push time cannot be read as a date and time",
        ["pushedAt.future"] = "the push time is later than now (more than 10 minutes ahead of the county clock)",
        ["batch.required"] = "a pushed list needs a batch name",
        ["document.format"] = "the document number has unexpected characters",
        ["document-type.unknown"] = "unknown document type",
        ["phone.invalid"] = "the phone number is not a mobile or landline number",
        ["sex.invalid"] = "sex must be 男 or 女",
        ["sex.mismatch"] = "the sex does not match the ID number",
        ["birth-date.invalid"] = "the birth date is not a real date (yyyy-MM-dd)",
        ["birth-date.mismatch"] = "the birth date does not match the ID number",
        ["residence.unknown"] = "residence must be 常住, 外出, 流入 or 来访",
        ["category.unknown"] = "unknown key-population category",
        ["address.required"] = "the address is missing, and no village or community column names the place",
        ["address.unresolved"] = "the address names no village or community of this county",
        ["address.township-only"] = "the address names the township but no village or community of it",
        ["address.other-county"] = "the address is in another county",
        ["address.outside-scope"] = "the place is outside your jurisdiction",
        ["person.outside-scope"] = "this person (this ID number) is registered outside your jurisdiction",
        ["field.too-long"] = "the value is too long",
        ["note.too-long"] = "the note is longer than 500 characters",
        ["node.not-found"] = "the place does not exist or is outside your jurisdiction",
        ["node.required"] = "a place (village, grid or household) is required",
        ["node.too-high"] = "people live in a village, grid, building or household, not in a township",
        ["reason.required"] = "give a reason",
    };

    public static string For(string code)
    {
        var colon = code.IndexOf(':');
        var key = colon < 0 ? code : code[..colon];
        var sentence = Sentences.GetValueOrDefault(key, key);
        return colon < 0 ? sentence : $"{sentence}: {code[(colon + 1)..]}";
    }
}
