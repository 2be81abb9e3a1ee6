using Fangkong.Core.Policy;
using Fangkong.Data.Policy;
using Microsoft.Extensions.DependencyInjection;

namespace Fangkong.Browser.Tests;

/// <summary>The command centre edits a reason's rule in words, on a phone: no JSON, mistakes named under their box.</summary>
public class RuleEditorBrowserTests
{
    [BrowserFact]
    public async Task CommandCentre_ChangesTheCloseContactRule_InAForm_AndTheNewVersionLaysOutTheNewDays()
    {
        await using var app = await BrowserApp.StartAsync(new Dictionary<string, string?> { ["Fangkong:Clock:ExerciseDate"] = "2022-10-12" });
        var phone = await app.NewPageAsync(phone: true);
        await app.SignInAsync(phone, "command");
        await phone.GotoAsync(app.BaseUrl + "/rule-packs/cn-9th");
        var row = "#pack-rules tr[data-reason=close-contact]";
        await phone.ClickAsync($"{row} .fk-rule-edit");
        await phone.WaitForSelectorAsync("#rule-form");
        // The form opens on the rule as it stands: 7 days at a site tested on days 1, 2, 3, 5, 7, then 3 days at home.
        Assert.Equal("centralized-quarantine", await phone.InputValueAsync("#rule-kind-0"));
        Assert.Equal("7", await phone.InputValueAsync("#rule-days-0"));
        Assert.Equal("1,2,3,5,7", await phone.InputValueAsync("#rule-tests-0"));
        Assert.Equal("home-health-monitoring", await phone.InputValueAsync("#rule-kind-1"));
        Assert.Equal("", await phone.InputValueAsync("#rule-kind-2"));

        // A test day past the measure's end is named under its box, and what was typed stays.
        await phone.FillAsync("#rule-days-0", "5");
        await phone.FillAsync("#rule-tests-0", "1，3、7");
        await phone.FillAsync("#rule-basis", "县指挥部决定：密接 5+3，集中隔离第1、3、5天检测");
        await phone.FillAsync("#rule-why", "县指挥部第 12 次会议");
        await phone.ClickAsync("#rule-save");
        await phone.WaitForSelectorAsync("[data-field='measures[0].testDays']");
        Assert.Contains("检测日超出该措施的天数", await phone.InnerTextAsync("[data-field='measures[0].testDays']"));
        Assert.Equal("5", await phone.InputValueAsync("#rule-days-0"));
        Assert.Equal("县指挥部第 12 次会议", await phone.InputValueAsync("#rule-why"));
        await BrowserApp.ShotOfAsync(phone.Locator("#rule-form"), "r7-rule-edit-refused-phone");

        await phone.FillAsync("#rule-tests-0", "1，3、5");
        await phone.ClickAsync("#rule-save");
        await phone.WaitForSelectorAsync("#pack-message.alert-success");
        Assert.Contains("第 2 版", await phone.InnerTextAsync("#pack-message"));
        Assert.Equal(0, await phone.Locator("#rule-form").CountAsync());
        // The page now reads the new version: 5 + 3 days, tests on days 1, 3, 5 from the example exposure date.
        Assert.Equal("2022-10-12,2022-10-14,2022-10-16",
            await phone.GetAttributeAsync($"{row} .fk-example-dates[data-kind=centralized-quarantine]", "data-dates"));
        Assert.Contains("县指挥部决定", await phone.InnerTextAsync(row));
        await BrowserApp.ShotOfAsync(phone.Locator(row), "r7-rule-edited-phone");

        // Saved as a version with who and why, and the rules the county evaluates from now on are the new ones.
        await using var scope = app.Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<Fangkong.Data.Infrastructure.ActorAccessor>().Current = Fangkong.Core.Accounts.Actor.System("test");
        var detail = (await scope.ServiceProvider.GetRequiredService<PolicyService>().GetAsync("cn-9th"))!;
        Assert.Equal((2, "县指挥部第 12 次会议"), (detail.Summary.Version, detail.Summary.Reason));
        Assert.NotEqual(PolicyService.ShippedBy, detail.Summary.CreatedBy);
        var rule = RulePackJson.ReadPack(detail.Json).Reasons[Reasons.CloseContact];
        Assert.Equal([1, 3, 5], rule.Measures[0].TestDays);
        Assert.Equal(8, rule.TotalDays);

        // A reason the pack does not manage yet gets its rule the same way.
        await phone.SelectOptionAsync("#rule-add-reason", Reasons.StarTravelCard);
        await phone.ClickAsync("#rule-add button[type=submit]");
        await phone.WaitForSelectorAsync("#rule-form");
        Assert.Contains("添加规则", await phone.InnerTextAsync("#rule-form h3"));
    }

    [BrowserFact]
    public async Task CommandCentre_EditsALocalRulesPeriod_AndAddsALocalRule_InTheSameForm()
    {
        await using var app = await BrowserApp.StartAsync(new Dictionary<string, string?> { ["Fangkong:Clock:ExerciseDate"] = "2022-10-12" });
        var desk = await app.NewPageAsync();
        await app.SignInAsync(desk, "command");
        await desk.GotoAsync(app.BaseUrl + "/rule-packs/local");
        await desk.ClickAsync("#pack-rules tbody tr:first-child .fk-rule-edit");
        await desk.WaitForSelectorAsync("#rule-form");
        Assert.Equal("2022-03-17", await desk.InputValueAsync("#rule-from"));
        Assert.Equal("2022-06-27", await desk.InputValueAsync("#rule-to"));
        Assert.Equal("14", await desk.InputValueAsync("#rule-days-0"));

        // An end before the start is named under the end date.
        await desk.FillAsync("#rule-to", "2022-03-01");
        await desk.FillAsync("#rule-why", "省指挥部通知");
        await desk.ClickAsync("#rule-save");
        await desk.WaitForSelectorAsync("[data-field=effectiveTo]");
        Assert.Contains("截止日期早于生效日期", await desk.InnerTextAsync("[data-field=effectiveTo]"));
        await desk.FillAsync("#rule-to", "2022-05-31");
        await desk.ClickAsync("#rule-save");
        await desk.WaitForSelectorAsync("#pack-message.alert-success");
        Assert.Contains("2022-05-31", await desk.InnerTextAsync("#pack-rules tbody tr:first-child"));

        // A new local rule: yellow code, three days two tests, from 2022-10-01 with no end.
        await desk.ClickAsync("#local-rule-add");
        await desk.WaitForSelectorAsync("#rule-reason");
        await desk.SelectOptionAsync("#rule-reason", Reasons.YellowCode);
        await desk.FillAsync("#rule-from", "2022-10-01");
        await desk.SelectOptionAsync("#rule-kind-0", MeasureKinds.ThreeDaysTwoTests);
        await desk.FillAsync("#rule-days-0", "3");
        await desk.FillAsync("#rule-tests-0", "1,2");
        await desk.FillAsync("#rule-basis", "县指挥部：黄码人员三天两检");
        await desk.FillAsync("#rule-why", "县指挥部第 15 次会议");
        await BrowserApp.ShotOfAsync(desk.Locator("#rule-form"), "r7-local-rule-add");
        await desk.ClickAsync("#rule-save");
        await desk.WaitForSelectorAsync("#pack-message.alert-success");
        var added = desk.Locator("#pack-rules tbody tr").Last;
        Assert.Contains("县指挥部：黄码人员三天两检", await added.InnerTextAsync());

        await using var scope = app.Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<Fangkong.Data.Infrastructure.ActorAccessor>().Current = Fangkong.Core.Accounts.Actor.System("test");
        var layer = RulePackJson.ReadLocal((await scope.ServiceProvider.GetRequiredService<PolicyService>().GetAsync("local"))!.Json);
        Assert.Equal(new DateOnly(2022, 5, 31), layer.Rules[0].EffectiveTo);
        Assert.Equal((Reasons.YellowCode, new DateOnly(2022, 10, 1), (DateOnly?)null, 3), (layer.Rules[^1].Rule.Reason, layer.Rules[^1].EffectiveFrom, layer.Rules[^1].EffectiveTo, layer.Rules[^1].Rule.TotalDays));
    }
}
