using Fangkong.Core.Jurisdictions;
using Fangkong.Core.Policy;

namespace Fangkong.Core.Arrivals;

/// <summary>Marks on an arrival the township should look at (comma-separated in <see cref="Arrival.Flags"/>); never a refusal.</summary>
public static class ArrivalFlags
{
    /// <summary>The name typed differs from the name the registry holds for the same document number.</summary>
    public const string NameMismatch = "name-mismatch";
    /// <summary>A same-day resubmission declared something the arrival does not show; it is kept for review.</summary>
    public const string Resubmitted = "resubmitted-different";
    /// <summary>Classified again after the risk-area list or the rules changed: an order is now proposed, or made stricter.</summary>
    public const string Reclassified = "reclassified";
    /// <summary>Classified again after a change, and the list now asks more than the order the township already confirmed.</summary>
    public const string ReclassifiedConfirmed = "reclassified-confirmed";

    public static IReadOnlyList<string> All { get; } = [NameMismatch, Resubmitted, Reclassified, ReclassifiedConfirmed];

    public static bool Has(string? flags, string flag) => flags is not null && flags.Split(',').Contains(flag);

    public static string With(string? flags, string flag) => Has(flags, flag) ? flags! : string.IsNullOrEmpty(flags) ? flag : flags + "," + flag;
}

/// <summary>A same-day resubmission as it was sent, kept on the arrival for the township (nothing sent is lost).</summary>
public sealed record ArrivalResubmission(
    DateTime At,
    ArrivalChannel Channel,
    string Name,
    string? Phone,
    string Origin,
    bool Inbound,
    IReadOnlyList<TravelStop> Stops,
    long? DestinationNodeId,
    string? DestinationText,
    string? Vehicle,
    string? HealthCode,
    bool TravelCardStar);

/// <summary>
/// What a second registration of the same person the same day may do to the first (one arrival per person and day).
/// The rule: a resubmission never loosens a measure and never edits a decision.
/// <list type="bullet">
/// <item>Once the township has decided (order confirmed, released), the arrival is not changed; the submission is kept
/// for review and flagged when it declares anything the arrival does not show.</item>
/// <item>While pending, the risk facts are united — every stay and origin either submission declared, the stricter
/// health code, a star or inbound travel from either — and classified again; the standing proposal is replaced only by
/// a stricter one, never withdrawn. Identity, contact and destination are not rewritten (a blank vehicle may be filled);
/// what differs is kept for review and flagged.</item>
/// </list>
/// </summary>
public static class ArrivalMerge
{
    /// <summary>How many differing resubmissions an arrival keeps in full (every one is also in the audit trail).</summary>
    public const int MaxKept = 10;

    public static bool IsDecided(ArrivalStatus status) => status is ArrivalStatus.OrderConfirmed or ArrivalStatus.Released or ArrivalStatus.Cancelled;

    /// <summary>
    /// The facts a pending arrival is classified on after a resubmission: the kept origin stays the origin; the other
    /// submission's origin, when it names another county and no declared stay covers it, becomes a stay through the
    /// look-back window up to the arrival (what the classifier assumes of an origin); stays are united; the stricter
    /// health code; inbound travel and a star from either.
    /// </summary>
    public static ArrivalFacts Union(ArrivalFacts kept, ArrivalFacts resubmitted, int lookBackDays)
    {
        var stops = new List<TravelStop>(kept.Stops);
        foreach (var s in resubmitted.Stops) if (!stops.Contains(s)) stops.Add(s);
        if (resubmitted.OriginCountyCode is { Length: 6 } origin
            && !(origin == kept.OriginCountyCode && resubmitted.OriginPlace == kept.OriginPlace)
            && !stops.Any(s => s.CountyCode == origin))
            stops.Add(new TravelStop(origin, resubmitted.OriginPlace, kept.ArrivalDate.AddDays(-(lookBackDays - 1)), kept.ArrivalDate));
        return kept with
        {
            Stops = stops,
            Inbound = kept.Inbound || resubmitted.Inbound,
            HealthCode = StricterHealthCode(kept.HealthCode, resubmitted.HealthCode),
            TravelCardStar = kept.TravelCardStar || resubmitted.TravelCardStar,
        };
    }

    /// <summary>Whether a new classification replaces the standing proposal: only a measure stricter than the standing one (or a measure where a release was proposed).</summary>
    public static bool Replaces(PolicyEvaluation? united, PolicyEvaluation? standing) =>
        united is { Managed: true } && (standing is not { Managed: true } || united.IsStricterThan(standing));

    /// <summary>red over yellow over green over nothing.</summary>
    public static string? StricterHealthCode(string? a, string? b) => Rank(a) >= Rank(b) ? a : b;

    private static int Rank(string? code) => code switch { "red" => 3, "yellow" => 2, "green" => 1, _ => 0 };

    /// <summary>
    /// Where an arrival's order sits: where the person will live. Their registered home when it lies inside the
    /// arrival's destination (they are going home), otherwise the destination itself — so the order is always in the
    /// township the arrival is scoped to, and that township decides both.
    /// </summary>
    public static string OrderScope(string personScope, string arrivalScope) =>
        ScopeKey.Contains(arrivalScope, personScope) ? personScope : arrivalScope;

    /// <summary>Whether a typed name is not the registered one (spaces and case aside).</summary>
    public static bool NamesDiffer(string registered, string typed) =>
        !string.Equals(Squeeze(registered), Squeeze(typed), StringComparison.OrdinalIgnoreCase);

    private static string Squeeze(string s) => string.Concat(s.Where(c => !char.IsWhiteSpace(c)));
}
