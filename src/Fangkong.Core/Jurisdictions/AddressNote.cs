using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;

namespace Fangkong.Core.Jurisdictions;

/// <summary>
/// Why an address did not resolve further, as a stable code (one of <see cref="AddressNotes"/>) with its arguments,
/// for the page that shows it to put into words in the reader's language: the <see cref="Place"/> the note is about
/// (a township, the other county, the text read) and the <see cref="Options"/> the text may mean (villages of the
/// county written as township and village, counties elsewhere). Names are data and stay as written; nothing here is
/// a sentence.
/// </summary>
public sealed record AddressNote(string Code, string? Place = null, IReadOnlyList<string>? Options = null)
{
    /// <summary>The places the text may mean; empty when the note names none.</summary>
    public IReadOnlyList<string> Options { get; init; } = Options ?? [];

    /// <summary>Notes are equal when code, place and options (in order) are.</summary>
    public bool Equals(AddressNote? other) =>
        other is not null && Code == other.Code && Place == other.Place && Options.SequenceEqual(other.Options);

    public override int GetHashCode() => HashCode.Combine(Code, Place, Options.Count);

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        // Names are Chinese: kept readable (and short) in the stored text instead of \uXXXX escapes.
        Encoder = JavaScriptEncoder.Create(UnicodeRanges.All),
    };

    /// <summary>
    /// The note as stored beside a refused row (JSON: code, place, options), at most <paramref name="maxLength"/>
    /// characters: options that do not fit are left off from the end. Null for no note.
    /// </summary>
    public static string? Store(AddressNote? note, int maxLength = 1000)
    {
        if (note is null) return null;
        var options = note.Options.ToList();
        while (true)
        {
            var text = JsonSerializer.Serialize(new Stored(note.Code, note.Place, options), Json);
            if (text.Length <= maxLength || options.Count == 0) return text.Length <= maxLength ? text : null;
            options.RemoveAt(options.Count - 1);
        }
    }

    /// <summary>A stored note read back; null for none or for text that is not a stored note.</summary>
    public static AddressNote? Read(string? stored)
    {
        if (string.IsNullOrEmpty(stored)) return null;
        try
        {
            return JsonSerializer.Deserialize<Stored>(stored, Json) is { Code.Length: > 0 } s ? new AddressNote(s.Code, s.Place, s.Options ?? []) : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private sealed record Stored(string Code, string? Place, IReadOnlyList<string>? Options);
}

/// <summary>
/// The codes of <see cref="AddressNote"/>, each with the arguments it carries. The web layer has a sentence for each
/// (ErrorStrings, the code's dots as underscores), the place as {0} and the options as a list in {1}.
/// </summary>
public static class AddressNotes
{
    /// <summary>Neither a township or village of the county nor a place elsewhere was recognised. No arguments.</summary>
    public const string NothingRecognised = "address-note.nothing-recognised";

    /// <summary>The county itself (or its prefecture or province) is named, but none of its townships or villages
    /// follows. Place: the text read as the county (河南省南阳市淅川县).</summary>
    public const string NothingAfterCounty = "address-note.nothing-after-county";

    /// <summary>The text may name a place elsewhere, too weakly to say so (a bare short name). Place: that place.</summary>
    public const string PossiblyElsewhere = "address-note.possibly-elsewhere";

    /// <summary>The address lies outside the county. Place: the other county, prefecture or province, in full.</summary>
    public const string Elsewhere = "address-note.elsewhere";

    /// <summary>The county named exists in several places, none of them ours. Options: those counties, in full.</summary>
    public const string ElsewhereAmbiguous = "address-note.elsewhere-ambiguous";

    /// <summary>The township is known; what follows is none of its villages. Place: the township.</summary>
    public const string VillageUnknown = "address-note.village-unknown";

    /// <summary>The township is known and several of its villages fit. Place: the township; Options: the villages.</summary>
    public const string VillageAmbiguousInTownship = "address-note.village-ambiguous-in-township";

    /// <summary>The village named is not in the township named. Place: the township; Options: where the county has it.</summary>
    public const string VillageInOtherTownship = "address-note.village-in-other-township";

    /// <summary>A village name without its township fits villages in several townships. Options: those villages.</summary>
    public const string VillageAmbiguous = "address-note.village-ambiguous";

    /// <summary>Every code, for checks that each has its sentences.</summary>
    public static IReadOnlyList<string> All { get; } =
    [
        NothingRecognised, NothingAfterCounty, PossiblyElsewhere, Elsewhere, ElsewhereAmbiguous,
        VillageUnknown, VillageAmbiguousInTownship, VillageInOtherTownship, VillageAmbiguous,
    ];
}
