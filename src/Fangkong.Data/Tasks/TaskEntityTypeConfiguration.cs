using Fangkong.Core.Tasks;
using Fangkong.Data.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Fangkong.Data.Tasks;

internal sealed class WorkTaskEntityTypeConfiguration : IEntityTypeConfiguration<WorkTask>
{
    public void Configure(EntityTypeBuilder<WorkTask> b)
    {
        b.ToTable("WorkTasks");
        b.ScopedColumns();
        b.Property(t => t.OriginalScopeKey).HasMaxLength(32).IsRequired();
        b.Property(t => t.Kind).HasMaxLength(40).IsRequired();
        b.Property(t => t.Title).HasMaxLength(300).IsRequired();
        b.Property(t => t.DedupKey).HasMaxLength(120).IsRequired();
        b.Property(t => t.ClosedBy).HasMaxLength(100);
        b.Property(t => t.Outcome).HasMaxLength(500);
        b.Property(t => t.Version).IsConcurrencyToken();
        // Two nodes raising the same alert at once create one task: the database refuses the second.
        b.HasIndex(t => new { t.CountyCode, t.DedupKey }).IsUnique();
        b.HasIndex(t => new { t.CountyCode, t.ScopeKey, t.Status });
        b.HasIndex(t => new { t.CountyCode, t.Status, t.DueAt });
    }
}
