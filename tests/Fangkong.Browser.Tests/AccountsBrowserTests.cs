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
        // The own name in the top bar leads to the page.
        await phone.ClickAsync("#my-password");
        await phone.WaitForURLAsync("**/account/password");
        await phone.WaitForSelectorAsync("#password-form");

        await SubmitAsync(phone, TestDatabase.DemoPassword, OwnPassword, OwnPassword + "!");
        Assert.Contains("两次输入的新密码不一致", await phone.InnerTextAsync("#password-form"));
        await SubmitAsync(phone, "Wrong@password1", OwnPassword, OwnPassword);
        Assert.Contains("当前密码不正确", await phone.InnerTextAsync("#password-form"));
        await SubmitAsync(phone, TestDatabase.DemoPassword, "short", "short");
        Assert.Contains("密码至少 10 位", await phone.InnerTextAsync("#password-form"));
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
        Assert.Contains("密码至少 10 位", await admin.InnerTextAsync("#reset-errors"));
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
}
