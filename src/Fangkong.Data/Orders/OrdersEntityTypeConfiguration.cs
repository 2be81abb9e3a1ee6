using Fangkong.Core.Orders;
using Fangkong.Core.People;
using Fangkong.Data.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Fangkong.Data.Orders;

internal sealed class ControlOrderEntityTypeConfiguration : IEntityTypeConfiguration<ControlOrder>
{
    public void Configure(EntityTypeBuilder<ControlOrder> b)
    {
        b.ToTable("ControlOrders");
        b.ScopedColumns();
        b.Property(o => o.Reasons).HasMaxLength(300).IsRequired();
        b.Property(o => o.RulePackId).HasMaxLength(60).IsRequired();
        b.Property(o => o.RuleReference).HasMaxLength(100).IsRequired();
        b.Property(o => o.Basis).HasMaxLength(1000);
        b.Property(o => o.ReleaseCondition).HasMaxLength(40).IsRequired();
        b.Property(o => o.CurrentKind).HasMaxLength(60).IsRequired();
        b.Property(o => o.StatusReason).HasMaxLength(500);
        b.Property(o => o.Version).IsConcurrencyToken();
        b.HasIndex(o => new { o.CountyCode, o.ScopeKey, o.Status });
        b.HasIndex(o => new { o.CountyCode, o.Status, o.EndDate });
        b.HasIndex(o => o.PersonId);
        b.HasIndex(o => o.LinkedOrderId).HasFilter("\"LinkedOrderId\" IS NOT NULL");
        b.HasOne<Person>().WithMany().HasForeignKey(o => o.PersonId).OnDelete(DeleteBehavior.Restrict);
        b.HasMany(o => o.Measures).WithOne().HasForeignKey(m => m.OrderId).OnDelete(DeleteBehavior.Cascade);
        b.HasMany(o => o.Tests).WithOne().HasForeignKey(t => t.OrderId).OnDelete(DeleteBehavior.Cascade);
        b.HasMany(o => o.Owners).WithOne().HasForeignKey(w => w.OrderId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class OrderMeasureEntityTypeConfiguration : IEntityTypeConfiguration<OrderMeasure>
{
    public void Configure(EntityTypeBuilder<OrderMeasure> b)
    {
        b.ToTable("OrderMeasures");
        b.ScopedColumns();
        b.Property(m => m.Kind).HasMaxLength(60).IsRequired();
        b.HasIndex(m => new { m.OrderId, m.Sequence }).IsUnique();
    }
}

internal sealed class OrderTestEntityTypeConfiguration : IEntityTypeConfiguration<OrderTest>
{
    public void Configure(EntityTypeBuilder<OrderTest> b)
    {
        b.ToTable("OrderTests");
        b.ScopedColumns();
        b.Property(t => t.Ct).HasPrecision(5, 2);
        b.Property(t => t.RecordedBy).HasMaxLength(100);
        b.HasIndex(t => new { t.OrderId, t.Day }).IsUnique();
        b.HasIndex(t => new { t.CountyCode, t.Date, t.Status });
    }
}

internal sealed class OrderOwnerEntityTypeConfiguration : IEntityTypeConfiguration<OrderOwner>
{
    public void Configure(EntityTypeBuilder<OrderOwner> b)
    {
        b.ToTable("OrderOwners");
        b.ScopedColumns();
        b.Property(w => w.Role).HasMaxLength(40).IsRequired();
        b.Property(w => w.Name).HasMaxLength(100).IsRequired();
        b.Property(w => w.Phone).HasMaxLength(20);
        b.HasIndex(w => w.OrderId);
    }
}

internal sealed class HealthReportEntityTypeConfiguration : IEntityTypeConfiguration<HealthReport>
{
    public void Configure(EntityTypeBuilder<HealthReport> b)
    {
        b.ToTable("HealthReports");
        b.ScopedColumns();
        b.Property(r => r.Temperature).HasPrecision(4, 1);
        b.Property(r => r.ReportedBy).HasMaxLength(100).IsRequired();
        b.Property(r => r.Note).HasMaxLength(500);
        // Every reading of a slot is kept, numbered in the order they came (a re-measurement never replaces a reading).
        b.HasIndex(r => new { r.OrderId, r.Date, r.Slot, r.Sequence }).IsUnique();
        b.HasIndex(r => new { r.CountyCode, r.Date });
        b.HasOne<ControlOrder>().WithMany().HasForeignKey(r => r.OrderId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class ReportLinkEntityTypeConfiguration : IEntityTypeConfiguration<ReportLink>
{
    public void Configure(EntityTypeBuilder<ReportLink> b)
    {
        b.ToTable("ReportLinks");
        b.ScopedColumns();
        b.Property(l => l.TokenHash).HasMaxLength(32).IsRequired();
        b.HasIndex(l => l.TokenHash).IsUnique();
        b.HasIndex(l => l.OrderId);
        b.HasOne<ControlOrder>().WithMany().HasForeignKey(l => l.OrderId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class SpotCheckEntityTypeConfiguration : IEntityTypeConfiguration<SpotCheck>
{
    public void Configure(EntityTypeBuilder<SpotCheck> b)
    {
        b.ToTable("SpotChecks");
        b.ScopedColumns();
        b.Property(s => s.Method).HasMaxLength(20).IsRequired();
        b.Property(s => s.Note).HasMaxLength(500);
        b.Property(s => s.CheckedBy).HasMaxLength(100).IsRequired();
        b.HasIndex(s => s.OrderId);
        b.HasOne<ControlOrder>().WithMany().HasForeignKey(s => s.OrderId).OnDelete(DeleteBehavior.Cascade);
    }
}
