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
            command.CommandText = $"SELECT nextval(pg_get_serial_sequence('\"{table}\"', 'Id')) FROM generate_series(1, {count})";
            await using var reader = await command.ExecuteReaderAsync(ct);
            var i = 0;
            while (await reader.ReadAsync(ct)) ids[i++] = reader.GetInt64(0);
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
        var columns = Columns(typeof(T));
        var table = _db.Model.FindEntityType(typeof(T))!.GetTableName()!;
        if (_postgres) await CopyAsync(table, columns, rows, ct);
        else await InsertSqliteAsync(table, columns, rows, ct);
    }

    private async Task CopyAsync<T>(string table, IReadOnlyList<Column> columns, IReadOnlyList<T> rows, CancellationToken ct) where T : class
    {
        var connection = (NpgsqlConnection)Connection;
        var sql = $"COPY \"{table}\" ({string.Join(", ", columns.Select(c => $"\"{c.Name}\""))}) FROM STDIN (FORMAT BINARY)";
        await using var importer = await connection.BeginBinaryImportAsync(sql, ct);
        foreach (var row in rows)
        {
            await importer.StartRowAsync(ct);
            foreach (var column in columns)
            {
                var value = column.Read(row);
                if (value is null) await importer.WriteNullAsync(ct);
                else await importer.WriteAsync(value, column.PostgresType, ct);
            }
        }
        await importer.CompleteAsync(ct);
    }

    private async Task InsertSqliteAsync<T>(string table, IReadOnlyList<Column> columns, IReadOnlyList<T> rows, CancellationToken ct) where T : class
    {
        await using var command = Connection.CreateCommand();
        command.Transaction = Transaction;
        command.CommandText = $"INSERT INTO \"{table}\" ({string.Join(", ", columns.Select(c => $"\"{c.Name}\""))}) VALUES ({string.Join(", ", columns.Select((_, i) => "@p" + i))})";
        var parameters = new DbParameter[columns.Count];
        for (var i = 0; i < columns.Count; i++)
        {
            parameters[i] = command.CreateParameter();
            parameters[i].ParameterName = "@p" + i;
            command.Parameters.Add(parameters[i]);
        }
        command.Prepare();
        foreach (var row in rows)
        {
            for (var i = 0; i < columns.Count; i++) parameters[i].Value = columns[i].Read(row) ?? DBNull.Value;
            await command.ExecuteNonQueryAsync(ct);
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
