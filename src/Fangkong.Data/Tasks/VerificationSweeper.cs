using System.Globalization;
using Fangkong.Core.Audit;
using Fangkong.Core.Tasks;
using Fangkong.Data.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Options;

namespace Fangkong.Data.Tasks;

public sealed record VerificationSweepResult(bool Ran, int Missed, int Escalated);

/// <summary>
/// The clocks of pushed verification tasks, run by whichever web node holds the county's lease: a task whose next
/// deadline has passed records a miss against the unit responsible (the owner is told: the miss shows in its
/// queue); still not done after the escalation interval, it goes to the township lead (level 1), then the county
/// (level 2), each recorded as well — and each step is notified to the unit concerned, one notice per unit. Set-based: a million tasks missing the 20-minute deadline at once is two
/// statements, not a million saves. Each statement only touches rows not yet moved, and a miss is unique per task,
/// stage and level, so two nodes sweeping at once (or a sweep after a restart) record each step exactly once.
/// </summary>
public sealed class VerificationSweeper(IDbContextFactory<FangkongDb> factory, IOptions<FangkongOptions> options)
{
    /// <summary>Tasks changed by one sweep beyond which the table is vacuumed afterwards.</summary>
    public const int LargeSweep = 10_000;

    public async Task<VerificationSweepResult> SweepAsync(string county, DateTime nowUtc, string holder, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var lease = $"verification:{county}";
        if (!await JobLeases.TryAcquireAsync(db, lease, holder, nowUtc, TimeSpan.FromMinutes(5), ct)) return new VerificationSweepResult(false, 0, 0);
        try
        {
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            var missed = await MissesAsync(db, county, nowUtc, ct);
            var escalated = 0;
            for (var level = 1; level <= 2; level++) escalated += await EscalateAsync(db, county, nowUtc, level, ct);
            if (missed + escalated > 0)
            {
                db.Audit.Record(AuditKind.System, "verification.deadlines", county, county, "VerificationTask", null,
                    new AuditChanges().Set("Missed", null, missed.ToString(CultureInfo.InvariantCulture)).Set("Escalated", null, escalated.ToString(CultureInfo.InvariantCulture)),
                    reason: $"{missed} deadlines missed, {escalated} escalations at {nowUtc:yyyy-MM-dd HH:mm} UTC", rule: "deadline#escalation");
                await db.SaveChangesAsync(ct);
            }
            await transaction.CommitAsync(ct);
            // A mass miss (a million-row list 20 minutes after dispatch) rewrites most of the table: clean the dead row
            // versions now rather than at autovacuum's leisure, so the board's partial index of unswept tasks is small
            // again at once (PostgreSQL; SQLite updates its indexes in place).
            if (missed + escalated >= LargeSweep && db.Database.IsNpgsql())
                await BulkWriter.AnalyzeAsync(db, ct, T(db));
            return new VerificationSweepResult(true, missed, escalated);
        }
        finally
        {
            await JobLeases.ReleaseAsync(db, lease, holder, nowUtc, CancellationToken.None);
        }
    }

    private static string T(FangkongDb db) => Table<VerificationTask>(db);

    private static string Table<TEntity>(FangkongDb db) => db.Model.FindEntityType(typeof(TEntity))!.GetTableName()!;

    /// <summary>Level 0: every open task past its next deadline whose miss of that stage is not yet recorded.</summary>
    private static async Task<int> MissesAsync(FangkongDb db, string county, DateTime now, CancellationToken ct)
    {
        var due = $"""
            "CountyCode" = @county AND "Status" BETWEEN {(int)VerificationStatus.Dispatched} AND {(int)VerificationStatus.Resulted}
            AND "NextDueAt" < @now AND "NextStage" IS NOT NULL AND ("MissedStage" IS NULL OR "MissedStage" <> "NextStage")
            """;
        await ExecuteAsync(db, $"""
            INSERT INTO "{Table<VerificationMiss>(db)}" ("CountyCode", "ScopeKey", "TaskId", "Stage", "DueAt", "RecordedAt", "Level")
            SELECT "CountyCode", "ScopeKey", "Id", "NextStage", "NextDueAt", @now, 0 FROM "{T(db)}" WHERE {due}
            ON CONFLICT DO NOTHING
            """, county, now, ct);
        // The owners are told (one notice per unit and stage), and the board's kept counts move these tasks to
        // "overdue", in the same transaction, before they are marked.
        await ExecuteAsync(db, Notifications.Notifier.FromVerificationTasksSql(db, due, 0, now), county, now, ct);
        await ExecuteAsync(db, VerificationCounters.MarkOverdueSql(due), county, now, ct);
        return await ExecuteAsync(db, $"""
            UPDATE "{T(db)}" SET "MissedStage" = "NextStage", "EscalationLevel" = 0, "EscalatedAt" = @now, "Version" = "Version" + 1 WHERE {due}
            """, county, now, ct);
    }

    /// <summary>Level 1 (township lead) and 2 (county): the missed stage still not done after the interval.</summary>
    private async Task<int> EscalateAsync(FangkongDb db, string county, DateTime now, int level, CancellationToken ct)
    {
        var before = now.AddMinutes(-options.Value.Verification.EscalationMinutes);
        var due = $"""
            "CountyCode" = @county AND "Status" BETWEEN {(int)VerificationStatus.Dispatched} AND {(int)VerificationStatus.Resulted}
            AND "MissedStage" IS NOT NULL AND "MissedStage" = "NextStage" AND "EscalationLevel" = {level - 1} AND "EscalatedAt" <= @before
            """;
        await ExecuteAsync(db, $"""
            INSERT INTO "{Table<VerificationMiss>(db)}" ("CountyCode", "ScopeKey", "TaskId", "Stage", "DueAt", "RecordedAt", "Level")
            SELECT "CountyCode", "ScopeKey", "Id", "NextStage", "NextDueAt", @now, {level} FROM "{T(db)}" WHERE {due}
            ON CONFLICT DO NOTHING
            """, county, now, ct, before);
        // The township lead (level 1) or the county (level 2) is told, one notice per unit and stage.
        await ExecuteAsync(db, Notifications.Notifier.FromVerificationTasksSql(db, due, level, now), county, now, ct, before);
        return await ExecuteAsync(db, $"""
            UPDATE "{T(db)}" SET "EscalationLevel" = {level}, "EscalatedAt" = @now, "Version" = "Version" + 1 WHERE {due}
            """, county, now, ct, before);
    }

    private static async Task<int> ExecuteAsync(FangkongDb db, string sql, string county, DateTime now, CancellationToken ct, DateTime? before = null)
    {
        var connection = db.Database.GetDbConnection();
        await using var command = connection.CreateCommand();
        command.Transaction = db.Database.CurrentTransaction!.GetDbTransaction();
        command.CommandText = sql;
        command.CommandTimeout = 600;
        Add(command, "county", county);
        Add(command, "now", now);
        if (before is { } b) Add(command, "before", b);
        return await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Parameters bound the way EF writes the columns (SQLite keeps DateTime as ISO text, PostgreSQL as timestamptz).</summary>
    private static void Add(System.Data.Common.DbCommand command, string name, object value)
    {
        var p = command.CreateParameter();
        p.ParameterName = "@" + name;
        p.Value = value is DateTime d && command is Microsoft.Data.Sqlite.SqliteCommand
            ? d.ToString("yyyy-MM-dd HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture)
            : value is DateTime u ? DateTime.SpecifyKind(u, DateTimeKind.Utc) : value;
        command.Parameters.Add(p);
    }
}
