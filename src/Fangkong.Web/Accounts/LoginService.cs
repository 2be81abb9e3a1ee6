using Fangkong.Core.Accounts;
using Fangkong.Core.Jurisdictions;
using Fangkong.Data;
using Fangkong.Data.Accounts;
using Fangkong.Data.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Fangkong.Web.Accounts;

public enum SignInOutcome { Succeeded, Failed, LockedOut, NotAllowed }

/// <summary>
/// Password sign-in with lock-out (5 failures → 15 minutes), shared by the login page and POST /api/v1/auth/login.
/// Every attempt on a known account is written to the audit trail in that account's scope. A wrong password, an unknown
/// user and a locked account get the same answer from the callers and cost the same password check, so the answer
/// does not tell which user names exist.
/// </summary>
public sealed class LoginService(SignInManager<AppUser> signIn, UserManager<AppUser> users, IServiceScopeFactory scopes, IHttpContextAccessor http, ActorAccessor actor)
{
    public async Task<SignInOutcome> SignInAsync(string? userName, string? password, bool persistent)
    {
        if (string.IsNullOrWhiteSpace(userName) || string.IsNullOrEmpty(password)) return SignInOutcome.Failed;
        var user = await users.FindByNameAsync(userName.Trim());
        if (user is null)
        {
            // Same work and same answer as a wrong password, so account names cannot be probed.
            SpendPasswordCheck(password);
            return SignInOutcome.Failed;
        }
        if (await users.IsLockedOutAsync(user))
        {
            // Identity refuses a locked account before it checks the password: check a dummy instead, so a locked
            // account answers no faster than an unknown one. The right password does not unlock it.
            SpendPasswordCheck(password);
            await RecordAsync(user, SignInOutcome.LockedOut);
            return SignInOutcome.LockedOut;
        }
        var result = await signIn.PasswordSignInAsync(user, password, persistent, lockoutOnFailure: true);
        var outcome = result.Succeeded ? SignInOutcome.Succeeded
            : result.IsLockedOut ? SignInOutcome.LockedOut
            : result.IsNotAllowed ? SignInOutcome.NotAllowed
            : SignInOutcome.Failed;
        await RecordAsync(user, outcome);
        return outcome;
    }

    public Task SignOutAsync() => signIn.SignOutAsync();

    /// <summary>A password hash made once per process, checked against when there is no real one to check.</summary>
    private static string? _dummyHash;

    /// <summary>The work of checking a password (the hasher's full iteration count), for attempts that have no hash to check.</summary>
    private void SpendPasswordCheck(string password)
    {
        var dummy = _dummyHash ??= users.PasswordHasher.HashPassword(new AppUser(), Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(18)));
        users.PasswordHasher.VerifyHashedPassword(new AppUser(), dummy, password);
    }

    /// <summary>
    /// Re-issues the caller's cookie with the account's current security stamp (after changing the own password), so
    /// the stamp check in <see cref="Infrastructure.ActorLoader"/> keeps this session while the account's others end.
    /// Keeps the cookie's persistence; the request's own cookie was read (and checked) before the change.
    /// </summary>
    public async Task RefreshAsync()
    {
        if (!long.TryParse(actor.Current.Id, out _) || await users.FindByIdAsync(actor.Current.Id!) is not { } user) return;
        await signIn.RefreshSignInAsync(user);
    }

    private async Task RecordAsync(AppUser user, SignInOutcome outcome)
    {
        using var scope = scopes.CreateScope();
        var ip = http.HttpContext?.Connection.RemoteIpAddress?.ToString();
        scope.ServiceProvider.GetRequiredService<ActorAccessor>().Current = new Actor(
            user.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), ActorNames.Compose(user.DisplayName, user.UserName!),
            JurisdictionScope.Of(user.CountyCode, user.ScopeKey), new HashSet<string>(), user.NodeId, ip);
        await using var db = await scope.ServiceProvider.GetRequiredService<IDbContextFactory<FangkongDb>>().CreateDbContextAsync();
        var action = outcome switch
        {
            SignInOutcome.Succeeded => "account.sign-in",
            SignInOutcome.LockedOut => "account.locked-out",
            _ => "account.sign-in-failed",
        };
        AccountService.RecordSignIn(db, user, action, outcome.ToString());
        if (outcome == SignInOutcome.Succeeded)
            await db.Users.Where(u => u.Id == user.Id).ExecuteUpdateAsync(s => s.SetProperty(u => u.LastSignInAt, DateTime.UtcNow));
        await db.SaveChangesAsync();
    }
}
