using Fangkong.Core.Audit;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Fangkong.Data.Audit;

internal sealed class AuditEntryEntityTypeConfiguration : IEntityTypeConfiguration<AuditEntry>
{
    public void Configure(EntityTypeBuilder<AuditEntry> b)
    {
        b.ToTable("AuditEntries");
        b.Property(e => e.CountyCode).HasMaxLength(6).IsRequired();
        b.Property(e => e.ScopeKey).HasMaxLength(32).IsRequired();
        b.Property(e => e.Action).HasMaxLength(60).IsRequired();
        b.Property(e => e.EntityType).HasMaxLength(40);
        b.Property(e => e.EntityId).HasMaxLength(40);
        b.Property(e => e.ActorId).HasMaxLength(40);
        b.Property(e => e.ActorName).HasMaxLength(100).IsRequired();
        b.Property(e => e.Reason).HasMaxLength(AuditEntry.ReasonMaxLength);
        b.Property(e => e.Rule).HasMaxLength(200);
        b.Property(e => e.ClientAddress).HasMaxLength(64);
        b.Property(e => e.PreviousHash).IsRequired();
        b.Property(e => e.Hash).IsRequired();
        b.HasIndex(e => new { e.CountyCode, e.Sequence }).IsUnique();
        b.HasIndex(e => new { e.CountyCode, e.ScopeKey });
        b.HasIndex(e => new { e.EntityType, e.EntityId });
        // An account's own entries of one kind in a time range: the close-contact look-ups it made in the last minutes
        // (the rate limit) and the last day (the orders it may link to), read without scanning the county's log.
        b.HasIndex(e => new { e.ActorId, e.Action, e.At });
    }
}

internal sealed class AuditChainHeadEntityTypeConfiguration : IEntityTypeConfiguration<AuditChainHead>
{
    public void Configure(EntityTypeBuilder<AuditChainHead> b)
    {
        b.ToTable("AuditChainHeads");
        b.HasKey(h => h.CountyCode);
        b.Property(h => h.CountyCode).HasMaxLength(6);
        b.Property(h => h.LastHash).IsRequired();
    }
}
