using System.Data.Common;
using Fangkong.Core.Audit;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace Fangkong.Data.Audit;

/// <summary>
/// Appends to and verifies each county's hash chain. Appending takes the county's chain head with an UPDATE first,
/// which is a row lock on PostgreSQL and the write lock on SQLite, so concurrent writers on several web nodes
/// link their entries one after another without gaps or forks.
/// </summary>
public static class AuditChain
{
    private const int InsertBatch = 200;

    /// <summary>Links and inserts entries inside the context's current transaction (one must be open).</summary>
    public static async Task AppendAsync(FangkongDb db, IReadOnlyList<AuditEntry> entries, CancellationToken ct = default)
    {
        if (entries.Count == 0) return;
        var transaction = db.Database.CurrentTransaction?.GetDbTransaction()
            ?? throw new InvalidOperationException("Audit entries are appended inside the transaction of the change they record.");
        var connection = transaction.Connection!;
        var postgres = db.Database.IsNpgsql();

        foreach (var group in entries.GroupBy(e => e.CountyCode))
        {
            var list = group.ToList();
            var (lastSequence, previousHash) = await ReserveAsync(connection, transaction, group.Key, list.Count, postgres, ct);
            var sequence = lastSequence - list.Count;
            foreach (var e in list) e.Sequence = ++sequence;
            var head = AuditHasher.Link(list, previousHash);
            // The head moves with the last batch of entries: one round trip less while the county's chain is held.
            for (var i = 0; i < list.Count; i += InsertBatch)
                await InsertAsync(connection, transaction, list.Skip(i).Take(InsertBatch).ToList(), i + InsertBatch >= list.Count ? (group.Key, head) : null, ct);
        }
    }

    /// <summary>
    /// Moves the head forward by <paramref name="count"/> and returns (new last sequence, hash before the new entries).
    /// On PostgreSQL the county's chain is first taken with a transaction-scoped advisory lock, in the same round trip:
    /// writers then queue in the lock manager one behind the other and are woken one at a time, instead of all waiting
    /// on the head row and all waking each time it changes hands (fifty writers at once spent the two cores on that).
    /// </summary>
    private static async Task<(long LastSequence, byte[] PreviousHash)> ReserveAsync(
        DbConnection connection, DbTransaction transaction, string county, int count, bool postgres, CancellationToken ct)
    {
        const string reserveSql = "UPDATE \"AuditChainHeads\" SET \"LastSequence\" = \"LastSequence\" + @n WHERE \"CountyCode\" = @c RETURNING \"LastSequence\", \"LastHash\"";
        for (var attempt = 0; attempt < 2; attempt++)
        {
            await using (var reserve = postgres
                ? Command(connection, transaction, "SELECT pg_advisory_xact_lock(@k, @o);" + reserveSql, ("k", LockClass), ("o", LockObject(county)), ("n", (long)count), ("c", county))
                : Command(connection, transaction, reserveSql, ("n", (long)count), ("c", county)))
            await using (var reader = await reserve.ExecuteReaderAsync(ct))
            {
                if (postgres) await reader.NextResultAsync(ct);
                if (await reader.ReadAsync(ct)) return (reader.GetInt64(0), (byte[])reader.GetValue(1));
            }
            await using var create = Command(connection, transaction,
                "INSERT INTO \"AuditChainHeads\" (\"CountyCode\", \"LastSequence\", \"LastHash\") VALUES (@c, 0, @h) ON CONFLICT DO NOTHING",
                ("c", county), ("h", AuditHasher.Genesis(county)));
            await create.ExecuteNonQueryAsync(ct);
        }
        throw new InvalidOperationException($"The audit chain head of county {county} could not be created.");
    }

    /// <summary>The advisory lock's class ("AUDT") and object (the county code as a number, else a stable hash of it).</summary>
    private const int LockClass = 0x41554454;

    private static int LockObject(string county) =>
        int.TryParse(county, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n)
            ? n
            : BitConverter.ToInt32(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(county)));

    private static async Task InsertAsync(DbConnection connection, DbTransaction transaction, List<AuditEntry> rows, (string County, byte[] Hash)? head, CancellationToken ct)
    {
        var sql = new System.Text.StringBuilder(
            "INSERT INTO \"AuditEntries\" (\"CountyCode\", \"Sequence\", \"At\", \"Kind\", \"Action\", \"EntityType\", \"EntityId\", \"ScopeKey\", " +
            "\"ActorId\", \"ActorName\", \"Changes\", \"Reason\", \"Rule\", \"ClientAddress\", \"PreviousHash\", \"Hash\") VALUES ");
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        for (var i = 0; i < rows.Count; i++)
        {
            var e = rows[i];
            if (i > 0) sql.Append(',');
            sql.Append('(');
            object?[] values = [e.CountyCode, e.Sequence, e.At, (int)e.Kind, e.Action, e.EntityType, e.EntityId, e.ScopeKey,
                e.ActorId, e.ActorName, e.Changes, e.Reason, e.Rule, e.ClientAddress, e.PreviousHash, e.Hash];
            for (var j = 0; j < values.Length; j++)
            {
                var name = $"p{i}_{j}";
                if (j > 0) sql.Append(',');
                sql.Append('@').Append(name);
                var parameter = command.CreateParameter();
                parameter.ParameterName = name;
                parameter.Value = values[j] ?? DBNull.Value;
                command.Parameters.Add(parameter);
            }
            sql.Append(')');
        }
        if (head is { } h)
        {
            sql.Append(";UPDATE \"AuditChainHeads\" SET \"LastHash\" = @head_h WHERE \"CountyCode\" = @head_c");
            foreach (var (name, value) in new (string, object)[] { ("head_h", h.Hash), ("head_c", h.County) })
            {
                var parameter = command.CreateParameter();
                parameter.ParameterName = name;
                parameter.Value = value;
                command.Parameters.Add(parameter);
            }
        }
        command.CommandText = sql.ToString();
        await command.ExecuteNonQueryAsync(ct);
    }

    private static DbCommand Command(DbConnection connection, DbTransaction transaction, string sql, params (string Name, object Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            var p = command.CreateParameter();
            p.ParameterName = name;
            p.Value = value;
            command.Parameters.Add(p);
        }
        return command;
    }

    /// <summary>
    /// Recomputes every county chain from its genesis and compares it with the stored hashes and the chain head.
    /// Needs a system-scope context (it reads every county). Streams; memory does not grow with the chain.
    /// </summary>
    public static async Task<IReadOnlyList<AuditVerification>> VerifyAsync(FangkongDb db, string? onlyCounty = null, CancellationToken ct = default)
    {
        if (!db.Actor.Scope.All) throw new InvalidOperationException("Audit verification reads every county: run it with the system scope.");
        var heads = await db.AuditChainHeads.AsNoTracking().ToDictionaryAsync(h => h.CountyCode, ct);
        var counties = await db.AuditEntries.AsNoTracking().Select(e => e.CountyCode).Distinct().ToListAsync(ct);
        var results = new List<AuditVerification>();
        foreach (var county in counties.Union(heads.Keys).Where(c => onlyCounty is null || c == onlyCounty).Order(StringComparer.Ordinal))
        {
            var previous = AuditHasher.Genesis(county);
            long expected = 0;
            string? problem = null;
            long? brokenAt = null;
            await foreach (var e in db.AuditEntries.AsNoTracking().Where(e => e.CountyCode == county).OrderBy(e => e.Sequence).AsAsyncEnumerable().WithCancellation(ct))
            {
                expected++;
                if (e.Sequence != expected) { problem = $"entry {expected} is missing (found {e.Sequence})"; brokenAt = expected; break; }
                if (!e.PreviousHash.AsSpan().SequenceEqual(previous)) { problem = $"entry {e.Sequence} does not link to entry {e.Sequence - 1}"; brokenAt = e.Sequence; break; }
                if (!AuditHasher.Compute(e, previous).AsSpan().SequenceEqual(e.Hash)) { problem = $"entry {e.Sequence} was altered after it was written"; brokenAt = e.Sequence; break; }
                previous = e.Hash;
            }
            if (problem is null)
            {
                if (!heads.TryGetValue(county, out var head)) { problem = "the chain head is missing"; }
                else if (head.LastSequence != expected) { problem = $"the chain head says {head.LastSequence} entries but {expected} were found (entries removed from the end?)"; brokenAt = expected + 1; }
                else if (!head.LastHash.AsSpan().SequenceEqual(previous)) { problem = "the chain head does not match the last entry"; brokenAt = expected; }
            }
            results.Add(new AuditVerification(county, expected, problem is null, brokenAt, problem));
        }
        return results;
    }
}

public sealed record AuditVerification(string CountyCode, long Entries, bool Intact, long? BrokenAtSequence, string? Problem);
