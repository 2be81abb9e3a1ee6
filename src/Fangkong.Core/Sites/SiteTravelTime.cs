using Fangkong.Core.Jurisdictions;
using Fangkong.Core.People;

namespace Fangkong.Core.Sites;

/// <summary>
/// How long the closed-loop vehicle takes by road from a township of the county to a site (转运车程), in whole minutes,
/// as the county measures it. The division data has no coordinates, and a county reasons in travel time anyway (a
/// site across a river bridge can be nearer in minutes than one at the far end of the person's own mountain township),
/// so allocation ranks sites by these minutes where they are entered (<see cref="AllocationRules"/>). The row carries
/// the site's scope: whoever sees and edits the site sees and edits its times.
/// </summary>
public sealed class SiteTravelTime : IJurisdictionOwned
{
    public long Id { get; set; }
    public string CountyCode { get; set; } = "";
    /// <summary>The site's scope key (not the township's): the times belong to the site.</summary>
    public string ScopeKey { get; set; } = "";
    public long SiteId { get; set; }
    /// <summary>The township people set out from, by its 9-digit key (the first 9 digits of its official code).</summary>
    public string TownshipKey { get; set; } = "";
    public int Minutes { get; set; }
    public DateTime UpdatedAt { get; set; }
}

/// <summary>One line of a site's travel-time table as typed: a township's key and its minutes (none: no time known).</summary>
public sealed record TravelTimeEntry(string? Township, int? Minutes);

/// <summary>What saving a site's travel-time table changes: times added, times changed (old → new), townships whose time is removed.</summary>
public sealed record TravelTimeChanges(
    IReadOnlyDictionary<string, int> Added,
    IReadOnlyDictionary<string, (int From, int To)> Changed,
    IReadOnlyList<string> Removed)
{
    public bool IsEmpty => Added.Count == 0 && Changed.Count == 0 && Removed.Count == 0;
}

/// <summary>The rules of a site's travel-time table.</summary>
public static class TravelTimeRules
{
    /// <summary>A trip of ten hours is no longer a transfer inside a county; a zero is a slip of the finger, not a time.</summary>
    public const int MinMinutes = 1, MaxMinutes = 600;

    /// <summary>
    /// Minutes as typed into a form ("25", " 25 ", "２５"): the whole number, null for an empty box (no time known), or
    /// <see cref="SiteErrors.TravelMinutesWhole"/> for anything else ("25.5", "半小时").
    /// </summary>
    public static int? ParseMinutes(string? text, out string? error)
    {
        error = null;
        var compact = Text.Compact(text);
        if (compact.Length == 0) return null;
        if (compact.Length <= 4 && int.TryParse(compact, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var minutes))
            return minutes;
        error = SiteErrors.TravelMinutesWhole;
        return null;
    }

    /// <summary>
    /// A site's whole table as it should be after the save: each township of the county at most once, with whole
    /// minutes in 1–600; an entry without minutes (or a township left out) has no time. Every bad entry is a field
    /// error whose field is the township's key as sent, so a form marks the township's own box.
    /// </summary>
    /// <param name="townships">The 9-digit keys of the county's townships.</param>
    public static (IReadOnlyDictionary<string, int> Times, IReadOnlyList<FieldError> Errors) Validate(IEnumerable<TravelTimeEntry> entries, IReadOnlySet<string> townships)
    {
        var times = new Dictionary<string, int>(StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var errors = new List<FieldError>();
        foreach (var entry in entries)
        {
            var key = Text.Compact(entry.Township);
            if (key.Length != ScopeKey.TownshipLength || !townships.Contains(key))
            {
                errors.Add(new FieldError(key.Length == 0 ? "township" : key, SiteErrors.TravelTownshipUnknown));
                continue;
            }
            if (!seen.Add(key))
            {
                errors.Add(new FieldError(key, SiteErrors.TravelTownshipTwice));
                continue;
            }
            if (entry.Minutes is not { } minutes) continue;
            if (minutes is < MinMinutes or > MaxMinutes) errors.Add(new FieldError(key, SiteErrors.TravelMinutesRange));
            else times[key] = minutes;
        }
        return (times, errors);
    }

    /// <summary>What turns the table on record into the table wanted (keys in order, so the audit reads the same every time).</summary>
    public static TravelTimeChanges Diff(IReadOnlyDictionary<string, int> current, IReadOnlyDictionary<string, int> wanted)
    {
        var added = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var changed = new SortedDictionary<string, (int, int)>(StringComparer.Ordinal);
        foreach (var (township, minutes) in wanted)
        {
            if (!current.TryGetValue(township, out var before)) added[township] = minutes;
            else if (before != minutes) changed[township] = (before, minutes);
        }
        var removed = current.Keys.Where(t => !wanted.ContainsKey(t)).Order(StringComparer.Ordinal).ToList();
        return new TravelTimeChanges(added, changed, removed);
    }
}
