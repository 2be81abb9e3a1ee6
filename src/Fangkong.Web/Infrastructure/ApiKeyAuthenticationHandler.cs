using System.Security.Claims;
using System.Security.Cryptography;
using System.Text.Encodings.Web;
using Fangkong.Core.Accounts;
using Fangkong.Data;
using Fangkong.Data.Accounts;
using Fangkong.Data.Infrastructure;
using Microsoft.AspNetCore.Authentication;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Fangkong.Web.Infrastructure;

/// <summary>
/// Machines authenticate with "X-Api-Key: fk_xxxxxxxx_secret" (or "Authorization: ApiKey …"). The key is looked up by
/// its public prefix and its secret compared by SHA-256 in constant time; it acts within its node and purposes only.
/// </summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    IServiceScopeFactory scopes,
    TimeProvider time) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";

    public static bool Carries(HttpRequest request) =>
        request.Headers.ContainsKey("X-Api-Key")
        || request.Headers.Authorization.ToString().StartsWith("ApiKey ", StringComparison.OrdinalIgnoreCase);

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var raw = Request.Headers["X-Api-Key"].ToString();
        if (string.IsNullOrEmpty(raw))
        {
            var authorization = Request.Headers.Authorization.ToString();
            if (!authorization.StartsWith("ApiKey ", StringComparison.OrdinalIgnoreCase)) return AuthenticateResult.NoResult();
            raw = authorization["ApiKey ".Length..].Trim();
        }
        if (!ApiKeys.TryParse(raw, out var prefix, out var secret)) return AuthenticateResult.Fail("malformed API key");

        using var scope = scopes.CreateScope();
        scope.ServiceProvider.GetRequiredService<ActorAccessor>().Current = Actor.System("api-key-auth");
        await using var db = await scope.ServiceProvider.GetRequiredService<IDbContextFactory<FangkongDb>>().CreateDbContextAsync(Context.RequestAborted);
        var key = await db.ApiKeys.FirstOrDefaultAsync(k => k.Prefix == prefix, Context.RequestAborted);
        var now = time.GetUtcNow().UtcDateTime;
        if (key is null || !CryptographicOperations.FixedTimeEquals(key.SecretHash, ApiKeys.HashSecret(secret)) || !key.IsUsable(now))
            return AuthenticateResult.Fail("unknown, revoked or expired API key");
        if (key.LastUsedAt is null || now - key.LastUsedAt > TimeSpan.FromMinutes(1))
        {
            await db.ApiKeys.Where(k => k.Id == key.Id).ExecuteUpdateAsync(s => s.SetProperty(k => k.LastUsedAt, now), Context.RequestAborted);
        }
        var claims = new List<Claim>
        {
            new(ClaimTypes.Name, "api-key:" + key.Name),
            new(ActorLoader.ApiKeyIdClaim, key.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            new("fangkong:county", key.CountyCode),
            new("fangkong:scope", key.ScopeKey),
            new("fangkong:node", key.NodeId.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        };
        claims.AddRange(key.Permissions.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(p => new Claim("fangkong:permission", p)));
        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName));
        return AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        return Task.CompletedTask;
    }
}
