using Fangkong.Core.Policy;

namespace Fangkong.Core.Arrivals;

/// <summary>What is known about an arrival that the rules care about.</summary>
public sealed record ArrivalFacts(
    DateOnly ArrivalDate,
    string? OriginCountyCode,
    string? OriginPlace,
    bool Inbound,
    IReadOnlyList<TravelStop> Stops,
    string? HealthCode = null,
    bool TravelCardStar = false);

/// <summary>A reason the rules may act on, with its exposure date (day 1) and what raised it.</summary>
public sealed record FoundReason(string Reason, DateOnly Exposure, string Detail);

/// <summary>
/// The outcome of classifying an arrival: every reason found, and the order the strictest of them asks for (null,
/// or an evaluation without measures, means a release).
/// </summary>
public sealed record ArrivalClassification(RulePack Pack, IReadOnlyList<FoundReason> Found, FoundReason? Applied, PolicyEvaluation? Order)
{
    public bool ProposesOrder => Order is { Managed: true };
    public string Note => Found.Count == 0 ? "" : string.Join("; ", Found.Select(f => $"{f.Reason} {f.Exposure:yyyy-MM-dd} {f.Detail}"));
}

/// <summary>
/// Classifies an arrival against the risk-area list and the rule pack in force on the arrival date. Pure and
/// allocation-light: the county command centre classifies a day's arrivals (or a province's) in one pass.
/// </summary>
public sealed class ArrivalClassifier(RulePackSet rules, RiskAreaIndex areas, Func<string, string?> countyName)
{
    public RulePackSet Rules => rules;
    public RiskAreaIndex Areas => areas;

    public ArrivalClassification Classify(ArrivalFacts facts)
    {
        var arrival = facts.ArrivalDate;
        var pack = rules.PackFor(arrival);
        // Stays whose measures would still run on the arrival date: day 1 (leaving) no earlier than look-back − 1 days before.
        var windowFrom = arrival.AddDays(-(pack.LookBackDays - 1));
        var found = new List<FoundReason>();
        var hits = new List<RiskHit>();

        var originCovered = false;
        foreach (var stop in facts.Stops)
        {
            if (stop.CountyCode == facts.OriginCountyCode) originCovered = true;
            CheckStay(stop.CountyCode, stop.Place, stop.From, stop.To);
        }
        if (!originCovered && facts.OriginCountyCode is { Length: 6 } origin)
            CheckStay(origin, facts.OriginPlace, windowFrom, arrival);

        if (facts.Inbound) found.Add(new FoundReason(Reasons.Inbound, arrival, "inbound"));
        switch (facts.HealthCode?.Trim().ToLowerInvariant())
        {
            case "red": found.Add(new FoundReason(Reasons.RedCode, arrival, "health code red")); break;
            case "yellow": found.Add(new FoundReason(Reasons.YellowCode, arrival, "health code yellow")); break;
        }
        if (facts.TravelCardStar) found.Add(new FoundReason(Reasons.StarTravelCard, arrival, "travel card star"));

        FoundReason? applied = null;
        PolicyEvaluation? order = null;
        foreach (var reason in found)
        {
            var evaluation = rules.Evaluate(reason.Reason, reason.Exposure, arrival);
            if (!evaluation.Managed || evaluation.End < arrival) continue;
            if (order is null || evaluation.IsStricterThan(order)) (applied, order) = (reason, evaluation);
        }
        return new ArrivalClassification(pack, found, applied, order);

        void CheckStay(string county, string? place, DateOnly stayFrom, DateOnly stayTo)
        {
            var from = stayFrom < windowFrom ? windowFrom : stayFrom;
            var to = stayTo > arrival ? arrival : stayTo;
            if (from > to) return;
            var name = countyName(county);
            hits.Clear();
            areas.Match(county, RiskAreaIndex.PlaceKey(place, name), from, to, hits);
            var inListedArea = false;
            foreach (var hit in hits)
            {
                var a = hit.Area;
                var detail = $"{name ?? county} {a.Place} [{a.DesignatedOn:yyyy-MM-dd}–{a.LiftedOn?.ToString("yyyy-MM-dd") ?? ""}]";
                if (a.Level >= RiskLevel.Medium) inListedArea = true;
                found.Add(new FoundReason(ReasonOf(a.Level), hit.LastDayInArea, detail));
                if (a.LocalReason is { Length: > 0 } local) found.Add(new FoundReason(local, hit.LastDayInArea, detail));
            }
            // The rest of a county with a medium- or high-risk area is low-risk (9th edition 1.1).
            if (!inListedArea && areas.ActiveIn(county, from, to).Any(a => a.Level >= RiskLevel.Medium))
                found.Add(new FoundReason(Reasons.LowRiskArea, to, $"{name ?? county} (county with risk areas{(string.IsNullOrWhiteSpace(place) ? "; place not given" : "")})"));
        }
    }

    private static string ReasonOf(RiskLevel level) => level switch
    {
        RiskLevel.High => Reasons.HighRiskArea,
        RiskLevel.Medium => Reasons.MediumRiskArea,
        _ => Reasons.LowRiskArea,
    };
}
