using Fangkong.Core.Sites;
using static Fangkong.Core.Tests.Sites.SiteTestData;

namespace Fangkong.Core.Tests.Sites;

public class RoomRulesTests
{
    private const RoomState R = RoomState.Ready, O = RoomState.Occupied, AD = RoomState.AwaitingDisinfection,
        DI = RoomState.Disinfected, SR = RoomState.SuppliesReplaced, OOS = RoomState.OutOfService;

    /// <summary>Every pair of states and what a manual transition answers (null: done).</summary>
    public static TheoryData<RoomState, RoomState, string?> ManualTransitions => new()
    {
        { R, R, "room.transition-not-allowed" },
        { R, O, "room.check-in-required" },
        { R, AD, "room.transition-not-allowed" },
        { R, DI, "room.transition-not-allowed" },
        { R, SR, "room.transition-not-allowed" },
        { R, OOS, null },
        { O, R, "room.occupied" },
        { O, O, "room.occupied" },
        { O, AD, "room.check-out-required" },
        { O, DI, "room.occupied" },
        { O, SR, "room.occupied" },
        { O, OOS, "room.occupied" },
        { AD, R, "room.transition-not-allowed" },
        { AD, O, "room.transition-not-allowed" },
        { AD, AD, "room.transition-not-allowed" },
        { AD, DI, null },
        { AD, SR, "room.transition-not-allowed" },
        { AD, OOS, null },
        { DI, R, "room.transition-not-allowed" },
        { DI, O, "room.transition-not-allowed" },
        { DI, AD, "room.transition-not-allowed" },
        { DI, DI, "room.transition-not-allowed" },
        { DI, SR, null },
        { DI, OOS, null },
        { SR, R, null },
        { SR, O, "room.transition-not-allowed" },
        { SR, AD, "room.transition-not-allowed" },
        { SR, DI, "room.transition-not-allowed" },
        { SR, SR, "room.transition-not-allowed" },
        { SR, OOS, null },
        { OOS, R, "room.transition-not-allowed" },   // never around the turnover: back only through disinfection
        { OOS, O, "room.transition-not-allowed" },
        { OOS, AD, null },
        { OOS, DI, "room.transition-not-allowed" },
        { OOS, SR, "room.transition-not-allowed" },
        { OOS, OOS, "room.transition-not-allowed" },
    };

    [Theory]
    [MemberData(nameof(ManualTransitions))]
    public void Transition_EveryPairOfStates(RoomState from, RoomState to, string? expected)
    {
        var room = Room(state: from);
        var result = RoomRules.Transition(room, to, "site-staff", T0, "water leak");
        Assert.Equal(expected, result.Error);
        if (expected is null)
        {
            Assert.Equal(to, room.State);
            Assert.NotNull(result.Value);
            Assert.Equal(from, result.Value!.From);
            Assert.Equal(to, result.Value.To);
        }
        else
        {
            Assert.Equal(from, room.State);
            Assert.Null(result.Value);
        }
    }

    [Fact]
    public void Allowed_HoldsExactlyTheElevenEdgesOfTheCycle()
    {
        var allowed = Enum.GetValues<RoomState>().SelectMany(f => Enum.GetValues<RoomState>().Select(t => (f, t))).Where(p => RoomRules.Allowed(p.f, p.t)).ToHashSet();
        Assert.Equal(
            new HashSet<(RoomState, RoomState)> { (R, O), (O, AD), (AD, DI), (DI, SR), (SR, R), (OOS, AD), (R, OOS), (AD, OOS), (DI, OOS), (SR, OOS) },
            allowed);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("\u3000")]
    public void OutOfService_WithoutAReason_IsRefused(string? reason)
    {
        var room = Room();
        var result = RoomRules.Transition(room, OOS, "staff", T0, reason);
        Assert.Equal("room.reason-required", result.Error);
        Assert.Equal(R, room.State);
        Assert.Null(room.OutOfServiceReason);
    }

    [Fact]
    public void OutOfService_KeepsTheTidiedReason_AndComingBackClearsIt()
    {
        var room = Room();
        var e = RoomRules.Transition(room, OOS, "staff", T0, "  air   conditioner broken ").Value!;
        Assert.Equal("air conditioner broken", room.OutOfServiceReason);
        Assert.Equal("air conditioner broken", e.Reason);
        RoomRules.Transition(room, AD, "staff", T0.AddHours(5), null);
        Assert.Null(room.OutOfServiceReason);
        Assert.Equal(AD, room.State);
    }

    [Fact]
    public void Reason_IsCutAt200Characters()
    {
        var room = Room();
        RoomRules.Transition(room, OOS, "staff", T0, new string('x', 500));
        Assert.Equal(RoomRules.MaxReasonLength, room.OutOfServiceReason!.Length);
    }

    [Fact]
    public void Transition_StampsTheRoom_AndTheEventCarriesItsScope()
    {
        var room = Room(state: AD);
        var e = RoomRules.Transition(room, DI, "王消毒", T0, null).Value!;
        Assert.Equal(T0, room.StateChangedAt);
        Assert.Equal("王消毒", room.StateChangedBy);
        Assert.Equal(T0, room.UpdatedAt);
        Assert.Equal((County, Township, 1L, 10L, "王消毒", T0), (e.CountyCode, e.ScopeKey, e.SiteId, e.RoomId, e.By, e.At));
        Assert.Null(e.StayId);
    }

    [Fact]
    public void FullCycle_ThroughCheckInAndCheckOut_RecordsTheCheckOutTime()
    {
        var room = Room();
        var stay = Stay(1);
        var events = new List<RoomEvent>();
        events.Add(StayRules.CheckIn(stay, room, [stay], T0, "front-desk").Value!);
        Assert.Equal(O, room.State);
        events.Add(StayRules.CheckOut(room, stay, [stay], StayOutcome.ConvertedToHome, T0.AddDays(7), "front-desk", Day0.AddDays(7), true).Value!);
        Assert.Equal(AD, room.State);
        Assert.Equal(T0.AddDays(7), room.LastCheckOutAt);
        events.Add(RoomRules.Transition(room, DI, "cleaner", T0.AddDays(7).AddHours(1), null).Value!);
        events.Add(RoomRules.Transition(room, SR, "cleaner", T0.AddDays(7).AddHours(2), null).Value!);
        events.Add(RoomRules.Transition(room, R, "cleaner", T0.AddDays(7).AddHours(3), null).Value!);
        Assert.Equal([R, O, AD, DI, SR], events.Select(e => e.From));
        Assert.Equal([O, AD, DI, SR, R], events.Select(e => e.To));
        Assert.Equal(stay.Id, events[0].StayId);
        var t = Assert.Single(RoomRules.Turnovers(events));
        Assert.Equal(TimeSpan.FromHours(3), t.Duration);
    }

    [Fact]
    public void OutOfServiceRoom_GoesBackThroughDisinfection()
    {
        // A room someone just left, taken out of service before its disinfection, cannot come back ready.
        var left = Room(state: AD);
        Assert.True(RoomRules.Transition(left, OOS, "staff", T0, "门锁损坏").Ok);
        Assert.Equal("room.transition-not-allowed", RoomRules.Transition(left, R, "staff", T0, null).Error);
        var room = Room(state: OOS);
        Assert.True(RoomRules.Transition(room, AD, "staff", T0, null).Ok);
        Assert.Equal(AD, room.State);
        Assert.Null(room.LastCheckOutAt);
    }

    // Turnover ---------------------------------------------------------------------------------------------------

    private static long _id;

    private static RoomEvent E(long room, RoomState from, RoomState to, DateTime at, long site = 1) =>
        new() { Id = ++_id, RoomId = room, SiteId = site, From = from, To = to, At = at, By = "x" };

    private static IEnumerable<RoomEvent> Cycle(long room, DateTime checkOut, double hoursToReady) =>
    [
        E(room, O, AD, checkOut),
        E(room, AD, DI, checkOut.AddHours(hoursToReady / 3)),
        E(room, DI, SR, checkOut.AddHours(hoursToReady * 2 / 3)),
        E(room, SR, R, checkOut.AddHours(hoursToReady)),
    ];

    [Fact]
    public void Turnover_RunsFromCheckOutToTheNextReady()
    {
        var events = Cycle(1, T0, 3.5).ToList();
        var t = Assert.Single(RoomRules.Turnovers(events));
        Assert.Equal(T0, t.CheckedOutAt);
        Assert.Equal(T0.AddHours(3.5), t.ReadyAt);
        Assert.Equal(TimeSpan.FromMinutes(210), t.Duration);
        Assert.True(t.Completed);
    }

    [Fact]
    public void Turnover_OfManyRooms_InAnyOrder()
    {
        var events = Cycle(1, T0, 2).Concat(Cycle(2, T0.AddHours(1), 5)).Concat(Cycle(1, T0.AddDays(8), 4)).Reverse().ToList();
        var byRoom = RoomRules.TurnoversByRoom(events);
        Assert.Equal([TimeSpan.FromHours(2), TimeSpan.FromHours(4)], byRoom[1]);
        Assert.Equal([TimeSpan.FromHours(5)], byRoom[2]);
    }

    [Fact]
    public void Turnover_NotYetReady_IsInProgress_AndNotInTheFigures()
    {
        var events = Cycle(1, T0, 2).Concat([E(2, O, AD, T0), E(2, AD, DI, T0.AddHours(1))]).ToList();
        var turnovers = RoomRules.Turnovers(events);
        Assert.Equal(2, turnovers.Count);
        var open = turnovers.Single(t => t.RoomId == 2);
        Assert.False(open.Completed);
        Assert.Null(open.Duration);
        var summary = RoomRules.Summarize(events);
        Assert.Equal(1, summary.Completed.Count);
        Assert.Equal(1, summary.InProgress);
        Assert.Equal(TimeSpan.FromHours(2), summary.Completed.Max);
    }

    [Fact]
    public void Turnover_IncludesTimeOutOfServiceOnTheWay()
    {
        var events = new[]
        {
            E(1, O, AD, T0),
            E(1, AD, OOS, T0.AddHours(1)),
            E(1, OOS, AD, T0.AddHours(20)),
            E(1, AD, DI, T0.AddHours(21)),
            E(1, DI, SR, T0.AddHours(22)),
            E(1, SR, R, T0.AddHours(23)),
        };
        Assert.Equal(TimeSpan.FromHours(23), Assert.Single(RoomRules.Turnovers(events)).Duration);
    }

    [Fact]
    public void Turnover_StartsOnlyAtACheckOut()
    {
        // Out of service → awaiting disinfection → … → ready is a return to service, not a turnover.
        var events = new[] { E(1, R, OOS, T0), E(1, OOS, AD, T0.AddHours(1)), E(1, AD, DI, T0.AddHours(2)), E(1, DI, SR, T0.AddHours(3)), E(1, SR, R, T0.AddHours(4)) };
        Assert.Empty(RoomRules.Turnovers(events));
        Assert.Equal(DurationSummary.Empty, RoomRules.Summarize(events).Completed);
    }

    [Fact]
    public void Turnover_SameInstantEvents_AreReadInIdOrder()
    {
        var a = E(1, O, AD, T0);
        var b = E(1, AD, OOS, T0);
        var c = E(1, OOS, R, T0.AddHours(1));
        Assert.Equal(TimeSpan.FromHours(1), Assert.Single(RoomRules.Turnovers([c, b, a])).Duration);
    }

    [Fact]
    public void SiteSummary_MedianP90AndMax()
    {
        // Ten rooms turned over in 1..10 hours: median 5.5 h, p90 9.1 h (interpolated), max 10 h.
        var events = Enumerable.Range(1, 10).SelectMany(i => Cycle(i, T0.AddMinutes(i), i)).ToList();
        var s = RoomRules.Summarize(events).Completed;
        Assert.Equal(10, s.Count);
        Assert.Equal(TimeSpan.FromHours(5.5), s.Median);
        Assert.Equal(TimeSpan.FromMinutes(546), s.P90);
        Assert.Equal(TimeSpan.FromHours(10), s.Max);
    }

    [Fact]
    public void SiteSummary_OddCount()
    {
        var events = Cycle(1, T0, 1).Concat(Cycle(2, T0, 3)).Concat(Cycle(3, T0, 2)).ToList();
        var s = RoomRules.Summarize(events).Completed;
        Assert.Equal(TimeSpan.FromHours(2), s.Median);
        Assert.Equal(TimeSpan.FromHours(2.8), s.P90);
        Assert.Equal(TimeSpan.FromHours(3), s.Max);
    }
}
