using Fangkong.Core;
using Fangkong.Core.Accounts;
using Fangkong.Core.People;
using Fangkong.Core.Tasks;
using Fangkong.Data.Infrastructure;
using Fangkong.Data.Jurisdictions;
using Microsoft.EntityFrameworkCore;
using TaskStatus = Fangkong.Core.Tasks.TaskStatus;

namespace Fangkong.Data.Tasks;

public sealed record TaskQuery(TaskStatus? Status = null, bool OpenOnly = true, string? Kind = null, bool OverdueOnly = false, int Page = 1, int PageSize = 50);
public sealed record TaskItem(long Id, string Kind, string Title, string ScopeKey, string? Place, string OriginalScopeKey, long? PersonId, string? PersonName,
    long? OrderId, TaskStatus Status, DateTime DueAt, bool Overdue, int EscalationLevel, DateTime? EscalatedAt, DateTime CreatedAt,
    DateTime? ClosedAt, string? ClosedBy, string? Outcome, int Version)
{
    /// <summary>The title in the reader's language (the web layer fills it in; <see cref="Title"/> keeps the code).</summary>
    public string? TitleText { get; init; }
}

/// <summary>
/// The work the closed loop asks of people, with the node responsible and a deadline: fever transfers, missed
/// reports, positive results, spot-check findings. Lists show the overdue first; closing a task names the outcome.
/// </summary>
public sealed class TaskService(IDbContextFactory<FangkongDb> factory, IActorAccessor actor, JurisdictionDirectory directory, TimeProvider time)
{
    private Actor Actor => actor.Current;

    public async Task<Page<TaskItem>> SearchAsync(TaskQuery query, CancellationToken ct = default)
    {
        Actor.Require(Permissions.TasksRead);
        await using var db = await factory.CreateDbContextAsync(ct);
        var q = db.Tasks.AsNoTracking();
        if (query.Status is { } s) q = q.Where(t => t.Status == s);
        else if (query.OpenOnly) q = q.Where(t => t.Status == TaskStatus.Open || t.Status == TaskStatus.InProgress);
        if (Text.Tidy(query.Kind) is { } kind) q = q.Where(t => t.Kind == kind);
        var now = time.GetUtcNow().UtcDateTime;
        if (query.OverdueOnly) q = q.Where(t => t.DueAt < now);
        var size = Math.Clamp(query.PageSize, 1, 200);
        var page = Math.Max(1, query.Page);
        var total = await q.CountAsync(ct);
        var rows = await q.OrderBy(t => t.Status).ThenBy(t => t.DueAt).ThenBy(t => t.Id).Skip((page - 1) * size).Take(size).ToListAsync(ct);
        return new Page<TaskItem>(await ItemsAsync(db, rows, now, ct), total, page, size);
    }

    public async Task<TaskItem?> GetAsync(long id, CancellationToken ct = default)
    {
        Actor.Require(Permissions.TasksRead);
        await using var db = await factory.CreateDbContextAsync(ct);
        var row = await db.Tasks.AsNoTracking().FirstOrDefaultAsync(t => t.Id == id, ct);
        return row is null ? null : (await ItemsAsync(db, [row], time.GetUtcNow().UtcDateTime, ct))[0];
    }

    public async Task<int> CountOpenAsync(CancellationToken ct = default)
    {
        if (!Actor.Can(Permissions.TasksRead)) return 0;
        await using var db = await factory.CreateDbContextAsync(ct);
        return await db.Tasks.CountAsync(t => t.Status == TaskStatus.Open || t.Status == TaskStatus.InProgress, ct);
    }

    public Task<bool> StartAsync(long id, CancellationToken ct = default) =>
        ChangeAsync(id, t =>
        {
            if (t.Status != TaskStatus.Open) throw new ConflictException("task.not-open", "the task is not open");
            t.Status = TaskStatus.InProgress;
        }, "started", ct);

    /// <summary>Closes a task with what was done ("transferred to the county hospital at 14:20", "reached by phone").</summary>
    public Task<bool> CloseAsync(long id, string? outcome, bool cancelled = false, CancellationToken ct = default)
    {
        var text = Text.Tidy(outcome) ?? throw new ValidationFailedException([new FieldError("outcome", "required")]);
        if (text.Length > 500) throw new ValidationFailedException([new FieldError("outcome", "too-long")]);
        return ChangeAsync(id, t =>
        {
            if (!WorkTask.IsOpen(t.Status)) throw new ConflictException("task.closed", "the task is already closed");
            t.Status = cancelled ? TaskStatus.Cancelled : TaskStatus.Done;
            t.ClosedAt = time.GetUtcNow().UtcDateTime;
            t.ClosedBy = Actor.Name;
            t.Outcome = text;
        }, text, ct);
    }

    private async Task<bool> ChangeAsync(long id, Action<WorkTask> change, string reason, CancellationToken ct)
    {
        Actor.Require(Permissions.TasksWork);
        await using var db = await factory.CreateDbContextAsync(ct);
        var task = await db.Tasks.FirstOrDefaultAsync(t => t.Id == id, ct);
        if (task is null) return false;
        change(task);
        task.Version++;
        db.Audit.Reason = reason;
        db.Audit.Rule = $"task#{task.Kind}";
        try { await db.SaveChangesAsync(ct); }
        catch (DbUpdateConcurrencyException) { throw new ConflictException("task.version", "the task was changed by someone else; reload"); }
        return true;
    }

    private async Task<List<TaskItem>> ItemsAsync(FangkongDb db, List<WorkTask> rows, DateTime now, CancellationToken ct)
    {
        var ids = rows.Where(t => t.PersonId != null).Select(t => t.PersonId!.Value).Distinct().ToList();
        // Escalation only moves a task up the tree, so whoever sees a task also sees its person.
        var names = await db.People.AsNoTracking().Where(p => ids.Contains(p.Id))
            .Select(p => new { p.Id, p.Name }).ToDictionaryAsync(p => p.Id, p => p.Name, ct);
        return rows.Select(t => new TaskItem(t.Id, t.Kind, t.Title, t.ScopeKey, directory.PlaceLabel(t.OriginalScopeKey), t.OriginalScopeKey, t.PersonId,
            t.PersonId is { } p && names.TryGetValue(p, out var n) ? n : null, t.OrderId, t.Status, t.DueAt, WorkTask.IsOpen(t.Status) && t.DueAt < now,
            t.EscalationLevel, t.EscalatedAt, t.CreatedAt, t.ClosedAt, t.ClosedBy, t.Outcome, t.Version)).ToList();
    }
}
