using System.Security.Cryptography;
using Fangkong.Core;
using Fangkong.Core.Accounts;
using Fangkong.Core.Audit;
using Fangkong.Core.Identifiers;
using Fangkong.Core.Orders;
using Fangkong.Core.People;
using Fangkong.Core.Tasks;
using Fangkong.Data.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Fangkong.Data.Orders;

public sealed record ReportInput(ReportSlot Slot, decimal Temperature, Symptoms Symptoms = Symptoms.None, DateOnly? Date = null, string? Note = null);
public sealed record ReportOutcome(bool Alarming, long? TaskId);
public sealed record SpotCheckInput(string? Method, SpotCheckOutcome Outcome, string? Note);
/// <summary>An order drawn for a call-back spot check: who, where, under which measure (identifiers masked).</summary>
public sealed record SpotCheckDraw(long OrderId, string Name, string? DocumentMasked, string ScopeKey, string? Place, string CurrentKind, DateOnly EndDate);
/// <summary>What the person's own link page shows: their masked name, the order's end, and which slots are done today.</summary>
public sealed record LinkView(string NameMasked, string CurrentKind, DateOnly EndDate, DateOnly Today, bool MorningDone, bool EveningDone);

/// <summary>
/// Morning and evening temperature and symptom reports, by staff or by the person through a tokenised link
/// (only its hash is stored; it works while the order is in force). A fever or a symptom raises a transfer task
/// at once; a supervisor's spot check that finds the person away or unwell raises one too.
/// </summary>
public sealed class MonitoringService(IDbContextFactory<FangkongDb> factory, IActorAccessor actor, IOptions<FangkongOptions> options, TimeProvider time, Jurisdictions.JurisdictionDirectory directory)
{
    private Actor Actor => actor.Current;
    private FangkongOptions Options => options.Value;
    private DateOnly Today => CountyClock.Today(time, Options.TimeZone);

    public async Task<ReportOutcome?> ReportAsync(long orderId, ReportInput input, CancellationToken ct = default)
    {
        Actor.Require(Permissions.MonitoringReport);
        await using var db = await factory.CreateDbContextAsync(ct);
        var order = await db.Orders.FirstOrDefaultAsync(o => o.Id == orderId, ct);
        if (order is null) return null;
        return await RecordAsync(db, order, input, Actor.Name, ct);
    }

    /// <summary>A report through the person's link; null when the link is unknown, revoked or its order is over.</summary>
    public async Task<ReportOutcome?> ReportByLinkAsync(string token, ReportInput input, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var order = await OrderOfLinkAsync(db, token, ct);
        if (order is null) return null;
        return await RecordAsync(db, order, input, ReadingSources.SelfReporter, ct);
    }

    public async Task<LinkView?> LinkViewAsync(string token, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var order = await OrderOfLinkAsync(db, token, ct);
        if (order is null) return null;
        var today = Today;
        var name = await db.People.Where(p => p.Id == order.PersonId).Select(p => p.Name).FirstAsync(ct);
        var slots = await db.HealthReports.Where(r => r.OrderId == order.Id && r.Date == today).Select(r => r.Slot).ToListAsync(ct);
        return new LinkView(Masking.Name(name) ?? "", order.CurrentKind, order.EndDate, today, slots.Contains(ReportSlot.Morning), slots.Contains(ReportSlot.Evening));
    }

    /// <summary>Issues a new link for an order in force (earlier links stop working); returns the token to put in the URL.</summary>
    public async Task<string?> IssueLinkAsync(long orderId, CancellationToken ct = default)
    {
        Actor.Require(Permissions.MonitoringReport);
        await using var db = await factory.CreateDbContextAsync(ct);
        var order = await db.Orders.FirstOrDefaultAsync(o => o.Id == orderId, ct);
        if (order is null) return null;
        if (!ControlOrder.IsInForce(order.Status)) throw new ConflictException("order.not-in-force", "the order is not in force");
        var now = time.GetUtcNow().UtcDateTime;
        foreach (var old in await db.ReportLinks.Where(l => l.OrderId == orderId && l.RevokedAt == null).ToListAsync(ct)) old.RevokedAt = now;
        var token = Base64Url(RandomNumberGenerator.GetBytes(24));
        var zone = TimeZoneInfo.FindSystemTimeZoneById(Options.TimeZone);
        var expires = TimeZoneInfo.ConvertTimeToUtc(order.EndDate.AddDays(1).ToDateTime(TimeOnly.MinValue), zone);
        db.ReportLinks.Add(new ReportLink { CountyCode = order.CountyCode, ScopeKey = order.ScopeKey, OrderId = orderId, TokenHash = Hash(token), ExpiresAt = expires, CreatedAt = now });
        db.Audit.Reason = "reporting link issued";
        db.Audit.Rule = order.RuleReference;
        await db.SaveChangesAsync(ct);
        return token;
    }

    /// <summary>
    /// Draws orders in force at random for the supervisor's call-back spot checks (抽查), inside the supervisor's
    /// jurisdiction and leaving out those already checked today: nobody can know in advance who will be called.
    /// </summary>
    public async Task<IReadOnlyList<SpotCheckDraw>> DrawSpotChecksAsync(int count = 10, CancellationToken ct = default)
    {
        Actor.Require(Permissions.SpotChecks);
        count = Math.Clamp(count, 1, 50);
        await using var db = await factory.CreateDbContextAsync(ct);
        var since = CountyClock.StartOfDay(Today, TimeZoneInfo.FindSystemTimeZoneById(Options.TimeZone));
        // The orders under the actor's filter; the people read apart (IgnoreQueryFilters would lift the orders' filter too).
        var drawn = await db.Orders.AsNoTracking()
            .WhereRunning().Where(o => !db.SpotChecks.Any(c => c.OrderId == o.Id && c.CheckedAt >= since))
            .OrderBy(o => EF.Functions.Random()).Take(count)
            .Select(o => new { o.Id, o.PersonId, o.CountyCode, o.ScopeKey, o.CurrentKind, o.EndDate }).ToListAsync(ct);
        var ids = drawn.Select(d => d.PersonId).ToList();
        var county = Actor.Scope.All ? Options.County : Actor.Scope.CountyCode;
        var people = await db.People.IgnoreQueryFilters().AsNoTracking().Where(p => p.CountyCode == county && ids.Contains(p.Id))
            .ToDictionaryAsync(p => p.Id, p => new { p.Name, p.DocumentMasked }, ct);
        return drawn.Where(d => people.ContainsKey(d.PersonId))
            .Select(d => new SpotCheckDraw(d.Id, people[d.PersonId].Name, people[d.PersonId].DocumentMasked, d.ScopeKey, directory.PlaceLabel(d.ScopeKey), d.CurrentKind, d.EndDate)).ToList();
    }

    public async Task<bool> SpotCheckAsync(long orderId, SpotCheckInput input, CancellationToken ct = default)
    {
        Actor.Require(Permissions.SpotChecks);
        var method = Text.Tidy(input.Method) ?? "phone";
        if (method is not ("phone" or "video" or "visit")) throw new ValidationFailedException([new FieldError("method", "spot-check.method")]);
        if (!Enum.IsDefined(input.Outcome)) throw new ValidationFailedException([new FieldError("outcome", "spot-check.outcome")]);
        if (Text.Tidy(input.Note) is { Length: > 500 }) throw new ValidationFailedException([new FieldError("note", "too-long")]);
        await using var db = await factory.CreateDbContextAsync(ct);
        var order = await db.Orders.FirstOrDefaultAsync(o => o.Id == orderId, ct);
        if (order is null) return false;
        var now = time.GetUtcNow().UtcDateTime;
        db.SpotChecks.Add(new SpotCheck { CountyCode = order.CountyCode, ScopeKey = order.ScopeKey, OrderId = orderId, Method = method, Outcome = input.Outcome, Note = Text.Tidy(input.Note), CheckedBy = Actor.Name, CheckedAt = now });
        if (input.Outcome is SpotCheckOutcome.AwayFromPlace or SpotCheckOutcome.Unwell)
            await TaskRaiser.RaiseAsync(db, order, input.Outcome == SpotCheckOutcome.Unwell ? "fever-transfer" : "spot-check-finding",
                TaskTitle.SpotCheck(input.Outcome), TaskRaiser.Key("spot", orderId, now.Ticks), now, TimeSpan.FromMinutes(Options.Monitoring.AlertMinutes), ct);
        db.Audit.Reason = $"spot check ({method}): {input.Outcome}";
        db.Audit.Rule = "spot-check";
        await db.SaveChangesAsync(ct);
        return true;
    }

    private async Task<ControlOrder?> OrderOfLinkAsync(FangkongDb db, string token, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(token) || token.Length > 64) return null;
        var hash = Hash(token);
        var link = await db.ReportLinks.FirstOrDefaultAsync(l => l.TokenHash == hash, ct);
        if (link is null || link.RevokedAt is not null) return null;
        var order = await db.Orders.FirstOrDefaultAsync(o => o.Id == link.OrderId, ct);
        // The link ends with the order: released, cancelled or past its last day, it no longer accepts reports.
        if (order is null || !ControlOrder.IsInForce(order.Status) || Today > order.EndDate) return null;
        return order;
    }

    /// <summary>
    /// Records one report on an order (the same rules wherever it is taken: at home by the village, by the person's
    /// link, or on a quarantine site's round); <paramref name="where"/> is added to the audit reason.
    /// </summary>
    internal async Task<ReportOutcome> RecordAsync(FangkongDb db, ControlOrder order, ReportInput input, string reportedBy, CancellationToken ct, string? where = null)
    {
        var today = Today;
        var date = input.Date ?? today;
        var errors = new List<FieldError>();
        if (!ControlOrder.IsInForce(order.Status)) throw new ConflictException("order.not-in-force", "the order is not in force");
        if (input.Temperature is < 34.0m or > 43.0m) errors.Add(new FieldError("temperature", "range:34.0-43.0"));
        if (!Enum.IsDefined(input.Slot)) errors.Add(new FieldError("slot", "slot.invalid"));
        if (!FlagSet.IsDefined(input.Symptoms)) errors.Add(new FieldError("symptoms", "symptoms.invalid"));
        if (date > today) errors.Add(new FieldError("date", "date.future"));
        else if (date < today.AddDays(-1) || date < order.StartDate) errors.Add(new FieldError("date", "date.out-of-order"));
        if (Text.Tidy(input.Note) is { Length: > 500 }) errors.Add(new FieldError("note", "too-long"));
        ValidationFailedException.ThrowIfAny(errors);
        var now = time.GetUtcNow().UtcDateTime;
        var temperature = Math.Round(input.Temperature, 1);
        var note = Text.Tidy(input.Note);
        var alarming = MonitoringRules.IsAlarming(temperature, input.Symptoms);
        // Every reading of the slot is kept: a re-measurement is added after the others, never written over them
        // (a staff "36.5, none" must not hide the person's own 38.2 °C with a cough).
        var readings = await db.HealthReports.AsNoTracking().Where(r => r.OrderId == order.Id && r.Date == date && r.Slot == input.Slot)
            .Select(r => new { r.Sequence, r.ReportedBy, r.Temperature, r.Symptoms, r.Note, r.ReportedAt }).ToListAsync(ct);
        // The same reading sent again by the same reporter within minutes (a double tap, a resent form) is the one
        // already stored; the same values later are a genuine re-measurement.
        if (readings.Any(r => MonitoringRules.IsResend(r.ReportedBy, r.Temperature, r.Symptoms, r.Note, r.ReportedAt, reportedBy, temperature, input.Symptoms, note, now)))
            return new ReportOutcome(alarming, null);
        if (readings.Count >= MonitoringRules.MaxReadingsPerSlot)
            throw new ConflictException("report.slot-full", $"this slot already holds {MonitoringRules.MaxReadingsPerSlot} readings");
        var report = new HealthReport
        {
            CountyCode = order.CountyCode, ScopeKey = order.ScopeKey, OrderId = order.Id, PersonId = order.PersonId, Date = date, Slot = input.Slot,
            Sequence = readings.Count == 0 ? 0 : readings.Max(r => r.Sequence) + 1,
            Temperature = temperature, Symptoms = input.Symptoms, ReportedBy = reportedBy, ReportedAt = now, Note = note,
        };
        db.HealthReports.Add(report);
        // One fever task per order while it is open: a later alarming reading joins it (highest temperature, every
        // symptom so far), wherever it sits now (an escalated task is the township's); once it is handled, a new one.
        // A later normal reading leaves it as it is.
        WorkTask? task = null;
        var open = alarming
            ? await db.Tasks.IgnoreQueryFilters().Where(t => t.CountyCode == order.CountyCode && t.OrderId == order.Id && t.Kind == FeverTasks.Kind
                    && t.DedupKey.StartsWith(FeverTasks.KeyPrefix) && (t.Status == Core.Tasks.TaskStatus.Open || t.Status == Core.Tasks.TaskStatus.InProgress))
                .OrderBy(t => t.Id).FirstOrDefaultAsync(ct)
            : null;
        switch (FeverTasks.Decide(alarming, open is not null))
        {
            case FeverTaskAction.Raise:
                task = await TaskRaiser.RaiseAsync(db, order, FeverTasks.Kind, TaskTitle.Fever(temperature, input.Symptoms),
                    FeverTasks.Key(order.Id, date, input.Slot, report.Sequence), now, TimeSpan.FromMinutes(Options.Monitoring.AlertMinutes), ct);
                break;
            case FeverTaskAction.Attach:
                task = open!;
                var title = FeverTasks.Attach(task.Title, temperature, input.Symptoms).Format();
                if (title != task.Title)
                {
                    task.Title = title;
                    task.Version++;
                }
                break;
        }
        var kind = report.Sequence == 0 ? "report" : "re-measurement";
        var joined = open is not null && task == open ? $"; joins open fever task {open.Id}" : "";
        db.Audit.Reason = $"{input.Slot.ToString().ToLowerInvariant()} {kind} {date:yyyy-MM-dd}{(where is null ? "" : " " + where)}{(alarming ? ": alarming" : "")}{joined}";
        db.Audit.Rule = alarming ? "monitoring#fever-or-symptom" : order.RuleReference;
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (DbErrors.IsUniqueViolation(e))
        {
            // Two readings of one slot sent at the same moment: when the other was this very reading, it is stored.
            db.ChangeTracker.Clear();
            var same = await db.HealthReports.AsNoTracking().AnyAsync(r => r.OrderId == order.Id && r.Date == date && r.Slot == input.Slot
                && r.ReportedBy == reportedBy && r.Temperature == temperature && r.Symptoms == input.Symptoms && r.Note == note, ct);
            if (same) return new ReportOutcome(alarming, null);
            throw new ConflictException("report.concurrent", "another reading of this slot was stored at the same moment; send it again");
        }
        return new ReportOutcome(alarming, task?.Id);
    }

    internal static byte[] Hash(string token) => SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(token));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
