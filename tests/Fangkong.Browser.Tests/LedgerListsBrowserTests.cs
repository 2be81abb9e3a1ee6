using Fangkong.Core.Accounts;
using Fangkong.Core.Orders;
using Fangkong.Data;
using Fangkong.Data.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Fangkong.Browser.Tests;

/// <summary>
/// What a township or village cadre reads on the demo county's lists: whose list it is and how many rows it holds, the
/// ledger of people under measures, and the rule pack's test days as dates.
/// </summary>
public class LedgerListsBrowserTests
{
    private static async Task<BrowserApp> DemoAsync()
    {
        var app = await BrowserApp.StartAsync(new Dictionary<string, string?> { ["Fangkong:Clock:ExerciseDate"] = "2022-10-12" });
        await using var scope = app.Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<ActorAccessor>().Current = Actor.System("demo");
        Assert.True(await Fangkong.Data.Demo.ClosedLoopDemo.SeedAsync(scope.ServiceProvider, 2022) >= 30);
        return app;
    }

    /// <summary>The account's node name and the open orders and the arrivals in its subtree, counted in the database.</summary>
    private static async Task<(string Node, int Orders, int Arrivals)> ExpectedAsync(BrowserApp app, string user)
    {
        await using var scope = app.Services.CreateAsyncScope();
        await using var db = await scope.ServiceProvider.GetRequiredService<IDbContextFactory<FangkongDb>>().CreateDbContextAsync();
        var key = await db.Users.Where(u => u.UserName == user).Select(u => u.ScopeKey).SingleAsync();
        var node = await db.Nodes.IgnoreQueryFilters().Where(n => n.ScopeKey == key).Select(n => n.Name).SingleAsync();
        var statuses = await db.Orders.IgnoreQueryFilters().Where(o => o.ScopeKey.StartsWith(key)).Select(o => o.Status).ToListAsync();
        var arrivals = await db.Arrivals.IgnoreQueryFilters().CountAsync(a => a.ScopeKey.StartsWith(key));
        return (node, statuses.Count(ControlOrder.IsOpen), arrivals);
    }

    [BrowserFact]
    public async Task ListToolbars_SayWhoseListItIs_AndHowMany_AsTownshipAndAsVillage()
    {
        await using var app = await DemoAsync();
        foreach (var user in new[] { "township", "village" })
        {
            var (node, orders, arrivals) = await ExpectedAsync(app, user);
            var page = await app.NewPageAsync(phone: user == "village");
            await app.SignInAsync(page, user);

            await page.GotoAsync(app.BaseUrl + "/orders");
            await page.WaitForSelectorAsync("#list-scope");
            Assert.Equal($"{node} · 共 {orders} 条", Squeeze(await page.InnerTextAsync("#list-scope")));
            Assert.Equal("false", await page.GetAttributeAsync("#list-scope", "data-filtered"));
            await BrowserApp.ShotAsync(page, $"r6-orders-scope-{user}");

            // Filtered, the toolbar says so and leads back to the whole list.
            await page.GotoAsync(app.BaseUrl + "/orders?kind=centralized-quarantine");
            await page.WaitForSelectorAsync("#list-scope");
            Assert.Equal("true", await page.GetAttributeAsync("#list-scope", "data-filtered"));
            var filtered = int.Parse(await page.GetAttributeAsync("#list-scope", "data-total") ?? "-1", System.Globalization.CultureInfo.InvariantCulture);
            Assert.InRange(filtered, 0, orders);
            Assert.StartsWith($"{node} · 筛选后 {filtered} 条", Squeeze(await page.InnerTextAsync("#list-scope")));
            await page.ClickAsync("#list-scope-all");
            await page.WaitForURLAsync(url => url.EndsWith("/orders", StringComparison.Ordinal));
            // Enhanced navigation patches the page after the address changes.
            await page.WaitForSelectorAsync("#list-scope[data-filtered=false]");
            Assert.Equal($"{node} · 共 {orders} 条", Squeeze(await page.InnerTextAsync("#list-scope")));

            await page.GotoAsync(app.BaseUrl + "/arrivals");
            await page.WaitForSelectorAsync("#list-scope");
            Assert.Equal($"{node} · 共 {arrivals} 条", Squeeze(await page.InnerTextAsync("#list-scope")));
            await page.GotoAsync(app.BaseUrl + "/arrivals?status=pending");
            await page.WaitForSelectorAsync("#list-scope");
            Assert.Contains($"{node} · 筛选后 ", Squeeze(await page.InnerTextAsync("#list-scope")));
            await BrowserApp.ShotAsync(page, $"r6-arrivals-scope-{user}");
        }

        // The township narrows both lists to one of its villages with the place filter: the toolbar names the village
        // and counts its rows only.
        var (village, villageOrders, villageArrivals) = await ExpectedAsync(app, "village");
        var desk = await app.NewPageAsync();
        await app.SignInAsync(desk, "township");
        foreach (var (list, expected) in new[] { ("/orders", villageOrders), ("/arrivals", villageArrivals) })
        {
            await desk.GotoAsync(app.BaseUrl + list);
            await desk.SelectOptionAsync("#place-filter", new Microsoft.Playwright.SelectOptionValue { Label = village });
            await desk.ClickAsync("form:has(#place-filter) button[type=submit]");
            await desk.WaitForSelectorAsync("#list-scope[data-filtered=true]");
            Assert.StartsWith($"{village} · 筛选后 {expected} 条", Squeeze(await desk.InnerTextAsync("#list-scope")));
            Assert.Equal(village, (await desk.Locator("#place-filter option:checked").InnerTextAsync()).Trim());
        }
        await BrowserApp.ShotAsync(desk, "r6-arrivals-narrowed-to-a-village");
    }

    /// <summary>
    /// The ledger page lists the people under measures in the county's columns, masked; the rule pack's page lays each
    /// measure's test days out as dates from an example exposure date, today by default, another chosen with a GET form.
    /// </summary>
    [BrowserFact]
    public async Task LedgerTable_AndRulePackTestDates_ReadAsACadreChecksThem()
    {
        await using var app = await DemoAsync();
        var desk = await app.NewPageAsync();
        await app.SignInAsync(desk, "township");
        await desk.GotoAsync(app.BaseUrl + "/ledgers");
        await desk.WaitForSelectorAsync("#control-ledger-table");
        var headers = (await desk.Locator("#control-ledger-table thead th").AllInnerTextsAsync()).Select(Squeeze).ToList();
        Assert.Equal(["序号", "姓名 证件号码 · 联系电话", "属地", "来源地", "抵达日期", "管控原因", "管控措施", "起止日期", "包保责任人", "核酸检测", "状态"], headers);
        Assert.True(await desk.Locator("#control-ledger-table tbody tr").CountAsync() >= 5);
        Assert.Matches(@"^\d{4}\*+\w{2}$", await desk.InnerTextAsync("#control-ledger-table tbody tr:first-child [data-field=document]"));
        Assert.Matches(@"^1\d{2}\*{4}\d{4}$", await desk.InnerTextAsync("#control-ledger-table tbody tr:first-child [data-field=phone]"));
        Assert.Matches(@"^已出阴性 \d+ 次（应检 \d+ 次）", await desk.InnerTextAsync("#control-ledger-table tbody tr:first-child td:nth-child(10)"));
        // Every 包保责任人 cell names someone or says nobody is assigned: none is left blank.
        var owners = await desk.Locator("#control-ledger-table tbody td[data-field=owners]").AllInnerTextsAsync();
        Assert.NotEmpty(owners);
        Assert.All(owners, o => Assert.False(string.IsNullOrWhiteSpace(o)));
        await BrowserApp.ShotAsync(desk, "r6-ledger-table");
        // A desk screen holds every column: the status, the last one, is inside the card without scrolling.
        Assert.True(await desk.EvalOnSelectorAsync<bool>("#control-ledger-table", "t => t.parentElement.scrollWidth <= t.parentElement.clientWidth"));

        // Today (the drill's 2022-10-12) is day 1 unless another date is chosen: the 9th edition's close contact is tested
        // on days 1, 2, 3, 5, 7 at the site and on the home measure's day 3.
        await desk.GotoAsync(app.BaseUrl + "/rule-packs/cn-9th");
        await desk.WaitForSelectorAsync("#example-form");
        Assert.Equal("2022-10-12", await desk.InputValueAsync("#example-exposure"));
        var row = "#pack-rules tr[data-reason=close-contact]";
        Assert.Equal("2022-10-12,2022-10-13,2022-10-14,2022-10-16,2022-10-18",
            await desk.GetAttributeAsync($"{row} .fk-example-dates[data-kind=centralized-quarantine]", "data-dates"));
        await desk.FillAsync("#example-exposure", "2022-10-01");
        await desk.ClickAsync("#example-show");
        await desk.WaitForURLAsync(url => url.Contains("exposure=2022-10-01", StringComparison.Ordinal));
        await desk.WaitForSelectorAsync($"{row} .fk-example-dates[data-dates^='2022-10-01']");
        Assert.Equal("10-01、10-02、10-03、10-05、10-07", (await desk.InnerTextAsync($"{row} .fk-example-dates[data-kind=centralized-quarantine]")).Trim());
        Assert.Equal("10-10", (await desk.InnerTextAsync($"{row} .fk-example-dates[data-kind=home-health-monitoring]")).Trim());
        var days = await desk.InnerTextAsync($"{row} .fk-pack-days");
        Assert.Contains("10-01 至 10-07", days);
        Assert.Contains("10-08 至 10-10", days);
        Assert.Contains("第 1、2、3、5、7 天", await desk.InnerTextAsync(row));
        await BrowserApp.ShotAsync(desk, "r6-rule-pack-dates");

        // A date the rules do not answer for is refused in words, and today's dates are shown.
        await desk.GotoAsync(app.BaseUrl + "/rule-packs/cn-9th?exposure=9999-12-31");
        await desk.WaitForSelectorAsync("#example-refused");
        Assert.Equal("2022-10-12", await desk.InputValueAsync("#example-exposure"));
    }

    private static string Squeeze(string text) => System.Text.RegularExpressions.Regex.Replace(text, @"\s+", " ").Trim();
}
