using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace Fangkong.Data.Infrastructure;

/// <summary>
/// Reads the rows of a county whose key column holds one of many values — the registry people a short import names
/// by their blind indexes, their open tasks — in statements of at most <see cref="Chunk"/> keys, inside the context's
/// transaction, ordered by id (so "the first one found" is the lowest id on both engines). Plain ADO with positional
/// parameters: a list of byte arrays is not a collection EF translates the same way on SQLite and PostgreSQL.
/// </summary>
internal static class KeyLookUp
{
    /// <summary>Keys per statement (SQLite allows 32,766 parameters; short statements plan and run faster).</summary>
    public const int Chunk = 500;

    /// <param name="columns">The select list, quoted as the table's columns are.</param>
    /// <param name="condition">More conditions on the row, as constant SQL (never user input), or null.</param>
    public static async Task ReadAsync<TKey>(FangkongDb db, string columns, string table, string county, string keyColumn, IReadOnlyList<TKey> keys,
        string? condition, Action<DbDataReader> row, CancellationToken ct) where TKey : notnull
    {
        for (var start = 0; start < keys.Count; start += Chunk)
        {
            var count = Math.Min(Chunk, keys.Count - start);
            await using var command = db.Database.GetDbConnection().CreateCommand();
            command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
            var list = string.Join(", ", Enumerable.Range(0, count).Select(k => "@k" + k));
            command.CommandText = $"SELECT {columns} FROM \"{table}\" WHERE \"CountyCode\" = @county AND \"{keyColumn}\" IN ({list})"
                + (condition is null ? "" : $" AND {condition}") + " ORDER BY \"Id\"";
            Add(command, "@county", county);
            for (var k = 0; k < count; k++) Add(command, "@k" + k, keys[start + k]);
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct)) row(reader);
        }
    }

    private static void Add(DbCommand command, string name, object value)
    {
        var p = command.CreateParameter();
        p.ParameterName = name;
        p.Value = value;
        command.Parameters.Add(p);
    }
}
