using System.Globalization;
using Fangkong.Core;
using Fangkong.Core.Accounts;
using Fangkong.Core.Arrivals;
using Fangkong.Core.Audit;
using Fangkong.Core.Identifiers;
using Fangkong.Core.Jurisdictions;
using Fangkong.Core.Orders;
using Fangkong.Core.People;
using Fangkong.Core.Policy;
using Fangkong.Data.Arrivals;
using Fangkong.Data.Audit;
using Fangkong.Data.Infrastructure;
using Fangkong.Data.Orders;
using Fangkong.Data.Policy;
using Fangkong.Data.Tasks;
using Fangkong.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using TaskStatus = Fangkong.Core.Tasks.TaskStatus;
using static Fangkong.Testing.CountyTestKit;

namespace Fangkong.Data.Tests.ClosedLoop;

/// <summary>The closed loop on both engines: arrival → classification → township decision → order → reports → tasks → release.</summary>
public class ClosedLoopTests
{
    private static string Id(int sequence) => ResidentId.Compose("410105", new DateOnly(1990, 3, 4), sequence);

    private static async Task<(long VillageId, string VillageKey)> AVillageAsync(TestDatabase db)
    {
        await using var ctx = await db.ContextAsync();
        var v = await ctx.Nodes.Where(n => n.CountyCode == County && n.Level == JurisdictionLevel.Village).OrderBy(n => n.ScopeKey).FirstAsync();
        return (v.Id, v.ScopeKey);
    }

    private static async Task ListHighRiskAsync(TestDatabase db) =>
        await Run(db, Command, sp => Make<RiskAreaService>(sp).CreateAsync(
            new RiskAreaInput("河南省郑州市金水区", "花园路街道锦绣小区", RiskLevel.High, D("2022-10-01"), Source: "郑州市疫情防控指挥部通告"), "test"));

    private static ArrivalInput FromJinshui(int person, long villageId, string arrival = "2022-10-05") => new(
        "王晓明", DocumentNumber: Id(person), Phone: "13912345678", Origin: "河南省郑州市金水区花园路街道锦绣小区",
        Stops: [new StopInput("郑州市金水区锦绣小区", D("2022-09-28"), D("2022-10-04"))], ArrivalDate: D(arrival), DestinationNodeId: villageId);

    [Theory, OnSqlite, OnPostgres]
    public async Task ANewArrival_LivesInTheHouseholdItsDestinationNames_AsTheRegistryWould(Engine engine)
    {
        await using var db = await TestDatabase.CreateAsync(engine);
        SetNow(db, "2022-10-05 09:00");
        await ListHighRiskAsync(db);
        var (villageId, villageKey) = await AVillageAsync(db);
        var staff = As(Roles.CheckpointStaff, villageKey[..ScopeKey.TownshipLength]);
        Task<ArrivalReceipt> Register(ArrivalInput input) => Run(db, staff, sp => Make<ArrivalService>(sp).RegisterAsync(input, ArrivalChannel.Checkpoint, "卡点1"));
        // Two people not in the registry, one household written two ways; a third gives no door at all.
        var first = await Register(FromJinshui(11, villageId) with { DestinationText = "3组18号" });
        var second = await Register(FromJinshui(12, villageId) with { Name = "王晓红", DestinationText = "三组 18号" });
        var third = await Register(FromJinshui(13, villageId) with { Name = "王晓亮", DestinationText = "村委会旁" });
        await using var ctx = await db.ContextAsync(Command);
        async Task<(long? Node, string Scope)> PersonOf(ArrivalReceipt r)
        {
            var personId = await ctx.Arrivals.Where(a => a.Id == r.Id).Select(a => a.PersonId!.Value).SingleAsync();
            return await ctx.People.Where(p => p.Id == personId).Select(p => new ValueTuple<long?, string>(p.NodeId, p.ScopeKey)).SingleAsync();
        }
        var (node, scope) = await PersonOf(first);
        var household = await ctx.Nodes.SingleAsync(n => n.Id == node);
        Assert.Equal((JurisdictionLevel.Household, "3组18号", villageId), (household.Level, household.Name, household.ParentId));
        Assert.StartsWith(villageKey, scope);
        Assert.Equal(household.ScopeKey, scope);
        Assert.Equal((node, scope), await PersonOf(second));
        Assert.Equal((villageId, villageKey), await PersonOf(third));
        // The proposed order sits at the household, where the village's cadre works it.
        var orderScope = await ctx.Orders.Where(o => o.Id == ctx.Arrivals.Where(a => a.Id == first.Id).Select(a => a.OrderId).Single()).Select(o => o.ScopeKey).SingleAsync();
        Assert.Equal(household.ScopeKey, orderScope);
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task HighRiskArrival_BecomesCentralizedOrder_WithTestsOnTheRightDays_ConfirmedByTheTownship(Engine engine)
    {
        await using var db = await TestDatabase.CreateAsync(engine);
        SetNow(db, "2022-10-05 09:00");
        await ListHighRiskAsync(db);
        var (villageId, villageKey) = await AVillageAsync(db);
        var township = villageKey[..ScopeKey.TownshipLength];

        var receipt = await Run(db, As(Roles.CheckpointStaff, township), sp => Make<ArrivalService>(sp).RegisterAsync(FromJinshui(1, villageId), ArrivalChannel.Checkpoint, "卡点1"));
        Assert.Equal(ArrivalStatus.OrderProposed, receipt.Status);
        Assert.Equal(Reasons.HighRiskArea, receipt.AppliedReason);
        Assert.Equal(MeasureKinds.CentralizedQuarantine, receipt.MeasureKind);
        Assert.Equal(D("2022-10-10"), receipt.EndDate);

        var arrival = await Run(db, Command, sp => Make<ArrivalService>(sp).GetAsync(receipt.Id));
        var order = await Run(db, Command, sp => Make<OrderService>(sp).GetAsync(arrival!.Arrival.OrderId!.Value));
        Assert.Equal(OrderStatus.Proposed, order!.Order.Status);
        Assert.Equal("cn-9th#high-risk-area", order.Order.RuleReference);
        Assert.Equal(D("2022-10-04"), order.Order.ExposureDate);
        Assert.Equal(["2022-10-04", "2022-10-05", "2022-10-06", "2022-10-08", "2022-10-10"], order.Tests.Select(t => t.Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)));

        // Another township cannot see it, let alone decide it.
        var other = await OtherTownshipAsync(db, township);
        Assert.Null(await Run(db, As(Roles.TownshipTeam, other), sp => Make<ArrivalService>(sp).GetAsync(receipt.Id)));
        Assert.False(await Run(db, As(Roles.TownshipTeam, other), sp => Make<ArrivalService>(sp).DecideAsync(receipt.Id, true, null)));

        Assert.True(await Run(db, As(Roles.TownshipTeam, township), sp => Make<ArrivalService>(sp).DecideAsync(receipt.Id, true, "核实无误")));
        order = await Run(db, Command, sp => Make<OrderService>(sp).GetAsync(order.Order.Id));
        Assert.Equal(OrderStatus.Active, order!.Order.Status);
        Assert.Equal(ControlStatus.UnderMeasure, await Run(db, Command, sp => Make<OrderService>(sp).ControlStatusAsync(order.Order.PersonId)));

        // Every status change is in the trail with its rule.
        await using var ctx = await db.ContextAsync();
        var entries = await ctx.AuditEntries.Where(e => e.EntityType == "ControlOrder" && e.EntityId == order.Order.Id.ToString(CultureInfo.InvariantCulture) && e.Action == "order.update").ToListAsync();
        Assert.Contains(entries, e => e.Rule == "cn-9th#high-risk-area" && e.Reason == "核实无误" && e.Changes!.Contains("Status"));
        // The registration's own entries (the person, the arrival, the proposed order) say why and under which rule.
        var (orderKey, arrivalKey, personKey) = (order.Order.Id.ToString(CultureInfo.InvariantCulture), receipt.Id.ToString(CultureInfo.InvariantCulture),
            order.Order.PersonId.ToString(CultureInfo.InvariantCulture));
        var created = await ctx.AuditEntries.Where(e => e.Action.EndsWith(".create") &&
            ((e.EntityType == "ControlOrder" && e.EntityId == orderKey) || (e.EntityType == "Arrival" && e.EntityId == arrivalKey) ||
             (e.EntityType == "Person" && e.EntityId == personKey))).ToListAsync();
        Assert.Equal(["arrival.create", "order.create", "person.create"], created.Select(e => e.Action).Where(a => a is "arrival.create" or "order.create" or "person.create").Order(StringComparer.Ordinal));
        Assert.All(created, e =>
        {
            Assert.Equal("cn-9th#high-risk-area", e.Rule);
            Assert.Equal("arrival registered (checkpoint)", e.Reason);
        });
    }

    /// <summary>The people list's badges: one call for a page of people, only those the caller can see, only those under an order.</summary>
    [Theory, OnSqlite, OnPostgres]
    public async Task ControlStatuses_ForAPageOfPeople_NameOnlyThoseUnderAnOrder_AndOnlyInScope(Engine engine)
    {
        await using var db = await TestDatabase.CreateAsync(engine);
        SetNow(db, "2022-10-05 09:00");
        await ListHighRiskAsync(db);
        var (villageId, villageKey) = await AVillageAsync(db);
        var township = villageKey[..ScopeKey.TownshipLength];
        var receipt = await Run(db, As(Roles.CheckpointStaff, township), sp => Make<ArrivalService>(sp).RegisterAsync(FromJinshui(1, villageId), ArrivalChannel.Checkpoint, "卡点1"));
        var personId = (await Run(db, Command, sp => Make<ArrivalService>(sp).GetAsync(receipt.Id)))!.Arrival.PersonId!.Value;
        long bystander;
        await using (var ctx = await db.ContextAsync())
            bystander = await ctx.People.Where(p => p.CountyCode == County && p.Id != personId && p.ScopeKey.StartsWith(township)).Select(p => p.Id).FirstAsync();
        Task<IReadOnlyDictionary<long, ControlStatus>> Statuses(Actor actor) => Run(db, actor, sp => Make<OrderService>(sp).ControlStatusesAsync([personId, bystander, personId]));

        // Proposed is not yet a measure; confirmed, the person is under one and the neighbour stays out of the answer.
        Assert.Empty(await Statuses(Command));
        Assert.True(await Run(db, As(Roles.TownshipTeam, township), sp => Make<ArrivalService>(sp).DecideAsync(receipt.Id, true, "核实无误")));
        var statuses = await Statuses(Command);
        Assert.Equal(ControlStatus.UnderMeasure, Assert.Single(statuses, s => s.Key == personId).Value);
        Assert.False(statuses.ContainsKey(bystander));
        Assert.Equal(statuses, await Statuses(As(Roles.TownshipTeam, township)));
        // Another township asks about the same ids and learns nothing.
        Assert.Empty(await Statuses(As(Roles.TownshipTeam, await OtherTownshipAsync(db, township))));
        Assert.Empty(await Run(db, Command, sp => Make<OrderService>(sp).ControlStatusesAsync([])));
    }

    private static async Task<string> OtherTownshipAsync(TestDatabase db, string township)
    {
        await using var ctx = await db.ContextAsync();
        return await ctx.Nodes.Where(n => n.CountyCode == County && n.Level == JurisdictionLevel.Township && n.ScopeKey != township).Select(n => n.ScopeKey).FirstAsync();
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task BadRegistrations_GetClearAnswers_AndASecondOneTheSameDayIsMerged(Engine engine)
    {
        await using var db = await TestDatabase.CreateAsync(engine);
        SetNow(db, "2022-10-05 09:00");
        await ListHighRiskAsync(db);
        var (villageId, _) = await AVillageAsync(db);
        var self = new Actor(null, "self-registration", JurisdictionScope.Of(County, County), new HashSet<string> { Permissions.ArrivalsRegister });

        var future = await Assert.ThrowsAsync<ValidationFailedException>(() => Run(db, self, sp => Make<ArrivalService>(sp).RegisterAsync(FromJinshui(2, villageId, "2022-10-06"), ArrivalChannel.Self, null)));
        Assert.Contains(future.Errors, e => e.Field == "arrivalDate" && e.Code == "date.future");
        var unknown = await Assert.ThrowsAsync<ValidationFailedException>(() => Run(db, self, sp => Make<ArrivalService>(sp).RegisterAsync(
            FromJinshui(2, villageId) with { Origin = "火星乌托邦平原" }, ArrivalChannel.Self, null)));
        Assert.Contains(unknown.Errors, e => e.Field == "origin" && e.Code == "place.unknown");
        var badId = await Assert.ThrowsAsync<ValidationFailedException>(() => Run(db, self, sp => Make<ArrivalService>(sp).RegisterAsync(
            FromJinshui(2, villageId) with { DocumentNumber = Id(2)[..17] + (Id(2)[17] == '1' ? '2' : '1') }, ArrivalChannel.Self, null)));
        Assert.Contains(badId.Errors, e => e.Field == "documentNumber");

        var first = await Run(db, self, sp => Make<ArrivalService>(sp).RegisterAsync(FromJinshui(2, villageId), ArrivalChannel.Self, "411326100"));
        var second = await Run(db, self, sp => Make<ArrivalService>(sp).RegisterAsync(FromJinshui(2, villageId) with { Vehicle = "豫R12345" }, ArrivalChannel.Self, "411326100"));
        Assert.False(first.Merged);
        Assert.True(second.Merged);
        Assert.Equal(first.Reference, second.Reference);
        await using var ctx = await db.ContextAsync();
        Assert.Equal(1, await ctx.Arrivals.CountAsync());
        Assert.Equal(2, (await ctx.Arrivals.SingleAsync()).Submissions);
        // One proposal stands; the earlier one was superseded, not duplicated.
        Assert.Equal(1, await ctx.Orders.CountAsync(o => o.Status == OrderStatus.Proposed));
        Assert.Equal(1, await ctx.People.CountAsync(p => p.Unregistered && p.Name == "王晓明"));
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task TheMigration_FoldsStoredDuplicates_KeepingTheDecidedOne_AndWithdrawingTheOthersProposal(Engine engine)
    {
        await using var db = await TestDatabase.CreateAsync(engine);
        SetNow(db, "2022-10-05 09:00");
        await ListHighRiskAsync(db);
        var (villageId, _) = await AVillageAsync(db);
        var self = new Actor(null, "self-registration", JurisdictionScope.Of(County, County), new HashSet<string> { Permissions.ArrivalsRegister });
        var first = await Run(db, self, sp => Make<ArrivalService>(sp).RegisterAsync(FromJinshui(51, villageId), ArrivalChannel.Self, null));
        await using var ctx = await db.ContextAsync();
        // Before the index existed, a race stored a second registration of the same day, and the township confirmed that one.
        await ctx.Database.ExecuteSqlRawAsync("""DROP INDEX "UX_Arrivals_Document_Day" """);
        var stored = await ctx.Arrivals.AsNoTracking().SingleAsync(a => a.Id == first.Id);
        var later = new Arrival
        {
            CountyCode = stored.CountyCode, ScopeKey = stored.ScopeKey, Reference = "FK22100599ZZZZ", Name = stored.Name, DocumentHash = stored.DocumentHash,
            ArrivalDate = stored.ArrivalDate, OriginText = stored.OriginText, TravelJson = "[]", Status = ArrivalStatus.OrderConfirmed,
            SubmittedAt = stored.SubmittedAt, UpdatedAt = stored.UpdatedAt, Version = 1, PersonId = stored.PersonId,
        };
        ctx.Arrivals.Add(later);
        await ctx.SaveChangesAsync();

        foreach (var sql in Fangkong.Data.Migrations.ArrivalOncePerDay.FoldDuplicates) await ctx.Database.ExecuteSqlRawAsync(sql);
        var rows = await ctx.Arrivals.AsNoTracking().Where(a => a.DocumentHash == stored.DocumentHash).ToDictionaryAsync(a => a.Id);
        Assert.Equal(ArrivalStatus.Cancelled, rows[first.Id].Status);
        Assert.Equal(ArrivalStatus.OrderConfirmed, rows[later.Id].Status);
        Assert.Equal(OrderStatus.Cancelled, await ctx.Orders.Where(o => o.Id == stored.OrderId).Select(o => o.Status).SingleAsync());
        // Run again: nothing more to fold.
        foreach (var sql in Fangkong.Data.Migrations.ArrivalOncePerDay.FoldDuplicates) Assert.Equal(0, await ctx.Database.ExecuteSqlRawAsync(sql));
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task APositiveLandingTest_RaisesTheTransferTask_ForTheArrivalsTownship(Engine engine)
    {
        await using var db = await TestDatabase.CreateAsync(engine);
        SetNow(db, "2022-10-05 09:00");
        var (villageId, villageKey) = await AVillageAsync(db);
        var township = villageKey[..ScopeKey.TownshipLength];
        var checkpoint = As(Roles.CheckpointStaff, township);
        var receipt = await Run(db, checkpoint, sp => Make<ArrivalService>(sp).RegisterAsync(
            FromJinshui(31, villageId) with { Origin = "河南省郑州市二七区", Stops = [] }, ArrivalChannel.Checkpoint, "卡点1"));
        SetNow(db, "2022-10-05 15:00");
        Assert.True(await Run(db, checkpoint, sp => Make<ArrivalService>(sp).LandingTestResultAsync(receipt.Id, "positive")));
        var detail = await Run(db, As(Roles.TownshipTeam, township), sp => Make<ArrivalService>(sp).GetAsync(receipt.Id));
        Assert.Equal("positive", detail!.LandingTestResult);
        Assert.NotNull(detail.LandingTestAt); // sampled when registered without a time: taken as now
        await using var ctx = await db.ContextAsync();
        var task = await ctx.Tasks.SingleAsync(t => t.ArrivalId == receipt.Id);
        Assert.Equal(("positive-transfer", township), (task.Kind, task.ScopeKey[..ScopeKey.TownshipLength]));
        Assert.True(await ctx.Notifications.AnyAsync(n => n.ScopeKey == task.ScopeKey));
        Assert.Equal(1, await ctx.AuditEntries.CountAsync(e => e.EntityType == "Arrival" && e.Rule == "landing-test#positive"));
        // A second result is refused: the first stands.
        await Assert.ThrowsAsync<ConflictException>(() => Run(db, checkpoint, sp => Make<ArrivalService>(sp).LandingTestResultAsync(receipt.Id, "negative")));
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task OnePersonRegisteringSixTimesAtOnce_IsOneArrival_OnePerson_OneProposal(Engine engine)
    {
        await using var db = await TestDatabase.CreateAsync(engine);
        SetNow(db, "2022-10-05 09:00");
        await ListHighRiskAsync(db);
        var (villageId, _) = await AVillageAsync(db);
        var self = new Actor(null, "self-registration", JurisdictionScope.Of(County, County), new HashSet<string> { Permissions.ArrivalsRegister });

        var receipts = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Task.Run(() =>
            Run(db, self, sp => Make<ArrivalService>(sp).RegisterAsync(FromJinshui(7, villageId), ArrivalChannel.Self, "411326100")))));
        Assert.Single(receipts.Select(r => r.Reference).Distinct());
        Assert.Equal(5, receipts.Count(r => r.Merged));
        await using var ctx = await db.ContextAsync();
        var arrival = await ctx.Arrivals.SingleAsync();
        Assert.Equal(6, arrival.Submissions);
        Assert.Equal(1, await ctx.People.CountAsync(p => p.Unregistered && p.Name == "王晓明"));
        Assert.Equal(1, await ctx.Orders.CountAsync(o => o.Status == OrderStatus.Proposed));

        // The database itself refuses a second live registration of the same person and day.
        ctx.Arrivals.Add(new Arrival
        {
            CountyCode = arrival.CountyCode, ScopeKey = arrival.ScopeKey, Reference = "X" + arrival.Reference[1..], Name = arrival.Name,
            DocumentHash = arrival.DocumentHash, ArrivalDate = arrival.ArrivalDate, OriginText = arrival.OriginText, TravelJson = "[]",
            SubmittedAt = arrival.SubmittedAt, UpdatedAt = arrival.UpdatedAt, Version = 1,
        });
        var refused = await Assert.ThrowsAsync<DbUpdateException>(() => ctx.SaveChangesAsync());
        Assert.True(DbErrors.IsUniqueViolation(refused));
    }

    private static Actor SelfRegistration => new(null, "self-registration", JurisdictionScope.Of(County, County), new HashSet<string> { Permissions.ArrivalsRegister });

    private static async Task<ArrivalDetail> DetailAsync(TestDatabase db, long id) => (await Run(db, Command, sp => Make<ArrivalService>(sp).GetAsync(id)))!;

    private static async Task<ControlOrder> OrderRowAsync(TestDatabase db, long id)
    {
        await using var ctx = await db.ContextAsync();
        return await ctx.Orders.AsNoTracking().Include(o => o.Measures).SingleAsync(o => o.Id == id);
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task ASecondRegistration_CannotCancelOrLoosenAProposal_OnlyMakeItStricter(Engine engine)
    {
        await using var db = await TestDatabase.CreateAsync(engine);
        SetNow(db, "2022-10-05 09:00");
        await ListHighRiskAsync(db);
        await Run(db, Command, sp => Make<RiskAreaService>(sp).CreateAsync(
            new RiskAreaInput("河南省郑州市二七区", "幸福小区", RiskLevel.Medium, D("2022-10-01"), Source: "test"), "test"));
        var (villageId, _) = await AVillageAsync(db);
        Task<ArrivalReceipt> Register(ArrivalInput input) => Run(db, SelfRegistration, sp => Make<ArrivalService>(sp).RegisterAsync(input, ArrivalChannel.Self, "411326100"));
        var medium = FromJinshui(61, villageId) with { Origin = "河南省郑州市二七区幸福小区", Stops = [new StopInput("郑州市二七区幸福小区", D("2022-09-28"), D("2022-10-04"))] };

        var first = await Register(medium);
        Assert.Equal((ArrivalStatus.OrderProposed, Reasons.MediumRiskArea, MeasureKinds.HomeQuarantine), (first.Status, first.AppliedReason, first.MeasureKind));
        var orderId = (await DetailAsync(db, first.Id)).Arrival.OrderId!.Value;

        // From a place with no risk, the same day: the proposal stands as it was; the arrival still shows what was declared first.
        var looser = await Register(medium with { Origin = "河南省洛阳市西工区", Stops = [] });
        Assert.Equal((first.Reference, true, ArrivalStatus.OrderProposed, MeasureKinds.HomeQuarantine), (looser.Reference, looser.Merged, looser.Status, looser.MeasureKind));
        var detail = await DetailAsync(db, first.Id);
        Assert.Equal((orderId, "河南省郑州市二七区幸福小区"), (detail.Arrival.OrderId, detail.Arrival.OriginText));
        var order = await OrderRowAsync(db, orderId);
        Assert.Equal((OrderStatus.Proposed, MeasureKinds.HomeQuarantine), (order.Status, order.CurrentKind));
        // What it declared is kept for the township, and flagged; the stay it added is on the arrival (a union, never less).
        Assert.True(ArrivalFlags.Has(detail.Arrival.Flags, ArrivalFlags.Resubmitted));
        Assert.Equal("河南省洛阳市西工区", Assert.Single(detail.Resubmissions!).Origin);
        Assert.Contains(detail.Stops, s => s.CountyCode == "410303");
        Assert.Contains(detail.Stops, s => s.Place == "幸福小区");

        // A health code looser than the one declared does not loosen it either.
        await Register(medium with { HealthCode = "yellow" });
        await Register(medium with { HealthCode = "green" });
        Assert.Equal("yellow", (await DetailAsync(db, first.Id)).HealthCode);

        // From the high-risk compound: stricter, so the same proposal (same order) becomes centralized quarantine.
        var stricter = await Register(FromJinshui(61, villageId));
        Assert.Equal((first.Reference, ArrivalStatus.OrderProposed, Reasons.HighRiskArea, MeasureKinds.CentralizedQuarantine),
            (stricter.Reference, stricter.Status, stricter.AppliedReason, stricter.MeasureKind));
        order = await OrderRowAsync(db, orderId);
        Assert.Equal((OrderStatus.Proposed, MeasureKinds.CentralizedQuarantine, "cn-9th#high-risk-area"), (order.Status, order.CurrentKind, order.RuleReference));
        Assert.Equal(MeasureKinds.CentralizedQuarantine, order.Measures.OrderBy(m => m.Sequence).First().Kind);
        Assert.Equal(orderId, (await DetailAsync(db, first.Id)).Arrival.OrderId);

        // Then the medium-risk registration once more: still centralized; nothing was cancelled along the way.
        await Register(medium);
        await using var ctx = await db.ContextAsync();
        Assert.Equal(0, await ctx.Orders.CountAsync(o => o.Status == OrderStatus.Cancelled));
        Assert.Equal([(orderId, OrderStatus.Proposed, MeasureKinds.CentralizedQuarantine)],
            (await ctx.Orders.AsNoTracking().ToListAsync()).Select(o => (o.Id, o.Status, o.CurrentKind)));
        Assert.Equal(6, (await ctx.Arrivals.SingleAsync()).Submissions);
        // The public confirmation page still shows the one reference.
        Assert.Equal(first.Reference, (await Run(db, SelfRegistration, sp => Make<ArrivalService>(sp).ReceiptAsync(first.Reference)))!.Reference);
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task ADecidedArrival_IsNotEditedByAResubmission_WhichIsKeptForReview_AndTheTownshipTold(Engine engine)
    {
        await using var db = await TestDatabase.CreateAsync(engine);
        SetNow(db, "2022-10-05 09:00");
        await ListHighRiskAsync(db);
        var (villageId, villageKey) = await AVillageAsync(db);
        var township = villageKey[..ScopeKey.TownshipLength];
        Task<ArrivalReceipt> Register(ArrivalInput input) => Run(db, SelfRegistration, sp => Make<ArrivalService>(sp).RegisterAsync(input, ArrivalChannel.Self, "411326100"));

        var first = await Register(FromJinshui(62, villageId));
        Assert.True(await Run(db, As(Roles.TownshipTeam, township), sp => Make<ArrivalService>(sp).DecideAsync(first.Id, true, "核实无误")));
        var before = await DetailAsync(db, first.Id);

        // The same data again: counted, nothing flagged.
        var same = await Register(FromJinshui(62, villageId));
        Assert.Equal((first.Reference, true, ArrivalStatus.OrderConfirmed), (same.Reference, same.Merged, same.Status));
        Assert.Null((await DetailAsync(db, first.Id)).Arrival.Flags);

        var again = await Register(FromJinshui(62, villageId) with { Origin = "河南省洛阳市西工区", Stops = [], Vehicle = "豫C12345" });
        Assert.Equal((first.Reference, true, ArrivalStatus.OrderConfirmed), (again.Reference, again.Merged, again.Status));
        var after = await DetailAsync(db, first.Id);
        Assert.Equal((before.Arrival.OriginText, before.Arrival.Reasons, before.Arrival.RuleReference, before.ClassificationNote, before.Vehicle, before.Arrival.OrderId),
            (after.Arrival.OriginText, after.Arrival.Reasons, after.Arrival.RuleReference, after.ClassificationNote, after.Vehicle, after.Arrival.OrderId));
        Assert.Equal(before.Stops, after.Stops);
        Assert.Equal((ArrivalStatus.OrderConfirmed, "核实无误", 3), (after.Arrival.Status, after.DecisionNote, after.Arrival.Submissions));
        Assert.Equal(OrderStatus.Active, (await OrderRowAsync(db, after.Arrival.OrderId!.Value)).Status);
        // Kept as sent, flagged, and the township has a notice pointing at the arrival.
        var kept = Assert.Single(after.Resubmissions!);
        Assert.Equal(("河南省洛阳市西工区", "豫C12345", ArrivalChannel.Self), (kept.Origin, kept.Vehicle, kept.Channel));
        Assert.True(ArrivalFlags.Has(after.Arrival.Flags, ArrivalFlags.Resubmitted));
        await using var ctx = await db.ContextAsync();
        var notice = await ctx.Notifications.SingleAsync(n => n.Kind == Core.Notifications.NotificationKinds.ArrivalResubmitted);
        Assert.Equal((township, first.Reference, $"/arrivals/{first.Id}"), (notice.ScopeKey, notice.Subject, notice.Link));
        Assert.Contains(await ctx.AuditEntries.Where(e => e.EntityType == "Arrival" && e.EntityId == first.Id.ToString(CultureInfo.InvariantCulture)).Select(e => e.Reason).ToListAsync(),
            r => r == "registered again the same day after the decision (kept for review)");
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task AnArrivalForAnotherTownship_IsDecidedByTheDestination_WithItsOrderThere_AndANameMismatchFlagged(Engine engine)
    {
        await using var db = await TestDatabase.CreateAsync(engine);
        SetNow(db, "2022-10-05 09:00");
        await ListHighRiskAsync(db);
        var (villageId, villageKey) = await AVillageAsync(db);
        var destination = villageKey[..ScopeKey.TownshipLength];
        string number, registeredName, home;
        await using (var ctx = await db.ContextAsync())
        {
            var person = await ctx.People.AsNoTracking().Where(p => p.CountyCode == County && p.IdValid && p.DocumentType == DocumentType.ResidentId
                && !p.ScopeKey.StartsWith(destination)).OrderBy(p => p.Id).FirstAsync();
            (number, registeredName, home) = (person.DocumentNumber!, person.Name, person.ScopeKey[..ScopeKey.TownshipLength]);
        }
        Assert.NotEqual(destination, home);

        // Someone registered in township B arrives for a village of township A, under a name that is not the registry's.
        var receipt = await Run(db, As(Roles.CheckpointStaff, destination), sp => Make<ArrivalService>(sp).RegisterAsync(
            FromJinshui(1, villageId) with { Name = "假名字", DocumentNumber = number }, ArrivalChannel.Checkpoint, "卡点1"));
        Assert.Equal(ArrivalStatus.OrderProposed, receipt.Status);
        var detail = await DetailAsync(db, receipt.Id);
        Assert.True(ArrivalFlags.Has(detail.Arrival.Flags, ArrivalFlags.NameMismatch));
        Assert.Equal("假名字", detail.Arrival.Name);
        var order = await OrderRowAsync(db, detail.Arrival.OrderId!.Value);
        Assert.Equal(villageKey, order.ScopeKey);
        Assert.StartsWith(destination, detail.Arrival.ScopeKey);

        // Township B sees neither; township A sees both and decides.
        Assert.False(await Run(db, As(Roles.TownshipTeam, home), sp => Make<ArrivalService>(sp).DecideAsync(receipt.Id, true, null)));
        Assert.Null(await Run(db, As(Roles.TownshipTeam, home), sp => Make<OrderService>(sp).GetAsync(order.Id)));
        var seen = await Run(db, As(Roles.TownshipTeam, destination), sp => Make<OrderService>(sp).GetAsync(order.Id));
        Assert.Equal(registeredName, seen!.Order.PersonName);
        Assert.True(await Run(db, As(Roles.TownshipTeam, destination), sp => Make<ArrivalService>(sp).DecideAsync(receipt.Id, true, "核实无误")));
        Assert.Equal(OrderStatus.Active, (await OrderRowAsync(db, order.Id)).Status);
        await using var check = await db.ContextAsync();
        Assert.StartsWith(home, await check.People.Where(p => p.Id == order.PersonId).Select(p => p.ScopeKey).SingleAsync());

        // The same name as the registry's is not flagged.
        var plain = await Run(db, As(Roles.CheckpointStaff, destination), sp => Make<ArrivalService>(sp).RegisterAsync(
            FromJinshui(1, villageId, "2022-10-04") with { Name = registeredName, DocumentNumber = number }, ArrivalChannel.Checkpoint, "卡点1"));
        Assert.Null((await DetailAsync(db, plain.Id)).Arrival.Flags);
    }

    private static async Task<long> ActiveCloseContactAsync(TestDatabase db, string exposure)
    {
        await using var ctx = await db.ContextAsync();
        var personId = await ctx.People.Where(p => p.CountyCode == County).OrderBy(p => p.Id).Select(p => p.Id).FirstAsync();
        return await Run(db, Command, sp => Make<OrderService>(sp).CreateAsync(new OrderCreate(personId, [Reasons.CloseContact], D(exposure), Note: "流调判定密接")));
    }

    /// <summary>
    /// Supervisors draw orders in force at random for call-back spot checks: only within their jurisdiction, never more
    /// than asked, and not those already checked today.
    /// </summary>
    [Theory, OnSqlite, OnPostgres]
    public async Task SpotChecks_AreDrawnAtRandom_InScope_AndNotTwiceADay(Engine engine)
    {
        await using var db = await TestDatabase.CreateAsync(engine);
        SetNow(db, "2022-10-05 08:00");
        List<(long Id, string ScopeKey)> people;
        await using (var ctx = await db.ContextAsync())
            people = (await ctx.People.Where(p => p.CountyCode == County && p.ScopeKey.Length >= ScopeKey.VillageLength).OrderBy(p => p.Id).Take(6).Select(p => new { p.Id, p.ScopeKey }).ToListAsync())
                .Select(p => (p.Id, p.ScopeKey)).ToList();
        foreach (var (id, _) in people)
            await Run(db, Command, sp => Make<OrderService>(sp).CreateAsync(new OrderCreate(id, [Reasons.CloseContact], D("2022-10-05"), Note: "流调判定密接")));
        var supervisor = As(Roles.Supervisor, County);
        var four = await Run(db, supervisor, sp => Make<MonitoringService>(sp).DrawSpotChecksAsync(4));
        Assert.Equal(4, four.Count);
        Assert.Equal(4, four.Select(d => d.OrderId).Distinct().Count());
        var all = await Run(db, supervisor, sp => Make<MonitoringService>(sp).DrawSpotChecksAsync(50));
        Assert.Equal(6, all.Count);
        // Checked today: not drawn again today.
        Assert.True(await Run(db, supervisor, sp => Make<MonitoringService>(sp).SpotCheckAsync(all[0].OrderId, new SpotCheckInput("phone", SpotCheckOutcome.AtHomeAndWell, "在家"))));
        Assert.DoesNotContain(all[0].OrderId, (await Run(db, supervisor, sp => Make<MonitoringService>(sp).DrawSpotChecksAsync(50))).Select(d => d.OrderId));
        // A township's supervisor draws only its own.
        var township = people[0].ScopeKey[..ScopeKey.TownshipLength];
        var local = await Run(db, As(Roles.Supervisor, township), sp => Make<MonitoringService>(sp).DrawSpotChecksAsync(50));
        Assert.All(local, d => Assert.StartsWith(township, d.ScopeKey));
        Assert.Subset(all.Select(d => d.OrderId).ToHashSet(), local.Select(d => d.OrderId).ToHashSet());
        Assert.Equal(all.Count(d => d.ScopeKey.StartsWith(township, StringComparison.Ordinal) && d.OrderId != all[0].OrderId), local.Count);
        // Without the permission: refused.
        await Assert.ThrowsAsync<ForbiddenException>(() => Run(db, As(Roles.VillageCadre, township), sp => Make<MonitoringService>(sp).DrawSpotChecksAsync(5)));
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task ASecondaryContact_IsReleasedOnlyOnceTheLinkedContactsFirstTwoTestsAreNegative_AndUpgradedIfTheyTurnPositive(Engine engine)
    {
        await using var db = await TestDatabase.CreateAsync(engine);
        SetNow(db, "2022-10-04 09:00");
        List<long> people;
        await using (var c = await db.ContextAsync())
            people = await c.People.Where(p => p.CountyCode == County).OrderBy(p => p.Id).Select(p => p.Id).Take(4).ToListAsync();
        OrderService Orders(IServiceProvider sp) => Make<OrderService>(sp);
        Task<long> Open(long person, string reason, long? linked = null) =>
            Run(db, Command, sp => Orders(sp).CreateAsync(new OrderCreate(person, [reason], D("2022-10-04"), LinkedOrderId: linked)));
        var contact = await Open(people[0], Reasons.CloseContact);
        var otherContact = await Open(people[3], Reasons.CloseContact);
        // Only a secondary contact is linked, and only to a close contact's order.
        Assert.Contains((await Assert.ThrowsAsync<ValidationFailedException>(() => Open(people[1], Reasons.CloseContact, contact))).Errors, e => e.Code == "order.link-not-secondary");
        var secondary = await Open(people[1], Reasons.SecondaryContact, contact);
        Assert.Contains((await Assert.ThrowsAsync<ValidationFailedException>(() => Open(people[2], Reasons.SecondaryContact, secondary))).Errors, e => e.Code == "order.link-not-close-contact");
        var upgraded = await Open(people[2], Reasons.SecondaryContact, otherContact);
        Assert.Equal(contact, (await Run(db, Command, sp => Orders(sp).GetAsync(secondary)))!.LinkedOrderId);

        // Day 7 (10-10) is over; the secondary contact's own tests (days 1, 4, 7) are negative, the contact's day 1 only.
        SetNow(db, "2022-10-11 09:00");
        foreach (var day in new[] { 1, 4, 7 })
            foreach (var order in new[] { secondary, upgraded })
                Assert.True(await Run(db, Command, sp => Orders(sp).RecordTestAsync(order, new TestResultInput(day, TestStatus.Negative))));
        Assert.True(await Run(db, Command, sp => Orders(sp).RecordTestAsync(contact, new TestResultInput(1, TestStatus.Negative))));
        Assert.Equal("linked-contact-pending", (await Run(db, Command, sp => Orders(sp).GetAsync(secondary)))!.ReleaseBlocker);
        Assert.Equal("release.linked-contact-pending", (await Assert.ThrowsAsync<ConflictException>(() => Run(db, Command, sp => Orders(sp).ReleaseAsync(secondary, "期满")))).Code);
        Assert.True(await Run(db, Command, sp => Orders(sp).RecordTestAsync(contact, new TestResultInput(2, TestStatus.Negative))));
        Assert.Null((await Run(db, Command, sp => Orders(sp).GetAsync(secondary)))!.ReleaseBlocker);
        Assert.True(await Run(db, Command, sp => Orders(sp).ReleaseAsync(secondary, "本人及对应密接前2次核酸均阴性")));

        // The other contact turns positive: their secondary contact is held and the sweep asks for a close-contact order, once.
        Assert.True(await Run(db, Command, sp => Orders(sp).RecordTestAsync(otherContact, new TestResultInput(1, TestStatus.Positive))));
        Assert.Equal("linked-contact-positive", (await Run(db, Command, sp => Orders(sp).GetAsync(upgraded)))!.ReleaseBlocker);
        var system = new Actor("system", "sweeper", JurisdictionScope.Of(County, County), new HashSet<string>(Permissions.All));
        var now = db.Services.GetRequiredService<ExerciseClock>().GetUtcNow().UtcDateTime;
        Assert.Equal(1, (await Run(db, system, sp => Make<ClosedLoopSweeper>(sp).SweepAsync(County, now, "node-0"))).SecondaryUpgrades);
        Assert.Equal(0, (await Run(db, system, sp => Make<ClosedLoopSweeper>(sp).SweepAsync(County, now.AddMinutes(1), "node-0"))).SecondaryUpgrades);
        await using var ctx = await db.ContextAsync(Command);
        var task = await ctx.Tasks.SingleAsync(t => t.Kind == "secondary-upgrade");
        Assert.Equal((upgraded, people[2]), (task.OrderId, task.PersonId));
    }

    /// <summary>
    /// A secondary contact often lives in another township than the close contact they met, whose order their cadre
    /// cannot see: the close contact is found across the county by ID or phone number (masked, access-logged with the
    /// hash only), and the link is checked again on saving (an open close-contact order of the county).
    /// </summary>
    [Theory, OnSqlite, OnPostgres]
    public async Task ASecondaryContact_IsLinkedToAnotherTownshipsCloseContact_FoundByIdNumber(Engine engine)
    {
        await using var db = await TestDatabase.CreateAsync(engine);
        SetNow(db, "2022-10-04 09:00");
        List<Fangkong.Core.People.Person> people;
        await using (var c = await db.ContextAsync())
            people = await c.People.Where(p => p.CountyCode == County && p.ScopeKey.Length >= ScopeKey.TownshipLength && p.IdValid
                && p.DocumentType == DocumentType.ResidentId && p.PhoneHash != null).OrderBy(p => p.Id).Take(400).ToListAsync();
        var townshipA = people[0].ScopeKey[..ScopeKey.TownshipLength];
        var secondaryPerson = people[0];
        var townshipB = people.First(p => !p.ScopeKey.StartsWith(townshipA, StringComparison.Ordinal)).ScopeKey[..ScopeKey.TownshipLength];
        var inB = people.Where(p => p.ScopeKey.StartsWith(townshipB, StringComparison.Ordinal)).ToList();
        var (contact, cancelledContact, noOrder) = (inB[0], inB[1], inB[2]);
        var cadreA = As(Roles.TownshipTeam, townshipA);
        var cadreB = As(Roles.TownshipTeam, townshipB);
        OrderService Orders(IServiceProvider sp) => Make<OrderService>(sp);
        Task<long> Open(Actor actor, long person, string reason, long? linked = null) =>
            Run(db, actor, sp => Orders(sp).CreateAsync(new OrderCreate(person, [reason], D("2022-10-03"), LinkedOrderId: linked)));
        Task<IReadOnlyList<CloseContactMatch>> Find(string identifier) => Run(db, cadreA, sp => Orders(sp).FindCloseContactAsync(identifier));

        var contactOrder = await Open(cadreB, contact.Id, Reasons.CloseContact);
        var cancelled = await Open(cadreB, cancelledContact.Id, Reasons.CloseContact);
        Assert.True(await Run(db, cadreB, sp => Orders(sp).CancelAsync(cancelled, "判定有误")));
        await Open(cadreB, noOrder.Id, "yellow-code");
        // Township A's cadre does not see township B's close contacts among its own.
        Assert.DoesNotContain((await Run(db, cadreA, sp => Orders(sp).SearchAsync(new OrderQuery(OpenOnly: true, Reason: Reasons.CloseContact)))).Items, o => o.Id == contactOrder);

        // Found by the ID number as typed (spaced, lower-case x folded): masked, with township B's name.
        var spaced = contact.DocumentNumber![..6] + " " + contact.DocumentNumber[6..14] + " " + contact.DocumentNumber[14..].ToLowerInvariant();
        var match = Assert.Single(await Find(spaced));
        string townshipName;
        await using (var c = await db.ContextAsync())
            townshipName = await c.Nodes.Where(n => n.CountyCode == County && n.ScopeKey == townshipB).Select(n => n.Name).SingleAsync();
        Assert.Equal(new CloseContactMatch(contactOrder, Masking.Name(contact.Name), contact.DocumentMasked, townshipName, Reasons.CloseContact, D("2022-10-03")), match);
        Assert.NotEqual(contact.Name, match.NameMasked);
        // By the phone number too.
        Assert.Contains(await Find(contact.Phone!), m => m.OrderId == contactOrder);

        // Linked from township A; the link is read back on the secondary contact's order.
        var secondary = await Open(cadreA, secondaryPerson.Id, Reasons.SecondaryContact, match.OrderId);
        Assert.Equal(contactOrder, (await Run(db, cadreA, sp => Orders(sp).GetAsync(secondary)))!.LinkedOrderId);

        // A mistyped digit is refused naming the field and why; nothing is searched.
        var last = contact.DocumentNumber[^1];
        var wrong = contact.DocumentNumber[..^1] + (last == '1' ? '2' : '1');
        var refused = await Assert.ThrowsAsync<ValidationFailedException>(() => Find(wrong));
        Assert.Equal((OrderService.CloseContactField, "id.check-character"), (refused.Errors.Single().Field, refused.Errors.Single().Code));
        Assert.Equal("phone.invalid", (await Assert.ThrowsAsync<ValidationFailedException>(() => Find("1380000"))).Errors.Single().Code);
        // Nobody without an open close-contact order is found: a cancelled one, another reason, nothing at all.
        Assert.Empty(await Find(cancelledContact.DocumentNumber!));
        Assert.Empty(await Find(noOrder.DocumentNumber!));
        Assert.Empty(await Find(secondaryPerson.DocumentNumber!));
        // The server checks the link whatever the form sent: not to a closed order (the one looked up, cancelled since),
        // not to a secondary contact's.
        var another = people.First(p => p.Id != secondaryPerson.Id && p.ScopeKey.StartsWith(townshipA, StringComparison.Ordinal));
        Assert.True(await Run(db, cadreB, sp => Orders(sp).CancelAsync(contactOrder, "判定有误")));
        Assert.Equal("order.link-closed", (await Assert.ThrowsAsync<ValidationFailedException>(() => Open(cadreA, another.Id, Reasons.SecondaryContact, contactOrder))).Errors.Single().Code);
        Assert.Equal("order.link-not-close-contact", (await Assert.ThrowsAsync<ValidationFailedException>(() => Open(cadreA, another.Id, Reasons.SecondaryContact, secondary))).Errors.Single().Code);
        // Township B's order that no look-up returned (cancelled before any) is refused as an unknown order would be: the
        // refusal tells neither that it exists nor that it is closed.
        var unknown = (await Assert.ThrowsAsync<ValidationFailedException>(() => Open(cadreA, another.Id, Reasons.SecondaryContact, long.MaxValue))).Errors.Single();
        Assert.Equal(("linkedOrderId", "order.link-not-close-contact"), (unknown.Field, unknown.Code));
        Assert.Equal(unknown, (await Assert.ThrowsAsync<ValidationFailedException>(() => Open(cadreA, another.Id, Reasons.SecondaryContact, cancelled))).Errors.Single());
        // Only those who manage orders may look.
        await Assert.ThrowsAsync<ForbiddenException>(() => Run(db, As(Roles.CheckpointStaff, townshipA), sp => Orders(sp).FindCloseContactAsync(contact.DocumentNumber)));

        // Every look-up (not the refused ones) is in the access log: who, how, the keyed hash, never the number.
        await using var ctx = await db.ContextAsync(Command);
        var logged = await ctx.AuditEntries.Where(e => e.Action == "order.close-contact-lookup").OrderBy(e => e.Id).ToListAsync();
        Assert.Equal(5, logged.Count);
        Assert.All(logged, e => Assert.Equal((AuditKind.Access, cadreA.Id, townshipA), (e.Kind, e.ActorId, e.ScopeKey)));
        var idHash = Convert.ToHexString(ctx.Protector.Hash(Fangkong.Data.Security.BlindIndex.DocumentPurpose(DocumentType.ResidentId), contact.DocumentNumber)!);
        Assert.Contains(idHash, logged[0].Changes);
        Assert.Equal(contactOrder.ToString(CultureInfo.InvariantCulture), logged[0].EntityId);
        // It names the orders it returned (what this account may then link to), none for a look-up that found nothing.
        Assert.Contains((CloseContactLookups.FoundField, (string?)null, (string?)contactOrder.ToString(CultureInfo.InvariantCulture)), AuditChanges.Parse(logged[0].Changes));
        Assert.DoesNotContain(AuditChanges.Parse(logged[2].Changes), c => c.Field == CloseContactLookups.FoundField);
        Assert.Contains("phone", logged[1].Changes);
        foreach (var secret in new[] { contact.DocumentNumber, contact.Phone!, cancelledContact.DocumentNumber!, noOrder.DocumentNumber! })
            Assert.DoesNotContain(await ctx.AuditEntries.Select(e => e.Changes).ToListAsync(), c => c != null && c.Contains(secret, StringComparison.Ordinal));
    }

    /// <summary>
    /// The county-wide look-up could be used to probe who is under control anywhere in the county: an account may make
    /// at most 30 look-ups in a sliding ten minutes, counted from the access log (shared by every node); the 31st is
    /// refused with the minutes to wait and writes nothing; another account is not affected; once the oldest look-up
    /// has left the window, one more is allowed.
    /// </summary>
    [Theory, OnSqlite, OnPostgres]
    public async Task CloseContactLookUps_AreLimitedTo30InTenMinutes_PerAccount(Engine engine)
    {
        await using var db = await TestDatabase.CreateAsync(engine);
        SetNow(db, "2022-10-04 09:00");
        Fangkong.Core.People.Person person;
        await using (var c = await db.ContextAsync())
            person = await c.People.Where(p => p.CountyCode == County && p.ScopeKey.Length >= ScopeKey.TownshipLength && p.IdValid
                && p.DocumentType == DocumentType.ResidentId).OrderBy(p => p.Id).FirstAsync();
        var township = person.ScopeKey[..ScopeKey.TownshipLength];
        var cadre = As(Roles.TownshipTeam, township);
        var colleague = cadre with { Id = "test-colleague", Name = "测试同事" };
        Task<IReadOnlyList<CloseContactMatch>> Find(Actor actor) => Run(db, actor, sp => Make<OrderService>(sp).FindCloseContactAsync(person.DocumentNumber));
        async Task<int> Logged(Actor actor)
        {
            await using var ctx = await db.ContextAsync(Command);
            return await ctx.AuditEntries.CountAsync(e => e.Action == OrderService.CloseContactLookupAction && e.ActorId == actor.Id);
        }
        async Task AssertRefused(int minutes)
        {
            var refused = await Assert.ThrowsAsync<RateLimitedException>(() => Find(cadre));
            Assert.Equal((OrderService.LookupRateLimited, minutes), (refused.Code, refused.RetryAfterMinutes));
        }

        // One at 09:00, 29 at 09:05: thirty in ten minutes, each allowed.
        await Find(cadre);
        SetNow(db, "2022-10-04 09:05");
        for (var i = 0; i < 29; i++) await Find(cadre);
        Assert.Equal(30, await Logged(cadre));

        // The 31st is refused until 09:00's leaves the window at 09:10, and nothing is written for it.
        SetNow(db, "2022-10-04 09:05:30");
        await AssertRefused(5);
        SetNow(db, "2022-10-04 09:09:50");
        await AssertRefused(1);
        Assert.Equal(30, await Logged(cadre));
        // Another account of the same township is not affected.
        await Find(colleague);
        Assert.Equal(1, await Logged(colleague));

        // 09:00's has left the window: one more; then the 29 of 09:05 and this one fill it again until 09:15.
        SetNow(db, "2022-10-04 09:10:30");
        await Find(cadre);
        Assert.Equal(31, await Logged(cadre));
        await AssertRefused(5);
        Assert.Equal(31, await Logged(cadre));
    }

    /// <summary>
    /// A secondary contact's order is linked to an order of the caller's own jurisdiction, or to one of another township
    /// that a close-contact look-up by the same account returned in the last day; any other order of the county is
    /// refused exactly as an unknown id is, so linking cannot be used to learn of orders the account cannot see.
    /// </summary>
    [Theory, OnSqlite, OnPostgres]
    public async Task LinkingAnotherTownshipsOrder_NeedsALookUpOfIt_ByTheSameAccount_WithinADay(Engine engine)
    {
        await using var db = await TestDatabase.CreateAsync(engine);
        SetNow(db, "2022-10-04 09:00");
        List<Fangkong.Core.People.Person> people;
        await using (var c = await db.ContextAsync())
            people = await c.People.Where(p => p.CountyCode == County && p.ScopeKey.Length >= ScopeKey.TownshipLength && p.IdValid
                && p.DocumentType == DocumentType.ResidentId).OrderBy(p => p.Id).Take(400).ToListAsync();
        var townshipA = people[0].ScopeKey[..ScopeKey.TownshipLength];
        var townshipB = people.First(p => !p.ScopeKey.StartsWith(townshipA, StringComparison.Ordinal)).ScopeKey[..ScopeKey.TownshipLength];
        var inA = people.Where(p => p.ScopeKey.StartsWith(townshipA, StringComparison.Ordinal)).ToList();
        var inB = people.Where(p => p.ScopeKey.StartsWith(townshipB, StringComparison.Ordinal)).ToList();
        var cadreA = As(Roles.TownshipTeam, townshipA);
        var colleagueA = cadreA with { Id = "test-colleague", Name = "测试同事" };
        var cadreB = As(Roles.TownshipTeam, townshipB) with { Id = "test-cadre-b" };
        OrderService Orders(IServiceProvider sp) => Make<OrderService>(sp);
        Task<long> Open(Actor actor, long person, string reason, long? linked = null) =>
            Run(db, actor, sp => Orders(sp).CreateAsync(new OrderCreate(person, [reason], D("2022-10-03"), LinkedOrderId: linked)));
        async Task<FieldError> Refused(Actor actor, long person, long linked) =>
            (await Assert.ThrowsAsync<ValidationFailedException>(() => Open(actor, person, Reasons.SecondaryContact, linked))).Errors.Single();

        var ownContact = await Open(cadreA, inA[0].Id, Reasons.CloseContact);
        var theirContact = await Open(cadreB, inB[0].Id, Reasons.CloseContact);
        var unknown = await Refused(cadreA, inA[1].Id, long.MaxValue);
        Assert.Equal(("linkedOrderId", "order.link-not-close-contact"), (unknown.Field, unknown.Code));

        // Within the cadre's own township: linked without a look-up.
        var linkedOwn = await Open(cadreA, inA[1].Id, Reasons.SecondaryContact, ownContact);
        Assert.Equal(ownContact, (await Run(db, cadreA, sp => Orders(sp).GetAsync(linkedOwn)))!.LinkedOrderId);

        // Township B's open close-contact order, never looked up: refused exactly as an unknown id.
        Assert.Equal(unknown, await Refused(cadreA, inA[2].Id, theirContact));
        // Looked up by a colleague, not by this account: still refused for this account.
        Assert.Contains(await Run(db, colleagueA, sp => Orders(sp).FindCloseContactAsync(inB[0].DocumentNumber)), m => m.OrderId == theirContact);
        Assert.Equal(unknown, await Refused(cadreA, inA[2].Id, theirContact));
        // A look-up by this account of someone else returns other orders only: still refused.
        var theirOther = await Open(cadreB, inB[1].Id, Reasons.CloseContact);
        Assert.Contains(await Run(db, cadreA, sp => Orders(sp).FindCloseContactAsync(inB[1].DocumentNumber)), m => m.OrderId == theirOther);
        Assert.Equal(unknown, await Refused(cadreA, inA[2].Id, theirContact));

        // Once this account's look-up returned it: linked.
        Assert.Contains(await Run(db, cadreA, sp => Orders(sp).FindCloseContactAsync(inB[0].DocumentNumber)), m => m.OrderId == theirContact);
        var linked = await Open(cadreA, inA[2].Id, Reasons.SecondaryContact, theirContact);
        Assert.Equal(theirContact, (await Run(db, cadreA, sp => Orders(sp).GetAsync(linked)))!.LinkedOrderId);

        // A day after the look-up, the other order it returned may no longer be linked; the own township's still may.
        SetNow(db, "2022-10-05 09:01");
        Assert.Equal(unknown, await Refused(cadreA, inA[3].Id, theirOther));
        await Open(cadreA, inA[3].Id, Reasons.SecondaryContact, ownContact);
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task MissedEveningReport_RaisesATask_ThatEscalatesOnce_EvenWithTwoSweepers(Engine engine)
    {
        await using var db = await TestDatabase.CreateAsync(engine);
        SetNow(db, "2022-10-05 08:00");
        var orderId = await ActiveCloseContactAsync(db, "2022-10-05");
        await Run(db, As(Roles.VillageCadre, County), sp => Make<MonitoringService>(sp).ReportAsync(orderId, new ReportInput(ReportSlot.Morning, 36.5m)));

        SetNow(db, "2022-10-05 21:30");
        var system = new Actor("system", "sweeper", JurisdictionScope.Of(County, County), new HashSet<string>(Permissions.All));
        var now = db.Services.GetRequiredService<ExerciseClock>().GetUtcNow().UtcDateTime;
        var results = await Task.WhenAll(Enumerable.Range(0, 2).Select(i => Run(db, system, sp => Make<ClosedLoopSweeper>(sp).SweepAsync(County, now, "node-" + i))));
        Assert.Contains(results, r => r.Ran);

        await using (var ctx = await db.ContextAsync())
        {
            var task = await ctx.Tasks.SingleAsync(t => t.OrderId == orderId);
            Assert.Equal("missed-report", task.Kind);
            Assert.Equal(Core.Tasks.TaskTitle.MissedReport(D("2022-10-05"), ReportSlot.Evening), Core.Tasks.TaskTitle.Parse(task.Title));
            Assert.Equal(0, task.EscalationLevel);
        }

        // Not handled within the configured time: two nodes sweep at once, the task goes up exactly one level.
        SetNow(db, "2022-10-06 00:00");
        now = db.Services.GetRequiredService<ExerciseClock>().GetUtcNow().UtcDateTime;
        await Task.WhenAll(Enumerable.Range(0, 2).Select(i => Run(db, system, sp => Make<ClosedLoopSweeper>(sp).SweepAsync(County, now, "node-" + i))));
        await Run(db, system, sp => Make<ClosedLoopSweeper>(sp).SweepAsync(County, now, "node-0"));
        await using (var ctx = await db.ContextAsync())
        {
            var task = await ctx.Tasks.SingleAsync(t => t.OrderId == orderId && t.Kind == "missed-report");
            Assert.Equal(1, task.EscalationLevel);
            Assert.Equal(task.OriginalScopeKey[..ScopeKey.TownshipLength], task.ScopeKey);
            Assert.Equal(1, await ctx.AuditEntries.CountAsync(e => e.Action == "task.update" && e.Rule == "escalation#level-1"));
        }

        // The ledger of missed reports names who missed it and how to reach them (masked), with the due time as the
        // county's clocks read it.
        DateTime dueUtc;
        string name;
        await using (var ctx = await db.ContextAsync())
        {
            dueUtc = (await ctx.Tasks.SingleAsync(t => t.OrderId == orderId && t.Kind == "missed-report")).DueAt;
            var personId = await ctx.Orders.Where(o => o.Id == orderId).Select(o => o.PersonId).SingleAsync();
            name = await ctx.People.Where(p => p.Id == personId).Select(p => p.Name).SingleAsync();
        }
        var workbook = new MemoryStream();
        await Run(db, Command, async sp => { await Make<LedgerService>(sp).ExportAsync(workbook, null, null, false, null); return 0; });
        using var source = Core.Tabular.TabularFile.Open(new MemoryStream(workbook.ToArray()), "ledger.xlsx");
        var sheet = source.Sheets.Single(s => s.Name == "漏报人员");
        var rows = sheet.Rows.Select(r => Enumerable.Range(0, r.Count).Select(i => r[i]).ToList()).ToList();
        Assert.Equal(["序号", "姓名", "身份证号", "联系电话", "乡镇 村", "事项", "应报时间", "升级", "状态"], rows[0].Take(9));
        var missedRow = rows.Single(r => r.Count > 1 && r[1] == name);
        Assert.Contains("*", missedRow[2]);
        var local = TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(dueUtc, DateTimeKind.Utc), TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai"));
        Assert.Equal(local.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture), missedRow[6]);
    }

    /// <summary>
    /// The ledger per unit counts the people under each measure (the order's current kind) and the reports due and not
    /// received (open missed-report tasks, the workbook's definition), placed by the person's village even after the task
    /// went up to the township; the county sees its townships, a township its villages, another township none of them.
    /// </summary>
    [Theory, OnSqlite, OnPostgres]
    public async Task LedgerUnits_CountEachMeasure_AndMissedReports_OnlyInTheViewersSubtree(Engine engine)
    {
        await using var db = await TestDatabase.CreateAsync(engine);
        SetNow(db, "2022-10-05 08:00");
        List<(long Id, string Key)> people;
        await using (var ctx = await db.ContextAsync())
            people = (await ctx.People.Where(p => p.CountyCode == County && p.ScopeKey.Length >= ScopeKey.VillageLength).OrderBy(p => p.Id).Select(p => new { p.Id, p.ScopeKey }).ToListAsync())
                .Select(p => (p.Id, p.ScopeKey)).ToList();
        var townshipA = people[0].Key[..ScopeKey.TownshipLength];
        var village1 = people[0].Key[..ScopeKey.VillageLength];
        var inVillage1 = people.Where(p => p.Key.StartsWith(village1, StringComparison.Ordinal)).Take(3).ToList();
        Assert.Equal(3, inVillage1.Count);
        var inVillage2 = people.First(p => p.Key.StartsWith(townshipA, StringComparison.Ordinal) && !p.Key.StartsWith(village1, StringComparison.Ordinal));
        var village2 = inVillage2.Key[..ScopeKey.VillageLength];
        var inTownshipB = people.First(p => !p.Key.StartsWith(townshipA, StringComparison.Ordinal));
        var townshipB = inTownshipB.Key[..ScopeKey.TownshipLength];

        async Task<long> Order(long personId, string reason) =>
            await Run(db, Command, sp => Make<OrderService>(sp).CreateAsync(new OrderCreate(personId, [reason], D("2022-10-05"), Note: "流调判定")));
        var centralized = await Order(inVillage1[0].Id, Reasons.CloseContact);
        var home = await Order(inVillage1[1].Id, Reasons.SecondaryContact);
        var twoTests = await Order(inVillage1[2].Id, Reasons.LowRiskArea);
        var closedLoop = await Order(inVillage2.Id, "closed-loop-worker");
        var elsewhere = await Order(inTownshipB.Id, "yellow-code");
        var cadre = As(Roles.VillageCadre, County);
        foreach (var id in new[] { centralized, home, twoTests, closedLoop, elsewhere })
            await Run(db, cadre, sp => Make<MonitoringService>(sp).ReportAsync(id, new ReportInput(ReportSlot.Morning, 36.5m)));
        // The evening: the home-quarantined person, the closed-loop worker and the one in the other township miss it.
        SetNow(db, "2022-10-05 20:00");
        foreach (var id in new[] { centralized, twoTests })
            await Run(db, cadre, sp => Make<MonitoringService>(sp).ReportAsync(id, new ReportInput(ReportSlot.Evening, 36.6m)));
        var system = new Actor("system", "sweeper", JurisdictionScope.Of(County, County), new HashSet<string>(Permissions.All));
        async Task Sweep(string at)
        {
            SetNow(db, at);
            var now = db.Services.GetRequiredService<ExerciseClock>().GetUtcNow().UtcDateTime;
            await Run(db, system, sp => Make<ClosedLoopSweeper>(sp).SweepAsync(County, now, "node"));
        }
        await Sweep("2022-10-05 21:30");

        var townshipActor = As(Roles.TownshipTeam, townshipA);
        var otherActor = As(Roles.TownshipTeam, townshipB);
        async Task AssertLedgersAsync()
        {
            var county = await Run(db, Command, sp => Make<LedgerService>(sp).ByUnitAsync());
            var a = county.Single(u => u.Unit == townshipA);
            Assert.Equal(new Dictionary<string, int>
            {
                [MeasureKinds.CentralizedQuarantine] = 1, [MeasureKinds.HomeQuarantine] = 1, [MeasureKinds.ThreeDaysTwoTests] = 1, [MeasureKinds.ClosedLoopWork] = 1,
            }, a.ByKind.Where(k => k.Value > 0).ToDictionary());
            Assert.Equal((3, 1, 2), (a.UnderMeasure, a.Monitoring, a.OverdueReports));
            var b = county.Single(u => u.Unit == townshipB);
            Assert.Equal(new Dictionary<string, int> { [MeasureKinds.ThreeDaysTwoTests] = 1 }, b.ByKind.Where(k => k.Value > 0).ToDictionary());
            Assert.Equal(1, b.OverdueReports);
            Assert.Equal(3, county.Sum(u => u.OverdueReports));
            Assert.Equal((await Run(db, Command, sp => Make<LedgerService>(sp).CountsAsync())).OverdueReports, county.Sum(u => u.OverdueReports));

            var villages = await Run(db, townshipActor, sp => Make<LedgerService>(sp).ByUnitAsync());
            Assert.All(villages, u => Assert.StartsWith(townshipA, u.Unit, StringComparison.Ordinal));
            var v1 = villages.Single(u => u.Unit == village1);
            Assert.Equal(new Dictionary<string, int> { [MeasureKinds.CentralizedQuarantine] = 1, [MeasureKinds.HomeQuarantine] = 1, [MeasureKinds.ThreeDaysTwoTests] = 1 },
                v1.ByKind.Where(k => k.Value > 0).ToDictionary());
            Assert.Equal(1, v1.OverdueReports);
            var v2 = villages.Single(u => u.Unit == village2);
            Assert.Equal(new Dictionary<string, int> { [MeasureKinds.ClosedLoopWork] = 1 }, v2.ByKind.Where(k => k.Value > 0).ToDictionary());
            Assert.Equal(1, v2.OverdueReports);
            Assert.Equal(2, villages.Sum(u => u.OverdueReports));
            Assert.Equal(4, villages.Sum(u => u.ByKind.Values.Sum()));

            var others = await Run(db, otherActor, sp => Make<LedgerService>(sp).ByUnitAsync());
            Assert.All(others, u => Assert.StartsWith(townshipB, u.Unit, StringComparison.Ordinal));
            Assert.Equal(1, others.Sum(u => u.OverdueReports));
            Assert.Equal(1, others.Sum(u => u.ByKind.Values.Sum()));
            Assert.DoesNotContain(others.SelectMany(u => u.ByKind.Keys), k => k is MeasureKinds.CentralizedQuarantine or MeasureKinds.HomeQuarantine or MeasureKinds.ClosedLoopWork);
        }
        await AssertLedgersAsync();

        // Not handled in time, the missed reports go up to the township: still counted in the person's village.
        await Sweep("2022-10-06 00:00");
        await using (var ctx = await db.ContextAsync())
            Assert.All(await ctx.Tasks.Where(t => t.Kind == "missed-report").ToListAsync(), t => Assert.Equal(t.OriginalScopeKey[..ScopeKey.TownshipLength], t.ScopeKey));
        await AssertLedgersAsync();

        // A report handled (the task closed) leaves the ledger.
        long task;
        await using (var ctx = await db.ContextAsync())
            task = await ctx.Tasks.Where(t => t.Kind == "missed-report" && t.OrderId == elsewhere).Select(t => t.Id).SingleAsync();
        Assert.True(await Run(db, otherActor, sp => Make<TaskService>(sp).CloseAsync(task, "已电话联系，补报体温正常")));
        Assert.Equal(0, (await Run(db, otherActor, sp => Make<LedgerService>(sp).ByUnitAsync())).Sum(u => u.OverdueReports));
        Assert.Equal(2, (await Run(db, Command, sp => Make<LedgerService>(sp).ByUnitAsync())).Sum(u => u.OverdueReports));
    }

    /// <summary>
    /// A grid worker's account (bound below the village) reports a fever of a person in its grid: the task is raised
    /// and the village is told; the grid worker reads and marks its village's notice, a neighbouring village's account
    /// sees nothing of it.
    /// </summary>
    [Theory, OnSqlite, OnPostgres]
    public async Task AGridWorker_ReportsAFever_AndReadsItsVillagesNotice(Engine engine)
    {
        await using var db = await TestDatabase.CreateAsync(engine);
        SetNow(db, "2022-09-01 08:00");
        var orderId = await ActiveCloseContactAsync(db, "2022-09-01");
        var orderScope = (await Run(db, Command, sp => Make<OrderService>(sp).GetAsync(orderId)))!.Order.ScopeKey;
        Assert.True(orderScope.Length > ScopeKey.GridLength, orderScope);
        var grid = As(Roles.VillageCadre, orderScope[..ScopeKey.GridLength]);
        var village = orderScope[..ScopeKey.VillageLength];
        var outcome = await Run(db, grid, sp => Make<MonitoringService>(sp).ReportAsync(orderId, new ReportInput(ReportSlot.Morning, 38.1m)));
        Assert.True(outcome!.Alarming);
        var inbox = await Run(db, grid, sp => Make<Notifications.NotificationService>(sp).InboxAsync());
        var notice = Assert.Single(inbox.Items);
        Assert.Equal((village, Core.Notifications.NotificationKinds.TaskRaised, "fever-transfer", 1), (notice.ScopeKey, notice.Kind, notice.Detail, inbox.Unread));
        Assert.Equal("fever?temperature=38.1", notice.Subject); // the task's title as data, put in words where it is read
        Assert.Equal(1, await Run(db, grid, sp => Make<Notifications.NotificationService>(sp).UnreadAsync()));
        Assert.True(await Run(db, grid, sp => Make<Notifications.NotificationService>(sp).MarkReadAsync(notice.Id)));
        Assert.Equal(0, await Run(db, grid, sp => Make<Notifications.NotificationService>(sp).UnreadAsync()));
        await using (var ctx = await db.ContextAsync())
        {
            var neighbour = await ctx.Nodes.Where(n => n.Level == Core.Jurisdictions.JurisdictionLevel.Village && n.ScopeKey != village).Select(n => n.ScopeKey).FirstAsync();
            Assert.Equal(0, (await Run(db, As(Roles.VillageCadre, neighbour), sp => Make<Notifications.NotificationService>(sp).InboxAsync(below: true))).Total);
            Assert.Null(await Run(db, As(Roles.VillageCadre, neighbour), sp => Make<Notifications.NotificationService>(sp).MarkReadAsync(notice.Id)));
        }
        // The township reads it among its units' notices but cannot mark it for the village.
        var township = As(Roles.TownshipTeam, orderScope[..ScopeKey.TownshipLength]);
        Assert.Equal(1, (await Run(db, township, sp => Make<Notifications.NotificationService>(sp).InboxAsync(below: true))).Total);
        Assert.Null(await Run(db, township, sp => Make<Notifications.NotificationService>(sp).MarkReadAsync(notice.Id)));
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task Fever_RaisesTransferTask_LinkWorksUntilTheOrderEnds_ReleaseOnlyWhenAllNegative(Engine engine)
    {
        await using var db = await TestDatabase.CreateAsync(engine);
        SetNow(db, "2022-09-01 08:00");
        var orderId = await ActiveCloseContactAsync(db, "2022-09-01");
        var village = As(Roles.VillageCadre, County);
        var token = await Run(db, village, sp => Make<MonitoringService>(sp).IssueLinkAsync(orderId));
        var anonymous = Actor.Anonymous with { Scope = JurisdictionScope.Of(County, County) };
        var outcome = await Run(db, anonymous, sp => Make<MonitoringService>(sp).ReportByLinkAsync(token!, new ReportInput(ReportSlot.Morning, 37.8m, Symptoms.DryCough)));
        Assert.True(outcome!.Alarming);
        Assert.NotNull(outcome.TaskId);
        var task = await Run(db, Command, sp => Make<TaskService>(sp).GetAsync(outcome.TaskId!.Value));
        Assert.Equal("fever-transfer", task!.Kind);
        Assert.Null(await Run(db, anonymous, sp => Make<MonitoringService>(sp).ReportByLinkAsync("not-a-token", new ReportInput(ReportSlot.Evening, 36.5m))));
        var tooHot = await Assert.ThrowsAsync<ValidationFailedException>(() => Run(db, anonymous, sp => Make<MonitoringService>(sp).ReportByLinkAsync(token!, new ReportInput(ReportSlot.Evening, 45m))));
        Assert.Contains(tooHot.Errors, e => e.Field == "temperature");

        var orders = (IServiceProvider sp) => Make<OrderService>(sp);
        var health = As(Roles.Health, County);
        SetNow(db, "2022-09-10 10:00");
        await Assert.ThrowsAsync<ConflictException>(() => Run(db, Command, sp => orders(sp).ReleaseAsync(orderId, "到期")));
        // A "negative" with a Ct under 35 is a typing error, not a result.
        var lowCt = await Assert.ThrowsAsync<ValidationFailedException>(() => Run(db, health, sp => orders(sp).RecordTestAsync(orderId, new TestResultInput(1, TestStatus.Negative, 20m))));
        Assert.Contains(lowCt.Errors, e => (e.Field, e.Code) == ("ct", "test.negative-ct"));
        foreach (var day in new[] { 1, 2, 3, 5, 7 })
            await Run(db, health, sp => orders(sp).RecordTestAsync(orderId, new TestResultInput(day, TestStatus.Negative, 38m)));
        var refused = await Assert.ThrowsAsync<ConflictException>(() => Run(db, Command, sp => orders(sp).ReleaseAsync(orderId, "到期")));
        Assert.Equal("release.test-not-negative", refused.Code);
        await Run(db, health, sp => orders(sp).RecordTestAsync(orderId, new TestResultInput(10, TestStatus.Negative)));
        Assert.True(await Run(db, Command, sp => orders(sp).ReleaseAsync(orderId, "期满且核酸均阴性")));
        Assert.Equal(ControlStatus.Clear, await Run(db, Command, async sp => (await orders(sp).GetAsync(orderId))!.Order.ControlStatus));
        // A released order takes no more results (a late positive is a new case, worked as one).
        var closed = await Assert.ThrowsAsync<ConflictException>(() => Run(db, health, sp => orders(sp).RecordTestAsync(orderId, new TestResultInput(7, TestStatus.Positive, 20m))));
        Assert.Equal("order.not-in-force", closed.Code);
        // The link ended with the order.
        Assert.Null(await Run(db, anonymous, sp => Make<MonitoringService>(sp).ReportByLinkAsync(token!, new ReportInput(ReportSlot.Evening, 36.5m))));
    }

    /// <summary>
    /// A staff re-measurement after the person's own report is a second reading of the slot, never written over the
    /// first: the self-reported fever with a cough stays on the order, marked, and its transfer task stays open.
    /// The same reading sent twice (a double tap, at once or after) is stored once.
    /// </summary>
    [Theory, OnSqlite, OnPostgres]
    public async Task AStaffReMeasurement_IsASecondReading_TheSelfReportedFeverStays_AndADoubleTapIsOne(Engine engine)
    {
        await using var db = await TestDatabase.CreateAsync(engine);
        SetNow(db, "2022-09-01 08:00");
        var orderId = await ActiveCloseContactAsync(db, "2022-09-01");
        var village = As(Roles.VillageCadre, County);
        var token = await Run(db, village, sp => Make<MonitoringService>(sp).IssueLinkAsync(orderId));
        var anonymous = Actor.Anonymous with { Scope = JurisdictionScope.Of(County, County) };
        var fever = new ReportInput(ReportSlot.Morning, 38.2m, Symptoms.DryCough);
        var own = await Run(db, anonymous, sp => Make<MonitoringService>(sp).ReportByLinkAsync(token!, fever));
        Assert.True(own!.Alarming);
        var taskId = Assert.IsType<long>(own.TaskId);
        // A double tap of the person's own report, one after the other and two at once: still one reading.
        var again = await Run(db, anonymous, sp => Make<MonitoringService>(sp).ReportByLinkAsync(token!, fever));
        Assert.Equal((true, (long?)null), (again!.Alarming, again.TaskId));
        SetNow(db, "2022-09-01 08:30");
        var normal = new ReportInput(ReportSlot.Morning, 36.5m);
        var staff = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => Run(db, village, sp => Make<MonitoringService>(sp).ReportAsync(orderId, normal))));
        Assert.All(staff, o => Assert.False(o!.Alarming));
        await Run(db, village, sp => Make<MonitoringService>(sp).ReportAsync(orderId, normal));

        var detail = (await Run(db, Command, sp => Make<OrderService>(sp).GetAsync(orderId)))!;
        Assert.Equal(
            [(0, ReadingSources.Self, 38.2m, Symptoms.DryCough, true), (1, ReadingSources.Staff, 36.5m, Symptoms.None, false)],
            detail.Reports.Select(r => (r.Sequence, r.Source, r.Temperature, r.Symptoms, r.Alarming)).ToList());
        Assert.All(detail.Reports, r => Assert.Equal((D("2022-09-01"), ReportSlot.Morning), (r.Date, r.Slot)));
        Assert.Equal(("self", village.Name), (detail.Reports[0].ReportedBy, detail.Reports[1].ReportedBy));
        // The fever's task is still there and open: the later normal reading does not close or hide it.
        var task = (await Run(db, Command, sp => Make<TaskService>(sp).GetAsync(taskId)))!;
        Assert.Equal(("fever-transfer", TaskStatus.Open), (task.Kind, task.Status));
        await using var ctx = await db.ContextAsync();
        Assert.Equal(1, await ctx.Tasks.CountAsync(t => t.OrderId == orderId && t.Kind == "fever-transfer"));
        // Each stored reading is audited once on the order; the repeats wrote nothing.
        var reasons = await ctx.AuditEntries.Where(e => e.EntityType == "ControlOrder" && e.EntityId == orderId.ToString(CultureInfo.InvariantCulture) && e.Reason!.StartsWith("morning "))
            .OrderBy(e => e.Id).Select(e => e.Reason).ToListAsync();
        Assert.Equal(["morning report 2022-09-01: alarming", "morning re-measurement 2022-09-01"], reasons);
        // The person's link counts the slot as reported once any reading exists.
        var view = await Run(db, anonymous, sp => Make<MonitoringService>(sp).LinkViewAsync(token!));
        Assert.Equal((true, false), (view!.MorningDone, view.EveningDone));

        // The same values two hours later are a genuine re-measurement, kept (only a resend within minutes is one).
        SetNow(db, "2022-09-01 10:30");
        await Run(db, village, sp => Make<MonitoringService>(sp).ReportAsync(orderId, normal));
        for (var i = 0; i < 3; i++)
        {
            SetNow(db, $"2022-09-01 1{1 + i}:00");
            var next = normal with { Temperature = 36.6m + i * 0.1m };
            await Run(db, village, sp => Make<MonitoringService>(sp).ReportAsync(orderId, next));
        }
        // A slot holds six readings at most: a seventh (here from the public link) is refused in words, nothing stored.
        var full = await Assert.ThrowsAsync<ConflictException>(() => Run(db, anonymous, sp => Make<MonitoringService>(sp).ReportByLinkAsync(token!, fever with { Temperature = 38.6m })));
        Assert.Equal("report.slot-full", full.Code);
        var kept = (await Run(db, Command, sp => Make<OrderService>(sp).GetAsync(orderId)))!;
        Assert.Equal([(0, 38.2m), (1, 36.5m), (2, 36.5m), (3, 36.6m), (4, 36.7m), (5, 36.8m)], kept.Reports.Select(r => (r.Sequence, r.Temperature)).ToList());
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task Conversion_HappensOnSchedule_AndTheMeasureEndsReleasePending(Engine engine)
    {
        await using var db = await TestDatabase.CreateAsync(engine);
        SetNow(db, "2022-09-01 08:00");
        var orderId = await ActiveCloseContactAsync(db, "2022-09-01");
        var system = new Actor("system", "sweeper", JurisdictionScope.Of(County, County), new HashSet<string>(Permissions.All));
        async Task Sweep(string at)
        {
            SetNow(db, at);
            var now = db.Services.GetRequiredService<ExerciseClock>().GetUtcNow().UtcDateTime;
            await Run(db, system, sp => Make<ClosedLoopSweeper>(sp).SweepAsync(County, now, "node"));
        }
        await Sweep("2022-09-07 23:00");
        Assert.Equal(MeasureKinds.CentralizedQuarantine, (await Run(db, Command, sp => Make<OrderService>(sp).GetAsync(orderId)))!.Order.CurrentKind);
        await Sweep("2022-09-08 00:05");
        var o = await Run(db, Command, sp => Make<OrderService>(sp).GetAsync(orderId));
        Assert.Equal(MeasureKinds.HomeHealthMonitoring, o!.Order.CurrentKind);
        Assert.Equal(ControlStatus.Monitoring, o.Order.ControlStatus);
        await Sweep("2022-09-11 00:05");
        o = await Run(db, Command, sp => Make<OrderService>(sp).GetAsync(orderId));
        Assert.Equal(OrderStatus.ReleasePending, o!.Order.Status);
        Assert.Equal("test-not-negative", o.StatusReason);
    }

    /// <summary>
    /// A 7+3 close-contact order on day 8: the sweep converts it (status converted, the home measure, on the trail with
    /// the rule that required it); it stays in force — counted in the ledgers under the home measure, the person under
    /// monitoring, found by the list's status filter — and is released at the end once every test is negative.
    /// </summary>
    [Theory, OnSqlite, OnPostgres]
    public async Task Conversion_OnDay8_IsConverted_Audited_StillInForce_AndReleasedWhenNegative(Engine engine)
    {
        await using var db = await TestDatabase.CreateAsync(engine);
        SetNow(db, "2022-09-01 08:00");
        var orderId = await ActiveCloseContactAsync(db, "2022-09-01");
        var system = new Actor("system", "sweeper", JurisdictionScope.Of(County, County), new HashSet<string>(Permissions.All));
        async Task<SweepResult> Sweep(string at)
        {
            SetNow(db, at);
            var now = db.Services.GetRequiredService<ExerciseClock>().GetUtcNow().UtcDateTime;
            return await Run(db, system, sp => Make<ClosedLoopSweeper>(sp).SweepAsync(County, now, "node"));
        }
        Task<OrderDetail?> Order() => Run(db, Command, sp => Make<OrderService>(sp).GetAsync(orderId));
        Task<LedgerCounts> Counts() => Run(db, Command, sp => Make<LedgerService>(sp).CountsAsync());
        async Task<int> ByKind(string kind) => (await Run(db, Command, sp => Make<LedgerService>(sp).ByUnitAsync())).Sum(u => u.ByKind.GetValueOrDefault(kind));

        Assert.Equal(0, (await Sweep("2022-09-07 23:00")).Converted);
        var personId = (await Order())!.Order.PersonId;
        var before = await Counts();
        var (centralizedBefore, homeBefore) = (await ByKind(MeasureKinds.CentralizedQuarantine), await ByKind(MeasureKinds.HomeHealthMonitoring));

        Assert.Equal(1, (await Sweep("2022-09-08 00:05")).Converted);
        var o = await Order();
        Assert.Equal((OrderStatus.Converted, MeasureKinds.HomeHealthMonitoring, "day 8: home-health-monitoring"), (o!.Order.Status, o.Order.CurrentKind, o.StatusReason));
        Assert.Equal(0, (await Sweep("2022-09-08 06:00")).Converted); // once
        await using (var ctx = await db.ContextAsync())
        {
            var key = orderId.ToString(CultureInfo.InvariantCulture);
            var entries = await ctx.AuditEntries.Where(e => e.EntityType == "ControlOrder" && e.EntityId == key && e.Action == "order.update").ToListAsync();
            var conversion = Assert.Single(entries, e => Core.Audit.AuditChanges.Parse(e.Changes).Contains(("Status", "Active", "Converted")));
            Assert.Equal(("cn-9th#close-contact", "conversion on schedule", "sweeper"), (conversion.Rule, conversion.Reason, conversion.ActorName));
            Assert.Contains(("CurrentKind", MeasureKinds.CentralizedQuarantine, MeasureKinds.HomeHealthMonitoring), Core.Audit.AuditChanges.Parse(conversion.Changes));
        }

        // Still in force: counted under the measure it is in now, the person under monitoring, on the list's filters.
        var after = await Counts();
        Assert.Equal((before.UnderMeasure - 1, before.Monitoring + 1), (after.UnderMeasure, after.Monitoring));
        Assert.Equal((centralizedBefore - 1, homeBefore + 1), (await ByKind(MeasureKinds.CentralizedQuarantine), await ByKind(MeasureKinds.HomeHealthMonitoring)));
        Assert.Equal(ControlStatus.Monitoring, await Run(db, Command, sp => Make<OrderService>(sp).ControlStatusAsync(personId)));
        Task<Page<OrderListItem>> Search(OrderQuery q) => Run(db, Command, sp => Make<OrderService>(sp).SearchAsync(q));
        Assert.Contains((await Search(new OrderQuery(Status: OrderStatus.Converted))).Items, i => i.Id == orderId);
        Assert.DoesNotContain((await Search(new OrderQuery(Status: OrderStatus.Active))).Items, i => i.Id == orderId);
        Assert.Contains((await Search(new OrderQuery(OpenOnly: true, PersonId: personId))).Items, i => i.Id == orderId);

        // Tests due are still due (and in the ledger's count of the day's tests); all negative, the order ends and is released.
        var health = As(Roles.Health, County);
        foreach (var day in new[] { 1, 2, 3, 5, 7, 10 })
            await Run(db, health, sp => Make<OrderService>(sp).RecordTestAsync(orderId, new TestResultInput(day, TestStatus.Negative)));
        Assert.Equal(1, (await Sweep("2022-09-11 00:05")).ReleaseDue);
        o = await Order();
        Assert.Equal((OrderStatus.ReleasePending, "ready-for-release"), (o!.Order.Status, o.StatusReason));
        Assert.True(await Run(db, Command, sp => Make<OrderService>(sp).ReleaseAsync(orderId, "期满且核酸均阴性")));
        Assert.Equal(OrderStatus.Released, (await Order())!.Order.Status);
        Assert.Equal(ControlStatus.Clear, await Run(db, Command, sp => Make<OrderService>(sp).ControlStatusAsync(personId)));
    }

    /// <summary>A converted order is extended, or cancelled, as an active one is; extended wins and the conversion stays in its measures.</summary>
    [Theory, OnSqlite, OnPostgres]
    public async Task AConvertedOrder_IsExtended_OrCancelled_AsAnActiveOneIs(Engine engine)
    {
        await using var db = await TestDatabase.CreateAsync(engine);
        SetNow(db, "2022-09-01 08:00");
        List<long> people;
        await using (var ctx = await db.ContextAsync())
            people = await ctx.People.Where(p => p.CountyCode == County).OrderBy(p => p.Id).Select(p => p.Id).Take(2).ToListAsync();
        var orders = new List<long>();
        foreach (var person in people)
            orders.Add(await Run(db, Command, sp => Make<OrderService>(sp).CreateAsync(new OrderCreate(person, [Reasons.CloseContact], D("2022-09-01"), Note: "流调判定密接"))));
        SetNow(db, "2022-09-08 00:05");
        var system = new Actor("system", "sweeper", JurisdictionScope.Of(County, County), new HashSet<string>(Permissions.All));
        var now = db.Services.GetRequiredService<ExerciseClock>().GetUtcNow().UtcDateTime;
        Assert.Equal(2, (await Run(db, system, sp => Make<ClosedLoopSweeper>(sp).SweepAsync(County, now, "node"))).Converted);
        SetNow(db, "2022-09-09 10:00");
        Assert.True(await Run(db, Command, sp => Make<OrderService>(sp).ExtendAsync(orders[0], 3, "第 7 天检测结果未出")));
        var extended = (await Run(db, Command, sp => Make<OrderService>(sp).GetAsync(orders[0])))!;
        Assert.Equal((OrderStatus.Extended, MeasureKinds.HomeHealthMonitoring, D("2022-09-13")), (extended.Order.Status, extended.Order.CurrentKind, extended.Order.EndDate));
        Assert.Equal(MeasureKinds.HomeHealthMonitoring, extended.Measures.Single(m => m.Current).Kind);
        Assert.True(await Run(db, Command, sp => Make<OrderService>(sp).CancelAsync(orders[1], "身份核实有误")));
        Assert.Equal(OrderStatus.Cancelled, (await Run(db, Command, sp => Make<OrderService>(sp).GetAsync(orders[1])))!.Order.Status);
    }

    /// <summary>
    /// The status conditions the queries share are lists of literals on both engines (what the (county, status, …)
    /// indexes answer), not a parameter collection read through json_each or ANY.
    /// </summary>
    [Theory, OnSqlite, OnPostgres]
    public async Task OrderStatusConditions_AreLiteralLists(Engine engine)
    {
        await using var db = await TestDatabase.CreateAsync(engine);
        await using var ctx = await db.ContextAsync(Command);
        var running = ctx.Orders.WhereRunning().ToQueryString();
        var inForce = ctx.Orders.WhereInForce().ToQueryString();
        var open = ctx.Orders.WhereOpen().ToQueryString();
        Assert.Contains("\"Status\" IN (1, 7, 4)", running);
        Assert.Contains("\"Status\" IN (1, 7, 4, 2)", inForce);
        Assert.Contains("\"Status\" IN (0, 1, 7, 4, 2)", open);
        Assert.All(new[] { running, inForce, open }, sql =>
        {
            Assert.DoesNotContain("json_each", sql, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("ANY (", sql, StringComparison.OrdinalIgnoreCase);
        });
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task RiskAreas_ImportKeepsHistory_AndAnswersTheQueries(Engine engine)
    {
        await using var db = await TestDatabase.CreateAsync(engine);
        SetNow(db, "2022-10-20 09:00");
        var csv = string.Join("\r\n",
            "所在地区,风险区,风险等级,划定日期,解除日期,来源",
            "河南省郑州市金水区,锦绣小区,高风险,2022-10-01,,通告1",
            "郑州市金水区,锦绣小区,中风险,2022/10/08,,通告2",
            "北京市朝阳区,某某小区,高,2022-10-02,2022-10-09,通告3",
            "火星,某地,高,2022-10-02,,坏行",
            "河南省郑州市金水区,某大厦,极高,2022-10-02,,坏等级",
            "河南省郑州市金水区,某村,低,2022-13-02,,坏日期");
        var result = await Run(db, Command, sp => Make<RiskAreaService>(sp).ImportAsync(new MemoryStream(Core.Tabular.TabularFile.Gbk.GetBytes(csv)), "风险区.csv", null));
        Assert.Equal((6, 3, 3), (result.Rows, result.Added, result.Rejected));
        Assert.Contains(result.Errors, e => e.Row == 5 && e.Field == "county");
        Assert.Contains(result.Errors, e => e.Row == 6 && e.Field == "level");
        Assert.Contains(result.Errors, e => e.Row == 7 && e.Field == "designated");
        var again = await Run(db, Command, sp => Make<RiskAreaService>(sp).ImportAsync(new MemoryStream(Core.Tabular.TabularFile.Gbk.GetBytes(csv)), "风险区.csv", null));
        Assert.Equal(0, again.Added);

        var index = await Run(db, Command, sp => Make<RiskAreaService>(sp).IndexAsync());
        Assert.True(index.WasAtLevel("410105", "锦绣小区", RiskLevel.High, D("2022-10-07")));
        Assert.False(index.WasAtLevel("410105", "锦绣小区", RiskLevel.High, D("2022-10-08")));
        Assert.True(index.WasAtLevel("410105", "锦绣小区", RiskLevel.Medium, D("2022-10-08")));
        Assert.Single(index.ActiveIn("110105", D("2022-10-01"), D("2022-10-31")));
        Assert.Empty(index.ActiveIn("110105", D("2022-10-10"), D("2022-10-31")));
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task ARiskAreaLift_NeedsItsNotice_AndADateNeitherFutureNorBeforeDesignation_AndKeepsTheBasisInTheAuditTrail(Engine engine)
    {
        await using var db = await TestDatabase.CreateAsync(engine);
        SetNow(db, "2022-10-12 09:00");
        var id = await Run(db, Command, sp => Make<RiskAreaService>(sp).CreateAsync(
            new RiskAreaInput("河南省郑州市金水区", "锦绣小区", RiskLevel.High, D("2022-10-01"), Source: "通告1"), "test"));
        async Task<FieldError> Refused(DateOnly? on, string? basis) =>
            (await Assert.ThrowsAsync<ValidationFailedException>(() => Run(db, Command, sp => Make<RiskAreaService>(sp).LiftAsync(id, on, basis)))).Errors.Single();
        Assert.Equal(new FieldError("basis", "required"), await Refused(D("2022-10-11"), "  "));
        Assert.Equal(new FieldError("liftedOn", "date.future"), await Refused(D("2022-10-13"), "郑州市疫情防控指挥部通告"));
        Assert.Equal(new FieldError("liftedOn", "date.before-designated"), await Refused(D("2022-09-30"), "郑州市疫情防控指挥部通告"));
        Assert.Equal(new FieldError("liftedOn", "required"), await Refused(null, "郑州市疫情防控指挥部通告"));
        // The confirmation step checks and saves nothing.
        Assert.True(await Run(db, Command, sp => Make<RiskAreaService>(sp).LiftAsync(id, D("2022-10-11"), "郑州市疫情防控指挥部通告（第88号）", apply: false)));
        Assert.Null((await Run(db, Command, sp => Make<RiskAreaService>(sp).GetAsync(id)))!.LiftedOn);
        Assert.True(await Run(db, Command, sp => Make<RiskAreaService>(sp).LiftAsync(id, D("2022-10-11"), "郑州市疫情防控指挥部通告（第88号）")));
        var lifted = (await Run(db, Command, sp => Make<RiskAreaService>(sp).GetAsync(id)))!;
        Assert.Equal(D("2022-10-11"), lifted.LiftedOn);
        await using var ctx = await db.ContextAsync(Command);
        var entry = await ctx.AuditEntries.Where(e => e.EntityType == "RiskArea" && e.EntityId == id.ToString(CultureInfo.InvariantCulture)).OrderByDescending(e => e.Id).FirstAsync();
        Assert.Equal("lift basis: 郑州市疫情防控指挥部通告（第88号）", entry.Reason);
        Assert.Contains("2022-10-11", entry.Changes!);
        Assert.False(await Run(db, Command, sp => Make<RiskAreaService>(sp).LiftAsync(id + 1000, D("2022-10-11"), "x")));
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task RiskAreas_SearchedByAreaCounty_OnADay_AndDuringARange_AndCheckedForAPlaceOnADay(Engine engine)
    {
        await using var db = await TestDatabase.CreateAsync(engine);
        SetNow(db, "2022-10-20 09:00");
        async Task<long> List(string county, string place, RiskLevel level, string from, string? lifted = null) =>
            await Run(db, Command, sp => Make<RiskAreaService>(sp).CreateAsync(new RiskAreaInput(county, place, level, D(from), lifted is null ? null : D(lifted)), "test"));
        var high = await List("河南省郑州市金水区", "花园路街道锦绣小区", RiskLevel.High, "2022-10-01");      // closed 10-07 by the next level
        var medium = await List("河南省郑州市金水区", "花园路街道锦绣小区", RiskLevel.Medium, "2022-10-08");  // open-ended
        var endsBefore = await List("河南省郑州市金水区", "某大厦", RiskLevel.Low, "2022-10-02", "2022-10-04"); // ends the day before from
        var startsAfter = await List("河南省郑州市金水区", "某村", RiskLevel.High, "2022-10-10");            // starts the day after to
        var otherCounty = await List("北京市朝阳区", "某某小区", RiskLevel.High, "2022-10-06", "2022-10-06");
        var onFrom = await List("郑州市金水区", "花园小区", RiskLevel.Medium, "2022-10-05", "2022-10-05");    // one day: the first of the range
        var onTo = await List("410105", "东区小区", RiskLevel.Low, "2022-10-09", "2022-10-12");              // starts on the last day
        var longOpen = await List("金水区", "老城村", RiskLevel.Low, "2022-09-01");                         // open since before the range

        async Task<HashSet<long>> Search(RiskAreaQuery query) =>
            (await Run(db, Command, sp => Make<RiskAreaService>(sp).SearchAsync(query))).Items.Select(a => a.Id).ToHashSet();
        var during = new HashSet<long> { high, medium, onFrom, onTo, longOpen };
        // The county typed as on the list (full, city and county, county alone, or its code) is the same filter.
        foreach (var county in new[] { "河南省郑州市金水区", "郑州市金水区", "金水区", "410105" })
            Assert.Equal(during, await Search(new RiskAreaQuery(AreaCounty: county, From: D("2022-10-05"), To: D("2022-10-09"))));
        // Without the county, the other county's period inside the range is listed too.
        Assert.Equal([.. during, otherCounty], await Search(new RiskAreaQuery(From: D("2022-10-05"), To: D("2022-10-09"))));
        // Either end may be open: from 10-10 on, and up to 10-01.
        Assert.Equal(new HashSet<long> { medium, startsAfter, onTo, longOpen }, await Search(new RiskAreaQuery(AreaCounty: "金水区", From: D("2022-10-10"))));
        Assert.Equal(new HashSet<long> { high, longOpen }, await Search(new RiskAreaQuery(AreaCounty: "金水区", To: D("2022-10-01"))));
        // A single day range is "as of that day"; so is the on filter.
        Assert.Equal(new HashSet<long> { high, onFrom, longOpen }, await Search(new RiskAreaQuery(AreaCounty: "金水区", From: D("2022-10-05"), To: D("2022-10-05"))));
        Assert.Equal(new HashSet<long> { high, onFrom, longOpen }, await Search(new RiskAreaQuery(AreaCounty: "金水区", On: D("2022-10-05"))));
        Assert.Equal(new HashSet<long> { high, endsBefore, longOpen }, await Search(new RiskAreaQuery(AreaCounty: "金水区", On: D("2022-10-04"))));
        Assert.Equal(new HashSet<long> { otherCounty }, await Search(new RiskAreaQuery(AreaCounty: "北京市朝阳区", From: D("2022-10-01"))));
        Assert.Equal(3, (await Run(db, Command, sp => Make<RiskAreaService>(sp).SearchAsync(new RiskAreaQuery(AreaCounty: "金水区", From: D("2022-10-05"), To: D("2022-10-09"), PageSize: 3)))).Items.Count);
        Assert.Equal(5, (await Run(db, Command, sp => Make<RiskAreaService>(sp).SearchAsync(new RiskAreaQuery(AreaCounty: "金水区", From: D("2022-10-05"), To: D("2022-10-09"), PageSize: 3)))).Total);
        // A county that is not one, or several, and a range ending before it starts are refused naming the field.
        async Task<FieldError> Refused(RiskAreaQuery query) =>
            (await Assert.ThrowsAsync<ValidationFailedException>(() => Run(db, Command, sp => Make<RiskAreaService>(sp).SearchAsync(query)))).Errors.Single();
        Assert.Equal(new FieldError("areaCounty", "place.ambiguous"), await Refused(new RiskAreaQuery(AreaCounty: "朝阳区")));
        Assert.Equal(new FieldError("areaCounty", "place.unknown"), await Refused(new RiskAreaQuery(AreaCounty: "火星")));
        Assert.Equal(new FieldError("to", "date.before-from"), await Refused(new RiskAreaQuery(From: D("2022-10-09"), To: D("2022-10-05"))));

        // "Was place P at a level on date D": the listing in force that day, whatever its level; none when not listed.
        async Task<RiskAreaCheck> Check(string? county, string? place, string? date) =>
            await Run(db, As(Roles.TownshipTeam, County + "100"), sp => Make<RiskAreaService>(sp).CheckAsync(county, place, date is null ? null : D(date)));
        var onSeventh = await Check("郑州市金水区", "锦绣小区", "2022-10-07");
        Assert.Equal(("410105", "河南省 郑州市 金水区"), (onSeventh.CountyCode, onSeventh.CountyName));
        Assert.Equal((high, RiskLevel.High), (onSeventh.Listings.Single().Id, onSeventh.Listings.Single().Level));
        Assert.True(onSeventh.WasAtLevel(RiskLevel.High));
        Assert.False(onSeventh.WasAtLevel(RiskLevel.Medium));
        Assert.Equal(medium, (await Check("金水区", "花园路街道锦绣小区3号楼", "2022-10-08")).Listings.Single().Id);
        Assert.Equal(high, (await Check("河南省郑州市金水区花园路街道锦绣小区", null, "2022-10-01")).Listings.Single().Id); // the place after the county
        Assert.Equal(high, (await Check("410105", "郑州市金水区锦绣小区", "2022-10-02")).Listings.Single().Id);            // the county repeated in the place
        var before = await Check("金水区", "锦绣小区", "2022-09-30");
        Assert.False(before.Listed);
        Assert.Empty(before.Listings);
        Assert.False((await Check("金水区", "某大厦", "2022-10-05")).Listed);   // lifted the day before
        Assert.True((await Check("金水区", "某大厦", "2022-10-04")).Listed);    // its last day
        Assert.False((await Check("北京市朝阳区", "锦绣小区", "2022-10-07")).Listed); // the same name in another county
        // The index that classifies arrivals answers alike.
        var index = await Run(db, Command, sp => Make<RiskAreaService>(sp).IndexAsync());
        Assert.True(index.WasAtLevel("410105", "锦绣小区", RiskLevel.High, D("2022-10-07")));
        Assert.False(index.WasAtLevel("410105", "锦绣小区", RiskLevel.High, D("2022-10-08")));
        var missing = await Assert.ThrowsAsync<ValidationFailedException>(() => Check("火星", "x", null));
        Assert.Equal(
            new[] { new FieldError("county", "place.unknown"), new FieldError("place", "required"), new FieldError("date", "required") }.ToHashSet(),
            missing.Errors.ToHashSet());
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task RiskAreas_UnreadableFiles_AreRefusedWhole_WithWhy_AndCorrectionsKeepPeriodsApart(Engine engine)
    {
        await using var db = await TestDatabase.CreateAsync(engine);
        SetNow(db, "2022-10-20 09:00");
        async Task<RiskAreaImportResult> Import(byte[] bytes, string name) =>
            await Run(db, Command, sp => Make<RiskAreaService>(sp).ImportAsync(new MemoryStream(bytes), name, null));

        Assert.Equal("file.empty", (await Import([], "风险区.csv")).Errors.Single().Code);
        Assert.Equal("file.xls-not-supported", (await Import([0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0, 0, 0], "风险区.xls")).Errors.Single().Code);
        Assert.Equal("file.corrupt-xlsx", (await Import([0x50, 0x4B, 0x03, 0x04, 1, 2, 3, 4, 5, 6], "风险区.xlsx")).Errors.Single().Code);
        Assert.Equal("file.no-header", (await Import(System.Text.Encoding.UTF8.GetBytes("甲,乙,丙\n1,2,3\n"), "风险区.csv")).Errors.Single().Code);
        var missing = await Import(System.Text.Encoding.UTF8.GetBytes("所在地区,风险区,风险等级\n河南省郑州市金水区,锦绣小区,高\n"), "风险区.csv");
        Assert.Equal(("designated", "header.missing", 1), (missing.Errors.Single().Field, missing.Errors.Single().Code, missing.Errors.Single().Row));
        // A quote never closed on row 3: the valid row 2 before it is not half-imported; the answer names the row.
        var broken = await Import(System.Text.Encoding.UTF8.GetBytes("所在地区,风险区,风险等级,划定日期\n河南省郑州市金水区,锦绣小区,高,2022-10-01\n河南省郑州市金水区,\"某大厦,高,2022-10-02\n"), "风险区.csv");
        Assert.Equal(("file.unclosed-quote", 3), (broken.Errors.Single().Code, broken.Errors.Single().Row));
        await using (var ctx = await db.ContextAsync())
            Assert.Equal(0, await ctx.RiskAreas.CountAsync());

        // Two periods of one place; a correction that would make them overlap is refused, one with a reason is kept.
        var csv = "所在地区,风险区,风险等级,划定日期\n河南省郑州市金水区,锦绣小区,高风险,2022-10-01\n河南省郑州市金水区,锦绣小区,中风险,2022-10-08\n";
        Assert.Equal(2, (await Import(System.Text.Encoding.UTF8.GetBytes(csv), "风险区.csv")).Added);
        long high;
        await using (var ctx = await db.ContextAsync())
            high = await ctx.RiskAreas.Where(a => a.Level == RiskLevel.High).Select(a => a.Id).SingleAsync();
        var service = (Func<IServiceProvider, RiskAreaService>)(sp => Make<RiskAreaService>(sp));
        var overlap = await Assert.ThrowsAsync<ValidationFailedException>(() => Run(db, Command, sp => service(sp).UpdateAsync(high, new RiskAreaEdit(D("2022-10-01"), D("2022-10-09"), null, null, "更正"))));
        Assert.Contains(overlap.Errors, e => e.Code == "risk-area.overlap");
        var noReason = await Assert.ThrowsAsync<ValidationFailedException>(() => Run(db, Command, sp => service(sp).UpdateAsync(high, new RiskAreaEdit(D("2022-09-30"), D("2022-10-07"), null, null, " "))));
        Assert.Contains(noReason.Errors, e => e.Field == "reason" && e.Code == "required");
        await Assert.ThrowsAsync<ForbiddenException>(() => Run(db, As(Roles.TownshipTeam, County + "100"), sp => service(sp).UpdateAsync(high, new RiskAreaEdit(D("2022-09-30"), D("2022-10-07"), null, null, "更正"))));
        var read = (await Run(db, Command, sp => service(sp).GetAsync(high)))!;
        Assert.True(await Run(db, Command, sp => service(sp).UpdateAsync(high, new RiskAreaEdit(D("2022-09-30"), D("2022-10-07"), "郑州市通告第3号", "expert-judged-risk-area", "按通告原文更正", read.Stamp))));
        // A second correction made against the same reading (someone else's screen) is refused, and changes nothing.
        var stale = await Assert.ThrowsAsync<ConflictException>(() => Run(db, Command, sp => service(sp).UpdateAsync(high, new RiskAreaEdit(D("2022-09-29"), D("2022-10-07"), "另一来源", null, "重复更正", read.Stamp))));
        Assert.Equal("risk-area.version", stale.Code);
        Assert.Equal(D("2022-09-30"), (await Run(db, Command, sp => service(sp).GetAsync(high)))!.DesignatedOn);
        // The list is the county's: a township reads who corrected it and why, though the entries are the county's.
        var seen = await Run(db, As(Roles.TownshipTeam, County + "100"), sp => Make<AuditQueryService>(sp).HistoryAsync("RiskArea", high.ToString(CultureInfo.InvariantCulture), Permissions.PolicyRead));
        Assert.Contains(seen.Items, e => e.Reason == "按通告原文更正");
        var index = await Run(db, Command, sp => service(sp).IndexAsync());
        Assert.True(index.WasAtLevel("410105", "锦绣小区", RiskLevel.High, D("2022-09-30")));
        var periods = await Run(db, Command, sp => service(sp).HistoryAsync(high));
        Assert.Equal(2, periods.Count);
        Assert.Equal(("郑州市通告第3号", "expert-judged-risk-area"), (periods[0].Source, periods[0].LocalReason));
        await using (var ctx = await db.ContextAsync())
        {
            var entry = await ctx.AuditEntries.Where(a => a.EntityType == "RiskArea" && a.EntityId == high.ToString(CultureInfo.InvariantCulture)).OrderBy(a => a.Id).LastAsync();
            Assert.Equal("按通告原文更正", entry.Reason);
        }
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task ANationalPack_EditedByTheCounty_GovernsNewOrders_WhileOpenOnesKeepTheirVersion(Engine engine)
    {
        await using var db = await TestDatabase.CreateAsync(engine);
        SetNow(db, "2022-10-05 09:00");
        List<long> people;
        await using (var c = await db.ContextAsync())
            people = await c.People.Where(p => p.CountyCode == County).OrderBy(p => p.Id).Select(p => p.Id).Take(2).ToListAsync();
        var before = await Run(db, Command, sp => Make<OrderService>(sp).CreateAsync(new OrderCreate(people[0], [Reasons.CloseContact], D("2022-10-04"))));
        // A notice shortens centralized quarantine for close contacts to 5 days, tests on days 1, 3, 5.
        var json = System.Text.Json.Nodes.JsonNode.Parse(RulePackJson.ShippedPacks().Single(p => p.Id == "cn-9th").Json)!.AsObject();
        var first = json["reasons"]!["close-contact"]!["measures"]![0]!.AsObject();
        first["days"] = 5;
        first["testDays"] = new System.Text.Json.Nodes.JsonArray(1, 3, 5);
        PolicyService Policy(IServiceProvider sp) => Make<PolicyService>(sp);
        await Assert.ThrowsAsync<ValidationFailedException>(() => Run(db, Command, sp => Policy(sp).SaveAsync("cn-9th", json.ToJsonString(), " ")));
        await Assert.ThrowsAsync<ForbiddenException>(() => Run(db, As(Roles.TownshipTeam, County + "100"), sp => Policy(sp).SaveAsync("cn-9th", json.ToJsonString(), "县通知")));
        var saved = await Run(db, Command, sp => Policy(sp).SaveAsync("cn-9th", json.ToJsonString(), "县指挥部通知第12号"));
        Assert.Equal(2, saved.Version);
        var evaluation = (await Run(db, Command, sp => Policy(sp).RulesAsync())).Evaluate(Reasons.CloseContact, D("2022-10-04"));
        Assert.Equal(5, evaluation.Measures[0].ToDay);
        Assert.Equal([1, 3, 5], evaluation.Measures[0].TestDays);
        var after = await Run(db, Command, sp => Make<OrderService>(sp).CreateAsync(new OrderCreate(people[1], [Reasons.CloseContact], D("2022-10-04"))));
        await using var ctx = await db.ContextAsync(Command);
        var orders = await ctx.Orders.Include(o => o.Measures).Where(o => o.Id == before || o.Id == after).ToDictionaryAsync(o => o.Id);
        Assert.Equal((1, 2), (orders[before].RulePackVersion, orders[after].RulePackVersion));
        Assert.Equal(2, (await Run(db, Command, sp => Make<OrderService>(sp).GetAsync(after)))!.RulePackVersion);
        Assert.Equal(7, orders[before].Measures.Single(m => m.Kind == MeasureKinds.CentralizedQuarantine).ToDay - orders[before].Measures.Single(m => m.Kind == MeasureKinds.CentralizedQuarantine).FromDay + 1);
        Assert.Equal(5, orders[after].Measures.Single(m => m.Kind == MeasureKinds.CentralizedQuarantine).ToDay - orders[after].Measures.Single(m => m.Kind == MeasureKinds.CentralizedQuarantine).FromDay + 1);
        var detail = (await Run(db, Command, sp => Policy(sp).GetAsync("cn-9th")))!;
        Assert.Equal([2, 1], detail.History.Select(h => h.Version));
        Assert.Equal("县指挥部通知第12号", detail.History[0].Reason);
    }

    /// <summary>
    /// An upgrade that ships a corrected pack (the 9th edition's secondary-contact release, say): a county that never
    /// edited the pack takes the shipped text as its next version on the next migrate, with history; a county that edited
    /// it keeps its own and is told the shipped file differs; running it again writes nothing.
    /// </summary>
    [Theory, OnSqlite, OnPostgres]
    public async Task AnUpgrade_ShipsCorrectedPacks_ToCountiesThatDidNotEditThem_AndLeavesEditedOnesAlone(Engine engine)
    {
        await using var db = await TestDatabase.CreateAsync(engine);
        SetNow(db, "2022-10-05 09:00");
        var shipped = RulePackJson.ShippedPacks().Single(p => p.Id == "cn-9th").Json;
        var older = System.Text.Json.Nodes.JsonNode.Parse(shipped)!.AsObject();
        older["reasons"]!["close-contact"]!["measures"]![0]!["days"] = 14;
        // The database as an earlier build left it: version 1 of cn-9th written by Fangkong from an older file.
        await using (var c = await db.ContextAsync())
        {
            Assert.Empty(await PolicyService.SyncShippedAsync(c, County));
            var v1 = await c.RulePackVersions.SingleAsync(v => v.CountyCode == County && v.PackId == "cn-9th");
            Assert.Equal(PolicyService.ShippedBy, v1.CreatedBy);
            v1.Json = older.ToJsonString();
            await c.SaveChangesAsync();
        }
        await using (var c = await db.ContextAsync())
            Assert.Equal(["cn-9th"], await PolicyService.SyncShippedAsync(c, County));
        var detail = (await Run(db, Command, sp => Make<PolicyService>(sp).GetAsync("cn-9th")))!;
        Assert.Equal([2, 1], detail.History.Select(h => h.Version));
        Assert.StartsWith("updated with Fangkong", detail.History[0].Reason);
        Assert.False(detail.ShippedDiffers);
        Assert.Equal(7, (await Run(db, Command, sp => Make<PolicyService>(sp).RulesAsync())).Evaluate(Reasons.CloseContact, D("2022-10-04")).Measures[0].ToDay);
        await using (var c = await db.ContextAsync())
            Assert.Empty(await PolicyService.SyncShippedAsync(c, County));

        // The command centre edits it: the county's version is left alone by later upgrades, and its page says so.
        await Run(db, Command, sp => Make<PolicyService>(sp).SaveAsync("cn-9th", older.ToJsonString(), "县指挥部通知"));
        await using (var c = await db.ContextAsync())
            Assert.Empty(await PolicyService.SyncShippedAsync(c, County));
        detail = (await Run(db, Command, sp => Make<PolicyService>(sp).GetAsync("cn-9th")))!;
        Assert.Equal((3, true), (detail.Summary.Version, detail.ShippedDiffers));
        Assert.Equal(14, (await Run(db, Command, sp => Make<PolicyService>(sp).RulesAsync())).Evaluate(Reasons.CloseContact, D("2022-10-04")).Measures[0].ToDay);
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task BulkOrders_AreTheSameAsOneByOne_InOneTransaction_WithOneAuditEntry(Engine engine)
    {
        await using var db = await TestDatabase.CreateAsync(engine);
        SetNow(db, "2022-10-05 09:00");
        List<long> people;
        await using (var ctx = await db.ContextAsync())
            people = await ctx.People.Where(p => p.CountyCode == County).OrderBy(p => p.Id).Select(p => p.Id).Take(300).ToListAsync();
        var requests = people.Select((id, i) => new BulkOrderRequest(id, i % 3 == 0 ? Reasons.LowRiskArea : Reasons.CloseContact, D("2022-10-04"))).ToList();
        requests.Add(new BulkOrderRequest(999_999_999, Reasons.CloseContact, D("2022-10-04")));   // nobody
        requests.Add(new BulkOrderRequest(people[0], "no-such-reason", D("2022-10-04")));          // not managed
        var result = await Run(db, Command, sp => Make<OrderBulkCreator>(sp).CreateAsync(requests, confirm: true, "密接批量判定"));
        Assert.Equal((302, 300, 1, 1), (result.Requested, result.Created, result.NotManaged, result.UnknownPeople));

        await using (var ctx = await db.ContextAsync())
        {
            Assert.Equal(300, await ctx.Orders.CountAsync());
            Assert.Equal(200 * 2 + 100, await ctx.OrderMeasures.CountAsync());
            Assert.Equal(200 * 6 + 100 * 2, await ctx.OrderTests.CountAsync());
            var entry = await ctx.AuditEntries.SingleAsync(e => e.Action == "order.bulk-create");
            Assert.Contains("cn-9th#close-contact ×200", entry.Rule);
            Assert.Equal("密接批量判定", entry.Reason);
        }
        // A bulk-created order reads and works like any other (and new rows after it get fresh keys).
        var first = await Run(db, Command, sp => Make<OrderService>(sp).SearchAsync(new OrderQuery(PersonId: people[1])));
        var order = await Run(db, Command, sp => Make<OrderService>(sp).GetAsync(first.Items[0].Id));
        Assert.Equal(["2022-10-04", "2022-10-05", "2022-10-06", "2022-10-08", "2022-10-10", "2022-10-13"], order!.Tests.Select(t => t.Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)));
        // people[0] holds a low-risk-area order: a close-contact one is another reason and opens; a second close-contact
        // order for someone who has one is refused (the person is worked on the order they already have).
        var another = await Run(db, Command, sp => Make<OrderService>(sp).CreateAsync(new OrderCreate(people[0], [Reasons.CloseContact], D("2022-10-05"))));
        Assert.True(another > first.Items[0].Id);
        var twice = await Assert.ThrowsAsync<ConflictException>(() => Run(db, Command, sp => Make<OrderService>(sp).CreateAsync(new OrderCreate(people[2], [Reasons.CloseContact], D("2022-10-05")))));
        Assert.Equal("order.already-open", twice.Code);

        // Out of reach: a township's bulk request for people of the whole county creates only its own.
        var township = await OtherTownshipAsync(db, "x");
        // (A reason none of them has an order for yet: a close-contact request would skip those who hold one.)
        var scoped = await Run(db, As(Roles.TownshipTeam, township), sp => Make<OrderBulkCreator>(sp).CreateAsync(
            people.Select(id => new BulkOrderRequest(id, Reasons.HighRiskArea, D("2022-10-05"))).ToList(), confirm: false, "test"));
        Assert.Equal((300, 0), (scoped.Created + scoped.UnknownPeople, scoped.AlreadyOpen));
        await using (var ctx = await db.ContextAsync())
            Assert.True(await ctx.Orders.Where(o => o.Status == OrderStatus.Proposed).AllAsync(o => o.ScopeKey.StartsWith(township)));
    }
}
