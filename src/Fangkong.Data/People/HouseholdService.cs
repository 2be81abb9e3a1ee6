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
    /// <summary>A name matching more households than this is too common to list them all; refine the search.</summary>
    public const int MaxMemberMatches = 5000;

    /// <summary>The household ledger as a sheet: one row per household with its head and size (masked nothing: no identifiers).</summary>
    public async Task<int> ExportAsync(Stream output, long? nodeId, ExportFormat format, CancellationToken ct = default)
    {
        actor.Current.Require(Permissions.PeopleExport);
        await using var db = await factory.CreateDbContextAsync(ct);
        var households = await FilterAsync(db, nodeId, null, ct);
        var counts = await db.People.AsNoTracking().Where(p => p.NodeId != null).GroupBy(p => p.NodeId!.Value)
            .Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(x => x.Key, x => x.Count, ct);
        var heads = await db.People.AsNoTracking().Where(p => p.Relation == "户主" && p.NodeId != null)
            .Select(p => new { p.NodeId, p.Name }).ToListAsync(ct);
        var headByNode = heads.GroupBy(h => h.NodeId!.Value).ToDictionary(g => g.Key, g => g.First().Name);
        using var sheet = PeopleExporter.OpenWriter(output, format);
        sheet.Header(["户号", "乡镇", "村(社区)", "地址", "户主", "人数"]);
        var count = 0;
        await foreach (var n in households.OrderBy(h => h.ScopeKey).AsAsyncEnumerable().WithCancellation(ct))
        {
            var place = directory.PlaceLabel(n.ScopeKey)?.Split(' ');
            sheet.Row(n.Name, place?.ElementAtOrDefault(0), place?.ElementAtOrDefault(1), n.Address, headByNode.GetValueOrDefault(n.Id), counts.GetValueOrDefault(n.Id));
            count++;
        }
        return count;
    }

    private static async Task<IQueryable<JurisdictionNode>> FilterAsync(FangkongDb db, long? nodeId, string? text, CancellationToken ct)
    {
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
            // A household is found by its name or number, or by the name of anyone living in it. The members are
            // found first, in one scan; a correlated look-up per household would scan the people once per household.
            var withMember = await db.People.AsNoTracking().Where(p => p.NodeId != null && p.Name.Contains(t))
                .Select(p => p.NodeId!.Value).Distinct().Take(MaxMemberMatches).ToListAsync(ct);
            households = households.Where(n => n.Name.Contains(t) || (n.Address != null && n.Address.Contains(t)) || withMember.Contains(n.Id));
        }
        return households;
    }

    public async Task<Page<HouseholdItem>> SearchAsync(long? nodeId, string? text, int page, int pageSize, CancellationToken ct = default)
    {
        actor.Current.Require(Permissions.PeopleRead);
        await using var db = await factory.CreateDbContextAsync(ct);
        var households = await FilterAsync(db, nodeId, text, ct);
        pageSize = Math.Clamp(pageSize, 1, 200);
        page = Math.Max(1, page);
        var total = await households.CountAsync(ct);
        var rows = await households.OrderBy(n => n.ScopeKey).Skip((page - 1) * pageSize).Take(pageSize)
            .Select(n => new { n.Id, n.Name, n.ScopeKey, n.Address }).ToListAsync(ct);
        // Members of the page's households in one indexed query; heads and sizes are counted here, not per row in SQL.
        var ids = rows.Select(r => (long?)r.Id).ToList();
        var members = await db.People.AsNoTracking().Where(p => ids.Contains(p.NodeId))
            .Select(p => new { p.NodeId, p.Id, p.Name, p.Relation }).ToListAsync(ct);
        var byHousehold = members.ToLookup(m => m.NodeId!.Value);
        return new Page<HouseholdItem>(rows.Select(r =>
        {
            var people = byHousehold[r.Id].OrderBy(m => m.Relation == "户主" ? 0 : 1).ThenBy(m => m.Id).ToList();
            return new HouseholdItem(r.Id, r.Name, r.ScopeKey, r.Address, directory.PlaceLabel(r.ScopeKey), people.FirstOrDefault()?.Name, people.Count);
        }).ToList(), total, page, pageSize);
    }
}
