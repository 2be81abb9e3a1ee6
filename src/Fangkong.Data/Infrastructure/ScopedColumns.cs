using Fangkong.Core.Jurisdictions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Fangkong.Data.Infrastructure;

internal static class ScopedColumnsExtensions
{
    /// <summary>The county code and scope key every jurisdiction-owned row carries, with the same sizes everywhere.</summary>
    public static EntityTypeBuilder<T> ScopedColumns<T>(this EntityTypeBuilder<T> b) where T : class, IJurisdictionOwned
    {
        b.Property(e => e.CountyCode).HasMaxLength(6).IsRequired();
        b.Property(e => e.ScopeKey).HasMaxLength(32).IsRequired();
        return b;
    }
}
