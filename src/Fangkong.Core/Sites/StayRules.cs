using Fangkong.Core.Orders;
using Fangkong.Core.Policy;

namespace Fangkong.Core.Sites;

/// <summary>What a stay needs to know of its control order: which, whose, the measure in force now, the status.</summary>
public sealed record OrderFacts(long OrderId, long PersonId, string CurrentKind, OrderStatus Status)
{
    public static OrderFacts Of(ControlOrder order) => new(order.Id, order.PersonId, order.CurrentKind, order.Status);
}

/// <summary>A request to hold a room (and bed) for a person.</summary>
/// <param name="RoomStays">The stays of the room (any status; only active ones count).</param>
/// <param name="PersonStays">The person's stays (any status; an active one refuses a second allocation).</param>
/// <param name="Bed">The bed, or null for the first free bed.</param>
/// <param name="AllowFamilyRooms">Whether the rule pack in force lets a household share a family room.</param>
/// <param name="LeaveOn">The first day away from the site, from <see cref="StayRules.SitePhaseOf(IEnumerable{OrderMeasure}, DateOnly?)"/>, if known.</param>
public sealed record AllocateRequest(
    OrderFacts Order,
    QuarantineSite Site,
    Room Room,
    IReadOnlyCollection<Stay> RoomStays,
    IReadOnlyCollection<Stay> PersonStays,
    string? HouseholdKey,
    int? Bed,
    bool AllowFamilyRooms,
    DateOnly? LeaveOn,
    DateTime At,
    string By);

/// <summary>
/// The site phase of an order: the days at the site, the day the person leaves it, and the home measure that starts
/// then (null when the order ends with the site phase).
/// </summary>
public sealed record SitePhase(DateOnly FirstDay, DateOnly LastDay, DateOnly LeaveOn, string? NextKind, DateOnly? NextFrom, DateOnly? NextTo)
{
    public int Days => LastDay.DayNumber - FirstDay.DayNumber + 1;
}

/// <summary>
/// The rules of a stay: who may be allocated a room, check-in, check-out, cancellation, and when the site phase of
/// an order ends. Each refusal is a stable error code; a refused step changes nothing.
/// </summary>
public static class StayRules
{
    public const int MaxReasonLength = 200;

    /// <summary>
    /// Holds a room and bed for a person, or says why not. The order must be running (<see cref="ControlOrder.IsRunning"/>)
    /// as a centralized quarantine (<see cref="MeasureKinds.CentralizedQuarantine"/>; a proposed order is confirmed first, one about
    /// to be released takes no room); the person must have no other active stay; the site must receive people;
    /// an empty room must be ready; a room with active stays takes more only when it is a family room, the pack
    /// allows family rooms, and every stay in it is of the same household; the bed must be the room's and free.
    /// </summary>
    public static RuleResult<Stay> Allocate(AllocateRequest r)
    {
        if (!MeasureKinds.AtSite(r.Order.CurrentKind)) return Fail(SiteErrors.StayOrderNotCentralized);
        if (!ControlOrder.IsRunning(r.Order.Status)) return Fail(SiteErrors.StayOrderNotActive);
        if (r.PersonStays.Any(s => s.Active)) return Fail(SiteErrors.StayPersonAlreadyAllocated);
        if (!QuarantineSite.Receives(r.Site.Status)) return Fail(SiteErrors.SiteNotInService);
        if (r.Room.SiteId != r.Site.Id) return Fail(SiteErrors.RoomWrongSite);
        var active = r.RoomStays.Where(s => s.Active && s.RoomId == r.Room.Id).ToList();
        if (active.Count == 0)
        {
            if (r.Room.State != RoomState.Ready) return Fail(SiteErrors.RoomNotReady);
        }
        else
        {
            if (!r.Room.FamilyRoom || !r.AllowFamilyRooms) return Fail(SiteErrors.RoomOccupied);
            if (r.HouseholdKey is null || active.Any(s => s.HouseholdKey != r.HouseholdKey)) return Fail(SiteErrors.RoomOtherHousehold);
            // A household's family room is ready (members allocated) or occupied (members checked in), never in turnover.
            if (r.Room.State is not (RoomState.Ready or RoomState.Occupied)) return Fail(SiteErrors.RoomNotReady);
        }
        var bed = r.Bed ?? NextFreeBed(r.Room, active);
        if (bed is null) return Fail(SiteErrors.StayBedTaken);
        if (bed < 1 || bed > r.Room.Capacity) return Fail(SiteErrors.StayBedRange);
        if (active.Any(s => s.Bed == bed)) return Fail(SiteErrors.StayBedTaken);
        return RuleResult<Stay>.Success(new Stay
        {
            CountyCode = r.Site.CountyCode,
            ScopeKey = r.Site.ScopeKey,
            OrderId = r.Order.OrderId,
            PersonId = r.Order.PersonId,
            SiteId = r.Site.Id,
            RoomId = r.Room.Id,
            OccupiedRoomId = r.Room.Id,
            Bed = bed.Value,
            HouseholdKey = r.HouseholdKey,
            AllocatedAt = r.At,
            AllocatedBy = r.By,
            LeaveOn = r.LeaveOn,
            Status = StayStatus.Allocated,
            CreatedAt = r.At,
            UpdatedAt = r.At,
        });
    }

    /// <summary>The lowest bed of the room no active stay holds, or null when every bed is taken.</summary>
    public static int? NextFreeBed(Room room, IEnumerable<Stay> roomStays)
    {
        var taken = roomStays.Where(s => s.Active && s.RoomId == room.Id).Select(s => s.Bed).ToHashSet();
        for (var bed = 1; bed <= room.Capacity; bed++)
            if (!taken.Contains(bed)) return bed;
        return null;
    }

    /// <summary>
    /// Checks an allocated person in. A ready room becomes occupied (the event is returned); a family room already
    /// occupied by the person's own household takes them without a room event (null). Anything else: the stay must
    /// be allocated ("stay.not-allocated"), to this room ("stay.wrong-room"), and the room ready ("room.not-ready")
    /// or occupied only by the same household ("room.other-household").
    /// </summary>
    public static RuleResult<RoomEvent> CheckIn(Stay stay, Room room, IReadOnlyCollection<Stay> roomStays, DateTime at, string by)
    {
        if (stay.Status != StayStatus.Allocated) return RuleResult<RoomEvent>.Fail(SiteErrors.StayNotAllocated);
        if (stay.RoomId != room.Id) return RuleResult<RoomEvent>.Fail(SiteErrors.StayWrongRoom);
        RoomEvent? moved = null;
        if (room.State == RoomState.Occupied)
        {
            var others = roomStays.Where(s => s.Status == StayStatus.CheckedIn && s.RoomId == room.Id && !Same(s, stay)).ToList();
            if (!room.FamilyRoom || others.Count == 0) return RuleResult<RoomEvent>.Fail(SiteErrors.RoomNotReady);
            if (stay.HouseholdKey is null || others.Any(s => s.HouseholdKey != stay.HouseholdKey))
                return RuleResult<RoomEvent>.Fail(SiteErrors.RoomOtherHousehold);
        }
        else if (room.State != RoomState.Ready) return RuleResult<RoomEvent>.Fail(SiteErrors.RoomNotReady);
        else moved = RoomRules.Move(room, RoomState.Occupied, by, at, null, stay.Id);
        stay.Status = StayStatus.CheckedIn;
        stay.CheckedInAt = at;
        stay.UpdatedAt = at;
        return RuleResult<RoomEvent>.Success(moved);
    }

    /// <summary>
    /// Checks a person out of a room with how the stay ended (released, converted to a home measure, transferred to
    /// hospital). "room.empty" when the room holds no active stay (nothing to check out), "stay.wrong-room" when the
    /// stay is another room's, "stay.not-checked-in" when the person never checked in (cancel instead). The stay
    /// lets go of its room and bed; the room goes to awaiting disinfection when nobody else is in it or expected
    /// (the event is returned), and stays occupied while other members of the household remain (null).
    /// </summary>
    public static RuleResult<RoomEvent> CheckOut(Room room, Stay? stay, IReadOnlyCollection<Stay> roomStays, StayOutcome outcome, DateTime at, string by,
        DateOnly today, bool orderInForce)
    {
        var active = roomStays.Where(s => s.Active && s.RoomId == room.Id).ToList();
        if (stay is null || (active.Count == 0 && !stay.Active)) return RuleResult<RoomEvent>.Fail(SiteErrors.RoomEmpty);
        if (stay.RoomId != room.Id) return RuleResult<RoomEvent>.Fail(SiteErrors.StayWrongRoom);
        if (stay.Status != StayStatus.CheckedIn) return RuleResult<RoomEvent>.Fail(SiteErrors.StayNotCheckedIn);
        if (outcome is not (StayOutcome.Released or StayOutcome.ConvertedToHome or StayOutcome.TransferredToHospital))
            return RuleResult<RoomEvent>.Fail(SiteErrors.StayOutcomeInvalid);
        if (room.State != RoomState.Occupied) return RuleResult<RoomEvent>.Fail(SiteErrors.RoomTransitionNotAllowed);
        // Before the last day of the site phase a person leaves only for hospital, or once the order itself was
        // released or cancelled by a decision; going home to the next measure waits for the leave day.
        if (stay.LeaveOn is { } leave && today < leave)
        {
            if (outcome == StayOutcome.ConvertedToHome) return RuleResult<RoomEvent>.Fail(SiteErrors.StayBeforeLeaveDay);
            if (outcome == StayOutcome.Released && orderInForce) return RuleResult<RoomEvent>.Fail(SiteErrors.StayOrderInForce);
        }
        stay.Status = StayStatus.CheckedOut;
        stay.CheckedOutAt = at;
        stay.Outcome = outcome;
        stay.OccupiedRoomId = null;
        stay.UpdatedAt = at;
        var remaining = active.Count(s => !Same(s, stay));
        return RuleResult<RoomEvent>.Success(remaining > 0 ? null : RoomRules.Move(room, RoomState.AwaitingDisinfection, by, at, null, stay.Id));
    }

    /// <summary>
    /// Withdraws an allocation before the person arrives, with a reason: the bed is free again and the room, never
    /// used by this stay, stays as it is. A checked-in stay is checked out, not cancelled.
    /// </summary>
    public static string? Cancel(Stay stay, string? reason, DateTime at)
    {
        if (stay.Status != StayStatus.Allocated) return SiteErrors.StayNotAllocated;
        var why = Text.Tidy(reason);
        if (why is null) return SiteErrors.StayReasonRequired;
        stay.Status = StayStatus.Cancelled;
        stay.Outcome = StayOutcome.Cancelled;
        stay.CancelReason = why.Length > MaxReasonLength ? why[..MaxReasonLength] : why;
        stay.OccupiedRoomId = null;
        stay.UpdatedAt = at;
        return null;
    }

    /// <summary>
    /// The site phase of an order, read from its measures (never from a fixed "7+3"): the consecutive measures
    /// carried out at a site (<see cref="MeasureKinds.AtSite"/>), in sequence. With <paramref name="on"/>, the phase
    /// in force on that date or the next one after it; without, the first. The person leaves the site the day after
    /// its last day, which is the day the next measure starts when it follows at once; that measure is the one
    /// returned (home health monitoring under "7+3"). Null when the order has no site phase (left).
    /// </summary>
    public static SitePhase? SitePhaseOf(IEnumerable<OrderMeasure> measures, DateOnly? on = null)
    {
        var ordered = measures.OrderBy(m => m.Sequence).ThenBy(m => m.From).ToList();
        for (var i = 0; i < ordered.Count; i++)
        {
            if (!MeasureKinds.AtSite(ordered[i].Kind)) continue;
            var first = ordered[i].From;
            var last = ordered[i].To;
            var j = i + 1;
            // Two site measures back to back (an extension written as its own measure) are one stay at the site.
            while (j < ordered.Count && MeasureKinds.AtSite(ordered[j].Kind) && ordered[j].From <= last.AddDays(1))
            {
                if (ordered[j].To > last) last = ordered[j].To;
                j++;
            }
            if (on is { } date && last < date)
            {
                i = j - 1;
                continue;
            }
            var next = j < ordered.Count && ordered[j].From == last.AddDays(1) ? ordered[j] : null;
            return new SitePhase(first, last, last.AddDays(1), next?.Kind, next?.From, next?.To);
        }
        return null;
    }

    /// <summary>The site phase of an order (see <see cref="SitePhaseOf(IEnumerable{OrderMeasure}, DateOnly?)"/>).</summary>
    public static SitePhase? SitePhaseOf(ControlOrder order, DateOnly? on = null) => SitePhaseOf(order.Measures, on);

    private static RuleResult<Stay> Fail(string code) => RuleResult<Stay>.Fail(code);

    /// <summary>The same stay: the same object, or the same saved row (unsaved stays all have id 0).</summary>
    private static bool Same(Stay a, Stay b) => ReferenceEquals(a, b) || (a.Id != 0 && a.Id == b.Id);
}
