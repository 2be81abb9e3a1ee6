using Fangkong.Testing;
using Microsoft.Playwright;

namespace Fangkong.Browser.Tests;

/// <summary>Passwords as people handle them: one's own on a phone, and an administrator setting one for an account.</summary>
public class AccountsBrowserTests
{
    private const string OwnPassword = "Village@2023x";
    private const string ResetPassword = "Reset@village9";

    private static async Task SignInAsync(BrowserApp app, IPage page, string user, string password)
    {
        await page.GotoAsync(app.BaseUrl + "/account/login");
        await page.FillAsync("#userName", user);
        await page.FillAsync("#password", password);
        await page.ClickAsync("#sign-in");
    }

    private static async Task SubmitAsync(IPage page, string current, string next, string repeat)
    {
        await page.FillAsync("#current-password", current);
        await page.FillAsync("#new-password", next);
        await page.FillAsync("#repeat-password", repeat);
        // A plain form post: wait for its answer, then for the page it brings.
        await page.RunAndWaitForResponseAsync(() => page.ClickAsync("#password-save"),
            r => r.Request.Method == "POST" && r.Url.Contains("/account/password", StringComparison.Ordinal));
        await page.WaitForSelectorAsync("#password-form");
    }

    [BrowserFact]
    public async Task Village_ChangesItsOwnPasswordOnAPhone_ThenAnAdministratorSetsANewOne()
    {
        await using var app = await BrowserApp.StartAsync();
        var phone = await app.NewPageAsync(phone: true);
        await app.SignInAsync(phone, "village");
        // The own name in the top bar — the display name; the login in its tooltip — leads to the page.
        Assert.Equal("村网格员", (await phone.InnerTextAsync("#my-password .fk-user-name")).Trim());
        Assert.Contains("village", await phone.GetAttributeAsync("#my-password", "title"));
        await phone.ClickAsync("#my-password");
        await phone.WaitForURLAsync("**/account/password");
        await phone.WaitForSelectorAsync("#password-form");

        await SubmitAsync(phone, TestDatabase.DemoPassword, OwnPassword, OwnPassword + "!");
        Assert.Contains("两次输入的新密码不一致", await phone.InnerTextAsync("#password-form"));
        await SubmitAsync(phone, "Wrong@password1", OwnPassword, OwnPassword);
        Assert.Contains("当前密码不正确", await phone.InnerTextAsync("#password-form"));
        await SubmitAsync(phone, TestDatabase.DemoPassword, "short", "short");
        // Identity refuses "short" for several reasons at once: one sentence says what the password still needs.
        var weak = await phone.InnerTextAsync("#password-form");
        Assert.Contains("新密码还需要：至少 10 位、数字、大写字母、符号", weak);
        Assert.DoesNotContain("密码须包含", weak);
        Assert.DoesNotContain(TestDatabase.DemoPassword, await phone.ContentAsync()); // never echoed back

        await SubmitAsync(phone, TestDatabase.DemoPassword, OwnPassword, OwnPassword);
        await phone.WaitForSelectorAsync("#password-message");
        Assert.Contains("密码已修改", await phone.InnerTextAsync("#password-message"));
        await BrowserApp.ShotAsync(phone, "79-change-password-phone");
        // Still signed in on this phone.
        await phone.GotoAsync(app.BaseUrl + "/people");
        await phone.WaitForSelectorAsync("#people-table");

        // Elsewhere: the old password no longer signs in, the new one does.
        var elsewhere = await app.NewPageAsync();
        await SignInAsync(app, elsewhere, "village", TestDatabase.DemoPassword);
        await elsewhere.WaitForSelectorAsync(".alert-danger");
        Assert.Contains("/account/login", elsewhere.Url);
        await SignInAsync(app, elsewhere, "village", OwnPassword);
        await elsewhere.WaitForURLAsync(url => !url.Contains("/account/login", StringComparison.Ordinal));

        // The administrator sets one on the accounts page: a weak one is refused with the sentence, then it is set.
        var admin = await app.NewPageAsync();
        await app.SignInAsync(admin, "admin");
        await admin.GotoAsync(app.BaseUrl + "/accounts");
        await admin.WaitForSelectorAsync("#accounts-table");
        await admin.WaitForFunctionAsync("() => window.Blazor !== undefined");
        await admin.WaitForTimeoutAsync(500);
        await admin.ClickAsync("[id='reset-village']");
        await admin.WaitForSelectorAsync("#reset-form");
        await admin.FillAsync("#reset-password", "abc");
        await admin.ClickAsync("#reset-save");
        await admin.WaitForSelectorAsync("#reset-errors");
        Assert.Contains("新密码还需要：至少 10 位、数字、大写字母、符号", await admin.InnerTextAsync("#reset-errors"));
        // Every rule the error can name is in the hint under the box, with its number: here the different characters.
        await admin.FillAsync("#reset-password", "Aa1!Aa1!Aa1!");
        await admin.ClickAsync("#reset-save");
        await admin.WaitForFunctionAsync("() => document.getElementById('reset-errors').textContent.includes('不同的字符')");
        Assert.Equal("密码至少要有 5 个不同的字符", (await admin.InnerTextAsync("#reset-errors")).Trim());
        Assert.Contains("至少有 5 个不同的字符", await admin.InnerTextAsync("#reset-form .form-text"));
        await BrowserApp.ShotAsync(admin, "80-accounts-reset-password");
        await admin.FillAsync("#reset-password", ResetPassword);
        await admin.ClickAsync("#reset-save");
        await admin.WaitForSelectorAsync("#account-message");
        Assert.Contains("village", await admin.InnerTextAsync("#account-message"));
        Assert.Equal(0, await admin.Locator("#reset-form").CountAsync());

        // The village's sessions ended; the administrator's password works.
        await phone.GotoAsync(app.BaseUrl + "/people");
        await phone.WaitForURLAsync("**/account/login**");
        await SignInAsync(app, phone, "village", ResetPassword);
        await phone.WaitForURLAsync(url => !url.Contains("/account/login", StringComparison.Ordinal));
    }

    [BrowserFact]
    public async Task Administrator_LocksAnAccount_OnlyAfterConfirming()
    {
        await using var app = await BrowserApp.StartAsync();
        var admin = await app.NewPageAsync();
        await app.SignInAsync(admin, "admin");
        await admin.GotoAsync(app.BaseUrl + "/accounts");
        await admin.WaitForSelectorAsync("#accounts-table");
        await admin.WaitForFunctionAsync("() => window.Blazor !== undefined");
        await admin.WaitForTimeoutAsync(500);
        const string row = "#accounts-table tr:has(#lock-village)";

        // The roles of the form each stand in their own box, apart.
        await admin.ClickAsync("#account-new");
        await admin.WaitForSelectorAsync("#acc-roles");
        var boxes = await admin.Locator("#acc-roles .fk-role").EvaluateAllAsync<double[][]>("els => els.map(e => { const r = e.getBoundingClientRect(); return [r.left, r.right, r.top]; })");
        Assert.Equal(9, boxes.Length);
        for (var i = 1; i < boxes.Length; i++)
            if (boxes[i][2] == boxes[i - 1][2]) Assert.True(boxes[i][0] - boxes[i - 1][1] >= 8, $"roles {i - 1} and {i} are {boxes[i][0] - boxes[i - 1][1]}px apart");
        await BrowserApp.ShotAsync(admin, "11b-accounts-roles");
        await admin.ClickAsync("#account-form button.btn-outline-secondary");

        // The buttons of a row are apart; the lock is one click from a question, not from locking.
        var buttons = await admin.Locator($"{row} .fk-account-actions > .btn, {row} .fk-account-actions summary").EvaluateAllAsync<double[][]>("els => els.map(e => { const r = e.getBoundingClientRect(); return [r.left, r.right]; })");
        Assert.Equal(3, buttons.Length);
        Assert.All(buttons.Skip(1).Zip(buttons), p => Assert.True(p.First[0] - p.Second[1] >= 4, "buttons touch"));
        await admin.ClickAsync("#lock-village summary");
        await admin.WaitForSelectorAsync("#lock-village [data-action=lock-confirm]", new() { State = Microsoft.Playwright.WaitForSelectorState.Visible });
        Assert.Contains("锁定账号 village（村网格员）？", await admin.InnerTextAsync("#lock-village"));
        Assert.Equal(0, await admin.Locator($"{row} .fk-badge-bad").CountAsync()); // not locked yet
        Assert.Equal(0, await admin.Locator("#account-message").CountAsync());
        await BrowserApp.ShotAsync(admin, "80b-accounts-lock-confirm");
        // A second click on the lock folds the question away again, still nothing locked.
        await admin.ClickAsync("#lock-village summary");
        Assert.False(await admin.IsVisibleAsync("#lock-village [data-action=lock-confirm]"));
        var village = await app.NewPageAsync();
        await app.SignInAsync(village, "village");
        await village.WaitForURLAsync(url => !url.Contains("/account/login", StringComparison.Ordinal));

        await admin.ClickAsync("#lock-village summary");
        await admin.ClickAsync("#lock-village [data-action=lock-confirm]");
        await admin.WaitForSelectorAsync("#account-message");
        Assert.Contains("账号 village 已锁定", await admin.InnerTextAsync("#account-message"));
        await admin.WaitForSelectorAsync("#unlock-village");
        Assert.Contains("已锁定", await admin.InnerTextAsync("#accounts-table tr:has(#unlock-village)"));
        // Locked: its session has ended, and it cannot sign in.
        await village.GotoAsync(app.BaseUrl + "/people");
        await village.WaitForURLAsync("**/account/login**");

        await admin.ClickAsync("#unlock-village");
        await admin.WaitForSelectorAsync("#lock-village");
        Assert.Contains("账号 village 已解锁", await admin.InnerTextAsync("#account-message"));
    }
}
