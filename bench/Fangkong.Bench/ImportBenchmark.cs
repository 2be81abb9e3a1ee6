using System.Diagnostics;
using System.Globalization;
using Fangkong.Core.Accounts;
using Fangkong.Core.Jurisdictions;
using Fangkong.Core.Tabular;
using Fangkong.Data;
using Fangkong.Data.Infrastructure;
using Fangkong.Data.People;
using Fangkong.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Fangkong.Bench;

/// <summary>
/// Issue 2's speed targets: importing the people csv into an empty registry (validation, normalisation, encryption,
/// blind index, households) against the database's own bulk load of the same file into a bare table, in the same run;
/// peak memory; and searching a person by ID number in the full registry.
/// </summary>
public static class ImportBenchmark
{
    public static async Task RunAsync(Options options)
    {
        var engine = options.Engine == "postgres" ? Engine.Postgres : Engine.Sqlite;
        var rows = CountRows(options.File);
        Console.WriteLine($"engine {engine}, file {options.File}: {rows:N0} rows, {new FileInfo(options.File).Length / 1024 / 1024} MB");

        var baseline = await BaselineAsync(engine, options.File);
        Console.WriteLine($"baseline bulk load into a bare table: {baseline.TotalMilliseconds:N0} ms ({rows / baseline.TotalSeconds:N0} rows/s)");

        await using var database = await TestDatabase.CreateEmptyAsync(engine);
        await using (var scope = database.Scope())
            await DatabaseInitializer.MigrateAsync(scope.ServiceProvider);

        var actor = new Actor("bench", "bench", JurisdictionScope.Of("411326", "411326"), Permissions.For([Roles.CommandCentre]));
        var nodesBefore = await StoreFloor.MaxIdAsync(engine, database.ConnectionString, "JurisdictionNodes");
        ImportSummary summary;
        var clock = Stopwatch.StartNew();
        await using (var scope = database.Scope(actor))
        {
            var importer = ActivatorUtilities.CreateInstance<PeopleImporter>(scope.ServiceProvider);
            summary = await importer.ImportAsync(options.File, Path.GetFileName(options.File));
        }
        clock.Stop();
        var peak = Memory.PeakMegabytes();
        Console.WriteLine($"import: {clock.ElapsedMilliseconds:N0} ms ({summary.Rows / clock.Elapsed.TotalSeconds:N0} rows/s): {summary.Imported:N0} imported, {summary.Rejected:N0} rejected, status {summary.Status}");
        Console.WriteLine($"RATIO import / bulk load = {clock.Elapsed.TotalMilliseconds / baseline.TotalMilliseconds:F2} (target <= 3.00)");
        Console.WriteLine($"peak memory (VmHWM) = {peak} MB (target < 1024 MB)");
        if (summary.Rejected > 0)
            foreach (var r in summary.FirstRejections.Take(5)) Console.WriteLine($"  rejected row {r.Row}: {r.Code} {r.Value}");

        // The database's own work to store what the import produced (people, their categories, the household nodes)
        // in the real tables with their indexes, with no application work at all: no design reaches below this.
        var floor = await StoreFloor.MeasureAsync(engine, database.ConnectionString,
            [("People", "true"), ("PersonCategories", "true"), ("JurisdictionNodes", $"\"Id\" > {nodesBefore}")]);
        Console.WriteLine($"floor: storing the import's rows alone (no application work, indexes built once, no foreign keys): {floor.TotalMilliseconds:N0} ms = {floor.TotalMilliseconds / baseline.TotalMilliseconds:F2} x the bulk load");

        await SearchAsync(database, actor, options);
    }

    internal static int CountRows(string path)
    {
        using var stream = File.OpenRead(path);
        using var source = TabularFile.Open(stream, path);
        return source.Sheets.Single().Rows.Count() - 1;
    }

    /// <summary>
    /// The database's own bulk load of the same file: COPY … FROM STDIN (csv) on PostgreSQL; on SQLite the fastest plain
    /// insert — one transaction, one prepared statement, the rows read with the same csv reader. The bare table has
    /// <paramref name="columnCount"/> text columns (the people file's eight by default).
    /// </summary>
    internal static async Task<TimeSpan> BaselineAsync(Engine engine, string path, int? columnCount = null)
    {
        var count = columnCount ?? PeopleFile.Headers.Length;
        await using var database = await TestDatabase.CreateEmptyAsync(engine);
        var columns = string.Join(", ", Enumerable.Range(0, count).Select(i => $"c{i} text"));
        if (engine == Engine.Postgres)
        {
            await using var connection = new NpgsqlConnection(database.ConnectionString);
            await connection.OpenAsync();
            await using (var create = new NpgsqlCommand($"CREATE TABLE bare ({columns})", connection)) await create.ExecuteNonQueryAsync();
            var clock = Stopwatch.StartNew();
            await using (var writer = await connection.BeginTextImportAsync($"COPY bare FROM STDIN (FORMAT csv, HEADER true)"))
            using (var reader = new StreamReader(path, detectEncodingFromByteOrderMarks: true))
            {
                var buffer = new char[1 << 16];
                int n;
                while ((n = await reader.ReadAsync(buffer)) > 0) await writer.WriteAsync(buffer, 0, n);
            }
            clock.Stop();
            return clock.Elapsed;
        }
        else
        {
            await using var connection = new SqliteConnection(database.ConnectionString);
            await connection.OpenAsync();
            await using (var pragma = connection.CreateCommand())
            {
                pragma.CommandText = $"PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; CREATE TABLE bare ({columns});";
                await pragma.ExecuteNonQueryAsync();
            }
            var clock = Stopwatch.StartNew();
            await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync();
            await using var insert = connection.CreateCommand();
            insert.Transaction = transaction;
            insert.CommandText = $"INSERT INTO bare VALUES ({string.Join(", ", Enumerable.Range(0, count).Select(i => "@p" + i))})";
            var parameters = Enumerable.Range(0, count).Select(i => insert.Parameters.Add("@p" + i, SqliteType.Text)).ToArray();
            insert.Prepare();
            await using var stream = File.OpenRead(path);
            using var source = TabularFile.Open(stream, path);
            var first = true;
            foreach (var row in source.Sheets.Single().Rows)
            {
                if (first) { first = false; continue; }
                for (var i = 0; i < parameters.Length; i++) parameters[i].Value = (object?)row[i] ?? DBNull.Value;
                await insert.ExecuteNonQueryAsync();
            }
            await transaction.CommitAsync();
            clock.Stop();
            return clock.Elapsed;
        }
    }

    /// <summary>Searches by ID number through the same service the pages and the API call, under a county scope.</summary>
    private static async Task SearchAsync(TestDatabase database, Actor actor, Options options)
    {
        var ids = SampleIds(options.File, options.Searches);
        await using var scope = database.Scope(actor);
        var people = ActivatorUtilities.CreateInstance<PeopleService>(scope.ServiceProvider);
        foreach (var id in ids.Take(50)) await people.SearchAsync(new PersonQuery(id)); // warm-up: model, plans, pool
        var timings = new List<double>(ids.Count);
        var found = 0;
        foreach (var id in ids)
        {
            var clock = Stopwatch.StartNew();
            var page = await people.SearchAsync(new PersonQuery(id));
            clock.Stop();
            timings.Add(clock.Elapsed.TotalMilliseconds);
            if (page.Items.Count == 1) found++;
        }
        timings.Sort();
        double P(double q) => timings[Math.Min(timings.Count - 1, (int)(q * timings.Count))];
        Console.WriteLine($"search by ID number ({timings.Count:N0} searches, {found:N0} found): mean {timings.Average():F2} ms, p50 {P(0.5):F2} ms, p95 {P(0.95):F2} ms, p99 {P(0.99):F2} ms (target < 5 ms)");
    }

    private static List<string> SampleIds(string path, int count)
    {
        using var stream = File.OpenRead(path);
        using var source = TabularFile.Open(stream, path);
        var all = source.Sheets.Single().Rows.Skip(1).Select(r => r[1]!).ToList();
        var random = new Random(7);
        return Enumerable.Range(0, count).Select(_ => all[random.Next(all.Count)]).ToList();
    }
}
