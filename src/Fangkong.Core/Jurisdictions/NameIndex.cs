using System.Collections.Frozen;

namespace Fangkong.Core.Jurisdictions;

/// <summary>Whether an index key is a division's full official name or a shortened form of it.</summary>
internal enum NameForm : byte
{
    Full,
    Short,
}

/// <summary>One name under which a division can be found: the key, the division's index in its table, the form.</summary>
internal readonly record struct NameEntry(string Key, int Target, NameForm Form);

/// <summary>
/// Finds every known name that a piece of text starts with. Keys are bucketed by their first character and each
/// bucket is sorted longest first, so a caller reads the longest match first (马家沟 before 马家) and can stop at
/// the first one it accepts. A bucket holds a handful of keys, so a lookup is a dictionary probe and a few
/// ordinal prefix comparisons, with no allocation: this runs for every address of an import.
/// </summary>
internal sealed class NameIndex
{
    private readonly FrozenDictionary<char, NameEntry[]> buckets;

    public NameIndex(IEnumerable<NameEntry> entries)
    {
        buckets = entries
            .Where(e => e.Key.Length > 0)
            .DistinctBy(e => (e.Key, e.Target))
            .GroupBy(e => e.Key[0])
            .ToFrozenDictionary(
                g => g.Key,
                g => g.OrderByDescending(e => e.Key.Length)
                    .ThenBy(e => e.Key, StringComparer.Ordinal)
                    .ThenBy(e => e.Target)
                    .ToArray());
    }

    /// <summary>All entries, in no particular order (for searches that scan every name).</summary>
    public IEnumerable<NameEntry> All => buckets.Values.SelectMany(b => b);

    /// <summary>The entries that could match <paramref name="text"/>: those sharing its first character, longest first.</summary>
    public ReadOnlySpan<NameEntry> CandidatesFor(ReadOnlySpan<char> text) =>
        text.IsEmpty || !buckets.TryGetValue(text[0], out var bucket) ? default : bucket;
}
