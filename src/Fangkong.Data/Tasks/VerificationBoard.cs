using System.Globalization;
using Fangkong.Core;
using Fangkong.Core.Accounts;
using Fangkong.Core.Audit;
using Fangkong.Core.People;
using Fangkong.Core.Tabular;
using Fangkong.Core.Tasks;
using Fangkong.Core.Jurisdictions;
using Fangkong.Data.Infrastructure;
using Fangkong.Data.Jurisdictions;
using Microsoft.EntityFrameworkCore;

namespace Fangkong.Data.Tasks;

public sealed record BoardBatch(long Id, string Name, DateTime CreatedAt, DateTime? PushedAt, int Total, int Open, int Overdue,
    IReadOnlyDictionary<VerificationStatus, int> ByStatus);
public sealed record BoardTownship(string Township, string? Name, int Open, int Overdue, int Closed);
/// <summary>Missed deadlines recorded against one unit (accountability): per stage, and how many went up a level.</summary>
public sealed record MissesOfUnit(string Unit, string? Name, IReadOnlyDictionary<VerificationStage, int> ByStage, int Escalated, int Total);
public sealed record Board(DateTime At, int Total, int Open, int Overdue, int Routing, int Upstream, IReadOnlyList<BoardBatch> Batches,
    IReadOnlyList<BoardTownship> Townships, long ElapsedMs);

/// <summary>
/// The command centre's board of pushed lists: counts by batch and state, open and overdue by township — one
/// aggregate over the board index (batch, township, state, deadline), so it answers fast over a million tasks. The
/// jurisdiction filter applies as everywhere: a township's board is its own tasks. Also the feedback file per batch.
/// </summary>
public sealed class VerificationBoard(IDbContextFactory<FangkongDb> factory, IActorAccessor actor, JurisdictionDirectory directory, TimeProvider time)
{
    /// <summary>A task with a deadline the sweep has not recorded as missed: the filter of the partial index and of the live query.</summary>
    public const string UnsweptIndex = "IX_VerificationTasks_Unswept";
    public const string UnsweptSql = "\"NextDueAt\" IS NOT NULL AND (\"MissedStage\" IS NULL OR \"MissedStage\" <> \"NextStage\")";
    private const string UnsweptSelect = "SELECT * FROM \"VerificationTasks\" WHERE \"CountyCode\" = {0} AND \"NextDueAt\" < {1} AND " + UnsweptSql;
    private const string UnsweptSelectSqlite = "SELECT * FROM \"VerificationTasks\" INDEXED BY \"" + UnsweptIndex + "\" WHERE \"CountyCode\" = {0} AND \"NextDueAt\" < {1} AND " + UnsweptSql;

    private Actor Actor => actor.Current;

    /// <summary>
    /// The open tasks past due that no sweep has marked, from the partial index (named for SQLite, whose planner may
    /// otherwise prefer the scope index and read every task of the county).
    /// </summary>
    public static IQueryable<VerificationTask> UnsweptQuery(FangkongDb db, string county, DateTime now)
    {
        // Constant SQL (the hint and the filter are constants of this class); the county and the time are parameters.
        var sql = db.Database.IsNpgsql() ? UnsweptSelect : UnsweptSelectSqlite;
        return db.VerificationTasks.FromSqlRaw(sql, county, now).AsNoTracking();
    }

    public async Task<Board> GetAsync(CancellationToken ct = default)
    {
        Actor.Require(Permissions.VerificationRead);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var now = time.GetUtcNow().UtcDateTime;
        await using var db = await factory.CreateDbContextAsync(ct);
        // Counts by state and overdue as the sweep recorded it: from the kept counts for the county and a township (a
        // few hundred rows, whatever the number of tasks); a village or grid sees few tasks and counts them directly.
        List<(long BatchId, string Township, VerificationStatus Status, int Count, int Overdue)> groups;
        if (Actor.Scope.Prefix.Length <= ScopeKey.TownshipLength)
            groups = (await db.VerificationCounts.AsNoTracking().Where(c => c.Count != 0)
                    .Select(c => new { c.BatchId, c.ScopeKey, c.Status, c.Overdue, c.Count }).ToListAsync(ct))
                .Select(c => (c.BatchId, c.ScopeKey.Length >= ScopeKey.TownshipLength ? c.ScopeKey : "", c.Status, c.Count, c.Overdue ? c.Count : 0)).ToList();
        else
            groups = (await db.VerificationTasks.AsNoTracking().GroupBy(t => new { t.BatchId, t.Township, t.Status })
                    .Select(g => new { g.Key.BatchId, g.Key.Township, g.Key.Status, Count = g.Count(), Overdue = g.Sum(t => t.MissedStage != null && t.MissedStage == t.NextStage ? 1 : 0) })
                    .ToListAsync(ct))
                .Select(g => (g.BatchId, g.Township, g.Status, g.Count, g.Overdue)).ToList();
        // Past due but not reached by a sweep yet (the sweep runs every minute): counted live from the partial index,
        // so the board is exact between sweeps and reads only those few tasks.
        var unswept = (await UnsweptQuery(db, Actor.Scope.CountyCode, now).GroupBy(t => new { t.BatchId, t.Township }).Select(g => new { g.Key.BatchId, g.Key.Township, Count = g.Count() }).ToListAsync(ct))
            .Select(o => (o.BatchId, o.Township, o.Count)).ToList();
        var overdue = groups.Where(g => g.Overdue > 0).Select(g => (g.BatchId, g.Township, Count: g.Overdue)).Concat(unswept).ToList();
        var batchIds = groups.Select(g => g.BatchId).Distinct().ToList();
        var batches = await db.VerificationBatches.AsNoTracking().Where(b => batchIds.Contains(b.Id))
            .Select(b => new { b.Id, b.Name, b.CreatedAt, b.PushedAt }).ToListAsync(ct);
        static bool Open(VerificationStatus s) => VerificationTask.IsOpen(s);
        var byBatch = batches.OrderByDescending(b => b.CreatedAt).ThenByDescending(b => b.Id).Select(b =>
        {
            var mine = groups.Where(g => g.BatchId == b.Id).ToList();
            return new BoardBatch(b.Id, b.Name, b.CreatedAt, b.PushedAt, mine.Sum(g => g.Count), mine.Where(g => Open(g.Status)).Sum(g => g.Count),
                overdue.Where(o => o.BatchId == b.Id).Sum(o => o.Count),
                mine.GroupBy(g => g.Status).ToDictionary(x => x.Key, x => x.Sum(g => g.Count)));
        }).ToList();
        var townships = groups.Where(g => g.Township.Length > 0).GroupBy(g => g.Township).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new BoardTownship(g.Key, directory.PlaceLabel(g.Key), g.Where(x => Open(x.Status)).Sum(x => x.Count),
                overdue.Where(o => o.Township == g.Key).Sum(o => o.Count), g.Where(x => x.Status == VerificationStatus.Closed).Sum(x => x.Count)))
            .ToList();
        return new Board(now, groups.Sum(g => g.Count), groups.Where(g => Open(g.Status)).Sum(g => g.Count), overdue.Sum(o => o.Count),
            groups.Where(g => g.Status == VerificationStatus.Routing).Sum(g => g.Count), groups.Where(g => g.Status == VerificationStatus.Upstream).Sum(g => g.Count),
            byBatch, townships, clock.ElapsedMilliseconds);
    }

    /// <summary>
    /// Deadlines missed since a time, recorded against the unit responsible when they passed, one level below the
    /// actor (the county sees its townships, a township its villages): each miss counted once, and how many were
    /// escalated further. Read from the misses table under the actor's filter, grouped in the database.
    /// </summary>
    public async Task<IReadOnlyList<MissesOfUnit>> MissesByUnitAsync(DateTime? since = null, CancellationToken ct = default)
    {
        Actor.Require(Permissions.VerificationRead);
        await using var db = await factory.CreateDbContextAsync(ct);
        var unitLength = ScopeKey.UnitLengthBelow(Actor.Scope.Prefix);
        var from = since ?? DateTime.MinValue;
        var groups = await db.VerificationMisses.AsNoTracking().Where(m => m.RecordedAt >= from)
            .GroupBy(m => new { Unit = m.ScopeKey.Length > unitLength ? m.ScopeKey.Substring(0, unitLength) : m.ScopeKey, m.Stage, Escalated = m.Level > 0 })
            .Select(g => new { g.Key.Unit, g.Key.Stage, g.Key.Escalated, Count = g.Count() }).ToListAsync(ct);
        return groups.GroupBy(g => g.Unit).Select(u => new MissesOfUnit(u.Key, directory.PlaceLabel(u.Key),
                u.Where(x => !x.Escalated).GroupBy(x => x.Stage).ToDictionary(x => x.Key, x => x.Sum(y => y.Count)),
                u.Where(x => x.Escalated).Sum(x => x.Count), u.Where(x => !x.Escalated).Sum(x => x.Count)))
            .OrderByDescending(u => u.Total).ThenBy(u => u.Unit, StringComparer.Ordinal).ToList();
    }

    /// <summary>
    /// The feedback file for a batch, to send back upstream: one row per source row (refused rows included) with the
    /// task it became, where it went and what came of it. Identifiers masked unless the role may reveal them, with a
    /// reason (logged). Streams: a million rows are written as they are read.
    /// </summary>
    public async Task<bool> FeedbackAsync(long batchId, Stream output, bool reveal, string? reason, CancellationToken ct = default)
    {
        Actor.Require(Permissions.VerificationRead);
        if (reveal)
        {
            Actor.Require(Permissions.PeopleReveal);
            if (Text.Tidy(reason) is not { Length: >= 2 }) throw new ValidationFailedException([new FieldError("reason", "reason.required")]);
        }
        await using var db = await factory.CreateDbContextAsync(ct);
        var batch = await db.VerificationBatches.AsNoTracking().FirstOrDefaultAsync(b => b.Id == batchId, ct);
        if (batch is null) return false;
        var zone = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");
        string Local(DateTime? utc) => utc is { } u ? VerificationClock.Local(u, zone).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) : "";
        using var xlsx = new XlsxWriter(output);
        xlsx.AddSheet("协查反馈", ["行号", "姓名", "身份证号", "手机号", "处理", "任务编号", "状态", "属地", "核查结果", "说明/去向", "四清", "采样时间", "检测结果", "管控措施", "办结时间"],
            [8, 10, 22, 16, 10, 10, 10, 24, 12, 24, 10, 18, 10, 14, 18]);
        // A row follows its task (routed, transferred, returned); refused rows belong to the county. The scope test is
        // on the task (written out: ignoring the filters ignores them for the whole query), so a township's file holds
        // exactly the rows of the tasks it sees.
        var scope = Actor.Scope;
        var county = scope.Prefix == scope.CountyCode;
        var (lower, upper) = (scope.Lower, scope.Upper);
        var rows = from r in db.VerificationSourceRows.IgnoreQueryFilters().AsNoTracking().Where(r => r.BatchId == batchId && r.CountyCode == scope.CountyCode)
                   join t0 in db.VerificationTasks.IgnoreQueryFilters().AsNoTracking() on r.TaskId equals (long?)t0.Id into tj
                   from t in tj.DefaultIfEmpty()
                   where (t != null && t.CountyCode == scope.CountyCode && string.Compare(t.ScopeKey, lower) >= 0 && string.Compare(t.ScopeKey, upper) < 0)
                       || (county && r.TaskId == null)
                   orderby r.RowNumber
                   select new { r.RowNumber, r.Disposition, r.Cells, Task = t };
        await foreach (var row in rows.AsAsyncEnumerable().WithCancellation(ct))
        {
            var cells = Cells(row.Cells);
            var t = row.Task;
            var id = cells.GetValueOrDefault("idNumber");
            var phone = cells.GetValueOrDefault("phone");
            xlsx.WriteRow(row.RowNumber, cells.GetValueOrDefault("name"), reveal ? id : Core.Identifiers.Masking.IdNumber(id), reveal ? phone : Core.Identifiers.Masking.Phone(phone),
                Disposition(row.Disposition), t?.Id, t is null ? "" : Status(t.Status), t is null ? "" : directory.PlaceLabel(t.ScopeKey),
                t is null ? "" : Outcome(t.Outcome), t?.OutcomeNote ?? t?.ReturnReason,
                t is null ? "" : $"{(t.ClearCount ? 1 : 0) + (t.ClearIdentity ? 1 : 0) + (t.ClearLocation ? 1 : 0) + (t.ClearControl ? 1 : 0)}/4",
                Local(t?.SampledAt), t?.Result switch { "negative" => "阴性", "positive" => "阳性", _ => "" }, t?.Measure, Local(t?.ClosedAt));
        }
        db.Audit.Record(AuditKind.Access, reveal ? "verification.feedback-revealed" : "verification.feedback", Actor.Scope.CountyCode, Actor.Scope.Prefix,
            "VerificationBatch", batchId.ToString(CultureInfo.InvariantCulture), reason: Text.Tidy(reason) ?? "feedback file", rule: reveal ? "reveal" : "export");
        await db.SaveChangesAsync(ct);
        return true;
    }

    private static Dictionary<string, string> Cells(string? json)
    {
        if (json is null) return [];
        try { return System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, string>>(json) ?? []; }
        catch (System.Text.Json.JsonException) { return []; }
    }

    public static string Disposition(SourceRowDisposition d) => d switch
    {
        SourceRowDisposition.Created => "新建任务",
        SourceRowDisposition.DuplicateInFile => "文件内重复",
        SourceRowDisposition.AlreadyOpen => "已有在办任务",
        _ => "无法识别(缺姓名、身份证号、手机号)",
    };

    public static string Status(VerificationStatus s) => s switch
    {
        VerificationStatus.Routing => "待分派",
        VerificationStatus.Dispatched => "已下发",
        VerificationStatus.TeamNamed => "已组队",
        VerificationStatus.Verified => "已核实",
        VerificationStatus.Sampled => "已采样",
        VerificationStatus.Resulted => "已出结果",
        VerificationStatus.Closed => "已办结",
        _ => "非本县(退回)",
    };

    public static string Outcome(VerificationOutcome o) => o switch
    {
        VerificationOutcome.FoundInCounty => "在县内",
        VerificationOutcome.LeftCounty => "已离县",
        VerificationOutcome.NotFound => "查无此人",
        VerificationOutcome.Duplicate => "重复",
        VerificationOutcome.WrongData => "信息错误",
        _ => "",
    };
}
