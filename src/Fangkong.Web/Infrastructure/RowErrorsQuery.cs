using Microsoft.Extensions.Localization;

namespace Fangkong.Web.Infrastructure;

/// <summary>
/// The refused rows of a file posted from a page travel back to it in the redirect's query (the page is rendered on
/// the server, with no state kept between the post and the next request): "code@row@field;…", at most 20.
/// </summary>
public static class RowErrorsQuery
{
    public const int Max = 20;

    public sealed record Item(int Row, string Field, string Code);

    public static string Encode(IEnumerable<Item> errors) =>
        Uri.EscapeDataString(string.Join(";", errors.Take(Max).Select(e => $"{e.Code.Split(':')[0]}@{e.Row}@{e.Field}")));

    public static IReadOnlyList<Item> Decode(string? query) =>
        string.IsNullOrEmpty(query) ? [] : query.Split(';', StringSplitOptions.RemoveEmptyEntries).Take(Max).Select(part => part.Split('@') switch
        {
            [var code, var row, var field] => new Item(int.TryParse(row, out var r) ? r : 0, field, code),
            [var code, var row] => new Item(int.TryParse(row, out var r) ? r : 0, "", code),
            _ => new Item(0, "", part),
        }).ToList();

    /// <summary>One line for a page's message: "row 3: sentence; …" (row 0 is the file itself).</summary>
    public static string Describe(IStringLocalizer<ErrorStrings> errors, string rowFormat, IEnumerable<Item> items) =>
        string.Join(ProblemMapping.SentenceSeparator(errors), items.Select(i => i.Row > 0 ? string.Format(rowFormat, i.Row, ProblemMapping.Describe(errors, i.Code)) : ProblemMapping.Describe(errors, i.Code)));
}
