using Fangkong.Core.Accounts;
using Fangkong.Core.Jurisdictions;
using Fangkong.Data;
using Fangkong.Data.Infrastructure;
using Fangkong.Data.Orders;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Fangkong.Web.ClosedLoop;

/// <summary>
/// Runs the closed loop's sweep for every county of the deployment on a timer. Which node does the work is decided
/// by the database lease inside the sweep, so any number of web nodes can run this worker; a restart loses nothing
/// because the sweep reads the state from the database each time.
/// </summary>
public sealed class SweepWorker(IServiceScopeFactory scopes, IOptions<FangkongOptions> options, TimeProvider time, ILogger<SweepWorker> log) : BackgroundService
{
    private readonly string _holder = Truncate($"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}", 100);

    private static string Truncate(string s, int max) => s.Length <= max ? s : s[..max];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var period = TimeSpan.FromSeconds(Math.Max(5, options.Value.Monitoring.SweepSeconds));
        using var timer = new PeriodicTimer(period);
        do
        {
            try
            {
                await SweepAllAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                log.LogWarning(e, "closed-loop sweep failed; retrying in {Period}", period);
            }
        } while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    private async Task SweepAllAsync(CancellationToken ct)
    {
        List<string> counties;
        await using (var scope = scopes.CreateAsyncScope())
        {
            scope.ServiceProvider.GetRequiredService<ActorAccessor>().Current = Actor.System("closed-loop-sweep");
            await using var db = await scope.ServiceProvider.GetRequiredService<IDbContextFactory<FangkongDb>>().CreateDbContextAsync(ct);
            if (!(await db.Database.GetAppliedMigrationsAsync(ct)).Any()) return;
            counties = await db.Nodes.Where(n => n.Level == JurisdictionLevel.County).Select(n => n.CountyCode).ToListAsync(ct);
        }
        foreach (var county in counties)
        {
            await using var scope = scopes.CreateAsyncScope();
            scope.ServiceProvider.GetRequiredService<ActorAccessor>().Current =
                new Actor("system", "closed-loop-sweep", JurisdictionScope.Of(county, county), new HashSet<string>(Permissions.All));
            var sweeper = ActivatorUtilities.CreateInstance<ClosedLoopSweeper>(scope.ServiceProvider);
            var result = await sweeper.SweepAsync(county, time.GetUtcNow().UtcDateTime, _holder, ct);
            if (result.Ran && (result.Converted + result.ReleaseDue + result.MissedReports + result.Escalated) > 0)
                log.LogInformation("county {County}: {Converted} converted, {Due} release due, {Missed} missed reports, {Escalated} escalated",
                    county, result.Converted, result.ReleaseDue, result.MissedReports, result.Escalated);
            // The deadlines of pushed verification tasks: their own lease, so another node may run them meanwhile.
            var deadlines = await ActivatorUtilities.CreateInstance<Data.Tasks.VerificationSweeper>(scope.ServiceProvider)
                .SweepAsync(county, time.GetUtcNow().UtcDateTime, _holder, ct);
            if (deadlines.Ran && deadlines.Missed + deadlines.Escalated > 0)
                log.LogInformation("county {County}: {Missed} verification deadlines missed, {Escalated} escalated", county, deadlines.Missed, deadlines.Escalated);
            // Stays whose order ended without them following (a stop between the two writes) follow now.
            var reconciled = await ActivatorUtilities.CreateInstance<Data.Sites.StayService>(scope.ServiceProvider).ReconcileAsync(ct: ct);
            if (reconciled > 0) log.LogWarning("county {County}: {Count} stays followed their ended orders late", county, reconciled);
            // Quarantine rooms running short: the command centre is told once a day while they stay short.
            var today = Core.CountyClock.Today(time, options.Value.TimeZone);
            if (await ActivatorUtilities.CreateInstance<Data.Sites.SiteService>(scope.ServiceProvider).WatchCapacityAsync(Sites.SitesModule.Threshold(options), today, ct))
                log.LogWarning("county {County}: free quarantine rooms under the threshold; the command centre was told", county);
        }
    }
}
