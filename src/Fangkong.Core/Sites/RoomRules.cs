namespace Fangkong.Core.Sites;

/// <summary>One turnover of a room: from a check-out to the next time the room was ready (null while still running).</summary>
public sealed record RoomTurnover(long SiteId, long RoomId, DateTime CheckedOutAt, DateTime? ReadyAt)
{
    public TimeSpan? Duration => ReadyAt - CheckedOutAt;
    public bool Completed => ReadyAt is not null;
}

/// <summary>A site's turnover figures: completed turnovers summed up, and how many rooms are in turnover now.</summary>
public sealed record TurnoverSummary(DurationSummary Completed, int InProgress);

/// <summary>
/// The room state machine and the turnover arithmetic, in plain C#. The caller saves the room with the event in one
/// transaction and bumps the room's <see cref="Room.Version"/>, so two people moving the same room conflict.
/// </summary>
public static class RoomRules
{
    public const int MaxReasonLength = 200;

    /// <summary>
    /// The transitions of the turnover cycle. Ready → occupied happens only by a check-in and occupied → awaiting
    /// disinfection only by a check-out (<see cref="StayRules"/>); every state but occupied may go out of service,
    /// and a room comes back into service only through terminal disinfection: whoever worked in it (a repair, a room
    /// taken out half-way through its turnover) may have left it unclean, and "out of service" must never be a way to
    /// skip the turnover of a room someone just left.
    /// </summary>
    public static bool Allowed(RoomState from, RoomState to) => (from, to) switch
    {
        (RoomState.Ready, RoomState.Occupied) => true,
        (RoomState.Occupied, RoomState.AwaitingDisinfection) => true,
        (RoomState.AwaitingDisinfection, RoomState.Disinfected) => true,
        (RoomState.Disinfected, RoomState.SuppliesReplaced) => true,
        (RoomState.SuppliesReplaced, RoomState.Ready) => true,
        (RoomState.OutOfService, RoomState.AwaitingDisinfection) => true,
        (not RoomState.Occupied and not RoomState.OutOfService, RoomState.OutOfService) => true,
        _ => false,
    };

    /// <summary>
    /// Moves a room by hand (the turnover steps, out of service and back) and returns the event to append, or the
    /// error code: "room.check-in-required" / "room.check-out-required" for the two steps only a stay may take,
    /// "room.occupied" for anything else asked of an occupied room, "room.reason-required" for out of service
    /// without a reason, "room.transition-not-allowed" for the rest. A refused move leaves the room untouched.
    /// </summary>
    public static RuleResult<RoomEvent> Transition(Room room, RoomState to, string by, DateTime at, string? reason)
    {
        if (room.State == RoomState.Occupied)
            return RuleResult<RoomEvent>.Fail(to == RoomState.AwaitingDisinfection ? SiteErrors.RoomCheckOutRequired : SiteErrors.RoomOccupied);
        if (!Allowed(room.State, to)) return RuleResult<RoomEvent>.Fail(SiteErrors.RoomTransitionNotAllowed);
        if (to == RoomState.Occupied) return RuleResult<RoomEvent>.Fail(SiteErrors.RoomCheckInRequired);
        var why = Tidy(reason);
        if (to == RoomState.OutOfService && why is null) return RuleResult<RoomEvent>.Fail(SiteErrors.RoomReasonRequired);
        return RuleResult<RoomEvent>.Success(Move(room, to, by, at, why, null));
    }

    /// <summary>
    /// Applies an allowed transition (the check-in and check-out paths come here after their own checks): sets the
    /// state, who and when, the out-of-service reason (cleared on the way back), the check-out time on a check-out.
    /// </summary>
    internal static RoomEvent Move(Room room, RoomState to, string by, DateTime at, string? reason, long? stayId)
    {
        var from = room.State;
        room.State = to;
        room.StateChangedAt = at;
        room.StateChangedBy = by;
        room.OutOfServiceReason = to == RoomState.OutOfService ? reason : null;
        if (from == RoomState.Occupied && to == RoomState.AwaitingDisinfection) room.LastCheckOutAt = at;
        room.UpdatedAt = at;
        return new RoomEvent
        {
            CountyCode = room.CountyCode,
            ScopeKey = room.ScopeKey,
            SiteId = room.SiteId,
            RoomId = room.Id,
            From = from,
            To = to,
            At = at,
            By = by,
            Reason = reason,
            StayId = stayId,
        };
    }

    private static string? Tidy(string? reason)
    {
        var why = Text.Tidy(reason);
        return why is { Length: > MaxReasonLength } ? why[..MaxReasonLength] : why;
    }

    /// <summary>
    /// The turnovers in a room history: each starts at a check-out (occupied → awaiting disinfection) and ends at
    /// the next time the room is ready, whatever happened between (time out of service counts: the room could not
    /// be used). A turnover with no ready yet is in progress. Events may come in any order and from many rooms;
    /// they are read per room in time order (then by id, for events at the same instant).
    /// </summary>
    public static IReadOnlyList<RoomTurnover> Turnovers(IEnumerable<RoomEvent> events)
    {
        var result = new List<RoomTurnover>();
        foreach (var room in events.GroupBy(e => e.RoomId).OrderBy(g => g.Key))
        {
            RoomEvent? checkOut = null;
            foreach (var e in room.OrderBy(e => e.At).ThenBy(e => e.Id))
            {
                if (e.From == RoomState.Occupied && e.To == RoomState.AwaitingDisinfection)
                {
                    // A second check-out before any ready means the history has a gap: the first turnover is unknown.
                    checkOut = e;
                }
                else if (e.To == RoomState.Ready && checkOut is not null)
                {
                    result.Add(new RoomTurnover(checkOut.SiteId, checkOut.RoomId, checkOut.At, e.At));
                    checkOut = null;
                }
            }
            if (checkOut is not null) result.Add(new RoomTurnover(checkOut.SiteId, checkOut.RoomId, checkOut.At, null));
        }
        return result;
    }

    /// <summary>Per room: the completed turnover durations, in time order.</summary>
    public static IReadOnlyDictionary<long, IReadOnlyList<TimeSpan>> TurnoversByRoom(IEnumerable<RoomEvent> events) =>
        Turnovers(events)
            .Where(t => t.Completed)
            .GroupBy(t => t.RoomId)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<TimeSpan>)g.OrderBy(t => t.CheckedOutAt).Select(t => t.Duration!.Value).ToList());

    /// <summary>A site's turnover summary (count, median, p90, max of the completed ones) from its rooms' history.</summary>
    public static TurnoverSummary Summarize(IEnumerable<RoomEvent> events)
    {
        var turnovers = Turnovers(events);
        return new TurnoverSummary(
            DurationSummary.Of(turnovers.Where(t => t.Completed).Select(t => t.Duration!.Value)),
            turnovers.Count(t => !t.Completed));
    }
}
