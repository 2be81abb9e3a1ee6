using Fangkong.Core.People;
using Fangkong.Core.Sites;
using Fangkong.Data.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Fangkong.Data.Sites;

internal sealed class QuarantineSiteEntityTypeConfiguration : IEntityTypeConfiguration<QuarantineSite>
{
    public void Configure(EntityTypeBuilder<QuarantineSite> b)
    {
        b.ToTable("QuarantineSites");
        b.ScopedColumns();
        b.Property(s => s.Name).HasMaxLength(SiteRules.MaxNameLength).IsRequired();
        b.Property(s => s.OperatorUnit).HasMaxLength(100);
        b.Property(s => s.LeadName).HasMaxLength(50);
        b.Property(s => s.LeadPhone).HasMaxLength(20);
        b.Property(s => s.Address).HasMaxLength(200);
        b.Property(s => s.Contact).HasMaxLength(100);
        b.Property(s => s.Note).HasMaxLength(500);
        b.Property(s => s.Version).IsConcurrencyToken();
        b.HasIndex(s => new { s.CountyCode, s.ScopeKey, s.Name }).IsUnique();
    }
}

internal sealed class SiteTravelTimeEntityTypeConfiguration : IEntityTypeConfiguration<SiteTravelTime>
{
    /// <summary>The database keeps the minutes in range too (<see cref="TravelTimeRules"/>): allocation ranks by them.</summary>
    public const string MinutesCheck = "\"Minutes\" BETWEEN 1 AND 600";

    public void Configure(EntityTypeBuilder<SiteTravelTime> b)
    {
        b.ToTable("SiteTravelTimes", t => t.HasCheckConstraint("CK_SiteTravelTimes_Minutes", MinutesCheck));
        b.ScopedColumns();
        b.Property(t => t.TownshipKey).HasMaxLength(9).IsRequired();
        // One time per site and township; allocation reads a site's time for the person's township straight from it.
        b.HasIndex(t => new { t.SiteId, t.TownshipKey }).IsUnique();
        b.HasOne<QuarantineSite>().WithMany().HasForeignKey(t => t.SiteId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class SiteStandardEntityTypeConfiguration : IEntityTypeConfiguration<SiteStandard>
{
    public void Configure(EntityTypeBuilder<SiteStandard> b)
    {
        b.ToTable("SiteStandards");
        b.Property(s => s.CountyCode).HasMaxLength(6).IsRequired();
        b.Property(s => s.Code).HasMaxLength(60).IsRequired();
        b.Property(s => s.Name).HasMaxLength(100).IsRequired();
        b.HasIndex(s => new { s.CountyCode, s.Code }).IsUnique();
    }
}

internal sealed class SiteInspectionEntityTypeConfiguration : IEntityTypeConfiguration<SiteInspection>
{
    public void Configure(EntityTypeBuilder<SiteInspection> b)
    {
        b.ToTable("SiteInspections");
        b.ScopedColumns();
        b.Property(i => i.Inspector).HasMaxLength(50).IsRequired();
        b.Property(i => i.Note).HasMaxLength(500);
        b.HasIndex(i => new { i.SiteId, i.InspectedAt });
        b.HasOne<QuarantineSite>().WithMany().HasForeignKey(i => i.SiteId).OnDelete(DeleteBehavior.Restrict);
        b.HasMany(i => i.Items).WithOne().HasForeignKey(x => x.InspectionId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class SiteInspectionItemEntityTypeConfiguration : IEntityTypeConfiguration<SiteInspectionItem>
{
    public void Configure(EntityTypeBuilder<SiteInspectionItem> b)
    {
        b.ToTable("SiteInspectionItems");
        b.ScopedColumns();
        b.Property(i => i.StandardCode).HasMaxLength(60).IsRequired();
        b.Property(i => i.Note).HasMaxLength(200);
    }
}

internal sealed class RoomEntityTypeConfiguration : IEntityTypeConfiguration<Room>
{
    public void Configure(EntityTypeBuilder<Room> b)
    {
        b.ToTable("Rooms");
        b.ScopedColumns();
        b.Property(r => r.Building).HasMaxLength(30).IsRequired();
        b.Property(r => r.Number).HasMaxLength(20).IsRequired();
        b.Property(r => r.OutOfServiceReason).HasMaxLength(200);
        b.Property(r => r.StateChangedBy).HasMaxLength(100);
        b.Property(r => r.Note).HasMaxLength(200);
        b.Property(r => r.Version).IsConcurrencyToken();
        // A room number is unique within its building of its site (the rooms file is checked against this too).
        b.HasIndex(r => new { r.SiteId, r.Building, r.Number }).IsUnique();
        // Free rooms by state for the county's capacity and the allocation's candidates.
        b.HasIndex(r => new { r.CountyCode, r.State, r.SiteId });
        // The free rooms of each site by kind, best first: the allocation reads the first few of each site and kind
        // from here and takes a room with the row lock (FOR UPDATE SKIP LOCKED) in the same order.
        b.HasIndex(r => new { r.SiteId, r.Accessible, r.FamilyRoom, r.OwnBathroom, r.Single, r.Building, r.Floor, r.Number }, "IX_Rooms_Free")
            .IsDescending(false, false, false, true, true, false, false, false)
            .HasFilter("\"State\" = 0 AND \"Holders\" = 0");
        b.HasOne<QuarantineSite>().WithMany().HasForeignKey(r => r.SiteId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class RoomEventEntityTypeConfiguration : IEntityTypeConfiguration<RoomEvent>
{
    public void Configure(EntityTypeBuilder<RoomEvent> b)
    {
        b.ToTable("RoomEvents");
        b.ScopedColumns();
        b.Property(e => e.By).HasMaxLength(100).IsRequired();
        b.Property(e => e.Reason).HasMaxLength(200);
        b.HasIndex(e => new { e.SiteId, e.At });
        b.HasIndex(e => new { e.RoomId, e.At });
    }
}

internal sealed class StayEntityTypeConfiguration : IEntityTypeConfiguration<Stay>
{
    /// <summary>The partial filter of the two uniqueness rules below: only stays that hold a bed now.</summary>
    public const string HoldsABed = "\"OccupiedRoomId\" IS NOT NULL";

    public void Configure(EntityTypeBuilder<Stay> b)
    {
        b.ToTable("Stays");
        b.ScopedColumns();
        b.Property(s => s.HouseholdKey).HasMaxLength(40);
        b.Property(s => s.AllocatedBy).HasMaxLength(100);
        b.Property(s => s.CancelReason).HasMaxLength(StayRules.MaxReasonLength);
        b.Property(s => s.Version).IsConcurrencyToken();
        // The database, not only the code, keeps a bed to one person at a time, and a person to one bed.
        b.HasIndex(s => new { s.OccupiedRoomId, s.Bed }, "UX_Stays_Bed").IsUnique().HasFilter(HoldsABed);
        b.HasIndex(s => s.PersonId, "UX_Stays_Person").IsUnique().HasFilter(HoldsABed);
        b.HasIndex(s => new { s.SiteId, s.Status });
        b.HasIndex(s => s.OrderId);
        b.HasIndex(s => s.RoomId);
        b.HasOne<QuarantineSite>().WithMany().HasForeignKey(s => s.SiteId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Person>().WithMany().HasForeignKey(s => s.PersonId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class VehicleEntityTypeConfiguration : IEntityTypeConfiguration<Vehicle>
{
    public void Configure(EntityTypeBuilder<Vehicle> b)
    {
        b.ToTable("Vehicles");
        b.ScopedColumns();
        b.Property(v => v.Plate).HasMaxLength(20).IsRequired();
        b.Property(v => v.Note).HasMaxLength(200);
        b.Property(v => v.Version).IsConcurrencyToken();
        b.HasIndex(v => new { v.CountyCode, v.Plate }).IsUnique();
    }
}

internal sealed class DriverEntityTypeConfiguration : IEntityTypeConfiguration<Driver>
{
    public void Configure(EntityTypeBuilder<Driver> b)
    {
        b.ToTable("Drivers");
        b.ScopedColumns();
        b.Property(d => d.Name).HasMaxLength(50).IsRequired();
        b.Property(d => d.Phone).HasMaxLength(20);
        b.Property(d => d.Version).IsConcurrencyToken();
    }
}

internal sealed class TripEntityTypeConfiguration : IEntityTypeConfiguration<Trip>
{
    public void Configure(EntityTypeBuilder<Trip> b)
    {
        b.ToTable("Trips");
        b.ScopedColumns();
        b.Property(t => t.FromText).HasMaxLength(200);
        b.Property(t => t.ToText).HasMaxLength(200);
        b.Property(t => t.RequestedBy).HasMaxLength(100);
        b.Property(t => t.CancelReason).HasMaxLength(200);
        b.Property(t => t.Version).IsConcurrencyToken();
        b.HasIndex(t => new { t.CountyCode, t.ScopeKey, t.Status, t.RequestedAt });
        b.HasMany(t => t.Passengers).WithOne().HasForeignKey(p => p.TripId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class TripPassengerEntityTypeConfiguration : IEntityTypeConfiguration<TripPassenger>
{
    public void Configure(EntityTypeBuilder<TripPassenger> b)
    {
        b.ToTable("TripPassengers");
        b.ScopedColumns();
        b.Property(p => p.HouseholdKey).HasMaxLength(40);
        b.HasIndex(p => p.PersonId);
        b.HasIndex(p => new { p.CountyCode, p.PersonId }, "UX_TripPassengers_Open").IsUnique().HasFilter(OpenFilter);
    }

    /// <summary>The filter of the one-open-trip-per-person index (a boolean column reads as a condition on both engines).</summary>
    internal const string OpenFilter = "\"Open\"";
}
