using Fangkong.Core.Accounts;
using Fangkong.Core.Identifiers;
using Fangkong.Core.People;
using Fangkong.Data.Audit;
using Fangkong.Data.Infrastructure;
using Fangkong.Data.People;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Fangkong.Web.People;

public sealed record PersonWrite(PersonInput Person, string? Reason);
public sealed record RevealRequest(RevealField Field, string? Reason);
public sealed record RevealResponse(RevealField Field, string Value);

public static partial class PeopleModule
{
    public static IServiceCollection AddPeople(this IServiceCollection services)
    {
        services.AddScoped<PeopleService>();
        services.AddScoped<HouseholdService>();
        services.AddScoped<CategoryService>();
        AddImports(services);
        return services;
    }

    public static RouteGroupBuilder MapPeopleEndpoints(this RouteGroupBuilder api)
    {
        var people = api.MapGroup("/people").WithTags("People");
        people.MapGet("/", Search).RequireAuthorization(Permissions.PeopleRead).WithName("People_Search")
            .WithSummary("Search the registry: q is a name, an ID number, a mobile number or the last four digits of a phone.");
        people.MapGet("/{id:long}", Get).RequireAuthorization(Permissions.PeopleRead).WithName("People_Get");
        people.MapGet("/{id:long}/history", History).RequireAuthorization(Permissions.PeopleRead).WithName("People_History");
        people.MapPost("/", Create).RequireAuthorization(Permissions.PeopleWrite).WithName("People_Create");
        people.MapPut("/{id:long}", Update).RequireAuthorization(Permissions.PeopleWrite).WithName("People_Update");
        people.MapPost("/{id:long}/reveal", Reveal).RequireAuthorization(Permissions.PeopleReveal).WithName("People_Reveal")
            .WithSummary("Show one identifier in full; the reveal is written to the access log with its reason.");
        people.MapGet("/lookup", Lookup).RequireAuthorization(Permissions.PeopleLookup).WithName("People_Lookup")
            .WithSummary("Exact look-up by document number (blind index); masked result.");
        MapImportEndpoints(people);

        var households = api.MapGroup("/households").WithTags("People").RequireAuthorization(Permissions.PeopleRead);
        households.MapGet("/", Households).WithName("Households_Search");
        households.MapGet("/export", ExportHouseholds).RequireAuthorization(Permissions.PeopleExport).WithName("Households_Export")
            .WithSummary("The household ledger (户号, place, head, size) as xlsx, csv or csv-gbk.");

        var categories = api.MapGroup("/categories").WithTags("People");
        categories.MapGet("/", ListCategories).WithName("Categories_List");
        categories.MapPost("/", CreateCategory).RequireAuthorization(Permissions.CategoriesManage).WithName("Categories_Create");
        categories.MapPut("/{id:long}", UpdateCategory).RequireAuthorization(Permissions.CategoriesManage).WithName("Categories_Update");
        return api;
    }

    public static async Task<Ok<Page<PersonListItem>>> Search(PeopleService people, string? q, long? nodeId, string? category,
        ResidenceStatus? residence, bool? idInvalid, VulnerableFlags? vulnerable, int page = 1, int pageSize = 20) =>
        TypedResults.Ok(await people.SearchAsync(new PersonQuery(q, nodeId, category, residence, idInvalid, vulnerable, page, pageSize)));

    public static async Task<Results<Ok<PersonDetail>, NotFound>> Get(long id, PeopleService people) =>
        await people.GetAsync(id) is { } p ? TypedResults.Ok(p) : TypedResults.NotFound();

    public static async Task<Results<Ok<Page<AuditItem>>, NotFound>> History(long id, PeopleService people, AuditQueryService audit, int page = 1)
    {
        if (await people.GetAsync(id) is null) return TypedResults.NotFound();
        return TypedResults.Ok(await audit.HistoryAsync("Person", id.ToString(System.Globalization.CultureInfo.InvariantCulture), Permissions.PeopleRead, page));
    }

    public static async Task<Created<PersonDetail>> Create(PersonWrite request, PeopleService people)
    {
        var id = await people.CreateAsync(request.Person, request.Reason);
        return TypedResults.Created($"/api/v1/people/{id}", await people.GetAsync(id));
    }

    public static async Task<Results<Ok<PersonDetail>, NotFound>> Update(long id, PersonWrite request, PeopleService people) =>
        await people.UpdateAsync(id, request.Person, request.Reason) ? TypedResults.Ok((await people.GetAsync(id))!) : TypedResults.NotFound();

    public static async Task<Results<Ok<RevealResponse>, NotFound>> Reveal(long id, RevealRequest request, PeopleService people) =>
        await people.RevealAsync(id, request.Field, request.Reason) is { } value
            ? TypedResults.Ok(new RevealResponse(request.Field, value))
            : TypedResults.NotFound();

    public static async Task<Results<Ok<PersonListItem>, NotFound>> Lookup(PeopleService people, string number, DocumentType documentType = DocumentType.ResidentId) =>
        await people.LookupAsync(documentType, number) is { } p ? TypedResults.Ok(p) : TypedResults.NotFound();

    public static async Task<Ok<Page<HouseholdItem>>> Households(HouseholdService households, long? nodeId, string? q, int page = 1, int pageSize = 20) =>
        TypedResults.Ok(await households.SearchAsync(nodeId, q, page, pageSize));

    public static async Task<Ok<IReadOnlyList<CategoryItem>>> ListCategories(CategoryService categories, bool counts = false) =>
        TypedResults.Ok(await categories.ListAsync(counts));

    public static async Task<Created<CategoryItem>> CreateCategory(CategoryInput input, CategoryService categories)
    {
        var id = await categories.CreateAsync(input);
        return TypedResults.Created($"/api/v1/categories/{id}", (await categories.ListAsync()).First(c => c.Id == id));
    }

    public static async Task<Results<Ok<CategoryItem>, NotFound>> UpdateCategory(long id, CategoryInput input, CategoryService categories) =>
        await categories.UpdateAsync(id, input) ? TypedResults.Ok((await categories.ListAsync()).First(c => c.Id == id)) : TypedResults.NotFound();
}
