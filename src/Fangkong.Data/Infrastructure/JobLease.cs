using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Fangkong.Data.Infrastructure;

/// <summary>
/// A lease on a piece of background work ("deadlines:411326"): the node holding an unexpired lease runs it, the
/// others skip. Acquired with one conditional UPDATE, so it works the same on every engine and survives restarts.
/// </summary>
public sealed class JobLease
{
    public string Name { get; set; } = "";
    public string? Holder { get; set; }
    public DateTime ExpiresAt { get; set; }
    /// <summary>When the work last completed (the next run starts from here).</summary>
    public DateTime? LastRunAt { get; set; }
    /// <summary>
    /// What the job last worked from, for work that is done again only when its inputs change (the closed loop keeps
    /// the stamp of the risk-area list and rule packs it last checked arrivals against). Written by the lease holder.
    /// </summary>
    public string? State { get; set; }
}

internal sealed class JobLeaseEntityTypeConfiguration : IEntityTypeConfiguration<JobLease>
{
    public void Configure(EntityTypeBuilder<JobLease> b)
    {
        b.ToTable("JobLeases");
        b.HasKey(l => l.Name);
        b.Property(l => l.Name).HasMaxLength(100);
        b.Property(l => l.Holder).HasMaxLength(100);
        b.Property(l => l.State).HasMaxLength(200);
    }
}
