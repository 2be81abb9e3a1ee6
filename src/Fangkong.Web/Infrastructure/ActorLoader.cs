using System.Security.Claims;
using Fangkong.Core.Accounts;
using Fangkong.Core.Jurisdictions;
using Fangkong.Data;
using Fangkong.Data.Accounts;
using Fangkong.Data.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Fangkong.Web.Infrastructure;

/// <summary>
/// Builds the <see cref="Actor"/> of a request or a circuit from the database, not from the cookie: a locked,
/// removed or reassigned account loses or changes its scope at the next request (Todo's RequireCurrentUser idea).
/// </summary>
public sealed class ActorLoader(IServiceScopeFactory scopes)
{
    public const string ApiKeyIdClaim = "fangkong:api-key";

    public async Task<Actor> LoadAsync(ClaimsPrincipal principal, string? clientAddress, CancellationToken ct = default)
    {
        if (principal.Identity?.IsAuthenticated != true) return Actor.Anonymous;
        if (principal.FindFirst(ApiKeyIdClaim) is { } keyClaim) return FromApiKey(principal, keyClaim.Value, clientAddress);
        if (!long.TryParse(principal.FindFirstValue(ClaimTypes.NameIdentifier), out var userId)) return Actor.Anonymous;

        using var scope = scopes.CreateScope();
        scope.ServiceProvider.GetRequiredService<ActorAccessor>().Current = Actor.System("actor-loader");
        await using var db = await scope.ServiceProvider.GetRequiredService<IDbContextFactory<FangkongDb>>().CreateDbContextAsync(ct);
        var user = await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == userId, ct);
        if (user is null || (user.LockoutEnd is { } end && end > DateTimeOffset.UtcNow)) return Actor.Anonymous;
        // The cookie carries the security stamp it was issued with; a password reset or an admin's "sign out everywhere" changes it.
        var stamp = principal.FindFirstValue("AspNet.Identity.SecurityStamp");
        if (stamp is not null && stamp != user.SecurityStamp) return Actor.Anonymous;
        var roles = await (from ur in db.UserRoles join r in db.Roles on ur.RoleId equals r.Id where ur.UserId == userId select r.Name!).ToListAsync(ct);
        return new Actor(user.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), ActorNames.Compose(user.DisplayName, user.UserName!),
            JurisdictionScope.Of(user.CountyCode, user.ScopeKey), Permissions.For(roles), user.NodeId, clientAddress);
    }

    private static Actor FromApiKey(ClaimsPrincipal principal, string keyId, string? clientAddress)
    {
        var county = principal.FindFirstValue("fangkong:county") ?? "";
        var scopeKey = principal.FindFirstValue("fangkong:scope") ?? "";
        var permissions = principal.FindAll("fangkong:permission").Select(c => c.Value).ToHashSet();
        var nodeId = long.TryParse(principal.FindFirstValue("fangkong:node"), out var n) ? n : (long?)null;
        return new Actor("api-key:" + keyId, principal.Identity!.Name ?? "api-key", JurisdictionScope.Of(county, scopeKey), permissions, nodeId, clientAddress);
    }
}

/// <summary>Sets the request's actor after authentication, before any endpoint or page runs.</summary>
public sealed class ActorMiddleware(RequestDelegate next)
{
    public async Task InvokeAsync(HttpContext context, ActorAccessor accessor, ActorLoader loader)
    {
        accessor.Current = await loader.LoadAsync(context.User, context.Connection.RemoteIpAddress?.ToString(), context.RequestAborted);
        if (context.User.Identity?.IsAuthenticated == true && !accessor.Current.IsAuthenticated)
            context.User = new ClaimsPrincipal(new ClaimsIdentity()); // locked or removed since the cookie was issued
        await next(context);
    }
}
