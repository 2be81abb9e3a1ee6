using Fangkong.Core;
using System.Globalization;
using Fangkong.Core.Accounts;
using Fangkong.Core.Audit;
using Fangkong.Core.Identifiers;
using Fangkong.Core.Jurisdictions;
using Fangkong.Core.People;
using Fangkong.Core.Policy;
using Fangkong.Core.Tasks;
using Fangkong.Data.Infrastructure;
using Fangkong.Data.Jurisdictions;
using Fangkong.Data.Orders;
using Fangkong.Data.Policy;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Fangkong.Data.Tasks;

/// <param name="Text">A name (part of it), a resident ID number (exact) or a mobile number (exact).</param>
/// <param name="Place">The scope key of a township or village: only the tasks worked there (within the actor's own reach).</param>
public sealed record VerificationQuery(VerificationStatus? Status = null, bool OpenOnly = true, long? BatchId = null, bool OverdueOnly = false,
    string? Text = null, int Page = 1, int PageSize = 50, string? Place = null);

public sealed record VerificationItem(long Id, long BatchId, string Name, string? IdMasked, string? PhoneMasked, string ScopeKey, string? Place,
    VerificationStatus Status, VerificationStage? NextStage, DateTime? NextDueAt, bool Overdue, VerificationFlags Flags, string? Reason, string? Origin,
    int EscalationLevel, DateTime DispatchedAt, int Version);

/// <param name="DoneBy">The account that recorded the stage (as the audit trail names it); null when the trail holds no such change.</param>
/// <param name="ChangedBy">The account that last changed what the stage recorded afterwards (a corrected team, a result recorded again).</param>
/// <param name="ChangedAt">When it did (the audit trail's time).</param>
public sealed record StageClock(VerificationStage Stage, DateTime DueAt, DateTime? DoneAt, bool Missed, string? DoneBy = null, string? ChangedBy = null,
    DateTime? ChangedAt = null);
public sealed record TeamMember(string Role, string Name, string? Phone);
public sealed record SourceRowItem(int RowNumber, SourceRowDisposition Disposition);
public sealed record MissItem(VerificationStage Stage, string ScopeKey, string? Place, DateTime DueAt, DateTime RecordedAt, int Level);
/// <summary>The rule the closing measure was decided under: the order's rule reference, the pack version and its basis (legal grounds).</summary>
public sealed record MeasureRule(string Reference, int PackVersion, string? Basis);

public sealed record VerificationDetail(VerificationItem Task, string BatchName, long? PersonId, string? AddressMasked, DateTime? PushedAt,
    IReadOnlyList<StageClock> Clocks, IReadOnlyList<TeamMember> Team, bool ClearCount, bool ClearIdentity, bool ClearLocation, bool ClearControl,
    VerificationOutcome Outcome, string? OutcomeNote, DateTime? SampledAt, DateTime? ResultAt, string? Result, string? Measure, long? OrderId,
    string? ReturnReason, DateTime? ClosedAt, IReadOnlyList<SourceRowItem> SourceRows, IReadOnlyList<MissItem> Misses, string? Extra,
    MeasureRule? MeasureRule = null, decimal? Orf1abCt = null, decimal? NCt = null, string? CloseNote = null)
{
    /// <summary>
    /// The detail as it leaves the platform over the API: the team members' phones masked like every other identifier
    /// (<see cref="Masking.Phone"/>); one is shown in full only through <see cref="VerificationService.RevealAsync"/>, logged.
    /// </summary>
    public VerificationDetail WithTeamPhonesMasked() => this with { Team = Team.Select(m => m with { Phone = Masking.Phone(m.Phone) }).ToList() };
}

/// <summary>A task in the county's manual routing queue, as the routing page lists it (address masked, as on the task page).</summary>
public sealed record RoutingItem(long Id, long BatchId, string Name, string? IdMasked, string? AddressMasked, string? Origin, string? Reason, DateTime DispatchedAt, int Version);
public sealed record RoutingQueue(IReadOnlyList<RoutingItem> Items, int Total, int Matching);
public sealed record RouteManyResult(int Routed, int Skipped);

public sealed record VerifyInput(bool ClearCount, bool ClearIdentity, bool ClearLocation, bool ClearControl, VerificationOutcome Outcome, string? Note);
public sealed record CloseInput(string? Measure, DateOnly? ExposureDate, string? Note);
/// <param name="Orf1abCt">The ORF1ab gene's Ct the lab reported with a positive result (optional, <see cref="ResultCt"/>).</param>
/// <param name="NCt">The N gene's Ct (optional).</param>
public sealed record ResultInput(string? Result, decimal? Orf1abCt = null, decimal? NCt = null);

/// <summary>
/// Working a pushed verification task: the township names its team, the team records the four clears and the
/// outcome, the sample and the result, and the control measure decided under the rule pack (which opens a control
/// order); a task goes back to the county with a reason, or over to another township. Every step is version-guarded
/// and audited with the deadline rule it answers.
/// </summary>
public sealed class VerificationService(IDbContextFactory<FangkongDb> factory, IActorAccessor actor, JurisdictionDirectory directory, TimeProvider time,
    IOptions<FangkongOptions> options, OnBehalf onBehalf)
{
    private Actor Actor => actor.Current;
    private VerificationOptions Settings => options.Value.Verification;

    /// <summary>The roles a team must have, one member each: the county's active team roles (<see cref="DutyRoleKind.Team"/>).</summary>
    public async Task<IReadOnlyList<string>> TeamRolesAsync(CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        return await DutyRoleService.InUseAsync(db, DutyRoleKind.Team, ct);
    }

    public async Task<Page<VerificationItem>> SearchAsync(VerificationQuery query, CancellationToken ct = default)
    {
        Actor.Require(Permissions.VerificationRead);
        await using var db = await factory.CreateDbContextAsync(ct);
        var q = db.VerificationTasks.AsNoTracking();
        if (query.Status is { } s) q = q.Where(t => t.Status == s);
        else if (query.OpenOnly) q = q.Where(t => t.Status >= VerificationStatus.Routing && t.Status <= VerificationStatus.Resulted);
        if (query.BatchId is { } b) q = q.Where(t => t.BatchId == b);
        var now = time.GetUtcNow().UtcDateTime;
        if (query.OverdueOnly) q = q.Where(t => t.NextDueAt < now);
        if (Core.Jurisdictions.ScopeKey.RangeOf(query.Place) is (string lower, string upper))
            q = q.Where(t => string.Compare(t.ScopeKey, lower) >= 0 && string.Compare(t.ScopeKey, upper) < 0);
        if (Text.Tidy(query.Text) is { } text) q = MatchText(db, q, text);
        var size = Math.Clamp(query.PageSize, 1, 200);
        var page = Math.Max(1, query.Page);
        var total = await q.CountAsync(ct);
        // The most urgent first: whatever is due soonest (overdue included) heads the queue.
        var rows = await q.OrderBy(t => t.NextDueAt == null).ThenBy(t => t.NextDueAt).ThenBy(t => t.Id)
            .Skip((page - 1) * size).Take(size).ToListAsync(ct);
        return new Page<VerificationItem>(rows.Select(t => Item(t, now)).ToList(), total, page, size);
    }

    /// <summary>
    /// The queue's search box as a cadre types into it: a resident ID number is an exact look-up by its keyed hash (the
    /// task's own, or the matched person's); a mobile number finds the tasks of the people with that number; anything
    /// else matches the name.
    /// </summary>
    private static IQueryable<VerificationTask> MatchText(FangkongDb db, IQueryable<VerificationTask> tasks, string text)
    {
        var compact = Text.Compact(text);
        var id = Core.Identifiers.ResidentId.Check(compact, DateOnly.MaxValue);
        if (id.Normalized is { Length: 18 } normalized && (id.Valid || compact.Length is 15 or 18))
        {
            var hash = db.Protector.Hash(Security.BlindIndex.DocumentPurpose(Core.Identifiers.DocumentType.ResidentId), normalized);
            var people = db.People.Where(p => p.DocumentHash == hash).Select(p => p.Id);
            return tasks.Where(t => t.IdHash == hash || (t.PersonId != null && people.Contains(t.PersonId.Value)));
        }
        var phone = Core.Identifiers.PhoneNumber.Check(compact);
        if (phone.Valid && phone.IsMobile)
        {
            var hash = db.Protector.Hash(Security.BlindIndex.Phone, phone.Normalized);
            var people = db.People.Where(p => p.PhoneHash == hash).Select(p => p.Id);
            return tasks.Where(t => t.PersonId != null && people.Contains(t.PersonId.Value));
        }
        return tasks.Where(t => t.Name.Contains(text));
    }

    /// <summary>
    /// The pushed verification tasks that found (or created) this person, newest first, as far as the actor sees them:
    /// the person's page shows why and when upper levels asked for them, and what came of it.
    /// </summary>
    public async Task<IReadOnlyList<VerificationItem>> ForPersonAsync(long personId, CancellationToken ct = default)
    {
        Actor.Require(Permissions.VerificationRead);
        await using var db = await factory.CreateDbContextAsync(ct);
        var rows = await db.VerificationTasks.AsNoTracking().Where(t => t.PersonId == personId).OrderByDescending(t => t.DispatchedAt).ThenByDescending(t => t.Id)
            .Take(50).ToListAsync(ct);
        var now = time.GetUtcNow().UtcDateTime;
        return rows.Select(t => Item(t, now)).ToList();
    }

    /// <summary>
    /// The stored figures of a batch's import (what the queue page shows after an upload), or null. They are the
    /// county's figures (rows routed to every township), so only those who import — the county level — read them.
    /// </summary>
    public async Task<VerificationImportSummary?> BatchSummaryAsync(long batchId, CancellationToken ct = default)
    {
        Actor.Require(Permissions.VerificationRead);
        if (Actor.Scope.All || Actor.Scope.Prefix != Actor.Scope.CountyCode || !Actor.Can(Permissions.VerificationManage)) return null;
        await using var db = await factory.CreateDbContextAsync(ct);
        var json = await db.VerificationBatches.AsNoTracking().Where(b => b.Id == batchId).Select(b => b.Summary).FirstOrDefaultAsync(ct);
        return json is null ? null : VerificationImporter.ReadSummary(json);
    }

    /// <summary>Why an import job of this actor's scope failed (as recorded on the job), or null.</summary>
    public async Task<string?> ImportErrorAsync(long jobId, CancellationToken ct = default)
    {
        Actor.Require(Permissions.VerificationManage);
        await using var db = await factory.CreateDbContextAsync(ct);
        return await db.ImportJobs.AsNoTracking().Where(j => j.Id == jobId && j.Kind == VerificationImporter.JobKind).Select(j => j.Error).FirstOrDefaultAsync(ct);
    }

    private VerificationItem Item(VerificationTask t, DateTime now) =>
        new(t.Id, t.BatchId, t.Name, t.IdMasked, t.PhoneMasked, t.ScopeKey, directory.PlaceLabel(t.ScopeKey), t.Status, t.NextStage, t.NextDueAt,
            t.NextDueAt is { } due && due < now, t.Flags, t.Reason, t.Origin, t.EscalationLevel, t.DispatchedAt, t.Version);

    /// <summary>
    /// One pushed identifier of a task in full, for the team that must call or find the person, or the phone of one
    /// member of the task's team (<paramref name="member"/>: the member's team role); written to the access log with
    /// its reason. Null when the task is out of the actor's reach.
    /// </summary>
    public async Task<string?> RevealAsync(long id, Fangkong.Data.People.RevealField field, string? reason, string? member = null, CancellationToken ct = default)
    {
        Actor.Require(Permissions.VerificationRead);
        Actor.Require(Permissions.PeopleReveal);
        Fangkong.Data.People.PeopleService.RequireRevealField(field);
        var why = Fangkong.Data.People.PeopleService.RevealReason(reason);
        var role = Text.Tidy(member);
        if (role is not null && field != Fangkong.Data.People.RevealField.Phone) throw new ValidationFailedException([new FieldError("field", "verification.member-phone-only")]);
        await using var db = await factory.CreateDbContextAsync(ct);
        var t = await db.VerificationTasks.AsNoTracking().FirstOrDefaultAsync(x => x.Id == id, ct);
        if (t is null) return null;
        string? value;
        if (role is not null)
        {
            var teamMember = ParseTeam(t.Team).FirstOrDefault(m => m.Role == role)
                ?? throw new ValidationFailedException([new FieldError("member", "verification.member-unknown")]);
            value = teamMember.Phone;
        }
        else
            value = field switch
            {
                Fangkong.Data.People.RevealField.DocumentNumber => t.IdNumber,
                Fangkong.Data.People.RevealField.Phone => t.Phone,
                Fangkong.Data.People.RevealField.Address => t.Address,
                _ => throw new ArgumentOutOfRangeException(nameof(field)),
            };
        var changes = new AuditChanges().Set("Field", null, field.ToString());
        if (role is not null) changes.Set("Member", null, role);
        db.Audit.Record(AuditKind.Access, "verification.reveal", t.CountyCode, t.ScopeKey, "VerificationTask", t.Id.ToString(CultureInfo.InvariantCulture),
            changes, reason: why, rule: "reveal");
        await db.SaveChangesAsync(ct);
        return value ?? "";
    }

    public async Task<VerificationDetail?> GetAsync(long id, CancellationToken ct = default)
    {
        Actor.Require(Permissions.VerificationRead);
        await using var db = await factory.CreateDbContextAsync(ct);
        var t = await db.VerificationTasks.AsNoTracking().FirstOrDefaultAsync(x => x.Id == id, ct);
        if (t is null) return null;
        var now = time.GetUtcNow().UtcDateTime;
        var batch = await db.VerificationBatches.AsNoTracking().Where(b => b.Id == t.BatchId).Select(b => b.Name).FirstOrDefaultAsync(ct) ?? "";
        var profile = await DeadlineProfiles.VersionAsync(db, t.CountyCode, t.DeadlineProfileVersion, ct);
        // Source rows and misses of a visible task are the task's own, wherever they were recorded.
        var sources = await db.VerificationSourceRows.IgnoreQueryFilters().AsNoTracking().Where(r => r.TaskId == id && r.CountyCode == t.CountyCode)
            .OrderBy(r => r.BatchId).ThenBy(r => r.RowNumber).Take(200).Select(r => new SourceRowItem(r.RowNumber, r.Disposition)).ToListAsync(ct);
        var misses = await db.VerificationMisses.IgnoreQueryFilters().AsNoTracking().Where(m => m.TaskId == id && m.CountyCode == t.CountyCode)
            .OrderBy(m => m.RecordedAt).ThenBy(m => m.Level).ToListAsync(ct);
        var missed = misses.Select(m => m.Stage).ToHashSet();
        // Who did each stage (the record a supervisor holds the unit to): the task's own changes in the audit trail,
        // wherever the task stood when they were written (a team named by the township before it handed the task to
        // a village is still this task's team). Only who and when are read from them, never what they changed.
        var key = id.ToString(CultureInfo.InvariantCulture);
        var trail = await db.AuditEntries.IgnoreQueryFilters([FangkongDb.JurisdictionFilter]).AsNoTracking()
            .Where(e => e.CountyCode == t.CountyCode && e.EntityType == nameof(VerificationTask) && e.EntityId == key && e.Kind == AuditKind.Change)
            .OrderBy(e => e.Sequence).Select(e => new { e.ActorName, e.At, e.Changes }).ToListAsync(ct);
        var authors = VerificationSteps.Authors(trail.Select(e => new TaskChange(e.ActorName, e.At, AuditChanges.Parse(e.Changes))))
            .ToDictionary(a => a.Stage);
        var clocks = t.Status is VerificationStatus.Routing or VerificationStatus.Upstream
            ? []
            : profile.Clocks(t.DispatchedAt).Select(c =>
            {
                var done = DoneAt(t, c.Stage);
                var author = done is null ? null : authors.GetValueOrDefault(c.Stage);
                return new StageClock(c.Stage, c.DueAt, done, missed.Contains(c.Stage), author?.RecordedBy, author?.ChangedBy, author?.ChangedAt);
            }).ToList();
        // The rule the measure was decided under, from the order the task opened or joined: a rule of the county's
        // pack, read wherever the order is kept now (a person already under an order elsewhere in the county).
        var rule = t.OrderId is { } orderId
            ? await db.Orders.IgnoreQueryFilters([FangkongDb.JurisdictionFilter]).AsNoTracking().Where(o => o.Id == orderId && o.CountyCode == t.CountyCode)
                .Select(o => new MeasureRule(o.RuleReference, o.RulePackVersion, o.Basis)).FirstOrDefaultAsync(ct)
            : null;
        return new VerificationDetail(Item(t, now), batch, t.PersonId, Masking.Address(t.Address, 8), t.PushedAt, clocks, ParseTeam(t.Team),
            t.ClearCount, t.ClearIdentity, t.ClearLocation, t.ClearControl, t.Outcome, t.OutcomeNote, t.SampledAt, t.ResultAt, t.Result, t.Measure,
            t.OrderId, t.ReturnReason, t.ClosedAt, sources,
            misses.Select(m => new MissItem(m.Stage, m.ScopeKey, directory.PlaceLabel(m.ScopeKey), m.DueAt, m.RecordedAt, m.Level)).ToList(), t.Extra, rule,
            t.Orf1abCt, t.NCt, t.CloseNote);
    }

    private static DateTime? DoneAt(VerificationTask t, VerificationStage stage) => stage switch
    {
        VerificationStage.Team => t.TeamNamedAt,
        VerificationStage.Verify => t.VerifiedAt,
        VerificationStage.Sample => t.SampledAt,
        VerificationStage.Result => t.ResultAt,
        _ => t.ClosedAt,
    };

    public static IReadOnlyList<TeamMember> ParseTeam(string? team) =>
        (team ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split('\t'))
            .Select(p => new TeamMember(p[0], p.Length > 1 ? p[1] : "", p.Length > 2 && p[2].Length > 0 ? p[2] : null)).ToList();

    /// <summary>The township names its three-person team (seed 004): one member per team role, names required.</summary>
    public async Task<bool> NameTeamAsync(long id, IReadOnlyList<TeamMember> members, int? version = null, CancellationToken ct = default)
    {
        var errors = new List<FieldError>();
        var roles = await TeamRolesAsync(ct);
        var clean = new List<TeamMember>();
        // Errors name the member as the request sent it (members[i].name); a role nobody was given names the list.
        foreach (var role in roles)
        {
            var index = members.ToList().FindIndex(x => string.Equals(x.Role, role, StringComparison.Ordinal));
            if (index < 0) { errors.Add(new FieldError("members", "team.member-missing:" + role)); continue; }
            var m = members[index];
            var name = PersonRules.NormalizeName(m.Name, out var nameError);
            if (nameError is not null) { errors.Add(new FieldError($"members[{index}].name", nameError)); continue; }
            // A phone sent back as the mask the task shows (the page and the API never give it in full) is resolved
            // against the stored team below; anything else is checked as a phone now.
            var masked = m.Phone?.Contains('*', StringComparison.Ordinal) == true;
            string? phoneError = null;
            var phone = masked ? m.Phone!.Trim() : PersonRules.NormalizePhone(m.Phone, out phoneError);
            if (phoneError is not null) errors.Add(new FieldError($"members[{index}].phone", phoneError));
            clean.Add(new TeamMember(role, name!, phone));
        }
        for (var i = 0; i < members.Count; i++)
            if (!roles.Contains(members[i].Role)) errors.Add(new FieldError($"members[{i}].role", "team.role-unknown:" + members[i].Role));
        if (errors.Count > 0) throw new ValidationFailedException(errors);
        return await ChangeAsync(id, version, VerificationStage.Team, t =>
        {
            RequireWorking(t);
            // The mask of the stored number keeps it for the same member; under a new name it stands for no number;
            // a mask of nothing stored is refused (a number cannot be made from it).
            var stored = ParseTeam(t.Team).GroupBy(x => x.Role, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
            clean = clean.Select(m => m.Phone?.Contains('*', StringComparison.Ordinal) != true ? m
                : m with { Phone = Masking.PhoneFromForm(m.Phone, stored.GetValueOrDefault(m.Role)?.Phone, stored.GetValueOrDefault(m.Role)?.Name == m.Name) }).ToList();
            var unresolved = clean.Where(m => m.Phone?.Contains('*', StringComparison.Ordinal) == true).ToList();
            if (unresolved.Count > 0)
                throw new ValidationFailedException(unresolved.Select(m => new FieldError($"members[{members.ToList().FindIndex(x => x.Role == m.Role)}].phone", "phone.invalid")).ToList());
            t.Team = string.Join('\n', clean.Select(m => $"{m.Role}\t{m.Name}\t{m.Phone}"));
            t.TeamNamedAt ??= Now;
            if (t.Status == VerificationStatus.Dispatched) t.Status = VerificationStatus.TeamNamed;
            return "team named: " + string.Join(", ", clean.Select(m => $"{m.Role} {m.Name}"));
        }, ct);
    }

    /// <summary>The four clears and the outcome. Found in the county needs identity and location clear; the other outcomes need a note.</summary>
    public Task<bool> VerifyAsync(long id, VerifyInput input, int? version = null, CancellationToken ct = default)
    {
        var errors = new List<FieldError>();
        var note = Text.Tidy(input.Note);
        if (input.Outcome == VerificationOutcome.None) errors.Add(new FieldError("outcome", "required"));
        if (input.Outcome == VerificationOutcome.FoundInCounty && !(input.ClearIdentity && input.ClearLocation))
            {
            if (!input.ClearIdentity) errors.Add(new FieldError("clearIdentity", "verification.found-needs-identity-and-location"));
            if (!input.ClearLocation) errors.Add(new FieldError("clearLocation", "verification.found-needs-identity-and-location"));
        }
        if (input.Outcome is VerificationOutcome.LeftCounty or VerificationOutcome.NotFound or VerificationOutcome.Duplicate or VerificationOutcome.WrongData && note is null)
            errors.Add(new FieldError("note", input.Outcome switch
            {
                VerificationOutcome.LeftCounty => "verification.destination-required",
                VerificationOutcome.NotFound => "verification.tried-required",
                _ => "required",
            }));
        if (note is { Length: > 500 }) errors.Add(new FieldError("note", "field.too-long"));
        if (errors.Count > 0) throw new ValidationFailedException(errors);
        return ChangeAsync(id, version, VerificationStage.Verify, t =>
        {
            RequireWorking(t);
            if (t.TeamNamedAt is null) throw new ConflictException("verification.team-first", "name the team first");
            t.ClearCount = input.ClearCount;
            t.ClearIdentity = input.ClearIdentity;
            t.ClearLocation = input.ClearLocation;
            t.ClearControl = input.ClearControl;
            t.Outcome = input.Outcome;
            t.OutcomeNote = note;
            t.VerifiedAt ??= Now;
            if (t.Status < VerificationStatus.Verified) t.Status = VerificationStatus.Verified;
            return $"verified: {input.Outcome}" + (note is null ? "" : $" ({note})");
        }, ct);
    }

    /// <summary>How long before the task's dispatch a sample may have been taken and still count for it.</summary>
    public const int SampleBeforeDispatchHours = 24;

    public Task<bool> SampleAsync(long id, DateTime? at = null, int? version = null, CancellationToken ct = default) =>
        ChangeAsync(id, version, VerificationStage.Sample, t =>
        {
            RequireWorking(t);
            if (t.VerifiedAt is null || t.Outcome != VerificationOutcome.FoundInCounty)
                throw new ConflictException("verification.sample-needs-found", "only a person found in the county is sampled");
            var when = at?.ToUniversalTime() ?? Now;
            if (when > Now.AddMinutes(5)) throw new ValidationFailedException([new FieldError("at", "date.future")]);
            // A swab taken shortly before the task arrived (the person was sampled in the field, in a screening round)
            // counts; one dated further back is not this task's sample, and would show its 3-hour stage as met.
            if (when < t.DispatchedAt.AddHours(-SampleBeforeDispatchHours)) throw new ValidationFailedException([new FieldError("at", "date.before-dispatch")]);
            t.SampledAt ??= when;
            if (t.Status < VerificationStatus.Sampled) t.Status = VerificationStatus.Sampled;
            return "sampled";
        }, ct);

    public Task<bool> ResultAsync(long id, string? result, int? version = null, CancellationToken ct = default) =>
        ResultAsync(id, new ResultInput(result), version, ct);

    /// <summary>
    /// The result, with the Ct values the lab reported for a positive one (each optional, 0–45, one decimal; a negative
    /// carries none). Recorded again, the result replaces the values recorded before.
    /// </summary>
    public async Task<bool> ResultAsync(long id, ResultInput input, int? version = null, CancellationToken ct = default)
    {
        var r = Text.Tidy(input.Result)?.ToLowerInvariant();
        // No choice is not a result (the page's select starts empty): said as such, not as a wrong value.
        if (r is null) throw new ValidationFailedException([new FieldError("result", "result.required")]);
        if (r is not ("negative" or "positive")) throw new ValidationFailedException([new FieldError("result", "verification.result-values")]);
        var errors = new List<FieldError>();
        foreach (var (field, value, range) in new[] { ("orf1abCt", input.Orf1abCt, "verification.orf1ab-ct-range"), ("nCt", input.NCt, "verification.n-ct-range") })
        {
            if (value is not { } v) continue;
            if (!ResultCt.Valid(v)) errors.Add(new FieldError(field, range));
            else if (r != "positive") errors.Add(new FieldError(field, "verification.ct-positive-only"));
        }
        if (errors.Count > 0) throw new ValidationFailedException(errors);
        return await RecordResultAsync(id, r, input.Orf1abCt, input.NCt, version, ct);
    }

    /// <summary>
    /// A positive result of a pushed person is a case: the unit working the task gets the transfer task (and is told)
    /// in the same transaction as the result.
    /// </summary>
    private async Task RaisePositiveAsync(FangkongDb db, VerificationTask t, CancellationToken ct) =>
        await Orders.TaskRaiser.RaiseAsync(db, t.CountyCode, t.ScopeKey, "positive-transfer", TaskTitle.VerificationPositive(t.Id), $"verification-positive:{t.Id}", Now,
            TimeSpan.FromMinutes(options.Value.Monitoring.AlertMinutes), t.PersonId, ct: ct);

    private Task<bool> RecordResultAsync(long id, string r, decimal? orf1abCt, decimal? nCt, int? version, CancellationToken ct)
    {
        return ChangeAsync(id, version, VerificationStage.Result, t =>
        {
            RequireWorking(t);
            if (t.SampledAt is null) throw new ConflictException("verification.result-needs-sample", "record the sample first");
            t.Result = r;
            t.Orf1abCt = orf1abCt;
            t.NCt = nCt;
            t.ResultAt ??= Now;
            if (t.Status < VerificationStatus.Resulted) t.Status = VerificationStatus.Resulted;
            var cts = string.Join(", ", new[] { ("ORF1ab Ct", orf1abCt), ("N Ct", nCt) }.Where(c => c.Item2 is not null)
                .Select(c => c.Item1 + " " + c.Item2!.Value.ToString("0.0", CultureInfo.InvariantCulture)));
            return "result: " + r + (cts.Length > 0 ? $" ({cts})" : "");
        }, ct, rule: r == "positive" ? "verification#positive" : null,
        alsoInTransaction: r == "positive" ? (db, t) => RaisePositiveAsync(db, t, ct) : null);
    }

    /// <summary>
    /// Closes the task with the control measure decided: a rule-pack reason (close-contact, high-risk-area…) opens a
    /// control order for the person under the pack in force; "none" closes without one (negative, left, not found…).
    /// </summary>
    public async Task<bool> CloseAsync(long id, CloseInput input, OrderService orders, int? version = null, CancellationToken ct = default)
    {
        var measure = Text.Tidy(input.Measure)?.ToLowerInvariant() ?? throw new ValidationFailedException([new FieldError("measure", "required")]);
        // The note is the task's own record of the decision, whatever the measure ("none" included); a measure that
        // opens an order carries it into the order's note as well.
        var note = Text.Tidy(input.Note);
        if (note is { Length: > 500 }) throw new ValidationFailedException([new FieldError("note", "field.too-long")]);
        // The order and the closed task are one transaction: a refused order leaves the task open, a lost race on the
        // task leaves no order behind.
        await using var db = await factory.CreateDbContextAsync(ct);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var task = await db.VerificationTasks.AsNoTracking().FirstOrDefaultAsync(t => t.Id == id, ct);
        if (task is null) return false;
        if (version is { } v && v != task.Version) throw new ConflictException("verification.version", "the task was changed by someone else; reload");
        RequireWorking(task);
        if (VerificationClock.NextStage(task) != VerificationStage.Close)
        {
            // The stages still to do, as data ("sample,result"): the page names them in its own step names.
            var missing = string.Join(",", VerificationClock.MissingBeforeClose(task).Select(s => s.ToString().ToLowerInvariant()));
            throw new ConflictException("verification.not-ready", "the task is not ready to close: " + (missing.Length > 0 ? missing : task.Status.ToString())) { Detail = missing.Length > 0 ? missing : null };
        }
        long? orderId = null;
        if (measure != "none")
        {
            if (task.PersonId is not { } personId) throw new ConflictException("verification.no-person", "the task has no person");
            var sample = task.SampledAt is { } sampled ? (sampled, task.ResultAt, task.Result) : ((DateTime, DateTime?, string?)?)null;
            var order = await orders.OpenForTaskAsync(db, id, personId, task.ScopeKey, measure, input.ExposureDate ?? DateOnly.FromDateTime(task.DispatchedAt.AddHours(8)),
                $"协查 task {id}" + (note is not null ? ": " + note : ""), sample, ct);
            orderId = order.Id;
        }
        var closed = await SaveAsync(Actor, id, version, t =>
        {
            RequireWorking(t);
            t.Measure = measure;
            t.CloseNote = note;
            t.OrderId = orderId;
            t.ClosedAt = Now;
            t.Status = VerificationStatus.Closed;
            return (measure == "none" ? "closed: no measure needed" : $"closed: {measure}, order {orderId}") + (note is null ? "" : $" ({note})");
        }, $"deadline#{VerificationStage.Close.ToString().ToLowerInvariant()}", measure == "none" ? null : $"order#{orderId}", ct, db);
        if (closed) await transaction.CommitAsync(ct);
        return closed;
    }

    /// <summary>Hands the task back to the county's routing queue with a reason (wrong township, not ours).</summary>
    public Task<bool> ReturnAsync(long id, string? reason, int? version = null, CancellationToken ct = default)
    {
        var why = Required(reason, "reason");
        return MoveAsync(id, version, t =>
        {
            RequireWorking(t);
            t.Status = VerificationStatus.Routing;
            t.ReturnReason = why;
            t.ScopeKey = t.CountyCode;
            t.Township = "";
            return "returned to the county: " + why;
        }, ct);
    }

    /// <summary>
    /// Sends the task to another township (or one of its villages): that township is a new accountable unit and its
    /// clocks start now. Within the same township (to one of its villages, or back up to the township) the task only
    /// changes hands: its clocks, team and stages go on — a move is never a way to restart a deadline — and a task is
    /// never "transferred" to the unit already holding it.
    /// </summary>
    public Task<bool> TransferAsync(long id, string? targetScopeKey, string? reason, int? version = null, CancellationToken ct = default)
    {
        var why = Required(reason, "reason");
        var target = Target(targetScopeKey);
        return MoveAsync(id, version, t =>
        {
            RequireWorking(t);
            if (t.Status == VerificationStatus.Routing) throw new ConflictException("verification.route-instead", "a task in the routing queue is routed by the county");
            if (target == t.ScopeKey) throw new ValidationFailedException([new FieldError("target", "verification.transfer-same-unit")]);
            var place = directory.PlaceLabel(target) ?? target;
            if (target.StartsWith(t.Township, StringComparison.Ordinal) && t.Township.Length > 0)
            {
                t.ScopeKey = target;
                return $"handed to {place} (same township, clocks go on): {why}";
            }
            Dispatch(t, target);
            return $"transferred to {place}: {why}";
        }, ct, PersonFollowsAsync);
    }

    /// <summary>The command centre routes a task from its manual queue to a township or village; the clocks start now.</summary>
    public Task<bool> RouteAsync(long id, string? targetScopeKey, int? version = null, CancellationToken ct = default)
    {
        Actor.Require(Permissions.VerificationManage);
        var target = Target(targetScopeKey);
        return MoveAsync(id, version, t =>
        {
            if (t.Status != VerificationStatus.Routing) throw new ConflictException("verification.not-routing", "the task is not in the routing queue");
            Dispatch(t, target);
            return $"routed to {directory.PlaceLabel(target) ?? target}";
        }, ct, PersonFollowsAsync);
    }

    /// <summary>
    /// The county's manual routing queue: tasks whose address named no township of ours. With
    /// <paramref name="addressContains"/>, only those whose pushed address contains the text (a compound, a street, a
    /// village's old name), so that every task of one place is routed at once. Addresses are stored encrypted, so the
    /// queue's tasks are read and matched here; the queue holds the unroutable share of the lists (about 1%).
    /// </summary>
    public async Task<RoutingQueue> RoutingQueueAsync(string? addressContains = null, int max = 500, CancellationToken ct = default)
    {
        Actor.Require(Permissions.VerificationManage);
        await using var db = await factory.CreateDbContextAsync(ct);
        var all = await db.VerificationTasks.AsNoTracking().Where(t => t.Status == VerificationStatus.Routing).OrderBy(t => t.Id).ToListAsync(ct);
        var text = Text.Tidy(addressContains);
        var folded = text is null ? null : Text.Compact(text);
        var matching = folded is null ? all : all.Where(t => t.Address is { } a && Text.Compact(a).Contains(folded, StringComparison.Ordinal)).ToList();
        return new RoutingQueue(matching.Take(Math.Clamp(max, 1, 5000))
            .Select(t => new RoutingItem(t.Id, t.BatchId, t.Name, t.IdMasked, Masking.Address(t.Address, 8), t.Origin, t.Reason, t.DispatchedAt, t.Version)).ToList(),
            all.Count, matching.Count);
    }

    /// <summary>
    /// Routes many tasks of the queue to one township or village, each as <see cref="RouteAsync"/> does (its own
    /// clocks, audit entry and counts). A task no longer in the queue (routed meanwhile by someone else) is skipped.
    /// </summary>
    public async Task<RouteManyResult> RouteManyAsync(IReadOnlyCollection<long> ids, string? targetScopeKey, CancellationToken ct = default)
    {
        Actor.Require(Permissions.VerificationManage);
        Target(targetScopeKey);
        if (ids.Count == 0) throw new ValidationFailedException([new FieldError("ids", "required")]);
        if (ids.Count > 5000) throw new ValidationFailedException([new FieldError("ids", "field.too-long")]);
        var (routed, skipped) = (0, 0);
        foreach (var id in ids.Distinct())
        {
            try
            {
                if (await RouteAsync(id, targetScopeKey, null, ct)) routed++;
                else skipped++;
            }
            catch (ConflictException) { skipped++; }
        }
        return new RouteManyResult(routed, skipped);
    }

    private string Target(string? scopeKey)
    {
        var key = Text.Tidy(scopeKey);
        if (key is null || key.Length is not (ScopeKey.TownshipLength or ScopeKey.VillageLength) || directory.Official(key) is null
            || !key.StartsWith(Actor.Scope.CountyCode, StringComparison.Ordinal))
            throw new ValidationFailedException([new FieldError("target", "verification.target-unknown")]);
        return key;
    }

    private void Dispatch(VerificationTask t, string target)
    {
        t.ScopeKey = target;
        t.Township = target[..ScopeKey.TownshipLength];
        t.Status = VerificationStatus.Dispatched;
        t.DispatchedAt = VerificationImporter.WholeSeconds(Now);
        t.Team = null;
        t.TeamNamedAt = t.VerifiedAt = t.SampledAt = t.ResultAt = null;
        t.Outcome = VerificationOutcome.None;
        t.MissedStage = null;
        t.EscalationLevel = 0;
        t.EscalatedAt = null;
    }

    private static string Required(string? text, string field)
    {
        var t = Text.Tidy(text) ?? throw new ValidationFailedException([new FieldError(field, "required")]);
        if (t.Length > 500) throw new ValidationFailedException([new FieldError(field, "field.too-long")]);
        return t;
    }

    private static void RequireWorking(VerificationTask t)
    {
        if (!VerificationTask.IsOpen(t.Status)) throw new ConflictException("verification.closed", "the task is closed");
    }

    private DateTime Now => time.GetUtcNow().UtcDateTime;

    private Task<bool> ChangeAsync(long id, int? version, VerificationStage stage, Func<VerificationTask, string> change, CancellationToken ct, string? rule = null,
        Func<FangkongDb, VerificationTask, Task>? alsoInTransaction = null) =>
        SaveAsync(Actor, id, version, change, $"deadline#{stage.ToString().ToLowerInvariant()}", rule, ct, alsoInTransaction: alsoInTransaction);

    /// <summary>
    /// Moving a task out of one's own subtree (back to the county, over to another township) is a legitimate hand-over:
    /// the actor must see the task, and the write itself runs with a county-wide scope under the actor's name.
    /// </summary>
    private async Task<bool> MoveAsync(long id, int? version, Func<VerificationTask, string> change, CancellationToken ct,
        Func<FangkongDb, VerificationTask, CancellationToken, Task>? alsoInTransaction = null)
    {
        Actor.Require(Permissions.VerificationWork);
        await using (var db = await factory.CreateDbContextAsync(ct))
            if (!await db.VerificationTasks.AnyAsync(t => t.Id == id, ct)) return false;
        var wide = JurisdictionScope.Of(Actor.Scope.CountyCode, Actor.Scope.CountyCode);
        await using var onBehalfDb = onBehalf.Context(Actor, wide);
        return await SaveAsync(Actor with { Scope = wide }, id, version, change, "verification#hand-over", null, ct, onBehalfDb,
            alsoInTransaction is null ? null : (db, t) => alsoInTransaction(db, t, ct));
    }

    /// <summary>
    /// A person the import created (not in the registry: no household said where they live) goes with the task to the
    /// unit it is routed or transferred to, so that unit sees them and can open their order; a registered person stays
    /// where the registry keeps them (the order opened by the task is kept by the task's unit).
    /// </summary>
    private async Task PersonFollowsAsync(FangkongDb db, VerificationTask t, CancellationToken ct)
    {
        if (t.PersonId is not { } personId) return;
        var person = await db.People.FirstOrDefaultAsync(p => p.Id == personId, ct);
        if (person is null || !person.Unregistered || person.ScopeKey.StartsWith(t.ScopeKey, StringComparison.Ordinal)) return;
        // Only a person this list brought in: one with an arrival or an order is kept where those put them.
        if (await db.Arrivals.IgnoreQueryFilters().AnyAsync(a => a.PersonId == personId && a.CountyCode == t.CountyCode, ct)
            || await db.Orders.IgnoreQueryFilters().AnyAsync(o => o.PersonId == personId && o.CountyCode == t.CountyCode, ct)) return;
        person.ScopeKey = t.ScopeKey;
        person.NodeId = directory.Official(t.ScopeKey)?.Id ?? person.NodeId;
        person.UpdatedAt = Now;
        person.Version++;
    }

    private async Task<bool> SaveAsync(Actor who, long id, int? version, Func<VerificationTask, string> change, string rule, string? extraRule, CancellationToken ct,
        FangkongDb? other = null, Func<FangkongDb, VerificationTask, Task>? alsoInTransaction = null)
    {
        who.Require(Permissions.VerificationWork);
        // A context passed in is the caller's (its transaction, its disposal).
        await using var owned = other is null ? await factory.CreateDbContextAsync(ct) : null;
        var db = other ?? owned!;
        var task = await db.VerificationTasks.FirstOrDefaultAsync(t => t.Id == id, ct);
        if (task is null) return false;
        if (version is { } v && v != task.Version) throw new ConflictException("verification.version", "the task was changed by someone else; reload");
        var reason = change(task);
        var profile = await DeadlineProfiles.VersionAsync(db, task.CountyCode, task.DeadlineProfileVersion, ct);
        VerificationClock.Refresh(task, profile);
        task.UpdatedAt = Now;
        task.Version++;
        db.Audit.Reason = reason.Length > 500 ? reason[..500] : reason;
        db.Audit.Rule = extraRule is null ? rule : $"{rule}; {extraRule}";
        if (alsoInTransaction is not null) await alsoInTransaction(db, task);
        try { await db.SaveChangesAsync(ct); }
        catch (DbUpdateConcurrencyException) { throw new ConflictException("verification.version", "the task was changed by someone else; reload"); }
        return true;
    }
}
