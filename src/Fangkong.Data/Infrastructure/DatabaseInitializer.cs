using Fangkong.Core.Accounts;
using Fangkong.Data.Accounts;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Fangkong.Data.Jurisdictions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Fangkong.Data.Infrastructure;

/// <summary>Applies migrations and the reference data every county needs (roles, its division tree, categories).</summary>
public static class DatabaseInitializer
{
    /// <summary>Runs with the caller's scope, which must act as the system.</summary>
    public static async Task<IReadOnlyList<string>> MigrateAsync(IServiceProvider services, CancellationToken ct = default)
    {
        var factory = services.GetRequiredService<IDbContextFactory<FangkongDb>>();
        await using var db = await factory.CreateDbContextAsync(ct);
        if (!db.Actor.Scope.All) throw new InvalidOperationException("Migrations run as the system.");
        var pending = (await db.Database.GetPendingMigrationsAsync(ct)).ToList();
        await db.Database.MigrateAsync(ct);
        await EnsureRolesAsync(services);
        var county = services.GetRequiredService<IOptions<FangkongOptions>>().Value.County;
        await ReferenceData.EnsureCountyAsync(db, county, ct);
        services.GetService<JurisdictionDirectory>()?.Invalidate();
        return pending;
    }

    /// <summary>The migrations this build has that the database has not applied (empty when it is up to date).</summary>
    public static async Task<IReadOnlyList<string>> PendingAsync(IServiceProvider services, CancellationToken ct = default)
    {
        await using var db = await services.GetRequiredService<IDbContextFactory<FangkongDb>>().CreateDbContextAsync(ct);
        return (await db.Database.GetPendingMigrationsAsync(ct)).ToList();
    }

    private static async Task EnsureRolesAsync(IServiceProvider services)
    {
        var roles = services.GetRequiredService<RoleManager<AppRole>>();
        foreach (var role in Roles.All)
            if (!await roles.RoleExistsAsync(role))
                Check(await roles.CreateAsync(new AppRole(role)), role);
    }

    internal static void Check(IdentityResult result, string what)
    {
        if (!result.Succeeded)
            throw new InvalidOperationException($"{what}: {string.Join("; ", result.Errors.Select(e => e.Description))}");
    }
}
