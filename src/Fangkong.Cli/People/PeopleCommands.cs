using System.CommandLine;
using Fangkong.Data.Infrastructure;
using Fangkong.Data.People;
using Microsoft.Extensions.DependencyInjection;

namespace Fangkong.Cli.People;

internal static class PeopleCommands
{
    public static Command Create()
    {
        var people = new Command("people", "The people registry.");

        var import = new Command("import", "Import people (and households) from an xlsx or csv file (UTF-8, UTF-8 with BOM or GBK).");
        var file = new Argument<FileInfo>("FILE") { Description = "The file to import." };
        var json = new Option<bool>("--json") { Description = "Print the summary as JSON." };
        var keepInvalid = new Option<bool>("--keep-invalid-ids") { Description = "Keep people whose ID number is invalid, flagged, instead of refusing their rows." };
        import.Arguments.Add(file);
        import.Options.Add(json);
        import.Options.Add(keepInvalid);
        CommandRunner.Set(import, async (parse, host, output, ct) =>
        {
            var path = parse.GetValue(file)!;
            if (!path.Exists) throw new CliException($"{path.FullName} does not exist");
            await host.ActAsync(parse, ct);
            var importer = ActivatorUtilities.CreateInstance<PeopleImporter>(host.Services);
            var summary = await importer.ImportAsync(path.FullName, path.Name, parse.GetValue(keepInvalid) ? InvalidIdPolicy.Flag : InvalidIdPolicy.Reject, null, ct);
            if (parse.GetValue(json))
            {
                await CommandRunner.WriteJsonAsync(output, new
                {
                    job = summary.JobId,
                    file = summary.FileName,
                    format = summary.Format,
                    status = summary.Status,
                    rows = summary.Rows,
                    imported = summary.Imported,
                    updated = summary.Updated,
                    unchanged = summary.Unchanged,
                    rejected = summary.Rejected,
                    rejections = summary.FirstRejections.Select(r => new { row = r.Row, sheet = r.Sheet, field = r.Field, code = r.Code, reason = r.Reason, note = r.Note }),
                    unknownColumns = summary.UnknownColumns,
                    elapsedMs = summary.ElapsedMs,
                    error = summary.Error,
                });
            }
            else
            {
                await output.WriteLineAsync($"{summary.FileName} ({summary.Format}): {summary.Rows:N0} rows, {summary.Imported:N0} imported, {summary.Updated:N0} updated, {summary.Unchanged:N0} unchanged, {summary.Rejected:N0} rejected in {summary.ElapsedMs:N0} ms.");
                foreach (var r in summary.FirstRejections)
                    await output.WriteLineAsync($"  row {r.Row}{(r.Sheet is null ? "" : $" ({r.Sheet})")}, {r.Field}: {r.Reason}{Note(r.Note)}");
                if (summary.Error is not null) await output.WriteLineAsync("error: " + summary.Error);
            }
            return summary.Status == "Completed" ? 0 : 1;
        });
        people.Subcommands.Add(import);

        var export = new Command("export", "Export the registry; the format follows the extension (.xlsx, .csv; --gbk for GBK csv). Identifiers are masked.");
        var target = new Argument<FileInfo>("FILE") { Description = "The file to write." };
        var gbk = new Option<bool>("--gbk") { Description = "Write csv in GBK instead of UTF-8 with BOM." };
        var village = new Option<long?>("--node") { Description = "Only people under this node id." };
        export.Arguments.Add(target);
        export.Options.Add(gbk);
        export.Options.Add(village);
        CommandRunner.Set(export, async (parse, host, output, ct) =>
        {
            var path = parse.GetValue(target)!;
            var format = path.Extension.ToLowerInvariant() switch
            {
                ".xlsx" => ExportFormat.Xlsx,
                ".csv" => parse.GetValue(gbk) ? ExportFormat.CsvGbk : ExportFormat.Csv,
                _ => throw new CliException("the file must end in .xlsx or .csv"),
            };
            await host.ActAsync(parse, ct);
            var exporter = ActivatorUtilities.CreateInstance<PeopleExporter>(host.Services);
            await using var stream = path.Create();
            var count = await exporter.ExportAsync(stream, new PersonQuery(NodeId: parse.GetValue(village)), format, reveal: false, reason: null, ct);
            await output.WriteLineAsync($"Exported {count:N0} people to {path.FullName}.");
            return 0;
        });
        people.Subcommands.Add(export);
        return people;
    }

    /// <summary>The address resolver's note for an operator: its code and the places it names, as data.</summary>
    private static string Note(Core.Jurisdictions.AddressNote? note) =>
        note is null ? "" : $" [{string.Join(" ", new[] { note.Code, note.Place, string.Join("; ", note.Options) }.Where(s => !string.IsNullOrEmpty(s)))}]";
}
