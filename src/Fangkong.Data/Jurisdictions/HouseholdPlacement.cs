using Fangkong.Core;
using Fangkong.Core.Jurisdictions;
using Fangkong.Core.People;
using Microsoft.EntityFrameworkCore;

namespace Fangkong.Data.Jurisdictions;

/// <summary>
/// One person's household found or created from the dwelling their address names under a village (the steps of
/// <see cref="Dwelling.Steps"/>): an existing node of the same level and name is used; a new one takes the number the
/// address gives when it is free, else the next free one. Each new node is saved at once (in the caller's transaction)
/// so the next level can hang under it. The registry import does the same for many rows at a time with its own caches.
/// </summary>
internal static class HouseholdPlacement
{
    public static async Task<JurisdictionNode> FindOrCreateAsync(FangkongDb db, JurisdictionNode village, Dwelling dwelling, string? address, string source, CancellationToken ct)
    {
        var parent = village;
        foreach (var step in dwelling.Steps())
        {
            var name = step.Name;
            var level = step.Level;
            var parentId = parent.Id;
            var existing = await db.Nodes.FirstOrDefaultAsync(n => n.ParentId == parentId && n.Level == level && n.Name == name, ct);
            if (existing is not null) { parent = existing; continue; }
            int? number = null;
            if (step.Number is { } n && n < Math.Pow(10, ScopeKey.SegmentWidth(level)))
            {
                var key = ScopeKey.Child(parent.ScopeKey, level, n);
                if (!await db.Nodes.IgnoreQueryFilters().AnyAsync(x => x.CountyCode == village.CountyCode && x.ScopeKey == key, ct)) number = n;
            }
            var node = await JurisdictionService.NewChildAsync(db, parent, level, name, number, level == JurisdictionLevel.Household ? Text.Tidy(address) : null, source, ct);
            await db.SaveChangesAsync(ct);
            parent = node;
        }
        return parent;
    }
}
