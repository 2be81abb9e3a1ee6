using Fangkong.Core.People;
using Fangkong.Core.Tasks;
using Fangkong.Data.Imports;
using Fangkong.Data.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Fangkong.Data.Tasks;

internal sealed class VerificationTaskEntityTypeConfiguration : IEntityTypeConfiguration<VerificationTask>
{
    public void Configure(EntityTypeBuilder<VerificationTask> b)
    {
        b.ToTable("VerificationTasks");
        b.ScopedColumns();
        b.Property(t => t.Township).HasMaxLength(9).IsRequired();
        b.Property(t => t.Name).HasMaxLength(100).IsRequired();
        b.Property(t => t.IdNumber).HasAnnotation(FangkongDb.ProtectedAnnotation, true);
        b.Property(t => t.Phone).HasAnnotation(FangkongDb.ProtectedAnnotation, true);
        b.Property(t => t.Address).HasAnnotation(FangkongDb.ProtectedAnnotation, true);
        b.Property(t => t.Team).HasAnnotation(FangkongDb.ProtectedAnnotation, true);
        b.Property(t => t.IdMasked).HasMaxLength(40);
        b.Property(t => t.PhoneMasked).HasMaxLength(20);
        b.Property(t => t.Origin).HasMaxLength(200);
        b.Property(t => t.Reason).HasMaxLength(200);
        b.Property(t => t.DeadlineProfileId).HasMaxLength(40).IsRequired();
        b.Property(t => t.OutcomeNote).HasMaxLength(500);
        b.Property(t => t.Result).HasMaxLength(20);
        b.Property(t => t.Measure).HasMaxLength(60);
        b.Property(t => t.Orf1abCt).HasPrecision(4, 1);
        b.Property(t => t.NCt).HasPrecision(4, 1);
        b.Property(t => t.CloseNote).HasMaxLength(500);
        b.Property(t => t.ReturnReason).HasMaxLength(500);
        b.Property(t => t.Extra).HasMaxLength(4000);
        b.Property(t => t.Version).IsConcurrencyToken();
        // Queues (a township or village sees its open tasks by deadline), the sweep (open tasks by deadline), matching
        // (a person's open task).
        b.HasIndex(t => new { t.CountyCode, t.ScopeKey, t.Status, t.NextDueAt });
        b.HasIndex(t => new { t.CountyCode, t.Status, t.NextDueAt });
        // The board's live overdue count: tasks past due that no sweep has marked yet (the marked ones are in
        // VerificationCounts). Partial, so it holds only tasks with a deadline not yet recorded as missed, and covering
        // on both engines (the batch, township, scope and the stages the filter reads are key columns: SQLite has no INCLUDE).
        b.HasIndex(t => new { t.CountyCode, t.NextDueAt, t.BatchId, t.Township, t.ScopeKey, t.NextStage, t.MissedStage }, VerificationBoard.UnsweptIndex)
            .HasFilter(VerificationBoard.UnsweptSql);
        b.HasIndex(t => t.PersonId);
        b.HasIndex(t => new { t.CountyCode, t.IdHash });
        b.HasOne<VerificationBatch>().WithMany().HasForeignKey(t => t.BatchId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Person>().WithMany().HasForeignKey(t => t.PersonId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class VerificationCountEntityTypeConfiguration : IEntityTypeConfiguration<VerificationCount>
{
    public void Configure(EntityTypeBuilder<VerificationCount> b)
    {
        b.ToTable("VerificationCounts");
        b.ScopedColumns();
        b.HasKey(c => new { c.CountyCode, c.BatchId, c.ScopeKey, c.Status, c.Overdue });
    }
}

internal sealed class VerificationSourceRowEntityTypeConfiguration : IEntityTypeConfiguration<VerificationSourceRow>
{
    public void Configure(EntityTypeBuilder<VerificationSourceRow> b)
    {
        b.ToTable("VerificationSourceRows");
        b.ScopedColumns();
        b.Property(r => r.Cells).HasAnnotation(FangkongDb.ProtectedAnnotation, true);
        b.HasIndex(r => new { r.BatchId, r.RowNumber });
        b.HasIndex(r => r.TaskId);
        b.HasOne<VerificationTask>().WithMany().HasForeignKey(r => r.TaskId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class VerificationBatchEntityTypeConfiguration : IEntityTypeConfiguration<VerificationBatch>
{
    public void Configure(EntityTypeBuilder<VerificationBatch> b)
    {
        b.ToTable("VerificationBatches");
        b.Property(x => x.CountyCode).HasMaxLength(6).IsRequired();
        b.Property(x => x.Name).HasMaxLength(200).IsRequired();
        b.Property(x => x.FileSha256).HasMaxLength(64);
        b.Property(x => x.ContentSha256).HasMaxLength(64);
        b.Property(x => x.Summary).IsRequired();
        b.Property(x => x.CreatedBy).HasMaxLength(100).IsRequired();
        b.HasIndex(x => new { x.CountyCode, x.Name });
        b.HasIndex(x => new { x.CountyCode, x.FileSha256 });
        b.HasIndex(x => new { x.CountyCode, x.ContentSha256 });
        b.HasOne<ImportJob>().WithMany().HasForeignKey(x => x.ImportJobId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class VerificationMissEntityTypeConfiguration : IEntityTypeConfiguration<VerificationMiss>
{
    public void Configure(EntityTypeBuilder<VerificationMiss> b)
    {
        b.ToTable("VerificationMisses");
        b.ScopedColumns();
        // A miss is recorded once per task, stage and level, however many sweepers run.
        b.HasIndex(m => new { m.TaskId, m.Stage, m.Level }).IsUnique();
        b.HasIndex(m => new { m.CountyCode, m.ScopeKey, m.RecordedAt });
        b.HasOne<VerificationTask>().WithMany().HasForeignKey(m => m.TaskId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class DeadlineProfileVersionEntityTypeConfiguration : IEntityTypeConfiguration<DeadlineProfileVersion>
{
    public void Configure(EntityTypeBuilder<DeadlineProfileVersion> b)
    {
        b.ToTable("DeadlineProfileVersions");
        b.Property(v => v.CountyCode).HasMaxLength(6).IsRequired();
        b.Property(v => v.ProfileId).HasMaxLength(40).IsRequired();
        b.Property(v => v.Json).IsRequired();
        b.Property(v => v.CreatedBy).HasMaxLength(100).IsRequired();
        b.Property(v => v.Reason).HasMaxLength(500);
        b.HasIndex(v => new { v.CountyCode, v.ProfileId, v.Version }).IsUnique();
    }
}
