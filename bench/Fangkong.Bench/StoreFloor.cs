using System.Diagnostics;
using Fangkong.Testing;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Fangkong.Bench;

/// <summary>
/// A lower bound for a bulk path: the time the database alone needs to store rows a run has already produced — the
/// same rows, same columns and same indexes as the real tables — with no application work at all (no parsing,
/// validation, encryption, look-ups or value conversion) and on the most favourable terms: empty copies of the tables,
/// every index built once after the load, no foreign keys, one transaction. On PostgreSQL the rows go in by binary
/// COPY from memory; on SQLite by <c>INSERT … SELECT</c> inside the database (no value crosses into .NET). If this floor alone is above a target's
/// ratio, no design of the application with these tables can meet it on this machine.
/// </summary>
public static class StoreFloor
{
    /// <param name="tables">Each real table with the condition that picks the rows the measured run wrote.</param>
    public static async Task<TimeSpan> MeasureAsync(Engine engine, string connectionString, IReadOnlyList<(string Table, string Where)> tables)
    {
        return engine == Engine.Postgres ? await PostgresAsync(connectionString, tables, integrity: false) : await SqliteAsync(connectionString, tables);
    }

    /// <summary>
    /// The same rows stored as any insert must store them when the tables are in use: every index already in place
    /// (maintained row by row) and every foreign key checked by the database (PostgreSQL only; a key that points at
    /// another table of the set points at its copy). No application work still.
    /// </summary>
    /// <param name="leaveOut">Indexes the copies go without, to price a leaner schema (e.g. a child keyed by its
    /// natural key instead of a surrogate one).</param>
    public static Task<TimeSpan> MeasureWithIntegrityAsync(string connectionString, IReadOnlyList<(string Table, string Where)> tables, IReadOnlyCollection<string>? leaveOut = null) =>
        PostgresAsync(connectionString, tables, integrity: true, leaveOut ?? []);

    private static async Task<TimeSpan> PostgresAsync(string connectionString, IReadOnlyList<(string Table, string Where)> tables, bool integrity, IReadOnlyCollection<string>? leaveOut = null)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        var rows = new List<(string Table, byte[] Binary, List<string> Indexes)>();
        foreach (var (table, where) in tables)
        {
            // Rows exported once, outside the timing, in the server's own binary format.
            using var buffer = new MemoryStream();
            await using (var export = await connection.BeginRawBinaryCopyAsync($"COPY (SELECT * FROM \"{table}\" WHERE {where}) TO STDOUT (FORMAT binary)"))
                await export.CopyToAsync(buffer);
            var indexes = new List<string>();
            await using (var read = new NpgsqlCommand("SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() AND tablename = @t", connection))
            {
                read.Parameters.AddWithValue("t", table);
                await using var reader = await read.ExecuteReaderAsync();
                while (await reader.ReadAsync())
                    if (leaveOut is null || !leaveOut.Contains(reader.GetString(0)))
                        indexes.Add(reader.GetString(1).Replace($"INDEX \"{reader.GetString(0)}\"", $"INDEX \"floor_{reader.GetString(0)}\"", StringComparison.Ordinal)
                        .Replace($"\"{table}\" USING", $"\"floor_{table}\" USING", StringComparison.Ordinal));
            }
            await Execute(connection, $"DROP TABLE IF EXISTS \"floor_{table}\" CASCADE; CREATE TABLE \"floor_{table}\" (LIKE \"{table}\" INCLUDING DEFAULTS)");
            if (integrity)
            {
                foreach (var index in indexes) await Execute(connection, index);
                indexes.Clear();
                await using var keys = new NpgsqlCommand("SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = @t::regclass AND contype = 'f'", connection);
                keys.Parameters.AddWithValue("t", $"\"{table}\"");
                var definitions = new List<string>();
                await using (var reader = await keys.ExecuteReaderAsync())
                    while (await reader.ReadAsync()) definitions.Add(reader.GetString(0));
                foreach (var definition in definitions)
                {
                    var remapped = tables.Aggregate(definition, (d, t) => d.Replace($"REFERENCES \"{t.Table}\"(", $"REFERENCES \"floor_{t.Table}\"(", StringComparison.Ordinal));
                    await Execute(connection, $"ALTER TABLE \"floor_{table}\" ADD {remapped}");
                    Console.WriteLine($"  floor {table}: {remapped}");
                }
            }
            rows.Add((table, buffer.ToArray(), indexes));
        }
        var clock = Stopwatch.StartNew();
        await using (var transaction = await connection.BeginTransactionAsync())
        {
            foreach (var (table, binary, indexes) in rows)
            {
                var step = Stopwatch.StartNew();
                await using (var load = await connection.BeginRawBinaryCopyAsync($"COPY \"floor_{table}\" FROM STDIN (FORMAT binary)"))
                    await load.WriteAsync(binary);
                Console.WriteLine($"  floor {table}: rows {step.ElapsedMilliseconds:N0} ms ({binary.Length / 1024 / 1024} MB)");
                foreach (var index in indexes)
                {
                    step.Restart();
                    await Execute(connection, index);
                    Console.WriteLine($"  floor {table}: {index[..index.IndexOf(" USING", StringComparison.Ordinal)]} {step.ElapsedMilliseconds:N0} ms");
                }
            }
            await transaction.CommitAsync();
        }
        clock.Stop();
        foreach (var (table, _, _) in rows) await Execute(connection, $"DROP TABLE \"floor_{table}\" CASCADE");
        return clock.Elapsed;
    }

    private static async Task<TimeSpan> SqliteAsync(string connectionString, IReadOnlyList<(string Table, string Where)> tables)
    {
        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync();
        await Execute(connection, "PRAGMA foreign_keys = OFF; PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL");
        var work = new List<(string Table, string Where, List<string> Indexes)>();
        foreach (var (table, where) in tables)
        {
            string create;
            var indexes = new List<string>();
            await using (var read = connection.CreateCommand())
            {
                read.CommandText = "SELECT type, name, sql FROM sqlite_master WHERE tbl_name = $t AND sql IS NOT NULL";
                read.Parameters.AddWithValue("$t", table);
                await using var reader = await read.ExecuteReaderAsync();
                create = "";
                while (await reader.ReadAsync())
                {
                    var sql = reader.GetString(2);
                    if (reader.GetString(0) == "table") create = sql.Replace($"TABLE \"{table}\"", $"TABLE \"floor_{table}\"", StringComparison.Ordinal);
                    else indexes.Add(sql.Replace($"INDEX \"{reader.GetString(1)}\"", $"INDEX \"floor_{reader.GetString(1)}\"", StringComparison.Ordinal)
                        .Replace($"ON \"{table}\"", $"ON \"floor_{table}\"", StringComparison.Ordinal));
                }
            }
            await Execute(connection, $"DROP TABLE IF EXISTS \"floor_{table}\"");
            await Execute(connection, create);
            work.Add((table, where, indexes));
        }
        // The source pages read once outside the timing, so the timed copy reads them from the cache. The copy runs
        // inside SQLite (no value crosses into .NET): no application can hand SQLite rows faster than that.
        foreach (var (table, where, _) in work) await Execute(connection, $"SELECT count(*) FROM (SELECT * FROM \"{table}\" WHERE {where})");
        var clock = Stopwatch.StartNew();
        await using (var transaction = connection.BeginTransaction())
        {
            foreach (var (table, where, indexes) in work)
            {
                var step = Stopwatch.StartNew();
                await Execute(connection, $"INSERT INTO \"floor_{table}\" SELECT * FROM \"{table}\" WHERE {where}", transaction);
                Console.WriteLine($"  floor {table}: rows {step.ElapsedMilliseconds:N0} ms");
                foreach (var index in indexes)
                {
                    step.Restart();
                    await Execute(connection, index, transaction);
                    Console.WriteLine($"  floor {table}: {index[..index.IndexOf(" ON", StringComparison.Ordinal)]} {step.ElapsedMilliseconds:N0} ms");
                }
            }
            await transaction.CommitAsync();
        }
        clock.Stop();
        foreach (var (table, _, _) in work) await Execute(connection, $"DROP TABLE \"floor_{table}\"");
        return clock.Elapsed;
    }

    /// <summary>The largest key of a table now, so a floor can pick the rows a run adds after it.</summary>
    public static async Task<long> MaxIdAsync(Engine engine, string connectionString, string table)
    {
        await using System.Data.Common.DbConnection connection = engine == Engine.Postgres ? new NpgsqlConnection(connectionString) : new SqliteConnection(connectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT coalesce(max(\"Id\"), 0) FROM \"{table}\"";
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static async Task Execute(System.Data.Common.DbConnection connection, string sql, System.Data.Common.DbTransaction? transaction = null)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        command.CommandTimeout = 0;
        await command.ExecuteNonQueryAsync();
    }
}
