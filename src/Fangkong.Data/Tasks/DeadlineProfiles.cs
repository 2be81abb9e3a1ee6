using Fangkong.Core;
using Fangkong.Core.Accounts;
using Fangkong.Core.Audit;
using Fangkong.Core.People;
using Fangkong.Core.Tasks;
using Fangkong.Data.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Fangkong.Data.Tasks;

public sealed record DeadlineProfileItem(int Version, DeadlineProfile Profile, string? Reason, string CreatedBy, DateTime CreatedAt);

/// <summary>
/// The county's deadline profile, with history: the shipped default (version 0) until the command centre saves its
/// own; each save is a new version with a reason, and tasks keep the version they were dispatched under.
/// </summary>
public sealed class DeadlineProfiles(IDbContextFactory<FangkongDb> factory, IActorAccessor actor, TimeProvider time)
{
    public static async Task<(DeadlineProfile Profile, int Version)> CurrentAsync(FangkongDb db, string county, CancellationToken ct = default)
    {
        var latest = await db.DeadlineProfileVersions.AsNoTracking()
            .Where(v => v.CountyCode == county && v.ProfileId == DeadlineProfile.DefaultId)
            .OrderByDescending(v => v.Version).FirstOrDefaultAsync(ct);
        return latest is null ? (DeadlineProfile.Default, 0) : (DeadlineProfile.FromJson(latest.Json), latest.Version);
    }

    /// <summary>The profile a task was dispatched under (falls back to the current one if that version is gone).</summary>
    public static async Task<DeadlineProfile> VersionAsync(FangkongDb db, string county, int version, CancellationToken ct = default)
    {
        if (version == 0) return DeadlineProfile.Default;
        var row = await db.DeadlineProfileVersions.AsNoTracking()
            .FirstOrDefaultAsync(v => v.CountyCode == county && v.ProfileId == DeadlineProfile.DefaultId && v.Version == version, ct);
        return row is null ? (await CurrentAsync(db, county, ct)).Profile : DeadlineProfile.FromJson(row.Json);
    }

    public async Task<IReadOnlyList<DeadlineProfileItem>> HistoryAsync(CancellationToken ct = default)
    {
        actor.Current.Require(Permissions.VerificationRead);
        await using var db = await factory.CreateDbContextAsync(ct);
        var rows = await db.DeadlineProfileVersions.AsNoTracking().Where(v => v.ProfileId == DeadlineProfile.DefaultId)
            .OrderByDescending(v => v.Version).ToListAsync(ct);
        var list = rows.Select(v => new DeadlineProfileItem(v.Version, DeadlineProfile.FromJson(v.Json), v.Reason, v.CreatedBy, v.CreatedAt)).ToList();
        list.Add(new DeadlineProfileItem(0, DeadlineProfile.Default, "shipped default (seeds 003, 004)", "fangkong", DateTime.UnixEpoch));
        return list;
    }

    /// <summary>Saves a new version (minutes per stage) with the reason; validated, audited.</summary>
    public async Task<int> SaveAsync(IReadOnlyList<DeadlineStage> stages, string? name, string? reason, CancellationToken ct = default)
    {
        var a = actor.Current;
        a.Require(Permissions.VerificationManage);
        var why = Text.Tidy(reason);
        var profile = new DeadlineProfile(DeadlineProfile.DefaultId, Text.Tidy(name) ?? DeadlineProfile.Default.Name, stages.OrderBy(s => s.Stage).ToList());
        var errors = profile.Validate().ToList();
        if (why is null) errors.Add(new FieldError("reason", "required"));
        if (errors.Count > 0) throw new ValidationFailedException(errors);
        await using var db = await factory.CreateDbContextAsync(ct);
        var county = a.Scope.CountyCode;
        var (_, current) = await CurrentAsync(db, county, ct);
        var row = new DeadlineProfileVersion
        {
            CountyCode = county, ProfileId = profile.Id, Version = current + 1, Json = profile.ToJson(), Reason = why!.Length > 500 ? why[..500] : why,
            CreatedBy = a.Name, CreatedAt = time.GetUtcNow().UtcDateTime,
        };
        db.DeadlineProfileVersions.Add(row);
        db.Audit.Reason = why;
        db.Audit.Rule = $"deadline#{profile.Id}-v{row.Version}";
        try { await db.SaveChangesAsync(ct); }
        catch (DbUpdateException) { throw new ConflictException("deadline-profile.version", "someone saved the profile at the same time; reload"); }
        return row.Version;
    }
}
