using System.Globalization;
using Fangkong.Core.Accounts;
using Fangkong.Core.Jurisdictions;
using Fangkong.Data.Accounts;
using Fangkong.Data.Infrastructure;
using Fangkong.Testing;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Fangkong.Data.Tests.Passwords;

/// <summary>
/// Passwords on both engines: an account changes its own (the current one is required, the rules hold, the old one
/// stops working, the stamp moves so other sessions end) and an administrator sets one for an account in their
/// subtree only; each leaves an audit entry with its reason and never the password or its hash.
/// </summary>
public class PasswordTests
{
    private const string NewPassword = "Village@2023x";

    private static async Task<T> Run<T>(TestDatabase db, Actor actor, Func<IServiceProvider, Task<T>> work)
    {
        await using var scope = db.Scope(actor);
        return await work(scope.ServiceProvider);
    }

    private static async Task Run(TestDatabase db, Actor actor, Func<IServiceProvider, Task> work)
    {
        await using var scope = db.Scope(actor);
        await work(scope.ServiceProvider);
    }

    private static T Make<T>(IServiceProvider sp) => ActivatorUtilities.CreateInstance<T>(sp);

    /// <summary>The actor a signed-in demo account acts as (as the web layer's actor loader builds it).</summary>
    private static Task<Actor> ActorOfAsync(TestDatabase db, string userName) => Run(db, Actor.System("test"), async sp =>
    {
        var users = sp.GetRequiredService<UserManager<AppUser>>();
        var user = (await users.FindByNameAsync(userName))!;
        var roles = await users.GetRolesAsync(user);
        return new Actor(user.Id.ToString(CultureInfo.InvariantCulture), $"{user.DisplayName} ({user.UserName})",
            JurisdictionScope.Of(user.CountyCode, user.ScopeKey), Permissions.For(roles), user.NodeId);
    });

    private static Task<(bool Works, string? Stamp, int Failures)> StateAsync(TestDatabase db, string userName, string password) => Run(db, Actor.System("test"), async sp =>
    {
        var users = sp.GetRequiredService<UserManager<AppUser>>();
        var user = (await users.FindByNameAsync(userName))!;
        return (await users.CheckPasswordAsync(user, password), user.SecurityStamp, user.AccessFailedCount);
    });

    private static async Task<IReadOnlyList<string>> CodesAsync(Func<Task> work) =>
        (await Assert.ThrowsAsync<ValidationFailedException>(work)).Errors.Select(e => $"{e.Field}:{e.Code}").ToList();

    [Theory, OnSqlite, OnPostgres]
    public async Task AnAccount_ChangesItsOwnPassword_OnlyWithTheCurrentOne_AndTheOldOneStopsWorking(Engine engine)
    {
        await using var db = await TestDatabase.CreateAsync(engine);
        var village = await ActorOfAsync(db, "village");
        var before = await StateAsync(db, "village", TestDatabase.DemoPassword);
        Assert.True(before.Works);

        // A wrong current password: refused on its field, counted like a failed sign-in, and recorded.
        var wrong = await CodesAsync(() => Run(db, village, sp => Make<AccountService>(sp).ChangeOwnPasswordAsync("Wrong@password1", NewPassword)));
        Assert.Equal(["currentPassword:password.mismatch"], wrong);
        var afterWrong = await StateAsync(db, "village", TestDatabase.DemoPassword);
        Assert.True(afterWrong.Works);
        Assert.Equal(1, afterWrong.Failures);
        Assert.Equal(before.Stamp, afterWrong.Stamp);

        // A weak new one, the same one again, nothing at all: refused with the rule broken, nothing changed.
        var weak = await CodesAsync(() => Run(db, village, sp => Make<AccountService>(sp).ChangeOwnPasswordAsync(TestDatabase.DemoPassword, "short")));
        Assert.Contains("newPassword:password.PasswordTooShort", weak);
        Assert.Contains("newPassword:password.PasswordRequiresDigit", weak);
        Assert.Equal(["newPassword:password.unchanged"],
            await CodesAsync(() => Run(db, village, sp => Make<AccountService>(sp).ChangeOwnPasswordAsync(TestDatabase.DemoPassword, TestDatabase.DemoPassword))));
        Assert.Contains("currentPassword:password.mismatch", await CodesAsync(() => Run(db, village, sp => Make<AccountService>(sp).ChangeOwnPasswordAsync(null, null))));
        Assert.True((await StateAsync(db, "village", TestDatabase.DemoPassword)).Works);

        // The right current one and a good new one: the new one works, the old one no longer does, the stamp moved
        // (the account's other sessions end) and the failed attempt is forgotten.
        await Run(db, village, sp => Make<AccountService>(sp).ChangeOwnPasswordAsync(TestDatabase.DemoPassword, NewPassword));
        var after = await StateAsync(db, "village", NewPassword);
        Assert.True(after.Works);
        Assert.False((await StateAsync(db, "village", TestDatabase.DemoPassword)).Works);
        Assert.NotEqual(before.Stamp, after.Stamp);
        Assert.Equal(0, after.Failures);

        await using var ctx = await db.ContextAsync(Actor.System("test"));
        var entries = await ctx.AuditEntries.AsNoTracking().Where(e => e.EntityType == "Account" && e.EntityId == village.Id).OrderBy(e => e.Id).ToListAsync();
        var change = Assert.Single(entries, e => e.Action == "account.update" && e.Changes!.Contains("PasswordHash"));
        Assert.Equal("password changed by the account holder", change.Reason);
        Assert.Equal(village.Id, change.ActorId);
        var refused = Assert.Single(entries, e => e.Action == "account.password-change-refused");
        Assert.Equal("wrong current password", refused.Reason);
        AssertNoPasswordIn(entries);
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task AnAdministrator_SetsANewPassword_ForAnAccountInTheirSubtreeOnly(Engine engine)
    {
        await using var db = await TestDatabase.CreateAsync(engine);
        var admin = await ActorOfAsync(db, "admin");
        var village = await ActorOfAsync(db, "village");
        var before = await StateAsync(db, "village", TestDatabase.DemoPassword);
        var villageId = long.Parse(village.Id!, CultureInfo.InvariantCulture);

        var weak = await CodesAsync(() => Run(db, admin, sp => Make<AccountService>(sp).ResetPasswordAsync(villageId, "abc")));
        Assert.Contains("password:password.PasswordTooShort", weak);
        Assert.True((await StateAsync(db, "village", TestDatabase.DemoPassword)).Works);

        // An administrator of another township does not reach the account (not found, nothing changed).
        var otherTownship = await ActorOfAsync(db, "township2");
        var outsider = otherTownship with { Permissions = new HashSet<string>(otherTownship.Permissions) { Permissions.AccountsManage } };
        Assert.False(await Run(db, outsider, sp => Make<AccountService>(sp).ResetPasswordAsync(villageId, NewPassword)));
        Assert.True((await StateAsync(db, "village", TestDatabase.DemoPassword)).Works);
        // Without the permission: refused outright.
        await Assert.ThrowsAsync<ForbiddenException>(() => Run(db, village, sp => Make<AccountService>(sp).ResetPasswordAsync(villageId, NewPassword)));

        Assert.True(await Run(db, admin, sp => Make<AccountService>(sp).ResetPasswordAsync(villageId, NewPassword)));
        var after = await StateAsync(db, "village", NewPassword);
        Assert.True(after.Works);
        Assert.False((await StateAsync(db, "village", TestDatabase.DemoPassword)).Works);
        Assert.NotEqual(before.Stamp, after.Stamp);

        await using var ctx = await db.ContextAsync(Actor.System("test"));
        var entries = await ctx.AuditEntries.AsNoTracking().Where(e => e.EntityType == "Account" && e.EntityId == village.Id).ToListAsync();
        var reset = Assert.Single(entries, e => e.Action == "account.update" && e.Changes!.Contains("PasswordHash"));
        Assert.Equal("password reset by an administrator", reset.Reason);
        Assert.Contains("\"PasswordHash\":[\"(set)\",\"(changed)\"]", reset.Changes);
        Assert.Equal(admin.Id, reset.ActorId);
        AssertNoPasswordIn(entries);
    }

    private static void AssertNoPasswordIn(IEnumerable<Fangkong.Core.Audit.AuditEntry> entries)
    {
        foreach (var e in entries)
        {
            var text = $"{e.Changes} {e.Reason}";
            Assert.DoesNotContain(NewPassword, text);
            Assert.DoesNotContain(TestDatabase.DemoPassword, text);
            Assert.DoesNotContain("AQAAAA", text); // the start of an Identity v3 password hash
        }
    }
}
