using Fangkong.Core.Jurisdictions;
using Fangkong.Core.People;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Fangkong.Data.People;

internal sealed class PersonEntityTypeConfiguration : IEntityTypeConfiguration<Person>
{
    public void Configure(EntityTypeBuilder<Person> b)
    {
        b.ToTable("People");
        b.Property(p => p.CountyCode).HasMaxLength(6).IsRequired();
        b.Property(p => p.ScopeKey).HasMaxLength(32).IsRequired();
        b.Property(p => p.Name).HasMaxLength(100).IsRequired();
        b.Property(p => p.DocumentNumber).HasAnnotation(FangkongDb.ProtectedAnnotation, true);
        b.Property(p => p.Phone).HasAnnotation(FangkongDb.ProtectedAnnotation, true);
        b.Property(p => p.AddressText).HasAnnotation(FangkongDb.ProtectedAnnotation, true);
        b.Property(p => p.DocumentMasked).HasMaxLength(40);
        b.Property(p => p.PhoneMasked).HasMaxLength(20);
        b.Property(p => p.PhoneTail).HasMaxLength(4);
        b.Property(p => p.IdIssue).HasMaxLength(40);
        b.Property(p => p.Sex).HasMaxLength(1);
        b.Property(p => p.Relation).HasMaxLength(20);
        b.Property(p => p.AwayLocation).HasMaxLength(100);
        b.Property(p => p.Occupation).HasMaxLength(50);
        b.Property(p => p.Workplace).HasMaxLength(100);
        b.Property(p => p.Note).HasMaxLength(500);
        b.Property(p => p.Version).IsConcurrencyToken();

        // The blind indexes: exact look-up of an ID number or a phone without decrypting anything.
        b.HasIndex(p => new { p.CountyCode, p.DocumentHash }).IsUnique();
        b.HasIndex(p => new { p.CountyCode, p.PhoneHash });
        b.HasIndex(p => new { p.CountyCode, p.PhoneTail });
        b.HasIndex(p => new { p.CountyCode, p.ScopeKey });
        // The locals away (外出) of a unit, counted on every ledger: a few percent of the registry, read from this index alone.
        b.HasIndex(p => new { p.CountyCode, p.ScopeKey }, "IX_People_Away").HasFilter($"\"Residence\" = {(int)ResidenceStatus.Away}");
        b.HasIndex(p => p.NodeId);

        b.HasOne(p => p.Node).WithMany().HasForeignKey(p => p.NodeId).OnDelete(DeleteBehavior.Restrict);
        b.HasMany(p => p.Categories).WithOne().HasForeignKey(c => c.PersonId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class KeyPopulationCategoryEntityTypeConfiguration : IEntityTypeConfiguration<KeyPopulationCategory>
{
    public void Configure(EntityTypeBuilder<KeyPopulationCategory> b)
    {
        b.ToTable("KeyPopulationCategories");
        b.Property(c => c.CountyCode).HasMaxLength(6).IsRequired();
        b.Property(c => c.Code).HasMaxLength(40).IsRequired();
        b.Property(c => c.NameZh).HasMaxLength(50).IsRequired();
        b.Property(c => c.NameEn).HasMaxLength(80).IsRequired();
        b.Property(c => c.Description).HasMaxLength(500);
        b.HasIndex(c => new { c.CountyCode, c.Code }).IsUnique();
    }
}

internal sealed class PersonCategoryEntityTypeConfiguration : IEntityTypeConfiguration<PersonCategory>
{
    public void Configure(EntityTypeBuilder<PersonCategory> b)
    {
        b.ToTable("PersonCategories");
        b.HasKey(c => new { c.PersonId, c.CategoryId });
        b.Property(c => c.CountyCode).HasMaxLength(6).IsRequired();
        b.HasIndex(c => c.CategoryId);
        b.HasOne(c => c.Category).WithMany().HasForeignKey(c => c.CategoryId).OnDelete(DeleteBehavior.Restrict);
    }
}
