using System.Net;
using System.Text;
using System.Text.Json;
using Fangkong.Testing;
using static Fangkong.Web.Tests.HttpExtensions;

namespace Fangkong.Web.Tests.ClosedLoop;

/// <summary>
/// Nonsense sent to the closed loop's API is a 400 problem+json naming the field the client sent, with a stable code and
/// a sentence, and changes nothing: junk symptoms and vulnerable groups, owners of no role, a blank release reason, a
/// reason no rule pack knows, a task closed without its outcome.
/// </summary>
public class OrderInputApiTests
{
    private static readonly Dictionary<string, string?> Drill = new() { ["Fangkong:Clock:ExerciseDate"] = "2022-10-05" };

    [Theory, OnSqlite]
    public async Task Nonsense_IsA400NamingTheField_AndChangesNothing(Engine engine)
    {
        await using var app = await FangkongApp.StartAsync(engine, Drill);
        var command = await app.SignInAsync("command");
        var village = await app.SignInAsync("village");
        var personId = (await (await command.GetAsync("/api/v1/people?pageSize=1")).JsonAsync()).GetProperty("items")[0].GetProperty("id").GetInt64();
        var orderId = (await (await command.PostJsonAsync("/api/v1/orders", new { personId, reasons = new[] { "close-contact" }, exposureDate = "2022-10-04" })).JsonAsync())
            .GetProperty("id").GetInt64();
        async Task<JsonElement> Order() => await (await command.GetAsync($"/api/v1/orders/{orderId}")).JsonAsync();

        // Symptoms: names of the list only, each once, "None" alone; a number with bits the list does not define.
        foreach (var junk in new[] { "\"None, Fever\"", "\"Fever, Fever\"", "\"Sneezing\"", "\"Fever,\"", "\"1024\"" })
            await AssertFieldAsync(await SendAsync(command, HttpMethod.Post, $"/api/v1/orders/{orderId}/reports", $$"""{"slot":"Morning","temperature":36.5,"symptoms":{{junk}}}"""),
                "symptoms", "json.invalid");
        await AssertFieldAsync(await SendAsync(command, HttpMethod.Post, $"/api/v1/orders/{orderId}/reports", """{"slot":"Morning","temperature":36.5,"symptoms":1024}"""),
            "symptoms", "symptoms.invalid");
        Assert.Equal(0, (await Order()).GetProperty("reports").GetArrayLength());
        var fever = await (await SendAsync(command, HttpMethod.Post, $"/api/v1/orders/{orderId}/reports", """{"slot":"Morning","temperature":36.6,"symptoms":"dryCough, Fatigue"}""")).JsonAsync();
        Assert.True(fever.GetProperty("alarming").GetBoolean());
        Assert.Equal("DryCough, Fatigue", (await Order()).GetProperty("reports")[0].GetProperty("symptoms").GetString());

        // The task the symptoms raised is closed with its outcome, which is the field a refusal names.
        var taskId = fever.GetProperty("taskId").GetInt64();
        await AssertFieldAsync(await command.PostJsonAsync($"/api/v1/tasks/{taskId}/close", new { reason = "120 转运至县人民医院" }), "outcome", "required");
        Assert.Equal(HttpStatusCode.NoContent, (await command.PostJsonAsync($"/api/v1/tasks/{taskId}/close", new { outcome = "120 转运至县人民医院" })).StatusCode);
        Assert.Equal("120 转运至县人民医院", (await (await command.GetAsync($"/api/v1/tasks/{taskId}")).JsonAsync()).GetProperty("outcome").GetString());

        // Owners: the county's roles only, real names and phones, by their place in the list sent.
        await AssertFieldAsync(await command.PutJsonAsync($"/api/v1/orders/{orderId}/owners", new[] { new { role = "doctor", name = "李医生", phone = (string?)null }, new { role = "wizard", name = "梅林", phone = (string?)null } }),
            "[1].role", "owner.role-unknown:wizard");
        await AssertFieldAsync(await command.PutJsonAsync($"/api/v1/orders/{orderId}/owners", new[] { new { role = "doctor", name = "李医生", phone = "12" } }), "[0].phone", "phone.invalid");
        await AssertFieldAsync(await command.PutJsonAsync($"/api/v1/orders/{orderId}/owners", new[] { new { role = "doctor", name = "<script>", phone = "13800001111" } }), "[0].name", "name.characters");
        Assert.Equal(0, (await Order()).GetProperty("owners").GetArrayLength());
        Assert.Equal(HttpStatusCode.NoContent, (await command.PutJsonAsync($"/api/v1/orders/{orderId}/owners", new[] { new { role = "doctor", name = "李医生", phone = "138 0000 1111" } })).StatusCode);
        Assert.Equal("doctor", (await Order()).GetProperty("owners")[0].GetProperty("role").GetString());

        // A release, like a cancellation, needs a reason.
        var version = (await Order()).GetProperty("version").GetInt32();
        await AssertFieldAsync(await command.PostJsonAsync($"/api/v1/orders/{orderId}/release", new { reason = "  " }), "reason", "reason.required");
        await AssertFieldAsync(await command.PostJsonAsync($"/api/v1/orders/{orderId}/cancel", new { }), "reason", "reason.required");
        Assert.Equal(("Active", version), ((await Order()).GetProperty("order").GetProperty("status").GetString(), (await Order()).GetProperty("version").GetInt32()));

        // Policy: a reason no pack knows is refused; a known one the pack in force does not manage is an empty list.
        await AssertFieldAsync(await command.GetAsync("/api/v1/policy/evaluate?reason=no-such-reason&exposureDate=2022-10-01"), "reason", "reason.unknown");
        var unmanaged = await command.GetAsync("/api/v1/policy/evaluate?reason=closed-loop-worker-exit&exposureDate=2022-10-01");
        Assert.Equal(HttpStatusCode.OK, unmanaged.StatusCode);
        Assert.Equal(0, (await unmanaged.JsonAsync()).GetProperty("measures").GetArrayLength());
        // The risk-area check names its own parameter.
        await AssertFieldAsync(await command.GetAsync("/api/v1/risk-areas/check?county=火星&place=锦绣小区&level=High&date=2022-10-02"), "county", "place.unknown");

        // People: vulnerable groups of the list only.
        await AssertFieldAsync(await SendAsync(village, HttpMethod.Post, "/api/v1/people", """{"person":{"name":"王建国","vulnerable":"None, Pregnant"},"reason":"x"}"""),
            "person.vulnerable", "json.invalid");
        await AssertFieldAsync(await SendAsync(village, HttpMethod.Post, "/api/v1/people", """{"person":{"name":"王建国","vulnerable":128},"reason":"x"}"""),
            "vulnerable", "vulnerable.invalid");
    }
}
