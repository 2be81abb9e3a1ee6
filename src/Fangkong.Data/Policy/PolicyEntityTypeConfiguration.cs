using Fangkong.Core.Policy;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Fangkong.Data.Policy;

internal sealed class RiskAreaEntityTypeConfiguration : IEntityTypeConfiguration<RiskArea>
{
    public void Configure(EntityTypeBuilder<RiskArea> b)
    {
        b.ToTable("RiskAreas");
        b.Property(a => a.CountyCode).HasMaxLength(6).IsRequired();
        b.Property(a => a.AreaCountyCode).HasMaxLength(6).IsRequired();
        b.Property(a => a.AreaCountyName).HasMaxLength(100).IsRequired();
        b.Property(a => a.Place).HasMaxLength(200).IsRequired();
        b.Property(a => a.PlaceKey).HasMaxLength(200).IsRequired();
        b.Property(a => a.Source).HasMaxLength(300);
        b.Property(a => a.LocalReason).HasMaxLength(60);
        // Every change sets it, so it doubles as the row's version: a correction made meanwhile is not overwritten.
        b.Property(a => a.UpdatedAt).IsConcurrencyToken();
        b.HasIndex(a => new { a.CountyCode, a.AreaCountyCode, a.DesignatedOn });
        b.HasIndex(a => new { a.CountyCode, a.LiftedOn });
    }
}

internal sealed class RulePackVersionEntityTypeConfiguration : IEntityTypeConfiguration<RulePackVersion>
{
    public void Configure(EntityTypeBuilder<RulePackVersion> b)
    {
        b.ToTable("RulePackVersions");
        b.Property(v => v.CountyCode).HasMaxLength(6).IsRequired();
        b.Property(v => v.PackId).HasMaxLength(60).IsRequired();
        b.Property(v => v.Name).HasMaxLength(200).IsRequired();
        b.Property(v => v.Json).IsRequired();
        b.Property(v => v.CreatedBy).HasMaxLength(100).IsRequired();
        b.Property(v => v.Reason).HasMaxLength(500);
        b.HasIndex(v => new { v.CountyCode, v.PackId, v.Version }).IsUnique();
    }
}

internal sealed class DutyRoleEntityTypeConfiguration : IEntityTypeConfiguration<DutyRole>
{
    public void Configure(EntityTypeBuilder<DutyRole> b)
    {
        b.ToTable("DutyRoles");
        b.Property(r => r.CountyCode).HasMaxLength(6).IsRequired();
        b.Property(r => r.Code).HasMaxLength(40).IsRequired();
        b.Property(r => r.NameZh).HasMaxLength(20).IsRequired();
        b.Property(r => r.NameEn).HasMaxLength(60).IsRequired();
        b.HasIndex(r => new { r.CountyCode, r.Kind, r.Code }).IsUnique();
    }
}
