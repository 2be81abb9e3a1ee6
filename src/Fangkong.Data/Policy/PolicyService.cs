using System.Collections.Concurrent;
using Fangkong.Core;
using Fangkong.Core.Accounts;
using Fangkong.Core.Jurisdictions;
using Fangkong.Core.People;
using Fangkong.Core.Policy;
using Fangkong.Data.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Fangkong.Data.Policy;

/// <param name="NameEn">The pack's English name, where it ships one (the UI in English shows it).</param>
public sealed record RulePackSummary(string PackId, string Name, int Version, DateOnly? EffectiveFrom, DateOnly? EffectiveTo, bool Local, int Reasons, string CreatedBy, DateTime CreatedAt, string? Reason,
    string? NameEn = null);
/// <param name="ShippedDiffers">The county edited this pack and the file shipped with this build says something else (a
/// corrected rule it has not taken): the page says so; taking it is saving the shipped text as the next version.</param>
public sealed record RulePackDetail(RulePackSummary Summary, string Json, IReadOnlyList<RulePackSummary> History, bool ShippedDiffers = false);

/// <summary>
/// The rules in force for a county: the national packs and the county's local layer as saved versions in the
/// database (seeded from the shipped files), edited by the command centre with history. Evaluation reads the
/// newest version of each; the in-memory copy is only a cache checked against the newest version id at every use.
/// </summary>
public sealed class PolicyService(IDbContextFactory<FangkongDb> factory, IActorAccessor actor, PolicyCache cache, IOptions<FangkongOptions> options)
{
    private Actor Actor => actor.Current;
    private string County => Actor.Scope.All ? options.Value.County : Actor.Scope.CountyCode;

    /// <summary>The rules in force for the actor's county (or the configured county for the system).</summary>
    public async Task<RulePackSet> RulesAsync(CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        return await RulesAsync(db, County, cache, ct);
    }

    internal static async Task<RulePackSet> RulesAsync(FangkongDb db, string county, PolicyCache cache, CancellationToken ct)
    {
        var stamp = await db.RulePackVersions.Where(v => v.CountyCode == county).MaxAsync(v => (long?)v.Id, ct) ?? 0;
        if (cache.Rules.TryGetValue(county, out var cached) && cached.Stamp == stamp) return cached.Set;
        RulePackSet set;
        if (stamp == 0)
        {
            set = RulePackSet.Shipped(county);
        }
        else
        {
            var newest = Newest(await db.RulePackVersions.AsNoTracking().Where(v => v.CountyCode == county).ToListAsync(ct));
            var packs = newest.Where(v => v.PackId != RulePackVersion.LocalLayerId).Select(v => RulePackJson.ReadPack(v.Json) with { Version = v.Version });
            var local = newest.FirstOrDefault(v => v.PackId == RulePackVersion.LocalLayerId) is { } l ? RulePackJson.ReadLocal(l.Json) with { Version = l.Version } : LocalLayer.Empty(county);
            set = new RulePackSet(packs, local);
        }
        cache.Rules[county] = (stamp, set);
        return set;
    }

    public async Task<IReadOnlyList<RulePackSummary>> ListAsync(CancellationToken ct = default)
    {
        Actor.Require(Permissions.PolicyRead);
        await using var db = await factory.CreateDbContextAsync(ct);
        var newest = Newest(await db.RulePackVersions.AsNoTracking().ToListAsync(ct));
        return newest.Select(Summary).OrderBy(s => s.Local).ThenBy(s => s.EffectiveFrom).ToList();
    }

    public async Task<RulePackDetail?> GetAsync(string packId, CancellationToken ct = default)
    {
        Actor.Require(Permissions.PolicyRead);
        await using var db = await factory.CreateDbContextAsync(ct);
        var versions = await db.RulePackVersions.AsNoTracking().Where(v => v.PackId == packId).OrderByDescending(v => v.Version).ToListAsync(ct);
        if (versions.Count == 0) return null;
        return new RulePackDetail(Summary(versions[0]), versions[0].Json, versions.Select(Summary).ToList(),
            versions[0].CreatedBy != ShippedBy && ShippedDiffers(packId, versions[0].Json, County));
    }

    /// <summary>
    /// Saves a new version of a pack (or of the local layer, id "local"). The JSON is validated as a pack, and the
    /// whole set must still make sense (no two packs in force on one day) before anything is written.
    /// </summary>
    public async Task<RulePackSummary> SaveAsync(string packId, string json, string? reason, CancellationToken ct = default)
    {
        Actor.Require(Permissions.PolicyManage);
        var why = Text.Tidy(reason);
        if (why is null) throw new ValidationFailedException([new FieldError("reason", "reason.required")]);
        await using var db = await factory.CreateDbContextAsync(ct);
        var county = County;
        var current = await RulesAsync(db, county, cache, ct);
        string name;
        DateOnly? from;
        try
        {
            if (packId == RulePackVersion.LocalLayerId)
            {
                var local = RulePackJson.ReadLocal(json);
                if (local.County != county) throw new RulePackException($"county must be {county}");
                _ = new RulePackSet(current.Packs, local);
                (name, from) = (local.Name, null);
            }
            else
            {
                var pack = RulePackJson.ReadPack(json);
                if (pack.Id != packId) throw new RulePackException($"id must be {packId}");
                _ = new RulePackSet(current.Packs.Where(p => p.Id != packId).Append(pack), current.Local);
                (name, from) = (pack.Name, pack.EffectiveFrom);
            }
        }
        catch (RulePackException e)
        {
            throw new ValidationFailedException([new FieldError("json", "rule-pack.invalid: " + e.Message)]);
        }
        var version = (await db.RulePackVersions.Where(v => v.PackId == packId).MaxAsync(v => (int?)v.Version, ct) ?? 0) + 1;
        var row = new RulePackVersion
        {
            CountyCode = county, PackId = packId, Version = version, Name = name, EffectiveFrom = from, Json = json,
            CreatedBy = Actor.Name, CreatedAt = DateTime.UtcNow, Reason = why,
        };
        db.RulePackVersions.Add(row);
        db.Audit.Reason = why;
        db.Audit.Rule = $"{packId} v{version}";
        await db.SaveChangesAsync(ct);
        return Summary(row);
    }

    /// <summary>The author of the versions Fangkong itself writes from its shipped files.</summary>
    public const string ShippedBy = "system";
    /// <summary>The reason stored on a pack's first version, written from its shipped file (neutral data: the page says it in words).</summary>
    public const string ShippedReason = "shipped with Fangkong";
    /// <summary>The reason stored on a version Fangkong wrote because the shipped file changed.</summary>
    public const string ShippedUpdateReason = "updated with Fangkong: the shipped file changed";

    /// <summary>
    /// Brings the county's packs in line with the files shipped with this build (first start, new county, upgrade):
    /// a pack the county does not have yet is written as version 1; a pack whose newest version is still one Fangkong
    /// wrote and whose shipped file has changed since (a corrected rule) gets the shipped text as its next version, with
    /// history; a pack the command centre has edited is the county's and is left as it is (its page says the shipped
    /// file differs). An update that would no longer fit the county's edited packs (two packs in force on one day) is
    /// not written. Returns the packs written.
    /// </summary>
    public static async Task<IReadOnlyList<string>> SyncShippedAsync(FangkongDb db, string county, CancellationToken ct = default)
    {
        var newest = Newest(await db.RulePackVersions.Where(v => v.CountyCode == county).ToListAsync(ct)).ToDictionary(v => v.PackId);
        var shipped = RulePackJson.ShippedPacks().ToList();
        if (RulePackJson.ShippedLocal(county) is { } localJson) shipped.Add((RulePackVersion.LocalLayerId, localJson));
        var now = DateTime.UtcNow;
        var written = new List<string>();
        foreach (var (id, json) in shipped)
        {
            var current = newest.GetValueOrDefault(id);
            if (current is not null && (current.CreatedBy != ShippedBy || SameJson(current.Json, json))) continue;
            var (name, from) = id == RulePackVersion.LocalLayerId
                ? (RulePackJson.ReadLocal(json).Name, (DateOnly?)null)
                : RulePackJson.ReadPack(json) is var pack ? (pack.Name, pack.EffectiveFrom) : default;
            var row = new RulePackVersion
            {
                CountyCode = county, PackId = id, Version = (current?.Version ?? 0) + 1, Name = name, EffectiveFrom = from, Json = json,
                CreatedBy = ShippedBy, CreatedAt = now, Reason = current is null ? ShippedReason : ShippedUpdateReason,
            };
            var candidate = newest.Values.Where(v => v.PackId != id).Append(row).ToList();
            if (!Fits(candidate)) continue;
            newest[id] = row;
            db.RulePackVersions.Add(row);
            written.Add(id);
        }
        if (written.Count == 0) return written;
        db.Audit.Reason = "shipped rule packs";
        db.Audit.Rule = "reference-data";
        await db.SaveChangesAsync(ct);
        return written;
    }

    /// <summary>Whether the shipped file of a pack differs from its newest version (a county that edited it decides whether to take it).</summary>
    public static bool ShippedDiffers(string packId, string json, string county)
    {
        var shipped = packId == RulePackVersion.LocalLayerId
            ? RulePackJson.ShippedLocal(county)
            : RulePackJson.ShippedPacks().FirstOrDefault(p => p.Id == packId).Json;
        return shipped is not null && !SameJson(shipped, json);
    }

    private static bool SameJson(string a, string b) =>
        System.Text.Json.Nodes.JsonNode.DeepEquals(System.Text.Json.Nodes.JsonNode.Parse(a), System.Text.Json.Nodes.JsonNode.Parse(b));

    private static bool Fits(List<RulePackVersion> versions)
    {
        try
        {
            var local = versions.FirstOrDefault(v => v.PackId == RulePackVersion.LocalLayerId);
            _ = new RulePackSet(versions.Where(v => v.PackId != RulePackVersion.LocalLayerId).Select(v => RulePackJson.ReadPack(v.Json)),
                local is null ? LocalLayer.Empty(versions[0].CountyCode) : RulePackJson.ReadLocal(local.Json));
            return true;
        }
        catch (RulePackException) { return false; }
    }

    // A handful of packs with a few versions each: picking the newest in memory is simpler than a window query.
    private static List<RulePackVersion> Newest(List<RulePackVersion> all) =>
        all.GroupBy(v => v.PackId).Select(g => g.MaxBy(v => v.Version)!).ToList();

    private static RulePackSummary Summary(RulePackVersion v)
    {
        if (v.PackId == RulePackVersion.LocalLayerId)
        {
            var local = RulePackJson.ReadLocal(v.Json);
            return new RulePackSummary(v.PackId, v.Name, v.Version, local.Rules.Select(r => (DateOnly?)r.EffectiveFrom).Min(),
                local.Rules.Any(r => r.EffectiveTo is null) ? null : local.Rules.Max(r => r.EffectiveTo), true, local.Rules.Count, v.CreatedBy, v.CreatedAt, v.Reason, local.NameEn);
        }
        var pack = RulePackJson.ReadPack(v.Json);
        return new RulePackSummary(v.PackId, v.Name, v.Version, pack.EffectiveFrom, pack.EffectiveTo, false, pack.Reasons.Count, v.CreatedBy, v.CreatedAt, v.Reason, pack.NameEn);
    }
}

/// <summary>
/// Per-county caches of the parsed rule set and the risk-area index, each tagged with the database stamp it was
/// built from; a stale stamp rebuilds. Several nodes each keep their own copy; the database stays the truth.
/// </summary>
public sealed class PolicyCache
{
    internal ConcurrentDictionary<string, (long Stamp, RulePackSet Set)> Rules { get; } = new();
    internal ConcurrentDictionary<string, (string Stamp, RiskAreaIndex Index)> Areas { get; } = new();
}
