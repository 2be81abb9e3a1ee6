using System.Net;
using System.Text.Json;
using Fangkong.Core.Tabular;
using Fangkong.Testing;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;

namespace Fangkong.Web.Tests.ClosedLoop;

/// <summary>
/// The closed loop over HTTP on the 2022 rules (exercise clock): an arrival, its order, reports and tasks belong to
/// one township; an account of another township gets 404 (or 403) for every operation and never sees them in lists,
/// counts or exports. Policy (rule packs, risk areas) is county reference data that only the command centre edits.
/// </summary>
public class ClosedLoopApiTests
{
    private static readonly Dictionary<string, string?> Drill = new() { ["Fangkong:Clock:ExerciseDate"] = "2022-10-05" };

    /// <summary>
    /// The public page refuses a wrong challenge answer and a flood from one network address (the limit per hour),
    /// storing nothing of the refused registrations; another address is still served.
    /// </summary>
    [Theory, OnSqlite, OnPostgres]
    public async Task PublicRegistration_RefusesAWrongAnswer_AndAFloodFromOneAddress(Engine engine)
    {
        await using var app = await FangkongApp.StartAsync(engine, new Dictionary<string, string?>(Drill) { ["Fangkong:Arrivals:PublicPerAddressPerHour"] = "3" });
        var township = await app.SignInAsync("township");
        var root = await (await township.GetAsync("/api/v1/jurisdictions/root")).JsonAsync();
        var village = (await (await township.GetAsync($"/api/v1/jurisdictions/{root.GetProperty("id").GetInt64()}/children")).JsonAsync())[0].GetProperty("id").GetInt64();
        var protector = app.Services.GetRequiredService<Microsoft.AspNetCore.DataProtection.IDataProtectionProvider>()
            .CreateProtector("fangkong.public-challenge");
        var limited = Microsoft.AspNetCore.DataProtection.DataProtectionAdvancedExtensions.ToTimeLimitedDataProtector(protector);
        Data.Arrivals.ArrivalInput Input(int n) => new("李返乡", DocumentNumber: Core.Identifiers.ResidentId.Compose("410105", new DateOnly(1991, 2, 3), 100 + n),
            Phone: "1391234" + (5000 + n).ToString(System.Globalization.CultureInfo.InvariantCulture), Origin: "河南省郑州市金水区",
            ArrivalDate: new DateOnly(2022, 10, 5), DestinationNodeId: village);
        async Task<Web.ClosedLoop.PublicRefusal> RegisterAsync(int n, string address, bool rightAnswer = true)
        {
            await using var scope = app.Services.CreateAsyncScope();
            var challenge = scope.ServiceProvider.GetRequiredService<Web.ClosedLoop.PublicChallenge>();
            var (token, _) = challenge.Create();
            var answer = limited.Unprotect(token, out _).Split('|')[0];
            var (refusal, _) = await scope.ServiceProvider.GetRequiredService<Web.ClosedLoop.PublicArrivals>()
                .RegisterAsync(Input(n), "411326100", token, rightAnswer ? answer : answer + "1", address);
            return refusal;
        }

        Assert.Equal(Web.ClosedLoop.PublicRefusal.Challenge, await RegisterAsync(0, "10.0.0.1", rightAnswer: false));
        for (var n = 1; n <= 3; n++) Assert.Equal(Web.ClosedLoop.PublicRefusal.None, await RegisterAsync(n, "10.0.0.1"));
        Assert.Equal(Web.ClosedLoop.PublicRefusal.TooMany, await RegisterAsync(4, "10.0.0.1"));
        Assert.Equal(Web.ClosedLoop.PublicRefusal.None, await RegisterAsync(5, "10.0.0.2"));
        var command = await app.SignInAsync("command");
        Assert.Equal(4, (await (await command.GetAsync("/api/v1/arrivals?q=李返乡")).JsonAsync()).GetProperty("total").GetInt32());
    }

    /// <summary>
    /// The five-to-one roles are the county's list, edited by the command centre over the API: with volunteers, village
    /// cadres and doctors retired and grid workers added, an order's page offers the grid worker, named as the county
    /// named it, and no retired role.
    /// </summary>
    [Theory, OnSqlite, OnPostgres]
    public async Task OrderPage_NamesOwnersInTheCountysRoles(Engine engine)
    {
        await using var app = await FangkongApp.StartAsync(engine, Drill);
        var command = await app.SignInAsync("command");
        var owners = (await (await command.GetAsync("/api/v1/duty-roles?kind=Owner")).JsonAsync()).EnumerateArray().ToList();
        foreach (var code in new[] { "volunteer", "village-cadre", "doctor" })
        {
            var role = owners.Single(r => r.GetProperty("code").GetString() == code);
            Assert.Equal(HttpStatusCode.NoContent, (await command.PutJsonAsync($"/api/v1/duty-roles/{role.GetProperty("id").GetInt64()}",
                new { nameZh = role.GetProperty("nameZh").GetString(), nameEn = role.GetProperty("nameEn").GetString(), isActive = false })).StatusCode);
        }
        Assert.Equal(HttpStatusCode.OK, (await command.PostJsonAsync("/api/v1/duty-roles", new { kind = "Owner", code = "grid-worker", nameZh = "网格员", nameEn = "Grid worker" })).StatusCode);
        var township = await app.SignInAsync("township");
        Assert.Equal(HttpStatusCode.OK, (await command.PostJsonAsync("/api/v1/risk-areas", new { areaCounty = "河南省郑州市金水区", place = "花园路街道锦绣小区", level = "High", designatedOn = "2022-10-01", source = "通告" })).StatusCode);
        var root = await (await township.GetAsync("/api/v1/jurisdictions/root")).JsonAsync();
        var village = (await (await township.GetAsync($"/api/v1/jurisdictions/{root.GetProperty("id").GetInt64()}/children")).JsonAsync())[0].GetProperty("id").GetInt64();
        var receipt = await (await township.PostJsonAsync("/api/v1/arrivals?channel=Checkpoint&point=卡点1", new
        {
            name = "王晓明", documentNumber = Core.Identifiers.ResidentId.Compose("410105", new DateOnly(1990, 3, 4), 11), phone = "13912345678",
            origin = "河南省郑州市金水区花园路街道锦绣小区", arrivalDate = "2022-10-05", destinationNodeId = village,
            stops = new[] { new { place = "郑州市金水区锦绣小区", from = "2022-09-28", to = "2022-10-04" } },
        })).JsonAsync();
        var arrival = await (await township.GetAsync($"/api/v1/arrivals/{receipt.GetProperty("id").GetInt64()}")).JsonAsync();
        var html = await township.GetStringAsync($"/orders/{arrival.GetProperty("arrival").GetProperty("orderId").GetInt64()}");
        Assert.Contains("<span class=\"fk-owner-role\">网格员</span>", html);
        Assert.Contains("<span class=\"fk-owner-role\">民警</span>", html);
        Assert.DoesNotContain("志愿者", html);
        Assert.DoesNotContain("村干部", html);
        // In English the legal basis is the pack's own English text of the rule (the order keeps the Chinese one).
        Assert.Contains("高风险区", html);
        await township.GetAsync("/culture/en-US?returnUrl=/");
        var english = await township.GetStringAsync($"/orders/{arrival.GetProperty("arrival").GetProperty("orderId").GetInt64()}");
        var basis = System.Text.RegularExpressions.Regex.Match(english, "<dd class=\"small\" id=\"basis\">([^<]*)</dd>").Groups[1].Value;
        Assert.NotEmpty(basis);
        Assert.DoesNotMatch("[\u4e00-\u9fff]", basis);
    }

    /// <summary>The registration form asks for the travel history the rule pack in force looks at: 14 days under the 8th edition, 7 under the 9th.</summary>
    [Theory]
    [InlineData("2022-05-01", 14)]
    [InlineData("2022-10-05", 7)]
    public async Task PublicForm_AsksForTheTravelHistoryOfThePackInForce(string exerciseDate, int days)
    {
        await using var app = await FangkongApp.StartAsync(Engine.Sqlite, new Dictionary<string, string?> { ["Fangkong:Clock:ExerciseDate"] = exerciseDate });
        var html = await app.Anonymous().GetStringAsync("/arrive/411326102");
        Assert.Contains($"近 {days} 天途经地", html);
        // An address naming no registration point of the county: a sentence saying so, no form that could never be sent,
        // and no QR code for it.
        var page = await app.Anonymous().GetStringAsync("/arrive/999999999");
        Assert.Contains("arrive-unknown", page);
        Assert.DoesNotContain("arrive-submit", page);
        Assert.Equal(System.Net.HttpStatusCode.NotFound, (await app.Anonymous().GetAsync("/arrive/999999999/qr.png")).StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.OK, (await app.Anonymous().GetAsync("/arrive/411326102/qr.png")).StatusCode);
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task ArrivalOrderReportsAndTasks_OfAnotherTownship_AreNeverVisible(Engine engine)
    {
        await using var app = await FangkongApp.StartAsync(engine, Drill);
        var command = await app.SignInAsync("command");
        var township = await app.SignInAsync("township");
        var other = await app.SignInAsync("township2");

        // Policy: the command centre lists a high-risk area; a township may read but not edit the county's rules.
        var area = new { areaCounty = "河南省郑州市金水区", place = "花园路街道锦绣小区", level = "High", designatedOn = "2022-10-01", source = "通告" };
        var listed = await command.PostJsonAsync("/api/v1/risk-areas", area);
        Assert.Equal(HttpStatusCode.OK, listed.StatusCode);
        var areaId = (await listed.JsonAsync()).GetProperty("id").GetInt64();
        Assert.Equal(HttpStatusCode.Forbidden, (await township.PostJsonAsync("/api/v1/risk-areas", area)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await township.PutJsonAsync($"/api/v1/risk-areas/{areaId}", new { designatedOn = "2022-09-30", reason = "x" })).StatusCode);
        // A correction needs its reason; the detail shows the corrected period among the place's periods.
        var noReason = await command.PutJsonAsync($"/api/v1/risk-areas/{areaId}", new { designatedOn = "2022-09-30", source = "郑州市通告第3号" });
        Assert.Equal(HttpStatusCode.BadRequest, noReason.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await command.PutJsonAsync($"/api/v1/risk-areas/{areaId}", new { designatedOn = "2022-09-30", source = "郑州市通告第3号", reason = "按通告原文更正划定日期" })).StatusCode);
        var detail = await (await township.GetAsync($"/api/v1/risk-areas/{areaId}")).JsonAsync();
        Assert.Equal("2022-09-30", detail.GetProperty("area").GetProperty("designatedOn").GetString());
        Assert.Equal(1, detail.GetProperty("periods").GetArrayLength());
        Assert.Equal(HttpStatusCode.NotFound, (await township.GetAsync("/api/v1/risk-areas/999999")).StatusCode);
        // The place's county is named, its division code only in a tooltip: no bare six digits in the visible text.
        foreach (var url in new[] { $"/risk-areas/{areaId}", "/risk-areas" })
        {
            var html = await township.GetStringAsync(url);
            var main = html[html.IndexOf("<main", StringComparison.Ordinal)..];
            var visible = System.Text.RegularExpressions.Regex.Replace(System.Text.RegularExpressions.Regex.Replace(main, "<(script|style)[^>]*>.*?</\\1>", " ", System.Text.RegularExpressions.RegexOptions.Singleline), "<[^>]+>", " ");
            Assert.Contains("金水区", visible);
            Assert.DoesNotMatch("(?<![0-9])[0-9]{6}(?![0-9])", visible);
            Assert.Contains("title=\"410105\"", html);
        }
        // A lift without the notice it rests on is refused naming the field; nothing is lifted.
        var noBasis = await command.PostJsonAsync($"/api/v1/risk-areas/{areaId}/lift", new { liftedOn = "2022-10-04" });
        Assert.Equal(HttpStatusCode.BadRequest, noBasis.StatusCode);
        Assert.Equal("application/problem+json", noBasis.Content.Headers.ContentType?.MediaType);
        Assert.Equal("required", (await noBasis.JsonAsync()).GetProperty("codes").GetProperty("basis")[0].GetString());
        Assert.Equal(JsonValueKind.Null, (await (await township.GetAsync($"/api/v1/risk-areas/{areaId}")).JsonAsync()).GetProperty("area").GetProperty("liftedOn").ValueKind);
        // A file that is not a table is answered with what is wrong with it, not a server error; nothing is imported.
        using (var junk = new MultipartFormDataContent { { new ByteArrayContent([0x00, 0x01, 0x02, 0xFF, 0xFE, 0x00, 0x07]), "file", "list.csv" } })
        {
            var unreadable = await command.PostAsync("/api/v1/risk-areas/import", junk);
            Assert.Equal(HttpStatusCode.OK, unreadable.StatusCode);
            var body = await unreadable.JsonAsync();
            Assert.Equal(0, body.GetProperty("rows").GetInt32());
            Assert.Equal("file.not-tabular", body.GetProperty("errors")[0].GetProperty("code").GetString());
        }
        Assert.Equal(HttpStatusCode.Forbidden, (await township.PostJsonAsync("/api/v1/risk-areas/1/lift", new { liftedOn = "2022-10-04" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await township.PostAsync("/api/v1/risk-areas/import", new MultipartFormDataContent())).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await township.PutJsonAsync("/api/v1/rule-packs/cn-9th", new { json = "{}", reason = "x" })).StatusCode);
        var packs = await (await township.GetAsync("/api/v1/rule-packs")).JsonAsync();
        Assert.Contains(packs.EnumerateArray(), p => p.GetProperty("packId").GetString() == "cn-9th");
        Assert.Equal("cn-9th", (await (await township.GetAsync("/api/v1/rule-packs/cn-9th")).JsonAsync()).GetProperty("summary").GetProperty("packId").GetString());
        var evaluation = await (await township.GetAsync("/api/v1/policy/evaluate?reason=close-contact&exposureDate=2022-10-01")).JsonAsync();
        Assert.Equal("cn-9th#close-contact", evaluation.GetProperty("ruleReference").GetString());
        Assert.True((await (await township.GetAsync("/api/v1/risk-areas/check?county=410105&place=锦绣小区&level=High&date=2022-10-02")).JsonAsync()).GetProperty("listed").GetBoolean());
        Assert.Equal(1, (await (await township.GetAsync("/api/v1/risk-areas/active?county=410105&from=2022-10-01&to=2022-10-05")).JsonAsync()).GetArrayLength());
        Assert.Equal(1, (await (await township.GetAsync("/api/v1/risk-areas?q=锦绣")).JsonAsync()).GetProperty("total").GetInt32());
        // The check takes the county by name too and says which listing; the list filters by county name and a range.
        var check = await (await township.GetAsync("/api/v1/risk-areas/check?county=郑州市金水区&place=锦绣小区&level=High&date=2022-10-02")).JsonAsync();
        Assert.True(check.GetProperty("listed").GetBoolean());
        Assert.Equal(areaId, check.GetProperty("listings")[0].GetProperty("id").GetInt64());
        Assert.False((await (await township.GetAsync("/api/v1/risk-areas/check?county=410105&place=锦绣小区&level=High&date=2022-09-29")).JsonAsync()).GetProperty("listed").GetBoolean());
        Assert.Equal(HttpStatusCode.BadRequest, (await township.GetAsync("/api/v1/risk-areas/check?county=火星&place=锦绣小区&level=High&date=2022-10-02")).StatusCode);
        Assert.Equal(1, (await (await township.GetAsync("/api/v1/risk-areas?areaCounty=金水区&from=2022-09-01&to=2022-09-30")).JsonAsync()).GetProperty("total").GetInt32());
        Assert.Equal(0, (await (await township.GetAsync("/api/v1/risk-areas?areaCounty=金水区&from=2022-09-01&to=2022-09-29")).JsonAsync()).GetProperty("total").GetInt32());
        Assert.Equal(HttpStatusCode.BadRequest, (await township.GetAsync("/api/v1/risk-areas?from=2022-10-02&to=2022-10-01")).StatusCode);

        // The township registers an arrival at a checkpoint, into one of its villages.
        var root = await (await township.GetAsync("/api/v1/jurisdictions/root")).JsonAsync();
        var village = (await (await township.GetAsync($"/api/v1/jurisdictions/{root.GetProperty("id").GetInt64()}/children")).JsonAsync())[0].GetProperty("id").GetInt64();
        var input = new
        {
            name = "王晓明", documentNumber = Core.Identifiers.ResidentId.Compose("410105", new DateOnly(1990, 3, 4), 11), phone = "13912345678",
            origin = "河南省郑州市金水区花园路街道锦绣小区", arrivalDate = "2022-10-05", destinationNodeId = village,
            stops = new[] { new { place = "郑州市金水区锦绣小区", from = "2022-09-28", to = "2022-10-04" } },
        };
        // Another township cannot register someone into this township's village.
        var refused = await other.PostJsonAsync("/api/v1/arrivals?channel=Checkpoint", input);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var receipt = await (await township.PostJsonAsync("/api/v1/arrivals?channel=Checkpoint&point=卡点1", input)).JsonAsync();
        var arrivalId = receipt.GetProperty("id").GetInt64();
        Assert.Equal("OrderProposed", receipt.GetProperty("status").GetString());

        await AssertHiddenAsync(other, $"/api/v1/arrivals/{arrivalId}");
        await AssertRefusedAsync(other.PostJsonAsync($"/api/v1/arrivals/{arrivalId}/decision", new { confirm = true }));
        Assert.Equal(0, (await (await other.GetAsync("/api/v1/arrivals")).JsonAsync()).GetProperty("total").GetInt32());
        Assert.Equal(HttpStatusCode.NoContent, (await township.PostJsonAsync($"/api/v1/arrivals/{arrivalId}/decision", new { confirm = true, note = "核实" })).StatusCode);
        // The landing test's result: only the arrival's own side records it, once.
        await AssertRefusedAsync(other.PostJsonAsync($"/api/v1/arrivals/{arrivalId}/landing-test", new { result = "negative" }));
        Assert.Equal(HttpStatusCode.BadRequest, (await township.PostJsonAsync($"/api/v1/arrivals/{arrivalId}/landing-test", new { result = "maybe" })).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await township.PostJsonAsync($"/api/v1/arrivals/{arrivalId}/landing-test", new { result = "negative" })).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await township.PostJsonAsync($"/api/v1/arrivals/{arrivalId}/landing-test", new { result = "positive" })).StatusCode);
        Assert.Equal("negative", (await (await township.GetAsync($"/api/v1/arrivals/{arrivalId}")).JsonAsync()).GetProperty("landingTestResult").GetString());
        // A point-to-point pick-up for the arrival: only its township may ask; the rules send this person to a
        // quarantine site, so no car is sent before a room is allocated (the site's path: SiteTests.AnInboundTraveller…).
        await AssertRefusedAsync(other.PostJsonAsync($"/api/v1/arrivals/{arrivalId}/pick-up", new { }));
        var tooEarly = await township.PostJsonAsync($"/api/v1/arrivals/{arrivalId}/pick-up", new { });
        Assert.Equal(HttpStatusCode.Conflict, tooEarly.StatusCode);
        Assert.Contains("trip.allocate-first", await tooEarly.Content.ReadAsStringAsync());
        Assert.Equal(0, (await (await other.GetAsync("/api/v1/sites/trips")).JsonAsync()).GetProperty("trips").GetArrayLength());
        var arrival = await (await township.GetAsync($"/api/v1/arrivals/{arrivalId}")).JsonAsync();
        var orderId = arrival.GetProperty("arrival").GetProperty("orderId").GetInt64();
        var personId = arrival.GetProperty("arrival").GetProperty("personId").GetInt64();

        // The order and everything done to it.
        await AssertHiddenAsync(other, $"/api/v1/orders/{orderId}");
        // Random spot checks: the county's draw can include it; a township account may not draw at all.
        var drawn = await (await command.GetAsync("/api/v1/orders/spot-checks/draw?count=50")).JsonAsync();
        Assert.Contains(drawn.EnumerateArray(), d => d.GetProperty("orderId").GetInt64() == orderId && d.GetProperty("name").GetString() == "王晓明");
        await AssertRefusedAsync(other.GetAsync("/api/v1/orders/spot-checks/draw"));
        await AssertHiddenAsync(other, $"/api/v1/people/{personId}/control-status");
        Assert.Equal(0, (await (await other.GetAsync("/api/v1/orders?openOnly=true")).JsonAsync()).GetProperty("total").GetInt32());
        foreach (var (url, body) in new (string, object)[]
        {
            ($"/api/v1/orders/{orderId}/confirm", new { reason = "x" }), ($"/api/v1/orders/{orderId}/extend", new { days = 3, reason = "x" }),
            ($"/api/v1/orders/{orderId}/transfer", new { reason = "x", hospital = "县人民医院" }), ($"/api/v1/orders/{orderId}/cancel", new { reason = "x" }),
            ($"/api/v1/orders/{orderId}/release", new { reason = "x" }), ($"/api/v1/orders/{orderId}/tests", new { day = 1, status = "Negative" }),
            ($"/api/v1/orders/{orderId}/reports", new { slot = "Morning", temperature = 36.5 }), ($"/api/v1/orders/{orderId}/link", new { }),
            ($"/api/v1/orders/{orderId}/spot-checks", new { method = "phone", outcome = "AtHomeAndWell" }),
        })
            await AssertRefusedAsync(other.PostJsonAsync(url, body));
        await AssertRefusedAsync(other.PutJsonAsync($"/api/v1/orders/{orderId}/owners", new[] { new { role = "doctor", name = "李医生", phone = "13800001111" } }));
        var created = await other.PostJsonAsync("/api/v1/orders", new { personId, reasons = new[] { "close-contact" }, exposureDate = "2022-10-04" });
        Assert.Equal(HttpStatusCode.BadRequest, created.StatusCode);
        Assert.DoesNotContain("王晓明", await created.Content.ReadAsStringAsync());

        // In the township: owners, a fever report raising a task, the person's status.
        Assert.Equal(HttpStatusCode.NoContent, (await township.PutJsonAsync($"/api/v1/orders/{orderId}/owners", new[] { new { role = "doctor", name = "李医生", phone = "13800001111" } })).StatusCode);
        var fever = await (await township.PostJsonAsync($"/api/v1/orders/{orderId}/reports", new { slot = "Morning", temperature = 38.1, symptoms = "DryCough" })).JsonAsync();
        Assert.True(fever.GetProperty("alarming").GetBoolean());
        var taskId = fever.GetProperty("taskId").GetInt64();
        // A re-measurement is a second reading of the slot: the order lists both, the fever still marked.
        var normal = await (await township.PostJsonAsync($"/api/v1/orders/{orderId}/reports", new { slot = "Morning", temperature = 36.5 })).JsonAsync();
        Assert.False(normal.GetProperty("alarming").GetBoolean());
        var readings = (await (await township.GetAsync($"/api/v1/orders/{orderId}")).JsonAsync()).GetProperty("reports").EnumerateArray()
            .Select(r => (r.GetProperty("slot").GetString(), r.GetProperty("sequence").GetInt32(), r.GetProperty("temperature").GetDecimal(), r.GetProperty("alarming").GetBoolean(), r.GetProperty("source").GetString()))
            .ToList();
        Assert.Equal([("Morning", 0, 38.1m, true, "staff"), ("Morning", 1, 36.5m, false, "staff")], readings);
        Assert.Equal("UnderMeasure", (await (await township.GetAsync($"/api/v1/people/{personId}/control-status")).JsonAsync()).GetProperty("status").GetString());
        var link = await (await township.PostJsonAsync($"/api/v1/orders/{orderId}/link", new { })).JsonAsync();
        Assert.Contains("/report/", link.GetProperty("url").GetString());
        var orderCount = await (await township.PostJsonAsync("/api/v1/orders", new { personId, reasons = new[] { "close-contact" }, exposureDate = "2022-10-04" })).JsonAsync();
        Assert.True(orderCount.GetProperty("id").GetInt64() > orderId);

        await AssertHiddenAsync(other, $"/api/v1/tasks/{taskId}");
        await AssertRefusedAsync(other.PostAsync($"/api/v1/tasks/{taskId}/start", null));
        await AssertRefusedAsync(other.PostJsonAsync($"/api/v1/tasks/{taskId}/close", new { outcome = "x" }));
        Assert.Equal(0, (await (await other.GetAsync("/api/v1/tasks")).JsonAsync()).GetProperty("total").GetInt32());
        Assert.Equal(1, (await (await township.GetAsync("/api/v1/tasks?kind=fever-transfer")).JsonAsync()).GetProperty("total").GetInt32());
        Assert.Equal(HttpStatusCode.NoContent, (await township.PostAsync($"/api/v1/tasks/{taskId}/start", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await township.PostJsonAsync($"/api/v1/tasks/{taskId}/close", new { outcome = "120 转运至县人民医院" })).StatusCode);

        // Ledgers: counts and the workbook of another township hold nothing of this one.
        Assert.Equal(0, (await (await other.GetAsync("/api/v1/ledgers/counts")).JsonAsync()).GetProperty("underMeasure").GetInt32());
        Assert.True((await (await township.GetAsync("/api/v1/ledgers/counts")).JsonAsync()).GetProperty("underMeasure").GetInt32() >= 1);
        // Per unit: the county sees the township's row, the township its village's, the other township none of them.
        var townshipKey = root.GetProperty("scopeKey").GetString()!;
        var countyUnits = (await (await command.GetAsync("/api/v1/ledgers/units")).JsonAsync()).EnumerateArray().ToList();
        Assert.Contains(countyUnits, u => u.GetProperty("unit").GetString() == townshipKey && u.GetProperty("underMeasure").GetInt32() >= 1
            && u.GetProperty("byKind").GetProperty("centralized-quarantine").GetInt32() >= 1 && u.GetProperty("overdueReports").GetInt32() >= 0);
        var villageUnits = (await (await township.GetAsync("/api/v1/ledgers/units")).JsonAsync()).EnumerateArray().ToList();
        Assert.Contains(villageUnits, u => u.GetProperty("unit").GetString()!.Length == 12 && u.GetProperty("underMeasure").GetInt32() >= 1);
        Assert.All(villageUnits, u => Assert.StartsWith(townshipKey, u.GetProperty("unit").GetString()));
        Assert.DoesNotContain((await (await other.GetAsync("/api/v1/ledgers/units")).JsonAsync()).EnumerateArray(), u => u.GetProperty("unit").GetString()!.StartsWith(townshipKey, StringComparison.Ordinal));
        Assert.DoesNotContain("王晓明", await LedgerTextAsync(other));
        var own = await LedgerTextAsync(township);
        Assert.Contains("王晓明", own);
        Assert.DoesNotContain(input.documentNumber, own); // masked
        // Codes are written as words a clerk reads: channel, reason, measure, status; the places stayed as a list, not JSON.
        Assert.Contains("卡点登记", own);
        Assert.Contains("高风险区来返", own);
        Assert.Contains("集中隔离医学观察", own);
        Assert.Contains("执行中", own);
        Assert.Contains("锦绣小区 09-28—10-04", own);
        Assert.DoesNotContain("\"countyCode\"", own);
        Assert.DoesNotContain("|Checkpoint|", own);
        // The ledger page lists the people under measures one by one in the same columns, masked; not to another township.
        var ledgerPage = await township.GetStringAsync("/ledgers");
        Assert.Contains("id=\"control-ledger-table\"", ledgerPage);
        Assert.Contains("王晓明", ledgerPage);
        Assert.Contains("包保责任人", ledgerPage);
        Assert.DoesNotContain(input.documentNumber, ledgerPage);
        Assert.DoesNotContain("王晓明", await other.GetStringAsync("/ledgers"));
    }

    /// <summary>
    /// The look-up of a close contact by ID number is county-wide by design (a secondary contact's township links to
    /// the close contact's township): it answers masked, only for an open close-contact order, only to those who manage
    /// orders, and the link it leads to is accepted for another township's order.
    /// </summary>
    [Theory, OnSqlite, OnPostgres]
    public async Task CloseContactLookup_FindsAnotherTownshipsContact_Masked_ForThoseWhoManageOrders(Engine engine)
    {
        await using var app = await FangkongApp.StartAsync(engine, Drill);
        var township = await app.SignInAsync("township");
        var other = await app.SignInAsync("township2");
        var checkpoint = await app.SignInAsync("checkpoint");
        var theirs = (await (await other.GetAsync("/api/v1/people?pageSize=50")).ReadAsync<Data.Infrastructure.Page<Data.People.PersonListItem>>()).Items.First(p => p.IdValid);
        var theirId = (await (await other.PostJsonAsync($"/api/v1/people/{theirs.Id}/reveal", new { field = "DocumentNumber", reason = "核对" })).JsonAsync()).GetProperty("value").GetString()!;
        const string Lookup = "/api/v1/orders/close-contacts/lookup";

        // No open close-contact order yet: nothing, not even a masked name.
        Assert.Equal(0, (await (await township.PostJsonAsync(Lookup, new { identifier = theirId })).JsonAsync()).GetArrayLength());
        var contactOrder = (await (await other.PostJsonAsync("/api/v1/orders", new { personId = theirs.Id, reasons = new[] { "close-contact" }, exposureDate = "2022-10-04" })).JsonAsync()).GetProperty("id").GetInt64();
        var response = await township.PostJsonAsync(Lookup, new { identifier = theirId });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain(theirs.Name, text);
        Assert.DoesNotContain(theirId, text);
        var match = (await response.JsonAsync())[0];
        Assert.Equal(contactOrder, match.GetProperty("orderId").GetInt64());
        Assert.Equal(theirs.DocumentMasked, match.GetProperty("documentMasked").GetString());
        // A wrong check digit: 400 naming the field.
        var wrong = await township.PostJsonAsync(Lookup, new { identifier = theirId[..^1] + (theirId[^1] == '1' ? '2' : '1') });
        Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
        Assert.Equal("id.check-character", (await wrong.JsonAsync()).GetProperty("codes").GetProperty("closeContact")[0].GetString());
        // Without the permission to manage orders: refused.
        Assert.Equal(HttpStatusCode.Forbidden, (await checkpoint.PostJsonAsync(Lookup, new { identifier = theirId })).StatusCode);

        // The township links its own person, a secondary contact, to the other township's close contact.
        var ours = (await (await township.GetAsync("/api/v1/people?pageSize=1")).ReadAsync<Data.Infrastructure.Page<Data.People.PersonListItem>>()).Items[0];
        var secondary = await (await township.PostJsonAsync("/api/v1/orders", new { personId = ours.Id, reasons = new[] { "secondary-contact" }, exposureDate = "2022-10-04", linkedOrderId = contactOrder })).JsonAsync();
        var detail = await (await township.GetAsync($"/api/v1/orders/{secondary.GetProperty("id").GetInt64()}")).JsonAsync();
        Assert.Equal(contactOrder, detail.GetProperty("linkedOrderId").GetInt64());
        // The linked order itself stays the other township's.
        await AssertHiddenAsync(township, $"/api/v1/orders/{contactOrder}");
    }

    /// <summary>
    /// Past the account's limit of look-ups in ten minutes (here 2), the look-up is a 429 problem+json with the code, the
    /// minutes to wait (also as Retry-After) and the sentence saying so; another account still looks up.
    /// </summary>
    [Theory, OnSqlite, OnPostgres]
    public async Task CloseContactLookup_PastTheAccountsLimit_Is429_WithTheMinutesToWait(Engine engine)
    {
        await using var app = await FangkongApp.StartAsync(engine, new Dictionary<string, string?>(Drill) { ["Fangkong:Orders:CloseContactLookupsPer10Minutes"] = "2" });
        var township = await app.SignInAsync("township");
        var other = await app.SignInAsync("township2");
        const string Lookup = "/api/v1/orders/close-contacts/lookup";
        var body = new { identifier = "13800138000" };
        for (var i = 0; i < 2; i++) Assert.Equal(HttpStatusCode.OK, (await township.PostJsonAsync(Lookup, body)).StatusCode);

        var refused = await township.PostJsonAsync(Lookup, body);
        var text = await refused.Content.ReadAsStringAsync();
        Assert.True(refused.StatusCode == HttpStatusCode.TooManyRequests, $"{(int)refused.StatusCode}: {text}");
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(text).RootElement;
        Assert.Equal("lookup.rate-limited", problem.GetProperty("code").GetString());
        Assert.Equal(10, problem.GetProperty("retryAfterMinutes").GetInt32());
        Assert.Equal(TimeSpan.FromMinutes(10), refused.Headers.RetryAfter?.Delta);
        var sentence = problem.GetProperty("detail").GetString()!;
        Assert.Contains("10", sentence);
        Assert.DoesNotContain("{0}", sentence);
        Assert.DoesNotContain("lookup", sentence);
        Assert.Equal(HttpStatusCode.OK, (await other.PostJsonAsync(Lookup, body)).StatusCode);
    }

    private static async Task<string> LedgerTextAsync(HttpClient client)
    {
        var response = await client.GetAsync("/api/v1/ledgers/export");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var source = TabularFile.Open(new MemoryStream(await response.Content.ReadAsByteArrayAsync()), "ledger.xlsx");
        var text = new System.Text.StringBuilder();
        foreach (var sheet in source.Sheets)
            foreach (var row in sheet.Rows)
                for (var i = 0; i < row.Count; i++) text.Append(row[i]).Append('|');
        return text.ToString();
    }

    private static async Task AssertHiddenAsync(HttpClient client, string url)
    {
        var response = await client.GetAsync(url);
        Assert.True(response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Forbidden, $"{url}: {(int)response.StatusCode}");
        Assert.DoesNotContain("王晓明", await response.Content.ReadAsStringAsync());
    }

    private static async Task AssertRefusedAsync(Task<HttpResponseMessage> call)
    {
        var response = await call;
        Assert.True(response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Forbidden, $"{response.RequestMessage?.RequestUri}: {(int)response.StatusCode}");
        Assert.DoesNotContain("王晓明", await response.Content.ReadAsStringAsync());
    }
}
