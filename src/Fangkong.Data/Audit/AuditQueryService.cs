using Fangkong.Core.Accounts;
using Fangkong.Core.Audit;
using Fangkong.Data.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Fangkong.Data.Audit;

public sealed record AuditQuery(
    AuditKind? Kind = null,
    string? Action = null,
    string? EntityType = null,
    string? EntityId = null,
    string? Actor = null,
    DateTime? From = null,
    DateTime? To = null,
    int Page = 1,
    int PageSize = 50);

public sealed record AuditItem(long Id, long Sequence, DateTime At, AuditKind Kind, string Action, string? EntityType, string? EntityId,
    string ScopeKey, string? ActorId, string ActorName, string? Changes, string? Reason, string? Rule, string? ClientAddress, string Hash);

/// <summary>
/// The audit and access-log viewers. Entries are filtered to the actor's subtree by the subject's scope key, so a
/// township supervisor reads the trail of its own people only. The access log is the entries of kind Access.
/// </summary>
public sealed class AuditQueryService(IDbContextFactory<FangkongDb> factory, IActorAccessor actor)
{
    public Task<Page<AuditItem>> ListAsync(AuditQuery q, CancellationToken ct = default)
    {
        actor.Current.Require(q.Kind == AuditKind.Access ? Permissions.AccessLogRead : Permissions.AuditRead);
        // The access log (who saw whose identifiers) is for those who may read it, not for every auditor.
        if (q.Kind is null && !actor.Current.Can(Permissions.AccessLogRead)) q = q with { Kind = AuditKind.Change };
        return QueryAsync(q, ct);
    }

    /// <summary>
    /// County-wide reference data: the risk-area list, the rule packs, the site standards, the deadline profile and the duty roles are
    /// the same for every node of the county, so their history is read by anyone who may read them, whatever their
    /// node (a township sees who corrected a risk area). Their entries are scoped to the county itself.
    /// </summary>
    private static readonly HashSet<string> CountyWide = ["RiskArea", "RulePackVersion", "SiteStandard", "DeadlineProfileVersion", "DutyRole"];

    private async Task<Page<AuditItem>> QueryAsync(AuditQuery q, CancellationToken ct, bool countyWide = false)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var query = db.AuditEntries.AsNoTracking();
        if (countyWide)
        {
            // Only the jurisdiction filter is lifted, and only for the county's own entries of one reference type.
            var county = actor.Current.Scope.CountyCode;
            query = query.IgnoreQueryFilters([FangkongDb.JurisdictionFilter]).Where(e => e.CountyCode == county && e.ScopeKey == county);
        }
        if (q.Kind is { } kind) query = query.Where(e => e.Kind == kind);
        if (!string.IsNullOrWhiteSpace(q.Action)) query = query.Where(e => e.Action.StartsWith(q.Action.Trim()));
        if (!string.IsNullOrWhiteSpace(q.EntityType)) query = query.Where(e => e.EntityType == q.EntityType);
        if (!string.IsNullOrWhiteSpace(q.EntityId)) query = query.Where(e => e.EntityId == q.EntityId);
        if (!string.IsNullOrWhiteSpace(q.Actor)) query = query.Where(e => e.ActorName.Contains(q.Actor.Trim()));
        if (q.From is { } from) query = query.Where(e => e.At >= from);
        if (q.To is { } to) query = query.Where(e => e.At < to);
        var pageSize = Math.Clamp(q.PageSize, 1, 500);
        var page = Math.Max(1, q.Page);
        var total = await query.CountAsync(ct);
        var rows = await query.OrderByDescending(e => e.Id).Skip((page - 1) * pageSize).Take(pageSize).ToListAsync(ct);
        return new Page<AuditItem>(rows.Select(e => new AuditItem(e.Id, e.Sequence, e.At, e.Kind, e.Action, e.EntityType, e.EntityId, e.ScopeKey,
            e.ActorId, e.ActorName, e.Changes, e.Reason, e.Rule, e.ClientAddress, Convert.ToHexString(e.Hash)[..16])).ToList(), total, page, pageSize);
    }

    /// <summary>The change history of one record, for anyone who may read the record (the person page shows it).</summary>
    public Task<Page<AuditItem>> HistoryAsync(string entityType, string entityId, string readPermission, int page = 1, CancellationToken ct = default)
    {
        actor.Current.Require(readPermission);
        return QueryAsync(new AuditQuery(Kind: AuditKind.Change, EntityType: entityType, EntityId: entityId, Page: page, PageSize: 100), ct,
            CountyWide.Contains(entityType));
    }
}
