using Microsoft.Extensions.Localization;
using Fangkong.Core.Accounts;
using Fangkong.Core.Arrivals;
using Fangkong.Core.Orders;
using Fangkong.Core.People;
using Fangkong.Core.Policy;
using Fangkong.Data.Arrivals;
using Fangkong.Data.Infrastructure;
using Fangkong.Data.Orders;
using Fangkong.Data.Policy;
using Fangkong.Data.Tasks;
using Fangkong.Web.Infrastructure;
using Fangkong.Web.People;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using QRCoder;

namespace Fangkong.Web.ClosedLoop;

public sealed record RulePackWrite(string Json, string? Reason);
/// <param name="Basis">The notice the lift rests on (required).</param>
public sealed record LiftRequest(DateOnly? LiftedOn, string? Basis, string? Reason);
public sealed record DecisionRequest(bool Confirm, string? Note);
public sealed record LandingTestRequest(string? Result);
public sealed record ReasonRequest(string? Reason);
/// <param name="Outcome">What was done ("transferred to the county hospital at 14:20"): kept as the task's outcome.</param>
public sealed record TaskCloseRequest(string? Outcome);
public sealed record ExtendRequest(int Days, string? Reason);
/// <param name="Hospital">The designated hospital (定点医院) the person is taken to, by name (200 characters at most): the transfer trip's destination.</param>
public sealed record TransferRequest(string? Reason, string? Hospital);
public sealed record LinkResponse(string Token, string Url);
public sealed record EvaluationResponse(string RulePack, string RuleReference, bool Local, IReadOnlyList<EvaluatedMeasure> Measures);
/// <param name="Listed">whether the place was listed at the level asked on that day</param>
/// <param name="Listings">the listings at that level in force that day</param>
public sealed record CheckResponse(bool Listed, IReadOnlyList<RiskAreaItem> Listings)
{
    public static CheckResponse Of(RiskAreaCheck check, RiskLevel level)
    {
        var listings = check.Listings.Where(l => l.Level == level).ToList();
        return new(listings.Count > 0, listings);
    }
}
public sealed record RiskAreaDetail(RiskAreaItem Area, IReadOnlyList<RiskAreaItem> Periods);
public sealed record ControlStatusResponse(ControlStatus Status);

/// <summary>
/// The closed loop over HTTP: policy (rule packs, risk areas), arrivals, control orders with their tests, owners and
/// reports, tasks and ledgers; every endpoint behind a permission and the caller's jurisdiction.
/// </summary>
public static class ClosedLoopModule
{
    public static IServiceCollection AddClosedLoop(this IServiceCollection services)
    {
        services.AddScoped<PolicyService>();
        services.AddScoped<DutyRoleService>();
        services.AddScoped<DutyRoleNames>();
        services.AddScoped<RuleNames>();
        services.AddScoped<RiskAreaService>();
        services.AddScoped<ArrivalService>();
        services.AddScoped<OrderService>();
        services.AddScoped<MonitoringService>();
        services.AddScoped<TaskService>();
        services.AddScoped<LedgerService>();
        services.AddScoped<PublicArrivals>();
        services.AddSingleton<RegistrationPoints>();
        services.AddSingleton<PublicChallenge>();
        services.AddHostedService<SweepWorker>();
        return services;
    }

    public static RouteGroupBuilder MapClosedLoopEndpoints(this RouteGroupBuilder api)
    {
        var packs = api.MapGroup("/rule-packs").WithTags("Policy");
        packs.MapGet("/", async (PolicyService s) => TypedResults.Ok(await s.ListAsync())).RequireAuthorization(Permissions.PolicyRead).WithName("RulePacks_List");
        packs.MapGet("/{packId}", async Task<Results<Ok<RulePackDetail>, NotFound>> (string packId, PolicyService s) =>
            await s.GetAsync(packId) is { } d ? TypedResults.Ok(d) : TypedResults.NotFound()).RequireAuthorization(Permissions.PolicyRead).WithName("RulePacks_Get");
        packs.MapPut("/{packId}", async (string packId, RulePackWrite body, PolicyService s) => TypedResults.Ok(await s.SaveAsync(packId, body.Json, body.Reason)))
            .RequireAuthorization(Permissions.PolicyManage).WithName("RulePacks_Save").WithSummary("Save a new version of a pack or of the local layer (\"local\"); validated first.");
        api.MapGet("/policy/evaluate", async (string reason, DateOnly exposureDate, DateOnly? on, PolicyService s, CountyTime time) =>
        {
            var errors = PolicyDates.CheckEvaluation(exposureDate, on, time.Today).ToList();
            var rules = await s.RulesAsync();
            // An empty list is the answer for a reason the pack in force does not manage; a reason no pack knows is a mistake.
            var why = reason.Trim();
            if (why.Length == 0) errors.Add(new FieldError("reason", "required"));
            else if (!rules.Knows(why)) errors.Add(new FieldError("reason", "reason.unknown"));
            ValidationFailedException.ThrowIfAny(errors);
            var e = rules.Evaluate(why, exposureDate, on);
            return TypedResults.Ok(new EvaluationResponse(e.Pack.Id, e.RuleReference, e.Local, e.Measures));
        }).RequireAuthorization(Permissions.PolicyRead).WithTags("Policy").WithName("Policy_Evaluate")
            .WithSummary("The measures a reason brings under the rules in force (day 1 = the exposure date).");

        var roles = api.MapGroup("/duty-roles").WithTags("Policy");
        roles.MapGet("/", async (DutyRoleService s, DutyRoleKind? kind) => TypedResults.Ok(await s.ListAsync(kind))).WithName("DutyRoles_List")
            .WithSummary("The county's duty roles: the five-to-one owner roles (kind=Owner) and the verification team's roles (kind=Team), inactive ones too.");
        roles.MapPost("/", async (DutyRoleInput body, DutyRoleService s) => TypedResults.Ok(new { id = await s.CreateAsync(body) }))
            .RequireAuthorization(Permissions.PolicyManage).WithName("DutyRoles_Create")
            .WithSummary("Add a role to a list: kind and Chinese name; the code is made from the name when left out, the English name is the Chinese one when left out.");
        roles.MapPut("/{id:long}", async Task<Results<NoContent, NotFound>> (long id, DutyRoleInput body, DutyRoleService s) =>
            await s.UpdateAsync(id, body) ? TypedResults.NoContent() : TypedResults.NotFound())
            .RequireAuthorization(Permissions.PolicyManage).WithName("DutyRoles_Update").WithSummary("Rename, reorder or retire a role (isActive=false); its code and kind never change.");
        roles.MapGet("/{id:long}/history", async Task<Results<Ok<Page<Fangkong.Data.Audit.AuditItem>>, NotFound>> (long id, DutyRoleService s, int page = 1) =>
            await s.HistoryAsync(id, page) is { } h ? TypedResults.Ok(h) : TypedResults.NotFound())
            .RequireAuthorization(Permissions.PolicyRead).WithName("DutyRoles_History");

        var areas = api.MapGroup("/risk-areas").WithTags("Policy");
        areas.MapGet("/", async (RiskAreaService s, string? q, RiskLevel? level, bool activeOnly = false, DateOnly? on = null, int page = 1, int pageSize = 50,
                string? areaCounty = null, DateOnly? from = null, DateOnly? to = null) =>
            TypedResults.Ok(await s.SearchAsync(new RiskAreaQuery(q, level, activeOnly, on, page, pageSize, areaCounty, from, to)))).RequireAuthorization(Permissions.PolicyRead).WithName("RiskAreas_Search")
            .WithSummary("The list: by text, level, the county the area lies in (a name such as 金水区, or its code), in force on a day (on) or at some time during [from, to].");
        areas.MapPost("/", async (RiskAreaInput body, RiskAreaService s) => TypedResults.Ok(new { id = await s.CreateAsync(body, null) }))
            .RequireAuthorization(Permissions.PolicyManage).WithName("RiskAreas_Create");
        areas.MapGet("/{id:long}", async Task<Results<Ok<RiskAreaDetail>, NotFound>> (long id, RiskAreaService s) =>
            await s.GetAsync(id) is { } area ? TypedResults.Ok(new RiskAreaDetail(area, await s.HistoryAsync(id))) : TypedResults.NotFound())
            .RequireAuthorization(Permissions.PolicyRead).WithName("RiskAreas_Get").WithSummary("One period of a place with every period of that place (its history).");
        areas.MapPut("/{id:long}", async Task<Results<NoContent, NotFound>> (long id, RiskAreaEdit body, RiskAreaService s) =>
            await s.UpdateAsync(id, body) ? TypedResults.NoContent() : TypedResults.NotFound())
            .RequireAuthorization(Permissions.PolicyManage).WithName("RiskAreas_Update").WithSummary("Correct a period's dates, source or local reason (a reason is required).");
        areas.MapPost("/{id:long}/lift", async Task<Results<NoContent, NotFound>> (long id, LiftRequest body, RiskAreaService s) =>
            await s.LiftAsync(id, body.LiftedOn, body.Basis, body.Reason) ? TypedResults.NoContent() : TypedResults.NotFound()).RequireAuthorization(Permissions.PolicyManage).WithName("RiskAreas_Lift");
        areas.MapPost("/import", async Task<Results<Ok<RiskAreaImportResult>, ProblemHttpResult>> (HttpContext http, ImportUploads uploads, RiskAreaService s) =>
        {
            var saved = await uploads.ReceiveAsync(http, http.RequestAborted);
            if (saved.Problem is not null) return saved.Problem;
            try
            {
                await using var file = File.OpenRead(saved.Path!);
                var reason = http.Request.Form["reason"].ToString();
                return TypedResults.Ok(await s.ImportAsync(file, saved.FileName!, string.IsNullOrWhiteSpace(reason) ? null : reason, http.RequestAborted));
            }
            finally { File.Delete(saved.Path!); }
        }).RequireAuthorization(Permissions.PolicyManage).DisableAntiforgery().WithName("RiskAreas_Import")
            .WithSummary("Import a published list (xlsx or csv: 所在地区, 风险区, 风险等级, 划定日期, 解除日期, 来源).");
        areas.MapGet("/check", async (string county, string place, RiskLevel level, DateOnly date, RiskAreaService s) =>
            TypedResults.Ok(CheckResponse.Of(await s.CheckAsync(county, place, date), level))).RequireAuthorization(Permissions.PolicyRead).WithName("RiskAreas_Check")
            .WithSummary("Was place P (in county C: its code or a name such as 郑州市金水区) at level L on date D? With the listings that say so.");
        areas.MapGet("/active", async (string county, DateOnly from, DateOnly to, RiskAreaService s) =>
            TypedResults.Ok((await s.IndexAsync()).ActiveIn(county, from, to).Select(a => new { a.Id, a.Place, a.Level, a.DesignatedOn, a.LiftedOn }).ToList()))
            .RequireAuthorization(Permissions.PolicyRead).WithName("RiskAreas_Active").WithSummary("The areas of county C in force at some time during [from, to].");

        var arrivals = api.MapGroup("/arrivals").WithTags("Arrivals");
        arrivals.MapGet("/", async (ArrivalService s, ArrivalStatus? status, bool pendingOnly = false, DateOnly? from = null, DateOnly? to = null, string? q = null,
            ArrivalChannel? channel = null, int page = 1, int pageSize = 50, string? place = null) =>
            TypedResults.Ok(await s.SearchAsync(new ArrivalQuery(status, pendingOnly, from, to, q, channel, page, pageSize, place)))).RequireAuthorization(Permissions.ArrivalsRead).WithName("Arrivals_Search");
        arrivals.MapGet("/{id:long}", async Task<Results<Ok<ArrivalDetail>, NotFound>> (long id, ArrivalService s) =>
            await s.GetAsync(id) is { } d ? TypedResults.Ok(d) : TypedResults.NotFound()).RequireAuthorization(Permissions.ArrivalsRead).WithName("Arrivals_Get");
        arrivals.MapPost("/", async (ArrivalInput body, ArrivalService s, ArrivalChannel channel = ArrivalChannel.Checkpoint, string? point = null) =>
            TypedResults.Ok(await s.RegisterAsync(body, channel, point))).RequireAuthorization(Permissions.ArrivalsRegister).WithName("Arrivals_Register")
            .WithSummary("Staff registration (checkpoint, station, village, point-to-point pick-up); classified at once.");
        arrivals.MapPost("/{id:long}/decision", async Task<Results<NoContent, NotFound>> (long id, DecisionRequest body, ArrivalService s) =>
            await s.DecideAsync(id, body.Confirm, body.Note) ? TypedResults.NoContent() : TypedResults.NotFound()).RequireAuthorization(Permissions.ArrivalsDecide).WithName("Arrivals_Decide");

        arrivals.MapPost("/{id:long}/landing-test", async Task<Results<NoContent, NotFound>> (long id, LandingTestRequest body, ArrivalService s) =>
            await s.LandingTestResultAsync(id, body.Result) ? TypedResults.NoContent() : TypedResults.NotFound()).RequireAuthorization(Permissions.ArrivalsRegister)
            .WithName("Arrivals_LandingTest").WithSummary("The landing test's result (negative or positive, once); a positive raises the transfer task.");

        arrivals.MapPost("/{id:long}/pick-up", async Task<Results<Ok<object>, NotFound>> (long id, Fangkong.Data.Sites.TripService s) =>
            await s.RequestArrivalPickUpAsync(id) is { } trip ? TypedResults.Ok((object)new { id = trip }) : TypedResults.NotFound())
            .RequireAuthorization(Permissions.SitesWork).WithName("Arrivals_PickUp")
            .WithSummary("A point-to-point pick-up (点对点接返) from where the person landed to their allocated site or their village; one open per arrival.");

        var orders = api.MapGroup("/orders").WithTags("Orders");
        orders.MapGet("/", async (OrderService s, OrderStatus? status, bool openOnly = false, string? kind = null, string? q = null, long? personId = null,
            bool releaseDue = false, int page = 1, int pageSize = 50, bool testsDueToday = false, string? place = null) =>
            TypedResults.Ok(await s.SearchAsync(new OrderQuery(status, openOnly, kind, q, personId, releaseDue, page, pageSize, TestsDueToday: testsDueToday, Place: place))))
            .RequireAuthorization(Permissions.OrdersRead).WithName("Orders_Search");
        orders.MapGet("/{id:long}", async Task<Results<Ok<OrderDetail>, NotFound>> (long id, OrderService s) =>
            await s.GetAsync(id) is { } d ? TypedResults.Ok(d) : TypedResults.NotFound()).RequireAuthorization(Permissions.OrdersRead).WithName("Orders_Get");
        orders.MapPost("/", async (OrderCreate body, OrderService s) => TypedResults.Ok(new { id = await s.CreateAsync(body) }))
            .RequireAuthorization(Permissions.OrdersManage).WithName("Orders_Create").WithSummary("Open an order for a registered person under the rules in force.");
        // A POST so the identifier stays out of URLs and request logs; county-wide by design, masked, access-logged.
        orders.MapPost("/close-contacts/lookup", async (CloseContactLookup body, OrderService s) => TypedResults.Ok(await s.FindCloseContactAsync(body.Identifier)))
            .RequireAuthorization(Permissions.OrdersManage).WithName("Orders_FindCloseContact")
            .WithSummary("A close contact's open orders anywhere in the county, by exact resident ID or phone number, masked: what a secondary contact's order is linked to (linkedOrderId).");
        orders.MapPost("/{id:long}/confirm", (long id, ReasonRequest body, OrderService s) => Done(s.ConfirmAsync(id, body.Reason))).RequireAuthorization(Permissions.OrdersManage).WithName("Orders_Confirm");
        orders.MapPost("/{id:long}/extend", (long id, ExtendRequest body, OrderService s) => Done(s.ExtendAsync(id, body.Days, body.Reason))).RequireAuthorization(Permissions.OrdersManage).WithName("Orders_Extend");
        orders.MapPost("/{id:long}/transfer", (long id, TransferRequest body, OrderService s) => Done(s.TransferToHospitalAsync(id, body.Reason, body.Hospital))).RequireAuthorization(Permissions.OrdersManage).WithName("Orders_Transfer")
            .WithSummary("Transfer to the designated hospital named (hospital, required): the order closes, a stay at a site is checked out, and the transfer trip to that hospital is requested; 409 trip.passenger-on-open-trip while the person is on an open trip.");
        orders.MapPost("/{id:long}/cancel", (long id, ReasonRequest body, OrderService s) => Done(s.CancelAsync(id, body.Reason))).RequireAuthorization(Permissions.OrdersManage).WithName("Orders_Cancel");
        orders.MapPost("/{id:long}/release", (long id, ReasonRequest body, OrderService s) => Done(s.ReleaseAsync(id, body.Reason))).RequireAuthorization(Permissions.OrdersManage).WithName("Orders_Release")
            .WithSummary("Release: refused (409, naming why) until the measures are over and every required test is negative.");
        orders.MapPost("/{id:long}/tests", (long id, TestResultInput body, OrderService s) => Done(s.RecordTestAsync(id, body))).RequireAuthorization(Permissions.OrdersTests).WithName("Orders_RecordTest");
        orders.MapPut("/{id:long}/owners", (long id, List<OwnerInput> body, OrderService s) => Done(s.SetOwnersAsync(id, body))).RequireAuthorization(Permissions.OrdersManage).WithName("Orders_SetOwners");
        orders.MapPost("/{id:long}/reports", async Task<Results<Ok<ReportOutcome>, NotFound>> (long id, ReportInput body, MonitoringService s) =>
            await s.ReportAsync(id, body) is { } r ? TypedResults.Ok(r) : TypedResults.NotFound()).RequireAuthorization(Permissions.MonitoringReport).WithName("Orders_Report");
        orders.MapPost("/{id:long}/link", async Task<Results<Ok<LinkResponse>, NotFound>> (long id, MonitoringService s, HttpContext http) =>
            await s.IssueLinkAsync(id) is { } token ? TypedResults.Ok(new LinkResponse(token, $"{http.Request.Scheme}://{http.Request.Host}/report/{token}")) : TypedResults.NotFound())
            .RequireAuthorization(Permissions.MonitoringReport).WithName("Orders_IssueLink").WithSummary("A new reporting link for the person (earlier links stop working).");
        orders.MapGet("/spot-checks/draw", async (MonitoringService s, int count = 10) => TypedResults.Ok(await s.DrawSpotChecksAsync(count)))
            .RequireAuthorization(Permissions.SpotChecks).WithName("Orders_DrawSpotChecks")
            .WithSummary("Orders in force drawn at random (not yet checked today) for call-back spot checks, within the caller's jurisdiction.");
        orders.MapPost("/{id:long}/spot-checks", (long id, SpotCheckInput body, MonitoringService s) => Done(s.SpotCheckAsync(id, body))).RequireAuthorization(Permissions.SpotChecks).WithName("Orders_SpotCheck");
        api.MapGet("/people/{id:long}/control-status", async Task<Results<Ok<ControlStatusResponse>, NotFound>> (long id, OrderService s) =>
            await s.ControlStatusAsync(id) is { } st ? TypedResults.Ok(new ControlStatusResponse(st)) : TypedResults.NotFound())
            .RequireAuthorization(Permissions.OrdersRead).WithTags("Orders").WithName("People_ControlStatus").WithSummary("Under measure, monitoring or clear, derived from the person's orders.");

        var tasks = api.MapGroup("/tasks").WithTags("Tasks");
        // A task's title is a code with arguments ("positive-test?day=7"); titleText puts it in the caller's language.
        tasks.MapGet("/", async (TaskService s, IStringLocalizer<ClosedLoopStrings> c, Core.Tasks.TaskStatus? status, bool openOnly = true, string? kind = null, bool overdueOnly = false, int page = 1, int pageSize = 50) =>
        {
            var found = await s.SearchAsync(new TaskQuery(status, openOnly, kind, overdueOnly, page, pageSize));
            return TypedResults.Ok(found with { Items = [.. found.Items.Select(t => t with { TitleText = c.TaskTitle(t.Title) })] });
        }).RequireAuthorization(Permissions.TasksRead).WithName("Tasks_Search");
        tasks.MapGet("/{id:long}", async Task<Results<Ok<TaskItem>, NotFound>> (long id, TaskService s, IStringLocalizer<ClosedLoopStrings> c) =>
            await s.GetAsync(id) is { } t ? TypedResults.Ok(t with { TitleText = c.TaskTitle(t.Title) }) : TypedResults.NotFound())
            .RequireAuthorization(Permissions.TasksRead).WithName("Tasks_Get");
        tasks.MapPost("/{id:long}/start", (long id, TaskService s) => Done(s.StartAsync(id))).RequireAuthorization(Permissions.TasksWork).WithName("Tasks_Start");
        tasks.MapPost("/{id:long}/close", (long id, TaskCloseRequest body, TaskService s) => Done(s.CloseAsync(id, body.Outcome))).RequireAuthorization(Permissions.TasksWork).WithName("Tasks_Close");

        var ledgers = api.MapGroup("/ledgers").WithTags("Orders");
        ledgers.MapGet("/counts", async (LedgerService s) => TypedResults.Ok(await s.CountsAsync())).RequireAuthorization(Permissions.OrdersRead).WithName("Ledgers_Counts");
        ledgers.MapGet("/units", async (LedgerService s) => TypedResults.Ok(await s.ByUnitAsync())).RequireAuthorization(Permissions.OrdersRead).WithName("Ledgers_Units")
            .WithSummary("Today's ledger figures per unit one level below the caller (the county's townships, a township's villages).");
        ledgers.MapGet("/export", async (HttpContext http, LedgerService s, IStringLocalizer<ClosedLoopStrings> c, CountyTime time, DateOnly? from, DateOnly? to, bool reveal = false, string? reason = null) =>
            await PeopleModule.TemporaryFileAsync(stream => s.ExportAsync(stream, from, to, reveal, reason, http.RequestAborted, key => c[key] is { ResourceNotFound: false } text ? text.Value : null),
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", string.Format(c["LedgerExportFile"], time.FileStamp)))
            .RequireAuthorization(Permissions.LedgersExport).WithName("Ledgers_Export")
            .WithSummary("The ledgers as one xlsx: arrivals, people under measures, tests due, releases due, missed reports, locals outside the county.");
        return api;
    }

    /// <summary>The public QR code of a registration point: a PNG of the page's absolute address, for printing.</summary>
    public static WebApplication MapPublicClosedLoop(this WebApplication app)
    {
        app.MapGet("/arrive/{point}/qr.png", (string point, HttpContext http, RegistrationPoints points) =>
        {
            if (!points.Exists(point)) return Results.NotFound();
            var url = $"{http.Request.Scheme}://{http.Request.Host}/arrive/{point}";
            using var data = QRCodeGenerator.GenerateQrCode(url, QRCodeGenerator.ECCLevel.M);
            var png = new PngByteQRCode(data).GetGraphic(8);
            http.Response.Headers.CacheControl = "public, max-age=86400";
            return Results.File(png, "image/png");
        }).AllowAnonymous().ExcludeFromDescription();

        // The risk-area page's upload: a plain form post (antiforgery-checked), answered with a redirect carrying the counts.
        app.MapPost("/risk-areas/upload", async (HttpContext http, ImportUploads uploads, RiskAreaService s) =>
        {
            var saved = await uploads.ReceiveAsync(http, http.RequestAborted);
            if (saved.Problem is not null)
                return Results.LocalRedirect("/risk-areas?failed=" + (saved.Problem.StatusCode == StatusCodes.Status413PayloadTooLarge ? "file.too-large" : "file.missing"));
            try
            {
                await using var file = File.OpenRead(saved.Path!);
                var result = await s.ImportAsync(file, saved.FileName!, null, http.RequestAborted);
                var failed = result.Errors.Count == 0 ? "" : "&failed=" + RowErrorsQuery.Encode(result.Errors.Select(e => new RowErrorsQuery.Item(e.Row, e.Field, e.Code)));
                // The list is named by the file's own name as uploaded, never the name it was stored under.
                var name = "&file=" + Uri.EscapeDataString(Path.GetFileName(saved.FileName ?? "") is { Length: > 0 and <= 200 } n ? n : "-");
                return Results.LocalRedirect($"/risk-areas?imported={result.Added + result.Updated}&rejected={result.Rejected}{name}{failed}");
            }
            finally { File.Delete(saved.Path!); }
        }).RequireAuthorization(Permissions.PolicyManage).ExcludeFromDescription();
        return app;
    }

    private static async Task<Results<NoContent, NotFound>> Done(Task<bool> work) => await work ? TypedResults.NoContent() : TypedResults.NotFound();
}
