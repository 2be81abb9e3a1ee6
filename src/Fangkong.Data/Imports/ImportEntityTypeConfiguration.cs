using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Fangkong.Data.Imports;

internal sealed class ImportJobEntityTypeConfiguration : IEntityTypeConfiguration<ImportJob>
{
    public void Configure(EntityTypeBuilder<ImportJob> b)
    {
        b.ToTable("ImportJobs");
        b.Property(j => j.CountyCode).HasMaxLength(6).IsRequired();
        b.Property(j => j.ScopeKey).HasMaxLength(32).IsRequired();
        b.Property(j => j.Kind).HasMaxLength(20).IsRequired();
        b.Property(j => j.FileName).HasMaxLength(260).IsRequired();
        b.Property(j => j.FileSha256).HasMaxLength(64);
        b.Property(j => j.Format).HasMaxLength(20);
        b.Property(j => j.ActorId).HasMaxLength(40);
        b.Property(j => j.ActorName).HasMaxLength(100).IsRequired();
        b.Property(j => j.Error).HasMaxLength(2000);
        b.HasIndex(j => new { j.CountyCode, j.ScopeKey });
    }
}

internal sealed class ImportRowErrorEntityTypeConfiguration : IEntityTypeConfiguration<ImportRowError>
{
    public void Configure(EntityTypeBuilder<ImportRowError> b)
    {
        b.ToTable("ImportRowErrors");
        b.Property(e => e.CountyCode).HasMaxLength(6).IsRequired();
        b.Property(e => e.ScopeKey).HasMaxLength(32).IsRequired();
        b.Property(e => e.Sheet).HasMaxLength(100);
        b.Property(e => e.Field).HasMaxLength(40);
        b.Property(e => e.Code).HasMaxLength(60).IsRequired();
        b.Property(e => e.Message).HasMaxLength(500).IsRequired();
        b.Property(e => e.Value).HasMaxLength(200);
        b.Property(e => e.Note).HasMaxLength(ImportRowError.NoteMaxLength);
        b.HasIndex(e => new { e.ImportJobId, e.RowNumber });
        b.HasOne<ImportJob>().WithMany().HasForeignKey(e => e.ImportJobId).OnDelete(DeleteBehavior.Cascade);
    }
}
