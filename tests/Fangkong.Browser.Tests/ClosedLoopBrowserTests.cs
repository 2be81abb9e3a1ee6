using System.Globalization;
using Fangkong.Core.Accounts;
using Fangkong.Core.Jurisdictions;
using Fangkong.Core.Policy;
using Fangkong.Data;
using Fangkong.Data.Infrastructure;
using Fangkong.Data.Policy;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Fangkong.Browser.Tests;

/// <summary>
/// The closed loop in Chromium, on the 2022 rules (exercise clock): a person self-registers on a phone, the
/// township confirms the proposed order, the person reports a fever through their link, the alert appears.
/// </summary>
public class ClosedLoopBrowserTests
{
    private static readonly Dictionary<string, string?> Drill = new() { ["Fangkong:Clock:ExerciseDate"] = "2022-10-05" };

    [BrowserFact]
    public async Task RegistrationCodes_ArePrintedPerPoint_AndEachOpensItsPage()
    {
        await using var app = await BrowserApp.StartAsync(new Dictionary<string, string?>(Drill)
        {
            ["Fangkong:Arrivals:Points:0:Code"] = "gsck", ["Fangkong:Arrivals:Points:0:Name"] = "高速收费站防疫卡点", ["Fangkong:Arrivals:Points:0:Kind"] = "checkpoint",
            ["Fangkong:Arrivals:Points:1:Code"] = "kyz", ["Fangkong:Arrivals:Points:1:Name"] = "县汽车客运站", ["Fangkong:Arrivals:Points:1:Kind"] = "station",
        });
        // The county prints every township's code and the county's checkpoints and stations.
        var desk = await app.NewPageAsync();
        await app.SignInAsync(desk, "command");
        await desk.GotoAsync(app.BaseUrl + "/arrivals");
        await desk.ClickAsync("#codes-link");
        await desk.WaitForSelectorAsync("#codes .fk-code-card[data-point='gsck']");
        Assert.Equal(1, await desk.Locator("#codes .fk-code-card[data-kind='station']").CountAsync());
        Assert.True(await desk.Locator("#codes .fk-code-card[data-kind='township']").CountAsync() > 10);
        // Every code is a real image, loaded.
        await desk.WaitForFunctionAsync("() => [...document.querySelectorAll('#codes img')].slice(0, 4).every(i => i.complete && i.naturalWidth > 100)");
        await BrowserApp.ShotAsync(desk, "84-registration-codes");

        // A township prints its own code only; the page it opens names the township.
        var phone = await app.NewPageAsync(phone: true);
        await app.SignInAsync(phone, "township");
        await phone.GotoAsync(app.BaseUrl + "/arrivals/codes");
        await phone.WaitForSelectorAsync("#codes .fk-code-card");
        var cards = phone.Locator("#codes .fk-code-card");
        Assert.Equal(1, await cards.CountAsync());
        Assert.Equal("township", await cards.GetAttributeAsync("data-kind"));
        var name = (await phone.InnerTextAsync("#codes .fk-code-name")).Trim();
        // The printed address breaks after a slash when it must: the township's code stays on one line.
        Assert.True(await phone.EvalOnSelectorAsync<bool>("#codes .fk-code-url", "e => { const r = document.createRange(); r.selectNodeContents(e.lastChild); return r.getClientRects().length === 1; }"),
            await phone.InnerTextAsync("#codes .fk-code-url"));
        await BrowserApp.ShotAsync(phone, "85-registration-code-phone");
        var anonymous = await app.NewPageAsync(phone: true);
        await anonymous.GotoAsync($"{app.BaseUrl}/arrive/{await cards.GetAttributeAsync("data-point")}");
        Assert.Contains(name, await anonymous.InnerTextAsync(".fk-public-head"));
        await anonymous.GotoAsync($"{app.BaseUrl}/arrive/gsck");
        Assert.Contains("高速收费站防疫卡点", await anonymous.InnerTextAsync(".fk-public-head"));
    }

    [BrowserFact]
    public async Task SelfRegistration_OnAPhone_TownshipConfirms_FeverThroughTheLink_RaisesTheAlert()
    {
        await using var app = await BrowserApp.StartAsync(Drill);
        string township;
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var county = new Actor("test", "指挥部", JurisdictionScope.Of("411326", "411326"), Permissions.For([Roles.CommandCentre]));
            scope.ServiceProvider.GetRequiredService<ActorAccessor>().Current = county;
            await scope.ServiceProvider.GetRequiredService<RiskAreaService>().CreateAsync(
                new RiskAreaInput("河南省郑州市金水区", "花园路街道锦绣小区", RiskLevel.High, new DateOnly(2022, 10, 1), Source: "郑州市通告"), "test");
            await using var db = await scope.ServiceProvider.GetRequiredService<IDbContextFactory<FangkongDb>>().CreateDbContextAsync();
            township = await db.Users.Where(u => u.UserName == "township").Select(u => u.ScopeKey).FirstAsync();
        }

        // 1. The person, on a phone, scans the township's code.
        var phone = await app.NewPageAsync(phone: true);
        await phone.GotoAsync($"{app.BaseUrl}/arrive/{township}");
        await phone.WaitForSelectorAsync("#arrive-submit");
        // Each stop's dates under their own visible labels; the origin's example is read under its box, not cut off in it.
        Assert.Equal("开始日期", (await phone.InnerTextAsync("label[for=stop0-from]")).Trim());
        Assert.Equal("离开日期", (await phone.InnerTextAsync("label[for=stop0-to]")).Trim());
        Assert.Contains("锦绣小区", await phone.InnerTextAsync("#origin-hint"));
        Assert.True(await phone.Locator(".fk-stop input").EvaluateAllAsync<bool>(
            "is => is.every(i => i.getClientRects().length === 0 || i.getBoundingClientRect().right <= i.closest('fieldset').getBoundingClientRect().right)"), "a stop runs out of its form");
        await BrowserApp.ShotAsync(phone, "20-arrive-phone");
        await phone.FillAsync("#name", "王晓明");
        await phone.FillAsync("#idNumber", Core.Identifiers.ResidentId.Compose("410105", new DateOnly(1990, 3, 4), 11));
        await phone.FillAsync("#phone", "13912345678");
        await phone.FillAsync("#origin", "河南省郑州市金水区花园路街道锦绣小区");
        await phone.FillAsync("#stop0-place", "郑州市金水区锦绣小区");
        await phone.FillAsync("#stop0-from", "2022-09-28");
        await phone.FillAsync("#stop0-to", "2022-10-04");
        var village = await phone.EvalOnSelectorAsync<string>("#destination", "s => s.querySelector('optgroup option').value");
        await phone.SelectOptionAsync("#destination", village);
        await phone.CheckAsync("input[type=radio][value=green]");
        await SolveAsync(phone, wrong: true);
        await phone.ClickAsync("#arrive-submit");
        await phone.WaitForSelectorAsync("#arrive-error");
        Assert.Equal("王晓明", await phone.InputValueAsync("#name")); // nothing typed is lost
        await SolveAsync(phone, wrong: false);
        await phone.ClickAsync("#arrive-submit");
        await phone.WaitForSelectorAsync("#reference");
        var reference = (await phone.InnerTextAsync("#reference")).Trim();
        Assert.StartsWith("FK221005", reference);
        // The reference is read in body ink under 报备成功, never in the red a resident reads as "failed".
        Assert.Equal("rgb(31, 41, 51)", await phone.EvaluateAsync<string>("() => getComputedStyle(document.getElementById('reference')).color"));
        Assert.Contains("集中隔离", await phone.InnerTextAsync("#measure"));
        await BrowserApp.ShotAsync(phone, "21-arrive-done-phone");

        // 2. The township confirms the proposed order.
        var desk = await app.NewPageAsync();
        await app.SignInAsync(desk, "township");
        await desk.GotoAsync(app.BaseUrl + "/arrivals?status=pending");
        await desk.WaitForSelectorAsync($"tr[data-reference='{reference}']");
        await BrowserApp.ShotAsync(desk, "22-township-arrivals");
        await desk.ClickAsync($"tr[data-reference='{reference}'] button[data-action=confirm]");
        await desk.WaitForSelectorAsync("#arrivals-message");
        await desk.GotoAsync(app.BaseUrl + "/arrivals?q=" + reference);
        await desk.ClickAsync($"tr[data-reference='{reference}'] a:text-is('管控措施')");
        await desk.WaitForSelectorAsync("#order-status");
        var orderUrl = desk.Url;
        Assert.Contains("执行中", await desk.InnerTextAsync("#order-status"));
        // The rule by the pack's name and the reason in words; its code only in the tooltip.
        Assert.Contains("《新型冠状病毒肺炎防控方案（第九版）》高风险区来返", await desk.InnerTextAsync("#rule-reference"));
        Assert.Equal("cn-9th#high-risk-area", await desk.GetAttributeAsync("#rule-reference .fk-rule", "title"));
        Assert.DoesNotContain("cn-9th", await desk.InnerTextAsync("main"));
        // The timeline in words: what changed from what to what, why and under which rule.
        var timeline = await desk.InnerTextAsync("#timeline");
        Assert.Contains("管控措施 · 修改", timeline);
        Assert.Contains("状态 待确认 → 执行中", timeline);
        Assert.Contains("《新型冠状病毒肺炎防控方案（第九版）》高风险区来返", timeline);
        // The platform's bookkeeping (county, scope and record ids) is not a line of the history; a new record's fields read as plain values.
        Assert.DoesNotContain("辖区编码", timeline);
        Assert.DoesNotContain("— →", timeline);
        Assert.Contains("乡镇确认", timeline);            // "confirmed by the township", written by the platform
        Assert.Contains("报备登记（自主报备）", timeline); // "arrival registered (self)"

        // 3. The village side hands the person a reporting link; the person reports a fever with it.
        await desk.ClickAsync("#issue-link");
        await desk.WaitForSelectorAsync("#report-link-url");
        var link = (await desk.InnerTextAsync("#report-link-url")).Trim();
        await BrowserApp.ShotAsync(desk, "23-order-page");
        await phone.GotoAsync(link);
        await phone.WaitForSelectorAsync("#report-submit");
        await phone.FillAsync("#temperature", "38.2");
        await phone.CheckAsync("input[value=DryCough]");
        await phone.ClickAsync("#report-submit");
        await phone.WaitForSelectorAsync("#report-done");
        Assert.Contains("已通知", await phone.InnerTextAsync("#report-done"));
        // The person is at a quarantine site: the advice is to wait in the room, not at home.
        Assert.Contains("请在房间内等待", await phone.InnerTextAsync("#report-done"));
        // The sent report is not left in the form to be sent again: the boxes are empty and the next open slot is chosen.
        Assert.Equal("", await phone.InputValueAsync("#temperature"));
        Assert.False(await phone.IsCheckedAsync("input[value=DryCough]"));
        Assert.True(await phone.IsCheckedAsync("input[type=radio][value=Evening]"));
        await BrowserApp.ShotAsync(phone, "24-report-fever-phone");
        // A healthy report ticks nothing: no box posted at all is "no symptom", saved like any other.
        await phone.GotoAsync(link);
        await phone.CheckAsync("input[type=radio][value=Evening]");
        await phone.FillAsync("#temperature", "36.4");
        await phone.ClickAsync("#report-submit");
        await phone.WaitForSelectorAsync("#report-done");

        // The evening check by the grid worker at the door: each symptom ticked is kept, not folded into one.
        await desk.GotoAsync(orderUrl);
        await desk.SelectOptionAsync("#report-slot", "Evening");
        await desk.FillAsync("#report-temperature", "36.6");
        await desk.ClickAsync("#report-symptoms summary");
        await desk.CheckAsync("#report-symptoms input[value=Fatigue]");
        await desk.CheckAsync("#report-symptoms input[value=SoreThroat]");
        await desk.ClickAsync("#report-submit");
        await desk.WaitForSelectorAsync("tr.fk-row-alarm:has-text('乏力')");
        Assert.Contains("咽痛", await desk.InnerTextAsync("tr.fk-row-alarm:has-text('乏力')"));
        // Every reading is kept: the person's own evening report stays beside the grid worker's, and the fever the person
        // reported through the link stays marked whatever is entered after it.
        Assert.Equal(1, await desk.Locator("#reports-table tr[data-alarming=false]:has-text('36.4') td[data-source=self]").CountAsync());
        Assert.Equal(1, await desk.Locator("#reports-table tr[data-alarming=true]:has-text('36.6') td[data-source=staff]").CountAsync());
        var ownFever = desk.Locator("#reports-table tr[data-alarming=true]:has-text('38.2')");
        Assert.Equal(1, await ownFever.CountAsync());
        Assert.Contains("本人", await ownFever.InnerTextAsync());
        Assert.Contains("体温异常", await ownFever.Locator("td:nth-child(3)").InnerTextAsync());
        // The alarm is marked where it came from: 36.6 °C with fatigue and a sore throat is not a fever.
        var symptomsOnly = desk.Locator("#reports-table tr[data-alarming=true]:has-text('36.6')");
        Assert.Equal(0, await symptomsOnly.Locator("td:nth-child(3) [data-alarm]").CountAsync());
        Assert.Contains("有症状", await symptomsOnly.Locator("td:nth-child(4)").InnerTextAsync());
        // The reports in the timeline: fields in words, the time of the report on the county clock, never a UTC stamp.
        // (Before dawn the link's evening report is last night's, so the desk's is a new report whose fields are folded.)
        await desk.EvaluateAsync("document.querySelectorAll('#timeline details').forEach(d => d.open = true)");
        timeline = await desk.InnerTextAsync("#timeline");
        Assert.Contains("上报时间", timeline);
        Assert.DoesNotContain("所属县", timeline);
        Assert.DoesNotContain("人员编号", timeline);
        Assert.DoesNotContain("monitoring#", timeline); // the fever rule in words too
        Assert.DoesNotMatch(@"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}", timeline);
        Assert.DoesNotContain("ReportedAt", timeline);
        // The platform's own actors in words too: the person's own registration and link read 本人, not "self-registration".
        Assert.Matches(@"\d{2}:\d{2}\s+本人\s", timeline);
        Assert.DoesNotContain("self-registration", timeline);
        // Who reported, as a value of the change, is the account's display name; its login stays on the audit page.
        Assert.Contains("乡镇专班", timeline);
        Assert.DoesNotContain("(township)", timeline);
        // A change lists only the fields that changed; a report's reason keeps its words apart; a test's day reads as a day.
        Assert.DoesNotMatch(@"(\d{4}-\d{2}-\d{2} \d{2}:\d{2}) → \1", timeline);
        Assert.Matches(@"[早晚]间 2022-\d{2}-\d{2} 健康上报", timeline);
        Assert.Contains("第 7 天", timeline);
        Assert.Contains("复测", timeline);          // the grid worker's reading after the person's own, named so
        Assert.Contains("并入未处置的发热转运任务", timeline); // its alarming reading joined the open fever task, said in words
        Assert.DoesNotContain("第 0 段", timeline); // a reading's place in its slot is not a "measure number"
        Assert.DoesNotContain("第几天", timeline);
        Assert.DoesNotContain("起始天", timeline);
        // The order, its measures and tests were made by the platform from the rule pack when the person registered.
        Assert.Contains("系统（按方案生成）", timeline);
        await BrowserApp.ShotAsync(desk, "94-order-timeline");

        // 4. The fever alert is in the township's tasks.
        await desk.GotoAsync(app.BaseUrl + "/tasks");
        await desk.WaitForSelectorAsync(".fk-task[data-kind=fever-transfer]");
        Assert.Contains("王晓明", await desk.InnerTextAsync(".fk-task[data-kind=fever-transfer]"));
        // Every temperature with its unit, spaced (38.2 °C, never a bare number or 38.2℃).
        Assert.Contains("体温 38.2 °C 干咳", await desk.InnerTextAsync(".fk-task[data-kind=fever-transfer] .fk-task-title"));
        // The deadline is said in one phrase (距处置时限还剩 59 分钟, no dot splitting it) and counted as the verification
        // queue counts it (one formatter, 分钟 throughout): on the server's text and after js/countdown.js has ticked it.
        var clock = desk.Locator(".fk-task[data-kind=fever-transfer] .fk-countdown");
        var clockText = @"^(距处置时限还剩|已超过处置时限) (\d+ 小时 \d+ 分钟|\d+ 分钟)$";
        Assert.Matches(clockText, (await clock.InnerTextAsync()).Trim());
        await desk.EvaluateAsync("window.fkCountdownTick()");
        Assert.Matches(clockText, (await clock.InnerTextAsync()).Trim());
        await BrowserApp.ShotAsync(desk, "25-tasks-fever");
        await desk.SetViewportSizeAsync(390, 844);
        Assert.Matches(clockText, (await clock.InnerTextAsync()).Trim());
        await BrowserApp.ShotAsync(desk, "25-tasks-fever-phone");
        await desk.SetViewportSizeAsync(1366, 860);
        await desk.GotoAsync(app.BaseUrl + "/ledgers");
        await desk.WaitForSelectorAsync("#ledger-counts");
        // The export's dates are labelled and its button says what it does.
        Assert.Equal("起始日期", (await desk.InnerTextAsync("label[for=ledger-from]")).Trim());
        Assert.Equal("截止日期", (await desk.InnerTextAsync("label[for=ledger-to]")).Trim());
        Assert.Equal("导出 Excel", (await desk.InnerTextAsync("#ledger-export")).Trim());
        await BrowserApp.ShotAsync(desk, "26-ledgers");
    }

    [BrowserFact]
    public async Task DemoClosedLoop_FillsTheTownshipsQueues_AndThePagesShowThem()
    {
        await using var app = await BrowserApp.StartAsync(new Dictionary<string, string?> { ["Fangkong:Clock:ExerciseDate"] = "2022-10-12" });
        int arrivals;
        await using (var scope = app.Services.CreateAsyncScope())
        {
            scope.ServiceProvider.GetRequiredService<ActorAccessor>().Current = Actor.System("demo");
            arrivals = await Fangkong.Data.Demo.ClosedLoopDemo.SeedAsync(scope.ServiceProvider, 2022);
            Assert.True(await Fangkong.Data.Demo.SitesDemo.SeedAsync(scope.ServiceProvider, 2022) > 0);
        }
        Assert.True(arrivals >= 30, $"{arrivals} arrivals");

        var desk = await app.NewPageAsync();
        await app.SignInAsync(desk, "township");
        await desk.GotoAsync(app.BaseUrl + "/orders");
        await desk.WaitForSelectorAsync("#orders-table");
        Assert.True(await desk.Locator("#orders-table tbody tr").CountAsync() >= 5);
        // A measure has one colour whatever the order's status; the tests column says what its figures count; 依据 is
        // the reason alone, the pack's name in its tooltip; the period bar says which day it is.
        var quarantineColours = await desk.Locator("#orders-table .fk-kind-centralized-quarantine").EvaluateAllAsync<string[]>("els => els.map(e => getComputedStyle(e).backgroundColor)");
        Assert.NotEmpty(quarantineColours);
        Assert.Single(quarantineColours.Distinct());
        Assert.Contains("阴性 ", await desk.InnerTextAsync("#orders-table tbody tr:first-child td[data-label='核酸检测']"));
        Assert.DoesNotContain("第九版", await desk.InnerTextAsync("#orders-table"));
        Assert.Matches(@"^第 \d+/\d+ 天$", await desk.GetAttributeAsync("#orders-table tbody tr:first-child .fk-bar-period", "title"));
        await BrowserApp.ShotAsync(desk, "27-demo-orders");
        // The people list marks who is under an order: a grid worker going door to door sees it on the row.
        await desk.GotoAsync(app.BaseUrl + "/orders?status=Active");
        await desk.WaitForSelectorAsync("#orders-table tbody tr");
        var underOrder = (await desk.InnerTextAsync("#orders-table tbody tr:first-child td.fk-stack-head a")).Trim();
        await desk.GotoAsync(app.BaseUrl + "/people?q=" + Uri.EscapeDataString(underOrder));
        var badge = desk.Locator("#people-table tbody tr", new() { HasText = underOrder }).Locator("[data-control]").First;
        Assert.Contains(await badge.GetAttributeAsync("data-control"), new[] { "UnderMeasure", "Monitoring" });
        Assert.Contains(await badge.InnerTextAsync(), new[] { "隔离管控", "健康监测" });
        await desk.GotoAsync(app.BaseUrl + "/orders");
        await desk.WaitForSelectorAsync("#orders-table");
        // 待乡镇确认 opens the list it counts: the arrivals waiting for the township (a proposed order or release).
        var pending = int.Parse((await desk.InnerTextAsync("#stat-pending .fk-stat-value")).Trim(), CultureInfo.InvariantCulture);
        Assert.InRange(pending, 1, 30); // one page of the list
        await desk.ClickAsync("#stat-pending");
        await desk.WaitForSelectorAsync("#arrivals-table");
        Assert.EndsWith("/arrivals?status=pending", desk.Url);
        Assert.Equal(pending, await desk.Locator("#arrivals-table tbody tr").CountAsync());
        // The list names the reason on each row; the rule pack's full name is in the tooltip, not repeated on every row.
        Assert.DoesNotContain("第九版", await desk.InnerTextAsync("#arrivals-table"));
        var ruleTitles = await desk.Locator("#arrivals-table tbody td[data-rule]").EvaluateAllAsync<string[]>("tds => tds.map(t => t.title)");
        Assert.Contains(ruleTitles, t => t.Contains("第九版", StringComparison.Ordinal));
        await desk.GotoAsync(app.BaseUrl + "/tasks");
        await desk.WaitForSelectorAsync(".fk-task[data-kind=fever-transfer]");
        await BrowserApp.ShotAsync(desk, "28-demo-tasks");
        await desk.GotoAsync(app.BaseUrl + "/risk-areas");
        await desk.WaitForSelectorAsync("#risk-table");
        // The page says what a change to the list does to the arrivals already registered.
        Assert.Contains("重新研判", await desk.InnerTextAsync("#risk-areas-intro"));
        await BrowserApp.ShotAsync(desk, "29-risk-areas");
        await desk.GotoAsync(app.BaseUrl + "/rule-packs/cn-9th");
        await desk.WaitForSelectorAsync("#pack-rules");
        // A township reads the pack in words: each reason with its measures, days, test days and release condition, and
        // the certificate window per venue type; no JSON, no pack ids, no English names or codes.
        var closeContact = await desk.InnerTextAsync("#pack-rules tr[data-reason=close-contact]");
        foreach (var words in new[] { "密切接触者", "集中隔离医学观察", "居家健康监测", "7 天", "3 天", "共 10 天", "第 1、2、3、5、7 天", "核酸检测全部阴性" })
            Assert.Contains(words, closeContact);
        Assert.Contains("48 小时内", await desk.InnerTextAsync("#pack-admission tr[data-venue=hotel]"));
        Assert.Contains("宾馆酒店", await desk.InnerTextAsync("#pack-admission tr[data-venue=hotel]"));
        Assert.Equal(0, await desk.Locator("#pack-json, textarea").CountAsync());
        var packPage = await desk.InnerTextAsync("main");
        foreach (var internalWord in new[] { "cn-9th", "local", "centralized", "close-contact", "COVID", "nameEn", "hotel" })
            Assert.DoesNotContain(internalWord, packPage);
        await BrowserApp.ShotAsync(desk, "30-rule-packs");

        await desk.GotoAsync(app.BaseUrl + "/sites");
        await desk.WaitForSelectorAsync("#sites-list .fk-site");
        Assert.Equal(1, await desk.Locator("#sites-list .fk-site").CountAsync()); // the township sees its own site, not the county's
        await BrowserApp.ShotAsync(desk, "32-demo-sites-township");

        // The next report deadline passes with no report for that slot: the sweep raises the missed reports. The
        // township's ledger by village then shows a column per measure someone is under (none all zero), the missed
        // reports marked, and a totals row that adds up the villages.
        var clock = app.Services.GetRequiredService<ExerciseClock>();
        var settings = app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<FangkongOptions>>().Value;
        var zone = TimeZoneInfo.FindSystemTimeZoneById(settings.TimeZone);
        var local = TimeZoneInfo.ConvertTimeFromUtc(clock.GetUtcNow().UtcDateTime, zone);
        var deadline = new[] { local.Date + settings.Monitoring.MorningDue.ToTimeSpan(), local.Date + settings.Monitoring.EveningDue.ToTimeSpan(), local.Date.AddDays(1) + settings.Monitoring.MorningDue.ToTimeSpan() }
            .First(t => t > local);
        clock.Advance(TimeZoneInfo.ConvertTimeToUtc(deadline.AddMinutes(5), zone) - clock.GetUtcNow().UtcDateTime);
        await using (var scope = app.Services.CreateAsyncScope())
        {
            scope.ServiceProvider.GetRequiredService<ActorAccessor>().Current = Actor.System("test");
            await ActivatorUtilities.CreateInstance<Fangkong.Data.Orders.ClosedLoopSweeper>(scope.ServiceProvider).SweepAsync(settings.County, clock.GetUtcNow().UtcDateTime, "test");
        }
        await desk.GotoAsync(app.BaseUrl + "/ledgers");
        // How far the clock jumps depends on the time of day the test runs (up to the next morning's deadline); a jump
        // past the sign-in's lifetime ends the session, as it would for a cadre, who signs in again.
        if (desk.Url.Contains("/account/login", StringComparison.Ordinal))
        {
            await app.SignInAsync(desk, "township");
            await desk.GotoAsync(app.BaseUrl + "/ledgers");
        }
        await desk.WaitForSelectorAsync("#ledger-units");
        var kinds = await desk.Locator("#ledger-units thead th[data-kind]").AllInnerTextsAsync();
        Assert.True(kinds.Count >= 2, string.Join(",", kinds));
        Assert.Contains("集中隔离医学观察", kinds);
        foreach (var kind in await desk.Locator("#ledger-units thead th[data-kind]").EvaluateAllAsync<string[]>("ths => ths.map(t => t.dataset.kind)"))
        {
            var cells = await desk.Locator($"#ledger-units tbody td[data-kind='{kind}']").AllInnerTextsAsync();
            Assert.True(cells.Sum(int.Parse) > 0, kind);
            Assert.Equal(cells.Sum(int.Parse).ToString(), await desk.InnerTextAsync($"#ledger-units-total td[data-kind='{kind}']"));
        }
        var overdue = await desk.Locator("#ledger-units tbody td[data-overdue]").EvaluateAllAsync<int[]>("tds => tds.map(t => +t.dataset.overdue)");
        Assert.Equal(overdue.Sum().ToString(), await desk.InnerTextAsync("#ledger-units-total td[data-overdue]"));
        Assert.True(overdue.Sum() > 0);
        Assert.Equal(overdue.Count(n => n > 0), await desk.Locator("#ledger-units tbody td[data-overdue] .fk-badge-bad").CountAsync());
        await BrowserApp.ShotAsync(desk, "88-ledgers-by-measure");

        var phone = await app.NewPageAsync(phone: true);
        await app.SignInAsync(phone, "village");
        await phone.GotoAsync(app.BaseUrl + "/orders");
        await phone.WaitForSelectorAsync("#orders-table");
        // Each order a card: the name, then measure, period, tests and status under their names, all inside the screen.
        var labels = await phone.Locator("#orders-table tbody tr:first-child td[data-label]").EvaluateAllAsync<string[]>("tds => tds.map(t => t.dataset.label)");
        Assert.Equal(["措施", "期间", "核酸检测", "状态"], labels);
        await AssertInsideTheScreenAsync(phone, "#orders-table tbody tr:first-child td");
        await BrowserApp.ShotAsync(phone, "31-village-orders-phone");
        // On a phone the ledger keeps its few columns: the split by measure is for the desk.
        await phone.GotoAsync(app.BaseUrl + "/ledgers");
        await phone.WaitForSelectorAsync("#ledger-counts");
        if (await phone.Locator("#ledger-units thead th[data-kind]").CountAsync() > 0)
            Assert.False(await phone.Locator("#ledger-units thead th[data-kind]").First.IsVisibleAsync());
    }

    /// <summary>
    /// The command centre keeps the county's duty roles: adds a grid worker to the five-to-one roles, is told in words
    /// when a second role would read the same, retires the volunteer and reads the role's history; a township reads the
    /// lists on a phone without any form.
    /// </summary>
    [BrowserFact]
    public async Task DutyRoles_TheCommandCentreAddsRetiresAndReadsHistory_ATownshipOnlyReads()
    {
        await using var app = await BrowserApp.StartAsync(Drill);
        var desk = await app.NewPageAsync();
        await app.SignInAsync(desk, "command");
        await desk.GotoAsync(app.BaseUrl + "/duty-roles");
        await desk.WaitForSelectorAsync("#duty-roles-owner");
        Assert.Equal(5, await desk.Locator("#duty-roles-owner tbody tr").CountAsync());
        Assert.Equal(3, await desk.Locator("#duty-roles-team tbody tr").CountAsync());

        // A Chinese page names a role by its Chinese name alone; the codes orders store are no column for the command
        // centre (only the system administrator's; this used to assert a 代码 column here), and the box for one is under 高级.
        Assert.Equal(["名称", "排序", "状态", ""], await desk.Locator("#duty-roles-owner thead th").AllInnerTextsAsync());
        foreach (var code in new[] { "township-cadre", "village-cadre", "health-worker" })
            Assert.DoesNotContain(code, await desk.InnerTextAsync("#duty-roles-owner"));
        Assert.False(await desk.IsVisibleAsync("#role-code-Owner"));
        Assert.DoesNotContain("Township cadre", await desk.InnerTextAsync("#duty-roles-owner"));

        // A cadre types the Chinese name only: code and English name may be left out.
        await desk.FillAsync("#role-zh-Owner", "志愿者");
        await desk.ClickAsync("#role-add-Owner");
        await desk.WaitForSelectorAsync("#duty-role-error");
        Assert.Contains("同名", await desk.InnerTextAsync("#duty-role-error"));
        await desk.FillAsync("#role-zh-Owner", "网格员");
        await desk.FillAsync("#role-en-Owner", "");
        await desk.ClickAsync("#role-add-Owner");
        // Made from the name: a Chinese name has no Latin letters, so the role's place in the list (after 50).
        await desk.WaitForSelectorAsync("#duty-roles-owner tr[data-role=role-60]");
        Assert.Contains("网格员", await desk.InnerTextAsync("#duty-roles-owner tr[data-role=role-60]"));

        await desk.ClickAsync("#duty-roles-owner tr[data-role=volunteer] a:has-text('编辑')");
        await desk.WaitForSelectorAsync("#role-edit-active");
        await desk.UncheckAsync("#role-edit-active");
        await desk.ClickAsync("#role-save");
        await desk.WaitForSelectorAsync("#duty-roles-owner tr[data-role=volunteer] >> text=已停用");
        await desk.ClickAsync("#duty-roles-owner tr[data-role=volunteer] a:has-text('修改记录')");
        await desk.WaitForSelectorAsync("#role-history-table");
        // Added with the county's reference data, retired by the command centre: two entries, the newest first.
        Assert.Equal(2, await desk.Locator("#role-history-table tbody tr").CountAsync());
        // The reference data was written by the platform as it set the database up, and says so in words (no login).
        Assert.Equal("系统（初始化）", (await desk.InnerTextAsync("#role-history-table tbody tr:last-child .fk-actor")).Trim());
        await desk.EvaluateAsync("window.scrollTo(0, 0)");
        await BrowserApp.ShotAsync(desk, "95-duty-roles");
        // The system administrator is the one who sees the codes.
        var admin = await app.NewPageAsync();
        await app.SignInAsync(admin, "admin");
        await admin.GotoAsync(app.BaseUrl + "/duty-roles");
        await admin.WaitForSelectorAsync("#duty-roles-owner");
        Assert.Contains("代码", await admin.InnerTextAsync("#duty-roles-owner thead"));
        Assert.Contains("volunteer", await admin.InnerTextAsync("#duty-roles-owner"));

        var phone = await app.NewPageAsync(phone: true);
        await app.SignInAsync(phone, "township");
        await phone.GotoAsync(app.BaseUrl + "/duty-roles");
        await phone.WaitForSelectorAsync("#duty-roles-team");
        Assert.Equal(0, await phone.Locator("#role-add-Owner, #role-add-Team").CountAsync());
        Assert.Contains("网格员", await phone.InnerTextAsync("#duty-roles-owner"));
        // A township reads names only: no English, no codes.
        Assert.Equal(["名称", "排序", "状态", ""], await phone.Locator("#duty-roles-owner thead th").AllInnerTextsAsync());
        var ownerList = await phone.InnerTextAsync("#duty-roles-owner");
        Assert.DoesNotContain("township-cadre", ownerList);
        Assert.DoesNotContain("Township cadre", ownerList);
        await BrowserApp.ShotAsync(phone, "96-duty-roles-phone");

        // The county's local layer on the township's phone: each rule a card inside the screen, its period under its
        // name, the site level per reason; the command centre alone has the JSON, folded under the rules.
        await phone.GotoAsync(app.BaseUrl + "/rule-packs/local");
        await phone.WaitForSelectorAsync("#pack-rules");
        var local = await phone.InnerTextAsync("#pack-rules tr[data-reason=expert-judged-risk-area]");
        foreach (var words in new[] { "省专家研判风险地区", "集中隔离医学观察", "14 天", "第 1、4、7、14 天", "2022-03-17 至 2022-06-27" })
            Assert.Contains(words, local);
        Assert.Contains("县级隔离点", await phone.InnerTextAsync("#pack-placements tr[data-reason=close-contact]"));
        Assert.Equal(0, await phone.Locator("#pack-json").CountAsync());
        await AssertInsideTheScreenAsync(phone, "#pack-rules tbody tr:first-child td");
        await AssertInsideTheScreenAsync(phone, "#packs-table tbody tr:first-child td"); // the list of packs too: a card per pack
        await BrowserApp.ShotAsync(phone, "30b-rule-pack-local-phone");
        await desk.GotoAsync(app.BaseUrl + "/rule-packs/local");
        await desk.WaitForSelectorAsync("#pack-json");
        Assert.False(await desk.Locator("#pack-json textarea").IsVisibleAsync());
        Assert.True(await desk.Locator("#pack-rules").IsVisibleAsync());
    }

    [BrowserFact]
    public async Task RiskAreaList_ImportedWithBadRows_NamesThem_AndAPeriodIsCorrectedWithItsReason()
    {
        await using var app = await BrowserApp.StartAsync(Drill);
        var csv = string.Join("\r\n",
            "所在地区,风险区,风险等级,划定日期,解除日期,来源",
            "河南省郑州市金水区,花园路街道锦绣小区,高风险,2022-10-01,,郑州市通告",
            "郑州市二七区,建新街道某小区,中风险,2022/10/02,,郑州市通告",
            "火星,某地,高,2022-10-02,,坏行",
            "河南省郑州市金水区,某大厦,极高,2022-10-02,,坏等级") + "\r\n";
        // The file keeps a name a person gives it (in a folder of its own): the page must show that name, not a stored one.
        var folder = Directory.CreateTempSubdirectory("fk-risk-").FullName;
        var file = Path.Combine(folder, "郑州市风险区名单.csv");
        await File.WriteAllBytesAsync(file, Core.Tabular.TabularFile.Gbk.GetBytes(csv));
        try
        {
            var desk = await app.NewPageAsync();
            await app.SignInAsync(desk, "command");
            await desk.GotoAsync(app.BaseUrl + "/risk-areas");
            await desk.ClickAsync("#risk-import summary");
            await desk.SetInputFilesAsync("#risk-import-form input[type=file]", file);
            await desk.ClickAsync("#risk-import-form button[type=submit]");
            await desk.WaitForSelectorAsync("#import-refused");
            Assert.Contains("已导入 2 条，2 行有误未导入", await desk.InnerTextAsync("#import-summary"));
            Assert.Contains("郑州市风险区名单.csv", await desk.InnerTextAsync("#import-summary"));
            // Neither a storage name (32 hex digits) nor a bare division code in the list's visible text; the code is a tooltip.
            var listText = await desk.InnerTextAsync("main");
            Assert.DoesNotMatch("[0-9a-fA-F]{32}", listText);
            Assert.DoesNotMatch("(?<![0-9])[0-9]{6}(?![0-9])", await desk.InnerTextAsync("#risk-table"));
            Assert.Equal("410105", await desk.GetAttributeAsync("#risk-table tr:has-text('锦绣小区') span[title]", "title"));
            var refused = await desk.InnerTextAsync("#import-refused");
            Assert.Contains("4", refused);
            Assert.Contains("所在地区", refused);
            Assert.Contains("风险等级", refused);
            await BrowserApp.ShotAsync(desk, "67-risk-import-refused");

            // The listed place opens on its own page; the county corrects the designation date, giving the notice.
            await desk.ClickAsync("#risk-table a:has-text('锦绣小区')");
            await desk.WaitForSelectorAsync("#area-edit");
            await desk.FillAsync("#area-edit input[name='Edit.DesignatedOn']", "2022-09-30");
            await desk.FillAsync("#area-edit input[name='Edit.Reason']", "按郑州市通告原文更正划定日期");
            await desk.ClickAsync("#area-edit button[type=submit]");
            await desk.WaitForSelectorAsync("#edit-result.alert-success");
            Assert.Contains("2022-09-30", await desk.InnerTextAsync("#area-details"));
            Assert.DoesNotMatch("(?<![0-9])[0-9]{6}(?![0-9])", await desk.InnerTextAsync("#area-details"));
            Assert.Equal("410105", await desk.GetAttributeAsync("#area-county", "title"));
            Assert.Contains("按郑州市通告原文更正划定日期", await desk.InnerTextAsync("#timeline"));
            await BrowserApp.ShotAsync(desk, "68-risk-area-corrected");

            // A township reads the page but has no correction form.
            var township = await app.NewPageAsync(phone: true);
            await app.SignInAsync(township, "township");
            await township.GotoAsync(desk.Url);
            await township.WaitForSelectorAsync("#area-details");
            Assert.Equal(0, await township.Locator("#area-edit").CountAsync());
            // A time in the history breaks, if at all, between its date and its time: each stays on one line.
            Assert.True(await township.Locator("#timeline .fk-date").CountAsync() >= 2);
            Assert.True(await township.Locator("#timeline .fk-date").EvaluateAllAsync<bool>("ds => ds.every(d => d.getClientRects().length === 1)"));
            // On a phone each entry is a card that keeps its reason: why the date was corrected is read there too.
            Assert.True(await township.Locator("#timeline td:has-text('按郑州市通告原文更正划定日期')").IsVisibleAsync());
            await BrowserApp.ShotAsync(township, "69-risk-area-phone");
        }
        finally { Directory.Delete(folder, recursive: true); }
    }

    [BrowserFact]
    public async Task LiftingARiskArea_NeedsItsNotice_AndAConfirmationThatSaysWhatItMeans_ThenTheBasisIsInItsHistory()
    {
        await using var app = await BrowserApp.StartAsync(Drill);
        long id;
        await using (var scope = app.Services.CreateAsyncScope())
        {
            scope.ServiceProvider.GetRequiredService<ActorAccessor>().Current =
                new Actor("test", "指挥部", JurisdictionScope.Of("411326", "411326"), Permissions.For([Roles.CommandCentre]));
            id = await scope.ServiceProvider.GetRequiredService<RiskAreaService>().CreateAsync(
                new RiskAreaInput("河南省郑州市金水区", "花园路街道锦绣小区", RiskLevel.High, new DateOnly(2022, 10, 1), Source: "郑州市通告1"), "test");
        }
        var desk = await app.NewPageAsync();
        await app.SignInAsync(desk, "command");
        // On a phone the lift form opens under the area at the card's width: the basis can be typed and the button is on screen.
        var phone = await app.NewPageAsync(phone: true);
        await app.SignInAsync(phone, "command");
        await phone.GotoAsync(app.BaseUrl + "/risk-areas");
        Assert.False(await phone.Locator($"#lift-basis-{id}").IsVisibleAsync());
        await phone.ClickAsync($"#lift-{id} summary");
        Assert.True(await phone.Locator($"#lift-basis-{id}").EvaluateAsync<int>("e => e.clientWidth") >= 200);
        Assert.True(await phone.Locator($"#lift-{id} button[type=submit]").EvaluateAsync<bool>(
            "b => { const r = b.getBoundingClientRect(); return r.width > 0 && r.left >= 0 && r.right <= window.innerWidth; }"));
        await BrowserApp.ShotAsync(phone, "90a-risk-lift-form-phone");

        await desk.GotoAsync(app.BaseUrl + "/risk-areas");
        // Folded, the row keeps its columns; the form opens on asking.
        Assert.False(await desk.Locator($"#lift-basis-{id}").IsVisibleAsync());
        await desk.ClickAsync($"#lift-{id} summary");
        // A date in the future is refused, naming the field; nothing is asked to confirm.
        await desk.FillAsync($"#lift-on-{id}", "2022-10-06");
        await desk.FillAsync($"#lift-basis-{id}", "郑州市疫情防控指挥部通告（第88号）");
        await desk.ClickAsync("#risk-table button:has-text('解除')");
        await desk.WaitForSelectorAsync("#risk-message.alert-danger");
        Assert.Contains("解除日期", await desk.InnerTextAsync("#risk-message"));
        Assert.Equal(0, await desk.Locator("#lift-confirm").CountAsync());
        // With its notice and a past date, the page says what the lift means before applying it.
        await desk.FillAsync($"#lift-on-{id}", "2022-10-04");
        await desk.FillAsync($"#lift-basis-{id}", "郑州市疫情防控指挥部通告（第88号）");
        await desk.ClickAsync("#risk-table button:has-text('解除')");
        await desk.WaitForSelectorAsync("#lift-confirm");
        var meaning = await desk.InnerTextAsync("#lift-confirm");
        Assert.Contains("自 2022-10-05 起，从河南省 郑州市 金水区 花园路街道锦绣小区来的人员不再按高风险管控；已开具的管控措施不受影响", meaning);
        Assert.Contains("郑州市疫情防控指挥部通告（第88号）", meaning);
        Assert.Contains("生效中", await desk.InnerTextAsync("#risk-table"));
        await BrowserApp.ShotAsync(desk, "97-risk-lift-confirm");
        await desk.ClickAsync("#lift-confirm-submit");
        await desk.WaitForSelectorAsync("#risk-message.alert-success");
        Assert.Contains("2022-10-04", await desk.InnerTextAsync("#risk-table"));
        await desk.GotoAsync(app.BaseUrl + $"/risk-areas/{id}");
        await desk.WaitForSelectorAsync("#timeline");
        var history = await desk.InnerTextAsync("#timeline");
        Assert.Contains("郑州市疫情防控指挥部通告（第88号）", history);
        // The basis reads in Chinese in the record printed for accountability, never as the stored English prefix.
        Assert.Contains("解除依据：郑州市疫情防控指挥部通告（第88号）", history);
        Assert.DoesNotContain("lift basis", history);
        await BrowserApp.ShotAsync(desk, "98-risk-lift-history");
    }

    [BrowserFact]
    public async Task RiskAreaList_OnADate_DuringARange_ByCounty_AndTheCheckForm_AnswerOnAPhone()
    {
        await using var app = await BrowserApp.StartAsync(Drill);
        long high;
        await using (var scope = app.Services.CreateAsyncScope())
        {
            scope.ServiceProvider.GetRequiredService<ActorAccessor>().Current =
                new Actor("test", "指挥部", JurisdictionScope.Of("411326", "411326"), Permissions.For([Roles.CommandCentre]));
            var areas = scope.ServiceProvider.GetRequiredService<RiskAreaService>();
            high = await areas.CreateAsync(new RiskAreaInput("河南省郑州市金水区", "花园路街道锦绣小区", RiskLevel.High, new DateOnly(2022, 10, 1), Source: "郑州市通告1"), "test");
            // The next level closes the high period on 10-03.
            await areas.CreateAsync(new RiskAreaInput("河南省郑州市金水区", "花园路街道锦绣小区", RiskLevel.Medium, new DateOnly(2022, 10, 4), Source: "郑州市通告2"), "test");
            await areas.CreateAsync(new RiskAreaInput("郑州市二七区", "建新街道某小区", RiskLevel.Low, new DateOnly(2022, 9, 20), new DateOnly(2022, 9, 28), "郑州市通告0"), "test");
        }
        var phone = await app.NewPageAsync(phone: true);
        await app.SignInAsync(phone, "command");
        await phone.GotoAsync(app.BaseUrl + "/risk-areas");

        // As of 10-02, in the county typed by its name: the high period, not the medium one that followed.
        await phone.FillAsync("#risk-filter input[name=county]", "郑州市金水区");
        await phone.FillAsync("#risk-filter input[name=on]", "2022-10-02");
        await phone.ClickAsync("#risk-filter button[type=submit]");
        await phone.WaitForSelectorAsync("#risk-filter-summary");
        var summary = await phone.InnerTextAsync("#risk-filter-summary");
        Assert.Contains("河南省 郑州市 金水区", summary);
        Assert.Contains("2022-10-02", summary);
        Assert.Equal("2022-10-02", await phone.InputValueAsync("#risk-filter input[name=on]"));
        var rows = phone.Locator("#risk-table tbody tr");
        Assert.Equal(1, await rows.CountAsync());
        Assert.Contains("高风险", await rows.First.InnerTextAsync());
        Assert.Contains("锦绣小区", await rows.First.InnerTextAsync());
        // The list comes before the county's forms, which are folded; each area's cells fit the screen.
        var list = await phone.Locator("#risk-table").BoundingBoxAsync();
        Assert.True(list!.Y < (await phone.Locator("#risk-add").BoundingBoxAsync())!.Y);
        Assert.Null(await phone.GetAttributeAsync("#risk-add", "open"));
        Assert.Null(await phone.GetAttributeAsync("#risk-import", "open"));
        await AssertInsideTheScreenAsync(phone, "#risk-table tbody tr:first-child td");
        Assert.Equal("风险区（小区、村、楼栋）", (await phone.InnerTextAsync("label[for=check-place]")).Trim());
        await BrowserApp.ShotAsync(phone, "89-risk-areas-on-date-phone");

        // Active at some time during [09-25, 09-30] in 二七区: the lifted low period; a range ending before it starts is refused.
        await phone.FillAsync("#risk-filter input[name=county]", "二七区");
        await phone.FillAsync("#risk-filter input[name=on]", "");
        await phone.FillAsync("#risk-filter input[name=from]", "2022-09-25");
        await phone.FillAsync("#risk-filter input[name=to]", "2022-09-30");
        await phone.ClickAsync("#risk-filter button[type=submit]");
        await phone.WaitForURLAsync(url => url.Contains("from=2022-09-25", StringComparison.Ordinal));
        Assert.Equal(1, await rows.CountAsync());
        Assert.Contains("建新街道某小区", await rows.First.InnerTextAsync());
        await phone.GotoAsync(app.BaseUrl + "/risk-areas?county=%E4%BA%8C%E4%B8%83%E5%8C%BA&from=2022-10-01&to=2022-09-30");
        Assert.Contains("离开日期早于开始日期", await phone.InnerTextAsync("#risk-filter-error"));
        await phone.GotoAsync(app.BaseUrl + "/risk-areas?county=%E4%BA%8C%E4%B8%83%E5%8C%BA&from=2022-10-01");
        await phone.WaitForSelectorAsync("#risk-empty");

        // The check: was 锦绣小区 in 金水区 at risk on 10-02? High, by the listing linked; on 09-30 it was not listed.
        await phone.GotoAsync(app.BaseUrl + "/risk-areas");
        await phone.FillAsync("#risk-check input[name=checkPlace]", "锦绣小区");
        await phone.FillAsync("#risk-check input[name=checkCounty]", "金水区");
        await phone.FillAsync("#risk-check input[name=checkDate]", "2022-10-02");
        await phone.ClickAsync("#risk-check button[type=submit]");
        await phone.WaitForSelectorAsync("#check-result[data-listed=true]");
        var answer = await phone.InnerTextAsync("#check-result");
        Assert.Contains("被列为高风险区", answer);
        Assert.Contains("河南省 郑州市 金水区", answer);
        Assert.Equal(1, await phone.Locator("#check-result [data-level]").CountAsync());
        Assert.Equal($"/risk-areas/{high}", await phone.GetAttributeAsync("#check-result a", "href"));
        await BrowserApp.ShotAsync(phone, "90-risk-area-check-phone");
        await phone.ClickAsync("#check-result a");
        await phone.WaitForSelectorAsync("#area-details");

        await phone.GotoAsync(app.BaseUrl + "/risk-areas");
        await phone.FillAsync("#risk-check input[name=checkPlace]", "锦绣小区");
        await phone.FillAsync("#risk-check input[name=checkCounty]", "金水区");
        await phone.FillAsync("#risk-check input[name=checkDate]", "2022-09-30");
        await phone.ClickAsync("#risk-check button[type=submit]");
        await phone.WaitForSelectorAsync("#check-result[data-listed=false]");
        Assert.Contains("在该日期（2022-09-30）未列入风险区名单", await phone.InnerTextAsync("#check-result"));
        Assert.Equal(0, await phone.Locator("#check-result a").CountAsync());
        // An unknown county is said so, not answered "not listed".
        await phone.GotoAsync(app.BaseUrl + "/risk-areas?checkPlace=%E9%94%A6%E7%BB%A3%E5%B0%8F%E5%8C%BA&checkCounty=%E7%81%AB%E6%98%9F&checkDate=2022-10-02");
        Assert.Equal("unknown", await phone.GetAttributeAsync("#check-result", "data-listed"));
        Assert.Contains("找不到这个地方", await phone.InnerTextAsync("#check-result"));
    }

    [BrowserFact]
    public async Task AContactFoundByTheInvestigation_GetsAnOrderFromTheirPersonPage()
    {
        // Two county-wide look-ups per account in ten minutes here (30 by default), to see the third refused.
        await using var app = await BrowserApp.StartAsync(new Dictionary<string, string?>(Drill) { ["Fangkong:Orders:CloseContactLookupsPer10Minutes"] = "2" });
        long personId, secondaryId, nextSecondaryId;
        string contactIdNumber, contactTownship;
        await using (var scope = app.Services.CreateAsyncScope())
        {
            await using var db = await scope.ServiceProvider.GetRequiredService<IDbContextFactory<FangkongDb>>().CreateDbContextAsync();
            var township = await db.Users.Where(u => u.UserName == "township").Select(u => u.ScopeKey).FirstAsync();
            personId = await db.People.IgnoreQueryFilters().Where(p => p.ScopeKey.StartsWith(township) && p.IdValid).OrderBy(p => p.Id).Select(p => p.Id).FirstAsync();
            contactIdNumber = (await db.People.IgnoreQueryFilters().FirstAsync(p => p.Id == personId)).DocumentNumber!;
            var township2 = await db.Users.Where(u => u.UserName == "township2").Select(u => u.ScopeKey).FirstAsync();
            var inTownship2 = await db.People.IgnoreQueryFilters().Where(p => p.ScopeKey.StartsWith(township2)).OrderBy(p => p.Id).Select(p => p.Id).Take(2).ToListAsync();
            (secondaryId, nextSecondaryId) = (inTownship2[0], inTownship2[1]);
            contactTownship = await db.Nodes.IgnoreQueryFilters().Where(n => n.ScopeKey == township).Select(n => n.Name).FirstAsync();
        }
        var desk = await app.NewPageAsync();
        await app.SignInAsync(desk, "township");
        await desk.GotoAsync($"{app.BaseUrl}/people/{personId}");
        await desk.WaitForSelectorAsync("#person-orders");
        Assert.Contains("无管控", await desk.InnerTextAsync("#control-status"));
        await desk.ClickAsync("#person-orders summary");
        await desk.SelectOptionAsync("#open-order select[name='Open.Reason']", "close-contact");
        await desk.FillAsync("#open-order input[name='Open.ExposureDate']", "2022-10-04");
        await desk.FillAsync("#open-order input[name='Open.Note']", "流调判定密接（锦绣小区病例）");
        await BrowserApp.ShotAsync(desk, "70-person-open-order");
        // Ticking 仅提出 renames the button after what it then does; unticked it applies the measure.
        Assert.Equal("按现行方案落实", (await desk.InnerTextAsync("#open-order-submit")).Trim());
        await desk.CheckAsync("#open-order input[name='Open.Propose']");
        Assert.Equal("提交乡镇确认", (await desk.InnerTextAsync("#open-order-submit")).Trim());
        await desk.UncheckAsync("#open-order input[name='Open.Propose']");
        Assert.Equal("按现行方案落实", (await desk.InnerTextAsync("#open-order-submit")).Trim());
        await desk.ClickAsync("#open-order-submit");
        await desk.WaitForSelectorAsync("#order-status");
        Assert.Contains("执行中", await desk.InnerTextAsync("#order-status"));
        Assert.Contains("《新型冠状病毒肺炎防控方案（第九版）》密切接触者", await desk.InnerTextAsync("#rule-reference"));
        Assert.Equal("cn-9th#close-contact", await desk.GetAttributeAsync("#rule-reference .fk-rule", "title"));

        // Back on the person's page the order is listed and the person is under measure.
        await desk.GotoAsync($"{app.BaseUrl}/people/{personId}");
        await desk.WaitForSelectorAsync("#person-orders a");
        Assert.Contains("隔离管控", await desk.InnerTextAsync("#control-status"));
        Assert.Contains("密切接触者", await desk.InnerTextAsync("#person-orders"));
        var phone = await app.NewPageAsync(phone: true);
        await app.SignInAsync(phone, "township");
        await phone.GotoAsync($"{app.BaseUrl}/people/{personId}");
        await phone.WaitForSelectorAsync("#person-orders a");
        await phone.EvaluateAsync("() => document.getElementById('person-orders').scrollIntoView()");
        await BrowserApp.ShotAsync(phone, "78-person-orders-phone");

        // An exposure too long ago is refused with why, and nothing is opened.
        await desk.ClickAsync("#person-orders summary");
        await desk.FillAsync("#open-order input[name='Open.ExposureDate']", "2022-07-01");
        await desk.ClickAsync("#open-order-submit");
        await desk.WaitForSelectorAsync("#open-order-error");
        Assert.Contains("日期太早", await desk.InnerTextAsync("#open-order-error"));
        Assert.Equal(1, await desk.Locator("#person-orders tbody tr").CountAsync());
        var contactOrderId = (await desk.GetAttributeAsync("#person-orders tbody tr a", "href"))!.Split('/')[^1];

        // A secondary contact of this close contact lives in another township, whose cadre cannot list the close
        // contact: found by the ID number (a mistyped digit refused with why), confirmed masked, then linked.
        var other = await app.NewPageAsync(phone: true);
        await other.SetViewportSizeAsync(360, 780);
        await app.SignInAsync(other, "township2");
        await other.GotoAsync($"{app.BaseUrl}/people/{secondaryId}");
        await other.WaitForSelectorAsync("#person-orders");
        await other.ClickAsync("#person-orders summary");
        Assert.Equal(0, await other.Locator($"#open-linked option[value='{contactOrderId}']").CountAsync());
        // The close contact to link is asked for only for 密接的密接.
        await other.SelectOptionAsync("#open-order select[name='Open.Reason']", "close-contact");
        Assert.False(await other.IsVisibleAsync("#open-contact-key"));
        await other.SelectOptionAsync("#open-order select[name='Open.Reason']", "secondary-contact");
        Assert.True(await other.IsVisibleAsync("#open-contact-key"));
        await other.FillAsync("#open-order input[name='Open.ExposureDate']", "2022-10-04");
        await other.FillAsync("#open-contact-key", contactIdNumber[..^1] + (contactIdNumber[^1] == '1' ? '2' : '1'));
        await other.ClickAsync("#open-contact-find");
        await other.WaitForSelectorAsync("#open-contact-error");
        Assert.Contains("校验位", await other.InnerTextAsync("#open-contact-error"));
        // What was chosen stays chosen after the look-up (the form is posted, not scripted).
        Assert.Equal("secondary-contact", await other.InputValueAsync("#open-order select[name='Open.Reason']"));
        // Enter in the field looks the number up too (nothing is opened before a match is confirmed).
        await other.FillAsync("#open-contact-key", contactIdNumber);
        await other.PressAsync("#open-contact-key", "Enter");
        await other.WaitForSelectorAsync("#open-contact-matches");
        var shown = await other.InnerTextAsync("#open-contact-matches");
        Assert.Contains(contactTownship, shown);
        Assert.Contains("密切接触者", shown);
        Assert.DoesNotContain(contactIdNumber, shown);
        // Nowhere in the page either: the box and the hidden field carry the number masked.
        Assert.DoesNotContain(contactIdNumber, await other.ContentAsync());
        Assert.Equal(Fangkong.Core.Identifiers.Masking.IdNumber(contactIdNumber), await other.InputValueAsync("#open-contact-key"));
        Assert.True(await other.IsCheckedAsync($"#open-contact-matches input[value='{contactOrderId}']"));
        await other.EvaluateAsync("() => document.getElementById('open-contact-lookup').scrollIntoView()");
        await BrowserApp.ShotAsync(other, "79-person-link-contact-phone");
        await other.ClickAsync("#open-order-submit");
        await other.WaitForSelectorAsync("#linked-order");
        Assert.Equal("#" + contactOrderId, (await other.InnerTextAsync("#linked-order")).Trim());
        Assert.Contains("密接的密接", await other.InnerTextAsync("body"));

        // Past the account's look-ups in ten minutes (the refused check digit was not one), the next is refused on a
        // 390-pixel phone with how long to wait, in place of the matches.
        var cadre = await app.NewPageAsync(phone: true);
        await app.SignInAsync(cadre, "township2");
        await cadre.GotoAsync($"{app.BaseUrl}/people/{nextSecondaryId}");
        await cadre.WaitForSelectorAsync("#person-orders");
        await cadre.ClickAsync("#person-orders summary");
        await cadre.SelectOptionAsync("#open-order select[name='Open.Reason']", "secondary-contact");
        // The limit is told before it is met.
        Assert.Contains("10分钟内最多查找2次", await cadre.InnerTextAsync("#open-contact-lookup"));
        await cadre.FillAsync("#open-contact-key", contactIdNumber);
        await cadre.ClickAsync("#open-contact-find");
        await cadre.WaitForSelectorAsync("#open-contact-matches");
        await cadre.FillAsync("#open-contact-key", contactIdNumber);
        await cadre.ClickAsync("#open-contact-find");
        await cadre.WaitForSelectorAsync("#open-contact-error");
        Assert.Contains("10分钟后再试", await cadre.InnerTextAsync("#open-contact-error"));
        Assert.Equal(0, await cadre.Locator("#open-contact-matches").CountAsync());
        Assert.True(await cadre.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"));
        await cadre.EvaluateAsync("() => document.getElementById('open-contact-lookup').scrollIntoView()");
        await BrowserApp.ShotAsync(cadre, "79-person-lookup-limited-phone");
        // The close contact tests positive: the township transfers them to hospital from the order's page. The
        // transfer names the hospital (where the trip goes); without it nothing is done and the page says so.
        await desk.GotoAsync($"{app.BaseUrl}/orders/{contactOrderId}");
        // Only the chosen action's fields show, and the button says what it will do.
        Assert.False(await desk.Locator("#order-hospital").IsVisibleAsync());
        Assert.Equal("执行", (await desk.InnerTextAsync("#order-act")).Trim());
        await desk.SelectOptionAsync("#order-action", "extend");
        Assert.True(await desk.Locator("#order-action-form input[name='Act.Days']").IsVisibleAsync());
        Assert.False(await desk.Locator("#order-hospital").IsVisibleAsync());
        Assert.Equal("延长管控", (await desk.InnerTextAsync("#order-act")).Trim());
        await desk.SelectOptionAsync("#order-action", "transfer");
        Assert.False(await desk.Locator("#order-action-form input[name='Act.Days']").IsVisibleAsync());
        Assert.Equal("确认转运医院", (await desk.InnerTextAsync("#order-act")).Trim());
        await desk.FillAsync("#order-reason", "核酸阳性");
        Assert.Equal("转运定点医院", (await desk.InnerTextAsync("label:has(#order-hospital)")).Trim());
        await desk.ClickAsync("#order-act");
        await desk.WaitForSelectorAsync("#order-message.alert-danger");
        Assert.Contains("请填写定点医院名称", await desk.InnerTextAsync("#order-message"));
        Assert.Contains("执行中", await desk.InnerTextAsync("#order-status"));
        await desk.SelectOptionAsync("#order-action", "transfer");
        await desk.FillAsync("#order-reason", "核酸阳性");
        await desk.FillAsync("#order-hospital", "县人民医院");
        await desk.ClickAsync("#order-act");
        await desk.WaitForSelectorAsync("#order-hospital-name");
        Assert.Contains("已转运医院", await desk.InnerTextAsync("#order-status"));
        Assert.Equal("县人民医院", (await desk.InnerTextAsync("#order-hospital-name")).Trim());
        // The person's record says where they were taken.
        await phone.GotoAsync($"{app.BaseUrl}/people/{personId}");
        await phone.WaitForSelectorAsync("#person-orders [data-hospital]");
        Assert.Contains("已转运医院：县人民医院", await phone.InnerTextAsync("#person-orders tbody tr"));
        await phone.EvaluateAsync("() => document.getElementById('person-orders').scrollIntoView()");
        await BrowserApp.ShotAsync(phone, "78b-person-transferred-phone", fullPage: false);
    }

    [BrowserFact]
    public async Task ACheckpoint_RegistersATravellerWithAPassport_AndFourPlacesStayed_OnAPhone()
    {
        await using var app = await BrowserApp.StartAsync(Drill);
        var phone = await app.NewPageAsync(phone: true);
        await app.SignInAsync(phone, "checkpoint");
        await phone.GotoAsync(app.BaseUrl + "/arrivals/new");
        await phone.WaitForSelectorAsync("#arrive-submit");
        await phone.FillAsync("#name", "JOHN SMITH");
        await phone.SelectOptionAsync("#documentType", "Passport");
        await phone.FillAsync("#idNumber", "E12345678");
        await phone.FillAsync("#phone", "13912345670");
        await phone.FillAsync("#origin", "上海市浦东新区");
        string[] places = ["上海市浦东新区", "江苏省南京市玄武区", "湖北省武汉市江汉区", "河南省南阳市宛城区"];
        for (var i = 0; i < places.Length; i++)
        {
            if (i == 3) await phone.ClickAsync("#more-stops summary"); // the fourth row is folded until needed
            await phone.FillAsync($"#stop{i}-place", places[i]);
            await phone.FillAsync($"#stop{i}-from", $"2022-09-{20 + i * 2}");
            await phone.FillAsync($"#stop{i}-to", $"2022-09-{21 + i * 2}");
        }
        var village = await phone.EvalOnSelectorAsync<string>("#destination", "s => s.querySelector('optgroup option').value");
        await phone.SelectOptionAsync("#destination", village);
        await phone.FillAsync("#destinationText", new string('号', 201).Substring(0, 200));
        await BrowserApp.ShotAsync(phone, "71-staff-arrival-passport-phone");
        await phone.ClickAsync("#arrive-submit");
        await phone.WaitForSelectorAsync("#arrive-receipt");
        var receipt = await phone.InnerTextAsync("#arrive-receipt");
        Assert.Contains("FK221005", receipt);

        // Checkpoint staff register but do not browse arrivals: no link to one; the township opens it.
        Assert.Equal(0, await phone.Locator("#arrive-receipt a").CountAsync());
        var desk = await app.NewPageAsync();
        await app.SignInAsync(desk, "township");
        var reference = receipt.Split(' ', StringSplitOptions.RemoveEmptyEntries).First(w => w.StartsWith("FK", StringComparison.Ordinal));
        await desk.GotoAsync(app.BaseUrl + "/arrivals?q=" + reference);
        await desk.ClickAsync($"tr[data-reference='{reference}'] a >> nth=0");
        await desk.WaitForSelectorAsync("#arrival-rule"); // the arrival's own page, not the list it came from
        await BrowserApp.ShotAsync(desk, "72-staff-arrival-passport-page");
        var page = await desk.InnerTextAsync("main");
        Assert.Contains("JOHN SMITH", page);
        Assert.Contains("河南省 南阳市 宛城区", page);   // the fourth stop kept
        Assert.DoesNotContain("E12345678", page);      // the passport number masked

        // The township sends a car from the checkpoint to the person's village (点对点接返).
        await desk.ClickAsync("#pick-up-form button");
        await desk.WaitForSelectorAsync("#arrival-message.alert-success");
        Assert.Contains("已提出接返用车申请", await desk.InnerTextAsync("#arrival-message"));
        // Registered at the checkpoint of the township, by its name; the rule and the empty fields in words.
        Assert.DoesNotMatch(@"卡点登记\s+\d", await desk.InnerTextAsync("#arrival-channel"));
        Assert.Contains("无需管控", await desk.InnerTextAsync("#arrival-rule"));
        // The release says why in one sentence: the pack by name (not its id) and that no stop was listed.
        var basis = await desk.InnerTextAsync("#release-basis");
        Assert.Contains("无需管控", basis);
        Assert.DoesNotContain("cn-", basis);
        // The lab's result comes back positive: the page asks first, then records it on the arrival and the transfer
        // task is on the township's list.
        await desk.ClickAsync("#landing-form button[value=positive]");
        await desk.WaitForSelectorAsync("#landing-confirm");
        Assert.Equal(0, await desk.Locator("#landing-test .fk-badge").CountAsync());
        await BrowserApp.ShotAsync(desk, "97-landing-positive-confirm");
        await desk.ClickAsync("#landing-confirm-positive");
        await desk.WaitForSelectorAsync("#landing-test .fk-badge-bad");
        Assert.Contains("落地检阳性", await desk.InnerTextAsync("#landing-test"));
        await desk.GotoAsync(app.BaseUrl + "/tasks");
        await desk.WaitForSelectorAsync(".fk-task[data-kind=positive-transfer]");
    }

    /// <summary>Every shown element of the selector lies inside the phone's screen width (nothing cut off at the right).</summary>
    private static async Task AssertInsideTheScreenAsync(IPage page, string selector)
    {
        var outside = await page.Locator(selector).EvaluateAllAsync<string[]>(
            "es => es.filter(e => e.getClientRects().length > 0 && e.getBoundingClientRect().right > window.innerWidth).map(e => e.innerText)");
        Assert.True(outside.Length == 0, "cut off: " + string.Join(" | ", outside));
        Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"), "the page scrolls sideways");
    }

    /// <summary>Reads the sum off the challenge's drawing (as a person would) and types it, or a wrong answer.</summary>
    private static async Task SolveAsync(IPage page, bool wrong)
    {
        var text = await page.EvalOnSelectorAsync<string>(".fk-challenge svg", "s => Array.from(s.querySelectorAll('text')).map(t => t.textContent).join('')");
        var parts = text.Split('=')[0].Split('+');
        var sum = int.Parse(parts[0]) + int.Parse(parts[1]);
        await page.FillAsync("#answer", (wrong ? sum + 1 : sum).ToString(System.Globalization.CultureInfo.InvariantCulture));
    }
}
