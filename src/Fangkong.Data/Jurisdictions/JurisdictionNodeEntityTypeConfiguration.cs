using Fangkong.Core.Jurisdictions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Fangkong.Data.Jurisdictions;

internal sealed class JurisdictionNodeEntityTypeConfiguration : IEntityTypeConfiguration<JurisdictionNode>
{
    public void Configure(EntityTypeBuilder<JurisdictionNode> b)
    {
        b.ToTable("JurisdictionNodes");
        b.Property(n => n.CountyCode).HasMaxLength(6).IsRequired();
        b.Property(n => n.ScopeKey).HasMaxLength(32).IsRequired();
        b.Property(n => n.Code).HasMaxLength(32).IsRequired();
        b.Property(n => n.Name).HasMaxLength(100).IsRequired();
        b.Property(n => n.ShortName).HasMaxLength(50);
        b.Property(n => n.Address).HasMaxLength(200);
        b.Property(n => n.Source).HasMaxLength(20).IsRequired();
        b.HasIndex(n => n.ScopeKey).IsUnique();
        b.HasIndex(n => n.ParentId);
        b.HasIndex(n => new { n.CountyCode, n.Level });
        b.HasOne<JurisdictionNode>().WithMany().HasForeignKey(n => n.ParentId).OnDelete(DeleteBehavior.Restrict);
    }
}
