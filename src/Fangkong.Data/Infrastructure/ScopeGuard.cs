using Fangkong.Core.Jurisdictions;
using Fangkong.Data.Accounts;
using Microsoft.EntityFrameworkCore;

namespace Fangkong.Data.Infrastructure;

/// <summary>Thrown when a write (or an explicit look-up) reaches outside the actor's jurisdiction. The web layer answers 404.</summary>
public sealed class OutOfScopeException(string message) : Exception(message);

/// <summary>
/// Query filters do not guard writes: before every save, each added, changed or deleted row that belongs to a
/// jurisdiction must lie inside the actor's scope, before and after the change (no moving a person out of reach).
/// </summary>
internal static class ScopeGuard
{
    public static void Check(FangkongDb db)
    {
        var scope = db.Actor.Scope;
        if (scope.All) return;
        foreach (var entry in db.ChangeTracker.Entries())
        {
            if (entry.State is not (EntityState.Added or EntityState.Modified or EntityState.Deleted)) continue;
            switch (entry.Entity)
            {
                case AppUser when entry.State == EntityState.Modified && OnlySignInBookkeeping(entry):
                    continue;
                // A notice addressed to the actor's own unit: an account below a village (a grid worker) raises and
                // reads its village's notices, which sort outside the grid's own key range.
                case Core.Notifications.Notification notice when entry.State is EntityState.Added or EntityState.Modified
                    && notice.CountyCode == scope.CountyCode && notice.ScopeKey == Core.Notifications.NotificationRules.Unit(scope.Prefix)
                    && (string?)entry.Property(nameof(IJurisdictionOwned.ScopeKey)).OriginalValue == notice.ScopeKey:
                    continue;
                case IJurisdictionOwned owned:
                    Require(scope.Contains(owned.CountyCode, owned.ScopeKey), entry);
                    if (entry.State == EntityState.Modified)
                    {
                        var county = (string?)entry.Property(nameof(IJurisdictionOwned.CountyCode)).OriginalValue ?? "";
                        var key = (string?)entry.Property(nameof(IJurisdictionOwned.ScopeKey)).OriginalValue ?? "";
                        Require(scope.Contains(county, key), entry);
                    }
                    break;
                case ICountyOwned countyOwned:
                    Require(scope.ContainsCounty(countyOwned.CountyCode), entry);
                    break;
            }
        }
    }

    /// <summary>
    /// Identity's store saves a user with <c>Update()</c>, which flags every column as modified; what counts is which
    /// values actually differ from those loaded.
    /// </summary>
    private static bool OnlySignInBookkeeping(Microsoft.EntityFrameworkCore.ChangeTracking.EntityEntry entry) =>
        entry.Properties.Where(p => p.IsModified && !Equals(p.OriginalValue, p.CurrentValue))
            .All(p => AppUser.SignInBookkeeping.Contains(p.Metadata.Name));

    private static void Require(bool inside, Microsoft.EntityFrameworkCore.ChangeTracking.EntityEntry entry)
    {
        if (!inside) throw new OutOfScopeException($"{entry.Metadata.ClrType.Name} is outside the actor's jurisdiction");
    }
}
