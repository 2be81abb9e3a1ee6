using Microsoft.EntityFrameworkCore;

namespace Fangkong.Data.Infrastructure;

/// <summary>
/// Database leases for background work shared by several web nodes: a node runs a job only while it holds the
/// job's unexpired lease. One conditional UPDATE takes a free or expired lease (atomic on every engine); the
/// first use inserts the row, and a concurrent second insert loses on the primary key.
/// </summary>
public static class JobLeases
{
    public static async Task<bool> TryAcquireAsync(FangkongDb db, string name, string holder, DateTime now, TimeSpan ttl, CancellationToken ct = default)
    {
        var expires = now + ttl;
        var taken = await db.JobLeases.Where(l => l.Name == name && (l.Holder == null || l.ExpiresAt < now || l.Holder == holder))
            .ExecuteUpdateAsync(s => s.SetProperty(l => l.Holder, holder).SetProperty(l => l.ExpiresAt, expires), ct);
        if (taken == 1) return true;
        if (await db.JobLeases.AnyAsync(l => l.Name == name, ct)) return false;
        try
        {
            db.JobLeases.Add(new JobLease { Name = name, Holder = holder, ExpiresAt = expires });
            await db.SaveChangesAsync(ct);
            return true;
        }
        catch (DbUpdateException)
        {
            db.ChangeTracker.Clear();
            return false;
        }
    }

    /// <summary>Gives the lease back and notes when the work finished.</summary>
    public static Task ReleaseAsync(FangkongDb db, string name, string holder, DateTime now, CancellationToken ct = default) =>
        db.JobLeases.Where(l => l.Name == name && l.Holder == holder)
            .ExecuteUpdateAsync(s => s.SetProperty(l => l.Holder, (string?)null).SetProperty(l => l.LastRunAt, now), ct);

    /// <summary>What the job last worked from (see <see cref="JobLease.State"/>), null before its first run.</summary>
    public static Task<string?> StateAsync(FangkongDb db, string name, CancellationToken ct = default) =>
        db.JobLeases.Where(l => l.Name == name).Select(l => l.State).FirstOrDefaultAsync(ct);

    /// <summary>Notes what the job worked from; only the lease's holder writes it.</summary>
    public static Task SetStateAsync(FangkongDb db, string name, string holder, string state, CancellationToken ct = default) =>
        db.JobLeases.Where(l => l.Name == name && l.Holder == holder).ExecuteUpdateAsync(s => s.SetProperty(l => l.State, state), ct);
}
