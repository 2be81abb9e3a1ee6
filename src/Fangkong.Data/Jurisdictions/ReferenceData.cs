using Fangkong.Core.Jurisdictions;
using Fangkong.Core.People;
using Fangkong.Core.Policy;
using Microsoft.EntityFrameworkCore;

namespace Fangkong.Data.Jurisdictions;

/// <summary>
/// Loads a county's official tree (county, townships, villages and communities, NBS 2023 codes) and its starting
/// lists of key-population categories and duty roles. Idempotent: rows that exist are left alone, missing ones are added.
/// </summary>
public static class ReferenceData
{
    public const string DivisionSource = "nbs-2023";

    public static async Task<int> EnsureCountyAsync(FangkongDb db, string countyCode, CancellationToken ct = default)
    {
        var divisions = CountyDivisions.Load(countyCode);
        var existing = await db.Nodes.Where(n => n.CountyCode == countyCode && n.Level <= JurisdictionLevel.Village)
            .ToDictionaryAsync(n => n.ScopeKey, ct);
        var added = 0;
        var now = DateTime.UtcNow;
        if (!existing.TryGetValue(countyCode, out var county))
        {
            county = new JurisdictionNode
            {
                CountyCode = countyCode, ScopeKey = countyCode, Code = countyCode, Level = JurisdictionLevel.County,
                Name = divisions.CountyName, ShortName = divisions.CountyShortName, Source = DivisionSource, CreatedAt = now,
            };
            db.Nodes.Add(county);
            await db.SaveChangesAsync(ct);
            existing[countyCode] = county;
            added++;
        }
        foreach (var township in divisions.Townships)
        {
            if (existing.ContainsKey(township.ScopeKey)) continue;
            var node = Node(township, countyCode, county.Id, now);
            db.Nodes.Add(node);
            existing[node.ScopeKey] = node;
            added++;
        }
        await db.SaveChangesAsync(ct);
        foreach (var village in divisions.Villages)
        {
            if (existing.ContainsKey(village.ScopeKey)) continue;
            var parent = existing[ScopeKey.FromDivisionCode(village.ParentCode12!, JurisdictionLevel.Township)];
            db.Nodes.Add(Node(village, countyCode, parent.Id, now));
            added++;
        }
        var categories = await db.Categories.Where(c => c.CountyCode == countyCode).Select(c => c.Code).ToListAsync(ct);
        var order = 0;
        foreach (var (code, zh, en) in DefaultCategories.All)
        {
            order += 10;
            if (categories.Contains(code)) continue;
            db.Categories.Add(new KeyPopulationCategory { CountyCode = countyCode, Code = code, NameZh = zh, NameEn = en, SortOrder = order });
        }
        var roles = await db.DutyRoles.Where(r => r.CountyCode == countyCode).Select(r => new { r.Kind, r.Code }).ToListAsync(ct);
        foreach (var (kind, code, zh, en) in DefaultDutyRoles.All)
        {
            // Each list counts its own places: 10, 20, 30…
            order = 10 * (DefaultDutyRoles.All.Where(r => r.Kind == kind).Select(r => r.Code).ToList().IndexOf(code) + 1);
            if (roles.Any(r => r.Kind == kind && r.Code == code)) continue;
            db.DutyRoles.Add(new DutyRole { CountyCode = countyCode, Kind = kind, Code = code, NameZh = zh, NameEn = en, SortOrder = order });
        }
        db.Audit.Reason = $"reference data of county {countyCode} ({DivisionSource})";
        db.Audit.Rule = "reference-data";
        await db.SaveChangesAsync(ct);
        await Policy.PolicyService.SyncShippedAsync(db, countyCode, ct);
        return added;
    }

    private static JurisdictionNode Node(Division d, string countyCode, long parentId, DateTime now) => new()
    {
        CountyCode = countyCode,
        ScopeKey = d.ScopeKey,
        Code = d.Code12,
        ParentId = parentId,
        Level = d.Level,
        Name = d.Name,
        ShortName = d.ShortName,
        IsCommunity = d.IsCommunity,
        Source = DivisionSource,
        CreatedAt = now,
    };
}
