using Fangkong.Core.Tasks;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;

namespace Fangkong.Data.Tasks;

/// <summary>One change to a board count: this many more (or fewer) tasks of a batch in a state under a unit.</summary>
public readonly record struct CountDelta(string CountyCode, long BatchId, string ScopeKey, VerificationStatus Status, bool Overdue, int Delta);

/// <summary>
/// Keeps <see cref="VerificationCount"/> in step with the tasks. One mechanism for every path: the context collects
/// the deltas of the tasks it saves (added, removed, or moved between batch, unit and state) and applies them in the
/// same transaction; the importer, which writes tasks in bulk, hands over the deltas it counted. Applied as atomic
/// upserts (count = count + delta), so two nodes changing tasks of one township at once never lose a change.
/// </summary>
public static class VerificationCounters
{
    public static IReadOnlyList<CountDelta> Collect(ChangeTracker tracker)
    {
        List<CountDelta>? deltas = null;
        foreach (var entry in tracker.Entries<VerificationTask>())
        {
            if (entry.State is EntityState.Unchanged or EntityState.Detached) continue;
            var now = entry.Entity;
            if (entry.State == EntityState.Added)
            {
                (deltas ??= []).Add(new(now.CountyCode, now.BatchId, VerificationTask.CountScope(now.Township, now.ScopeKey), now.Status,
                    VerificationTask.MarkedOverdue(now.MissedStage, now.NextStage), 1));
                continue;
            }
            var o = entry.OriginalValues;
            var before = new CountDelta(o.GetValue<string>(nameof(VerificationTask.CountyCode)), o.GetValue<long>(nameof(VerificationTask.BatchId)),
                VerificationTask.CountScope(o.GetValue<string>(nameof(VerificationTask.Township)), o.GetValue<string>(nameof(VerificationTask.ScopeKey))),
                o.GetValue<VerificationStatus>(nameof(VerificationTask.Status)),
                VerificationTask.MarkedOverdue(o.GetValue<VerificationStage?>(nameof(VerificationTask.MissedStage)), o.GetValue<VerificationStage?>(nameof(VerificationTask.NextStage))), -1);
            if (entry.State == EntityState.Deleted) { (deltas ??= []).Add(before); continue; }
            var after = new CountDelta(now.CountyCode, now.BatchId, VerificationTask.CountScope(now.Township, now.ScopeKey), now.Status,
                VerificationTask.MarkedOverdue(now.MissedStage, now.NextStage), 1);
            if (before with { Delta = 1 } == after) continue;
            (deltas ??= []).Add(before);
            deltas.Add(after);
        }
        return deltas is null ? [] : Merge(deltas);
    }

    /// <summary>Sums deltas per key and drops those that cancel out.</summary>
    public static IReadOnlyList<CountDelta> Merge(IEnumerable<CountDelta> deltas) =>
        deltas.GroupBy(d => (d.CountyCode, d.BatchId, d.ScopeKey, d.Status, d.Overdue))
            .Select(g => new CountDelta(g.Key.CountyCode, g.Key.BatchId, g.Key.ScopeKey, g.Key.Status, g.Key.Overdue, g.Sum(d => d.Delta)))
            .Where(d => d.Delta != 0)
            .OrderBy(d => d.CountyCode, StringComparer.Ordinal).ThenBy(d => d.BatchId).ThenBy(d => d.ScopeKey, StringComparer.Ordinal).ThenBy(d => d.Status).ThenBy(d => d.Overdue)
            .ToList();

    /// <summary>The key of a task's count in SQL (the township, else the task's own scope: the county), for set-based statements.</summary>
    public const string ScopeSql = "CASE WHEN \"Township\" <> '' THEN \"Township\" ELSE \"ScopeKey\" END";

    /// <summary>
    /// Moves the tasks matching <paramref name="where"/> (a condition on "VerificationTasks" with @county and @now) from
    /// their counts as not overdue to their counts as overdue: run by the sweep, before it marks the same tasks.
    /// </summary>
    public static string MarkOverdueSql(string where) => $"""
        INSERT INTO "VerificationCounts" ("CountyCode", "BatchId", "ScopeKey", "Status", "Overdue", "Count")
        SELECT "CountyCode", "BatchId", {ScopeSql}, "Status", o.v, CASE WHEN o.v THEN COUNT(*) ELSE -COUNT(*) END
        FROM "VerificationTasks" CROSS JOIN (SELECT FALSE AS v UNION ALL SELECT TRUE) AS o
        WHERE {where}
        GROUP BY "CountyCode", "BatchId", {ScopeSql}, "Status", o.v
        ON CONFLICT ("CountyCode", "BatchId", "ScopeKey", "Status", "Overdue") DO UPDATE SET "Count" = "VerificationCounts"."Count" + excluded."Count"
        """;

    /// <summary>
    /// Applies the deltas inside the caller's transaction, in key order (two transactions touching the same counts
    /// lock them in the same order). The same upsert runs on PostgreSQL and SQLite.
    /// </summary>
    public static async Task ApplyAsync(FangkongDb db, IReadOnlyList<CountDelta> deltas, CancellationToken ct)
    {
        foreach (var d in deltas)
            await db.Database.ExecuteSqlAsync($"""
                INSERT INTO "VerificationCounts" ("CountyCode", "BatchId", "ScopeKey", "Status", "Overdue", "Count") VALUES ({d.CountyCode}, {d.BatchId}, {d.ScopeKey}, {(int)d.Status}, {d.Overdue}, {d.Delta})
                ON CONFLICT ("CountyCode", "BatchId", "ScopeKey", "Status", "Overdue") DO UPDATE SET "Count" = "VerificationCounts"."Count" + excluded."Count"
                """, ct);
    }
}
