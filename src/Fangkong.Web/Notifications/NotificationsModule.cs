using Fangkong.Core.Accounts;
using Fangkong.Core.Jurisdictions;
using Fangkong.Core.Notifications;
using Fangkong.Data;
using Fangkong.Data.Infrastructure;
using Fangkong.Data.Jurisdictions;
using Fangkong.Data.Notifications;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Fangkong.Web.Notifications;

/// <summary>
/// Notices to units (missed deadlines, escalations, urgent tasks): the inbox over HTTP and in the top bar, and the
/// text messages they go out as, through the configured gateway, from every web node (database leases decide who).
/// </summary>
public static class NotificationsModule
{
    public static IServiceCollection AddNotifications(this IServiceCollection services)
    {
        services.AddScoped<NotificationService>();
        services.AddScoped<NotificationText>();
        services.AddSingleton<DevelopmentSmsGateway>();
        services.AddHttpClient<HttpSmsGateway>(c => c.Timeout = TimeSpan.FromSeconds(15));
        services.AddTransient<ISmsGateway>(sp => string.Equals(sp.GetRequiredService<IOptions<FangkongOptions>>().Value.Notifications.Gateway, "http", StringComparison.OrdinalIgnoreCase)
            ? sp.GetRequiredService<HttpSmsGateway>()
            : sp.GetRequiredService<DevelopmentSmsGateway>());
        services.AddHostedService<NotificationWorker>();
        return services;
    }

    public static RouteGroupBuilder MapNotificationsEndpoints(this RouteGroupBuilder api)
    {
        var g = api.MapGroup("/notifications").WithTags("Notifications").RequireAuthorization(Permissions.NotificationsRead);
        g.MapGet("", async (NotificationService s, NotificationText text, bool below = false, bool unreadOnly = false, int take = 100) =>
            {
                var inbox = await s.InboxAsync(below, unreadOnly, take);
                return TypedResults.Ok(new
                {
                    inbox.Unread, inbox.Total,
                    Items = inbox.Items.Select(i => new { i.Id, i.ScopeKey, i.Unit, i.Kind, i.Level, i.Count, i.Detail, i.Subject, i.Link, i.CreatedAt, i.ReadAt, i.ReadBy, Text = text.Sentence(i.Kind, i.Level, i.Count, i.Detail, i.Subject) }),
                });
            })
            .WithName("Notifications_Inbox").WithSummary("The notices of the caller's unit, newest first, in words; below=true adds the units under it.");
        g.MapPost("/{id:long}/read", async Task<Results<NoContent, NotFound>> (long id, NotificationService s) =>
                await s.MarkReadAsync(id) is null ? TypedResults.NotFound() : TypedResults.NoContent())
            .WithName("Notifications_Read").WithSummary("Mark a notice read (for the whole unit).");
        g.MapPost("/read-all", async (NotificationService s) => TypedResults.Ok(new { marked = await s.MarkAllReadAsync() }))
            .WithName("Notifications_ReadAll").WithSummary("Mark every unread notice of the caller's unit read.");
        g.MapGet("/sms", async (NotificationService s, SmsStatus? status) => TypedResults.Ok(await s.OutboxAsync(status)))
            .WithName("Notifications_Sms").WithSummary("The text messages of the notices the caller sees (phones masked), with their gateway and status.");
        return api;
    }
}

/// <summary>
/// Queues and sends text messages for every county on a timer, on every node: queuing under the county's lease,
/// sending by leased batches (FOR UPDATE SKIP LOCKED on PostgreSQL), so nodes share the work and never send twice.
/// </summary>
public sealed class NotificationWorker(IServiceScopeFactory scopes, IOptions<FangkongOptions> options, TimeProvider time, ILogger<NotificationWorker> log) : BackgroundService
{
    // A claim is the holder plus 33 characters and must fit the lease column (100).
    private readonly string _holder = Truncate($"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}", 60);

    private static string Truncate(string s, int max) => s.Length <= max ? s : s[^max..];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var period = TimeSpan.FromSeconds(Math.Max(2, options.Value.Notifications.DispatchSeconds));
        using var timer = new PeriodicTimer(period);
        do
        {
            try { await DispatchAllAsync(stoppingToken); }
            catch (Exception e) when (e is not OperationCanceledException) { log.LogWarning(e, "notification dispatch failed; retrying in {Period}", period); }
        } while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>One pass: queue the messages of new notices, then send what is due (public for tests and the CLI).</summary>
    public async Task<DispatchResult> DispatchAllAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<ActorAccessor>().Current = Actor.System("notifications");
        var sp = scope.ServiceProvider;
        await using (var db = await sp.GetRequiredService<IDbContextFactory<FangkongDb>>().CreateDbContextAsync(ct))
            if (!(await db.Database.GetAppliedMigrationsAsync(ct)).Any()) return new DispatchResult(0, 0, 0, 0);
        List<string> counties;
        await using (var db = await sp.GetRequiredService<IDbContextFactory<FangkongDb>>().CreateDbContextAsync(ct))
            counties = await db.Nodes.Where(n => n.Level == JurisdictionLevel.County).Select(n => n.CountyCode).ToListAsync(ct);
        var dispatcher = ActivatorUtilities.CreateInstance<SmsDispatcher>(sp);
        var text = sp.GetRequiredService<NotificationText>();
        var directory = sp.GetRequiredService<JurisdictionDirectory>();
        var signature = options.Value.Notifications.Signature;
        var queued = 0;
        foreach (var county in counties)
            queued += await dispatcher.QueueAsync(county, n => text.Sms(signature, directory.PlaceLabel(n.ScopeKey), n), _holder, time.GetUtcNow().UtcDateTime, ct);
        var gateway = sp.GetRequiredService<ISmsGateway>();
        int sent = 0, failed = 0, retrying = 0;
        for (var round = 0; round < 20; round++)
        {
            var r = await dispatcher.SendDueAsync(gateway, _holder, time.GetUtcNow().UtcDateTime, ct);
            (sent, failed, retrying) = (sent + r.Sent, failed + r.Failed, retrying + r.Retrying);
            if (r.Sent + r.Failed + r.Retrying < SmsDispatcher.Batch) break;
        }
        if (queued + sent + failed + retrying > 0)
            log.LogInformation("text messages: {Queued} queued, {Sent} sent ({Gateway}), {Retrying} to retry, {Failed} given up", queued, sent, gateway.Name, retrying, failed);
        return new DispatchResult(queued, sent, failed, retrying);
    }
}
