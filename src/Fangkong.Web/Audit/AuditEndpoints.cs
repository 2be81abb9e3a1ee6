using Fangkong.Core.Accounts;
using Fangkong.Core.Audit;
using Fangkong.Data;
using Fangkong.Data.Audit;
using Fangkong.Data.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Fangkong.Web.Audit;

public static class AuditModule
{
    public static IServiceCollection AddAudit(this IServiceCollection services)
    {
        services.AddScoped<AuditQueryService>();
        return services;
    }

    public static RouteGroupBuilder MapAuditEndpoints(this RouteGroupBuilder api)
    {
        var audit = api.MapGroup("/audit").WithTags("Audit");
        audit.MapGet("/", List).RequireAuthorization(Permissions.AuditRead).WithName("Audit_List")
            .WithSummary("The audit trail of the caller's subtree, newest first.");
        audit.MapGet("/access-log", AccessLog).RequireAuthorization(Permissions.AccessLogRead).WithName("Audit_AccessLog")
            .WithSummary("Who revealed whose identifiers, when and why.");
        audit.MapGet("/verify", Verify).RequireAuthorization(Permissions.AuditRead).WithName("Audit_Verify")
            .WithSummary("Recompute the county's hash chain (county-level accounts only).");
        return api;
    }

    public static async Task<Ok<Page<AuditItem>>> List(AuditQueryService service, AuditKind? kind, string? action, string? entityType,
        string? entityId, string? actor, DateTime? from, DateTime? to, int page = 1, int pageSize = 50) =>
        TypedResults.Ok(await service.ListAsync(new AuditQuery(kind, action, entityType, entityId, actor, from, to, page, pageSize)));

    public static async Task<Ok<Page<AuditItem>>> AccessLog(AuditQueryService service, string? entityId, string? actor, DateTime? from, DateTime? to,
        int page = 1, int pageSize = 50) =>
        TypedResults.Ok(await service.ListAsync(new AuditQuery(AuditKind.Access, null, null, entityId, actor, from, to, page, pageSize)));

    /// <summary>The chain spans the whole county, so only accounts bound to the county node may check it.</summary>
    public static async Task<Results<Ok<AuditVerification>, ForbidHttpResult>> Verify(ActorAccessor actor, IServiceScopeFactory scopes, CancellationToken ct)
    {
        var scope = actor.Current.Scope;
        if (!scope.All && scope.Prefix != scope.CountyCode) return TypedResults.Forbid();
        using var system = scopes.CreateScope();
        system.ServiceProvider.GetRequiredService<ActorAccessor>().Current = Actor.System("audit-verify:" + actor.Current.Name);
        await using var db = await system.ServiceProvider.GetRequiredService<IDbContextFactory<FangkongDb>>().CreateDbContextAsync(ct);
        var results = await AuditChain.VerifyAsync(db, scope.All ? null : scope.CountyCode, ct);
        var county = results.FirstOrDefault();
        return TypedResults.Ok(county ?? new AuditVerification(scope.CountyCode, 0, true, null, null));
    }
}
