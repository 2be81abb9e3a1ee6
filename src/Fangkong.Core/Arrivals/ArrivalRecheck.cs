using Fangkong.Core.Policy;

namespace Fangkong.Core.Arrivals;

/// <summary>What a recent arrival needs when the risk-area list (or the rules) changed after it was classified.</summary>
public enum RecheckOutcome
{
    /// <summary>Nothing: the arrival's decision stands.</summary>
    None = 0,
    /// <summary>It was released (or a release proposed) and now needs a measure: an order is proposed to the township.</summary>
    ProposeOrder = 1,
    /// <summary>Its proposed order is made stricter in place (same order, same owners), still for the township to confirm.</summary>
    MakeProposalStricter = 2,
    /// <summary>
    /// Its order is already confirmed but the list now asks for more: a confirmed order is never changed behind the
    /// township's back, so the arrival is flagged and the township told.
    /// </summary>
    FlagConfirmed = 3,
}

/// <summary>
/// A place is often listed as a risk area days after people have left it, and after they registered here: classified
/// on the list of that day, they were released. When the list or the rules change, the closed loop classifies the
/// county's recent arrivals again on the stays they declared, so nobody stays released who now needs a measure.
/// </summary>
public static class ArrivalRecheck
{
    /// <summary>
    /// How far back arrivals are checked again, in days: the longest look-back window a pack has (the 8th edition's 14
    /// days). An arrival older than that is past every measure a new listing could give it.
    /// </summary>
    public const int WindowDays = 14;

    /// <summary>The statuses a new listing can change: decided or proposed ones (not cancelled, not waiting for staff).</summary>
    public static IReadOnlyList<ArrivalStatus> Statuses { get; } =
        [ArrivalStatus.ReleaseProposed, ArrivalStatus.Released, ArrivalStatus.OrderProposed, ArrivalStatus.OrderConfirmed];

    public static bool Candidate(ArrivalStatus status) => Statuses.Contains(status);

    /// <param name="fresh">The classification on today's list and rules.</param>
    /// <param name="standing">The evaluation behind the arrival's proposed or confirmed order (null when it has none).</param>
    public static RecheckOutcome Decide(ArrivalStatus status, PolicyEvaluation? fresh, PolicyEvaluation? standing, DateOnly today)
    {
        // A measure that would already be over asks nothing of anyone.
        if (!Candidate(status) || fresh is not { Managed: true } || fresh.End < today) return RecheckOutcome.None;
        return status switch
        {
            ArrivalStatus.ReleaseProposed or ArrivalStatus.Released => RecheckOutcome.ProposeOrder,
            ArrivalStatus.OrderProposed when standing is null => RecheckOutcome.ProposeOrder,
            ArrivalStatus.OrderProposed when ArrivalMerge.Replaces(fresh, standing) => RecheckOutcome.MakeProposalStricter,
            ArrivalStatus.OrderConfirmed when ArrivalMerge.Replaces(fresh, standing) => RecheckOutcome.FlagConfirmed,
            _ => RecheckOutcome.None,
        };
    }
}
