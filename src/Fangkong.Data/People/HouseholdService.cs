using Fangkong.Core;
using Fangkong.Core.Accounts;
using Fangkong.Core.Jurisdictions;
using Fangkong.Data.Infrastructure;
using Fangkong.Data.Jurisdictions;
using Microsoft.EntityFrameworkCore;

namespace Fangkong.Data.People;

public sealed record HouseholdItem(long Id, string Name, string ScopeKey, string? Address, string? Place, string? HeadName, int Members);

/// <summary>Households are the leaves of the jurisdiction tree; this is the household ledger view of them.</summary>
public sealed class HouseholdService(IDbContextFactory<FangkongDb> factory, IActorAccessor actor, JurisdictionDirectory directory)
{
    public async Task<Page<HouseholdItem>> SearchAsync(long? nodeId, string? text, int page, int pageSize, CancellationToken ct = default)
    {
        actor.Current.Require(Permissions.PeopleRead);
        await using var db = await factory.CreateDbContextAsync(ct);
        var households = db.Nodes.AsNoTracking().Where(n => n.Level == JurisdictionLevel.Household);
        if (nodeId is { } id)
        {
            var node = await db.Nodes.AsNoTracking().FirstOrDefaultAsync(n => n.Id == id, ct) ?? throw new OutOfScopeException("node not visible");
            var lower = node.ScopeKey;
            var upper = ScopeKey.Successor(lower) ?? "~";
            households = households.Where(n => string.Compare(n.ScopeKey, lower) >= 0 && string.Compare(n.ScopeKey, upper) < 0);
        }
        var t = Text.Compact(text);
        if (t.Length > 0)
        {
            // A household is found by its name or number, or by the name of anyone living in it.
            households = households.Where(n => n.Name.Contains(t) || (n.Address != null && n.Address.Contains(t))
                || db.People.Any(p => p.NodeId == n.Id && p.Name.Contains(t)));
        }
        pageSize = Math.Clamp(pageSize, 1, 200);
        page = Math.Max(1, page);
        var total = await households.CountAsync(ct);
        var rows = await households.OrderBy(n => n.ScopeKey).Skip((page - 1) * pageSize).Take(pageSize)
            .Select(n => new
            {
                n.Id, n.Name, n.ScopeKey, n.Address,
                Head = db.People.Where(p => p.NodeId == n.Id).OrderBy(p => p.Relation == "户主" ? 0 : 1).ThenBy(p => p.Id).Select(p => p.Name).FirstOrDefault(),
                Members = db.People.Count(p => p.NodeId == n.Id),
            }).ToListAsync(ct);
        return new Page<HouseholdItem>(rows.Select(r => new HouseholdItem(r.Id, r.Name, r.ScopeKey, r.Address, directory.PlaceLabel(r.ScopeKey), r.Head, r.Members)).ToList(),
            total, page, pageSize);
    }
}
