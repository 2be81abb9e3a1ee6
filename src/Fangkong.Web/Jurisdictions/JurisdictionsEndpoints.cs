using Fangkong.Core.Accounts;
using Fangkong.Core.Jurisdictions;
using Fangkong.Data.Jurisdictions;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Fangkong.Web.Jurisdictions;

public sealed record NodeRequest(JurisdictionLevel Level, string? Name, int? Number, string? Address);
public sealed record RenameRequest(string? Name, string? Address);
public sealed record PlaceResult(string Level, string? ProvinceCode, string? CityCode, string? CountyCode, string? Name, IReadOnlyList<string> Candidates, string? Remainder);

public static class JurisdictionsModule
{
    public static IServiceCollection AddJurisdictions(this IServiceCollection services)
    {
        services.AddScoped<JurisdictionService>();
        return services;
    }

    public static RouteGroupBuilder MapJurisdictionsEndpoints(this RouteGroupBuilder api)
    {
        var nodes = api.MapGroup("/jurisdictions").WithTags("Jurisdictions");
        nodes.MapGet("/root", Root).WithName("Jurisdictions_Root").WithSummary("The caller's own node: the root of what it may see.");
        nodes.MapGet("/{id:long}", Get).WithName("Jurisdictions_Get");
        nodes.MapGet("/{id:long}/children", Children).WithName("Jurisdictions_Children");
        nodes.MapGet("/search", Search).WithName("Jurisdictions_Search");
        nodes.MapPost("/{id:long}/children", CreateChild).RequireAuthorization(Permissions.JurisdictionsManage).WithName("Jurisdictions_CreateChild")
            .WithSummary("Create a grid, building, unit or household under a node.");
        nodes.MapPut("/{id:long}", Rename).RequireAuthorization(Permissions.JurisdictionsManage).WithName("Jurisdictions_Rename");
        nodes.MapDelete("/{id:long}", Delete).RequireAuthorization(Permissions.JurisdictionsManage).WithName("Jurisdictions_Delete");

        api.MapGet("/divisions/places", Places).WithTags("Jurisdictions").WithName("Divisions_Places")
            .WithSummary("Resolve a place anywhere in China (an origin of travel) against the national county list.");
        return api;
    }

    public static async Task<Results<Ok<NodeSummary>, NotFound>> Root(JurisdictionService service) =>
        await service.RootAsync() is { } n ? TypedResults.Ok(n) : TypedResults.NotFound();

    public static async Task<Results<Ok<NodeDetail>, NotFound>> Get(long id, JurisdictionService service) =>
        await service.GetAsync(id) is { } n ? TypedResults.Ok(n) : TypedResults.NotFound();

    public static async Task<Ok<IReadOnlyList<NodeSummary>>> Children(long id, JurisdictionService service) =>
        TypedResults.Ok(await service.ChildrenAsync(id));

    public static async Task<Ok<IReadOnlyList<NodeSummary>>> Search(JurisdictionService service, string q, JurisdictionLevel? level, int limit = 20) =>
        TypedResults.Ok(await service.SearchAsync(q, level, limit));

    public static async Task<Created<NodeDetail>> CreateChild(long id, NodeRequest request, JurisdictionService service)
    {
        var created = await service.CreateChildAsync(id, request.Level, request.Name, request.Number, request.Address);
        return TypedResults.Created($"/api/v1/jurisdictions/{created}", await service.GetAsync(created));
    }

    public static async Task<Results<Ok<NodeDetail>, NotFound>> Rename(long id, RenameRequest request, JurisdictionService service) =>
        await service.RenameAsync(id, request.Name, request.Address) ? TypedResults.Ok((await service.GetAsync(id))!) : TypedResults.NotFound();

    public static async Task<Results<NoContent, NotFound>> Delete(long id, JurisdictionService service) =>
        await service.DeleteAsync(id) ? TypedResults.NoContent() : TypedResults.NotFound();

    public static Ok<PlaceResult> Places(string q)
    {
        var r = NationalDivisions.Shared.ResolvePlace(q);
        return TypedResults.Ok(new PlaceResult(r.Level.ToString(), r.ProvinceCode2, r.CityCode4, r.CountyCode6, r.FullName,
            r.Candidates.Select(c => c.FullName).ToList(), r.Remainder));
    }
}
