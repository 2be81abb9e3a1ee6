using System.Text;
using Fangkong.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Fangkong.Browser.Tests;

/// <summary>
/// What a county's reviewers asked of the verification pages: after a pushed list is imported, one plain sentence
/// says where its tasks went (the ones still to route link to the routing queue), and every refused row names its
/// field; the place a task belongs to is headed 属地; the close button says what closing will do.
/// </summary>
public class VerificationReviewBrowserTests
{
    private static readonly Dictionary<string, string?> Drill = new()
    {
        ["Fangkong:Clock:ExerciseDate"] = "2022-11-10",
        ["Fangkong:Verification:BoardRefreshSeconds"] = "1",
    };

    /// <summary>The demo township account's township and the demo village account's village, by name.</summary>
    private static async Task<(string Township, string Village)> PlacesAsync(BrowserApp app)
    {
        await using var scope = app.Services.CreateAsyncScope();
        await using var db = await scope.ServiceProvider.GetRequiredService<IDbContextFactory<FangkongDb>>().CreateDbContextAsync();
        var townshipKey = await db.Users.Where(u => u.UserName == "township").Select(u => u.ScopeKey).FirstAsync();
        var villageKey = await db.Users.Where(u => u.UserName == "village").Select(u => u.ScopeKey).FirstAsync();
        return (await db.Nodes.IgnoreQueryFilters().Where(n => n.ScopeKey == townshipKey).Select(n => n.Name).FirstAsync(),
            await db.Nodes.IgnoreQueryFilters().Where(n => n.ScopeKey == villageKey).Select(n => n.Name).FirstAsync());
    }

    [BrowserFact]
    public async Task AfterAnImport_OneSentenceSaysWhereTheTasksWent_TheOnesToRouteLinkToTheQueue_AndEveryRefusedRowNamesItsField()
    {
        await using var app = await BrowserApp.StartAsync(Drill);
        var (township, village) = await PlacesAsync(app);
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        var csv = new StringBuilder("序号,姓名,身份证号,手机号,现住址,来源地,推送原因,推送时间,推送批次\r\n")
            .Append($"1,欧阳审阅,,13755552001,淅川县{township}{village}3组,上海市,时空伴随,2030-01-01 08:00,\r\n") // a task, its time reported (future)
            .Append($"2,司马审阅,,13755552002,{township}{village},北京市,密接的密接,,\r\n")
            .Append($"3,欧阳审阅,,13755552001,{township}{village},上海市,时空伴随,,\r\n") // a duplicate of row 1
            .Append("4,无址审阅,,13755552004,某某小区,郑州市,健康码异常,,\r\n") // no township: the routing queue
            .Append("5,外县审阅,,13755552005,湖北省十堰市丹江口市均州路1号,,密接,,\r\n") // another county: back upstream
            .Append("6,,,,无人,,,,\r\n") // no identity at all: refused
            .Append("7,,,12345,无人,,,,\r\n"); // only an unreadable phone: refused
        var file = Path.Combine(Path.GetTempPath(), $"协查审阅-{Guid.NewGuid():N}.csv");
        await File.WriteAllBytesAsync(file, Encoding.GetEncoding("GBK").GetBytes(csv.ToString()));
        try
        {
            var desk = await app.NewPageAsync();
            await app.SignInAsync(desk, "command");
            await desk.GotoAsync(app.BaseUrl + "/verification/tasks");
            await desk.SetInputFilesAsync("#import-form input[type=file]", file);
            await desk.FillAsync("#import-form input[name=batch]", "省协-审阅");
            await desk.ClickAsync("#import-form button[type=submit]");
            await desk.WaitForSelectorAsync("#import-summary");

            // One plain sentence: rows, tasks, and where the tasks went; then the rows that made none.
            var summary = (await desk.InnerTextAsync("#import-summary")).Trim();
            Assert.StartsWith("省协-审阅：已导入 7 行，生成 4 条任务：2 条已分到乡镇，1 条待分派（地址不能确定乡镇），1 条属外县需退回。"
                + "另有 3 行未生成新任务：1 行与文件中前面的行重复，2 行无法识别（见下表）。", summary);
            // The ones to route link to the routing queue, and a button says to go there.
            Assert.Equal("/verification/routing", await desk.GetAttributeAsync("#import-to-route", "href"));
            Assert.Equal("1 条待分派（地址不能确定乡镇）", (await desk.InnerTextAsync("#import-to-route")).Trim());
            Assert.Equal("去分派", (await desk.InnerTextAsync("#import-route-button")).Trim());
            Assert.Equal("/verification/routing", await desk.GetAttributeAsync("#import-route-button", "href"));

            // Every row listed names its row number and its field; none has an empty field cell.
            var rows = await desk.Locator("#import-rejections tbody tr").AllAsync();
            Assert.Equal(3, rows.Count);
            var listed = new List<string>();
            foreach (var row in rows)
            {
                var number = (await row.Locator("td").Nth(0).InnerTextAsync()).Trim();
                var field = (await row.Locator("td").Nth(1).InnerTextAsync()).Trim();
                Assert.False(string.IsNullOrEmpty(number));
                Assert.False(string.IsNullOrEmpty(field), $"row {number} names no field");
                listed.Add($"{number} {field}");
            }
            Assert.Equal(["2 推送时间", "7 姓名、身份证号、手机号", "8 手机号"], listed);
            // What was written stands in its own 内容 column, not glued onto the reason; a phone given but unreadable is
            // reported as such (the row has a phone), not as a row without any identity.
            Assert.Equal("内容", (await desk.InnerTextAsync("#import-rejections thead th:nth-child(3)")).Trim());
            Assert.Equal("12345", (await desk.InnerTextAsync("#import-rejections tbody tr:nth-child(3) td[data-value]")).Trim());
            var phoneWhy = (await desk.InnerTextAsync("#import-rejections tbody tr:nth-child(3) td[data-why]")).Trim();
            Assert.Equal("手机号或电话号码格式不对", phoneWhy);
            Assert.Equal("2030-01-01 08:00", (await desk.InnerTextAsync("#import-rejections tbody tr:nth-child(1) td[data-value]")).Trim());
            Assert.DoesNotContain("2030", await desk.InnerTextAsync("#import-rejections tbody tr:nth-child(1) td[data-why]"));
            Assert.Equal("", (await desk.InnerTextAsync("#import-rejections tbody tr:nth-child(2) td[data-value]")).Trim());
            Assert.Contains("无法识别", await desk.InnerTextAsync("#import-rejections tbody tr:nth-child(2) td[data-why]"));
            // The row whose push time was wrong still made its task, and says so.
            Assert.Contains("任务照常建立", await desk.InnerTextAsync("#import-rejections tbody tr:nth-child(1)"));
            Assert.Equal(1, await desk.Locator("#import-rejections [data-worked]").CountAsync());
            await BrowserApp.ShotAsync(desk, "110-verification-import-sentence");

            // A task's page heads its township or village 属地.
            await desk.ClickAsync("#queue .fk-task >> text=司马审阅");
            await desk.WaitForSelectorAsync("#task-place-label");
            Assert.Equal("属地", (await desk.InnerTextAsync("#task-place-label")).Trim());
            Assert.Contains(village, await desk.InnerTextAsync("#task-place"));
            await desk.GoBackAsync();
            await desk.WaitForSelectorAsync("#import-route-button");

            // The button leads to the routing queue, where the task without a township waits.
            await desk.ClickAsync("#import-route-button");
            await desk.WaitForURLAsync(url => url.EndsWith("/verification/routing", StringComparison.Ordinal));
            Assert.Contains("无址审阅", await desk.InnerTextAsync("#routing-table"));

            // The board heads the places of the tasks 属地.
            await desk.GotoAsync(app.BaseUrl + "/verification");
            await desk.WaitForSelectorAsync("#board-townships thead");
            Assert.Equal("属地", (await desk.InnerTextAsync("#board-townships thead th:first-child")).Trim());
        }
        finally { File.Delete(file); }
    }

    /// <summary>
    /// The close button names the plan picked in the form, following the choice (a few lines of js/verification-close.js
    /// on a static page); on a phone without scripts it says 结案 whatever is picked, and the form still posts.
    /// </summary>
    [BrowserFact]
    public async Task TheCloseButton_SaysWhatClosingWillDo_AsTheChoiceChanges_AndPlainlyWithoutScript()
    {
        await using var app = await BrowserApp.StartAsync(Drill);
        var (township, village) = await PlacesAsync(app);
        long taskId;
        await using (var scope = app.Services.CreateAsyncScope())
        {
            scope.ServiceProvider.GetRequiredService<Fangkong.Data.Infrastructure.ActorAccessor>().Current = Fangkong.Testing.CountyTestKit.Command;
            var importer = scope.ServiceProvider.GetRequiredService<Fangkong.Data.Tasks.VerificationImporter>();
            var s = await importer.ImportRowsAsync("push", [new Fangkong.Core.Tasks.PushedRow(1, "结案审阅", null, "13755553001", $"淅川县{township}{village}", "上海市", "密接", null, null)],
                new Fangkong.Data.Tasks.VerificationImportOptions("省协-结案"));
            Assert.Equal(1, s.TasksCreated);
            await using var db = await scope.ServiceProvider.GetRequiredService<IDbContextFactory<FangkongDb>>().CreateDbContextAsync();
            taskId = await db.VerificationTasks.IgnoreQueryFilters().Where(t => t.BatchId == s.BatchId).Select(t => t.Id).SingleAsync();
        }

        var phone = await app.NewPageAsync(phone: true);
        await app.SignInAsync(phone, "township");
        await phone.GotoAsync($"{app.BaseUrl}/verification/tasks/{taskId}");
        await phone.ClickAsync("#step-close > summary");
        await phone.WaitForSelectorAsync("#close-submit");
        // Nothing picked yet: the plain word.
        Assert.Equal("结案", (await phone.InnerTextAsync("#close-submit")).Trim());
        await phone.SelectOptionAsync("#close-measure", "none");
        await phone.WaitForFunctionAsync("() => document.getElementById('close-submit').textContent.trim() === '结案（无需管控）'");
        // A reason the rules manage: the button names the measures it opens, as the choice reads them.
        await phone.SelectOptionAsync("#close-measure", "close-contact");
        await phone.WaitForFunctionAsync("() => document.getElementById('close-submit').textContent.includes('结案并开具')");
        var label = (await phone.InnerTextAsync("#close-submit")).Trim();
        Assert.Matches(@"^结案并开具「集中隔离医学观察 \d+ 天 → 居家健康监测 \d+ 天」措施$", label);
        // The choice reads as the reason alone, so a phone shows it whole; the measures it orders are said under the select.
        var plan = label["结案并开具「".Length..^"」措施".Length];
        Assert.Equal("密切接触者", (await phone.InnerTextAsync("#close-measure option[value=close-contact]")).Trim());
        Assert.Equal("将开具：" + plan, (await phone.InnerTextAsync("#close-plan")).Trim());
        foreach (var option in await phone.Locator("#close-measure option").AllTextContentsAsync())
            Assert.DoesNotContain("→", option);
        var fits = await phone.EvaluateAsync<bool>("() => { const s = document.getElementById('close-measure'); const o = s.selectedOptions[0]; "
            + "const c = document.createElement('canvas').getContext('2d'); c.font = getComputedStyle(s).font; "
            + "return c.measureText(o.text).width + 40 <= s.clientWidth; }");
        Assert.True(fits, "the chosen reason is cut off in the select on a phone");
        await phone.Locator("#step-close").ScreenshotAsync(new LocatorScreenshotOptions
            { Path = Path.Combine(BrowserApp.ScreenshotDirectory, "111-verification-close-button-phone.png"), Animations = ScreenshotAnimations.Disabled });
        // Back to no choice: the plain word again.
        await phone.SelectOptionAsync("#close-measure", "");
        await phone.WaitForFunctionAsync("() => document.getElementById('close-submit').textContent.trim() === '结案'");
        Assert.StartsWith("选定后将按现行方案", (await phone.InnerTextAsync("#close-plan")).Trim());

        // A phone without scripts: the same static page, the button says 结案 whatever is picked, and closing still posts
        // (too early here: the steps still to do are named).
        var context = await app.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            JavaScriptEnabled = false, ViewportSize = new ViewportSize { Width = 390, Height = 844 }, IsMobile = true, Locale = "zh-CN",
        });
        var plain = await context.NewPageAsync();
        plain.SetDefaultTimeout(20_000);
        await app.SignInAsync(plain, "township");
        await plain.GotoAsync($"{app.BaseUrl}/verification/tasks/{taskId}");
        await plain.ClickAsync("#step-close > summary");
        Assert.Equal("结案", (await plain.InnerTextAsync("#close-submit")).Trim());
        // Without the script the fold under the select still says what each reason orders.
        await plain.ClickAsync("#close-plans > summary");
        Assert.Contains("密切接触者：" + plan, await plain.InnerTextAsync("#close-plans"));
        await plain.SelectOptionAsync("#close-measure", "close-contact");
        Assert.Equal("结案", (await plain.InnerTextAsync("#close-submit")).Trim());
        await plain.ClickAsync("#close-submit");
        await plain.WaitForSelectorAsync("#task-message.alert-danger");
        Assert.StartsWith("还需完成：", (await plain.InnerTextAsync("#task-message")).Trim());
        await context.CloseAsync();
    }
}
