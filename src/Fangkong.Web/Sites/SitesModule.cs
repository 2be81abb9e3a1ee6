using Fangkong.Core.Accounts;
using Fangkong.Core.Sites;
using Fangkong.Data.Infrastructure;
using Fangkong.Data.Sites;
using Fangkong.Web.Infrastructure;
using Fangkong.Web.People;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Fangkong.Web.Sites;

public sealed record StatusRequest(SiteStatus Status, int? Version);
public sealed record RoomStateRequest(RoomState State, string? Reason, int? Version);
public sealed record RoomEditRequest(RoomInput Room, int? Version);
public sealed record AllocateRequestBody(long OrderId, long? RoomId, int? Bed);
/// <param name="Hospital">For a check-out to hospital (required then): the designated hospital (定点医院) by name, 200 characters at most; the transfer trip's destination.</param>
public sealed record CheckOutRequest(StayOutcome Outcome, string? Hospital = null);
public sealed record ReasonRequest(string? Reason);
public sealed record ServiceRequest(bool InService, string? Reason);
public sealed record ActiveRequest(bool Active);
public sealed record AssignRequest(long VehicleId, long DriverId);
public sealed record DriverTestRequest(DateTime At, bool Negative);
public sealed record PickUpRequest(TripPlaceKind? FromKind, string? FromText);

/// <summary>
/// Quarantine sites, rooms, stays and closed-loop trips over HTTP. Everything is scoped like the rest of the
/// platform: a township sees its township's sites, the county sees all; another township's ids answer 404.
/// </summary>
public static class SitesModule
{
    public static IServiceCollection AddSites(this IServiceCollection services)
    {
        services.AddScoped<SiteService>();
        services.TryAddScoped<StayService>();
        services.AddScoped<TripService>();
        services.AddScoped<RoundService>();
        return services;
    }

    public static CapacityThreshold Threshold(this IOptions<FangkongOptions> options) =>
        new(options.Value.Sites.MinFreeRooms, options.Value.Sites.MinFreePercent);

    public static RouteGroupBuilder MapSitesEndpoints(this RouteGroupBuilder api)
    {
        var g = api.MapGroup("/sites").WithTags("Sites");
        g.MapGet("", async (SiteService s, IOptions<FangkongOptions> o) => TypedResults.Ok(await s.CapacityAsync(o.Threshold())))
            .RequireAuthorization(Permissions.SitesRead).WithName("Sites_Capacity").WithSummary("Every site the caller sees with rooms by state; the county's totals and the low-capacity alert.");
        g.MapGet("/forecast", async Task<Results<Ok<IReadOnlyList<ForecastDay>>, NotFound>> (SiteService s, IOptions<FangkongOptions> o, TimeProvider time, long? siteId) =>
                await s.ForecastAsync(o.Threshold(), Fangkong.Core.CountyClock.Today(time, o.Value.TimeZone), siteId) is { } days ? TypedResults.Ok(days) : TypedResults.NotFound())
            .RequireAuthorization(Permissions.SitesRead).WithName("Sites_Forecast")
            .WithSummary("Demand for rooms over the next 7 days against the rooms in service, for the county or one site (its people and its share of new demand).");
        g.MapGet("/occupancy", async Task<Results<Ok<IReadOnlyList<OccupancyDay>>, NotFound>> (SiteService s, IOptions<FangkongOptions> o, TimeProvider time, long? siteId, int days = 30) =>
                await s.OccupancyAsync(Fangkong.Core.CountyClock.Today(time, o.Value.TimeZone), days, siteId) is { } list ? TypedResults.Ok(list) : TypedResults.NotFound())
            .RequireAuthorization(Permissions.SitesRead).WithName("Sites_Occupancy").WithSummary("People at the sites each night over the last days (1–366, default 30), with admissions and discharges; one site with siteId.");
        g.MapPost("", async (SiteInput body, SiteService s) => TypedResults.Ok(new { id = await s.CreateAsync(body) }))
            .RequireAuthorization(Permissions.SitesManage).WithName("Sites_Create").WithSummary("Set up a county- or township-level site (status: preparing).");
        g.MapPut("/{id:long}", (long id, SiteEdit body, SiteService s) => Done(s.UpdateAsync(id, body)))
            .RequireAuthorization(Permissions.SitesManage).WithName("Sites_Update")
            .WithSummary("Change a site's name, operator, lead, lead phone, address, contact and reserve rooms (with version: 409 when someone changed it first).");
        g.MapGet("/{id:long}/travel-times", async Task<Results<Ok<IReadOnlyList<TravelTimeItem>>, NotFound>> (long id, SiteService s) =>
                await s.TravelTimesAsync(id) is { } list ? TypedResults.Ok(list) : TypedResults.NotFound())
            .RequireAuthorization(Permissions.SitesRead).WithName("Sites_TravelTimes")
            .WithSummary("Minutes by road from every township of the county to the site (null where none is entered): allocation suggests the nearest site by them.");
        g.MapPut("/{id:long}/travel-times", (long id, [FromBody] TravelTimeEntry[] body, SiteService s) => Done(s.SetTravelTimesAsync(id, body)))
            .RequireAuthorization(Permissions.SitesManage).WithName("Sites_SetTravelTimes")
            .WithSummary("The site's whole travel-time table at once: [{township (9-digit key), minutes (whole, 1–600)}]; a township left out or without minutes has no time. Bad entries are field errors named by the township.");
        g.MapGet("/standards", async (SiteService s, bool all = false) => TypedResults.Ok((await s.ChecklistAsync()).Where(x => all || x.Active).ToList()))
            .RequireAuthorization(Permissions.SitesRead).WithName("Sites_Standards")
            .WithSummary("The standards checklist in force (data; all=true with retired items), with how many inspection results used each item.");
        g.MapPost("/standards", async (StandardInput body, SiteService s) => TypedResults.Ok(new { id = await s.AddStandardAsync(body) }))
            .RequireAuthorization(Permissions.SitesManage).WithName("Sites_AddStandard")
            .WithSummary("Add an item to the county's checklist (name, place in the list, and a code — made from the name when left out); county-level accounts only.");
        g.MapPut("/standards/{id:long}", (long id, StandardInput body, SiteService s) => Done(s.UpdateStandardAsync(id, body)))
            .RequireAuthorization(Permissions.SitesManage).WithName("Sites_UpdateStandard")
            .WithSummary("Rename, reorder, retire (active=false) or restore an item; its code stays. County-level accounts only.");
        g.MapGet("/{id:long}/inspections", async Task<Results<Ok<IReadOnlyList<InspectionRecord>>, NotFound>> (long id, SiteService s, int take = 20) =>
                await s.InspectionsAsync(id, take) is { } list ? TypedResults.Ok(list) : TypedResults.NotFound())
            .RequireAuthorization(Permissions.SitesRead).WithName("Sites_Inspections").WithSummary("The site's inspections, newest first, with every item's result and note.");
        g.MapGet("/{id:long}/board", async Task<Results<Ok<RoomBoard>, NotFound>> (long id, SiteService s) =>
                await s.BoardAsync(id) is { } b ? TypedResults.Ok(b) : TypedResults.NotFound())
            .RequireAuthorization(Permissions.SitesRead).WithName("Sites_Board").WithSummary("The site's rooms floor by floor with their state and occupants.");
        g.MapPost("/{id:long}/rooms/import", async Task<Results<Ok<RoomImportSummary>, NotFound, ProblemHttpResult>> (HttpContext http, long id, ImportUploads uploads, SiteService s) =>
        {
            var saved = await uploads.ReceiveAsync(http, http.RequestAborted);
            if (saved.Problem is { } problem) return problem;
            try
            {
                await using var file = File.OpenRead(saved.Path!);
                return await s.ImportRoomsAsync(id, file, saved.FileName!, http.RequestAborted) is { } r ? TypedResults.Ok(r) : TypedResults.NotFound();
            }
            finally { File.Delete(saved.Path!); }
        }).RequireAuthorization(Permissions.SitesManage).DisableAntiforgery().WithName("Sites_ImportRooms")
            .WithSummary("Rooms file (xlsx / csv: 楼栋, 楼层, 房号, 单人间, 独立卫生间, 无障碍, 家庭房, 床位, 负压); all or nothing, every bad row named.");
        g.MapPost("/{id:long}/rooms", async Task<Results<Ok<object>, NotFound>> (long id, RoomInput body, SiteService s) =>
                await s.AddRoomAsync(id, body) is { } room ? TypedResults.Ok<object>(new { id = room }) : TypedResults.NotFound())
            .RequireAuthorization(Permissions.SitesManage).WithName("Sites_AddRoom").WithSummary("One room typed in (the rooms file's rules; a number already used in the site is refused).");
        g.MapPost("/{id:long}/inspections", async Task<Results<Ok<InspectionVerdict>, NotFound>> (long id, InspectionInput body, SiteService s) =>
                await s.InspectAsync(id, body) is { } v ? TypedResults.Ok(v) : TypedResults.NotFound())
            .RequireAuthorization(Permissions.SitesManage).WithName("Sites_Inspect").WithSummary("An inspection against the standards; the verdict is computed.");
        g.MapPost("/{id:long}/status", (long id, StatusRequest body, SiteService s) => Done(s.ChangeStatusAsync(id, body.Status, body.Version)))
            .RequireAuthorization(Permissions.SitesManage).WithName("Sites_Status").WithSummary("Preparing → in service (after a passed inspection) / standby reserve / closed (when empty).");
        g.MapGet("/{id:long}/roster", async (HttpContext http, long id, SiteService s, IStringLocalizer<SitesStrings> text, CountyTime time) =>
        {
            var found = true;
            var file = await PeopleModule.TemporaryFileAsync(async stream => found = await s.RosterAsync(id, stream, http.RequestAborted),
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", string.Format(text["RosterFile"], id, time.FileStamp));
            return found ? (IResult)file : TypedResults.NotFound();
        }).RequireAuthorization(Permissions.SitesRead).WithName("Sites_Roster").WithSummary("The site's roster as xlsx (identifiers masked).");
        g.MapGet("/{id:long}/rounds", async Task<Results<Ok<SiteRound>, NotFound>> (long id, RoundService s, Fangkong.Core.Orders.ReportSlot slot = Fangkong.Core.Orders.ReportSlot.Morning, DateOnly? date = null) =>
                await s.RoundAsync(id, slot, date) is { } round ? TypedResults.Ok(round) : TypedResults.NotFound())
            .RequireAuthorization(Permissions.SitesRead).WithName("Sites_Round")
            .WithSummary("The morning or evening temperature round: everyone checked in, room by room, with the reports taken so far (today, or yesterday for late entries).");
        g.MapPut("/rooms/{id:long}", async Task<Results<NoContent, NotFound>> (long id, RoomEditRequest body, SiteService s) =>
            await s.UpdateRoomAsync(id, body.Room, body.Version) is true ? TypedResults.NoContent() : TypedResults.NotFound())
            .RequireAuthorization(Permissions.SitesManage).WithName("Sites_UpdateRoom").WithSummary("Correct a room's number or attributes (never fewer beds than people in it).");
        g.MapPost("/rooms/{id:long}/state", (long id, RoomStateRequest body, SiteService s) => Done(s.MoveRoomAsync(id, body.State, body.Reason, body.Version)))
            .RequireAuthorization(Permissions.SitesWork).WithName("Sites_RoomState").WithSummary("A turnover step (disinfected, supplies replaced, ready) or out of service with a reason.");

        g.MapGet("/suggestions", async Task<Results<Ok<IReadOnlyList<SuggestionItem>>, NotFound>> (long orderId, StayService s) =>
                await s.SuggestAsync(orderId) is { } list ? TypedResults.Ok(list) : TypedResults.NotFound())
            .RequireAuthorization(Permissions.SitesRead).WithName("Stays_Suggest").WithSummary("Suggested rooms for an order's person, best first.");
        g.MapGet("/waiting", async (StayService s, int max = 500) => TypedResults.Ok(await s.WaitingAsync(max)))
            .RequireAuthorization(Permissions.SitesRead).WithName("Sites_Waiting")
            .WithSummary("People whose order sends them to a site and who hold no room yet, longest wait first (with their household's count).");
        g.MapGet("/stays", async (StayService s, long? siteId, long? orderId, bool activeOnly = true) => TypedResults.Ok(await s.ListAsync(siteId, orderId, activeOnly)))
            .RequireAuthorization(Permissions.SitesRead).WithName("Stays_List");
        g.MapPost("/stays", async Task<Results<Ok<object>, NotFound>> (AllocateRequestBody body, StayService s) =>
                await s.AllocateAsync(body.OrderId, body.RoomId, body.Bed) is { } id ? TypedResults.Ok<object>(new { id }) : TypedResults.NotFound())
            .RequireAuthorization(Permissions.SitesWork).WithName("Stays_Allocate").WithSummary("Allocate the room named, or the best free one (409 site.no-room when none).");
        g.MapPost("/stays/{id:long}/check-in", (long id, StayService s) => Done(s.CheckInAsync(id)))
            .RequireAuthorization(Permissions.SitesWork).WithName("Stays_CheckIn");
        g.MapPost("/stays/{id:long}/check-out", (long id, CheckOutRequest body, StayService s) => Done(s.CheckOutAsync(id, body.Outcome, body.Hospital)))
            .RequireAuthorization(Permissions.SitesWork).WithName("Stays_CheckOut").WithSummary("Released, converted to home monitoring (not before the day), or to the hospital named (hospital, required then); home and hospital request the transfer trip.");
        g.MapPost("/stays/{id:long}/cancel", (long id, ReasonRequest body, StayService s) => Done(s.CancelAsync(id, body.Reason)))
            .RequireAuthorization(Permissions.SitesWork).WithName("Stays_Cancel");

        g.MapPost("/stays/{id:long}/reports", async Task<Results<Ok<Fangkong.Data.Orders.ReportOutcome>, NotFound>> (long id, Fangkong.Data.Orders.ReportInput body, RoundService s) =>
                await s.ReportAsync(id, body) is { } outcome ? TypedResults.Ok(outcome) : TypedResults.NotFound())
            .RequireAuthorization(Permissions.SitesWork).WithName("Stays_Report")
            .WithSummary("A temperature and symptom report taken on the site's round for a checked-in person; it lands on the person's order, and a fever raises the transfer task as at home.");
        g.MapPost("/stays/{id:long}/pick-up", async Task<Results<Ok<object>, NotFound>> (long id, PickUpRequest body, TripService s) =>
                await s.RequestPickUpAsync(id, body.FromKind ?? TripPlaceKind.Home, body.FromText) is { } trip ? TypedResults.Ok<object>(new { id = trip }) : TypedResults.NotFound())
            .RequireAuthorization(Permissions.SitesWork).WithName("Stays_PickUp").WithSummary("A trip bringing the people allocated to the stay's room (one household) from home, or the place given, to the site.");

        g.MapGet("/fleet", async (TripService s) => TypedResults.Ok(await s.FleetAsync()))
            .RequireAuthorization(Permissions.SitesRead).WithName("Trips_Fleet").WithSummary("Vehicles and drivers, with whether each driver may drive now.");
        g.MapPost("/vehicles/{id:long}/disinfected", (long id, TripService s) => Done(s.VehicleDisinfectedAsync(id)))
            .RequireAuthorization(Permissions.SitesWork).WithName("Trips_VehicleDisinfected").WithSummary("A vehicle disinfected after a trip: available again.");
        g.MapGet("/trips", async (TripService s, bool openOnly = false) => TypedResults.Ok(await s.ListAsync(openOnly)))
            .RequireAuthorization(Permissions.SitesRead).WithName("Trips_List").WithSummary("Trips with their times (a trip waiting for a vehicle with the code of why none can take it now); request → assignment and request → arrival summarized.");
        g.MapPost("/trips", async (TripRequest body, TripService s) => TypedResults.Ok(new { id = await s.RequestAsync(body) }))
            .RequireAuthorization(Permissions.SitesWork).WithName("Trips_Request")
            .WithSummary("A transfer of one household (or a point-to-point pick-up group), each passenger with their own order; 409 trip.passenger-on-open-trip while someone is on an open trip.");
        g.MapPost("/trips/{id:long}/assign", (long id, AssignRequest body, TripService s) => Done(s.AssignAsync(id, body.VehicleId, body.DriverId)))
            .RequireAuthorization(Permissions.SitesWork).WithName("Trips_Assign").WithSummary("Vehicle and driver (a driver overdue for a test is refused).");
        g.MapPost("/trips/{id:long}/emergency-service", (long id, TripService s) => Done(s.HandToEmergencyServiceAsync(id)))
            .RequireAuthorization(Permissions.SitesWork).WithName("Trips_EmergencyService")
            .WithSummary("A trip to hospital handed to the emergency centre (120), whose ambulance takes it; no county vehicle or driver. 409 trip.emergency-service-hospital-only for any other trip.");
        g.MapPost("/trips/{id:long}/depart", (long id, TripService s) => Done(s.DepartAsync(id))).RequireAuthorization(Permissions.SitesWork).WithName("Trips_Depart");
        g.MapPost("/trips/{id:long}/arrive", (long id, TripService s) => Done(s.ArriveAsync(id))).RequireAuthorization(Permissions.SitesWork).WithName("Trips_Arrive");
        g.MapPost("/trips/{id:long}/cancel", (long id, ReasonRequest body, TripService s) => Done(s.CancelAsync(id, body.Reason)))
            .RequireAuthorization(Permissions.SitesWork).WithName("Trips_Cancel");
        g.MapPost("/vehicles", async (VehicleInput body, TripService s) => TypedResults.Ok(new { id = await s.AddVehicleAsync(body) }))
            .RequireAuthorization(Permissions.SitesManage).WithName("Trips_AddVehicle")
            .WithSummary("A vehicle; its plate is stored in one form (豫R·A1234, 豫RA1234, full-width or lower case are one plate) and registered once in the county.");
        g.MapPost("/drivers", async (DriverInput body, TripService s) => TypedResults.Ok(new { id = await s.AddDriverAsync(body) }))
            .RequireAuthorization(Permissions.SitesManage).WithName("Trips_AddDriver");
        g.MapPost("/vehicles/{id:long}/service", (long id, ServiceRequest body, TripService s) => Done(s.SetVehicleInServiceAsync(id, body.InService, body.Reason)))
            .RequireAuthorization(Permissions.SitesManage).WithName("Trips_VehicleService")
            .WithSummary("Take a vehicle out of service with a reason (not while on a trip), or put it back (it is disinfected first).");
        g.MapPost("/drivers/{id:long}/active", (long id, ActiveRequest body, TripService s) => Done(s.SetDriverActiveAsync(id, body.Active)))
            .RequireAuthorization(Permissions.SitesManage).WithName("Trips_DriverActive").WithSummary("Stand a driver down (not while driving a trip) or put them back on the roster.");
        g.MapPost("/drivers/{id:long}/test", (long id, DriverTestRequest body, TripService s) => Done(s.RecordDriverTestAsync(id, body.At, body.Negative)))
            .RequireAuthorization(Permissions.SitesWork).WithName("Trips_DriverTest");
        return api;
    }

    /// <summary>The room board's rooms-file upload: a plain form post answered with a redirect carrying the count or the codes of the bad rows.</summary>
    public static WebApplication MapSitesPages(this WebApplication app)
    {
        app.MapPost("/sites/{id:long}/rooms/upload", async (HttpContext http, long id, ImportUploads uploads, SiteService s) =>
        {
            var saved = await uploads.ReceiveAsync(http, http.RequestAborted);
            if (saved.Problem is not null)
                return Results.LocalRedirect($"/sites/{id}?failed=" + (saved.Problem.StatusCode == StatusCodes.Status413PayloadTooLarge ? "file.too-large" : "file.missing"));
            try
            {
                await using var file = File.OpenRead(saved.Path!);
                var result = await s.ImportRoomsAsync(id, file, saved.FileName!, http.RequestAborted);
                if (result is null) return Results.NotFound();
                return Results.LocalRedirect(result.Errors.Count == 0 ? $"/sites/{id}?imported={result.Imported}"
                    : $"/sites/{id}?failed=" + RowErrorsQuery.Encode(result.Errors.Select(e => new RowErrorsQuery.Item(e.RowNumber, e.Field, e.Code))));
            }
            finally { File.Delete(saved.Path!); }
        }).RequireAuthorization(Permissions.SitesManage).ExcludeFromDescription();
        return app;
    }

    private static async Task<Results<NoContent, NotFound>> Done(Task<bool> work) => await work ? TypedResults.NoContent() : TypedResults.NotFound();
}
