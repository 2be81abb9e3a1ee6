using System.CommandLine;
using Fangkong.Core.Tasks;
using Fangkong.Data.Tasks;
using Microsoft.Extensions.DependencyInjection;

namespace Fangkong.Cli.Tasks;

internal static class TaskCommands
{
    /// <summary>Reports on the importing thread, in order (the framework's Progress posts to the thread pool).</summary>
    private sealed class Progress(Action<int> report) : IProgress<int>
    {
        public void Report(int value) => report(value);
    }

    public static Command Create()
    {
        var tasks = new Command("tasks", "Pushed verification tasks (协查).");

        var import = new Command("import", "Import a pushed list (xlsx or csv: UTF-8, UTF-8 with BOM or GBK) and dispatch its tasks with deadlines.");
        var file = new Argument<FileInfo>("FILE") { Description = "The file to import." };
        var batch = new Option<string?>("--batch") { Description = "One batch name for the whole file (default: each 推送批次 value of the file is its own batch; rows without one go to a batch named after the file)." };
        var pushedAt = new Option<string?>("--pushed-at") { Description = "When the list was pushed (ISO-8601; Beijing time unless it carries an offset; not later than now)." };
        var json = new Option<bool>("--json") { Description = "Print the summary as JSON." };
        import.Arguments.Add(file);
        import.Options.Add(batch);
        import.Options.Add(pushedAt);
        import.Options.Add(json);
        CommandRunner.Set(import, async (parse, host, output, ct) =>
        {
            var path = parse.GetValue(file)!;
            if (!path.Exists) throw new CliException($"{path.FullName} does not exist");
            // The same rule as a row's 推送时间 (Core's PushedTimeRules): county time unless it carries an offset, not later than now.
            var time = PushedTimeRules.Read(parse.GetValue(pushedAt), host.Services.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime,
                TimeZoneInfo.FindSystemTimeZoneById(host.Options.TimeZone));
            if (time.Error is { } refused)
                throw new CliException($"--pushed-at: '{parse.GetValue(pushedAt)}' " + (refused == PushedTimeRules.Future ? "is later than the county clock's now" : "is not an ISO-8601 time"));
            var pushed = time.Utc;
            await host.ActAsync(parse, ct);
            var importer = ActivatorUtilities.CreateInstance<VerificationImporter>(host.Services);
            // Progress on stderr (every 50,000 rows), so stdout stays the summary alone.
            var progress = new Progress(n => { if (n / 50_000 != (n - VerificationImporter.BatchSize) / 50_000) Console.Error.WriteLine($"  {n:N0} rows…"); });
            var s = await importer.ImportFileAsync(path.FullName, path.Name, new VerificationImportOptions(parse.GetValue(batch), pushed), progress, ct);
            if (parse.GetValue(json))
            {
                await CommandRunner.WriteJsonAsync(output, new
                {
                    batch = s.Batch,
                    rows = s.Rows,
                    rejected = s.Rejected,
                    idInvalid = s.IdInvalid,
                    duplicatesInFile = s.DuplicatesInFile,
                    alreadyOpen = s.AlreadyOpen,
                    matchedById = s.MatchedById,
                    matchedByPhone = s.MatchedByPhone,
                    newPersons = s.NewPersons,
                    outsideCounty = s.OutsideCounty,
                    unroutable = s.Unroutable,
                    routed = s.Routed,
                    tasksCreated = s.TasksCreated,
                    elapsedMs = s.ElapsedMs,
                    reimported = s.Reimported,
                    batchId = s.BatchId,
                    batches = s.Batches.Select(b => new { name = b.Name, id = b.Id, rows = b.Rows, tasksCreated = b.TasksCreated }),
                    job = s.JobId,
                    format = s.Format,
                    rejections = s.FirstRejections.Select(r => new { row = r.Row, field = r.Field, code = r.Code, reason = r.Reason }),
                    unknownColumns = s.UnknownColumns,
                    error = s.Error,
                });
            }
            else
            {
                await output.WriteLineAsync($"{s.Batch}: {s.Rows:N0} rows → {s.TasksCreated:N0} tasks ({s.Rejected:N0} rejected, {s.DuplicatesInFile:N0} duplicates, {s.AlreadyOpen:N0} already open, "
                    + $"{s.IdInvalid:N0} invalid IDs; matched {s.MatchedById:N0} by ID, {s.MatchedByPhone:N0} by name and phone, {s.NewPersons:N0} new; "
                    + $"{s.OutsideCounty:N0} outside the county, {s.Unroutable:N0} to route by hand) in {s.ElapsedMs:N0} ms{(s.Reimported ? " — already imported, nothing changed" : "")}.");
                if (s.Batches.Count > 1)
                    foreach (var b in s.Batches) await output.WriteLineAsync($"  batch {b.Name} (#{b.Id}): {b.Rows:N0} rows → {b.TasksCreated:N0} tasks");
                foreach (var (township, n) in s.Routed) await output.WriteLineAsync($"  {township}: {n:N0}");
                foreach (var r in s.FirstRejections) await output.WriteLineAsync($"  row {r.Row}: {r.Reason}");
                if (s.Error is not null) await output.WriteLineAsync("error: " + s.Error);
            }
            return s.Error is null ? 0 : 1;
        });
        tasks.Subcommands.Add(import);
        return tasks;
    }
}
