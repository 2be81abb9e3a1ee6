namespace Fangkong.Core.Tasks;

/// <summary>One change to a task as the audit trail keeps it: who made it, when, and the fields it changed (old → new).</summary>
public sealed record TaskChange(string Actor, DateTime At, IReadOnlyList<(string Field, string? Old, string? New)> Fields);

/// <summary>
/// Who is accountable for one stage of a task: the account that recorded it (set the stage's time), and the last one
/// that changed what it recorded afterwards (a corrected team, a result recorded again), if any.
/// </summary>
public sealed record StepAuthor(VerificationStage Stage, string RecordedBy, string? ChangedBy = null, DateTime? ChangedAt = null);

/// <summary>
/// Reads who did each stage of a task from the task's own changes, in the order they were written. A stage is recorded
/// by the change that sets its time (<see cref="VerificationTask.TeamNamedAt"/>…); a later change to the facts of that
/// stage is a correction; a change that clears its time (a new dispatch to another township) starts it afresh, so the
/// record names only those who did the stage as it stands now.
/// </summary>
public static class VerificationSteps
{
    /// <summary>Each stage's time and the facts it records, by the task's property names (as the trail names them).</summary>
    private static readonly (VerificationStage Stage, string Time, string[] Facts)[] Stages =
    [
        (VerificationStage.Team, nameof(VerificationTask.TeamNamedAt), [nameof(VerificationTask.Team)]),
        (VerificationStage.Verify, nameof(VerificationTask.VerifiedAt),
            [nameof(VerificationTask.ClearCount), nameof(VerificationTask.ClearIdentity), nameof(VerificationTask.ClearLocation),
             nameof(VerificationTask.ClearControl), nameof(VerificationTask.Outcome), nameof(VerificationTask.OutcomeNote)]),
        (VerificationStage.Sample, nameof(VerificationTask.SampledAt), []),
        (VerificationStage.Result, nameof(VerificationTask.ResultAt), [nameof(VerificationTask.Result), nameof(VerificationTask.Orf1abCt), nameof(VerificationTask.NCt)]),
        (VerificationStage.Close, nameof(VerificationTask.ClosedAt), [nameof(VerificationTask.Measure), nameof(VerificationTask.OrderId), nameof(VerificationTask.CloseNote)]),
    ];

    /// <summary>The author of every stage recorded now, in stage order; <paramref name="changes"/> oldest first.</summary>
    public static IReadOnlyList<StepAuthor> Authors(IEnumerable<TaskChange> changes)
    {
        var authors = new Dictionary<VerificationStage, StepAuthor>();
        foreach (var change in changes)
            foreach (var (stage, time, facts) in Stages)
            {
                var stamp = change.Fields.FirstOrDefault(f => f.Field == time);
                if (stamp.Field is not null)
                {
                    if (stamp.New is null) authors.Remove(stage);
                    else authors[stage] = new StepAuthor(stage, change.Actor);
                }
                else if (authors.TryGetValue(stage, out var author) && change.Fields.Any(f => facts.Contains(f.Field)))
                    authors[stage] = author with { ChangedBy = change.Actor, ChangedAt = change.At };
            }
        return [.. authors.Values.OrderBy(a => a.Stage)];
    }
}
