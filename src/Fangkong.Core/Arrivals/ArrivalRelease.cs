namespace Fangkong.Core.Arrivals;

/// <summary>
/// Why an arrival proposed or confirmed as a release carries no control order, from what its classification stored:
/// the rule pack it was classified under (its rule reference "cn-9th#release") and the reason found, if any. No reason:
/// no stay was in a listed place (not managed at all); a reason: the pack in force does not order a measure for it.
/// </summary>
public sealed record ReleaseBasis(string PackId, string? Reason)
{
    public bool NotListed => Reason is null;

    /// <summary>The basis of a release, or null when the arrival is not a release (or was not classified).</summary>
    public static ReleaseBasis? Of(ArrivalStatus status, string? ruleReference, string? reasons)
    {
        if (status is not (ArrivalStatus.ReleaseProposed or ArrivalStatus.Released)) return null;
        if (ruleReference is null || !ruleReference.EndsWith("#release", StringComparison.Ordinal)) return null;
        var pack = ruleReference[..^"#release".Length];
        if (pack.Length == 0) return null;
        var reason = reasons?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault();
        return new ReleaseBasis(pack, reason);
    }
}
