using Fangkong.Core.Accounts;
using Fangkong.Core.Tasks;
using Fangkong.Data.Orders;
using Fangkong.Data.Tasks;
using Fangkong.Web.People;
using Fangkong.Web.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Localization;

namespace Fangkong.Web.Tasks;

public sealed record PushRequest(string? Batch, DateTime? PushedAt, List<PushRow> Rows);
public sealed record PushRow(string? Name, string? IdNumber, string? Phone, string? Address, string? Origin, string? Reason, string? PushedAt,
    Dictionary<string, string>? Extra);
public sealed record TargetRequest(string? Target, string? Reason, int? Version);
public sealed record RouteManyRequest(IReadOnlyList<long>? Ids, string? Target);
public sealed record VersionedReason(string? Reason, int? Version);
public sealed record TeamRequest(List<TeamMember> Members, int? Version);
public sealed record VerifyRequest(bool ClearCount, bool ClearIdentity, bool ClearLocation, bool ClearControl, VerificationOutcome Outcome, string? Note, int? Version);
public sealed record SampleRequest(DateTime? At, int? Version);
public sealed record ResultRequest(string? Result, int? Version, decimal? Orf1abCt = null, decimal? NCt = null);
public sealed record CloseRequest(string? Measure, DateOnly? ExposureDate, string? Note, int? Version);
/// <param name="Member">The team role of the member whose phone to show (field Phone); empty for the pushed person's own identifiers.</param>
public sealed record TaskRevealRequest(Fangkong.Data.People.RevealField Field, string? Reason, string? Member = null);
public sealed record DeadlineProfileWrite(string? Name, List<DeadlineStage> Stages, string? Reason);

/// <summary>
/// Pushed verification tasks (协查) over HTTP: machine pushes and file imports (county), queues and task work
/// (townships and villages, within their subtree), the board, feedback files, the deadline profile.
/// </summary>
public static class VerificationModule
{
    public const int MaxPushRows = 100_000;

    public static IServiceCollection AddVerification(this IServiceCollection services)
    {
        services.AddScoped<VerificationImporter>();
        services.AddScoped<VerificationService>();
        services.AddScoped<VerificationBoard>();
        services.AddScoped<DeadlineProfiles>();
        return services;
    }

    public static RouteGroupBuilder MapVerificationEndpoints(this RouteGroupBuilder api)
    {
        var g = api.MapGroup("/verification").WithTags("Verification");
        g.MapPost("/push", async Task<Results<Ok<VerificationImportSummary>, ProblemHttpResult>> (PushRequest body, VerificationImporter importer, CancellationToken ct) =>
        {
            if (body.Rows is null || body.Rows.Count == 0) return TypedResults.Problem("no rows", statusCode: 400);
            if (body.Rows.Count > MaxPushRows) return TypedResults.Problem($"at most {MaxPushRows} rows per push; send a file for more", statusCode: 413);
            var rows = body.Rows.Select((r, i) => new PushedRow(i + 1, r.Name, r.IdNumber, r.Phone, r.Address, r.Origin, r.Reason, r.PushedAt, body.Batch,
                r.Extra?.Select(e => new KeyValuePair<string, string>(e.Key, e.Value)).ToList())).ToList();
            return TypedResults.Ok(await importer.ImportRowsAsync(body.Batch ?? "push", rows, new VerificationImportOptions(body.Batch, body.PushedAt), ct));
        }).RequireAuthorization(Permissions.VerificationManage).WithName("Verification_Push")
            .WithSummary("A machine push of rows (JSON), with the same rules and figures as a file; the same rows again change nothing (reimported). "
                + "batch is required; pushedAt (county time unless it carries an offset) must not be later than now: 400 naming the field. A row's unreadable or future pushedAt is a row error, the row is still worked.");
        g.MapPost("/import", async Task<Results<Ok<VerificationImportSummary>, ProblemHttpResult>> (HttpContext http, ImportUploads uploads, VerificationImporter importer,
            string? batch, DateTime? pushedAt, CancellationToken ct) =>
        {
            var saved = await uploads.ReceiveAsync(http, ct);
            if (saved.Problem is { } problem) return problem;
            try { return TypedResults.Ok(await importer.ImportFileAsync(saved.Path!, saved.FileName!, new VerificationImportOptions(batch, pushedAt), null, ct)); }
            finally { File.Delete(saved.Path!); }
        }).RequireAuthorization(Permissions.VerificationManage).DisableAntiforgery().WithName("Verification_Import")
            .WithSummary("Import a pushed list (xlsx or csv in UTF-8 or GBK; multipart field \"file\"): 姓名, 身份证号, 手机号, 现住址, 来源地, 推送原因, 推送时间, 推送批次.");

        g.MapGet("/board", async (VerificationBoard b) => TypedResults.Ok(await b.GetAsync())).RequireAuthorization(Permissions.VerificationRead).WithName("Verification_Board")
            .WithSummary("Counts by batch and state, open and overdue by township (the caller's subtree).");
        g.MapGet("/misses", async (VerificationBoard b, DateTime? since) => TypedResults.Ok(await b.MissesByUnitAsync(since))).RequireAuthorization(Permissions.VerificationRead)
            .WithName("Verification_Misses").WithSummary("Missed deadlines per unit one level below the caller (accountability), per stage, with how many were escalated.");
        g.MapGet("/batches/{id:long}/feedback", async (HttpContext http, long id, VerificationBoard b, IStringLocalizer<VerificationStrings> text, CountyTime time, bool reveal = false, string? reason = null) =>
        {
            var found = true;
            var file = await PeopleModule.TemporaryFileAsync(async stream => found = await b.FeedbackAsync(id, stream, reveal, reason, http.RequestAborted),
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", string.Format(text["FeedbackFile"], id, time.FileStamp));
            return found ? (IResult)file : TypedResults.NotFound();
        }).RequireAuthorization(Permissions.VerificationRead).WithName("Verification_Feedback")
            .WithSummary("The feedback file of a batch: one row per source row with its outcome (masked unless reveal=true with a reason).");

        g.MapGet("/tasks", async (VerificationService s, VerificationStatus? status, bool openOnly = true, long? batchId = null, bool overdueOnly = false, string? q = null,
            int page = 1, int pageSize = 50, string? place = null) => TypedResults.Ok(await s.SearchAsync(new VerificationQuery(status, openOnly, batchId, overdueOnly, q, page, pageSize, place))))
            .RequireAuthorization(Permissions.VerificationRead).WithName("Verification_Search")
            .WithSummary("The caller's queue, most urgent first; q is a name, an ID number or a mobile number; place a township's or village's scope key.");
        g.MapGet("/tasks/{id:long}", async Task<Results<Ok<VerificationDetail>, NotFound>> (long id, VerificationService s) =>
            await s.GetAsync(id) is { } d ? TypedResults.Ok(d.WithTeamPhonesMasked()) : TypedResults.NotFound()).RequireAuthorization(Permissions.VerificationRead)
            .WithName("Verification_Get").WithSummary("One task; identifiers masked, the team members' phones too (reveal shows one in full).");
        g.MapPost("/tasks/{id:long}/reveal", async Task<Results<Ok<Fangkong.Web.People.RevealResponse>, NotFound>> (long id, TaskRevealRequest body, VerificationService s) =>
                await s.RevealAsync(id, body.Field, body.Reason, body.Member) is { } value ? TypedResults.Ok(new Fangkong.Web.People.RevealResponse(body.Field, value)) : TypedResults.NotFound())
            .RequireAuthorization(Permissions.PeopleReveal).WithName("Verification_Reveal")
            .WithSummary("Show one pushed identifier of a task (ID number, phone, address) in full, or with member (a team role) that member's phone; "
                + "written to the access log with its reason.");
        g.MapPost("/tasks/{id:long}/team", (long id, TeamRequest body, VerificationService s) => Done(s.NameTeamAsync(id, body.Members ?? [], body.Version)))
            .RequireAuthorization(Permissions.VerificationWork).WithName("Verification_Team").WithSummary("Name the three-person team (roles from configuration).");
        g.MapPost("/tasks/{id:long}/verify", (long id, VerifyRequest b, VerificationService s) =>
            Done(s.VerifyAsync(id, new VerifyInput(b.ClearCount, b.ClearIdentity, b.ClearLocation, b.ClearControl, b.Outcome, b.Note), b.Version)))
            .RequireAuthorization(Permissions.VerificationWork).WithName("Verification_Verify").WithSummary("The four clears and the outcome.");
        g.MapPost("/tasks/{id:long}/sample", (long id, SampleRequest b, VerificationService s) => Done(s.SampleAsync(id, b.At, b.Version)))
            .RequireAuthorization(Permissions.VerificationWork).WithName("Verification_Sample");
        g.MapPost("/tasks/{id:long}/result", (long id, ResultRequest b, VerificationService s) => Done(s.ResultAsync(id, new ResultInput(b.Result, b.Orf1abCt, b.NCt), b.Version)))
            .RequireAuthorization(Permissions.VerificationWork).WithName("Verification_Result")
            .WithSummary("negative or positive; a positive may carry the lab's Ct values (orf1abCt, nCt: 0–45, one decimal).");
        g.MapPost("/tasks/{id:long}/close", (long id, CloseRequest b, VerificationService s, OrderService orders) =>
            Done(s.CloseAsync(id, new CloseInput(b.Measure, b.ExposureDate, b.Note), orders, b.Version)))
            .RequireAuthorization(Permissions.VerificationWork).WithName("Verification_Close").WithSummary("Close with the measure decided (a rule-pack reason opens a control order; \"none\" closes without); the note is kept with the task either way.");
        g.MapPost("/tasks/{id:long}/return", (long id, VersionedReason b, VerificationService s) => Done(s.ReturnAsync(id, b.Reason, b.Version)))
            .RequireAuthorization(Permissions.VerificationWork).WithName("Verification_Return").WithSummary("Back to the county's routing queue with a reason.");
        g.MapPost("/tasks/{id:long}/transfer", (long id, TargetRequest b, VerificationService s) => Done(s.TransferAsync(id, b.Target, b.Reason, b.Version)))
            .RequireAuthorization(Permissions.VerificationWork).WithName("Verification_Transfer").WithSummary("Over to another township or village (9- or 12-digit code).");
        g.MapGet("/routing", async (VerificationService s, string? address = null, int max = 500) => TypedResults.Ok(await s.RoutingQueueAsync(address, max)))
            .RequireAuthorization(Permissions.VerificationManage).WithName("Verification_RoutingQueue")
            .WithSummary("The manual routing queue (address masked); address= keeps the tasks whose pushed address contains the text.");
        g.MapPost("/routing", async (RouteManyRequest body, VerificationService s) => TypedResults.Ok(await s.RouteManyAsync(body.Ids ?? [], body.Target)))
            .RequireAuthorization(Permissions.VerificationManage).WithName("Verification_RouteMany")
            .WithSummary("Route many tasks of the queue to one township or village at once; tasks routed meanwhile are skipped.");
        g.MapPost("/tasks/{id:long}/route", (long id, TargetRequest b, VerificationService s) => Done(s.RouteAsync(id, b.Target, b.Version)))
            .RequireAuthorization(Permissions.VerificationManage).WithName("Verification_Route").WithSummary("The command centre routes a task from its manual queue.");

        g.MapGet("/deadline-profile", async (DeadlineProfiles p) => TypedResults.Ok(await p.HistoryAsync())).RequireAuthorization(Permissions.VerificationRead)
            .WithName("Verification_DeadlineProfile").WithSummary("The deadline profile in force (first) and its history.");
        g.MapPut("/deadline-profile", async (DeadlineProfileWrite body, DeadlineProfiles p) => TypedResults.Ok(new { version = await p.SaveAsync(body.Stages ?? [], body.Name, body.Reason) }))
            .RequireAuthorization(Permissions.VerificationManage).WithName("Verification_SaveDeadlineProfile").WithSummary("Save a new version (minutes per stage) with a reason.");
        return api;
    }

    /// <summary>
    /// The queue page's upload: a plain form post (antiforgery-checked) answered with a redirect to the batch, whose
    /// stored figures the page shows; a failed upload or import redirects with what went wrong (an upload problem code,
    /// or the job whose recorded error is shown). Nothing but ids and codes travels in the address.
    /// </summary>
    public static WebApplication MapVerificationPages(this WebApplication app)
    {
        app.MapPost("/verification/upload", async (HttpContext http, ImportUploads uploads, VerificationImporter importer, Fangkong.Web.Infrastructure.CountyTime time, CancellationToken ct) =>
        {
            var saved = await uploads.ReceiveAsync(http, ct);
            if (saved.Problem is not null)
                return Results.LocalRedirect("/verification/tasks?failed=" + (saved.Problem.StatusCode == StatusCodes.Status413PayloadTooLarge ? "too-large" : "no-file"));
            try
            {
                var batch = http.Request.Form["batch"].ToString();
                // When the list was pushed, in county time (the deadlines run from it); left empty, the time of each row or of the upload.
                var pushedAt = time.FromLocal(http.Request.Form["pushedAt"].ToString());
                var s = await importer.ImportFileAsync(saved.Path!, saved.FileName!, new VerificationImportOptions(string.IsNullOrWhiteSpace(batch) ? null : batch, pushedAt), null, ct);
                return Results.LocalRedirect(s.Error is not null ? $"/verification/tasks?failed=job&job={s.JobId}"
                    : $"/verification/tasks?batch={s.BatchId}&imported=1{(s.Reimported ? "&again=1" : "")}");
            }
            catch (Fangkong.Data.Infrastructure.ValidationFailedException e) when (e.Errors.Any(f => f.Code == PushedTimeRules.Future))
            {
                return Results.LocalRedirect("/verification/tasks?failed=pushedAt-future");
            }
            finally { File.Delete(saved.Path!); }
        }).RequireAuthorization(Permissions.VerificationManage).ExcludeFromDescription();
        return app;
    }

    private static async Task<Results<NoContent, NotFound>> Done(Task<bool> work) => await work ? TypedResults.NoContent() : TypedResults.NotFound();
}
