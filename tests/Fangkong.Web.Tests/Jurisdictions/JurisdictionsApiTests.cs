using System.Net;
using Fangkong.Testing;

namespace Fangkong.Web.Tests.Jurisdictions;

public class JurisdictionsApiTests
{
    /// <summary>The county dashboard and its API: people registered at the county node itself have their own row, so the rows add up.</summary>
    [Theory, OnSqlite, OnPostgres]
    public async Task Dashboard_PeopleAtTheCountyItself_AreTheirOwnRow_AndTheRowsAddUpToTheTotal(Engine engine)
    {
        await using var app = await FangkongApp.StartAsync(engine);
        var county = await app.SignInAsync("command");
        var push = new { batch = "看板-1", rows = new object[] { new { name = "县直甲", phone = "13755553001", address = "某某小区" } } };
        Assert.Equal(1, (await (await county.PostJsonAsync("/api/v1/verification/push", push)).JsonAsync()).GetProperty("unroutable").GetInt32());

        var root = await (await county.GetAsync("/api/v1/jurisdictions/root")).JsonAsync();
        var children = await (await county.GetAsync($"/api/v1/jurisdictions/{root.GetProperty("id").GetInt64()}/children")).JsonAsync();
        var here = root.GetProperty("peopleHere").GetInt32();
        Assert.Equal(1, here);
        Assert.Equal(root.GetProperty("people").GetInt32(), children.EnumerateArray().Sum(c => c.GetProperty("people").GetInt32()) + here);

        var page = await county.GetStringAsync("/");
        Assert.Contains("id=\"people-here\"", page);
        Assert.Contains("县直属", page);
        // A township with nobody registered at its own node shows no such row.
        var township = await app.SignInAsync("township");
        Assert.DoesNotContain("people-here", await township.GetStringAsync("/"));
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task Tree_IsScoped_AndGridsAndHouseholdsCanBeAddedOnlyInside(Engine engine)
    {
        await using var app = await FangkongApp.StartAsync(engine);
        var village = await app.SignInAsync("village");
        var other = await app.SignInAsync("township2");
        var county = await app.SignInAsync("command");

        var root = await (await village.GetAsync("/api/v1/jurisdictions/root")).JsonAsync();
        Assert.Equal("Village", root.GetProperty("level").GetString());
        var villageId = root.GetProperty("id").GetInt64();
        var countyRoot = await (await county.GetAsync("/api/v1/jurisdictions/root")).JsonAsync();
        Assert.Equal("411326", countyRoot.GetProperty("code").GetString());
        Assert.Equal(17, (await (await county.GetAsync($"/api/v1/jurisdictions/{countyRoot.GetProperty("id").GetInt64()}/children")).JsonAsync()).GetArrayLength());

        var grid = await village.PostJsonAsync($"/api/v1/jurisdictions/{villageId}/children", new { level = "Grid", name = "第9网格", number = 9 });
        Assert.Equal(HttpStatusCode.Created, grid.StatusCode);
        var gridBody = await grid.JsonAsync();
        Assert.EndsWith("009", gridBody.GetProperty("node").GetProperty("scopeKey").GetString());
        var gridId = gridBody.GetProperty("node").GetProperty("id").GetInt64();
        var household = await village.PostJsonAsync($"/api/v1/jurisdictions/{gridId}/children", new { level = "Household", name = "3组99号", address = "村东头" });
        Assert.Equal(HttpStatusCode.Created, household.StatusCode);
        var path = (await household.JsonAsync()).GetProperty("path").EnumerateArray().Select(s => s.GetProperty("name").GetString()).ToList();
        Assert.Equal(5, path.Count); // county, township, village, grid, household
        Assert.Equal(["淅川县"], path.Take(1));
        Assert.Equal([root.GetProperty("name").GetString(), "第9网格", "3组99号"], path.Skip(2));

        var taken = await village.PostJsonAsync($"/api/v1/jurisdictions/{villageId}/children", new { level = "Grid", name = "重复", number = 9 });
        Assert.Equal("node.number-taken", (await taken.JsonAsync()).GetProperty("codes").GetProperty("number")[0].GetString());
        var wrongLevel = await village.PostJsonAsync($"/api/v1/jurisdictions/{villageId}/children", new { level = "Township", name = "新乡" });
        Assert.Equal(HttpStatusCode.BadRequest, wrongLevel.StatusCode);

        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync($"/api/v1/jurisdictions/{villageId}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync($"/api/v1/jurisdictions/{villageId}/children")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.PostJsonAsync($"/api/v1/jurisdictions/{villageId}/children", new { level = "Grid", name = "x" })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.PutJsonAsync($"/api/v1/jurisdictions/{gridId}", new { name = "改名" })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.DeleteAsync($"/api/v1/jurisdictions/{gridId}")).StatusCode);
        var search = await (await other.GetAsync("/api/v1/jurisdictions/search?q=第9网格")).JsonAsync();
        Assert.Equal(0, search.GetArrayLength());

        Assert.Equal(HttpStatusCode.BadRequest, (await village.DeleteAsync($"/api/v1/jurisdictions/{villageId}")).StatusCode); // official
        Assert.Equal(HttpStatusCode.Conflict, (await village.DeleteAsync($"/api/v1/jurisdictions/{gridId}")).StatusCode);    // not empty
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task Places_ResolveOriginsAnywhereInChina(Engine engine)
    {
        await using var app = await FangkongApp.StartAsync(engine);
        var client = await app.SignInAsync("checkpoint");
        var place = await (await client.GetAsync($"/api/v1/divisions/places?q={Uri.EscapeDataString("郑州金水区花园路")}")).JsonAsync();
        Assert.Equal("County", place.GetProperty("level").GetString());
        Assert.Equal("410105", place.GetProperty("countyCode").GetString());
        var ambiguous = await (await client.GetAsync($"/api/v1/divisions/places?q={Uri.EscapeDataString("朝阳区")}")).JsonAsync();
        Assert.True(ambiguous.GetProperty("candidates").GetArrayLength() >= 2);
    }
}
