using System.Collections.Concurrent;
using Fangkong.Core.Accounts;
using Fangkong.Core.Jurisdictions;
using Fangkong.Data.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Fangkong.Data.Jurisdictions;

/// <summary>One step of a node's path from the county down.</summary>
public sealed record PlaceStep(long Id, JurisdictionLevel Level, string Name, string ScopeKey);

/// <summary>
/// Names of the official levels (county, townships, villages) for labels and breadcrumbs. These names are public
/// reference data, so they are shown even above the actor's own node; they are read from the database with the
/// system scope and cached briefly (every web node reads the same rows, so no node holds state of its own).
/// </summary>
public sealed class JurisdictionDirectory(IServiceScopeFactory scopes, TimeProvider time)
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(1);
    private readonly ConcurrentDictionary<string, PlaceStep> _official = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<long, PlaceStep> _officialById = new();
    private DateTimeOffset _loadedAt = DateTimeOffset.MinValue;
    private readonly SemaphoreSlim _gate = new(1, 1);

    /// <summary>"荆紫关镇 白亭村" for any key inside a village; the township alone above it.</summary>
    public string? PlaceLabel(string scopeKey)
    {
        EnsureLoaded();
        var township = scopeKey.Length >= ScopeKey.TownshipLength && _official.TryGetValue(scopeKey[..ScopeKey.TownshipLength], out var t) ? t.Name : null;
        var village = scopeKey.Length >= ScopeKey.VillageLength && _official.TryGetValue(scopeKey[..ScopeKey.VillageLength], out var v) ? v.Name : null;
        return (township, village) switch
        {
            (null, null) => null,
            (_, null) => township,
            (null, _) => village,
            _ => $"{township} {village}",
        };
    }

    /// <summary>Every official node (county, townships, villages) in key order: the public pickers list them.</summary>
    public IReadOnlyList<PlaceStep> Officials()
    {
        EnsureLoaded();
        return _official.Values.OrderBy(s => s.ScopeKey, StringComparer.Ordinal).ToList();
    }

    public PlaceStep? Official(string scopeKey)
    {
        EnsureLoaded();
        return _official.GetValueOrDefault(scopeKey);
    }

    /// <summary>An official node (county, township, village) by its id: where a site stands.</summary>
    public PlaceStep? Official(long id)
    {
        EnsureLoaded();
        return _officialById.GetValueOrDefault(id);
    }

    /// <summary>The path from the county to the node with this key: official steps from the directory, the rest from <paramref name="db"/> (scoped).</summary>
    public async Task<IReadOnlyList<PlaceStep>> PathAsync(FangkongDb db, string scopeKey, CancellationToken ct = default)
    {
        EnsureLoaded();
        var steps = new List<PlaceStep>();
        foreach (var length in new[] { ScopeKey.CountyLength, ScopeKey.TownshipLength, ScopeKey.VillageLength })
            if (scopeKey.Length >= length && _official.TryGetValue(scopeKey[..length], out var step)) steps.Add(step);
        if (scopeKey.Length > ScopeKey.VillageLength)
        {
            var prefixes = new[] { ScopeKey.GridLength, ScopeKey.BuildingLength, ScopeKey.UnitLength, ScopeKey.HouseholdLength }
                .Where(l => l <= scopeKey.Length).Select(l => scopeKey[..l]).ToList();
            var lower = await db.Nodes.AsNoTracking().Where(n => prefixes.Contains(n.ScopeKey)).OrderBy(n => n.ScopeKey)
                .Select(n => new PlaceStep(n.Id, n.Level, n.Name, n.ScopeKey)).ToListAsync(ct);
            steps.AddRange(lower);
        }
        return steps;
    }

    /// <summary>Forgets the cache (after the official tree was loaded or renamed).</summary>
    public void Invalidate() => _loadedAt = DateTimeOffset.MinValue;

    private void EnsureLoaded()
    {
        if (time.GetUtcNow() - _loadedAt < Lifetime) return;
        _gate.Wait();
        try
        {
            if (time.GetUtcNow() - _loadedAt < Lifetime) return;
            using var scope = scopes.CreateScope();
            scope.ServiceProvider.GetRequiredService<ActorAccessor>().Current = Actor.System("directory");
            using var db = scope.ServiceProvider.GetRequiredService<IDbContextFactory<FangkongDb>>().CreateDbContext();
            var rows = db.Nodes.AsNoTracking().Where(n => n.Level <= JurisdictionLevel.Village)
                .Select(n => new PlaceStep(n.Id, n.Level, n.Name, n.ScopeKey)).ToList();
            _official.Clear();
            _officialById.Clear();
            foreach (var row in rows) { _official[row.ScopeKey] = row; _officialById[row.Id] = row; }
            _loadedAt = time.GetUtcNow();
        }
        finally { _gate.Release(); }
    }
}
