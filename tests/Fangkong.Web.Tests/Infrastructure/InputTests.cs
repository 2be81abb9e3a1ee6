using System.Net;
using System.Text;
using System.Text.Json;
using Fangkong.Core.Identifiers;
using Fangkong.Testing;
using static Fangkong.Web.Tests.HttpExtensions;

namespace Fangkong.Web.Tests.Infrastructure;

/// <summary>Bad input gets a 400 problem+json naming the field and a stable code with a sentence, never a 500.</summary>
public class InputTests
{
    [Theory, OnSqlite]
    public async Task NullListElements_AndNullObjects_Are400_NamingThePath(Engine engine)
    {
        await using var app = await FangkongApp.StartAsync(engine);
        var command = await app.SignInAsync("command");
        var village = await app.SignInAsync("village");

        await AssertFieldAsync(await SendAsync(command, HttpMethod.Post, "/api/v1/arrivals?channel=Checkpoint",
            """{"name":"王晓明","arrivalDate":"2022-10-05","stops":[{"place":"郑州","from":"2022-10-01","to":"2022-10-02"},null]}"""), "stops[1]", "required");
        await AssertFieldAsync(await SendAsync(village, HttpMethod.Post, "/api/v1/people", """{"person":null,"reason":"x"}"""), "person", "required");
        await AssertFieldAsync(await SendAsync(village, HttpMethod.Post, "/api/v1/people", """{"person":{"name":"王建国","categories":[null]},"reason":"x"}"""),
            "person.categories[0]", "required");
        await AssertFieldAsync(await SendAsync(command, HttpMethod.Post, "/api/v1/verification/tasks/1/team", """{"members":[null,null,null]}"""), "members[2]", "required");
        await AssertFieldAsync(await SendAsync(command, HttpMethod.Put, "/api/v1/verification/deadline-profile", """{"name":"x","stages":[null],"reason":"x"}"""), "stages[0]", "required");
        await AssertFieldAsync(await SendAsync(command, HttpMethod.Post, "/api/v1/verification/push", """{"rows":[null]}"""), "rows[0]", "required");
        await AssertFieldAsync(await SendAsync(command, HttpMethod.Post, "/api/v1/orders", """{"personId":1,"reasons":[null]}"""), "reasons[0]", "required");
        await AssertFieldAsync(await SendAsync(command, HttpMethod.Post, "/api/v1/sites/trips", """{"passengers":[null]}"""), "passengers[0]", "required");
        // A list as the whole body; a null non-nullable string inside an element.
        await AssertFieldAsync(await SendAsync(command, HttpMethod.Put, "/api/v1/orders/25/owners", "[null]"), "[0]", "required");
        await AssertFieldAsync(await SendAsync(command, HttpMethod.Put, "/api/v1/orders/25/owners", """[{"role":"网格员","name":null}]"""), "[0].name", "required");
    }

    [Theory, OnSqlite]
    public async Task UnreadableValues_Are400_NamingTheField(Engine engine)
    {
        await using var app = await FangkongApp.StartAsync(engine);
        var command = await app.SignInAsync("command");
        var village = await app.SignInAsync("village");

        await AssertFieldAsync(await SendAsync(command, HttpMethod.Post, "/api/v1/arrivals?channel=Checkpoint", """{"name":"王晓明","documentType":"Alien"}"""),
            "documentType", "json.invalid");
        await AssertFieldAsync(await SendAsync(command, HttpMethod.Post, "/api/v1/arrivals?channel=Checkpoint", """{"name":"王晓明","arrivalDate":"2022-02-30"}"""),
            "arrivalDate", "json.invalid");
        await AssertFieldAsync(await SendAsync(command, HttpMethod.Post, "/api/v1/arrivals?channel=Checkpoint", """{"name":"王晓明","stops":[{"place":"郑州","from":"昨天"}]}"""),
            "stops[0].from", "json.invalid");
        await AssertFieldAsync(await SendAsync(village, HttpMethod.Post, "/api/v1/people", """{"person":{"name":"王建国","documentType":"Alien"},"reason":"x"}"""),
            "person.documentType", "json.invalid");
        await AssertFieldAsync(await SendAsync(village, HttpMethod.Post, "/api/v1/people", """{"person":{"name":"王建国","nodeId":"abc"},"reason":"x"}"""),
            "person.nodeId", "json.invalid");
        await AssertFieldAsync(await SendAsync(village, HttpMethod.Post, "/api/v1/people", "{not json"), "body", "json.invalid");
        // Query values that do not parse, or are missing, name the parameter.
        await AssertFieldAsync(await SendAsync(command, HttpMethod.Post, "/api/v1/arrivals?channel=Drone", """{"name":"王晓明"}"""), "channel", "parameter.invalid");
        await AssertFieldAsync(await command.GetAsync("/api/v1/policy/evaluate?reason=close-contact&exposureDate=2022-02-30"), "exposureDate", "parameter.invalid");
        await AssertFieldAsync(await command.GetAsync("/api/v1/policy/evaluate?reason=close-contact"), "exposureDate", "required");
    }

    [Theory, OnSqlite]
    public async Task Evaluate_WithADateNoOutbreakHolds_Is400_NamingIt(Engine engine)
    {
        await using var app = await FangkongApp.StartAsync(engine);
        var command = await app.SignInAsync("command");

        await AssertFieldAsync(await command.GetAsync("/api/v1/policy/evaluate?reason=close-contact&exposureDate=9999-12-31"), "exposureDate", "date.too-far-ahead");
        await AssertFieldAsync(await command.GetAsync("/api/v1/policy/evaluate?reason=close-contact&exposureDate=0001-01-01"), "exposureDate", "date.too-early");
        await AssertFieldAsync(await command.GetAsync("/api/v1/policy/evaluate?reason=close-contact&exposureDate=2022-11-10&on=9999-12-31"), "on", "date.too-far-ahead");
        Assert.Equal(HttpStatusCode.OK, (await command.GetAsync("/api/v1/policy/evaluate?reason=close-contact&exposureDate=2022-11-10")).StatusCode);
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task PersonTextsOverTheirColumns_Are400_NamingTheField_OnCreateAndUpdate(Engine engine)
    {
        await using var app = await FangkongApp.StartAsync(engine);
        var village = await app.SignInAsync("village");
        var nodeId = (await (await village.GetAsync("/api/v1/jurisdictions/root")).JsonAsync()).GetProperty("id").GetInt64();
        var id = ResidentId.Compose("411326", new DateOnly(1990, 4, 2), 137);

        await AssertFieldAsync(await village.PostJsonAsync("/api/v1/people", new
        {
            person = new { name = "王建国", documentNumber = id, nodeId, occupation = new string('职', 60) },
            reason = "新登记",
        }), "occupation", "field.too-long");
        var tooLong = await village.PostJsonAsync("/api/v1/people", new
        {
            person = new { name = "王建国", documentNumber = id, nodeId, relation = new string('亲', 21), workplace = new string('单', 101), awayLocation = new string('地', 101) },
            reason = "新登记",
        });
        var codes = (await tooLong.JsonAsync()).GetProperty("codes");
        foreach (var field in new[] { "relation", "workplace", "awayLocation" }) Assert.Equal("field.too-long", codes.GetProperty(field)[0].GetString());

        var created = await village.PostJsonAsync("/api/v1/people", new { person = new { name = "王建国", documentNumber = id, nodeId, occupation = new string('职', 50) }, reason = "新登记" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var personId = (await created.JsonAsync()).GetProperty("id").GetInt64();
        await AssertFieldAsync(await village.PutJsonAsync($"/api/v1/people/{personId}", new { person = new { name = "王建国", occupation = new string('职', 51) }, reason = "改" }),
            "occupation", "field.too-long");
    }
}
