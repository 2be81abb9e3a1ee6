using Fangkong.Core;
using Fangkong.Core.Accounts;
using Fangkong.Core.Jurisdictions;
using Fangkong.Data.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Fangkong.Data.Jurisdictions;

/// <param name="People">People registered at the node or anywhere below it.</param>
/// <param name="PeopleHere">
/// People registered at the node itself, in none of its children (the county's own: pushed persons not yet placed in
/// a township, say). <see cref="People"/> is this plus the children's <see cref="People"/>, so a list of children
/// with a row for these adds up to the node's total.
/// </param>
public sealed record NodeSummary(long Id, long? ParentId, JurisdictionLevel Level, string Name, string Code, string ScopeKey,
    string? Address, bool IsCommunity, bool Official, int Children, int People, int PeopleHere = 0);

public sealed record NodeDetail(NodeSummary Node, IReadOnlyList<PlaceStep> Path);

/// <summary>Browsing the jurisdiction tree and managing the county's own levels (grids, buildings, units, households).</summary>
public sealed class JurisdictionService(IDbContextFactory<FangkongDb> factory, IActorAccessor actor, JurisdictionDirectory directory)
{
    private Actor Actor => actor.Current;

    /// <summary>The actor's own node: the root of everything it may see.</summary>
    public async Task<NodeSummary?> RootAsync(CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var prefix = Actor.Scope.All ? null : Actor.Scope.Prefix;
        var node = await db.Nodes.AsNoTracking()
            .Where(n => prefix == null ? n.Level == JurisdictionLevel.County : n.ScopeKey == prefix)
            .OrderBy(n => n.ScopeKey).FirstOrDefaultAsync(ct);
        return node is null ? null : (await DescribeAsync(db, [node], ct))[0];
    }

    public async Task<IReadOnlyList<NodeSummary>> ChildrenAsync(long parentId, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        if (!await db.Nodes.AnyAsync(n => n.Id == parentId, ct)) throw new OutOfScopeException("node not visible");
        var children = await db.Nodes.AsNoTracking().Where(n => n.ParentId == parentId).OrderBy(n => n.ScopeKey).ToListAsync(ct);
        return await DescribeAsync(db, children, ct);
    }

    public async Task<NodeDetail?> GetAsync(long id, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var node = await db.Nodes.AsNoTracking().FirstOrDefaultAsync(n => n.Id == id, ct);
        if (node is null) return null;
        var item = (await DescribeAsync(db, [node], ct))[0];
        return new NodeDetail(item, await directory.PathAsync(db, node.ScopeKey, ct));
    }

    /// <summary>Nodes whose name contains the text (for pickers), inside the actor's scope.</summary>
    public async Task<IReadOnlyList<NodeSummary>> SearchAsync(string text, JurisdictionLevel? level, int limit = 20, CancellationToken ct = default)
    {
        var t = Text.Compact(text);
        await using var db = await factory.CreateDbContextAsync(ct);
        var query = db.Nodes.AsNoTracking().Where(n => n.Name.Contains(t) || n.Code == t);
        if (level is { } l) query = query.Where(n => n.Level == l);
        var nodes = await query.OrderBy(n => n.ScopeKey).Take(Math.Clamp(limit, 1, 100)).ToListAsync(ct);
        return nodes.Select(n => Item(n, 0, 0)).ToList();
    }

    /// <summary>Up to this many nodes of one level are counted one range each rather than in one grouped scan.</summary>
    private const int RangeCountLimit = 40;

    private static async Task<List<NodeSummary>> DescribeAsync(FangkongDb db, List<JurisdictionNode> nodes, CancellationToken ct)
    {
        var ids = nodes.Select(n => n.Id).ToList();
        var childCounts = await db.Nodes.Where(n => n.ParentId != null && ids.Contains(n.ParentId.Value))
            .GroupBy(n => n.ParentId!.Value).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(x => x.Key, x => x.Count, ct);
        // People per node. A few nodes (the county, its townships, a village's grids): one range count each — a walk
        // along the scope index, 30 ms for 600,000 people on SQLite. Many siblings (a building's households): one grouped
        // scan per key length, which pays for computing and sorting each key's prefix (150–370 ms over a whole county)
        // but only runs over a small subtree.
        var people = new Dictionary<long, int>();
        var here = new Dictionary<long, int>();
        foreach (var group in nodes.GroupBy(n => n.ScopeKey.Length))
        {
            if (group.Count() <= RangeCountLimit)
            {
                foreach (var n in group)
                {
                    var (from, to) = (n.ScopeKey, ScopeKey.Successor(n.ScopeKey) ?? "~");
                    people[n.Id] = await db.People.CountAsync(p => string.Compare(p.ScopeKey, from) >= 0 && string.Compare(p.ScopeKey, to) < 0, ct);
                    here[n.Id] = people[n.Id] == 0 ? 0 : await db.People.CountAsync(p => p.ScopeKey == from, ct);
                }
                continue;
            }
            var length = group.Key;
            var keys = group.Select(n => n.ScopeKey).Order(StringComparer.Ordinal).ToList();
            var lower = keys[0];
            var upper = ScopeKey.Successor(keys[^1]) ?? "~";
            // One pass: each node's people split into those registered at the node itself and those below it.
            var counts = await db.People.Where(p => string.Compare(p.ScopeKey, lower) >= 0 && string.Compare(p.ScopeKey, upper) < 0)
                .GroupBy(p => new { Key = p.ScopeKey.Substring(0, length), Here = p.ScopeKey.Length == length })
                .Select(g => new { g.Key.Key, g.Key.Here, Count = g.Count() })
                .ToListAsync(ct);
            var below = counts.GroupBy(c => c.Key).ToDictionary(g => g.Key, g => g.Sum(c => c.Count));
            var own = counts.Where(c => c.Here).ToDictionary(c => c.Key, c => c.Count);
            foreach (var n in group)
            {
                people[n.Id] = below.GetValueOrDefault(n.ScopeKey);
                here[n.Id] = own.GetValueOrDefault(n.ScopeKey);
            }
        }
        return nodes.Select(n => Item(n, childCounts.GetValueOrDefault(n.Id), people[n.Id], here[n.Id])).ToList();
    }

    private static NodeSummary Item(JurisdictionNode n, int children, int people, int peopleHere = 0) =>
        new(n.Id, n.ParentId, n.Level, n.Name, n.Code, n.ScopeKey, n.Address, n.IsCommunity, JurisdictionNode.IsOfficial(n.Level), children, people, peopleHere);

    /// <summary>Creates a grid, building, unit or household under a visible node. The number is the next free one unless given.</summary>
    public async Task<long> CreateChildAsync(long parentId, JurisdictionLevel level, string? name, int? number, string? address, CancellationToken ct = default)
    {
        Actor.Require(Permissions.JurisdictionsManage);
        await using var db = await factory.CreateDbContextAsync(ct);
        var parent = await db.Nodes.AsNoTracking().FirstOrDefaultAsync(n => n.Id == parentId, ct)
            ?? throw new OutOfScopeException("node not visible");
        var errors = new List<Core.People.FieldError>();
        if (!CanHold(parent.Level, level)) errors.Add(new("level", "node.level-not-allowed"));
        var tidy = Text.Tidy(name);
        if (tidy is null) errors.Add(new("name", "name.required"));
        else if (tidy.Length > 100) errors.Add(new("name", "name.too-long"));
        ValidationFailedException.ThrowIfAny(errors);

        var node = await NewChildAsync(db, parent, level, tidy!, number, Text.Tidy(address), "ui", ct);
        db.Audit.Reason = "created in the jurisdiction tree";
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (Infrastructure.DbErrors.IsUniqueViolation(e))
        {
            throw new ValidationFailedException([new("number", "node.number-taken")]);
        }
        return node.Id;
    }

    /// <summary>Adds (not saves) a new child node with the next free number, or the given one.</summary>
    internal static async Task<JurisdictionNode> NewChildAsync(FangkongDb db, JurisdictionNode parent, JurisdictionLevel level, string name, int? number, string? address, string source, CancellationToken ct)
    {
        var width = ScopeKey.SegmentWidth(level);
        var keyLength = ScopeKey.LengthOf(level);
        var max = (int)Math.Pow(10, width) - 1;
        if (number is null)
        {
            var siblings = await db.Nodes.Where(n => n.ParentId == parent.Id && n.Level == level).Select(n => n.ScopeKey).ToListAsync(ct);
            var used = siblings.Select(k => int.Parse(k.AsSpan(keyLength - width, width), System.Globalization.CultureInfo.InvariantCulture)).ToHashSet();
            number = Enumerable.Range(1, max).FirstOrDefault(i => !used.Contains(i));
            if (number == 0) throw new ValidationFailedException([new("number", "node.full")]);
        }
        else if (number < 1 || number > max)
        {
            throw new ValidationFailedException([new("number", "node.number-range")]);
        }
        var node = new JurisdictionNode
        {
            CountyCode = parent.CountyCode,
            ParentId = parent.Id,
            Level = level,
            ScopeKey = ScopeKey.Child(parent.ScopeKey, level, number.Value),
            Name = name,
            ShortName = name,
            Address = address,
            Source = source,
            CreatedAt = DateTime.UtcNow,
        };
        node.Code = node.ScopeKey;
        db.Nodes.Add(node);
        return node;
    }

    public static bool CanHold(JurisdictionLevel parent, JurisdictionLevel child) => (parent, child) switch
    {
        (JurisdictionLevel.Village, JurisdictionLevel.Grid or JurisdictionLevel.Building or JurisdictionLevel.Household) => true,
        (JurisdictionLevel.Grid, JurisdictionLevel.Building or JurisdictionLevel.Household) => true,
        (JurisdictionLevel.Building, JurisdictionLevel.Unit or JurisdictionLevel.Household) => true,
        (JurisdictionLevel.Unit, JurisdictionLevel.Household) => true,
        _ => false,
    };

    public async Task<bool> RenameAsync(long id, string? name, string? address, CancellationToken ct = default)
    {
        Actor.Require(Permissions.JurisdictionsManage);
        await using var db = await factory.CreateDbContextAsync(ct);
        var node = await db.Nodes.FirstOrDefaultAsync(n => n.Id == id, ct);
        if (node is null) return false;
        if (JurisdictionNode.IsOfficial(node.Level)) throw new ValidationFailedException([new("name", "node.official")]);
        var tidy = Text.Tidy(name);
        if (tidy is null) throw new ValidationFailedException([new("name", "name.required")]);
        if (tidy.Length > 100) throw new ValidationFailedException([new("name", "name.too-long")]);
        node.Name = tidy;
        node.ShortName = tidy;
        node.Address = Text.Tidy(address);
        db.Audit.Reason = "renamed";
        await db.SaveChangesAsync(ct);
        return true;
    }

    /// <summary>Deletes an empty node (no children, nobody living there); official divisions cannot be deleted.</summary>
    public async Task<bool> DeleteAsync(long id, CancellationToken ct = default)
    {
        Actor.Require(Permissions.JurisdictionsManage);
        await using var db = await factory.CreateDbContextAsync(ct);
        var node = await db.Nodes.FirstOrDefaultAsync(n => n.Id == id, ct);
        if (node is null) return false;
        if (JurisdictionNode.IsOfficial(node.Level)) throw new ValidationFailedException([new("id", "node.official")]);
        if (await db.Nodes.AnyAsync(n => n.ParentId == id, ct) || await db.People.AnyAsync(p => p.NodeId == id, ct))
            throw new ConflictException("node.not-empty", "the node still has children or people");
        db.Nodes.Remove(node);
        db.Audit.Reason = "deleted from the jurisdiction tree";
        await db.SaveChangesAsync(ct);
        return true;
    }
}
