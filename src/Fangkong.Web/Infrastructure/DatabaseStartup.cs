using Fangkong.Core.Accounts;
using Fangkong.Data;
using Fangkong.Data.Demo;
using Fangkong.Data.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Fangkong.Web.Infrastructure;

/// <summary>
/// On start: migrate the embedded SQLite database (or any database with MigrateOnStart), load the county's reference
/// data, fill an empty database with the demo county when configured, and print the URL and the demo logins.
/// Production PostgreSQL is migrated explicitly with `fangkong db migrate` (MigrateOnStart defaults to false there);
/// a node that finds the database behind its build refuses to start.
/// </summary>
public static class DatabaseStartup
{
    public static async Task InitializeDatabaseAsync(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<IOptions<FangkongOptions>>().Value;
        var log = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Fangkong.Startup");
        var migrate = options.Database.MigrateOnStart ?? !options.Database.IsPostgres;
        IReadOnlyList<DemoAccount> accounts = [];
        await using (var scope = app.Services.CreateAsyncScope())
        {
            scope.ServiceProvider.GetRequiredService<ActorAccessor>().Current = Actor.System("startup");
            if (migrate)
            {
                var applied = await DatabaseInitializer.MigrateAsync(scope.ServiceProvider);
                if (applied.Count > 0) log.LogInformation("Applied migrations: {Migrations}", string.Join(", ", applied));
            }
            // A node never serves from a schema older than its code (a release deployed before `fangkong db migrate`):
            // it stops at once and says what to run, instead of failing on the first query that needs the new schema.
            else if (await DatabaseInitializer.PendingAsync(scope.ServiceProvider) is { Count: > 0 } pending)
                throw new InvalidOperationException(
                    $"The database is {pending.Count} migration(s) behind this build ({string.Join(", ", pending)}). Run `fangkong db migrate` " +
                    "(one node, before the others start), or set Fangkong:Database:MigrateOnStart=true.");
            if (options.Demo.SeedOnFirstStart)
            {
                var result = await DemoSeeder.SeedAsync(scope.ServiceProvider, options.Demo.People, options.Demo.Seed);
                if (!result.Skipped)
                    log.LogInformation("Demo county generated: {People} people in {Households} households ({Ms} ms)", result.People, result.Households, result.ElapsedMs);
                accounts = result.Accounts;
                var arrivals = await Fangkong.Data.Demo.ClosedLoopDemo.SeedAsync(scope.ServiceProvider, options.Demo.Seed);
                if (arrivals > 0) log.LogInformation("Demo closed loop: {Arrivals} arrivals classified, orders, reports and tasks", arrivals);
                var placed = await Fangkong.Data.Demo.SitesDemo.SeedAsync(scope.ServiceProvider, options.Demo.Seed);
                if (placed > 0) log.LogInformation("Demo quarantine sites: {Placed} people placed in rooms", placed);
            }
        }
        app.Lifetime.ApplicationStarted.Register(() => PrintBanner(app, options, accounts));
    }

    private static void PrintBanner(WebApplication app, FangkongOptions options, IReadOnlyList<DemoAccount> accounts)
    {
        var urls = string.Join(", ", app.Urls);
        var database = options.Database.IsPostgres ? "PostgreSQL" : "SQLite " + Path.Combine(options.DataDirectoryFullPath, "fangkong.db");
        var lines = new List<string>
        {
            "",
            "  Fangkong (防控) is running",
            $"  URL:       {urls}",
            $"  Database:  {database}",
            $"  County:    {options.County}",
            $"  Today:     {Fangkong.Core.CountyClock.Today(app.Services.GetRequiredService<TimeProvider>(), options.TimeZone):yyyy-MM-dd}{(options.Clock.ExerciseDate is null ? "" : "  (exercise clock, Fangkong:Clock:ExerciseDate)")}",
        };
        if (accounts.Count > 0)
        {
            lines.Add($"  Demo logins (password {options.Demo.Password}):");
            lines.AddRange(accounts.Select(a => $"    {a.UserName,-11} {a.Role,-17} {a.NodeName}"));
        }
        lines.Add("  API:       /openapi/v1.json  ·  interactive page /api");
        lines.Add("");
        Console.WriteLine(string.Join(Environment.NewLine, lines));
    }
}
