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
    }

    private static string Squeeze(string text) => System.Text.RegularExpressions.Regex.Replace(text, @"\s+", " ").Trim();
}
