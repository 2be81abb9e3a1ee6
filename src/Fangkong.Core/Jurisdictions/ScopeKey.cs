namespace Fangkong.Core.Jurisdictions;

/// <summary>
/// A node's scope key is a string of digits whose prefixes are the keys of its ancestors, so "is X inside the
/// subtree of Y" is "X starts with Y", answered on an index as the range [Y, Successor(Y)).
/// <list type="table">
/// <item>prefecture: 4 digits (4113)</item>
/// <item>county: 6 digits, the GB/T 2260 code (411326)</item>
/// <item>township: 9 digits, the first 9 of the NBS code (411326101)</item>
/// <item>village or community: 12 digits, the NBS code (411326101200)</item>
/// <item>grid: village + 3 digits (001–999)</item>
/// <item>building: grid + 3 digits (001–999; 000 = no building)</item>
/// <item>unit: building + 2 digits (01–99; 00 = no unit)</item>
/// <item>household: unit + 4 digits (0001–9999)</item>
/// </list>
/// A household directly under a grid is grid + "000" + "00" + number; directly under a village, "000" stands for
/// the grid too. Keys hold only the digits 0–9, so they order the same under every database collation.
/// </summary>
public static class ScopeKey
{
    public const int CountyLength = 6, TownshipLength = 9, VillageLength = 12, GridLength = 15,
        BuildingLength = 18, UnitLength = 20, HouseholdLength = 24;

    public static int LengthOf(JurisdictionLevel level) => level switch
    {
        JurisdictionLevel.Prefecture => 4,
        JurisdictionLevel.County => CountyLength,
        JurisdictionLevel.Township => TownshipLength,
        JurisdictionLevel.Village => VillageLength,
        JurisdictionLevel.Grid => GridLength,
        JurisdictionLevel.Building => BuildingLength,
        JurisdictionLevel.Unit => UnitLength,
        JurisdictionLevel.Household => HouseholdLength,
        _ => throw new ArgumentOutOfRangeException(nameof(level)),
    };

    /// <summary>Width of the segment a level adds to its parent's key.</summary>
    public static int SegmentWidth(JurisdictionLevel level) => level switch
    {
        JurisdictionLevel.Grid => 3,
        JurisdictionLevel.Building => 3,
        JurisdictionLevel.Unit => 2,
        JurisdictionLevel.Household => 4,
        _ => throw new ArgumentOutOfRangeException(nameof(level), "official levels take their NBS code"),
    };

    /// <summary>The scope key of an official division from its 6-, 9- or 12-digit code.</summary>
    public static string FromDivisionCode(string code, JurisdictionLevel level) => level switch
    {
        JurisdictionLevel.County => code[..6],
        JurisdictionLevel.Township => code[..9],
        JurisdictionLevel.Village => code[..12],
        JurisdictionLevel.Prefecture => code[..4],
        _ => throw new ArgumentOutOfRangeException(nameof(level)),
    };

    /// <summary>
    /// The key of a child below a village: pads the parent down to the level just above the child with the
    /// "none" segments, then appends the child's number.
    /// </summary>
    public static string Child(string parentKey, JurisdictionLevel childLevel, int number)
    {
        var width = SegmentWidth(childLevel);
        var max = (int)Math.Pow(10, width) - 1;
        if (number < 1 || number > max) throw new ArgumentOutOfRangeException(nameof(number), $"1..{max}");
        var prefixLength = LengthOf(childLevel) - width;
        if (parentKey.Length > prefixLength || parentKey.Length < VillageLength)
            throw new ArgumentException($"a {childLevel} cannot sit under the node {parentKey}", nameof(parentKey));
        return parentKey.PadRight(prefixLength, '0') + number.ToString("D" + width, System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// The key length of the units one level below a viewer, for figures "by unit": a county's townships, a township's
    /// (or any lower node's) villages.
    /// </summary>
    public static int UnitLengthBelow(string scope) => scope.Length < TownshipLength ? TownshipLength : VillageLength;

    /// <summary>True when <paramref name="key"/> is <paramref name="scope"/> or inside its subtree.</summary>
    public static bool Contains(string scope, string key) => key.StartsWith(scope, StringComparison.Ordinal);

    /// <summary>
    /// The smallest digit string greater than every string that starts with <paramref name="prefix"/>
    /// ("411326101" → "411326102", "4113269" → "411327"); null when no such bound exists ("999").
    /// </summary>
    public static string? Successor(string prefix)
    {
        var chars = prefix.ToCharArray();
        for (var i = chars.Length - 1; i >= 0; i--)
        {
            if (chars[i] < '9') { chars[i]++; return new string(chars, 0, i + 1); }
        }
        return null;
    }

    /// <summary>
    /// The keys under a place chosen in a list's filter (a scope key, digits only): [Lower, Upper) for a range condition on
    /// a row's scope key, inside the viewer's own scope filter; null when the text is empty or no scope key.
    /// </summary>
    public static (string Lower, string Upper)? RangeOf(string? place)
    {
        var key = place?.Trim();
        if (string.IsNullOrEmpty(key) || !key.All(char.IsAsciiDigit)) return null;
        return (key, Successor(key) ?? "~");
    }

    /// <summary>The keys of every ancestor at an official level, from the county down (for breadcrumbs).</summary>
    public static IEnumerable<string> OfficialAncestors(string key)
    {
        foreach (var length in new[] { CountyLength, TownshipLength, VillageLength })
            if (key.Length > length) yield return key[..length];
    }

    /// <summary>The 12-digit official code of a township or village key.</summary>
    public static string OfficialCode(string key) => key.Length switch
    {
        CountyLength => key,
        TownshipLength => key + "000",
        _ => key[..Math.Min(key.Length, VillageLength)],
    };
}
