using Microsoft.Extensions.Localization;
using Fangkong.Core.Accounts;
using Fangkong.Data.Accounts;
using Fangkong.Data.Infrastructure;
using Fangkong.Data.Jurisdictions;
using Fangkong.Web.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Fangkong.Web.Accounts;

public sealed record LoginRequest(string? UserName, string? Password, bool Persistent = false);
public sealed record LoginResponse(string UserName);
public sealed record MeResponse(string? Id, string Name, string CountyCode, string ScopeKey, long? NodeId, string? NodeName, IReadOnlyList<string> Permissions);
public sealed record LockRequest(string? Reason);
public sealed record PasswordRequest(string? Password);
public sealed record ChangePasswordRequest(string? CurrentPassword, string? NewPassword);
public sealed record ApiKeyRequest(string? Name, long NodeId, IReadOnlyList<string>? Permissions, DateTime? ExpiresAt);
public sealed record ApiKeyCreated(ApiKeyItem Key, string ApiKey);

public static class AccountsModule
{
    public static IServiceCollection AddAccounts(this IServiceCollection services)
    {
        services.AddScoped<AccountService>();
        services.AddScoped<LoginService>();
        return services;
    }

    /// <summary>Sign-in and sign-out: outside the authorized group, rate-limited per client address.</summary>
    public static RouteGroupBuilder MapAuthEndpoints(this IEndpointRouteBuilder app)
    {
        var auth = app.MapGroup("/api/v1/auth").WithTags("Accounts").RequireNonNullInput();
        auth.MapPost("/login", Login).AllowAnonymous().RequireRateLimiting("sign-in").DisableAntiforgery().WithName("Auth_Login")
            .WithSummary("Sign in with a user name and password; sets the session cookie.");
        auth.MapPost("/logout", Logout).RequireAuthorization(PlatformExtensions.InJurisdiction).DisableAntiforgery().WithName("Auth_Logout");
        // The layout's sign-out button: a form post with an antiforgery token, then back to the login page.
        app.MapPost("/account/logout", async (LoginService login) =>
        {
            await login.SignOutAsync();
            return Results.LocalRedirect("/account/login");
        }).ExcludeFromDescription();
        return auth;
    }

    public static RouteGroupBuilder MapAccountsEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("/me", Me).WithTags("Accounts").WithName("Accounts_Me").WithSummary("The signed-in actor: node, scope and permissions.");
        api.MapPost("/me/password", ChangeOwnPassword).WithTags("Accounts").WithName("Accounts_ChangeOwnPassword")
            .WithSummary("The signed-in account changes its own password (current and new); its other sessions end, this one stays signed in.");

        var accounts = api.MapGroup("/accounts").WithTags("Accounts").RequireAuthorization(Permissions.AccountsManage);
        accounts.MapGet("/", List).WithName("Accounts_List");
        accounts.MapGet("/{id:long}", Get).WithName("Accounts_Get");
        accounts.MapPost("/", Create).WithName("Accounts_Create");
        accounts.MapPut("/{id:long}", Update).WithName("Accounts_Update");
        accounts.MapPost("/{id:long}/lock", Lock).WithName("Accounts_Lock");
        accounts.MapPost("/{id:long}/unlock", Unlock).WithName("Accounts_Unlock");
        accounts.MapPost("/{id:long}/password", ResetPassword).WithName("Accounts_ResetPassword");

        var keys = api.MapGroup("/api-keys").WithTags("Accounts").RequireAuthorization(Permissions.ApiKeysManage);
        keys.MapGet("/", ListKeys).WithName("ApiKeys_List");
        keys.MapPost("/", CreateKey).WithName("ApiKeys_Create");
        keys.MapDelete("/{id:long}", RevokeKey).WithName("ApiKeys_Revoke");
        return api;
    }

    /// <summary>
    /// Signs in. A wrong password, an unknown user and a locked account all get 401 with the same sentence: a
    /// different answer for a locked account would tell which user names exist.
    /// </summary>
    public static async Task<Results<Ok<LoginResponse>, ProblemHttpResult>> Login(LoginRequest request, LoginService login, IStringLocalizer<AccountStrings> strings)
    {
        var outcome = await login.SignInAsync(request.UserName, request.Password, request.Persistent);
        return outcome == SignInOutcome.Succeeded
            ? TypedResults.Ok(new LoginResponse(request.UserName!.Trim()))
            : TypedResults.Problem(title: strings["SignInRefused"], statusCode: StatusCodes.Status401Unauthorized);
    }

    public static async Task<NoContent> Logout(LoginService login)
    {
        await login.SignOutAsync();
        return TypedResults.NoContent();
    }

    public static Ok<MeResponse> Me(ActorAccessor actor, JurisdictionDirectory directory)
    {
        var a = actor.Current;
        return TypedResults.Ok(new MeResponse(a.Id, a.Name, a.Scope.CountyCode, a.Scope.Prefix, a.NodeId,
            directory.Official(a.Scope.Prefix)?.Name, a.Permissions.Order().ToList()));
    }

    public static async Task<Ok<Page<AccountItem>>> List(AccountService accounts, string? q, int page = 1, int pageSize = 50) =>
        TypedResults.Ok(await accounts.ListAsync(q, page, pageSize));

    public static async Task<Results<Ok<AccountItem>, NotFound>> Get(long id, AccountService accounts) =>
        await accounts.GetAsync(id) is { } a ? TypedResults.Ok(a) : TypedResults.NotFound();

    public static async Task<Created<AccountItem>> Create(AccountInput input, AccountService accounts)
    {
        var id = await accounts.CreateAsync(input);
        return TypedResults.Created($"/api/v1/accounts/{id}", await accounts.GetAsync(id));
    }

    public static async Task<Results<Ok<AccountItem>, NotFound>> Update(long id, AccountInput input, AccountService accounts) =>
        await accounts.UpdateAsync(id, input) ? TypedResults.Ok((await accounts.GetAsync(id))!) : TypedResults.NotFound();

    public static async Task<Results<NoContent, NotFound>> Lock(long id, LockRequest request, AccountService accounts) =>
        await accounts.SetLockedAsync(id, true, request.Reason) ? TypedResults.NoContent() : TypedResults.NotFound();

    public static async Task<Results<NoContent, NotFound>> Unlock(long id, LockRequest request, AccountService accounts) =>
        await accounts.SetLockedAsync(id, false, request.Reason) ? TypedResults.NoContent() : TypedResults.NotFound();

    public static async Task<Results<NoContent, NotFound>> ResetPassword(long id, PasswordRequest request, AccountService accounts) =>
        await accounts.ResetPasswordAsync(id, request.Password ?? "") ? TypedResults.NoContent() : TypedResults.NotFound();

    public static async Task<NoContent> ChangeOwnPassword(ChangePasswordRequest request, AccountService accounts, LoginService login)
    {
        await accounts.ChangeOwnPasswordAsync(request.CurrentPassword, request.NewPassword);
        await login.RefreshAsync();
        return TypedResults.NoContent();
    }

    public static async Task<Ok<IReadOnlyList<ApiKeyItem>>> ListKeys(AccountService accounts) => TypedResults.Ok(await accounts.ApiKeysAsync());

    public static async Task<Created<ApiKeyCreated>> CreateKey(ApiKeyRequest request, AccountService accounts)
    {
        var (key, secret) = await accounts.CreateApiKeyAsync(request.Name, request.NodeId, request.Permissions ?? [], request.ExpiresAt);
        return TypedResults.Created($"/api/v1/api-keys/{key.Id}", new ApiKeyCreated(key, secret));
    }

    public static async Task<Results<NoContent, NotFound>> RevokeKey(long id, AccountService accounts) =>
        await accounts.RevokeApiKeyAsync(id) ? TypedResults.NoContent() : TypedResults.NotFound();
}
