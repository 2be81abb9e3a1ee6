using System.Net;
using System.Text.RegularExpressions;
using Fangkong.Testing;

namespace Fangkong.Web.Tests.ClosedLoop;

/// <summary>
/// The closed loop's pages as a browser submits them (static server rendering): a result nobody chose is never
/// recorded, an order is never acted on by a default, a positive landing test needs its confirmation, and rules and
/// registration points are named in words.
/// </summary>
public class ClosedLoopPageTests
{
    private static readonly Dictionary<string, string?> Drill = new() { ["Fangkong:Clock:ExerciseDate"] = "2022-10-05" };

    /// <summary>
    /// On an order in force the test result and the action start on an empty choice; submitted so, nothing is recorded
    /// or done and the page says what to choose. The rule reads as the pack's name and the reason, the code kept in the
    /// tooltip, and the timeline leaves out the ids and codes.
    /// </summary>
    [Theory, OnSqlite, OnPostgres]
    public async Task AnOrdersResultAndAction_StartUnchosen_AndNothingHappensWithoutAChoice(Engine engine)
    {
        await using var app = await FangkongApp.StartAsync(engine, Drill);
        var township = await app.SignInAsync("township");
        var orderId = await ClosedLoopTextTests.OrderInForceAsync(app, township);
        var url = $"/orders/{orderId}";

        var page = await township.GetStringAsync(url);
        Assert.Equal(("", "请选择结果", true), FirstOption(page, "Test.Status"));
        Assert.Equal(("", "请选择操作", true), FirstOption(page, "Act.Action"));
        var rule = Regex.Match(page, "<dd id=\"rule-reference\">(.*?)</dd>", RegexOptions.Singleline).Groups[1].Value;
        Assert.Contains("title=\"cn-9th#high-risk-area\"", rule);
        Assert.Contains("《新型冠状病毒肺炎防控方案（第九版）》高风险区来返", rule);
        Assert.Contains("（第 1 版）", rule);
        Assert.DoesNotContain(">cn-9th#high-risk-area", page); // the code only in attributes, never as text
        var timeline = Regex.Match(page, "<table class=\"fk-table[^\"]*\" id=\"timeline\">(.*?)</table>", RegexOptions.Singleline).Groups[1].Value;
        foreach (var field in new[] { "所属县", "辖区编码", "人员编号", "管控措施编号", "防控方案<", "报备记录" })
            Assert.DoesNotContain(field, timeline);
        Assert.Contains("《新型冠状病毒肺炎防控方案（第九版）》高风险区来返", timeline);
        // A new record's fields as plain values: no "— →" before what it was created with.
        Assert.DoesNotMatch("<span class=\"fk-value\">—</span> →", timeline);

        var unchosen = await township.SubmitFormAsync(url, "test", ("Test.Day", "1"), ("Test.Status", ""), ("Test.Ct", ""));
        Assert.Matches("id=\"order-message\">请选择结果<", unchosen);
        var order = await (await township.GetAsync($"/api/v1/orders/{orderId}")).JsonAsync();
        Assert.Equal("Due", order.GetProperty("tests").EnumerateArray().Single(t => t.GetProperty("day").GetInt32() == 1).GetProperty("status").GetString());

        var noAction = await township.SubmitFormAsync(url, "action", ("Act.Action", ""), ("Act.Reason", "期满"));
        Assert.Matches("id=\"order-message\">请先选择要执行的操作<", noAction);
        order = await (await township.GetAsync($"/api/v1/orders/{orderId}")).JsonAsync();
        Assert.Equal("Active", order.GetProperty("order").GetProperty("status").GetString());

        // Chosen, the same form records.
        await township.SubmitFormAsync(url, "test", ("Test.Day", "1"), ("Test.Status", "Negative"), ("Test.Ct", "38"));
        order = await (await township.GetAsync($"/api/v1/orders/{orderId}")).JsonAsync();
        Assert.Equal("Negative", order.GetProperty("tests").EnumerateArray().Single(t => t.GetProperty("day").GetInt32() == 1).GetProperty("status").GetString());
        // Over the API too, a result without a status is refused as not chosen.
        await HttpExtensions.AssertFieldAsync(await township.PostJsonAsync($"/api/v1/orders/{orderId}/tests", new { day = 2 }), "status", "result.required");

        // In English the pack's English name and the reason in English.
        await township.GetAsync("/culture/en-US?returnUrl=/");
        var english = Regex.Match(await township.GetStringAsync(url), "<dd id=\"rule-reference\">(.*?)</dd>", RegexOptions.Singleline).Groups[1].Value;
        Assert.Contains("COVID-19 prevention and control protocol, 9th edition: ", english);
        Assert.DoesNotMatch("[\u4e00-\u9fff]", english);
    }

    /// <summary>A required select's first option: its value, its text and whether it is the one selected.</summary>
    /// <summary>
    /// A measure in force is a normal state, not an alarm: the confirmed arrival, the order's title, the person's page
    /// and the people list show it blue (as 执行中 on the orders list), never in the red kept for a transfer or an overdue test.
    /// </summary>
    [Theory, OnSqlite, OnPostgres]
    public async Task AMeasureInForce_IsShownBlue_NotRed(Engine engine)
    {
        await using var app = await FangkongApp.StartAsync(engine, Drill);
        var township = await app.SignInAsync("township");
        var orderId = await ClosedLoopTextTests.OrderInForceAsync(app, township);
        var personId = (await (await township.GetAsync($"/api/v1/orders/{orderId}")).JsonAsync()).GetProperty("order").GetProperty("personId").GetInt64();

        var arrivals = await township.GetStringAsync("/arrivals?status=OrderConfirmed");
        Assert.Matches("<span class=\"fk-badge fk-badge-info\">已落实管控</span>", arrivals);
        Assert.Matches("<span class=\"fk-badge fk-badge-info\" id=\"control-status\">隔离管控</span>", await township.GetStringAsync($"/orders/{orderId}"));
        var person = await township.GetStringAsync($"/people/{personId}");
        Assert.Matches("class=\"fk-badge fk-badge-info\" id=\"person-control\">隔离管控<", person);
        Assert.Matches("<span class=\"fk-badge fk-badge-info\" id=\"control-status\">隔离管控</span>", person);
        Assert.Matches("<span class=\"fk-badge fk-badge-info\" data-control=\"UnderMeasure\">隔离管控</span>", await township.GetStringAsync("/people?q=王晓明"));
    }

    /// <summary>
    /// The orders page's cards say what they count: the first one counts check-ins waiting for the township (it opens the
    /// arrivals), so it is named as such and not read as the list's orders marked 待确认; the card for today's tests and
    /// the filter below it use the same word (今日待检), as the ledger and the dashboard do.
    /// </summary>
    [Theory, OnSqlite, OnPostgres]
    public async Task OrdersPageCards_NameWhatTheyCount_AndTodaysTestsHaveOneName(Engine engine)
    {
        await using var app = await FangkongApp.StartAsync(engine, Drill);
        var township = await app.SignInAsync("township");
        await ClosedLoopTextTests.OrderInForceAsync(app, township);
        var page = await township.GetStringAsync("/orders");
        Assert.Matches("id=\"stat-pending\"><div class=\"fk-stat-value\">\\d+</div><div class=\"fk-stat-label\">报备待乡镇确认</div>", page);
        var card = Regex.Match(page, "id=\"stat-tests-today\"><div class=\"fk-stat-value\">(\\d+)</div><div class=\"fk-stat-label\">([^<]+)</div>");
        Assert.True(card.Success);
        Assert.Equal("今日待检", card.Groups[2].Value);
        Assert.Matches($"id=\"filter-tests-today\">.*?今日待检（{card.Groups[1].Value}）</label>", page);
        Assert.DoesNotContain("今日应检", page);
    }

    /// <summary>
    /// An order's tests read as how many negatives are in out of how many are scheduled, never as a bare "0/5" that reads
    /// as "0 of 5 negative": on the orders list and in the ledger.
    /// </summary>
    [Theory, OnSqlite, OnPostgres]
    public async Task AnOrdersTests_ReadAsNegativesInOutOfScheduled(Engine engine)
    {
        await using var app = await FangkongApp.StartAsync(engine, Drill);
        var township = await app.SignInAsync("township");
        var orderId = await ClosedLoopTextTests.OrderInForceAsync(app, township);
        Assert.Equal(HttpStatusCode.NoContent, (await township.PostJsonAsync($"/api/v1/orders/{orderId}/tests", new { day = 1, status = "Negative", ct = 38 })).StatusCode);
        var total = (await (await township.GetAsync($"/api/v1/orders/{orderId}")).JsonAsync()).GetProperty("tests").GetArrayLength();
        Assert.True(total > 1);
        Assert.Contains($"已出阴性 1 次（应检 {total} 次）", await township.GetStringAsync("/orders"));
        var ledger = await township.GetStringAsync("/ledgers");
        Assert.Contains($"已出阴性 1 次</span><span class=\"text-nowrap\">（应检 {total} 次）", ledger);
        Assert.DoesNotMatch("阴性 \\d+/\\d+", ledger);
    }

    /// <summary>The arrivals list's two date boxes say what they bound: 抵达日期, from one to the other (从 … 至 …).</summary>
    [Theory, OnSqlite, OnPostgres]
    public async Task ArrivalsDateFilters_AreLabelled(Engine engine)
    {
        await using var app = await FangkongApp.StartAsync(engine, Drill);
        var township = await app.SignInAsync("township");
        var page = await township.GetStringAsync("/arrivals?from=2022-10-01&to=2022-10-05");
        var dates = Regex.Match(page, "<div class=\"small fk-field fk-range-field\" id=\"arrival-dates\">(.*?)</div>", RegexOptions.Singleline).Groups[1].Value;
        Assert.Contains("<span>抵达日期</span>", dates);
        Assert.Matches("name=\"from\" value=\"2022-10-01\"[^>]*aria-label=\"抵达日期 从\"", dates);
        Assert.Matches("至 <input type=\"date\" name=\"to\" value=\"2022-10-05\"[^>]*aria-label=\"抵达日期 至\"", dates);
    }

    /// <summary>
    /// A list emptied by a filter says which filter, and leads to the whole list: sent to 待乡镇确认 when nothing waits,
    /// a cadre reads that the arrivals exist but none waits, not that there are none.
    /// </summary>
    [Theory, OnSqlite, OnPostgres]
    public async Task AnArrivalsListEmptiedByAFilter_NamesIt_AndLeadsToTheWholeList(Engine engine)
    {
        await using var app = await FangkongApp.StartAsync(engine, Drill);
        var township = await app.SignInAsync("township");
        await ClosedLoopTextTests.OrderInForceAsync(app, township); // one arrival, its order confirmed: nothing waits
        var pending = await township.GetStringAsync("/arrivals?status=pending");
        var empty = Regex.Match(pending, "id=\"arrivals-empty\">(.*?)</div>", RegexOptions.Singleline).Groups[1].Value;
        Assert.Contains("当前只看「待乡镇确认」，没有符合的报备。", empty);
        Assert.Contains("<a href=\"/arrivals\" id=\"arrivals-show-all\">查看全部报备</a>", empty);
        var searched = await township.GetStringAsync("/arrivals?status=pending&q=" + Uri.EscapeDataString("无此人"));
        Assert.Contains("按当前筛选条件没有报备。", searched);
        var all = await township.GetStringAsync("/arrivals");
        Assert.DoesNotContain("id=\"arrivals-empty\"", all);
        Assert.Contains("王晓明", all);
    }

    /// <summary>
    /// The ledger's bar for check-ins waiting for the township is neutral, as the same count is on the orders page and
    /// the dashboard, and it is scaled with the others: the largest count fills its track, never more.
    /// </summary>
    [Theory, OnSqlite, OnPostgres]
    public async Task LedgerPendingBar_IsNeutral_AndNeverWiderThanItsTrack(Engine engine)
    {
        await using var app = await FangkongApp.StartAsync(engine, Drill);
        var command = await app.SignInAsync("command");
        Assert.Equal(HttpStatusCode.OK, (await command.PostJsonAsync("/api/v1/risk-areas", new { areaCounty = "河南省郑州市金水区", place = "花园路街道锦绣小区", level = "High", designatedOn = "2022-09-20", source = "通告" })).StatusCode);
        var township = await app.SignInAsync("township");
        var root = await (await township.GetAsync("/api/v1/jurisdictions/root")).JsonAsync();
        var village = (await (await township.GetAsync($"/api/v1/jurisdictions/{root.GetProperty("id").GetInt64()}/children")).JsonAsync())[0].GetProperty("id").GetInt64();
        // Seven arrivals of earlier days wait for the township: pending (7) is the largest count (the seed's people away
        // from home are 6), today's arrivals 0.
        foreach (var (name, serial) in new[] { ("王晓明", 11), ("李小红", 22), ("张伟", 33), ("刘洋", 44), ("陈静", 55), ("杨帆", 66), ("赵磊", 77) })
        {
            var day = "2022-10-03";
            var response = await township.PostJsonAsync("/api/v1/arrivals?channel=Checkpoint&point=卡点1", new
            {
                name, documentNumber = Core.Identifiers.ResidentId.Compose("410105", new DateOnly(1990, 3, 4), serial), phone = "13912345678",
                origin = "河南省郑州市金水区花园路街道锦绣小区", arrivalDate = day, destinationNodeId = village,
                stops = new[] { new { place = "郑州市金水区锦绣小区", from = "2022-09-28", to = "2022-10-01" } },
            });
            Assert.True(response.IsSuccessStatusCode);
        }
        var ledger = await township.GetStringAsync("/ledgers");
        var bar = Regex.Match(ledger, "<a class=\"fk-hbar ([^\"]*)\" href=\"/arrivals\\?status=pending\">.*?<span style=\"width:(\\d+)%\">.*?<span class=\"fk-hbar-value\">(\\d+)</span>", RegexOptions.Singleline);
        Assert.True(bar.Success);
        Assert.Equal("7", bar.Groups[3].Value);
        Assert.Equal("", bar.Groups[1].Value.Trim());
        Assert.Equal("100", bar.Groups[2].Value);
        Assert.All(Regex.Matches(ledger, "<span style=\"width:(\\d+)%\">").Select(m => int.Parse(m.Groups[1].Value)), w => Assert.InRange(w, 0, 100));
    }

    /// <summary>
    /// An arrival's page writes a stop's dates as "09-28 至 10-04" (no hyphen beside a dash), and its classification has
    /// one 管控原因 row, not a second empty 原因 row beside it.
    /// </summary>
    [Theory, OnSqlite, OnPostgres]
    public async Task AnArrivalsPage_WritesStopDatesWith至_AndNoSecondEmptyReasonRow(Engine engine)
    {
        await using var app = await FangkongApp.StartAsync(engine, Drill);
        var township = await app.SignInAsync("township");
        var orderId = await ClosedLoopTextTests.OrderInForceAsync(app, township);
        var arrivalId = (await (await township.GetAsync($"/api/v1/orders/{orderId}")).JsonAsync()).GetProperty("arrivalId").GetInt64();
        var page = await township.GetStringAsync($"/arrivals/{arrivalId}");
        Assert.Contains("09-28 至 10-04", page);
        Assert.DoesNotContain("09-28–10-04", page);
        Assert.Contains("<dt>管控原因</dt>", page);
        Assert.DoesNotContain("<dt>原因</dt>", page);
        Assert.DoesNotMatch("<dt>判定说明</dt><dd class=\"small\" id=\"classification-note\">\\s*</dd>", page);
    }

    private static (string Value, string Text, bool Selected) FirstOption(string html, string name)
    {
        var select = Regex.Match(html, $"<select name=\"{Regex.Escape(name)}\"([^>]*)>(.*?)</select>", RegexOptions.Singleline);
        Assert.True(select.Success, $"no select {name}");
        Assert.Contains("required", select.Groups[1].Value);
        // An empty value is written as the bare attribute ("<option value selected>").
        var option = Regex.Match(select.Groups[2].Value, "<option value(?:=\"([^\"]*)\")?([^>]*)>([^<]*)</option>");
        return (option.Groups[1].Value, option.Groups[3].Value, option.Groups[2].Value.Contains("selected", StringComparison.Ordinal));
    }

    /// <summary>
    /// A positive landing test is recorded only on the confirming second submit (the first asks, and nothing is
    /// recorded or raised); the arrival names the township it was registered at, not its code.
    /// </summary>
    [Theory, OnSqlite, OnPostgres]
    public async Task APositiveLandingTest_IsRecordedOnlyWhenConfirmed(Engine engine)
    {
        await using var app = await FangkongApp.StartAsync(engine, Drill);
        var township = await app.SignInAsync("township");
        var root = await (await township.GetAsync("/api/v1/jurisdictions/root")).JsonAsync();
        var village = (await (await township.GetAsync($"/api/v1/jurisdictions/{root.GetProperty("id").GetInt64()}/children")).JsonAsync())[0].GetProperty("id").GetInt64();
        var point = root.GetProperty("scopeKey").GetString()!;
        var receipt = await (await township.PostJsonAsync($"/api/v1/arrivals?channel=Checkpoint&point={point}", new
        {
            name = "李返乡", documentNumber = Core.Identifiers.ResidentId.Compose("410105", new DateOnly(1991, 2, 3), 21), phone = "13912345600",
            origin = "上海市浦东新区", arrivalDate = "2022-10-05", destinationNodeId = village,
        })).JsonAsync();
        var url = $"/arrivals/{receipt.GetProperty("id").GetInt64()}";

        var page = await township.GetStringAsync(url);
        var channel = Regex.Match(page, "<dd id=\"arrival-channel\">(.*?)</dd>", RegexOptions.Singleline).Groups[1].Value;
        Assert.Contains("卡点登记", channel);
        Assert.Contains($"title=\"{point}\"> · {root.GetProperty("name").GetString()}<", channel);
        Assert.Contains("id=\"landing-form\"", page);

        var asked = await township.SubmitFormAsync(url, "landing", ("Landing.Result", "positive"));
        Assert.Contains("id=\"landing-confirm\"", asked);
        Assert.DoesNotContain("id=\"landing-form\"", asked);
        var arrival = await (await township.GetAsync($"/api/v1{url}")).JsonAsync();
        Assert.True(!arrival.TryGetProperty("landingTestResult", out var none) || none.ValueKind == System.Text.Json.JsonValueKind.Null, arrival.ToString());
        Assert.Equal(0, (await (await township.GetAsync("/api/v1/tasks?kind=positive-transfer")).JsonAsync()).GetProperty("total").GetInt32());

        var confirmed = await township.SubmitFormAsync(url, "landing", ("Landing.Result", "positive"), ("Landing.Confirm", "true"));
        Assert.Matches("<span class=\"fk-badge fk-badge-bad\">落地检阳性</span>", confirmed);
        arrival = await (await township.GetAsync($"/api/v1{url}")).JsonAsync();
        Assert.Equal("positive", arrival.GetProperty("landingTestResult").GetString());
        Assert.Equal(1, (await (await township.GetAsync("/api/v1/tasks?kind=positive-transfer")).JsonAsync()).GetProperty("total").GetInt32());
    }
}
