using Fangkong.Core.Accounts;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Fangkong.Data.Accounts;

internal sealed class AppUserEntityTypeConfiguration : IEntityTypeConfiguration<AppUser>
{
    public void Configure(EntityTypeBuilder<AppUser> b)
    {
        b.Property(u => u.CountyCode).HasMaxLength(6).IsRequired();
        b.Property(u => u.ScopeKey).HasMaxLength(32).IsRequired();
        b.Property(u => u.DisplayName).HasMaxLength(100).IsRequired();
        b.Property(u => u.Unit).HasMaxLength(100);
        b.HasIndex(u => new { u.CountyCode, u.ScopeKey });
        b.HasIndex(u => u.NodeId);
    }
}

internal sealed class ApiKeyEntityTypeConfiguration : IEntityTypeConfiguration<ApiKey>
{
    public void Configure(EntityTypeBuilder<ApiKey> b)
    {
        b.ToTable("ApiKeys");
        b.Property(k => k.CountyCode).HasMaxLength(6).IsRequired();
        b.Property(k => k.ScopeKey).HasMaxLength(32).IsRequired();
        b.Property(k => k.Name).HasMaxLength(100).IsRequired();
        b.Property(k => k.Prefix).HasMaxLength(20).IsRequired();
        b.Property(k => k.SecretHash).IsRequired();
        b.Property(k => k.Permissions).HasMaxLength(500).IsRequired();
        b.Property(k => k.CreatedBy).HasMaxLength(100).IsRequired();
        b.HasIndex(k => k.Prefix).IsUnique();
        b.HasIndex(k => new { k.CountyCode, k.ScopeKey });
    }
}
