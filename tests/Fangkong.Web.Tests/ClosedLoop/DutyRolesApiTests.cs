using System.Net;
using System.Text.Json;
using Fangkong.Testing;
using static Fangkong.Web.Tests.HttpExtensions;

namespace Fangkong.Web.Tests.ClosedLoop;

/// <summary>The county's duty roles over HTTP: read by every account of the county, edited by the command centre only, nonsense a 400 naming the field.</summary>
public class DutyRolesApiTests
{
    /// <summary>
    /// A township reads the same lists and a role's history as the county (the lists are the county's, not a
    /// township's) but may neither add nor change a role (403, nothing changed); unknown ids are 404s; bad input names
    /// the field: a code that is no slug, a missing name, a role renamed like another, the last active role retired, a
    /// kind that does not exist.
    /// </summary>
    [Theory, OnSqlite, OnPostgres]
    public async Task DutyRoles_AreTheCountys_ReadByEveryAccount_EditedByTheCommandCentreOnly(Engine engine)
    {
        await using var app = await FangkongApp.StartAsync(engine);
        var command = await app.SignInAsync("command");
        var township = await app.SignInAsync("township");
        var village = await app.SignInAsync("village");

        var list = await (await command.GetAsync("/api/v1/duty-roles")).JsonAsync();
        Assert.Equal(8, list.GetArrayLength());
        foreach (var other in new[] { township, village })
            Assert.Equal(list.ToString(), (await (await other.GetAsync("/api/v1/duty-roles")).JsonAsync()).ToString());
        var team = (await (await township.GetAsync("/api/v1/duty-roles?kind=Team")).JsonAsync()).EnumerateArray().ToList();
        Assert.Equal(["cadre", "police", "health-worker"], team.Select(r => r.GetProperty("code").GetString()));

        var created = await command.PostJsonAsync("/api/v1/duty-roles", new { kind = "Team", code = "driver", nameZh = "司机", nameEn = "Driver" });
        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        var id = (await created.JsonAsync()).GetProperty("id").GetInt64();
        Assert.Equal(HttpStatusCode.Forbidden, (await township.PostJsonAsync("/api/v1/duty-roles", new { kind = "Team", code = "cook", nameZh = "厨师", nameEn = "Cook" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await township.PutJsonAsync($"/api/v1/duty-roles/{id}", new { nameZh = "驾驶员", nameEn = "Driver", isActive = false })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await command.PutJsonAsync("/api/v1/duty-roles/999999", new { nameZh = "无", nameEn = "None" })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await township.GetAsync("/api/v1/duty-roles/999999/history")).StatusCode);
        var history = await (await township.GetAsync($"/api/v1/duty-roles/{id}/history")).JsonAsync();
        Assert.Equal("duty-role.create", Assert.Single(history.GetProperty("items").EnumerateArray()).GetProperty("action").GetString());

        await AssertFieldAsync(await command.PostJsonAsync("/api/v1/duty-roles", new { kind = "Team", code = "司机", nameZh = "司机", nameEn = "Driver" }), "code", "duty-role.code");
        await AssertFieldAsync(await command.PostJsonAsync("/api/v1/duty-roles", new { kind = "Owner", code = "cook", nameEn = "Cook" }), "nameZh", "required");
        await AssertFieldAsync(await command.PutJsonAsync($"/api/v1/duty-roles/{id}", new { nameZh = "民警", nameEn = "Driver" }), "nameZh", "duty-role.name-taken");
        await AssertFieldAsync(await SendAsync(command, HttpMethod.Post, "/api/v1/duty-roles", """{"kind":"Wizard","code":"x-role","nameZh":"某","nameEn":"Some"}"""), "kind", "json.invalid");
        foreach (var r in team.Skip(1))
            Assert.Equal(HttpStatusCode.NoContent, (await command.PutJsonAsync($"/api/v1/duty-roles/{r.GetProperty("id").GetInt64()}",
                new { nameZh = r.GetProperty("nameZh").GetString(), nameEn = r.GetProperty("nameEn").GetString(), isActive = false })).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await command.PutJsonAsync($"/api/v1/duty-roles/{team[0].GetProperty("id").GetInt64()}", new { nameZh = "乡村干部", nameEn = "Cadre", isActive = false })).StatusCode);
        await AssertFieldAsync(await command.PutJsonAsync($"/api/v1/duty-roles/{id}", new { nameZh = "司机", nameEn = "Driver", isActive = false }), "isActive", "duty-role.last-active");

        var after = (await (await command.GetAsync("/api/v1/duty-roles?kind=Team")).JsonAsync()).EnumerateArray()
            .Where(r => r.GetProperty("isActive").GetBoolean()).Select(r => r.GetProperty("code").GetString());
        Assert.Equal(["driver"], after);
    }
}
