using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using NpgsqlTypes;

namespace Fangkong.Data.Infrastructure;

/// <summary>
/// Set-based writes for bulk paths (imports, demo seeding): binary COPY on PostgreSQL, one prepared statement
/// reused row after row on SQLite. Columns, converters (encryption included) and types come from the EF model, so
/// a row written here is the row EF would have written. Keys are allocated up front (sequence on PostgreSQL, past
/// the current maximum under SQLite's write lock) so children can point at their parents in the same batch.
/// Runs on the context's connection inside its current transaction; rows written here are not audited one by
/// one, so callers append a summary entry to the audit chain.
/// </summary>
public sealed class BulkWriter
{
    private readonly FangkongDb _db;
    private readonly bool _postgres;

    public BulkWriter(FangkongDb db)
    {
        _db = db;
        _postgres = db.Database.IsNpgsql();
        if (db.Database.CurrentTransaction is null) throw new InvalidOperationException("Bulk writes run inside a transaction.");
    }

    private DbConnection Connection => _db.Database.GetDbConnection();
    private DbTransaction? _tuned;

    /// <summary>
    /// Sessions plan every statement for its values (see <c>WithStatementDefaults</c>), and PostgreSQL checks each
    /// foreign key of each inserted row with a prepared statement: planned again for every row, the checks cost
    /// three times the insert itself (orders bench: 24 instead of 9 µs of the database per row). A bulk transaction
    /// lets those checks keep their cached plan; the setting ends with the transaction.
    /// </summary>
    private async Task TuneAsync(CancellationToken ct)
    {
        if (!_postgres || ReferenceEquals(_tuned, Transaction)) return;
        await ExecuteAsync("SET LOCAL plan_cache_mode = auto", ct);
        _tuned = Transaction;
    }
    private DbTransaction Transaction => _db.Database.CurrentTransaction!.GetDbTransaction();

    /// <summary>Reserves <paramref name="count"/> new keys of an entity with a database-generated long key.</summary>
    public async Task<long[]> AllocateIdsAsync<T>(int count, CancellationToken ct = default)
    {
        if (count == 0) return [];
        var entity = _db.Model.FindEntityType(typeof(T))!;
        var table = entity.GetTableName()!;
        var ids = new long[count];
        await using var command = Connection.CreateCommand();
        command.Transaction = Transaction;
        if (_postgres)
        {
            await TuneAsync(ct);
            // The sequence name is looked up once; nextval per key is cheap, a catalog look-up per key is not.
            command.CommandText = $"SELECT pg_get_serial_sequence('\"{table}\"', 'Id')";
            var sequence = ((string)(await command.ExecuteScalarAsync(ct))!).Replace("'", "''");
            // The keys are drawn on the server and only their range comes back: when nobody else drew from the
            // sequence meanwhile they are one unbroken run (the usual case). Otherwise those keys are left unused (a
            // sequence may have gaps) and the keys are drawn again, each one sent back.
            command.CommandText = $"SELECT min(v), max(v), count(*) FROM (SELECT nextval('{sequence}'::regclass) AS v FROM generate_series(1, {count})) k";
            await using (var range = await command.ExecuteReaderAsync(ct))
            {
                await range.ReadAsync(ct);
                var (first, last) = (range.GetInt64(0), range.GetInt64(1));
                if (last - first + 1 == count)
                {
                    for (var i = 0; i < count; i++) ids[i] = first + i;
                    return ids;
                }
            }
            command.CommandText = $"SELECT nextval('{sequence}'::regclass) FROM generate_series(1, {count})";
            await using var reader = await command.ExecuteReaderAsync(ct);
            var n = 0;
            while (await reader.ReadAsync(ct)) ids[n++] = reader.GetInt64(0);
        }
        else
        {
            // The transaction already holds SQLite's write lock (BEGIN IMMEDIATE), so nobody else can take these keys.
            command.CommandText = $"SELECT max(coalesce((SELECT max(\"Id\") FROM \"{table}\"), 0), coalesce((SELECT seq FROM sqlite_sequence WHERE name = '{table}'), 0))";
            var start = Convert.ToInt64(await command.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture);
            for (var i = 0; i < count; i++) ids[i] = start + 1 + i;
        }
        return ids;
    }

    /// <summary>Inserts entities (keys already set) into their table.</summary>
    public async Task InsertAsync<T>(IReadOnlyList<T> rows, CancellationToken ct = default) where T : class
    {
        if (rows.Count == 0) return;
        await TuneAsync(ct);
        var columns = Columns(typeof(T));
        var table = _db.Model.FindEntityType(typeof(T))!.GetTableName()!;
        // Provider values (encryption included) are computed on every core; the database write stays sequential.
        var values = rows.AsParallel().AsOrdered().WithDegreeOfParallelism(Math.Max(1, Environment.ProcessorCount))
            .Select(row =>
            {
                var cells = new object?[columns.Count];
                for (var i = 0; i < cells.Length; i++) cells[i] = columns[i].Read(row);
                return cells;
            }).ToList();
        if (_postgres) await CopyAsync(table, columns, values, ct);
        else await InsertSqliteAsync(table, columns, values, ct);
    }

    /// <summary>
    /// Binary COPY written synchronously, value by value with its concrete type: the asynchronous per-value API costs
    /// more than the value itself. The rows are already in memory (one batch), so nothing here waits on I/O for long.
    /// </summary>
    private Task CopyAsync(string table, IReadOnlyList<Column> columns, List<object?[]> rows, CancellationToken ct)
    {
        var connection = (NpgsqlConnection)Connection;
        var sql = $"COPY \"{table}\" ({string.Join(", ", columns.Select(c => $"\"{c.Name}\""))}) FROM STDIN (FORMAT BINARY)";
        using var importer = connection.BeginBinaryImport(sql);
        foreach (var row in rows)
        {
            ct.ThrowIfCancellationRequested();
            importer.StartRow();
            for (var i = 0; i < columns.Count; i++) WriteValue(importer, row[i], columns[i].PostgresType);
        }
        importer.Complete();
        return Task.CompletedTask;
    }

    private static void WriteValue(NpgsqlBinaryImporter importer, object? value, NpgsqlDbType type)
    {
        switch (value)
        {
            case null: importer.WriteNull(); break;
            case long l: importer.Write(l, type); break;
            case int n: importer.Write(n, type); break;
            case short n: importer.Write(n, type); break;
            case bool b: importer.Write(b, type); break;
            case string text: importer.Write(text, type); break;
            case byte[] blob: importer.Write(blob, type); break;
            case DateTime d: importer.Write(d, type); break;
            case DateOnly d: importer.Write(d, type); break;
            case double d: importer.Write(d, type); break;
            default: throw new NotSupportedException($"bulk value of type {value.GetType()}");
        }
    }

    /// <summary>
    /// One prepared single-row INSERT stepped row after row inside the transaction, bound by position through SQLite's
    /// own API: the fastest plain insert SQLite offers (ADO.NET parameters re-resolve every name on every execution,
    /// which costs more than the insert itself for a wide row). Values are bound exactly as Microsoft.Data.Sqlite
    /// would write them, so EF reads them back unchanged.
    /// </summary>
    private Task InsertSqliteAsync(string table, IReadOnlyList<Column> columns, List<object?[]> rows, CancellationToken ct)
    {
        var handle = ((Microsoft.Data.Sqlite.SqliteConnection)Connection).Handle!;
        var sql = $"INSERT INTO \"{table}\" ({string.Join(", ", columns.Select(c => $"\"{c.Name}\""))}) VALUES ({string.Join(", ", columns.Select((_, i) => "?" + (i + 1)))})";
        Check(handle, SQLitePCL.raw.sqlite3_prepare_v2(handle, sql, out var statement));
        try
        {
            foreach (var row in rows)
            {
                ct.ThrowIfCancellationRequested();
                for (var i = 0; i < row.Length; i++) Check(handle, Bind(statement, i + 1, row[i]));
                var step = SQLitePCL.raw.sqlite3_step(statement);
                if (step != SQLitePCL.raw.SQLITE_DONE) Check(handle, step);
                SQLitePCL.raw.sqlite3_reset(statement);
            }
        }
        finally
        {
            SQLitePCL.raw.sqlite3_finalize(statement);
        }
        return Task.CompletedTask;
    }

    private static int Bind(SQLitePCL.sqlite3_stmt statement, int index, object? value) => value switch
    {
        null => SQLitePCL.raw.sqlite3_bind_null(statement, index),
        long l => SQLitePCL.raw.sqlite3_bind_int64(statement, index, l),
        int n => SQLitePCL.raw.sqlite3_bind_int64(statement, index, n),
        short n => SQLitePCL.raw.sqlite3_bind_int64(statement, index, n),
        bool b => SQLitePCL.raw.sqlite3_bind_int64(statement, index, b ? 1 : 0),
        string text => SQLitePCL.raw.sqlite3_bind_text(statement, index, text),
        byte[] blob => SQLitePCL.raw.sqlite3_bind_blob(statement, index, blob),
        DateTime d => SQLitePCL.raw.sqlite3_bind_text(statement, index, d.ToString("yyyy-MM-dd HH:mm:ss.FFFFFFF", System.Globalization.CultureInfo.InvariantCulture)),
        DateOnly d => SQLitePCL.raw.sqlite3_bind_text(statement, index, d.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)),
        double d => SQLitePCL.raw.sqlite3_bind_double(statement, index, d),
        _ => throw new NotSupportedException($"bulk value of type {value.GetType()}"),
    };

    private static void Check(SQLitePCL.sqlite3 handle, int code)
    {
        if (code != SQLitePCL.raw.SQLITE_OK) throw new Microsoft.Data.Sqlite.SqliteException(SQLitePCL.raw.sqlite3_errmsg(handle).utf8_to_string(), code);
    }

    /// <summary>
    /// For a first load into an empty table: drops its secondary indexes (and, on PostgreSQL, its foreign keys) and
    /// returns a handle that builds them again,
    /// each in one sorted pass, which is several times faster than maintaining them row by row. The table must be
    /// empty across every county (checked here), so nobody else is reading it; both engines keep DDL in the transaction.
    /// </summary>
    public async Task<IAsyncDisposable?> SuspendIndexesIfEmptyAsync<T>(CancellationToken ct = default)
    {
        var entity = _db.Model.FindEntityType(typeof(T))!;
        var table = entity.GetTableName()!;
        await using (var probe = Connection.CreateCommand())
        {
            probe.Transaction = Transaction;
            probe.CommandText = $"SELECT 1 FROM \"{table}\" LIMIT 1";
            if (await probe.ExecuteScalarAsync(ct) is not null) return null;
        }
        var store = StoreObjectIdentifier.Table(table, entity.GetSchema());
        var indexes = entity.GetIndexes().Select(i => (Name: i.GetDatabaseName(store)!, i.IsUnique, Columns: i.Properties.Select(p => p.GetColumnName(store)!).ToList(),
            Include: _postgres ? (i.GetIncludeProperties() ?? []).Select(name => entity.FindProperty(name)!.GetColumnName(store)!).ToList() : [],
            Filter: i.GetFilter())).ToList();
        foreach (var index in indexes) await ExecuteAsync($"DROP INDEX \"{index.Name}\"", ct);
        // PostgreSQL checks each foreign key with a trigger per row; re-adding the constraint checks all rows in one
        // join. (SQLite keeps its foreign keys inside the table definition; its per-row checks are cheap index probes.)
        var foreignKeys = new List<string>();
        if (_postgres)
        {
            foreach (var fk in entity.GetForeignKeys())
            {
                var name = fk.GetConstraintName(store, StoreObjectIdentifier.Table(fk.PrincipalEntityType.GetTableName()!, fk.PrincipalEntityType.GetSchema()))!;
                var principal = StoreObjectIdentifier.Table(fk.PrincipalEntityType.GetTableName()!, fk.PrincipalEntityType.GetSchema());
                var columns = string.Join(", ", fk.Properties.Select(p => $"\"{p.GetColumnName(store)}\""));
                var principalColumns = string.Join(", ", fk.PrincipalKey.Properties.Select(p => $"\"{p.GetColumnName(principal)}\""));
                var onDelete = fk.DeleteBehavior switch
                {
                    DeleteBehavior.Cascade => "CASCADE",
                    DeleteBehavior.SetNull => "SET NULL",
                    DeleteBehavior.NoAction or DeleteBehavior.ClientNoAction => "NO ACTION",
                    _ => "RESTRICT",
                };
                await ExecuteAsync($"ALTER TABLE \"{table}\" DROP CONSTRAINT \"{name}\"", ct);
                foreignKeys.Add($"ALTER TABLE \"{table}\" ADD CONSTRAINT \"{name}\" FOREIGN KEY ({columns}) REFERENCES \"{principal.Name}\" ({principalColumns}) ON DELETE {onDelete}");
            }
        }
        return new IndexRebuild(this, table, indexes, foreignKeys);
    }

    /// <summary>
    /// Refreshes the planner's statistics after a bulk load, outside any transaction. Without them SQLite walks the
    /// scope index in order and filters, instead of seeking the selective blind-index or phone-tail index.
    /// </summary>
    public static async Task AnalyzeAsync(FangkongDb db, CancellationToken ct = default, params string[] vacuumTables)
    {
        if (!db.Database.IsNpgsql())
        {
            await db.Database.ExecuteSqlRawAsync("ANALYZE;", ct);
            return;
        }
        await db.Database.ExecuteSqlRawAsync("ANALYZE \"People\"; ANALYZE \"JurisdictionNodes\"; ANALYZE \"PersonCategories\";", ct);
        // VACUUM also marks the new pages all-visible, so aggregates can answer from an index alone. It refuses to run
        // inside a multi-statement command, so one command per table.
        foreach (var table in vacuumTables)
        {
            // Table names come from the EF model, never from input.
            var sql = "VACUUM (ANALYZE) \"" + table.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
            await db.Database.ExecuteSqlRawAsync(sql, ct);
        }
    }

    private async Task ExecuteAsync(string sql, CancellationToken ct)
    {
        await using var command = Connection.CreateCommand();
        command.Transaction = Transaction;
        command.CommandText = sql;
        command.CommandTimeout = 0;
        await command.ExecuteNonQueryAsync(ct);
    }

    private sealed class IndexRebuild(BulkWriter writer, string table, List<(string Name, bool IsUnique, List<string> Columns, List<string> Include, string? Filter)> indexes, List<string> foreignKeys) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            // Rebuilt exactly as the model declares them: unique, INCLUDE columns (PostgreSQL), partial filter.
            foreach (var (name, unique, columns, include, filter) in indexes)
                await writer.ExecuteAsync($"CREATE {(unique ? "UNIQUE " : "")}INDEX \"{name}\" ON \"{table}\" ({string.Join(", ", columns.Select(c => $"\"{c}\""))})"
                    + (include.Count > 0 ? $" INCLUDE ({string.Join(", ", include.Select(c => $"\"{c}\""))})" : "")
                    + (filter is null ? "" : $" WHERE {filter}"), CancellationToken.None);
            foreach (var sql in foreignKeys) await writer.ExecuteAsync(sql, CancellationToken.None);
        }
    }

    private sealed record Column(string Name, Func<object, object?> Read, NpgsqlDbType PostgresType);

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<(Type, string), IReadOnlyList<Column>> ColumnCache = new();

    private IReadOnlyList<Column> Columns(Type type) => ColumnCache.GetOrAdd((type, _db.Protector.KeyId + _postgres), _ =>
    {
        var entity = _db.Model.FindEntityType(type)!;
        var table = StoreObjectIdentifier.Table(entity.GetTableName()!, entity.GetSchema());
        return entity.GetProperties().Select(p =>
        {
            var mapping = p.GetRelationalTypeMapping();
            var converter = p.GetValueConverter() ?? mapping.Converter;
            var getter = p.GetGetter();
            Func<object, object?> read = converter is null
                ? e => getter.GetClrValue(e)
                : e => getter.GetClrValue(e) is { } v ? converter.ConvertToProvider(v) : null;
            var providerType = converter?.ProviderClrType ?? p.ClrType;
            return new Column(p.GetColumnName(table)!, read, PostgresTypeOf(Nullable.GetUnderlyingType(providerType) ?? providerType));
        }).ToList();
    });

    private static NpgsqlDbType PostgresTypeOf(Type t) => t switch
    {
        _ when t == typeof(long) => NpgsqlDbType.Bigint,
        _ when t == typeof(int) => NpgsqlDbType.Integer,
        _ when t == typeof(short) => NpgsqlDbType.Smallint,
        _ when t == typeof(bool) => NpgsqlDbType.Boolean,
        _ when t == typeof(string) => NpgsqlDbType.Text,
        _ when t == typeof(byte[]) => NpgsqlDbType.Bytea,
        _ when t == typeof(DateTime) => NpgsqlDbType.TimestampTz,
        _ when t == typeof(DateOnly) => NpgsqlDbType.Date,
        _ when t == typeof(DateTimeOffset) => NpgsqlDbType.TimestampTz,
        _ when t == typeof(double) => NpgsqlDbType.Double,
        _ when t == typeof(decimal) => NpgsqlDbType.Numeric,
        _ => throw new NotSupportedException($"bulk column type {t}"),
    };
}
