using Fangkong.Core.Arrivals;
using Fangkong.Core.People;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Fangkong.Data.Arrivals;

internal sealed class ArrivalEntityTypeConfiguration : IEntityTypeConfiguration<Arrival>
{
    public void Configure(EntityTypeBuilder<Arrival> b)
    {
        b.ToTable("Arrivals");
        b.Property(a => a.CountyCode).HasMaxLength(6).IsRequired();
        b.Property(a => a.ScopeKey).HasMaxLength(32).IsRequired();
        b.Property(a => a.Reference).HasMaxLength(20).IsRequired();
        b.Property(a => a.Name).HasMaxLength(100).IsRequired();
        b.Property(a => a.DocumentNumber).HasAnnotation(FangkongDb.ProtectedAnnotation, true);
        b.Property(a => a.Phone).HasAnnotation(FangkongDb.ProtectedAnnotation, true);
        b.Property(a => a.DestinationText).HasAnnotation(FangkongDb.ProtectedAnnotation, true);
        b.Property(a => a.DocumentMasked).HasMaxLength(40);
        b.Property(a => a.PhoneMasked).HasMaxLength(20);
        b.Property(a => a.OriginText).HasMaxLength(200).IsRequired();
        b.Property(a => a.OriginCountyCode).HasMaxLength(6);
        b.Property(a => a.OriginCountyName).HasMaxLength(100);
        b.Property(a => a.TravelJson).HasMaxLength(4000).IsRequired();
        b.Property(a => a.Vehicle).HasMaxLength(100);
        b.Property(a => a.PointCode).HasMaxLength(32);
        b.Property(a => a.HealthCode).HasMaxLength(10);
        b.Property(a => a.LandingTestResult).HasMaxLength(10);
        b.Property(a => a.Reasons).HasMaxLength(300);
        b.Property(a => a.RuleReference).HasMaxLength(100);
        b.Property(a => a.ClassificationNote).HasMaxLength(2000);
        b.Property(a => a.DecidedBy).HasMaxLength(100);
        b.Property(a => a.DecisionNote).HasMaxLength(500);
        b.Property(a => a.Flags).HasMaxLength(100);
        b.Property(a => a.ResubmissionsJson).HasAnnotation(FangkongDb.ProtectedAnnotation, true);
        b.Property(a => a.Version).IsConcurrencyToken();
        b.HasIndex(a => new { a.CountyCode, a.Reference }).IsUnique();
        b.HasIndex(a => new { a.CountyCode, a.ScopeKey, a.ArrivalDate });
        // One live registration per person and arrival day (a second one merges into it).
        b.HasIndex(a => new { a.CountyCode, a.DocumentHash, a.ArrivalDate }, "UX_Arrivals_Document_Day").IsUnique()
            .HasFilter($"\"Status\" <> {(int)ArrivalStatus.Cancelled}");
        b.HasIndex(a => new { a.CountyCode, a.Status });
        b.HasIndex(a => a.PersonId);
        b.Property(a => a.ClientAddress).HasMaxLength(64);
        b.HasIndex(a => new { a.CountyCode, a.ClientAddress, a.SubmittedAt });
        b.HasOne<Person>().WithMany().HasForeignKey(a => a.PersonId).OnDelete(DeleteBehavior.Restrict);
    }
}
