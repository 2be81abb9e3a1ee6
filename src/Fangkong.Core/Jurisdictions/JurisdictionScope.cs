namespace Fangkong.Core.Jurisdictions;

/// <summary>Rows that belong to a node of the jurisdiction tree: visible only inside that node's subtree.</summary>
public interface IJurisdictionOwned
{
    string CountyCode { get; }
    string ScopeKey { get; }
}

/// <summary>Rows shared by a whole county (category lists, settings): visible to every account of that county.</summary>
public interface ICountyOwned
{
    string CountyCode { get; }
}

/// <summary>
/// What an actor may see: one subtree of one county, or everything (the system itself: migrations, seeding,
/// county-wide jobs). <see cref="None"/> sees nothing, so a forgotten scope fails closed.
/// </summary>
public sealed record JurisdictionScope
{
    private JurisdictionScope(bool all, string countyCode, string prefix)
    {
        All = all;
        CountyCode = countyCode;
        Prefix = prefix;
        Lower = prefix;
        Upper = ScopeKey.Successor(prefix) ?? "~";
    }

    public bool All { get; }
    public string CountyCode { get; }
    /// <summary>The scope key of the node the actor is bound to.</summary>
    public string Prefix { get; }
    /// <summary>Inclusive lower bound of the key range (the prefix itself).</summary>
    public string Lower { get; }
    /// <summary>Exclusive upper bound of the key range.</summary>
    public string Upper { get; }

    public static JurisdictionScope System { get; } = new(true, "", "");

    /// <summary>Sees nothing: the key range is empty and no county matches.</summary>
    public static JurisdictionScope None { get; } = new(false, "\u0001", "\u0001");

    public static JurisdictionScope Of(string countyCode, string scopeKey)
    {
        if (countyCode.Length != 6 || !scopeKey.StartsWith(countyCode, StringComparison.Ordinal))
            throw new ArgumentException($"scope {scopeKey} is not inside county {countyCode}");
        return new(false, countyCode, scopeKey);
    }

    public bool Contains(string countyCode, string scopeKey) =>
        All || (countyCode == CountyCode && ScopeKeyContains(scopeKey));

    public bool ContainsCounty(string countyCode) => All || countyCode == CountyCode;

    private bool ScopeKeyContains(string key) => string.CompareOrdinal(key, Lower) >= 0 && string.CompareOrdinal(key, Upper) < 0;

    public override string ToString() => All ? "system" : $"{CountyCode}:{Prefix}";
}
