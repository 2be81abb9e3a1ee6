using System.Globalization;
using Fangkong.Core.Accounts;
using Fangkong.Core.Jurisdictions;
using Fangkong.Data.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Fangkong.Testing;

/// <summary>
/// What the service-level tests of the demo county (淅川县 411326) share: actors of a role at a node, the county's
/// clock, and running a service in one actor's scope. Used with <c>using static Fangkong.Testing.CountyTestKit;</c>.
/// </summary>
public static class CountyTestKit
{
    public const string County = "411326";

    public static DateOnly D(string s) => DateOnly.Parse(s, CultureInfo.InvariantCulture);

    public static Actor As(string role, string scopeKey) =>
        new("test-" + role, "测试" + role, JurisdictionScope.Of(County, scopeKey), Permissions.For([role]));

    public static Actor Command => As(Roles.CommandCentre, County);

    /// <summary>Puts the county's clock on a date and time (county time) for this database's services.</summary>
    public static void SetNow(TestDatabase db, string localDateTime)
    {
        var clock = db.Services.GetRequiredService<ExerciseClock>();
        var zone = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");
        var target = TimeZoneInfo.ConvertTimeToUtc(DateTime.Parse(localDateTime, CultureInfo.InvariantCulture), zone);
        clock.Advance(target - clock.GetUtcNow().UtcDateTime);
    }

    /// <summary>Runs <paramref name="work"/> with the services of one request made by <paramref name="actor"/>.</summary>
    public static async Task<T> Run<T>(TestDatabase db, Actor actor, Func<IServiceProvider, Task<T>> work)
    {
        await using var scope = db.Scope(actor);
        return await work(scope.ServiceProvider);
    }

    public static T Make<T>(IServiceProvider sp) => ActivatorUtilities.CreateInstance<T>(sp);
}
