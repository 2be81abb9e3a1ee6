using Fangkong.Core.Orders;
using Fangkong.Core.Policy;
using Fangkong.Core.Sites;
using static Fangkong.Core.Tests.Sites.SiteTestData;

namespace Fangkong.Core.Tests.Sites;

public class StayRulesTests
{
    private static readonly OrderFacts Centralized = new(500, 42, MeasureKinds.CentralizedQuarantine, OrderStatus.Active);

    private static AllocateRequest Request(
        Room? room = null, QuarantineSite? site = null, OrderFacts? order = null, IReadOnlyCollection<Stay>? roomStays = null,
        IReadOnlyCollection<Stay>? personStays = null, string? household = null, int? bed = null, bool allowFamily = true) =>
        new(order ?? Centralized, site ?? Site(), room ?? Room(), roomStays ?? [], personStays ?? [], household, bed, allowFamily, D("2022-09-17"), T0, "allocator");

    // Allocation -------------------------------------------------------------------------------------------------------

    [Fact]
    public void Allocate_HoldsTheRoomAndBed_ScopedWithTheSite()
    {
        var result = StayRules.Allocate(Request(household: "hh-1"));
        Assert.True(result.Ok);
        var stay = result.Value!;
        Assert.Equal((County, Township), (stay.CountyCode, stay.ScopeKey));
        Assert.Equal((500L, 42L, 1L, 10L), (stay.OrderId, stay.PersonId, stay.SiteId, stay.RoomId));
        Assert.Equal(10L, stay.OccupiedRoomId);
        Assert.Equal(1, stay.Bed);
        Assert.Equal(StayStatus.Allocated, stay.Status);
        Assert.Equal("hh-1", stay.HouseholdKey);
        Assert.Equal(D("2022-09-17"), stay.LeaveOn);
        Assert.Equal(T0, stay.AllocatedAt);
        Assert.Equal("allocator", stay.AllocatedBy);
        Assert.True(stay.Active);
    }

    [Fact]
    public void CentralizedQuarantineKind_IsTheCodebasesString()
    {
        Assert.Equal("centralized-quarantine", MeasureKinds.CentralizedQuarantine);
    }

    [Theory]
    [InlineData(MeasureKinds.HomeQuarantine)]
    [InlineData(MeasureKinds.HomeHealthMonitoring)]
    [InlineData(MeasureKinds.ThreeDaysTwoTests)]
    [InlineData(MeasureKinds.ClosedLoopWork)]
    [InlineData("")]
    public void Allocate_RefusesOrdersThatAreNotAtASite(string kind)
    {
        var result = StayRules.Allocate(Request(order: Centralized with { CurrentKind = kind }));
        Assert.Equal("stay.order-not-centralized", result.Error);
        Assert.Null(result.Value);
    }

    [Theory]
    [InlineData(OrderStatus.Active, null)]
    [InlineData(OrderStatus.Extended, null)]
    [InlineData(OrderStatus.Converted, null)]
    [InlineData(OrderStatus.Proposed, "stay.order-not-active")]
    [InlineData(OrderStatus.ReleasePending, "stay.order-not-active")]
    [InlineData(OrderStatus.Released, "stay.order-not-active")]
    [InlineData(OrderStatus.TransferredToHospital, "stay.order-not-active")]
    [InlineData(OrderStatus.Cancelled, "stay.order-not-active")]
    public void Allocate_NeedsAnActiveOrder(OrderStatus status, string? expected)
    {
        Assert.Equal(expected, StayRules.Allocate(Request(order: Centralized with { Status = status })).Error);
    }

    [Fact]
    public void Allocate_OnePersonOneActiveStay()
    {
        Assert.Equal("stay.person-already-allocated", StayRules.Allocate(Request(personStays: [Stay(1, roomId: 99, status: StayStatus.CheckedIn)])).Error);
        Assert.Equal("stay.person-already-allocated", StayRules.Allocate(Request(personStays: [Stay(1, roomId: 99)])).Error);
        Assert.True(StayRules.Allocate(Request(personStays: [Stay(1, roomId: 99, status: StayStatus.CheckedOut), Stay(2, status: StayStatus.Cancelled)])).Ok);
    }

    [Theory]
    [InlineData(SiteStatus.InService, null)]
    [InlineData(SiteStatus.StandbyReserve, "site.not-in-service")]
    [InlineData(SiteStatus.Preparing, "site.not-in-service")]
    [InlineData(SiteStatus.Closed, "site.not-in-service")]
    public void Allocate_OnlyAtSitesThatReceive(SiteStatus status, string? expected)
    {
        Assert.Equal(expected, StayRules.Allocate(Request(site: Site(status: status))).Error);
    }

    [Fact]
    public void Allocate_RoomMustBeTheSites()
    {
        Assert.Equal("room.wrong-site", StayRules.Allocate(Request(room: Room(siteId: 2))).Error);
    }

    [Theory]
    [InlineData(RoomState.Occupied)]
    [InlineData(RoomState.AwaitingDisinfection)]
    [InlineData(RoomState.Disinfected)]
    [InlineData(RoomState.SuppliesReplaced)]
    [InlineData(RoomState.OutOfService)]
    public void Allocate_AnEmptyRoomMustBeReady(RoomState state)
    {
        Assert.Equal("room.not-ready", StayRules.Allocate(Request(room: Room(state: state))).Error);
    }

    [Fact]
    public void Allocate_AnOrdinaryRoomHoldsOneStay()
    {
        Assert.Equal("room.occupied", StayRules.Allocate(Request(roomStays: [Stay(1)], household: "hh")).Error);
        // A stay that ended does not hold the room.
        Assert.True(StayRules.Allocate(Request(roomStays: [Stay(1, status: StayStatus.CheckedOut), Stay(2, status: StayStatus.Cancelled)])).Ok);
    }

    [Fact]
    public void Allocate_FamilyRoom_TakesTheSameHouseholdOnTheNextBed()
    {
        var room = Room(family: true, beds: 3);
        var result = StayRules.Allocate(Request(room: room, roomStays: [Stay(1, household: "hh", bed: 1)], household: "hh"));
        Assert.True(result.Ok);
        Assert.Equal(2, result.Value!.Bed);
        // Occupied by the household already (a member checked in): still the household's room.
        room.State = RoomState.Occupied;
        Assert.True(StayRules.Allocate(Request(room: room, roomStays: [Stay(1, household: "hh", status: StayStatus.CheckedIn)], household: "hh")).Ok);
    }

    [Theory]
    [InlineData("other")]
    [InlineData(null)]
    public void Allocate_FamilyRoom_RefusesAnotherHousehold(string? household)
    {
        var room = Room(family: true, beds: 3);
        Assert.Equal("room.other-household", StayRules.Allocate(Request(room: room, roomStays: [Stay(1, household: "hh")], household: household)).Error);
    }

    [Fact]
    public void Allocate_FamilyRoom_NotSharedWhenThePackForbidsIt()
    {
        var room = Room(family: true, beds: 3);
        Assert.Equal("room.occupied", StayRules.Allocate(Request(room: room, roomStays: [Stay(1, household: "hh")], household: "hh", allowFamily: false)).Error);
    }

    [Fact]
    public void Allocate_FamilyRoomInTurnover_IsNotReady()
    {
        var room = Room(family: true, beds: 3, state: RoomState.AwaitingDisinfection);
        Assert.Equal("room.not-ready", StayRules.Allocate(Request(room: room, roomStays: [Stay(1, household: "hh")], household: "hh")).Error);
    }

    [Theory]
    [InlineData(0, "stay.bed-range")]
    [InlineData(-1, "stay.bed-range")]
    [InlineData(4, "stay.bed-range")]
    [InlineData(1, "stay.bed-taken")]
    [InlineData(3, null)]
    public void Allocate_BedMustBeTheRoomsAndFree(int bed, string? expected)
    {
        var room = Room(family: true, beds: 3);
        Assert.Equal(expected, StayRules.Allocate(Request(room: room, roomStays: [Stay(1, household: "hh", bed: 1)], household: "hh", bed: bed)).Error);
    }

    [Fact]
    public void Allocate_FullFamilyRoom_HasNoBed()
    {
        var room = Room(family: true, beds: 2);
        Stay[] stays = [Stay(1, household: "hh", bed: 1), Stay(2, household: "hh", bed: 2)];
        Assert.Equal("stay.bed-taken", StayRules.Allocate(Request(room: room, roomStays: stays, household: "hh")).Error);
    }

    [Fact]
    public void Allocate_AnOrdinaryRoomWithTwoBeds_StillHasOnePlace()
    {
        var room = Room(beds: 2);
        Assert.Equal("stay.bed-range", StayRules.Allocate(Request(room: room, bed: 2)).Error);
    }

    [Fact]
    public void NextFreeBed_SkipsBedsOfActiveStaysOnly()
    {
        var room = Room(family: true, beds: 3);
        Assert.Equal(1, StayRules.NextFreeBed(room, []));
        Assert.Equal(2, StayRules.NextFreeBed(room, [Stay(1, bed: 1), Stay(2, bed: 2, status: StayStatus.CheckedOut)]));
        Assert.Equal(3, StayRules.NextFreeBed(room, [Stay(1, bed: 1), Stay(2, bed: 2, status: StayStatus.CheckedIn)]));
        Assert.Null(StayRules.NextFreeBed(room, [Stay(1, bed: 1), Stay(2, bed: 2), Stay(3, bed: 3)]));
        // Stays of other rooms do not count.
        Assert.Equal(1, StayRules.NextFreeBed(room, [Stay(1, roomId: 11, bed: 1)]));
    }

    // Check-in ---------------------------------------------------------------------------------------------------------

    [Fact]
    public void CheckIn_ReadyRoomBecomesOccupied()
    {
        var room = Room();
        var stay = Stay(1);
        var result = StayRules.CheckIn(stay, room, [stay], T0, "desk");
        Assert.True(result.Ok);
        Assert.Equal(RoomState.Occupied, room.State);
        Assert.Equal((RoomState.Ready, RoomState.Occupied, 1L), (result.Value!.From, result.Value.To, result.Value.StayId));
        Assert.Equal(StayStatus.CheckedIn, stay.Status);
        Assert.Equal(T0, stay.CheckedInAt);
        Assert.Equal(10L, stay.OccupiedRoomId);
    }

    [Theory]
    [InlineData(StayStatus.CheckedIn)]
    [InlineData(StayStatus.CheckedOut)]
    [InlineData(StayStatus.Cancelled)]
    public void CheckIn_OnlyAnAllocatedStay(StayStatus status)
    {
        var room = Room();
        var stay = Stay(1, status: status);
        Assert.Equal("stay.not-allocated", StayRules.CheckIn(stay, room, [stay], T0, "desk").Error);
        Assert.Equal(RoomState.Ready, room.State);
        Assert.Equal(status, stay.Status);
    }

    [Fact]
    public void CheckIn_IntoTheAllocatedRoomOnly()
    {
        var stay = Stay(1, roomId: 11);
        Assert.Equal("stay.wrong-room", StayRules.CheckIn(stay, Room(), [stay], T0, "desk").Error);
    }

    [Theory]
    [InlineData(RoomState.AwaitingDisinfection)]
    [InlineData(RoomState.Disinfected)]
    [InlineData(RoomState.SuppliesReplaced)]
    [InlineData(RoomState.OutOfService)]
    public void CheckIn_RoomMustBeReady(RoomState state)
    {
        var room = Room(state: state);
        var stay = Stay(1);
        Assert.Equal("room.not-ready", StayRules.CheckIn(stay, room, [stay], T0, "desk").Error);
        Assert.Equal(StayStatus.Allocated, stay.Status);
    }

    [Fact]
    public void CheckIn_IntoTheHouseholdsOccupiedFamilyRoom_WithoutARoomEvent()
    {
        var room = Room(family: true, beds: 3, state: RoomState.Occupied);
        var first = Stay(1, household: "hh", status: StayStatus.CheckedIn);
        var second = Stay(2, household: "hh", bed: 2);
        var result = StayRules.CheckIn(second, room, [first, second], T0, "desk");
        Assert.True(result.Ok);
        Assert.Null(result.Value);
        Assert.Equal(StayStatus.CheckedIn, second.Status);
    }

    [Fact]
    public void CheckIn_OccupiedRoomOfAnotherHousehold_IsRefused()
    {
        var room = Room(family: true, beds: 3, state: RoomState.Occupied);
        var first = Stay(1, household: "hh", status: StayStatus.CheckedIn);
        var stranger = Stay(2, household: "other", bed: 2);
        Assert.Equal("room.other-household", StayRules.CheckIn(stranger, room, [first, stranger], T0, "desk").Error);
    }

    [Fact]
    public void CheckIn_OccupiedOrdinaryRoom_IsNotReady()
    {
        var room = Room(state: RoomState.Occupied);
        var first = Stay(1, status: StayStatus.CheckedIn, household: "hh");
        var second = Stay(2, household: "hh");
        Assert.Equal("room.not-ready", StayRules.CheckIn(second, room, [first, second], T0, "desk").Error);
    }

    // Check-out --------------------------------------------------------------------------------------------------------

    [Fact]
    public void CheckOut_ReleasesTheBed_AndTheRoomAwaitsDisinfection()
    {
        var room = Room(state: RoomState.Occupied);
        var stay = Stay(1, status: StayStatus.CheckedIn);
        var result = StayRules.CheckOut(room, stay, [stay], StayOutcome.Released, T0, "desk", Day0, true);
        Assert.True(result.Ok);
        Assert.Equal((RoomState.Occupied, RoomState.AwaitingDisinfection), (result.Value!.From, result.Value.To));
        Assert.Equal(RoomState.AwaitingDisinfection, room.State);
        Assert.Equal(T0, room.LastCheckOutAt);
        Assert.Equal(StayStatus.CheckedOut, stay.Status);
        Assert.Equal(StayOutcome.Released, stay.Outcome);
        Assert.Equal(T0, stay.CheckedOutAt);
        Assert.Null(stay.OccupiedRoomId);
    }

    [Fact]
    public void CheckOut_OfARoomWithNoStay_IsRoomEmpty()
    {
        var room = Room(state: RoomState.Ready);
        Assert.Equal("room.empty", StayRules.CheckOut(room, null, [], StayOutcome.Released, T0, "desk", Day0, true).Error);
        var old = Stay(1, status: StayStatus.CheckedOut);
        Assert.Equal("room.empty", StayRules.CheckOut(room, old, [old], StayOutcome.Released, T0, "desk", Day0, true).Error);
    }

    [Fact]
    public void CheckOut_OfSomeoneWhoNeverCheckedIn_IsRefused()
    {
        var room = Room();
        var stay = Stay(1);
        Assert.Equal("stay.not-checked-in", StayRules.CheckOut(room, stay, [stay], StayOutcome.Released, T0, "desk", Day0, true).Error);
        Assert.Equal(StayStatus.Allocated, stay.Status);
        Assert.Equal(10L, stay.OccupiedRoomId);
    }

    [Fact]
    public void CheckOut_OfAnotherRoomsStay_IsRefused()
    {
        var room = Room(state: RoomState.Occupied);
        var stay = Stay(1, roomId: 11, status: StayStatus.CheckedIn);
        Assert.Equal("stay.wrong-room", StayRules.CheckOut(room, stay, [Stay(2, status: StayStatus.CheckedIn)], StayOutcome.Released, T0, "desk", Day0, true).Error);
    }

    [Theory]
    [InlineData(StayOutcome.None, "stay.outcome-invalid")]
    [InlineData(StayOutcome.Cancelled, "stay.outcome-invalid")]
    [InlineData(StayOutcome.Released, null)]
    [InlineData(StayOutcome.ConvertedToHome, null)]
    [InlineData(StayOutcome.TransferredToHospital, null)]
    public void CheckOut_NeedsAnEndingOutcome(StayOutcome outcome, string? expected)
    {
        var room = Room(state: RoomState.Occupied);
        var stay = Stay(1, status: StayStatus.CheckedIn);
        Assert.Equal(expected, StayRules.CheckOut(room, stay, [stay], outcome, T0, "desk", Day0, true).Error);
    }

    /// <summary>
    /// Before the leave day a person leaves the site for hospital at any time, goes home only from the leave day, and
    /// is released early only when the order itself was released or cancelled by a decision.
    /// </summary>
    [Theory]
    [InlineData(StayOutcome.TransferredToHospital, true, null)]
    [InlineData(StayOutcome.ConvertedToHome, true, "stay.before-leave-day")]
    [InlineData(StayOutcome.ConvertedToHome, false, "stay.before-leave-day")]
    [InlineData(StayOutcome.Released, true, "stay.order-in-force")]
    [InlineData(StayOutcome.Released, false, null)]
    public void CheckOut_BeforeTheLeaveDay_OnlyForHospitalOrAnOrderNoLongerInForce(StayOutcome outcome, bool orderInForce, string? expected)
    {
        var room = Room(state: RoomState.Occupied);
        var stay = Stay(1, status: StayStatus.CheckedIn);
        stay.LeaveOn = Day0.AddDays(5);
        Assert.Equal(expected, StayRules.CheckOut(room, stay, [stay], outcome, T0, "desk", Day0, orderInForce).Error);
        Assert.Equal(expected is null ? StayStatus.CheckedOut : StayStatus.CheckedIn, stay.Status);
        // On the leave day every ending outcome is accepted.
        var later = Stay(2, status: StayStatus.CheckedIn);
        later.LeaveOn = Day0;
        Assert.True(StayRules.CheckOut(Room(state: RoomState.Occupied), later, [later], outcome, T0, "desk", Day0, orderInForce).Ok);
    }

    [Fact]
    public void CheckOut_FamilyRoom_StaysOccupiedUntilTheLastMemberLeaves()
    {
        var room = Room(family: true, beds: 3, state: RoomState.Occupied);
        var a = Stay(1, household: "hh", status: StayStatus.CheckedIn);
        var b = Stay(2, household: "hh", bed: 2, status: StayStatus.CheckedIn);
        var first = StayRules.CheckOut(room, a, [a, b], StayOutcome.TransferredToHospital, T0, "desk", Day0, true);
        Assert.True(first.Ok);
        Assert.Null(first.Value);
        Assert.Equal(RoomState.Occupied, room.State);
        var last = StayRules.CheckOut(room, b, [a, b], StayOutcome.ConvertedToHome, T0.AddDays(1), "desk", Day0, true);
        Assert.Equal(RoomState.AwaitingDisinfection, last.Value!.To);
        Assert.Equal(T0.AddDays(1), room.LastCheckOutAt);
    }

    [Fact]
    public void CheckOut_UnsavedStays_AreToldApartByReference()
    {
        // Stays not yet saved all have id 0: the one checking out must still not count as "someone remaining".
        var room = Room(state: RoomState.Occupied);
        var stay = Stay(0, status: StayStatus.CheckedIn);
        Assert.Equal(RoomState.AwaitingDisinfection, StayRules.CheckOut(room, stay, [stay], StayOutcome.Released, T0, "desk", Day0, true).Value!.To);
    }

    // Cancellation -----------------------------------------------------------------------------------------------------

    [Fact]
    public void Cancel_FreesTheBed_WithAReason()
    {
        var stay = Stay(1);
        Assert.Equal("stay.reason-required", StayRules.Cancel(stay, "  ", T0));
        Assert.Equal(StayStatus.Allocated, stay.Status);
        Assert.Null(StayRules.Cancel(stay, "tested positive before pick-up", T0));
        Assert.Equal(StayStatus.Cancelled, stay.Status);
        Assert.Equal(StayOutcome.Cancelled, stay.Outcome);
        Assert.Null(stay.OccupiedRoomId);
        Assert.Equal("tested positive before pick-up", stay.CancelReason);
    }

    [Theory]
    [InlineData(StayStatus.CheckedIn)]
    [InlineData(StayStatus.CheckedOut)]
    [InlineData(StayStatus.Cancelled)]
    public void Cancel_OnlyBeforeCheckIn(StayStatus status)
    {
        Assert.Equal("stay.not-allocated", StayRules.Cancel(Stay(1, status: status), "why", T0));
    }

    // The site phase -----------------------------------------------------------------------------------------------

    private static readonly RulePackSet Packs = RulePackSet.Shipped("411326");

    private static ControlOrder Order(string reason, string exposure) =>
        OrderRules.Build(Packs.Evaluate(reason, D(exposure)), [reason], County, Township, 42, T0);

    [Fact]
    public void SitePhase_9thEdition_SevenDaysThenHomeMonitoring()
    {
        var phase = StayRules.SitePhaseOf(Order(Reasons.CloseContact, "2022-09-01"))!;
        Assert.Equal(D("2022-09-01"), phase.FirstDay);
        Assert.Equal(D("2022-09-07"), phase.LastDay);
        Assert.Equal(7, phase.Days);
        Assert.Equal(D("2022-09-08"), phase.LeaveOn);
        Assert.Equal(MeasureKinds.HomeHealthMonitoring, phase.NextKind);
        Assert.Equal((D("2022-09-08"), D("2022-09-10")), (phase.NextFrom!.Value, phase.NextTo!.Value));
    }

    [Fact]
    public void SitePhase_20Measures_FiveDaysThenHomeQuarantine()
    {
        // Read from the pack in force (5+3 from 11 Nov 2022), not from a number in code.
        var phase = StayRules.SitePhaseOf(Order(Reasons.CloseContact, "2022-11-20"))!;
        Assert.Equal(5, phase.Days);
        Assert.Equal(D("2022-11-25"), phase.LeaveOn);
        Assert.Equal(MeasureKinds.HomeQuarantine, phase.NextKind);
    }

    [Fact]
    public void SitePhase_SiteOnly_HasNoNextMeasure()
    {
        var phase = StayRules.SitePhaseOf(Order(Reasons.HighRiskArea, "2022-09-01"))!;
        Assert.Equal(D("2022-09-08"), phase.LeaveOn);
        Assert.Null(phase.NextKind);
        Assert.Null(phase.NextFrom);
    }

    [Fact]
    public void SitePhase_NoneForAHomeMeasure()
    {
        Assert.Null(StayRules.SitePhaseOf(Order(Reasons.MediumRiskArea, "2022-09-01")));
    }

    [Fact]
    public void SitePhase_FollowsAnExtension()
    {
        var order = Order(Reasons.HighRiskArea, "2022-09-01");
        OrderRules.Extend(order, 3, []);
        Assert.Equal(D("2022-09-11"), StayRules.SitePhaseOf(order)!.LeaveOn);
    }

    private static OrderMeasure M(int seq, string kind, string from, string to) => new() { Sequence = seq, Kind = kind, From = D(from), To = D(to) };

    [Fact]
    public void SitePhase_BackToBackSiteMeasures_AreOneStay_InSequenceOrder()
    {
        var measures = new[]
        {
            M(3, MeasureKinds.HomeHealthMonitoring, "2022-09-11", "2022-09-13"),
            M(2, MeasureKinds.CentralizedQuarantine, "2022-09-08", "2022-09-10"),
            M(1, MeasureKinds.CentralizedQuarantine, "2022-09-01", "2022-09-07"),
        };
        var phase = StayRules.SitePhaseOf(measures)!;
        Assert.Equal((D("2022-09-01"), D("2022-09-10"), D("2022-09-11")), (phase.FirstDay, phase.LastDay, phase.LeaveOn));
        Assert.Equal(MeasureKinds.HomeHealthMonitoring, phase.NextKind);
    }

    [Fact]
    public void SitePhase_OnADate_PicksThePhaseInForceOrNext()
    {
        var measures = new[]
        {
            M(1, MeasureKinds.CentralizedQuarantine, "2022-09-01", "2022-09-07"),
            M(2, MeasureKinds.HomeQuarantine, "2022-09-08", "2022-09-10"),
            M(3, MeasureKinds.CentralizedQuarantine, "2022-09-11", "2022-09-14"),
        };
        Assert.Equal(D("2022-09-08"), StayRules.SitePhaseOf(measures, D("2022-09-07"))!.LeaveOn);
        Assert.Equal(D("2022-09-15"), StayRules.SitePhaseOf(measures, D("2022-09-09"))!.LeaveOn);
        Assert.Null(StayRules.SitePhaseOf(measures, D("2022-09-15")));
    }

    [Fact]
    public void SitePhase_AGapBeforeTheNextMeasure_MeansNoNextMeasure()
    {
        var measures = new[]
        {
            M(1, MeasureKinds.CentralizedQuarantine, "2022-09-01", "2022-09-07"),
            M(2, MeasureKinds.HomeHealthMonitoring, "2022-09-10", "2022-09-12"),
        };
        var phase = StayRules.SitePhaseOf(measures)!;
        Assert.Equal(D("2022-09-08"), phase.LeaveOn);
        Assert.Null(phase.NextKind);
    }

    [Fact]
    public void OrderFacts_FromAnOrder()
    {
        var order = Order(Reasons.CloseContact, "2022-09-01");
        order.Id = 77;
        order.Status = OrderStatus.Active;
        Assert.Equal(new OrderFacts(77, 42, MeasureKinds.CentralizedQuarantine, OrderStatus.Active), OrderFacts.Of(order));
    }
}
