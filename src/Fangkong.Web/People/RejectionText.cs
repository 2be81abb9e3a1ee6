using Fangkong.Core.Jurisdictions;
using Fangkong.Web.Infrastructure;
using Microsoft.Extensions.Localization;

namespace Fangkong.Web.People;

/// <summary>
/// A refused import row's reason in the reader's language: the sentence of its code, and for an address the
/// resolver's note (<see cref="AddressNote"/>) with the places it names. The import page, the page of all refused
/// rows and the error report all say it the same way.
/// </summary>
public static class RejectionText
{
    /// <summary>The note as a sentence: its code's text with the place as {0} and the options, listed, as {1}.</summary>
    public static string Note(IStringLocalizer<ErrorStrings> errors, AddressNote note)
    {
        var options = string.Join(errors["ListSeparator"].Value, note.Options);
        var text = errors[note.Code.Replace('.', '_')];
        return text.ResourceNotFound
            ? string.Join(" ", new[] { note.Code, note.Place, options }.Where(s => !string.IsNullOrEmpty(s)))
            : string.Format(System.Globalization.CultureInfo.CurrentCulture, text.Value, note.Place ?? "", options);
    }

    /// <summary>A row's field in words ("address" → 现住址); a field without a name as written.</summary>
    public static string Field(IStringLocalizer<PeopleStrings> people, string? field) =>
        field is null ? "" : people["Field_" + field] is { ResourceNotFound: false } name ? name.Value : field;

    /// <summary>The reason on one line (for a file): "sentence; note" or the sentence alone.</summary>
    public static string Reason(IStringLocalizer<ErrorStrings> errors, string code, AddressNote? note) =>
        note is null ? ProblemMapping.Describe(errors, code) : string.Format(errors["ReasonWithNote"].Value, ProblemMapping.Describe(errors, code), Note(errors, note));
}
