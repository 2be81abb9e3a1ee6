using System.Globalization;
using System.Text;
using Fangkong.Core.Accounts;
using Fangkong.Core.Arrivals;
using Fangkong.Core.Jurisdictions;
using Fangkong.Core.Orders;
using Fangkong.Core.Policy;
using Fangkong.Core.Sites;
using Fangkong.Data.Arrivals;
using Fangkong.Data.Infrastructure;
using Fangkong.Data.Orders;
using Fangkong.Data.People;
using Fangkong.Data.Sites;
using Fangkong.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static Fangkong.Testing.CountyTestKit;

namespace Fangkong.Data.Tests.Sites;

/// <summary>
/// Quarantine sites on both engines: a full stay (site set up and inspected, rooms imported, order, allocation,
/// check-in, conversion to home monitoring on the right day, check-out, terminal disinfection back to ready), bad
/// input with clear errors and nothing changed, and on PostgreSQL 200 parallel allocations for 100 free rooms.
/// </summary>
public class SiteTests
{
    private static Actor SiteStaff => As(Roles.SiteStaff, County);

    /// <summary>Site rounds write the order's monitoring (a web-registered service, made here for the data tests).</summary>
    private static RoundService Rounds(IServiceProvider sp) => ActivatorUtilities.CreateInstance<RoundService>(sp, Make<MonitoringService>(sp));

    private static Stream Csv(string text) => new MemoryStream(Encoding.UTF8.GetBytes(text));

    /// <summary>A county site in service with the given rooms file (楼栋,楼层,房号,…).</summary>
    private static async Task<long> SiteInServiceAsync(TestDatabase db, string roomsCsv, string name = "县集中隔离点一号", int reserve = 0)
    {
        var site = await Run(db, Command, sp => Make<SiteService>(sp).CreateAsync(new SiteInput(name, SiteLevel.County, County, "县卫健委", "李站长", "13800000001", "城关镇", ReserveRooms: reserve)));
        var imported = await Run(db, Command, sp => Make<SiteService>(sp).ImportRoomsAsync(site, Csv(roomsCsv), "rooms.csv"));
        Assert.Empty(imported!.Errors);
        var verdict = await Run(db, Command, sp => Make<SiteService>(sp).InspectAsync(site,
            new InspectionInput(SiteStandards.Default.Select(s => new InspectionItemInput(s.Code, true, null)).ToList(), "验收合格")));
        Assert.True(verdict!.Passed);
        Assert.True(await Run(db, Command, sp => Make<SiteService>(sp).ChangeStatusAsync(site, SiteStatus.InService, null)));
        return site;
    }

    private static async Task<long[]> PeopleAsync(TestDatabase db, int count)
    {
        await using var ctx = await db.ContextAsync();
        return await ctx.People.Where(p => p.CountyCode == County).OrderBy(p => p.Id).Take(count).Select(p => p.Id).ToArrayAsync();
    }

    /// <summary>Every room's holder count (kept by each allocation, check-out and cancellation) matches its active stays.</summary>
    private static async Task AssertHoldersMatchStaysAsync(TestDatabase db)
    {
        await using var ctx = await db.ContextAsync(Command);
        var rooms = await ctx.Rooms.Select(r => new { r.Id, r.Holders, Stays = ctx.Stays.Count(s => s.OccupiedRoomId == r.Id) }).ToListAsync();
        Assert.NotEmpty(rooms);
        Assert.All(rooms, r => Assert.Equal(r.Stays, r.Holders));
    }

    /// <summary>A township other than the person's own.</summary>
    private static async Task<string> OtherTownshipAsync(TestDatabase db, long personId)
    {
        await using var ctx = await db.ContextAsync();
        var key = await ctx.People.Where(p => p.Id == personId).Select(p => p.ScopeKey).SingleAsync();
        return await ctx.Nodes.Where(n => n.Level == JurisdictionLevel.Township && !key.StartsWith(n.ScopeKey)).Select(n => n.ScopeKey).FirstAsync();
    }

    private static Task<long> CloseContactOrderAsync(TestDatabase db, long personId, string exposure) =>
        Run(db, Command, sp => Make<OrderService>(sp).CreateAsync(new OrderCreate(personId, [Reasons.CloseContact], DateOnly.Parse(exposure, CultureInfo.InvariantCulture))));

    [Theory, OnSqlite, OnPostgres]
    public async Task FullStay_FromOrderToReadyRoom_ConvertsToHomeOnTheRightDay(Engine engine)
    {
        await using var db = await TestDatabase.CreateAsync(engine);
        SetNow(db, "2022-10-05 09:00");
        var site = await SiteInServiceAsync(db, "楼栋,楼层,房号,单人间,独立卫生间,无障碍,家庭房,床位\n1号楼,1,101,是,是,否,否,1\n1号楼,1,102,是,是,是,否,1\n1号楼,2,201,否,是,否,是,3\n");
        var person = (await PeopleAsync(db, 1))[0];
        var orderId = await CloseContactOrderAsync(db, person, "2022-10-04");
        var order = await Run(db, Command, sp => Make<OrderService>(sp).GetAsync(orderId));
        Assert.Equal(MeasureKinds.CentralizedQuarantine, order!.Order.CurrentKind);
        // Until a room is allocated the person waits on the site staff's list, and the forecast counts them from tomorrow
        // until their site phase ends (the county's whole demand: nobody at a site yet, nobody else waiting).
        var waiting = Assert.Single(await Run(db, SiteStaff, sp => Make<StayService>(sp).WaitingAsync()));
        Assert.Equal((orderId, person, 1), (waiting.OrderId, waiting.PersonId, waiting.HouseholdWaiting));
        Assert.Equal(order.Measures.Single(m => MeasureKinds.AtSite(m.Kind)).From, waiting.FirstDay);
        var demand = (await Run(db, SiteStaff, sp => Make<SiteService>(sp).ForecastAsync(new CapacityThreshold(), new DateOnly(2022, 10, 5))))!;
        Assert.Equal(1, demand[0].ExpectedWaiting);
        Assert.Equal(0, demand.Single(d => d.Date == waiting.LeaveOn).ExpectedWaiting);
        Assert.Empty(await Run(db, As(Roles.TownshipTeam, await OtherTownshipAsync(db, person)), sp => Make<StayService>(sp).WaitingAsync()));

        // The suggestion: a single room with its own bathroom, not the accessible one, not the family room.
        var suggestions = await Run(db, SiteStaff, sp => Make<StayService>(sp).SuggestAsync(orderId));
        var first = Assert.Single(suggestions!.First().Suggestion.Rooms);
        Assert.Equal("101", first.Number);

        var stayId = (await Run(db, SiteStaff, sp => Make<StayService>(sp).AllocateAsync(orderId)))!.Value;
        Assert.Empty(await Run(db, SiteStaff, sp => Make<StayService>(sp).WaitingAsync()));
        // The database itself keeps a room to its beds, whatever the code does: a stay put on a bed the room does not
        // have, or the room's beds cut under a held bed, is refused.
        await using (var raw = await db.ContextAsync(Command))
        {
            var held = await raw.Stays.SingleAsync(x => x.Id == stayId);
            held.Bed = 2;
            var refused = await Assert.ThrowsAsync<DbUpdateException>(() => raw.SaveChangesAsync());
            Assert.True(DbErrors.IsRuleViolation(refused, Data.Migrations.StayBedInRoom.BedOutsideRoom), refused.InnerException?.Message);
        }
        await using (var raw = await db.ContextAsync(Command))
        {
            var heldRoom = await raw.Rooms.SingleAsync(r => r.Id == raw.Stays.Where(x => x.Id == stayId).Select(x => x.RoomId).Single());
            heldRoom.Beds = 0;
            var refused = await Assert.ThrowsAsync<DbUpdateException>(() => raw.SaveChangesAsync());
            Assert.True(DbErrors.IsRuleViolation(refused, Data.Migrations.StayBedInRoom.BedsBelowHeld), refused.InnerException?.Message);
        }
        var conflict = await Assert.ThrowsAsync<ConflictException>(() => Run(db, SiteStaff, sp => Make<StayService>(sp).AllocateAsync(orderId)));
        Assert.Equal(SiteErrors.StayPersonAlreadyAllocated, conflict.Code);
        var board = await Run(db, SiteStaff, sp => Make<SiteService>(sp).BoardAsync(site));
        var room = board!.Rooms.Single(r => r.Number == "101");
        Assert.Equal(RoomState.Ready, room.State);
        Assert.Equal(1, board.Site.Capacity.Held);
        Assert.Single(room.Occupants);

        // The closed-loop pick-up from home to the site: requested for the stay, a vehicle and a driver tested in time
        // assigned, departed, arrived; the time from request to arrival is measured.
        var tripId = (await Run(db, SiteStaff, sp => Make<TripService>(sp).RequestPickUpAsync(stayId, TripPlaceKind.Home, null)))!.Value;
        var vehicle = await Run(db, Command, sp => Make<TripService>(sp).AddVehicleAsync(new VehicleInput("豫R·J0001", 5, VehicleKind.Car)));
        // A test dated in the future would keep a driver "up to date" for as long as it likes: refused.
        var future = await Assert.ThrowsAsync<ValidationFailedException>(() => Run(db, Command, sp => Make<TripService>(sp).AddDriverAsync(new DriverInput("钱师傅", "13800003333", 1, new DateTime(2030, 1, 1, 0, 0, 0, DateTimeKind.Utc), true))));
        Assert.Contains(future.Errors, e => (e.Field, e.Code) == ("lastTestAt", "date.future"));
        var driver = await Run(db, Command, sp => Make<TripService>(sp).AddDriverAsync(new DriverInput("赵师傅", "13800002222", 1, new DateTime(2022, 10, 5, 0, 30, 0, DateTimeKind.Utc), true)));
        await Assert.ThrowsAsync<ValidationFailedException>(() => Run(db, Command, sp => Make<TripService>(sp).RecordDriverTestAsync(driver, new DateTime(2030, 1, 1, 0, 0, 0, DateTimeKind.Utc), true)));
        // A driver stood down cannot be given the trip; back on the roster, they can.
        TripService Fleet(IServiceProvider sp) => Make<TripService>(sp);
        Assert.True(await Run(db, Command, sp => Fleet(sp).SetDriverActiveAsync(driver, false)));
        Assert.Equal(SiteErrors.DriverInactive, (await Assert.ThrowsAsync<ConflictException>(() => Run(db, SiteStaff, sp => Fleet(sp).AssignAsync(tripId, vehicle, driver)))).Code);
        Assert.False((await Run(db, Command, sp => Fleet(sp).FleetAsync())).Drivers.Single(d => d.Id == driver).Active);
        Assert.True(await Run(db, Command, sp => Fleet(sp).SetDriverActiveAsync(driver, true)));
        Assert.True(await Run(db, SiteStaff, sp => Make<TripService>(sp).AssignAsync(tripId, vehicle, driver)));
        // Neither the vehicle nor the driver is taken off while on the trip; site staff may not do it at all.
        Assert.Equal(SiteErrors.VehicleOnTrip, (await Assert.ThrowsAsync<ConflictException>(() => Run(db, Command, sp => Fleet(sp).SetVehicleInServiceAsync(vehicle, false, "刹车故障")))).Code);
        Assert.Equal(SiteErrors.DriverOnTrip, (await Assert.ThrowsAsync<ConflictException>(() => Run(db, Command, sp => Fleet(sp).SetDriverActiveAsync(driver, false)))).Code);
        await Assert.ThrowsAsync<ForbiddenException>(() => Run(db, SiteStaff, sp => Fleet(sp).SetDriverActiveAsync(driver, false)));
        SetNow(db, "2022-10-05 09:20");
        Assert.True(await Run(db, SiteStaff, sp => Make<TripService>(sp).DepartAsync(tripId)));
        SetNow(db, "2022-10-05 09:50");
        Assert.True(await Run(db, SiteStaff, sp => Make<TripService>(sp).ArriveAsync(tripId)));
        var trip = (await Run(db, SiteStaff, sp => Make<TripService>(sp).ListAsync())).Trips.Single(t => t.Id == tripId);
        Assert.Equal(TripStatus.Arrived, trip.Status);
        Assert.InRange(trip.RequestToArrival!.Value, TimeSpan.FromMinutes(49), TimeSpan.FromMinutes(51));
        // After the trip the vehicle breaks down: out of service with the reason (a reason is required); back in
        // service it is disinfected before anyone rides in it.
        var noReason = await Assert.ThrowsAsync<ValidationFailedException>(() => Run(db, Command, sp => Fleet(sp).SetVehicleInServiceAsync(vehicle, false, " ")));
        Assert.Equal(new Core.People.FieldError("reason", SiteErrors.VehicleReasonRequired), Assert.Single(noReason.Errors));
        Assert.True(await Run(db, Command, sp => Fleet(sp).SetVehicleInServiceAsync(vehicle, false, "刹车故障")));
        var broken = (await Run(db, Command, sp => Fleet(sp).FleetAsync())).Vehicles.Single(v => v.Id == vehicle);
        Assert.Equal((VehicleStatus.OutOfService, "刹车故障"), (broken.Status, broken.Note));
        Assert.True(await Run(db, Command, sp => Fleet(sp).SetVehicleInServiceAsync(vehicle, true, null)));
        Assert.Equal(VehicleStatus.AwaitingDisinfection, (await Run(db, Command, sp => Fleet(sp).FleetAsync())).Vehicles.Single(v => v.Id == vehicle).Status);
        Assert.True(await Run(db, SiteStaff, sp => Fleet(sp).VehicleDisinfectedAsync(vehicle)));

        // Checking out an empty room is refused; check-in occupies the room.
        var empty = board.Rooms.Single(r => r.Number == "102");
        await Assert.ThrowsAsync<ConflictException>(() => Run(db, SiteStaff, sp => Make<SiteService>(sp).MoveRoomAsync(empty.Id, RoomState.AwaitingDisinfection, null, null)));
        Assert.True(await Run(db, SiteStaff, sp => Make<StayService>(sp).CheckInAsync(stayId)));

        // The evening round inside the site: the person is on it, room by room; the report is the order's monitoring.
        SetNow(db, "2022-10-05 19:00");
        var round = (await Run(db, SiteStaff, sp => Rounds(sp).RoundAsync(site, ReportSlot.Evening)))!;
        var onRound = Assert.Single(round.Items);
        Assert.Equal(("101", null), (onRound.Room, onRound.Temperature));
        Assert.NotNull(await Run(db, SiteStaff, sp => Rounds(sp).ReportAsync(stayId, new ReportInput(ReportSlot.Evening, 36.6m))));
        Assert.Equal(1, (await Run(db, SiteStaff, sp => Rounds(sp).RoundAsync(site, ReportSlot.Evening)))!.Done);
        var monitored = await Run(db, Command, sp => Make<OrderService>(sp).GetAsync(orderId));
        Assert.Contains(monitored!.Reports, r => r.Slot == ReportSlot.Evening && r.Temperature == 36.6m && r.Date == new DateOnly(2022, 10, 5));
        var stay = (await Run(db, SiteStaff, sp => Make<StayService>(sp).ListAsync(orderId: orderId))).Single();
        Assert.Equal(StayStatus.CheckedIn, stay.Status);
        // The day the person leaves is the day the order's home measure starts (9th edition: 7 days at a site, then 3 at home).
        var homeFrom = order.Measures.Single(m => !MeasureKinds.AtSite(m.Kind) && m.Kind == MeasureKinds.HomeHealthMonitoring).From;
        Assert.Equal(homeFrom, stay.LeaveOn);
        Assert.Equal(7, homeFrom.DayNumber - order.Measures.Single(m => MeasureKinds.AtSite(m.Kind)).From.DayNumber);
        // The site's own forecast: the person there until the leave day, against the site's usable rooms; a township
        // that does not see the county's site gets nothing.
        var forecast = (await Run(db, SiteStaff, sp => Make<SiteService>(sp).ForecastAsync(new CapacityThreshold(), new DateOnly(2022, 10, 5), site)))!;
        var siteUsable = (await Run(db, SiteStaff, sp => Make<SiteService>(sp).CapacityAsync(new CapacityThreshold()))).Sites.Single(x => x.Id == site).Capacity.Usable;
        Assert.All(forecast, d => Assert.Equal(siteUsable, d.Capacity));
        Assert.Equal(1, forecast[0].ExpectedCurrent);
        Assert.Equal(0, forecast.Single(d => d.Date == homeFrom).ExpectedCurrent);
        var township = await Run(db, Command, async sp => { await using var c = await db.ContextAsync(); return await c.Nodes.Where(n => n.Level == JurisdictionLevel.Township).Select(n => n.ScopeKey).FirstAsync(); });
        Assert.Null(await Run(db, As(Roles.TownshipTeam, township), sp => Make<SiteService>(sp).ForecastAsync(new CapacityThreshold(), new DateOnly(2022, 10, 5), site)));

        // Converting early is refused; on the day it is allowed, and the room goes to terminal disinfection.
        SetNow(db, "2022-10-08 09:00");
        var early = await Assert.ThrowsAsync<ConflictException>(() => Run(db, SiteStaff, sp => Make<StayService>(sp).CheckOutAsync(stayId, StayOutcome.ConvertedToHome)));
        Assert.Equal("stay.before-leave-day", early.Code);
        // Nor is a release while the order is in force (the site's staff see the order's status, not the order).
        var released = await Assert.ThrowsAsync<ConflictException>(() => Run(db, SiteStaff, sp => Make<StayService>(sp).CheckOutAsync(stayId, StayOutcome.Released)));
        Assert.Equal(SiteErrors.StayOrderInForce, released.Code);
        SetNow(db, homeFrom.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + " 09:00");
        Assert.True(await Run(db, SiteStaff, sp => Make<StayService>(sp).CheckOutAsync(stayId, StayOutcome.ConvertedToHome)));
        // The order converts with the check-out (the sweep would only reach it that night): converted, under the home
        // measure, on the trail with the order's rule under the name of the site's staff who checked the person out.
        var converted = (await Run(db, Command, sp => Make<OrderService>(sp).GetAsync(orderId)))!;
        Assert.Equal((OrderStatus.Converted, MeasureKinds.HomeHealthMonitoring, ControlStatus.Monitoring),
            (converted.Order.Status, converted.Order.CurrentKind, converted.Order.ControlStatus));
        await using (var trail = await db.ContextAsync(Command))
        {
            var key = orderId.ToString(CultureInfo.InvariantCulture);
            var updates = await trail.AuditEntries.Where(e => e.EntityType == "ControlOrder" && e.EntityId == key && e.Action == "order.update").ToListAsync();
            var conversion = Assert.Single(updates, e => Core.Audit.AuditChanges.Parse(e.Changes).Contains(("Status", "Active", "Converted")));
            Assert.Equal(("cn-9th#close-contact", "checked out of the site to the home measure", SiteStaff.Name), (conversion.Rule, conversion.Reason, conversion.ActorName));
        }
        // Going home is a closed-loop transfer: a trip from the site to the person's home is requested with the check-out.
        await using (var trips = await db.ContextAsync(Command))
        {
            var home = await trips.Trips.Include(t => t.Passengers).SingleAsync(t => t.FromKind == TripPlaceKind.Site && t.ToKind == TripPlaceKind.Home);
            Assert.Equal(TripStatus.Requested, home.Status);
            Assert.Equal(stay.PersonId, Assert.Single(home.Passengers).PersonId);
            // …recorded as required by the check-out, not as someone's own decision.
            var rules = await trips.AuditEntries.Where(e => e.EntityType == "Trip" && e.EntityId == home.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)).Select(e => e.Rule).ToListAsync();
            Assert.Equal("stay#converted-to-home", Assert.Single(rules.Distinct()));
        }
        // The trips list names the site the transfer leaves from (not only "隔离点").
        var leaving = (await Run(db, SiteStaff, sp => Fleet(sp).ListAsync())).Trips.Single(t => t.FromKind == TripPlaceKind.Site && t.ToKind == TripPlaceKind.Home);
        Assert.Equal(board.Site.Name, leaving.FromSiteName);
        var again = await Assert.ThrowsAsync<ConflictException>(() => Run(db, SiteStaff, sp => Make<StayService>(sp).CheckOutAsync(stayId, StayOutcome.Released)));
        Assert.Equal(SiteErrors.RoomEmpty, again.Code); // checking out a room nobody is in

        // Turnover: skipping a step is refused; each step recorded; the turnover time is measured.
        var roomId = room.Id;
        await Assert.ThrowsAsync<ConflictException>(() => Run(db, SiteStaff, sp => Make<SiteService>(sp).MoveRoomAsync(roomId, RoomState.Ready, null, null)));
        SetNow(db, homeFrom.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + " 10:00");
        Assert.True(await Run(db, SiteStaff, sp => Make<SiteService>(sp).MoveRoomAsync(roomId, RoomState.Disinfected, "含氯消毒剂 1000mg/L", null)));
        SetNow(db, homeFrom.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + " 10:30");
        Assert.True(await Run(db, SiteStaff, sp => Make<SiteService>(sp).MoveRoomAsync(roomId, RoomState.SuppliesReplaced, null, null)));
        Assert.True(await Run(db, SiteStaff, sp => Make<SiteService>(sp).MoveRoomAsync(roomId, RoomState.Ready, null, null)));
        board = await Run(db, SiteStaff, sp => Make<SiteService>(sp).BoardAsync(site));
        Assert.Equal(RoomState.Ready, board!.Rooms.Single(r => r.Id == roomId).State);
        Assert.Equal(1, board.Turnover.Completed.Count);
        // Check-out 09:00 → ready 10:30. The exercise clock runs on in real time between the steps, and each "now" is
        // set a few milliseconds before its step, so the measured time may be short of 90 minutes by that much.
        Assert.InRange(board.Turnover.Completed.Median, TimeSpan.FromMinutes(90) - TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(91));
        // The county compares its sites by the same figure; a township that does not see the site gets nothing of it.
        var bySite = await Run(db, Command, sp => Make<SiteService>(sp).TurnoverBySiteAsync());
        Assert.Equal(board.Turnover, bySite[site]);
        Assert.False((await Run(db, As(Roles.TownshipTeam, township), sp => Make<SiteService>(sp).TurnoverBySiteAsync())).ContainsKey(site));

        // Every step is audited with who and why.
        await using var ctx = await db.ContextAsync(Command);
        var entries = await ctx.AuditEntries.Where(e => e.EntityType == "Room" && e.EntityId == roomId.ToString(CultureInfo.InvariantCulture)).ToListAsync();
        Assert.Contains(entries, e => e.Reason == "含氯消毒剂 1000mg/L" && e.Rule == "room#turnover");
        Assert.Equal(5, await ctx.RoomEvents.CountAsync(e => e.RoomId == roomId)); // check-in, check-out, disinfected, supplies, ready

        // Capacity for the county.
        var capacity = await Run(db, Command, sp => Make<SiteService>(sp).CapacityAsync(new CapacityThreshold(MinFreeRooms: 5)));
        Assert.Equal((3, 3, 0), (capacity.County.Total, capacity.County.Free, capacity.County.Occupied));
        Assert.True(capacity.BelowThreshold);
        await AssertHoldersMatchStaysAsync(db);

        // Occupancy over time: one person each night from the check-in (10-05) to the day of conversion, none that night.
        var nights = (await Run(db, SiteStaff, sp => Make<SiteService>(sp).OccupancyAsync(homeFrom, 10, site)))!;
        var expected = homeFrom.DayNumber - new DateOnly(2022, 10, 5).DayNumber;
        Assert.Equal(10, nights.Count);
        Assert.Equal(expected, nights.Count(d => d.Occupied == 1));
        Assert.Equal((0, 1), (nights[^1].Occupied, nights[^1].CheckedOut));
        Assert.Equal(1, nights.Sum(d => d.CheckedIn));
        Assert.Equal(3, nights[^1].Capacity);
        Assert.Equal(expected, (await Run(db, Command, sp => Make<SiteService>(sp).OccupancyAsync(homeFrom, 10)))!.Count(d => d.Occupied == 1));
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task TripPassengers_TypedByIdNumber_AreFoundInScope_AndABadLineIsNamed(Engine engine)
    {
        await using var db = await TestDatabase.CreateAsync(engine);
        SetNow(db, "2022-10-05 09:00");
        long mine, theirs;
        string township;
        await using (var ctx = await db.ContextAsync())
        {
            var people = await ctx.People.Where(p => p.CountyCode == County && p.IdValid).OrderBy(p => p.Id).Select(p => new { p.Id, p.ScopeKey }).ToListAsync();
            var first = people[0];
            township = first.ScopeKey[..ScopeKey.TownshipLength];
            mine = first.Id;
            theirs = people.First(p => !p.ScopeKey.StartsWith(township, StringComparison.Ordinal)).Id;
        }
        var (mineNumber, theirNumber) = (await Run(db, Command, sp => Make<PeopleService>(sp).RevealAsync(mine, RevealField.DocumentNumber, "test")),
            await Run(db, Command, sp => Make<PeopleService>(sp).RevealAsync(theirs, RevealField.DocumentNumber, "test")));
        var order = await CloseContactOrderAsync(db, mine, "2022-10-04");
        var team = As(Roles.TownshipTeam, township);

        // Typed as at a checkpoint: spaces, a lower-case x, a blank line; the person's order in force comes along.
        var found = await Run(db, team, sp => Make<TripService>(sp).PassengersAsync(["", " " + mineNumber!.ToLowerInvariant() + " ", mineNumber]));
        Assert.Equal(new TripPassengerInput(mine, order), Assert.Single(found));
        // Someone of another township is nobody here; a wrong check digit is named by its line.
        var bad = await Assert.ThrowsAsync<ValidationFailedException>(() => Run(db, team, sp => Make<TripService>(sp).PassengersAsync([mineNumber!, theirNumber!, "110101199003070000"])));
        Assert.Equal(["passengers[2]", "passengers[3]"], bad.Errors.Select(e => e.Field).Order());
        Assert.Contains(bad.Errors, e => e.Field == "passengers[2]" && e.Code == "person.not-found");
        var none = await Assert.ThrowsAsync<ValidationFailedException>(() => Run(db, team, sp => Make<TripService>(sp).PassengersAsync([" "])));
        Assert.Equal(SiteErrors.TripPassengersRequired, Assert.Single(none.Errors).Code);
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task TripPassengers_TypedByName_AreThePersonUnderAnOrderInScope_AndASharedNameAsksForTheIdNumber(Engine engine)
    {
        await using var db = await TestDatabase.CreateAsync(engine);
        SetNow(db, "2022-10-05 09:00");
        long mine, neighbour, bystander, theirs;
        string township;
        await using (var ctx = await db.ContextAsync())
        {
            var people = await ctx.People.Where(p => p.CountyCode == County).OrderBy(p => p.Id).Select(p => new { p.Id, p.ScopeKey }).ToListAsync();
            township = people[0].ScopeKey[..ScopeKey.TownshipLength];
            var same = people.Where(p => p.ScopeKey.StartsWith(township, StringComparison.Ordinal)).ToList();
            (mine, neighbour, bystander) = (same[0].Id, same[1].Id, same[2].Id);
            theirs = people.First(p => !p.ScopeKey.StartsWith(township, StringComparison.Ordinal)).Id;
            // Four people bear one name: two of this township, one of another, one here with no order.
            await ctx.People.Where(p => p.Id == mine || p.Id == neighbour || p.Id == bystander || p.Id == theirs)
                .ExecuteUpdateAsync(u => u.SetProperty(p => p.Name, "欧阳晓明"));
        }
        var order = await CloseContactOrderAsync(db, mine, "2022-10-04");
        await CloseContactOrderAsync(db, theirs, "2022-10-04");
        var team = As(Roles.TownshipTeam, township);

        // The only bearer under an order this team sees (the other township's is not theirs; the bystander has no order).
        var found = await Run(db, team, sp => Make<TripService>(sp).PassengersAsync(["  欧阳晓明 "]));
        Assert.Equal(new TripPassengerInput(mine, order), Assert.Single(found));
        // A name nobody under an order bears is named by its line, and so is a line that is no name at all.
        var unknown = await Assert.ThrowsAsync<ValidationFailedException>(() => Run(db, team, sp => Make<TripService>(sp).PassengersAsync(["欧阳晓明", "司马光", "<script>"])));
        Assert.Equal([new Core.People.FieldError("passengers[2]", SiteErrors.TripNameNotFound), new Core.People.FieldError("passengers[3]", SiteErrors.TripNameNotFound)], unknown.Errors.OrderBy(e => e.Field));
        // Once a neighbour of the same name is under an order too, the name no longer decides: the ID number does.
        await CloseContactOrderAsync(db, neighbour, "2022-10-04");
        var shared = await Assert.ThrowsAsync<ValidationFailedException>(() => Run(db, team, sp => Make<TripService>(sp).PassengersAsync(["欧阳晓明"])));
        Assert.Equal(new Core.People.FieldError("passengers[1]", SiteErrors.TripNameAmbiguous), Assert.Single(shared.Errors));
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task AHousehold_IsPlacedTogether_InAFamilyRoom(Engine engine)
    {
        await using var db = await TestDatabase.CreateAsync(engine);
        SetNow(db, "2022-10-05 09:00");
        await SiteInServiceAsync(db, "楼栋,楼层,房号,单人间,独立卫生间,家庭房,床位\nA,1,101,是,是,否,1\nA,1,102,是,是,否,1\nA,2,201,否,是,是,3\n");
        long[] family;
        await using (var ctx = await db.ContextAsync())
        {
            var household = await ctx.People.Where(p => p.CountyCode == County && p.ScopeKey.Length == ScopeKey.HouseholdLength)
                .GroupBy(p => p.ScopeKey).Where(g => g.Count() == 2).Select(g => g.Key).FirstAsync();
            family = await ctx.People.Where(p => p.ScopeKey == household).Select(p => p.Id).ToArrayAsync();
        }
        var orders = new List<long>();
        foreach (var p in family) orders.Add(await CloseContactOrderAsync(db, p, "2022-10-04"));

        var suggestion = (await Run(db, SiteStaff, sp => Make<StayService>(sp).SuggestAsync(orders[0])))!.First().Suggestion;
        Assert.Equal(AllocationReasons.FamilyRoom, suggestion.Reason);
        Assert.Equal("201", Assert.Single(suggestion.Rooms).Number);
        Assert.NotNull(await Run(db, SiteStaff, sp => Make<StayService>(sp).AllocateAsync(orders[0])));
        await using var check = await db.ContextAsync(Command);
        var stays = await check.Stays.Where(s => s.OccupiedRoomId != null).ToListAsync();
        Assert.Equal(2, stays.Count);
        Assert.Single(stays.Select(s => s.RoomId).Distinct());
        Assert.Equal([1, 2], stays.Select(s => s.Bed).Order().ToArray());
        // The second member already has a bed with the family.
        var again = await Assert.ThrowsAsync<ConflictException>(() => Run(db, SiteStaff, sp => Make<StayService>(sp).AllocateAsync(orders[1])));
        Assert.Equal(SiteErrors.StayPersonAlreadyAllocated, again.Code);
        await AssertHoldersMatchStaysAsync(db);
    }

    /// <summary>The low-capacity alert reaches the command centre as a notice: once a county day while rooms stay short.</summary>
    [Theory, OnSqlite, OnPostgres]
    public async Task FreeRoomsUnderTheThreshold_TellTheCommandCentre_OnceADay(Engine engine)
    {
        await using var db = await TestDatabase.CreateAsync(engine);
        SetNow(db, "2022-10-05 09:00");
        await SiteInServiceAsync(db, "楼栋,楼层,房号\nA,1,101\nA,1,102\n");
        var system = new Actor("system", "sweep", JurisdictionScope.Of(County, County), new HashSet<string>(Permissions.All));
        var day = new DateOnly(2022, 10, 5);
        Assert.False(await Run(db, system, sp => Make<SiteService>(sp).WatchCapacityAsync(new CapacityThreshold(MinFreeRooms: 2), day)));
        Assert.True(await Run(db, system, sp => Make<SiteService>(sp).WatchCapacityAsync(new CapacityThreshold(MinFreeRooms: 3), day)));
        Assert.False(await Run(db, system, sp => Make<SiteService>(sp).WatchCapacityAsync(new CapacityThreshold(MinFreeRooms: 3), day)));
        Assert.True(await Run(db, system, sp => Make<SiteService>(sp).WatchCapacityAsync(new CapacityThreshold(MinFreeRooms: 3), day.AddDays(1))));
        await using var ctx = await db.ContextAsync(Command);
        var notices = await ctx.Notifications.Where(n => n.Kind == Core.Notifications.NotificationKinds.CapacityLow).ToListAsync();
        Assert.Equal(2, notices.Count);
        Assert.All(notices, n => Assert.Equal((County, 2, "2/2"), (n.ScopeKey, n.Count, n.Subject)));
    }

    /// <summary>
    /// Orders and stays never disagree: the township sends a person at the county's site to hospital from the order
    /// (the stay is checked out, the room goes into turnover, though the stay is the site's), cancels an order whose
    /// room is only allocated (the room is free again), extends one (the stay's leave day moves); and a person checked
    /// out of the site to hospital has the order transferred too (no more report tasks).
    /// </summary>
    [Theory, OnSqlite, OnPostgres]
    public async Task OrdersAndStays_FollowEachOther(Engine engine)
    {
        await using var db = await TestDatabase.CreateAsync(engine);
        SetNow(db, "2022-10-05 09:00");
        await SiteInServiceAsync(db, "楼栋,楼层,房号\nA,1,101\nA,1,102\nA,1,103\nA,1,104\n");
        var people = await PeopleAsync(db, 60);
        // Four people of different households (a household would be placed together).
        var singles = new List<long>();
        await using (var ctx = await db.ContextAsync(Command))
        {
            var keys = await ctx.People.Where(p => people.Contains(p.Id)).Select(p => new { p.Id, p.ScopeKey }).ToListAsync();
            singles = keys.GroupBy(k => k.ScopeKey.Length >= ScopeKey.HouseholdLength ? k.ScopeKey[..ScopeKey.HouseholdLength] : k.ScopeKey).Select(g => g.First().Id).Take(4).ToList();
        }
        Assert.Equal(4, singles.Count);
        string TownshipOf(long person)
        {
            using var ctx = db.ContextAsync(Command).GetAwaiter().GetResult();
            return ctx.People.Where(p => p.Id == person).Select(p => p.ScopeKey).First()[..ScopeKey.TownshipLength];
        }
        var orders = new List<long>();
        var stays = new List<long>();
        foreach (var person in singles)
        {
            // The third from a high-risk area: 7 days at the site and nothing after, so an extension lengthens the site phase.
            var order = person == singles[2]
                ? await Run(db, Command, sp => Make<OrderService>(sp).CreateAsync(new OrderCreate(person, [Reasons.HighRiskArea], new DateOnly(2022, 10, 4))))
                : await CloseContactOrderAsync(db, person, "2022-10-04");
            orders.Add(order);
            stays.Add((await Run(db, SiteStaff, sp => Make<StayService>(sp).AllocateAsync(order)))!.Value);
        }
        await Run(db, SiteStaff, sp => Make<StayService>(sp).CheckInAsync(stays[0]));
        await Run(db, SiteStaff, sp => Make<StayService>(sp).CheckInAsync(stays[3]));
        async Task<(StayStatus Status, StayOutcome Outcome, DateOnly? LeaveOn, RoomState Room, int Holders)> StayAsync(long id)
        {
            await using var ctx = await db.ContextAsync(Command);
            var s = await ctx.Stays.FirstAsync(x => x.Id == id);
            var r = await ctx.Rooms.FirstAsync(x => x.Id == s.RoomId);
            return (s.Status, s.Outcome, s.LeaveOn, r.State, r.Holders);
        }
        async Task<OrderStatus> OrderAsync(long id)
        {
            await using var ctx = await db.ContextAsync(Command);
            return await ctx.Orders.Where(o => o.Id == id).Select(o => o.Status).FirstAsync();
        }

        // The person's own township (it cannot see the county's site) sends the checked-in person to hospital.
        var township = As(Roles.TownshipTeam, TownshipOf(singles[0]));
        Assert.True(await Run(db, township, sp => Make<OrderService>(sp).TransferToHospitalAsync(orders[0], "体温 38.2℃,转定点医院", " 县人民医院 ")));
        var first = await StayAsync(stays[0]);
        Assert.Equal((StayStatus.CheckedOut, StayOutcome.TransferredToHospital, RoomState.AwaitingDisinfection, 0), (first.Status, first.Outcome, first.Room, first.Holders));
        // The transfer is a trip from the site the person was checked in at to the hospital named, carrying the order.
        async Task<Trip> HospitalTripAsync(long orderId)
        {
            await using var ctx = await db.ContextAsync(Command);
            return await ctx.Trips.Include(t => t.Passengers).SingleAsync(t => t.ToKind == TripPlaceKind.Hospital && t.Passengers.Any(p => p.OrderId == orderId));
        }
        var firstTrip = await HospitalTripAsync(orders[0]);
        Assert.Equal((TripPlaceKind.Site, TripStatus.Requested, "县人民医院", singles[0]), (firstTrip.FromKind, firstTrip.Status, firstTrip.ToText, Assert.Single(firstTrip.Passengers).PersonId));
        Assert.NotNull(firstTrip.FromSiteId);
        // The person's record says where they were taken.
        Assert.Equal("县人民医院", Assert.Single((await Run(db, township, sp => Make<OrderService>(sp).SearchAsync(new OrderQuery(PersonId: singles[0])))).Items).Hospital);
        // What a checkpoint reads for that person: still under measure while the order's period lasts.
        Assert.Equal(ControlStatus.UnderMeasure, await Run(db, township, sp => Make<OrderService>(sp).ControlStatusAsync(singles[0])));
        // Cancelled while only allocated: the room is free again.
        Assert.True(await Run(db, As(Roles.TownshipTeam, TownshipOf(singles[1])), sp => Make<OrderService>(sp).CancelAsync(orders[1], "身份核实有误")));
        var second = await StayAsync(stays[1]);
        Assert.Equal((StayStatus.Cancelled, RoomState.Ready, 0), (second.Status, second.Room, second.Holders));
        // Extended by three days: the stay's leave day moves with the site phase.
        var leave = (await StayAsync(stays[2])).LeaveOn;
        Assert.NotNull(leave);
        Assert.True(await Run(db, Command, sp => Make<OrderService>(sp).ExtendAsync(orders[2], 3, "第 7 天检测结果未出")));
        Assert.Equal(leave!.Value.AddDays(3), (await StayAsync(stays[2])).LeaveOn);
        // The site checks a person out to hospital: the order follows.
        Assert.Equal(OrderStatus.Active, await OrderAsync(orders[3]));
        Assert.True(await Run(db, SiteStaff, sp => Make<StayService>(sp).CheckOutAsync(stays[3], StayOutcome.TransferredToHospital, "县第二人民医院")));
        Assert.Equal(OrderStatus.TransferredToHospital, await OrderAsync(orders[3]));
        Assert.Equal((TripPlaceKind.Site, "县第二人民医院"), ((await HospitalTripAsync(orders[3])).FromKind, (await HospitalTripAsync(orders[3])).ToText));
        Assert.Equal("县第二人民医院", (await Run(db, Command, sp => Make<OrderService>(sp).GetAsync(orders[3])))!.Order.Hospital);
        await AssertHoldersMatchStaysAsync(db);
        // Every change on the trail under the name of who made it.
        await using var trail = await db.ContextAsync(Command);
        var reasons = await trail.AuditEntries.Where(a => a.EntityType == "Stay" || a.Rule == "stay#transferred-to-hospital").Select(a => a.Reason + " / " + a.ActorName).ToListAsync();
        Assert.Contains(reasons, r => r.StartsWith("checked out: TransferredToHospital (order transferred to hospital)", StringComparison.Ordinal) && r.EndsWith(township.Name, StringComparison.Ordinal));
        Assert.Contains(reasons, r => r.StartsWith("allocation cancelled: order cancelled", StringComparison.Ordinal));
        Assert.Contains(reasons, r => r.StartsWith("checked out of the site to hospital: 县第二人民医院", StringComparison.Ordinal));
        Assert.Contains(reasons, r => r.StartsWith("checked out: TransferredToHospital to 县第二人民医院", StringComparison.Ordinal));
        // The hospital is on the trail of the order's transfer and of each trip's request.
        var named = await trail.AuditEntries.Where(a => a.Rule == "order#transferred-to-hospital" || (a.EntityType == "ControlOrder" && a.Reason!.Contains("县人民医院")))
            .Select(a => a.Reason).ToListAsync();
        Assert.Contains(named, r => r == "体温 38.2℃,转定点医院 (to hospital: 县人民医院)");
        Assert.Contains(named, r => r == "trip requested for 1 people to hospital: 县人民医院");
    }

    /// <summary>
    /// An order transferred to hospital while the person is at home sends the closed-loop transfer from home (their
    /// address, their node) to the hospital named. While the person is still on an open trip the transfer is refused
    /// naming that trip, and neither the order nor the trips change.
    /// </summary>
    [Theory, OnSqlite, OnPostgres]
    public async Task AnOrderTransferredFromHome_SendsATripFromHomeToTheHospitalNamed(Engine engine)
    {
        await using var db = await TestDatabase.CreateAsync(engine);
        SetNow(db, "2022-10-05 09:00");
        var site = await SiteInServiceAsync(db, "楼栋,楼层,房号\nA,1,101\n");
        var people = await HouseholdsAsync(db, 2);
        var atHome = await CloseContactOrderAsync(db, people[0], "2022-10-04");
        var onTrip = await CloseContactOrderAsync(db, people[1], "2022-10-04");
        async Task<(OrderStatus Status, int Trips)> StateAsync(long orderId)
        {
            await using var ctx = await db.ContextAsync(Command);
            return (await ctx.Orders.Where(o => o.Id == orderId).Select(o => o.Status).FirstAsync(), await ctx.Trips.CountAsync());
        }

        var pickUp = await Run(db, SiteStaff, sp => Make<TripService>(sp).RequestAsync(new TripRequest(TripPlaceKind.Home, "家中", null, TripPlaceKind.Site, null, site,
            [new TripPassengerInput(people[1], onTrip)])));
        var before = await StateAsync(onTrip);
        var refused = await Assert.ThrowsAsync<ConflictException>(() => Run(db, Command, sp => Make<OrderService>(sp).TransferToHospitalAsync(onTrip, "核酸阳性", "县人民医院")));
        Assert.Equal(SiteErrors.TripPassengerOnOpenTrip, refused.Code);
        Assert.EndsWith("#" + pickUp.ToString(CultureInfo.InvariantCulture), refused.Detail);
        Assert.Equal(before, await StateAsync(onTrip));

        Assert.True(await Run(db, Command, sp => Make<OrderService>(sp).TransferToHospitalAsync(atHome, "核酸阳性", "县人民医院")));
        await using (var ctx = await db.ContextAsync(Command))
        {
            var trip = await ctx.Trips.Include(t => t.Passengers).SingleAsync(t => t.ToKind == TripPlaceKind.Hospital);
            var person = await ctx.People.AsNoTracking().SingleAsync(p => p.Id == people[0]);
            Assert.NotNull(person.NodeId);
            Assert.Equal((TripPlaceKind.Home, person.NodeId, person.AddressText, (long?)null, "县人民医院", (long?)atHome),
                (trip.FromKind, trip.FromNodeId, trip.FromText, trip.FromSiteId, trip.ToText, Assert.Single(trip.Passengers).OrderId));
            Assert.Equal(OrderStatus.TransferredToHospital, (await StateAsync(atHome)).Status);
        }
        // On the trips list, as the county's transfer group reads it.
        var listed = (await Run(db, Command, sp => Make<TripService>(sp).ListAsync())).Trips.Single(t => t.ToKind == TripPlaceKind.Hospital);
        Assert.Equal(("县人民医院", TripStatus.Requested), (listed.ToText, listed.Status));
    }

    /// <summary>
    /// A trip from or to a home whose address is on record only as a jurisdiction node (no address text) names the
    /// village of the passengers' home on the trips list, rather than the kind alone; a home with its address keeps it.
    /// </summary>
    [Theory, OnSqlite, OnPostgres]
    public async Task AHomeWithoutAnAddress_IsNamedByItsVillageOnTheTripsList(Engine engine)
    {
        await using var db = await TestDatabase.CreateAsync(engine);
        SetNow(db, "2022-10-05 09:00");
        var site = await SiteInServiceAsync(db, "楼栋,楼层,房号\nA,1,101\nA,1,102\n");
        var people = await HouseholdsAsync(db, 2);
        string village;
        await using (var ctx = await db.ContextAsync(Command))
        {
            // Both on record by their household node only.
            foreach (var person in await ctx.People.Where(p => people.Contains(p.Id)).ToListAsync()) person.AddressText = null;
            await ctx.SaveChangesAsync();
            var key = (await ctx.People.FirstAsync(p => p.Id == people[0])).ScopeKey[..ScopeKey.VillageLength];
            village = (await ctx.Nodes.FirstAsync(n => n.ScopeKey == key)).Name;
        }
        // A pick-up from home to the site; a transfer from home to hospital.
        var order = await CloseContactOrderAsync(db, people[0], "2022-10-04");
        var stay = (await Run(db, SiteStaff, sp => Make<StayService>(sp).AllocateAsync(order)))!.Value;
        var pickUp = (await Run(db, SiteStaff, sp => Make<TripService>(sp).RequestPickUpAsync(stay, TripPlaceKind.Home, null)))!.Value;
        var other = await CloseContactOrderAsync(db, people[1], "2022-10-04");
        Assert.True(await Run(db, Command, sp => Make<OrderService>(sp).TransferToHospitalAsync(other, "核酸阳性", "县人民医院")));
        var trips = (await Run(db, Command, sp => Make<TripService>(sp).ListAsync())).Trips;
        var fetched = trips.Single(t => t.Id == pickUp);
        Assert.Equal((TripPlaceKind.Home, null, village), (fetched.FromKind, fetched.FromText, fetched.HomeVillage));
        var toHospital = trips.Single(t => t.ToKind == TripPlaceKind.Hospital);
        await using (var ctx = await db.ContextAsync(Command))
        {
            var otherVillage = (await ctx.People.FirstAsync(p => p.Id == people[1])).ScopeKey[..ScopeKey.VillageLength];
            Assert.Equal(await ctx.Nodes.Where(n => n.ScopeKey == otherVillage).Select(n => n.Name).FirstAsync(), toHospital.HomeVillage);
        }
        // A home given with its address keeps the address (no village added).
        Assert.True(await Run(db, SiteStaff, sp => Make<TripService>(sp).CancelAsync(pickUp, "改为家属送达")));
        var typed = await Run(db, SiteStaff, sp => Make<TripService>(sp).RequestAsync(new TripRequest(TripPlaceKind.Home, "杜家河村3组12号", null, TripPlaceKind.Site, null, site,
            [new TripPassengerInput(people[0], order)])));
        var withAddress = (await Run(db, Command, sp => Make<TripService>(sp).ListAsync())).Trips.Single(t => t.Id == typed);
        Assert.Equal(("杜家河村3组12号", null), (withAddress.FromText, withAddress.HomeVillage));
    }

    /// <summary>
    /// The county's local layer says which level of site takes whom: a close contact goes to the county's site first
    /// although a township site of the person's own township has rooms; once the county drops that placement (a new
    /// version of its layer), the nearest site comes first again.
    /// </summary>
    [Theory, OnSqlite, OnPostgres]
    public async Task OfTwoCountySites_TheOneStandingInThePersonsVillage_IsSuggestedFirst(Engine engine)
    {
        await using var db = await TestDatabase.CreateAsync(engine);
        SetNow(db, "2022-10-05 09:00");
        var person = (await PeopleAsync(db, 1))[0];
        long home, elsewhere, township;
        await using (var ctx = await db.ContextAsync())
        {
            var key = await ctx.People.Where(p => p.Id == person).Select(p => p.ScopeKey).SingleAsync();
            var villageKey = key[..ScopeKey.VillageLength];
            var townshipKey = key[..ScopeKey.TownshipLength];
            home = await ctx.Nodes.Where(n => n.ScopeKey == villageKey).Select(n => n.Id).SingleAsync();
            township = await ctx.Nodes.Where(n => n.ScopeKey == townshipKey).Select(n => n.Id).SingleAsync();
            elsewhere = await ctx.Nodes.Where(n => n.Level == JurisdictionLevel.Village && !n.ScopeKey.StartsWith(townshipKey))
                .OrderBy(n => n.ScopeKey).Select(n => n.Id).FirstAsync();
        }
        // The first site set up (lower id, so first among equals before) stands across the county; the second in the village.
        var far = await SiteInServiceAsync(db, "楼栋,楼层,房号\nA,1,101\n", "县集中隔离点一号");
        var near = await SiteInServiceAsync(db, "楼栋,楼层,房号\nA,1,101\n", "县集中隔离点二号");
        SiteEdit Standing(long node) => new("县集中隔离点", null, null, null, null, null, 0, AddressNodeId: node);
        Assert.True(await Run(db, Command, sp => Make<SiteService>(sp).UpdateAsync(far, Standing(elsewhere) with { Name = "县集中隔离点一号" })));
        Assert.True(await Run(db, Command, sp => Make<SiteService>(sp).UpdateAsync(near, Standing(home) with { Name = "县集中隔离点二号" })));
        var bad = await Assert.ThrowsAsync<ValidationFailedException>(() => Run(db, Command, sp => Make<SiteService>(sp).UpdateAsync(near, Standing(999_999) with { Name = "县集中隔离点二号" })));
        Assert.Contains(bad.Errors, e => e.Field == "addressNodeId" && e.Code == "site.location-unknown");

        var order = await CloseContactOrderAsync(db, person, "2022-10-04");
        var suggestions = (await Run(db, SiteStaff, sp => Make<StayService>(sp).SuggestAsync(order)))!;
        Assert.Equal(near, suggestions[0].Suggestion.SiteId);
        // Standing in the person's township (not their village) still beats across the county.
        Assert.True(await Run(db, Command, sp => Make<SiteService>(sp).UpdateAsync(near, Standing(township) with { Name = "县集中隔离点二号" })));
        Assert.Equal(near, (await Run(db, SiteStaff, sp => Make<StayService>(sp).SuggestAsync(order)))![0].Suggestion.SiteId);
        var board = (await Run(db, SiteStaff, sp => Make<SiteService>(sp).BoardAsync(near)))!;
        Assert.Equal(township, board.Site.AddressNodeId);
        Assert.NotNull(board.Site.Location);
        // Left out, the location stays; 0 clears it.
        Assert.True(await Run(db, Command, sp => Make<SiteService>(sp).UpdateAsync(near, Standing(township) with { Name = "县集中隔离点二号", AddressNodeId = null })));
        Assert.Equal(township, (await Run(db, SiteStaff, sp => Make<SiteService>(sp).BoardAsync(near)))!.Site.AddressNodeId);
        Assert.True(await Run(db, Command, sp => Make<SiteService>(sp).UpdateAsync(near, Standing(township) with { Name = "县集中隔离点二号", AddressNodeId = 0 })));
        Assert.Null((await Run(db, SiteStaff, sp => Make<SiteService>(sp).BoardAsync(near)))!.Site.AddressNodeId);
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task AnInboundTraveller_IsPickedUpPointToPoint_FromTheStationToTheirAllocatedSite(Engine engine)
    {
        await using var db = await TestDatabase.CreateAsync(engine);
        SetNow(db, "2022-10-05 09:00");
        var site = await SiteInServiceAsync(db, "楼栋,楼层,房号\nA,1,101\n");
        long villageId;
        string township;
        await using (var ctx = await db.ContextAsync())
        {
            var village = await ctx.Nodes.Where(n => n.Level == JurisdictionLevel.Village).OrderBy(n => n.ScopeKey).FirstAsync();
            (villageId, township) = (village.Id, village.ScopeKey[..ScopeKey.TownshipLength]);
        }
        var staff = As(Roles.TownshipTeam, township);
        var receipt = await Run(db, staff, sp => Make<ArrivalService>(sp).RegisterAsync(new ArrivalInput("李入境", Core.Identifiers.DocumentType.ResidentId,
            Core.Identifiers.ResidentId.Compose("410105", new DateOnly(1988, 1, 2), 41), "13911110041", "美国洛杉矶", Inbound: true, ArrivalDate: new DateOnly(2022, 10, 5),
            DestinationNodeId: villageId), ArrivalChannel.Station, "郑州东站"));
        Assert.True(await Run(db, staff, sp => Make<ArrivalService>(sp).DecideAsync(receipt.Id, true, "核实")));
        var orderId = (await Run(db, staff, sp => Make<ArrivalService>(sp).GetAsync(receipt.Id)))!.Arrival.OrderId!.Value;
        // Sent to a site by the rules: no car until a room is allocated (nobody is driven home instead).
        var early = await Assert.ThrowsAsync<ConflictException>(() => Run(db, staff, sp => Make<TripService>(sp).RequestArrivalPickUpAsync(receipt.Id)));
        Assert.Equal("trip.allocate-first", early.Code);
        Assert.NotNull(await Run(db, SiteStaff, sp => Make<StayService>(sp).AllocateAsync(orderId)));

        // Four staff ask at the same moment: one pick-up, and every one of them is given it.
        var asked = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Run(db, staff, sp => Make<TripService>(sp).RequestArrivalPickUpAsync(receipt.Id))));
        var trip = asked[0]!.Value;
        Assert.All(asked, a => Assert.Equal(trip, a));
        Assert.Equal(trip, await Run(db, staff, sp => Make<TripService>(sp).RequestArrivalPickUpAsync(receipt.Id))); // one open pick-up
        await using (var ctx = await db.ContextAsync(Command))
        {
            Assert.Equal(1, await ctx.Trips.CountAsync(x => x.IsPointToPoint));
            var t = await ctx.Trips.Include(x => x.Passengers).SingleAsync(x => x.Id == trip);
            Assert.Equal((TripPlaceKind.Station, "郑州东站", TripPlaceKind.Site, (long?)site, true), (t.FromKind, t.FromText, t.ToKind, t.ToSiteId, t.IsPointToPoint));
            Assert.Equal(orderId, Assert.Single(t.Passengers).OrderId);
        }
        // A registration made ahead (by the person) does not say where they land: no pick-up from it.
        var self = new Actor(null, "self-registration", JurisdictionScope.Of(County, County), new HashSet<string> { Permissions.ArrivalsRegister });
        var ahead = await Run(db, self, sp => Make<ArrivalService>(sp).RegisterAsync(new ArrivalInput("赵提前", Core.Identifiers.DocumentType.ResidentId,
            Core.Identifiers.ResidentId.Compose("410105", new DateOnly(1988, 1, 2), 43), "13911110043", "河南省郑州市二七区", ArrivalDate: new DateOnly(2022, 10, 5),
            DestinationNodeId: villageId), ArrivalChannel.Self, township));
        var unknown = await Assert.ThrowsAsync<ConflictException>(() => Run(db, staff, sp => Make<TripService>(sp).RequestArrivalPickUpAsync(ahead.Id)));
        Assert.Equal("trip.pick-up-place-unknown", unknown.Code);
        // Another township cannot arrange it.
        var other = await Run(db, Command, async sp => { await using var c = await db.ContextAsync(); return await c.Nodes.Where(n => n.Level == JurisdictionLevel.Township && n.ScopeKey != township).Select(n => n.ScopeKey).FirstAsync(); });
        Assert.Null(await Run(db, As(Roles.TownshipTeam, other), sp => Make<TripService>(sp).RequestArrivalPickUpAsync(receipt.Id)));
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task AStayLeftBehindByAnEndedOrder_FollowsItAtTheNextSweep_OnceWithTwoNodes(Engine engine)
    {
        await using var db = await TestDatabase.CreateAsync(engine);
        SetNow(db, "2022-10-05 09:00");
        var site = await SiteInServiceAsync(db, "楼栋,楼层,房号\nA,1,101\nA,1,102\n");
        var people = await PeopleAsync(db, 2);
        var allocated = await CloseContactOrderAsync(db, people[0], "2022-10-04");
        var checkedIn = await CloseContactOrderAsync(db, people[1], "2022-10-04");
        var rooms = (await Run(db, SiteStaff, sp => Make<SiteService>(sp).BoardAsync(site)))!.Rooms.Select(r => r.Id).ToList();
        var first = (await Run(db, SiteStaff, sp => Make<StayService>(sp).AllocateAsync(allocated, rooms[0])))!.Value;
        var second = (await Run(db, SiteStaff, sp => Make<StayService>(sp).AllocateAsync(checkedIn, rooms[1])))!.Value;
        Assert.True(await Run(db, SiteStaff, sp => Make<StayService>(sp).CheckInAsync(second)));
        // The orders end, and the process stops before the stays follow (written straight to the table here).
        await using (var ctx = await db.ContextAsync(Command))
        {
            await ctx.Orders.Where(o => o.Id == allocated).ExecuteUpdateAsync(u => u.SetProperty(o => o.Status, OrderStatus.Cancelled));
            await ctx.Orders.Where(o => o.Id == checkedIn).ExecuteUpdateAsync(u => u.SetProperty(o => o.Status, OrderStatus.Released));
        }
        var system = new Actor("system", "sweep", JurisdictionScope.Of(County, County), new HashSet<string>(Permissions.All));
        var followed = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => Task.Run(() => Run(db, system, sp => Make<StayService>(sp).ReconcileAsync()))));
        Assert.Equal(2, followed.Sum());
        Assert.Equal(0, await Run(db, system, sp => Make<StayService>(sp).ReconcileAsync()));
        await using (var ctx = await db.ContextAsync(Command))
        {
            var stays = await ctx.Stays.Where(s => s.Id == first || s.Id == second).ToDictionaryAsync(s => s.Id);
            Assert.Equal(StayStatus.Cancelled, stays[first].Status);
            Assert.Equal((StayStatus.CheckedOut, StayOutcome.Released), (stays[second].Status, stays[second].Outcome));
        }
        var board = (await Run(db, SiteStaff, sp => Make<SiteService>(sp).BoardAsync(site)))!;
        Assert.Equal(RoomState.AwaitingDisinfection, board.Rooms.Single(r => r.Occupants.Count == 0 && r.State != RoomState.Ready).State);
        await AssertHoldersMatchStaysAsync(db);
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task TheCountysPlacement_SendsACloseContactToTheCountySite(Engine engine)
    {
        await using var db = await TestDatabase.CreateAsync(engine);
        SetNow(db, "2022-10-05 09:00");
        var countySite = await SiteInServiceAsync(db, "楼栋,楼层,房号\nA,1,101\nA,1,102\n");
        var person = (await PeopleAsync(db, 1))[0];
        string township;
        await using (var ctx = await db.ContextAsync(Command))
            township = (await ctx.People.Where(p => p.Id == person).Select(p => p.ScopeKey).FirstAsync())[..ScopeKey.TownshipLength];
        var townshipSite = await Run(db, Command, sp => Make<SiteService>(sp).CreateAsync(new SiteInput("乡镇集中隔离点", SiteLevel.Township, township)));
        Assert.Empty((await Run(db, Command, sp => Make<SiteService>(sp).ImportRoomsAsync(townshipSite, Csv("楼栋,楼层,房号\nB,1,101\nB,1,102\n"), "rooms.csv")))!.Errors);
        Assert.True((await Run(db, Command, sp => Make<SiteService>(sp).InspectAsync(townshipSite,
            new InspectionInput(SiteStandards.Default.Select(s => new InspectionItemInput(s.Code, true, null)).ToList(), null))))!.Passed);
        Assert.True(await Run(db, Command, sp => Make<SiteService>(sp).ChangeStatusAsync(townshipSite, SiteStatus.InService, null)));
        var order = await CloseContactOrderAsync(db, person, "2022-10-04");

        var placement = (await Run(db, SiteStaff, sp => Make<StayService>(sp).PlacementAsync(order)))!;
        Assert.Equal((SiteLevel.County, "close-contact", true), (placement.Level, placement.Reason, placement.FamilyRooms));
        var suggestions = (await Run(db, SiteStaff, sp => Make<StayService>(sp).SuggestAsync(order)))!;
        Assert.Equal(countySite, suggestions[0].Suggestion.SiteId);
        Assert.True(suggestions.Where(x => x.Suggestion.SiteId == townshipSite).All(x => x.Suggestion.Flags.HasFlag(AllocationFlags.OtherLevel)));

        // The county drops its placements: the township's own site, nearer, comes first.
        var local = System.Text.Json.Nodes.JsonNode.Parse(RulePackJson.ShippedLocal(County)!)!.AsObject();
        local.Remove("sitePlacements");
        await Run(db, Command, sp => Make<Data.Policy.PolicyService>(sp).SaveAsync("local", local.ToJsonString(), "隔离点不再分级安排"));
        Assert.Null((await Run(db, SiteStaff, sp => Make<StayService>(sp).PlacementAsync(order)))!.Level);
        suggestions = (await Run(db, SiteStaff, sp => Make<StayService>(sp).SuggestAsync(order)))!;
        Assert.Equal(townshipSite, suggestions[0].Suggestion.SiteId);
        var stay = await Run(db, SiteStaff, sp => Make<StayService>(sp).AllocateAsync(order));
        await using (var ctx = await db.ContextAsync(Command))
            Assert.Equal(townshipSite, await ctx.Stays.Where(x => x.Id == stay).Select(x => x.SiteId).FirstAsync());
    }

    /// <summary>
    /// Travel times by road decide which site is nearer: for a person of a township with times, the site with the fewest
    /// minutes comes first even when another stands in the person's own township, and allocation takes it; a person of a
    /// township without times gets exactly the order of before (the places shared). Each time saved is on the site's trail.
    /// </summary>
    [Theory, OnSqlite, OnPostgres]
    public async Task TravelTimes_PutTheNearerSiteFirst_AndATownshipWithoutTimesKeepsTheOldOrder(Engine engine)
    {
        await using var db = await TestDatabase.CreateAsync(engine);
        SetNow(db, "2022-10-05 09:00");
        long p, q;
        string t, u;
        long tVillage, uVillage, vVillage;
        await using (var ctx = await db.ContextAsync())
        {
            var people = await ctx.People.Where(x => x.CountyCode == County).OrderBy(x => x.Id).Select(x => new { x.Id, x.ScopeKey }).ToListAsync();
            (p, t) = (people[0].Id, people[0].ScopeKey[..ScopeKey.TownshipLength]);
            var other = people.First(x => !x.ScopeKey.StartsWith(t, StringComparison.Ordinal));
            (q, u) = (other.Id, other.ScopeKey[..ScopeKey.TownshipLength]);
            var villages = await ctx.Nodes.Where(n => n.Level == JurisdictionLevel.Village).OrderBy(n => n.ScopeKey).Select(n => new { n.Id, n.ScopeKey }).ToListAsync();
            tVillage = villages.First(v => v.ScopeKey.StartsWith(t, StringComparison.Ordinal)).Id;
            uVillage = villages.First(v => v.ScopeKey.StartsWith(u, StringComparison.Ordinal)).Id;
            vVillage = villages.First(v => !v.ScopeKey.StartsWith(t, StringComparison.Ordinal) && !v.ScopeKey.StartsWith(u, StringComparison.Ordinal)).Id;
        }
        // Site A stands in P's township, B in a third one, C in Q's; two rooms each.
        const string Rooms = "楼栋,楼层,房号\nA,1,101\nA,1,102\n";
        var a = await SiteInServiceAsync(db, Rooms, "县集中隔离点甲");
        var b = await SiteInServiceAsync(db, Rooms, "县集中隔离点乙");
        var c = await SiteInServiceAsync(db, Rooms, "县集中隔离点丙");
        foreach (var (site, name, node) in new[] { (a, "县集中隔离点甲", tVillage), (b, "县集中隔离点乙", vVillage), (c, "县集中隔离点丙", uVillage) })
            Assert.True(await Run(db, Command, sp => Make<SiteService>(sp).UpdateAsync(site, new SiteEdit(name, null, null, null, null, null, 0, AddressNodeId: node))));
        var pOrder = await CloseContactOrderAsync(db, p, "2022-10-04");
        var qOrder = await CloseContactOrderAsync(db, q, "2022-10-04");
        async Task<long[]> SitesFor(long order) => (await Run(db, SiteStaff, sp => Make<StayService>(sp).SuggestAsync(order)))!.Select(x => x.Suggestion.SiteId).Distinct().ToArray();
        var pBefore = await SitesFor(pOrder);
        var qBefore = await SitesFor(qOrder);
        Assert.Equal(a, pBefore[0]); // by the places shared: the site in P's township
        Assert.Equal(c, qBefore[0]);

        // From P's township, B (across the bridge) is 10 minutes, A 30, C 50; nothing is entered for Q's township.
        Task<bool> SetAsync(long site, int minutes) => Run(db, Command, sp => Make<SiteService>(sp).SetTravelTimesAsync(site, [new TravelTimeEntry(t, minutes)]));
        Assert.True(await SetAsync(a, 30));
        Assert.True(await SetAsync(b, 10));
        Assert.True(await SetAsync(c, 50));
        var suggested = (await Run(db, SiteStaff, sp => Make<StayService>(sp).SuggestAsync(pOrder)))!;
        Assert.Equal([b, a, c], suggested.Select(x => x.Suggestion.SiteId).Distinct().ToArray());
        Assert.Equal(10, suggested[0].Suggestion.TravelMinutes);
        Assert.Equal(qBefore, await SitesFor(qOrder));
        Assert.All((await Run(db, SiteStaff, sp => Make<StayService>(sp).SuggestAsync(qOrder)))!, x => Assert.Null(x.Suggestion.TravelMinutes));
        Assert.NotNull(await Run(db, SiteStaff, sp => Make<StayService>(sp).AllocateAsync(pOrder)));
        Assert.Equal(b, Assert.Single(await Run(db, SiteStaff, sp => Make<StayService>(sp).ListAsync(null, pOrder))).SiteId);

        // The table reads back; a change and a removal are saved at once; the trail has each time on the site.
        Assert.True(await Run(db, Command, sp => Make<SiteService>(sp).SetTravelTimesAsync(a, [new TravelTimeEntry(t, 35), new TravelTimeEntry(u, 20)])));
        var table = (await Run(db, SiteStaff, sp => Make<SiteService>(sp).TravelTimesAsync(a)))!;
        Assert.Equal((35, 20), (table.Single(x => x.Township == t).Minutes, table.Single(x => x.Township == u).Minutes));
        Assert.All(table, x => Assert.False(string.IsNullOrEmpty(x.Name)));
        Assert.True(await Run(db, Command, sp => Make<SiteService>(sp).SetTravelTimesAsync(a, [new TravelTimeEntry(u, 20)])));
        Assert.Null((await Run(db, SiteStaff, sp => Make<SiteService>(sp).TravelTimesAsync(a)))!.Single(x => x.Township == t).Minutes);
        await using var trail = await db.ContextAsync(Command);
        var siteId = a.ToString(CultureInfo.InvariantCulture);
        var actions = await trail.AuditEntries.Where(e => e.EntityType == "QuarantineSite" && e.EntityId == siteId && e.Action.StartsWith("site.travel-time."))
            .OrderBy(e => e.Id).Select(e => new { e.Action, e.Changes, e.Reason }).ToListAsync();
        // Saved three times: P's township's time; then it changed and Q's added (one save); then P's removed.
        Assert.Equal(4, actions.Count);
        Assert.Equal(("site.travel-time.create", "site.travel-time.delete"), (actions[0].Action, actions[3].Action));
        Assert.Equal(["site.travel-time.create", "site.travel-time.update"], actions.Skip(1).Take(2).Select(x => x.Action).Order());
        Assert.All(actions, x => Assert.Equal("travel times edited", x.Reason));
        Assert.Contains(t, actions[0].Changes);
        Assert.Contains("35", actions.Single(x => x.Action == "site.travel-time.update").Changes);
    }

    /// <summary>
    /// Travel times are the site's: an editor of another township neither reads nor writes them (the service answers
    /// "not found", the save guard refuses a row written around it), a township team reads but does not edit, and bad
    /// minutes are refused by township in the service and by the database's check.
    /// </summary>
    [Theory, OnSqlite, OnPostgres]
    public async Task TravelTimes_OfAnotherTownshipsSite_CannotBeWritten_AndBadMinutesAreRefused(Engine engine)
    {
        await using var db = await TestDatabase.CreateAsync(engine);
        SetNow(db, "2022-10-05 09:00");
        var person = (await PeopleAsync(db, 1))[0];
        string township;
        await using (var ctx = await db.ContextAsync())
            township = (await ctx.People.Where(x => x.Id == person).Select(x => x.ScopeKey).SingleAsync())[..ScopeKey.TownshipLength];
        var other = await OtherTownshipAsync(db, person);
        var site = await Run(db, Command, sp => Make<SiteService>(sp).CreateAsync(new SiteInput("镇集中隔离点", SiteLevel.Township, township)));
        SiteService Sites(IServiceProvider sp) => Make<SiteService>(sp);
        TravelTimeEntry[] times = [new(township, 12), new(other, 45)];

        // The other township's editor: not found, whether reading or writing; nothing written.
        var otherEditor = As(Roles.CommandCentre, other);
        Assert.Null(await Run(db, otherEditor, sp => Sites(sp).TravelTimesAsync(site)));
        Assert.False(await Run(db, otherEditor, sp => Sites(sp).SetTravelTimesAsync(site, times)));
        // Around the service, the save guard refuses a row of a site outside the actor's scope.
        await using (var raw = await db.ContextAsync(otherEditor))
        {
            raw.SiteTravelTimes.Add(new SiteTravelTime { CountyCode = County, ScopeKey = township, SiteId = site, TownshipKey = other, Minutes = 5, UpdatedAt = DateTime.UtcNow });
            await Assert.ThrowsAsync<OutOfScopeException>(() => raw.SaveChangesAsync());
        }
        Assert.All((await Run(db, Command, sp => Sites(sp).TravelTimesAsync(site)))!, x => Assert.Null(x.Minutes));
        // The township's team reads them; its own editor (and the county) writes them.
        await Assert.ThrowsAsync<ForbiddenException>(() => Run(db, As(Roles.TownshipTeam, township), sp => Sites(sp).SetTravelTimesAsync(site, times)));
        Assert.True(await Run(db, As(Roles.CommandCentre, township), sp => Sites(sp).SetTravelTimesAsync(site, times)));
        Assert.Equal(12, (await Run(db, As(Roles.TownshipTeam, township), sp => Sites(sp).TravelTimesAsync(site)))!.Single(x => x.Township == township).Minutes);

        // Bad minutes and unknown townships, each named by its township; the table stays as it was.
        var bad = await Assert.ThrowsAsync<ValidationFailedException>(() => Run(db, Command, sp => Sites(sp).SetTravelTimesAsync(site,
            [new(township, 0), new(other, 601), new("411327101", 30), new(County + "999", 30)])));
        Assert.Equal([$"{township}:travel-time.minutes-range", $"{other}:travel-time.minutes-range", "411327101:travel-time.township-unknown", $"{County}999:travel-time.township-unknown"],
            bad.Errors.Select(e => $"{e.Field}:{e.Code}").ToArray());
        var kept = (await Run(db, Command, sp => Sites(sp).TravelTimesAsync(site)))!;
        Assert.Equal((12, 45), (kept.Single(x => x.Township == township).Minutes, kept.Single(x => x.Township == other).Minutes));
        // The database keeps the range too.
        await using (var raw = await db.ContextAsync(Command))
        {
            var row = await raw.SiteTravelTimes.FirstAsync(x => x.SiteId == site);
            row.Minutes = 0;
            await Assert.ThrowsAsync<DbUpdateException>(() => raw.SaveChangesAsync());
        }
    }

    /// <summary>
    /// A site's details change with its people (a new lead at a rotation): saved with a version, every bad field named,
    /// a name already used refused, the lead's phone masked in lists and in the audit trail, kept when left out.
    /// </summary>
    [Theory, OnSqlite, OnPostgres]
    public async Task ASitesDetails_AreEdited_WithClearErrors(Engine engine)
    {
        await using var db = await TestDatabase.CreateAsync(engine);
        SetNow(db, "2022-10-05 09:00");
        var site = await SiteInServiceAsync(db, "楼栋,楼层,房号\nA,1,101\n");
        await Run(db, Command, sp => Make<SiteService>(sp).CreateAsync(new SiteInput("县集中隔离点二号", SiteLevel.County, County)));
        SiteService Sites(IServiceProvider sp) => Make<SiteService>(sp);
        async Task<SiteItem> ItemAsync() => (await Run(db, Command, sp => Sites(sp).BoardAsync(site)))!.Site;
        var before = await ItemAsync();

        Assert.True(await Run(db, Command, sp => Sites(sp).UpdateAsync(site, new SiteEdit("县集中隔离点一号", "县卫健委", "张站长", "139 0377 1234", "城关镇灵泉路 8 号", "值班室 0377-6921234", 12, before.Version))));
        var after = await ItemAsync();
        Assert.Equal(("张站长", "139****1234", "值班室 0377-6921234", 12, before.Version + 1), (after.LeadName, after.LeadPhoneMasked, after.Contact, after.ReserveRooms, after.Version));
        // Left out, the phone on record stays.
        Assert.True(await Run(db, Command, sp => Sites(sp).UpdateAsync(site, new SiteEdit("县集中隔离点一号", "县卫健委", "张站长", null, null, null, 12))));
        Assert.Equal("139****1234", (await ItemAsync()).LeadPhoneMasked);

        // Someone saved first; bad fields named; a name taken; nothing changed by any of them.
        var stale = await Assert.ThrowsAsync<ConflictException>(() => Run(db, Command, sp => Sites(sp).UpdateAsync(site, new SiteEdit("改名", null, null, null, null, null, 0, before.Version))));
        Assert.Equal("site.version", stale.Code);
        var bad = await Assert.ThrowsAsync<ValidationFailedException>(() => Run(db, Command, sp => Sites(sp).UpdateAsync(site,
            new SiteEdit(" ", new string('单', 101), null, "12345", null, null, -1))));
        Assert.Equal(["name:name.required", "reserveRooms:reserve-rooms.range", "operatorUnit:site.text-too-long", "leadPhone:phone.invalid"], bad.Errors.Select(e => $"{e.Field}:{e.Code}").ToArray());
        var taken = await Assert.ThrowsAsync<ValidationFailedException>(() => Run(db, Command, sp => Sites(sp).UpdateAsync(site, new SiteEdit("县集中隔离点二号", null, null, null, null, null, 0))));
        Assert.Equal("site.name-taken", taken.Errors[0].Code);
        var now = await ItemAsync();
        Assert.Equal(("县集中隔离点一号", "张站长", 12), (now.Name, now.LeadName, now.ReserveRooms));
        Assert.False(await Run(db, Command, sp => Sites(sp).UpdateAsync(999_999, new SiteEdit("x", null, null, null, null, null, 0))));

        // The trail shows the change of lead, the phone masked.
        await using var ctx = await db.ContextAsync(Command);
        var changes = await ctx.AuditEntries.Where(a => a.EntityType == "QuarantineSite" && a.Reason == "site details edited").Select(a => a.Changes).ToListAsync();
        Assert.NotEmpty(changes);
        Assert.Contains(changes, c => c!.Contains("张站长") && c.Contains("139****1234"));
        Assert.DoesNotContain(changes, c => c!.Contains("13903771234"));
    }

    /// <summary>
    /// The checklist is the county's data: an item it adds is asked by every later inspection, a retired one is not
    /// (and stays named in the inspections that used it); a township cannot change it; a failed item needs a note.
    /// </summary>
    [Theory, OnSqlite, OnPostgres]
    public async Task TheCountyEditsTheChecklist_AndInspectionsFollowIt(Engine engine)
    {
        await using var db = await TestDatabase.CreateAsync(engine);
        SetNow(db, "2022-10-05 09:00");
        var site = await Run(db, Command, sp => Make<SiteService>(sp).CreateAsync(new SiteInput("县集中隔离点三号", SiteLevel.County, County)));
        SiteService Sites(IServiceProvider sp) => Make<SiteService>(sp);
        Task<InspectionVerdict?> Inspect(IServiceProvider sp, List<InspectionItemInput> items) => Sites(sp).InspectAsync(site, new InspectionInput(items, "县卫健委验收"));

        var added = await Run(db, Command, sp => Sites(sp).AddStandardAsync(new StandardInput(" Night-Watch ", "夜间值守双人在岗")));
        var list = await Run(db, Command, sp => Sites(sp).ChecklistAsync());
        Assert.Equal(SiteStandards.Default.Count + 1, list.Count);
        var night = Assert.Single(list, x => x.Id == added);
        Assert.Equal(("night-watch", "夜间值守双人在岗", false, true), (night.Code, night.Name, night.Shipped, night.Active));
        Assert.True(night.Sequence > SiteStandards.Default.Max(d => d.Sequence), "a new item goes to the end of the list");
        Assert.All(list.Where(x => x.Shipped), x => Assert.Null(x.Name));

        // Bad items: a code taken, a bad code, no name; each names its field and nothing is added.
        var taken = await Assert.ThrowsAsync<ValidationFailedException>(() => Run(db, Command, sp => Sites(sp).AddStandardAsync(new StandardInput("ventilation", "通风良好"))));
        Assert.Equal(("code", "standard.code-taken"), (taken.Errors[0].Field, taken.Errors[0].Code));
        var bad = await Assert.ThrowsAsync<ValidationFailedException>(() => Run(db, Command, sp => Sites(sp).AddStandardAsync(new StandardInput("夜间", null, -1))));
        Assert.Equal(["code:standard.code", "name:standard.name-required", "sequence:standard.sequence"], bad.Errors.Select(e => $"{e.Field}:{e.Code}").ToArray());
        // A township account sees the checklist but cannot change it.
        var township = (await Run(db, Command, sp => Task.FromResult(sp.GetRequiredService<Data.Jurisdictions.JurisdictionDirectory>().Officials()
            .First(o => o.Level == JurisdictionLevel.Township).ScopeKey)));
        var townshipManager = new Actor("test-t", "乡镇", JurisdictionScope.Of(County, township), new HashSet<string>(Permissions.For([Roles.CommandCentre])));
        await Assert.ThrowsAsync<ForbiddenException>(() => Run(db, townshipManager, sp => Sites(sp).AddStandardAsync(new StandardInput("x-ray", "X"))));
        await Assert.ThrowsAsync<ForbiddenException>(() => Run(db, townshipManager, sp => Sites(sp).UpdateStandardAsync(added, new StandardInput(null, null, Active: false))));
        Assert.Equal(SiteStandards.Default.Count + 1, (await Run(db, townshipManager, sp => Sites(sp).ChecklistAsync())).Count);

        // Fire safety retired, ventilation renamed and moved first.
        var fire = list.Single(x => x.Code == SiteStandards.FireSafety).Id;
        var vent = list.Single(x => x.Code == SiteStandards.Ventilation).Id;
        Assert.True(await Run(db, Command, sp => Sites(sp).UpdateStandardAsync(fire, new StandardInput(null, null, Active: false))));
        Assert.True(await Run(db, Command, sp => Sites(sp).UpdateStandardAsync(vent, new StandardInput(null, "分体空调或自然通风", 1))));
        list = await Run(db, Command, sp => Sites(sp).ChecklistAsync());
        Assert.Equal(SiteStandards.Ventilation, list[0].Code);
        Assert.Equal("分体空调或自然通风", list[0].Name);
        Assert.False(list.Single(x => x.Code == SiteStandards.FireSafety).Active);

        // An inspection answering the old list: the new item is missing, fire safety is not asked.
        var old = SiteStandards.Default.Select(d => new InspectionItemInput(d.Code, true, null)).ToList();
        var verdict = await Run(db, Command, sp => Inspect(sp, old.Where(i => i.Code != SiteStandards.FireSafety).ToList()));
        Assert.False(verdict!.Passed);
        Assert.Equal(["night-watch"], verdict.Missing);
        // A failed item without a note is refused, naming the item; with the note it is recorded as failed.
        var items = old.Where(i => i.Code != SiteStandards.FireSafety).Append(new InspectionItemInput("night-watch", false, null)).ToList();
        var noNote = await Assert.ThrowsAsync<ValidationFailedException>(() => Run(db, Command, sp => Inspect(sp, items)));
        Assert.Equal(("items.night-watch", "note.required"), (noNote.Errors[0].Field, noNote.Errors[0].Code));
        items[^1] = new InspectionItemInput("night-watch", false, "夜班只有一人");
        verdict = await Run(db, Command, sp => Inspect(sp, items));
        Assert.Equal(["night-watch"], verdict!.Failed);
        items[^1] = new InspectionItemInput("night-watch", true, null);
        Assert.True((await Run(db, Command, sp => Inspect(sp, items)))!.Passed);

        // The site's inspections, newest first, every result kept; the retired item was not asked.
        var history = (await Run(db, Command, sp => Sites(sp).InspectionsAsync(site)))!;
        Assert.Equal([true, false, false], history.Select(h => h.Passed).ToArray());
        Assert.Equal("夜间值守双人在岗", (await Run(db, Command, sp => Sites(sp).ChecklistAsync())).Single(x => x.Code == "night-watch").Name);
        Assert.Equal("夜班只有一人", history[1].Items.Single(i => i.Code == "night-watch").Note);
        Assert.DoesNotContain(history[0].Items, i => i.Code == SiteStandards.FireSafety);
        Assert.Null(await Run(db, townshipManager, sp => Sites(sp).InspectionsAsync(site)));

        // Every change is in the audit trail with its reason.
        await using var ctx = await db.ContextAsync(Command);
        var reasons = await ctx.AuditEntries.Where(a => a.EntityType == nameof(SiteStandard)).Select(a => a.Reason).ToListAsync();
        Assert.Contains("standard added", reasons);
        Assert.Contains("standard retired", reasons);
        Assert.Contains("standard edited", reasons);
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task BadInput_GetsClearErrors_AndChangesNothing(Engine engine)
    {
        await using var db = await TestDatabase.CreateAsync(engine);
        SetNow(db, "2022-10-05 09:00");
        var site = await Run(db, Command, sp => Make<SiteService>(sp).CreateAsync(new SiteInput("县集中隔离点二号", SiteLevel.County, County)));
        // A rooms file with a duplicate room number and a floor that is not a number: every bad row named, nothing kept.
        var bad = await Run(db, Command, sp => Make<SiteService>(sp).ImportRoomsAsync(site, Csv("楼栋,楼层,房号\nA,1,101\nA,2,102\nA,1,101\nA,三,103\n"), "rooms.csv"));
        Assert.Contains(bad!.Errors, e => e.RowNumber == 2 && e.Field == "number");
        Assert.Contains(bad.Errors, e => e.RowNumber == 4 && e.Field == "number");
        Assert.Contains(bad.Errors, e => e.RowNumber == 5 && e.Field == "floor");
        Assert.Equal(0, bad.Imported);
        await using (var ctx = await db.ContextAsync(Command))
            Assert.Equal(0, await ctx.Rooms.CountAsync());
        // The same numbers as rooms already in the site.
        Assert.Empty((await Run(db, Command, sp => Make<SiteService>(sp).ImportRoomsAsync(site, Csv("楼栋,楼层,房号\nA,1,101\n"), "rooms.csv")))!.Errors);
        var twice = await Run(db, Command, sp => Make<SiteService>(sp).ImportRoomsAsync(site, Csv("楼栋,楼层,房号\nA,1,101\nA,1,105\n"), "rooms.csv"));
        Assert.Contains(twice!.Errors, e => e.RowNumber == 2 && e.Code == "number.exists-in-site");

        // Not in service until an inspection passes.
        var notYet = await Assert.ThrowsAsync<ConflictException>(() => Run(db, Command, sp => Make<SiteService>(sp).ChangeStatusAsync(site, SiteStatus.InService, null)));
        Assert.Equal(SiteErrors.SiteInspectionRequired, notYet.Code);

        // Allocating someone without a centralized order: home monitoring is not a site measure.
        var person = (await PeopleAsync(db, 1))[0];
        var home = await Run(db, Command, sp => Make<OrderService>(sp).CreateAsync(new OrderCreate(person, [Reasons.SecondaryContact], new DateOnly(2022, 10, 4))));
        var kind = (await Run(db, Command, sp => Make<OrderService>(sp).GetAsync(home)))!.Order.CurrentKind;
        Assert.False(MeasureKinds.AtSite(kind), $"a secondary contact's measure under the 9th edition is at home, not {kind}");
        var refused = await Assert.ThrowsAsync<ConflictException>(() => Run(db, SiteStaff, sp => Make<StayService>(sp).AllocateAsync(home)));
        Assert.Equal(SiteErrors.StayOrderNotCentralized, refused.Code);
        await using (var ctx = await db.ContextAsync(Command))
            Assert.Equal(0, await ctx.Stays.CountAsync());
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task TwoStaff_CheckingTwoPeopleIntoOneRoom_AtOnce_OnlyOneGetsIt(Engine engine)
    {
        await using var db = await TestDatabase.CreateAsync(engine);
        SetNow(db, "2022-10-05 09:00");
        var site = await SiteInServiceAsync(db, "楼栋,楼层,房号\nA,1,101\n");
        var people = await PeopleAsync(db, 2);
        var orders = new List<long>();
        foreach (var p in people) orders.Add(await CloseContactOrderAsync(db, p, "2022-10-04"));
        var roomId = (await Run(db, SiteStaff, sp => Make<SiteService>(sp).BoardAsync(site)))!.Rooms.Single().Id;

        var attempts = await Task.WhenAll(orders.Select(o => Task.Run(async () =>
        {
            try { return await Run(db, SiteStaff, sp => Make<StayService>(sp).AllocateAsync(o, roomId)); }
            catch (ConflictException) { return (long?)null; }
        })));
        Assert.Single(attempts, a => a is not null);
        await using var ctx = await db.ContextAsync(Command);
        Assert.Equal(1, await ctx.Stays.CountAsync(s => s.OccupiedRoomId == roomId));
        await AssertHoldersMatchStaysAsync(db);

        // The allocation withdrawn before arrival (a reason is required): the room is free again for the other person.
        var winner = attempts.Single(a => a is not null)!.Value;
        var noReason = await Assert.ThrowsAsync<ValidationFailedException>(() => Run(db, SiteStaff, sp => Make<StayService>(sp).CancelAsync(winner, " ")));
        Assert.Equal(new Core.People.FieldError("reason", SiteErrors.StayReasonRequired), Assert.Single(noReason.Errors));
        Assert.True(await Run(db, SiteStaff, sp => Make<StayService>(sp).CancelAsync(winner, "转运途中改送定点医院")));
        await AssertHoldersMatchStaysAsync(db);
        var loser = orders[Array.FindIndex(attempts, a => a is null)];
        Assert.NotNull(await Run(db, SiteStaff, sp => Make<StayService>(sp).AllocateAsync(loser)));
        await AssertHoldersMatchStaysAsync(db);
    }

    /// <summary>People of different households: one person of each, the first <paramref name="count"/> by id.</summary>
    private static async Task<long[]> HouseholdsAsync(TestDatabase db, int count)
    {
        await using var ctx = await db.ContextAsync(Command);
        var keys = await ctx.People.Where(p => p.CountyCode == County && p.ScopeKey.Length >= ScopeKey.HouseholdLength).OrderBy(p => p.Id).Take(200)
            .Select(p => new { p.Id, p.ScopeKey }).ToListAsync();
        return keys.GroupBy(k => k.ScopeKey[..ScopeKey.HouseholdLength]).Select(g => g.First().Id).Take(count).ToArray();
    }

    private static async Task<int> CountAsync<T>(TestDatabase db) where T : class
    {
        await using var ctx = await db.ContextAsync(Command);
        return await ctx.Set<T>().IgnoreQueryFilters().CountAsync();
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task ATripRequest_RefusesAnotherPersonsOrder_ASiteToItself_MixedHouseholds_AndASecondOpenTrip(Engine engine)
    {
        await using var db = await TestDatabase.CreateAsync(engine);
        SetNow(db, "2022-10-05 09:00");
        var site = await SiteInServiceAsync(db, "楼栋,楼层,房号\nA,1,101\n");
        var other = await SiteInServiceAsync(db, "楼栋,楼层,房号\nA,1,101\n", "县集中隔离点二号");
        var (alice, bob) = (await HouseholdsAsync(db, 2)) switch { var p => (p[0], p[1]) };
        var aliceOrder = await CloseContactOrderAsync(db, alice, "2022-10-04");
        var bobOrder = await CloseContactOrderAsync(db, bob, "2022-10-04");
        static TripPassengerInput P(long person, long? order) => new(person, order);
        TripRequest ToSite(params TripPassengerInput[] passengers) => new(TripPlaceKind.Home, "家中", null, TripPlaceKind.Site, null, site, passengers);
        Task<long> Request(TripRequest r) => Run(db, SiteStaff, sp => Make<TripService>(sp).RequestAsync(r));

        // Bob's order given with Alice: the order must be the passenger's own (an order that does not exist alike).
        var wrongOrder = await Assert.ThrowsAsync<ValidationFailedException>(() => Request(ToSite(P(alice, bobOrder))));
        Assert.Equal(new Core.People.FieldError("passengers[0].orderId", SiteErrors.TripOrderNotPassengers), Assert.Single(wrongOrder.Errors));
        var noOrder = await Assert.ThrowsAsync<ValidationFailedException>(() => Request(ToSite(P(alice, aliceOrder), P(bob, 999_999))));
        Assert.Contains(new Core.People.FieldError("passengers[1].orderId", SiteErrors.TripOrderNotPassengers), noOrder.Errors);
        // From a site to the same site.
        var sameSite = await Assert.ThrowsAsync<ValidationFailedException>(() => Request(new TripRequest(TripPlaceKind.Site, null, site, TripPlaceKind.Site, null, site, [new(alice, aliceOrder)])));
        Assert.Equal(new Core.People.FieldError("toSiteId", SiteErrors.TripSameSite), Assert.Single(sameSite.Errors));
        // A site still being prepared (or held in reserve) takes nobody in, so it is no destination yet.
        var preparing = await Run(db, Command, sp => Make<SiteService>(sp).CreateAsync(new SiteInput("县集中隔离点三号", SiteLevel.County, County, "县卫健委", "王站长", "13800000003", "城关镇")));
        var notInService = await Assert.ThrowsAsync<ValidationFailedException>(() => Request(new TripRequest(TripPlaceKind.Home, "家中", null, TripPlaceKind.Site, null, preparing, [new(alice, aliceOrder)])));
        Assert.Equal(new Core.People.FieldError("toSiteId", SiteErrors.SiteNotInService), Assert.Single(notInService.Errors));
        // Two households in one vehicle (said once), unless it is a point-to-point pick-up.
        var mixed = await Assert.ThrowsAsync<ValidationFailedException>(() => Request(ToSite(P(alice, aliceOrder), P(bob, bobOrder))));
        Assert.Equal(new Core.People.FieldError("passengers", SiteErrors.TripMixedHouseholds), Assert.Single(mixed.Errors));
        Assert.Equal(0, await CountAsync<Trip>(db));

        // Alice on an open trip: a second one is refused naming her and that trip, in any unit of the county.
        var first = await Request(ToSite(P(alice, aliceOrder)));
        string aliceName, aliceKey;
        await using (var ctx = await db.ContextAsync(Command))
        {
            var row = await ctx.People.Where(p => p.Id == alice).Select(p => new { p.Name, p.ScopeKey }).SingleAsync();
            (aliceName, aliceKey) = (row.Name, row.ScopeKey);
        }
        var township = As(Roles.TownshipTeam, aliceKey[..ScopeKey.TownshipLength]);
        foreach (var (actor, request) in new[] { (SiteStaff, new TripRequest(TripPlaceKind.Site, null, site, TripPlaceKind.Site, null, other, [new(alice, aliceOrder)])),
                     (township, new TripRequest(TripPlaceKind.Home, "家中", null, TripPlaceKind.Hospital, "县人民医院", null, [new(alice, null)], PointToPoint: true)) })
        {
            var twice = await Assert.ThrowsAsync<ConflictException>(() => Run(db, actor, sp => Make<TripService>(sp).RequestAsync(request)));
            Assert.Equal(SiteErrors.TripPassengerOnOpenTrip, twice.Code);
            Assert.Contains(aliceName, twice.Detail);
            Assert.Contains("#" + first.ToString(CultureInfo.InvariantCulture), twice.Detail);
            Assert.Contains($"person {alice}", twice.Message);
        }
        Assert.Equal(1, await CountAsync<Trip>(db));
        // Still open once assigned and departed; the cancellation needs a reason (a field error, the trip unchanged).
        var vehicle = await Run(db, Command, sp => Make<TripService>(sp).AddVehicleAsync(new VehicleInput("豫R·J0002", 4, VehicleKind.Car)));
        var driver = await Run(db, Command, sp => Make<TripService>(sp).AddDriverAsync(new DriverInput("孙师傅", "13800004444", 1, new DateTime(2022, 10, 5, 0, 30, 0, DateTimeKind.Utc), true)));
        Assert.True(await Run(db, SiteStaff, sp => Make<TripService>(sp).AssignAsync(first, vehicle, driver)));
        Assert.True(await Run(db, SiteStaff, sp => Make<TripService>(sp).DepartAsync(first)));
        Assert.Equal(SiteErrors.TripPassengerOnOpenTrip, (await Assert.ThrowsAsync<ConflictException>(() => Request(ToSite(P(alice, null))))).Code);
        var noReason = await Assert.ThrowsAsync<ValidationFailedException>(() => Run(db, SiteStaff, sp => Make<TripService>(sp).CancelAsync(first, "  ")));
        Assert.Equal(new Core.People.FieldError("reason", SiteErrors.TripReasonRequired), Assert.Single(noReason.Errors));
        Assert.Equal(TripStatus.Departed, (await Run(db, SiteStaff, sp => Make<TripService>(sp).ListAsync())).Trips.Single(t => t.Id == first).Status);
        // Once it ends, Alice may be carried again; Bob was never held up.
        Assert.True(await Run(db, SiteStaff, sp => Make<TripService>(sp).CancelAsync(first, "改派负压车")));
        Assert.NotEqual(first, await Request(ToSite(P(alice, aliceOrder))));
        Assert.True(await Request(ToSite(P(bob, bobOrder))) > 0);
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task OnePersonSentByEightStaffAtOnce_IsOnOneOpenTrip_AndTheDatabaseRefusesASecondOpenMark(Engine engine)
    {
        await using var db = await TestDatabase.CreateAsync(engine);
        SetNow(db, "2022-10-05 09:00");
        var site = await SiteInServiceAsync(db, "楼栋,楼层,房号\nA,1,101\n");
        var alice = (await HouseholdsAsync(db, 1))[0];
        var order = await CloseContactOrderAsync(db, alice, "2022-10-04");
        var request = new TripRequest(TripPlaceKind.Home, "家中", null, TripPlaceKind.Site, null, site, [new(alice, order)]);
        var outcomes = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            try { return (Trip: (long?)await Run(db, SiteStaff, sp => Make<TripService>(sp).RequestAsync(request)), Code: (string?)null); }
            catch (ConflictException e) { return (Trip: (long?)null, Code: (string?)e.Code); }
        })));
        var trip = Assert.Single(outcomes, o => o.Trip is not null).Trip!.Value;
        Assert.All(outcomes.Where(o => o.Trip is null), o => Assert.Equal(SiteErrors.TripPassengerOnOpenTrip, o.Code));
        Assert.Equal(1, await CountAsync<Trip>(db));

        // Whatever the code checks, the database itself holds one open mark per person: a second one is refused.
        await using (var ctx = await db.ContextAsync(Command))
        {
            var mark = await ctx.Set<TripPassenger>().AsNoTracking().SingleAsync(p => p.TripId == trip);
            Assert.True(mark.Open);
            ctx.Set<TripPassenger>().Add(new TripPassenger { CountyCode = mark.CountyCode, ScopeKey = mark.ScopeKey, TripId = trip, PersonId = alice, Open = true });
            var refused = await Assert.ThrowsAsync<DbUpdateException>(() => ctx.SaveChangesAsync());
            Assert.True(DbErrors.IsUniqueViolation(refused));
        }
        // Cancelled, the mark is gone and she may be sent again.
        Assert.True(await Run(db, SiteStaff, sp => Make<TripService>(sp).CancelAsync(trip, "重复申请")));
        await using (var ctx = await db.ContextAsync(Command))
            Assert.False(await ctx.Set<TripPassenger>().AnyAsync(p => p.PersonId == alice && p.Open));
        Assert.NotEqual(trip, await Run(db, SiteStaff, sp => Make<TripService>(sp).RequestAsync(request)));
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task VehiclePlates_WrittenAnyWay_AreOnePlate_InTheWholeCounty(Engine engine)
    {
        await using var db = await TestDatabase.CreateAsync(engine);
        SetNow(db, "2022-10-05 09:00");
        Task<long> Add(Actor actor, string plate) => Run(db, actor, sp => Make<TripService>(sp).AddVehicleAsync(new VehicleInput(plate, 4, VehicleKind.Car)));
        var first = await Add(Command, "豫r·a1234");
        await using (var ctx = await db.ContextAsync(Command))
            Assert.Equal("豫RA1234", await ctx.Vehicles.Where(v => v.Id == first).Select(v => v.Plate).SingleAsync());
        Assert.Equal("豫R·A1234", (await Run(db, Command, sp => Make<TripService>(sp).FleetAsync())).Vehicles.Single(v => v.Id == first).Plate);
        // A township registering its own pick-up car does not see the county's fleet, and still cannot register the plate again.
        string township;
        await using (var ctx = await db.ContextAsync()) township = await ctx.Nodes.Where(n => n.Level == JurisdictionLevel.Township).Select(n => n.ScopeKey).FirstAsync();
        var team = As(Roles.CommandCentre, township);
        Assert.Empty((await Run(db, team, sp => Make<TripService>(sp).FleetAsync())).Vehicles);
        foreach (var (actor, plate) in new[] { (Command, "豫R·A1234"), (Command, "豫R A1234"), (Command, "豫RA1234"), (Command, "豫Ｒ－Ａ１２３４"), (team, "豫R•A1234") })
        {
            var taken = await Assert.ThrowsAsync<ValidationFailedException>(() => Add(actor, plate));
            Assert.Equal(new Core.People.FieldError("plate", SiteErrors.PlateTaken), Assert.Single(taken.Errors));
        }
        // Not a plate: named, nothing stored.
        foreach (var plate in new[] { "豫R·A123", "ABC1234", "豫R·A12345678", "" })
        {
            var invalid = await Assert.ThrowsAsync<ValidationFailedException>(() => Add(Command, plate));
            Assert.Equal(new Core.People.FieldError("plate", SiteErrors.PlateInvalid), Assert.Single(invalid.Errors));
        }
        // A new-energy plate (6 after the office letter) is another vehicle; so is another office's plate.
        Assert.True(await Add(team, "豫R·D12345") > 0);
        Assert.True(await Add(Command, "豫A·A1234") > 0);
        // A row stored before plates were normalised still counts as its plate.
        await using (var ctx = await db.ContextAsync(Command))
        {
            ctx.Vehicles.Add(new Vehicle { CountyCode = County, ScopeKey = County, Plate = "豫R·B5678", Seats = 4, CreatedAt = DateTime.UtcNow, UpdatedAt = DateTime.UtcNow, Version = 1 });
            await ctx.SaveChangesAsync();
        }
        Assert.Equal(SiteErrors.PlateTaken, Assert.Single((await Assert.ThrowsAsync<ValidationFailedException>(() => Add(Command, "豫RB5678"))).Errors).Code);
        Assert.Equal(4, await CountAsync<Vehicle>(db));
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task AStandbySite_TakesNobody_UntilItIsPutInService(Engine engine)
    {
        await using var db = await TestDatabase.CreateAsync(engine);
        SetNow(db, "2022-10-05 09:00");
        var site = await SiteInServiceAsync(db, "楼栋,楼层,房号\nA,1,101\nA,1,102\n");
        Assert.True(await Run(db, Command, sp => Make<SiteService>(sp).ChangeStatusAsync(site, SiteStatus.StandbyReserve, null)));
        var order = await CloseContactOrderAsync(db, (await HouseholdsAsync(db, 1))[0], "2022-10-04");
        var room = (await Run(db, SiteStaff, sp => Make<SiteService>(sp).BoardAsync(site)))!.Rooms.First().Id;

        // Not suggested, not taken by the automatic allocation (no room anywhere), refused when chosen by hand.
        Assert.Empty((await Run(db, SiteStaff, sp => Make<StayService>(sp).SuggestAsync(order)))!);
        Assert.Equal("site.no-room", (await Assert.ThrowsAsync<ConflictException>(() => Run(db, SiteStaff, sp => Make<StayService>(sp).AllocateAsync(order)))).Code);
        var manual = await Assert.ThrowsAsync<ConflictException>(() => Run(db, SiteStaff, sp => Make<StayService>(sp).AllocateAsync(order, room)));
        Assert.Equal(SiteErrors.SiteNotInService, manual.Code);
        Assert.Equal(0, await CountAsync<Stay>(db));

        // In service again (a decision of those who manage sites), it takes people.
        Assert.True(await Run(db, Command, sp => Make<SiteService>(sp).ChangeStatusAsync(site, SiteStatus.InService, null)));
        Assert.NotEmpty((await Run(db, SiteStaff, sp => Make<StayService>(sp).SuggestAsync(order)))!);
        Assert.NotNull(await Run(db, SiteStaff, sp => Make<StayService>(sp).AllocateAsync(order, room)));
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task BadInputValues_AreFieldErrors_AndChangeNothing(Engine engine)
    {
        await using var db = await TestDatabase.CreateAsync(engine);
        SetNow(db, "2022-10-05 09:00");
        var site = await SiteInServiceAsync(db, "楼栋,楼层,房号,床位\nA,1,101,1\nA,1,102,1\n");
        var order = await CloseContactOrderAsync(db, (await HouseholdsAsync(db, 1))[0], "2022-10-04");
        var rooms = (await Run(db, SiteStaff, sp => Make<SiteService>(sp).BoardAsync(site)))!.Rooms.Select(r => r.Id).ToList();
        async Task<Core.People.FieldError> Refused(Func<IServiceProvider, Task> work) =>
            Assert.Single((await Assert.ThrowsAsync<ValidationFailedException>(() => Run(db, SiteStaff, async sp => { await work(sp); return 0; }))).Errors);

        // A bed the room does not have; a room that is not there.
        Assert.Equal(new Core.People.FieldError("bed", SiteErrors.StayBedRange), await Refused(sp => Make<StayService>(sp).AllocateAsync(order, rooms[0], 2)));
        Assert.Equal(new Core.People.FieldError("roomId", SiteErrors.RoomNotFound), await Refused(sp => Make<StayService>(sp).AllocateAsync(order, 999_999)));
        Assert.Equal(0, await CountAsync<Stay>(db));
        // Out of service without a reason; "occupied" set by hand.
        Assert.Equal(new Core.People.FieldError("reason", SiteErrors.RoomReasonRequired), await Refused(sp => Make<SiteService>(sp).MoveRoomAsync(rooms[1], RoomState.OutOfService, " ", null)));
        Assert.Equal(new Core.People.FieldError("state", SiteErrors.RoomCheckInRequired), await Refused(sp => Make<SiteService>(sp).MoveRoomAsync(rooms[1], RoomState.Occupied, null, null)));
        Assert.Equal(RoomState.Ready, (await Run(db, SiteStaff, sp => Make<SiteService>(sp).BoardAsync(site)))!.Rooms.Single(r => r.Id == rooms[1]).State);
        // A check-out that says nowhere.
        var stay = (await Run(db, SiteStaff, sp => Make<StayService>(sp).AllocateAsync(order, rooms[0])))!.Value;
        Assert.True(await Run(db, SiteStaff, sp => Make<StayService>(sp).CheckInAsync(stay)));
        Assert.Equal(new Core.People.FieldError("outcome", SiteErrors.StayOutcomeInvalid), await Refused(sp => Make<StayService>(sp).CheckOutAsync(stay, StayOutcome.None)));
        Assert.Equal(StayStatus.CheckedIn, Assert.Single(await Run(db, SiteStaff, sp => Make<StayService>(sp).ListAsync(orderId: order))).Status);
        // Leaving for hospital is a trip too: while the person is still on an open one (a pick-up never marked arrived)
        // the check-out is refused naming that trip, and nothing is checked out; once it is closed, the check-out goes.
        var person = Assert.Single(await Run(db, SiteStaff, sp => Make<StayService>(sp).ListAsync(orderId: order))).PersonId;
        var pickUp = await Run(db, SiteStaff, sp => Make<TripService>(sp).RequestAsync(new TripRequest(TripPlaceKind.Home, "家中", null, TripPlaceKind.Site, null, site,
            [new TripPassengerInput(person, order)])));
        // To hospital without the hospital's name (or one longer than the trip's column): refused naming the field, nothing checked out.
        foreach (var (name, code) in new[] { ((string?)null, SiteErrors.TripHospitalRequired), (" ", SiteErrors.TripHospitalRequired), (new string('院', 201), SiteErrors.TripHospitalTooLong) })
            Assert.Equal(new Core.People.FieldError("hospital", code), await Refused(sp => Make<StayService>(sp).CheckOutAsync(stay, StayOutcome.TransferredToHospital, name)));
        Assert.Equal(StayStatus.CheckedIn, Assert.Single(await Run(db, SiteStaff, sp => Make<StayService>(sp).ListAsync(orderId: order))).Status);
        var stillOnTrip = await Assert.ThrowsAsync<ConflictException>(() => Run(db, SiteStaff, sp => Make<StayService>(sp).CheckOutAsync(stay, StayOutcome.TransferredToHospital, "县人民医院")));
        Assert.Equal(SiteErrors.TripPassengerOnOpenTrip, stillOnTrip.Code);
        Assert.EndsWith("#" + pickUp.ToString(CultureInfo.InvariantCulture), stillOnTrip.Detail);
        Assert.Equal(StayStatus.CheckedIn, Assert.Single(await Run(db, SiteStaff, sp => Make<StayService>(sp).ListAsync(orderId: order))).Status);
        Assert.True(await Run(db, SiteStaff, sp => Make<TripService>(sp).CancelAsync(pickUp, "已自行到达")));
        Assert.True(await Run(db, SiteStaff, sp => Make<StayService>(sp).CheckOutAsync(stay, StayOutcome.TransferredToHospital, "县人民医院")));
        // A vehicle or driver that is not there.
        var passenger = (await HouseholdsAsync(db, 2))[1];
        var trip = await Run(db, SiteStaff, sp => Make<TripService>(sp).RequestAsync(new TripRequest(TripPlaceKind.Home, "家中", null, TripPlaceKind.Hospital, "县人民医院", null,
            [new TripPassengerInput(passenger, null)])));
        var driver = await Run(db, Command, sp => Make<TripService>(sp).AddDriverAsync(new DriverInput("孙师傅", "13800004444", 1, new DateTime(2022, 10, 5, 0, 30, 0, DateTimeKind.Utc), true)));
        Assert.Equal(new Core.People.FieldError("vehicleId", SiteErrors.TripVehicleRequired), await Refused(sp => Make<TripService>(sp).AssignAsync(trip, 999_999, driver)));
        Assert.Equal(TripStatus.Requested, (await Run(db, SiteStaff, sp => Make<TripService>(sp).ListAsync())).Trips.Single(t => t.Id == trip).Status);
    }

    /// <summary>
    /// A site in service with one room and the first of <paramref name="households"/> households' people checked in and
    /// then out to 县人民医院 (its transfer to hospital requested); the others are free to ride elsewhere.
    /// </summary>
    private static async Task<(long Site, long[] People)> CheckedOutToHospitalAsync(TestDatabase db, int households)
    {
        SetNow(db, "2022-10-05 09:00");
        var site = await SiteInServiceAsync(db, "楼栋,楼层,房号\nA,1,101\n");
        var people = await HouseholdsAsync(db, households);
        var order = await CloseContactOrderAsync(db, people[0], "2022-10-04");
        var stay = (await Run(db, SiteStaff, sp => Make<StayService>(sp).AllocateAsync(order)))!.Value;
        Assert.True(await Run(db, SiteStaff, sp => Make<StayService>(sp).CheckInAsync(stay)));
        Assert.True(await Run(db, SiteStaff, sp => Make<StayService>(sp).CheckOutAsync(stay, StayOutcome.TransferredToHospital, "县人民医院")));
        return (site, people);
    }

    /// <summary>
    /// A trip nobody can be sent for says why, in the reason the staff can act on: no vehicle yet, none with seats for
    /// everyone, the ones big enough out of service, waiting for their disinfection, or out on another trip. A
    /// transfer to hospital from a check-out goes to the hospital named at the check-out.
    /// </summary>
    [Theory, OnSqlite, OnPostgres]
    public async Task ATripWaitingForAVehicle_SaysWhyNoneCanTakeIt(Engine engine)
    {
        await using var db = await TestDatabase.CreateAsync(engine);
        var (site, people) = await CheckedOutToHospitalAsync(db, 3);
        TripService Fleet(IServiceProvider sp) => Make<TripService>(sp);
        var pair = await Run(db, SiteStaff, sp => Fleet(sp).RequestAsync(new TripRequest(TripPlaceKind.Checkpoint, "淅川东高速出口卡点", null, TripPlaceKind.Site, null, site,
            [new TripPassengerInput(people[1], null), new TripPassengerInput(people[2], null)], PointToPoint: true)));
        var toHospital = (await Run(db, SiteStaff, sp => Fleet(sp).ListAsync())).Trips.Single(t => t.ToKind == TripPlaceKind.Hospital);
        Assert.Equal((1, "县人民医院"), (toHospital.Passengers, toHospital.ToText));
        async Task<(string? OneRider, string? TwoRiders)> WhyAsync()
        {
            var trips = (await Run(db, SiteStaff, sp => Fleet(sp).ListAsync())).Trips;
            return (trips.Single(t => t.Id == toHospital.Id).VehicleBlocker, trips.Single(t => t.Id == pair).VehicleBlocker);
        }

        Assert.Equal((SiteErrors.NoVehicles, SiteErrors.NoVehicles), await WhyAsync());
        // A car and a van: the pair's trip has its vehicle, but a transfer to hospital takes only an ambulance, and the
        // county has none (call 120) — whatever the van's state.
        await Run(db, Command, sp => Fleet(sp).AddVehicleAsync(new VehicleInput("豫R·J0011", 1, VehicleKind.Car)));
        Assert.Equal((SiteErrors.NoAmbulance, SiteErrors.VehiclesTooFewSeats), await WhyAsync());
        var van = await Run(db, Command, sp => Fleet(sp).AddVehicleAsync(new VehicleInput("豫R·J0012", 7, VehicleKind.Minibus)));
        Assert.Equal((SiteErrors.NoAmbulance, null), await WhyAsync());
        Assert.True(await Run(db, Command, sp => Fleet(sp).SetVehicleInServiceAsync(van, false, "空调故障")));
        Assert.Equal((SiteErrors.NoAmbulance, SiteErrors.VehiclesOutOfService), await WhyAsync());
        Assert.True(await Run(db, Command, sp => Fleet(sp).SetVehicleInServiceAsync(van, true, null)));
        Assert.Equal((SiteErrors.NoAmbulance, SiteErrors.VehiclesAwaitingDisinfection), await WhyAsync());
        Assert.True(await Run(db, SiteStaff, sp => Fleet(sp).VehicleDisinfectedAsync(van)));
        Assert.Equal((SiteErrors.NoAmbulance, null), await WhyAsync());
        // The van is refused for the hospital, by the field it came in; with an ambulance in the fleet the trip can go.
        var driver = await Run(db, Command, sp => Fleet(sp).AddDriverAsync(new DriverInput("孙师傅", "13800004444", 1, new DateTime(2022, 10, 5, 0, 30, 0, DateTimeKind.Utc), true)));
        var notAmbulance = await Assert.ThrowsAsync<ValidationFailedException>(() => Run(db, SiteStaff, sp => Fleet(sp).AssignAsync(toHospital.Id, van, driver)));
        Assert.Equal(new Core.People.FieldError("vehicleId", SiteErrors.VehicleNotAmbulance), Assert.Single(notAmbulance.Errors));
        var ambulance = await Run(db, Command, sp => Fleet(sp).AddVehicleAsync(new VehicleInput("豫R·120A1", 3, VehicleKind.NegativePressureAmbulance)));
        Assert.Equal((null, null), await WhyAsync());
        // The ambulance sent to hospital: the pair still has the van.
        Assert.True(await Run(db, SiteStaff, sp => Fleet(sp).AssignAsync(toHospital.Id, ambulance, driver)));
        Assert.Equal(((string?)null, (string?)null), await WhyAsync());
        // The van out of service: the pair waits for the ambulance to come back (the car is too small).
        Assert.True(await Run(db, Command, sp => Fleet(sp).SetVehicleInServiceAsync(van, false, "送检")));
        Assert.Equal(((string?)null, SiteErrors.VehiclesOnTrip), await WhyAsync());
    }

    /// <summary>
    /// A transfer to hospital handed to the emergency centre (120): no county vehicle or driver goes, the trip says who
    /// took it, and the staff record its departure and arrival; any other trip cannot be handed over.
    /// </summary>
    [Theory, OnSqlite, OnPostgres]
    public async Task ATripToHospital_HandedTo120_GoesWithoutACountyVehicle(Engine engine)
    {
        await using var db = await TestDatabase.CreateAsync(engine);
        var (site, people) = await CheckedOutToHospitalAsync(db, 2);
        TripService Fleet(IServiceProvider sp) => Make<TripService>(sp);
        var toSite = await Run(db, SiteStaff, sp => Fleet(sp).RequestAsync(new TripRequest(TripPlaceKind.Checkpoint, "淅川东高速出口卡点", null, TripPlaceKind.Site, null, site,
            [new TripPassengerInput(people[1], null)], PointToPoint: true)));
        var toHospital = (await Run(db, SiteStaff, sp => Fleet(sp).ListAsync())).Trips.Single(t => t.ToKind == TripPlaceKind.Hospital).Id;

        var refused = await Assert.ThrowsAsync<ConflictException>(() => Run(db, SiteStaff, sp => Fleet(sp).HandToEmergencyServiceAsync(toSite)));
        Assert.Equal(SiteErrors.TripEmergencyServiceHospitalOnly, refused.Code);
        Assert.True(await Run(db, SiteStaff, sp => Fleet(sp).HandToEmergencyServiceAsync(toHospital)));
        await Assert.ThrowsAsync<ConflictException>(() => Run(db, SiteStaff, sp => Fleet(sp).HandToEmergencyServiceAsync(toHospital)));
        var trip = (await Run(db, SiteStaff, sp => Fleet(sp).ListAsync())).Trips.Single(t => t.Id == toHospital);
        Assert.Equal((TripStatus.Assigned, true, (string?)null, (string?)null, (string?)null), (trip.Status, trip.ByEmergencyService, trip.Vehicle, trip.Driver, trip.VehicleBlocker));
        Assert.True(await Run(db, SiteStaff, sp => Fleet(sp).DepartAsync(toHospital)));
        Assert.True(await Run(db, SiteStaff, sp => Fleet(sp).ArriveAsync(toHospital)));
        trip = (await Run(db, SiteStaff, sp => Fleet(sp).ListAsync())).Trips.Single(t => t.Id == toHospital);
        Assert.Equal((TripStatus.Arrived, true), (trip.Status, trip.ByEmergencyService));
    }

    /// <summary>A room number typed in (or corrected) onto one the site already has is refused naming that room.</summary>
    [Theory, OnSqlite, OnPostgres]
    public async Task ARoomNumberAlreadyUsed_IsRefusedNamingTheRoom(Engine engine)
    {
        await using var db = await TestDatabase.CreateAsync(engine);
        SetNow(db, "2022-10-05 09:00");
        var site = await SiteInServiceAsync(db, "楼栋,楼层,房号\nA,1,101\nB,1,101\n");
        SiteService Sites(IServiceProvider sp) => Make<SiteService>(sp);
        var typedTwice = await Assert.ThrowsAsync<ValidationFailedException>(() => Run(db, Command, sp => Sites(sp).AddRoomAsync(site, new RoomInput("A", 1, "101"))));
        Assert.Equal(new Core.People.FieldError("number", "number.exists-in-site:A-101"), Assert.Single(typedTwice.Errors));
        var b101 = (await Run(db, Command, sp => Sites(sp).BoardAsync(site)))!.Rooms.Single(r => r.Building == "B").Id;
        var renumbered = await Assert.ThrowsAsync<ValidationFailedException>(() => Run(db, Command, sp => Sites(sp).UpdateRoomAsync(b101, new RoomInput("A", 1, "101"), null)));
        Assert.Equal(new Core.People.FieldError("number", "number.exists-in-site:A-101"), Assert.Single(renumbered.Errors));
        var rooms = (await Run(db, Command, sp => Sites(sp).BoardAsync(site)))!.Rooms;
        Assert.Equal(["A-101", "B-101"], rooms.Select(r => $"{r.Building}-{r.Number}").Order().ToArray());
    }

    /// <summary>
    /// Cadres name a checklist item and leave the code out: it is made from the name (its Latin letters and digits, or
    /// "item-" and its place for a Chinese name), a second one alike gets "-2", and a code typed in is kept as typed.
    /// </summary>
    [Theory, OnSqlite, OnPostgres]
    public async Task AChecklistItemAddedWithoutACode_GetsOneFromItsName(Engine engine)
    {
        await using var db = await TestDatabase.CreateAsync(engine);
        SetNow(db, "2022-10-05 09:00");
        SiteService Sites(IServiceProvider sp) => Make<SiteService>(sp);
        async Task<string> AddAsync(StandardInput input)
        {
            var id = await Run(db, Command, sp => Sites(sp).AddStandardAsync(input));
            return (await Run(db, Command, sp => Sites(sp).ChecklistAsync())).Single(x => x.Id == id).Code;
        }
        Assert.Equal("item-80", await AddAsync(new StandardInput(null, "夜间巡查双人", 80)));
        Assert.Equal("item-80-2", await AddAsync(new StandardInput(" ", "夜间巡查记录", 80)));
        Assert.Equal("5s-management", await AddAsync(new StandardInput("", "5S Management 现场管理")));
        Assert.Equal("night-watch", await AddAsync(new StandardInput("Night-Watch", "夜间值守")));
        var list = await Run(db, Command, sp => Sites(sp).ChecklistAsync());
        Assert.Equal("夜间巡查记录", list.Single(x => x.Code == "item-80-2").Name);
        // Still a name is required: no code is made up for an item nobody named.
        var unnamed = await Assert.ThrowsAsync<ValidationFailedException>(() => Run(db, Command, sp => Sites(sp).AddStandardAsync(new StandardInput(null, " "))));
        Assert.Equal(new Core.People.FieldError("name", "standard.name-required"), Assert.Single(unnamed.Errors));
    }

    [Theory, OnPostgres]
    public async Task TwoHundredAllocationsAtOnce_ForAHundredRooms_ExactlyAHundredSucceed(Engine engine)
    {
        await using var db = await TestDatabase.CreateAsync(engine);
        SetNow(db, "2022-10-05 09:00");
        var rooms = new StringBuilder("楼栋,楼层,房号,单人间,独立卫生间\n");
        for (var i = 0; i < 100; i++) rooms.Append(CultureInfo.InvariantCulture, $"A,{i / 20 + 1},{(i / 20 + 1) * 100 + i % 20 + 1},是,是\n");
        await SiteInServiceAsync(db, rooms.ToString());
        // One person from each of 200 households (a household's members would be placed together by one allocation).
        long[] people;
        await using (var registry = await db.ContextAsync())
            people = (await registry.People.Where(p => p.CountyCode == County).Select(p => new { p.Id, p.ScopeKey }).ToListAsync())
                .GroupBy(p => p.ScopeKey).Select(g => g.Min(p => p.Id)).Order().Take(200).ToArray();
        Assert.Equal(200, people.Length);
        var orders = new List<long>();
        foreach (var p in people) orders.Add(await CloseContactOrderAsync(db, p, "2022-10-04"));

        var outcomes = await Task.WhenAll(orders.Select(o => Task.Run(async () =>
        {
            try { return (Stay: await Run(db, SiteStaff, sp => Make<StayService>(sp).AllocateAsync(o)), Code: (string?)null); }
            catch (ConflictException e) { return (Stay: (long?)null, Code: (string?)e.Code); }
        })));
        Assert.Equal(100, outcomes.Count(o => o.Stay is not null));
        Assert.All(outcomes.Where(o => o.Stay is null), o => Assert.Equal("site.no-room", o.Code));
        await using var ctx = await db.ContextAsync(Command);
        var held = await ctx.Stays.Where(s => s.OccupiedRoomId != null).GroupBy(s => s.OccupiedRoomId).Select(g => g.Count()).ToListAsync();
        Assert.Equal(100, held.Count);
        Assert.All(held, n => Assert.Equal(1, n));
        await AssertHoldersMatchStaysAsync(db);
    }
}
