using System.Text;
using Fangkong.Core.Identifiers;
using Microsoft.Playwright;

namespace Fangkong.Browser.Tests;

/// <summary>
/// The platform as people use it, in Chromium: screenshots land in artifacts/screenshots so each change can be
/// looked at (README shows some of them).
/// </summary>
public class PlatformBrowserTests
{
    [BrowserFact]
    public async Task County_SearchesAPerson_RevealsTheId_AndTheAccessLogShowsIt()
    {
        await using var app = await BrowserApp.StartAsync();
        var page = await app.NewPageAsync();
        await page.GotoAsync(app.BaseUrl + "/");
        await page.WaitForURLAsync("**/account/login**");
        await BrowserApp.ShotAsync(page, "01-login");
        await app.SignInAsync(page, "command");
        await page.WaitForSelectorAsync("#stat-people");
        // The command centre's home page has something to act on: each figure a link to its filtered list, red only
        // where a figure above 0 is a failure; the headcount and population bars in neutral ink.
        foreach (var (id, label, href, bad) in new[]
        {
            ("#tile-pending", "待乡镇确认", "/orders?status=Proposed", false),
            ("#tile-overdue", "超时协查", "/verification/tasks?overdue=1", true),
            ("#tile-tests", "今日待检", "/ledgers", false),
            ("#tile-missed", "漏报", "/tasks?kind=missed-report", true),
            ("#tile-waiting", "待分配人员", "/sites/waiting", true),
        })
        {
            Assert.Equal(href, await page.GetAttributeAsync($"#dashboard-tiles a{id}", "href"));
            Assert.Contains(label, await page.InnerTextAsync(id));
            var count = int.Parse((await page.InnerTextAsync($"{id} .fk-stat-value")).Trim().Replace(",", ""));
            Assert.Equal(bad && count > 0, await page.EvaluateAsync<bool>($"() => document.querySelector('{id}').classList.contains('fk-stat-bad')"));
        }
        Assert.Equal("rgb(31, 41, 51)", await page.EvaluateAsync<string>("() => getComputedStyle(document.querySelector('#stat-people')).color"));
        Assert.False(await page.EvaluateAsync<bool>("() => [...document.querySelectorAll('.fk-bar > span')].some(s => getComputedStyle(s).backgroundColor === 'rgb(180, 35, 24)')"));
        // The API reference is in the menu of those who issue keys or accounts, not of the command centre.
        Assert.Equal(0, await page.Locator(".fk-nav a[href='/api']").CountAsync());
        await BrowserApp.ShotAsync(page, "02-county-dashboard");
        await page.ClickAsync("#tile-overdue");
        await page.WaitForURLAsync("**/verification/tasks?overdue=1");
        await page.GotoAsync(app.BaseUrl + "/");
        await page.WaitForSelectorAsync("#stat-people");

        await page.ClickAsync("a[href='/people']");
        await page.WaitForSelectorAsync("#people-table");
        var name = (await page.InnerTextAsync("#people-table tbody tr:first-child td:first-child a")).Trim();
        await page.FillAsync("input[name=q]", name);
        await page.PressAsync("input[name=q]", "Enter");
        await page.WaitForURLAsync("**/people?q=**");
        await BrowserApp.ShotAsync(page, "03-people-search");
        Assert.Contains(name, await page.InnerTextAsync("#people-table"));

        await page.ClickAsync($"#people-table a:text-is('{name}')");
        await page.WaitForSelectorAsync("#id-number");
        var masked = (await page.InnerTextAsync("#id-number")).Trim();
        Assert.Matches(@"^\d{4}\*{12}", masked);
        await page.SelectOptionAsync("#reveal-field", "DocumentNumber");
        await page.FillAsync("#reveal-reason", "电话联系核实身份");
        await page.ClickAsync("#reveal-submit");
        await page.WaitForFunctionAsync("() => !document.querySelector('#id-number').innerText.includes('*')");
        var revealed = (await page.InnerTextAsync("#id-number")).Trim();
        Assert.True(ResidentId.Check(revealed[..18], DateOnly.FromDateTime(DateTime.Today)).Valid, revealed);
        // The 18 digits, the birth date and the document type each stay on one line.
        foreach (var value in new[] { "#id-number", ".fk-dl .fk-date", ".fk-dl dd:first-of-type" })
            Assert.True(await page.EvaluateAsync<bool>($"() => {{ const e = document.querySelector('{value}'); return e.getClientRects().length === 1 && e.getBoundingClientRect().height < 1.6 * parseFloat(getComputedStyle(e).lineHeight); }}"), value + " wraps");
        await BrowserApp.ShotAsync(page, "04-person-revealed");

        await page.GotoAsync(app.BaseUrl + "/audit/access-log");
        await page.WaitForSelectorAsync("#audit-table");
        // One readable line: what was seen, of whom (by name, a link to the person), by whom and why — no stored
        // codes or JSON; the account's login is in the tooltip of its display name.
        var log = await page.InnerTextAsync("#audit-table tbody tr:first-child");
        Assert.Contains("查看身份证号", log);
        Assert.Contains(name, await page.InnerTextAsync("#audit-table tbody tr:first-child a[href^='/people/']"));
        Assert.Contains("电话联系核实身份", log);
        Assert.Contains("县指挥部值班长", log);
        Assert.DoesNotContain("(command)", log);
        Assert.DoesNotContain("person.reveal", log);
        Assert.DoesNotContain("DocumentNumber", log);
        Assert.DoesNotContain("reveal", log);
        Assert.Contains("command", await page.GetAttributeAsync("#audit-table tbody tr:first-child .fk-actor", "title"));
        Assert.Equal("县指挥部值班长", (await page.InnerTextAsync("#my-password .fk-user-name")).Trim());
        // One place, one highlighted item in the sidebar: 查看记录, not 审计日志 as well (its address starts the same).
        Assert.Equal(["查看记录"], (await page.Locator(".fk-nav-link.active").AllInnerTextsAsync()).Select(t => t.Trim()));
        await BrowserApp.ShotAsync(page, "05-access-log");
    }

    [BrowserFact]
    public async Task People_AreExportedAsGbkCsv_OrUnmaskedWithAReasonInTheAccessLog()
    {
        await using var app = await BrowserApp.StartAsync();
        var page = await app.NewPageAsync();
        await app.SignInAsync(page, "command");
        await page.GotoAsync(app.BaseUrl + "/people?q=" + Uri.EscapeDataString("王"));
        await page.WaitForSelectorAsync("#people-table");
        // The list as it is filtered, in GBK for the office's old spreadsheet program; identifiers masked.
        await page.ClickAsync("#export summary");
        await page.SelectOptionAsync("#export form[data-export=masked] select[name=format]", "csv-gbk");
        // The two formats are told apart by their labels: the masked file and the full one.
        Assert.Equal("文件格式（已脱敏）", (await page.InnerTextAsync("#export form[data-export=masked] label[for=export-format-masked]")).Split('\n')[0].Trim());
        Assert.StartsWith("文件格式（完整证件号和手机号）", (await page.InnerTextAsync("#export form[data-export=revealed] label[for=export-format-revealed]")).Trim());
        Assert.StartsWith("用途", (await page.InnerTextAsync("label[for=export-reason]")).Trim());
        await BrowserApp.ShotAsync(page, "86-people-export");
        var download = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("#export form[data-export=masked] button[type=submit]"));
        var lines = Fangkong.Core.Tabular.TabularFile.Gbk.GetString(await File.ReadAllBytesAsync((await download.PathAsync())!))
            .Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("姓名", lines[0]);
        Assert.True(lines.Length > 2, string.Join("\n", lines.Take(3)));
        Assert.All(lines.Skip(1), l => Assert.Contains("王", l.Split(',')[0]));
        Assert.All(lines.Skip(1), l => Assert.Matches(@"\d{4}\*{10,}", l));
        // Unmasked: only with what it is for, which the access log keeps.
        await page.SelectOptionAsync("#export form[data-export=revealed] select[name=format]", "csv");
        await page.FillAsync("#export form[data-export=revealed] input[name=reason]", "报送县疾控中心流调组");
        download = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("#export form[data-export=revealed] button[type=submit]"));
        var full = Encoding.UTF8.GetString(await File.ReadAllBytesAsync((await download.PathAsync())!)).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(lines.Length, full.Length);
        Assert.DoesNotMatch(@"\d{4}\*{10,}", full[1]);
        await page.GotoAsync(app.BaseUrl + "/audit/access-log");
        await page.WaitForSelectorAsync("#audit-table");
        Assert.Contains("报送县疾控中心流调组", await page.InnerTextAsync("#audit-table tbody tr:first-child"));
    }

    [BrowserFact]
    public async Task Village_OnAPhone_SeesOnlyItsVillage_AndSwitchesToEnglish()
    {
        await using var app = await BrowserApp.StartAsync();
        var page = await app.NewPageAsync(phone: true);
        await app.SignInAsync(page, "village");
        await page.GotoAsync(app.BaseUrl + "/jurisdictions");
        await page.WaitForSelectorAsync("h1");
        var village = (await page.InnerTextAsync("h1")).Split(' ')[0];
        // The division code beside the title says what it is; the crumbs end with the last unit, not a separator.
        Assert.Matches(@"^编码 \d{12}$", (await page.InnerTextAsync("#node-code")).Trim());
        // …in small text under the title, not a large number inside it.
        Assert.Equal(0, await page.Locator("h1 #node-code").CountAsync());
        Assert.True(await page.EvaluateAsync<bool>("() => parseFloat(getComputedStyle(document.getElementById('node-code')).fontSize) < 0.7 * parseFloat(getComputedStyle(document.querySelector('h1')).fontSize)"));
        var crumbs = (await page.InnerTextAsync("#tree-crumbs")).Trim();
        Assert.False(crumbs.EndsWith('/'), crumbs);
        Assert.False(crumbs.StartsWith('/'), crumbs);
        await BrowserApp.ShotAsync(page, "06-phone-village-tree");

        // The cadre adds a grid, corrects its name, and removes it again while it is empty.
        await page.FillAsync("#child-name", "河东临时网格");
        await page.ClickAsync("#child-add");
        await page.WaitForSelectorAsync("h1:has-text('河东临时网格')");
        await page.ClickAsync("#node-edit summary");
        await page.FillAsync("#node-edit input[name='Edit.Name']", "河东第九网格");
        await BrowserApp.ShotAsync(page, "93-phone-grid-edit");
        await page.ClickAsync("#node-rename");
        await page.WaitForSelectorAsync("h1:has-text('河东第九网格')");
        await page.ClickAsync("#node-edit summary");
        // Deleting takes two taps: the first only asks, naming the unit, and removes nothing.
        await page.ClickAsync("#node-delete");
        Assert.Contains("确认删除 河东第九网格？", await page.InnerTextAsync("#node-delete-question"));
        Assert.Contains("河东第九网格", await page.InnerTextAsync("h1"));
        await page.ClickAsync("#node-delete-confirm");
        await page.WaitForSelectorAsync($"h1:has-text('{village}')");
        Assert.DoesNotContain("河东第九网格", await page.InnerTextAsync("body"));

        await page.GotoAsync(app.BaseUrl + "/people");
        await page.WaitForSelectorAsync("#people-table");
        // The phone's top bar names the account by its display name, wholly visible, beside the language switch.
        Assert.Equal("村网格员", (await page.InnerTextAsync("#my-password .fk-user-name")).Trim());
        Assert.True(await page.EvaluateAsync<bool>("() => { const n = document.querySelector('#my-password .fk-user-name'); return n.scrollWidth <= n.clientWidth; }"));
        Assert.True(await page.IsVisibleAsync(".fk-lang"));
        var lang = await page.Locator(".fk-lang").BoundingBoxAsync();
        Assert.True(lang!.X + lang.Width <= 390, $"the language switch ends at {lang.X + lang.Width}");
        await BrowserApp.ShotAsync(page, "07-phone-village-people");
        // The menu opens from the burger on a phone.
        await page.ClickAsync(".fk-burger");
        await page.WaitForSelectorAsync(".fk-nav a[href='/households']", new PageWaitForSelectorOptions { State = WaitForSelectorState.Visible });
        // The drawer slides in; shoot it once it has arrived, wholly on screen.
        await page.WaitForFunctionAsync("() => { const n = document.querySelector('.fk-nav'); return n.getBoundingClientRect().left === 0 && n.getAnimations().length === 0; }");
        await BrowserApp.ShotAsync(page, "08-phone-menu", fullPage: false);
        // A tap on the dimmed page beside the drawer closes it.
        await page.Mouse.ClickAsync(370, 400);
        await page.WaitForFunctionAsync("() => { const n = document.querySelector('.fk-nav'); return n.getBoundingClientRect().right <= 0 && n.getAnimations().length === 0; }");
        Assert.False(await page.IsCheckedAsync("#fk-nav-toggle"));
        await page.ClickAsync(".fk-burger");
        await page.WaitForFunctionAsync("() => { const n = document.querySelector('.fk-nav'); return n.getBoundingClientRect().left === 0 && n.getAnimations().length === 0; }");
        await page.ClickAsync(".fk-nav a[href='/households']");
        await page.WaitForSelectorAsync("#households-table");
        // The page chosen in the menu is shown, not covered by the menu.
        Assert.False(await page.IsCheckedAsync("#fk-nav-toggle"));
        Assert.DoesNotContain("undefined", await page.ContentAsync());

        // Another village's people are not reachable even by URL.
        var response = await page.GotoAsync(app.BaseUrl + "/people/1");
        var body = await page.InnerTextAsync("body");
        Assert.True(body.Contains("无权访问") || body.Contains(village) || response!.Status == 404);

        await page.GotoAsync(app.BaseUrl + "/people");
        await page.ClickAsync(".fk-lang");
        await page.WaitForSelectorAsync("h1:text-is('People registry')");
        await BrowserApp.ShotAsync(page, "09-phone-english");
    }

    [BrowserFact]
    public async Task Township_ImportsAFileWithBadRows_AndReadsEachRowError()
    {
        await using var app = await BrowserApp.StartAsync();
        var page = await app.NewPageAsync();
        await app.SignInAsync(page, "township");
        var rootResponse = await page.APIRequest.GetAsync(app.BaseUrl + "/api/v1/jurisdictions/root");
        var rootNode = System.Text.Json.JsonDocument.Parse(await rootResponse.TextAsync()).RootElement;
        var children = await page.APIRequest.GetAsync(app.BaseUrl + $"/api/v1/jurisdictions/{rootNode.GetProperty("id").GetInt64()}/children");
        var villageName = System.Text.Json.JsonDocument.Parse(await children.TextAsync()).RootElement[0].GetProperty("name").GetString()!;
        var root = rootNode.GetProperty("name").GetString() + villageName;

        var good = ResidentId.Compose("411326", new DateOnly(1988, 8, 8), 301);
        var bad = good[..17] + (good[17] == '1' ? '2' : '1');
        var csv = $"姓名,身份证号,手机号,现住址\n新居民,{good},13600001111,{root}\n错号码,{bad},13600001112,{root}\n<b>坏名</b>,{ResidentId.Compose("411326", new DateOnly(1988, 8, 8), 303)},,{root}\n无地址,{ResidentId.Compose("411326", new DateOnly(1988, 8, 8), 305)},,火星\n";
        var path = Path.Combine(app.Database.DataDirectory, "导入名单.csv");
        await File.WriteAllBytesAsync(path, Core.Tabular.TabularFile.Gbk.GetBytes(csv));

        await page.GotoAsync(app.BaseUrl + "/people/import");
        await page.WaitForSelectorAsync("#import-file");
        // The page is interactive: wait for the circuit before using the file input.
        await page.WaitForFunctionAsync("() => window.Blazor !== undefined");
        await page.WaitForTimeoutAsync(500);
        await page.SetInputFilesAsync("#import-file", path);
        await page.ClickAsync("#import-start:not([disabled])");
        await page.WaitForSelectorAsync("#import-summary", new PageWaitForSelectorOptions { Timeout = 60_000 });
        Assert.Equal("1", (await page.InnerTextAsync("#sum-imported")).Trim());
        Assert.Equal("3", (await page.InnerTextAsync("#sum-rejected")).Trim());
        var errors = await page.InnerTextAsync("#rejections");
        Assert.Contains("校验位", errors);
        Assert.Contains("姓名含有不允许的字符", errors);
        Assert.Contains("找不到本县的村或社区", errors);
        // The resolver's reason in words, the value as the row had it: no English.
        Assert.Contains("既没有认出本县的乡镇、村（社区），也没有认出外地地名", errors);
        Assert.DoesNotMatch("[a-z]{3,} [a-z]{3,}", errors);
        await BrowserApp.ShotAsync(page, "10-import-errors");

        await page.ClickAsync("#all-rejections");
        await page.WaitForSelectorAsync("table.fk-table");
        Assert.Contains("3", await page.InnerTextAsync("table.fk-table tbody tr:first-child"));
    }

    [BrowserFact]
    public async Task InteractivePage_RecoversAfterTheConnectionDrops()
    {
        await using var app = await BrowserApp.StartAsync();
        var page = await app.NewPageAsync();
        await app.SignInAsync(page, "admin");
        await page.GotoAsync(app.BaseUrl + "/accounts");
        await page.WaitForSelectorAsync("#accounts-table");
        Assert.Equal(1, await page.Locator(".fk-nav a[href='/api']").CountAsync());
        await page.WaitForFunctionAsync("() => window.Blazor !== undefined");
        await page.WaitForTimeoutAsync(500);
        await page.ClickAsync("#account-new");
        await page.WaitForSelectorAsync("#account-form");

        // Drop the network: Blazor's script (the .NET 9 one we ship) must reconnect the circuit by itself.
        await page.Context.SetOfflineAsync(true);
        await page.WaitForTimeoutAsync(3000);
        await page.Context.SetOfflineAsync(false);
        await page.WaitForTimeoutAsync(4000);
        await page.FillAsync("#account-search", "village");
        await page.WaitForFunctionAsync("() => document.querySelectorAll('#accounts-table tbody tr').length === 1", null, new PageWaitForFunctionOptions { Timeout = 30_000 });
        await BrowserApp.ShotAsync(page, "11-accounts-after-reconnect");
    }
}
