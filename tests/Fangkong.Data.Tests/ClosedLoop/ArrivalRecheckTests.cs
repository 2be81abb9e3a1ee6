using Fangkong.Core.Accounts;
using Fangkong.Core.Arrivals;
using Fangkong.Core.Identifiers;
using Fangkong.Core.Jurisdictions;
using Fangkong.Core.Orders;
using Fangkong.Core.Policy;
using Fangkong.Data.Arrivals;
using Fangkong.Data.Infrastructure;
using Fangkong.Data.Orders;
using Fangkong.Data.Policy;
using Fangkong.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static Fangkong.Testing.CountyTestKit;

namespace Fangkong.Data.Tests.ClosedLoop;

/// <summary>
/// A place listed as a risk area after people left it and registered here: the closed loop classifies the county's
/// recent arrivals again on the stays they declared, on both engines.
/// </summary>
public class ArrivalRecheckTests
{
    private static readonly Actor System = new("system", "sweeper", JurisdictionScope.Of(County, County), new HashSet<string>(Permissions.All));

    private static ArrivalInput From(string place, int person, long villageId, string arrival = "2022-10-05") => new(
        "李晓东", DocumentNumber: ResidentId.Compose("410105", new DateOnly(1988, 6, 7), person), Phone: "13912340000",
        Origin: "河南省郑州市金水区" + place, Stops: [new StopInput("郑州市金水区" + place, D("2022-09-28"), D("2022-10-04"))],
        ArrivalDate: D(arrival), DestinationNodeId: villageId);

    private static Task<SweepResult> SweepAsync(TestDatabase db) =>
        Run(db, System, sp => Make<ClosedLoopSweeper>(sp).SweepAsync(County, db.Services.GetRequiredService<ExerciseClock>().GetUtcNow().UtcDateTime, "node-0"));

    private static Task<long> ListAsync(TestDatabase db, string place, RiskLevel level, string designated) =>
        Run(db, Command, sp => Make<RiskAreaService>(sp).CreateAsync(new RiskAreaInput("河南省郑州市金水区", place, level, D(designated), Source: "郑州市疫情防控指挥部通告"), "test"));

    [Theory, OnSqlite, OnPostgres]
    public async Task AReleasedArrival_FromAPlaceListedAfterwards_GetsAProposedOrder_OnceAndAudited(Engine engine)
    {
        await using var db = await TestDatabase.CreateAsync(engine);
        SetNow(db, "2022-10-05 09:00");
        await using (var ctx = await db.ContextAsync())
        {
            var village = await ctx.Nodes.Where(n => n.CountyCode == County && n.Level == JurisdictionLevel.Village).OrderBy(n => n.ScopeKey).FirstAsync();
            var township = village.ScopeKey[..ScopeKey.TownshipLength];
            var staff = As(Roles.CheckpointStaff, township);
            var register = (ArrivalInput input) => Run(db, staff, sp => Make<ArrivalService>(sp).RegisterAsync(input, ArrivalChannel.Checkpoint, "卡点1"));

            // Nothing listed on the day they arrive: released by the township.
            var released = await register(From("花园路街道锦绣小区", 21, village.Id));
            Assert.Equal(ArrivalStatus.ReleaseProposed, released.Status);
            Assert.True(await Run(db, As(Roles.TownshipTeam, township), sp => Make<ArrivalService>(sp).DecideAsync(released.Id, true, "无风险")));
            await SweepAsync(db); // the first check runs on the list as it is: nothing changes
            Assert.Equal(ArrivalStatus.Released, (await ctx.Arrivals.AsNoTracking().SingleAsync(a => a.Id == released.Id)).Status);

            // The compound is listed as high risk from 10-03, while they were still there.
            SetNow(db, "2022-10-06 10:00");
            await ListAsync(db, "花园路街道锦绣小区", RiskLevel.High, "2022-10-03");
            var sweep = await SweepAsync(db);
            Assert.Equal(1, sweep.Reclassified);

            var arrival = await ctx.Arrivals.AsNoTracking().SingleAsync(a => a.Id == released.Id);
            Assert.Equal(ArrivalStatus.OrderProposed, arrival.Status);
            Assert.True(ArrivalFlags.Has(arrival.Flags, ArrivalFlags.Reclassified));
            Assert.Equal("cn-9th#high-risk-area", arrival.RuleReference);
            var order = await ctx.Orders.AsNoTracking().Include(o => o.Tests).SingleAsync(o => o.Id == arrival.OrderId);
            Assert.Equal((OrderStatus.Proposed, Reasons.HighRiskArea, D("2022-10-04"), arrival.PersonId), (order.Status, order.Reasons, order.ExposureDate, (long?)order.PersonId));
            Assert.Equal(5, order.Tests.Count);
            Assert.StartsWith(township, order.ScopeKey);
            // The township is told, and the change carries its rule and why.
            var notice = await ctx.Notifications.AsNoTracking().SingleAsync(n => n.Kind == Core.Notifications.NotificationKinds.ArrivalReclassified && n.Subject == arrival.Reference);
            Assert.Equal((township, Reasons.HighRiskArea), (notice.ScopeKey, notice.Detail));
            Assert.Contains(await ctx.AuditEntries.AsNoTracking().Where(e => e.EntityType == "Arrival" && e.EntityId == arrival.Id.ToString()).ToListAsync(),
                e => e.Rule == "cn-9th#high-risk-area" && e.Reason == "risk areas or rules changed: arrival classified again");

            // The same list checked again changes nothing and tells nobody twice.
            Assert.Equal(0, (await SweepAsync(db)).Reclassified);
            SetNow(db, "2022-10-06 10:30");
            Assert.Equal(0, (await SweepAsync(db)).Reclassified);
            Assert.Equal(1, await ctx.Orders.CountAsync(o => o.PersonId == arrival.PersonId));
            Assert.Single(await ctx.Notifications.AsNoTracking().Where(n => n.Kind == Core.Notifications.NotificationKinds.ArrivalReclassified && n.Subject == arrival.Reference).ToListAsync());
        }
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task AConfirmedOrder_IsNeverChangedBehindTheTownship_TheArrivalIsFlagged_AndOldArrivalsAreLeftAlone(Engine engine)
    {
        await using var db = await TestDatabase.CreateAsync(engine);
        SetNow(db, "2022-09-18 09:00");
        await using var ctx = await db.ContextAsync();
        var village = await ctx.Nodes.Where(n => n.CountyCode == County && n.Level == JurisdictionLevel.Village).OrderBy(n => n.ScopeKey).FirstAsync();
        var township = village.ScopeKey[..ScopeKey.TownshipLength];
        var staff = As(Roles.CheckpointStaff, township);
        Task<ArrivalReceipt> Register(ArrivalInput input) => Run(db, staff, sp => Make<ArrivalService>(sp).RegisterAsync(input, ArrivalChannel.Checkpoint, "卡点1"));

        // An arrival of 09-18 from the same compound, long past any window by 10-06.
        var early = await Register(From("幸福路街道幸福小区", 31, village.Id, "2022-09-18") with { Stops = [new StopInput("郑州市金水区幸福路街道幸福小区", D("2022-09-12"), D("2022-09-17"))] });
        Assert.Equal(ArrivalStatus.ReleaseProposed, early.Status);

        // Medium risk first: a home-quarantine order, confirmed.
        SetNow(db, "2022-10-05 09:00");
        await ListAsync(db, "幸福路街道幸福小区", RiskLevel.Medium, "2022-09-01");
        var receipt = await Register(From("幸福路街道幸福小区", 32, village.Id));
        Assert.Equal((ArrivalStatus.OrderProposed, MeasureKinds.HomeQuarantine), (receipt.Status, receipt.MeasureKind));
        Assert.True(await Run(db, As(Roles.TownshipTeam, township), sp => Make<ArrivalService>(sp).DecideAsync(receipt.Id, true, "核实无误")));
        await SweepAsync(db);

        // Raised to high risk from 10-02: the confirmed order stays as the township confirmed it; the arrival is flagged, once.
        SetNow(db, "2022-10-06 10:00");
        await ListAsync(db, "幸福路街道幸福小区", RiskLevel.High, "2022-10-02");
        Assert.Equal(1, (await SweepAsync(db)).Reclassified);
        var arrival = await ctx.Arrivals.AsNoTracking().SingleAsync(a => a.Id == receipt.Id);
        Assert.Equal(ArrivalStatus.OrderConfirmed, arrival.Status);
        Assert.True(ArrivalFlags.Has(arrival.Flags, ArrivalFlags.ReclassifiedConfirmed));
        var order = await ctx.Orders.AsNoTracking().SingleAsync(o => o.Id == arrival.OrderId);
        Assert.Equal((OrderStatus.Active, Reasons.MediumRiskArea), (order.Status, order.Reasons));
        Assert.Equal(ArrivalStatus.ReleaseProposed, (await ctx.Arrivals.AsNoTracking().SingleAsync(a => a.Id == early.Id)).Status);

        // Another change to the list checks again, and the flagged arrival is not flagged or told twice.
        await ListAsync(db, "幸福路街道另一小区", RiskLevel.Low, "2022-10-06");
        Assert.Equal(0, (await SweepAsync(db)).Reclassified);
        Assert.Single(await ctx.Notifications.AsNoTracking().Where(n => n.Kind == Core.Notifications.NotificationKinds.ArrivalReclassified).ToListAsync());
    }

    /// <summary>The demo county shows it: people from a place listed after they arrived are back before their township.</summary>
    [Theory, OnSqlite, OnPostgres]
    public async Task TheDemo_ShowsArrivalsClassifiedAgain_AfterALateListing(Engine engine)
    {
        await using var db = await TestDatabase.CreateAsync(engine);
        SetNow(db, "2022-10-12 09:00");
        Assert.True(await Run(db, System, sp => Fangkong.Data.Demo.ClosedLoopDemo.SeedAsync(sp, 2022)) > 0);
        await using var ctx = await db.ContextAsync();
        var flagged = await ctx.Arrivals.AsNoTracking().Where(a => a.Flags != null && a.Flags.Contains(ArrivalFlags.Reclassified)).ToListAsync();
        Assert.NotEmpty(flagged);
        Assert.All(flagged, a =>
        {
            Assert.Equal(ArrivalStatus.OrderProposed, a.Status);
            Assert.Contains("小寨", a.OriginText);
        });
    }
}
