using Fangkong.Core.Notifications;
using Fangkong.Data.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Fangkong.Data.Notifications;

internal sealed class NotificationEntityTypeConfiguration : IEntityTypeConfiguration<Notification>
{
    public void Configure(EntityTypeBuilder<Notification> b)
    {
        b.ToTable("Notifications");
        b.ScopedColumns();
        b.Property(n => n.Kind).HasMaxLength(64).IsRequired();
        b.Property(n => n.Detail).HasMaxLength(64);
        b.Property(n => n.Subject).HasMaxLength(200);
        b.Property(n => n.Link).HasMaxLength(200);
        b.Property(n => n.DedupKey).HasMaxLength(200).IsRequired();
        b.Property(n => n.ReadBy).HasMaxLength(100);
        // The same event is notified once per county, whichever node records it.
        b.HasIndex(n => new { n.CountyCode, n.DedupKey }).IsUnique();
        // A unit's inbox, newest first.
        b.HasIndex(n => new { n.CountyCode, n.ScopeKey, n.CreatedAt });
        // The dispatcher's queue of notices whose text messages are not yet queued.
        b.HasIndex(n => new { n.CountyCode, n.FannedOutAt });
    }
}

internal sealed class OutboundSmsEntityTypeConfiguration : IEntityTypeConfiguration<OutboundSms>
{
    public void Configure(EntityTypeBuilder<OutboundSms> b)
    {
        b.ToTable("OutboundSms");
        b.ScopedColumns();
        b.Property(m => m.PhoneMasked).HasMaxLength(32).IsRequired();
        b.Property(m => m.Text).HasMaxLength(500).IsRequired();
        b.Property(m => m.LeaseHolder).HasMaxLength(100);
        b.Property(m => m.Gateway).HasMaxLength(64);
        b.Property(m => m.GatewayReference).HasMaxLength(128);
        b.Property(m => m.Error).HasMaxLength(500);
        // One message per notification and account, however many nodes fan out.
        b.HasIndex(m => new { m.NotificationId, m.AccountId }).IsUnique();
        // What is due: pending messages by their next attempt.
        b.HasIndex(m => new { m.Status, m.NextAttemptAt });
        b.HasOne<Notification>().WithMany().HasForeignKey(m => m.NotificationId).OnDelete(DeleteBehavior.Cascade);
    }
}
