using Fangkong.Core.Jurisdictions;

namespace Fangkong.Core.Sites;

/// <summary>
/// Where a room stands in its turnover cycle: ready → occupied → awaiting terminal disinfection (终末消毒) →
/// disinfected → supplies replaced → ready. Out of service is outside the cycle. <see cref="RoomRules.Allowed"/>
/// holds the transitions.
/// </summary>
public enum RoomState
{
    /// <summary>Clean, supplied, empty: may be allocated.</summary>
    Ready = 0,
    /// <summary>Someone is checked in.</summary>
    Occupied = 1,
    /// <summary>Checked out; waiting for terminal disinfection.</summary>
    AwaitingDisinfection = 2,
    Disinfected = 3,
    /// <summary>New bedding and supplies in, medical waste out: one step from ready.</summary>
    SuppliesReplaced = 4,
    /// <summary>Not usable (repairs, a failed environment sample…), with the reason.</summary>
    OutOfService = 5,
}

/// <summary>
/// A room of a site with what allocation needs to know about it: single or not, own bathroom, accessible, a family
/// (carer) room with several beds, negative pressure. Scoped with its site's key so the room board is filtered on its
/// own rows.
/// </summary>
public sealed class Room : IJurisdictionOwned
{
    public long Id { get; set; }
    public string CountyCode { get; set; } = "";
    /// <summary>The site's scope key, copied so the row is scoped on its own.</summary>
    public string ScopeKey { get; set; } = "";
    public long SiteId { get; set; }
    /// <summary>The building ("1号楼", "A"), "" for a site with one building.</summary>
    public string Building { get; set; } = "";
    public int Floor { get; set; }
    /// <summary>The room number as written on the door ("301", "A-12").</summary>
    public string Number { get; set; } = "";
    /// <summary>A single room (单人间).</summary>
    public bool Single { get; set; }
    public bool OwnBathroom { get; set; }
    public bool Accessible { get; set; }
    /// <summary>A family or carer room (陪护房): one household shares it, up to <see cref="Beds"/> people.</summary>
    public bool FamilyRoom { get; set; }
    /// <summary>
    /// Beds in the room. Only a family room holds more than one person; any other room holds one person, whatever
    /// its beds (one person per room, 单人单间).
    /// </summary>
    public int Beds { get; set; } = 1;
    public bool NegativePressure { get; set; }
    public RoomState State { get; set; }
    public string? OutOfServiceReason { get; set; }
    public DateTime StateChangedAt { get; set; }
    public string? StateChangedBy { get; set; }
    /// <summary>The last check-out (the start of the turnover now running or last run).</summary>
    public DateTime? LastCheckOutAt { get; set; }
    public string? Note { get; set; }
    /// <summary>
    /// How many active stays (allocated or checked in) hold a bed in the room, kept in the same transaction as every
    /// allocation, check-out and cancellation. A room is free when it is <see cref="RoomState.Ready"/> with no
    /// holders: one column that the free-room index and the allocation's row lock can both see (the stays decide; the
    /// unique index on stays is the guarantee).
    /// </summary>
    public int Holders { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
    public int Version { get; set; }

    /// <summary>Free for a new person or household: ready and holding nobody.</summary>
    public bool Free => State == RoomState.Ready && Holders == 0;

    /// <summary>How many people the room may hold: the beds of a family room, one otherwise.</summary>
    public int Capacity => FamilyRoom ? Math.Max(1, Beds) : 1;
}

/// <summary>
/// One change of a room's state (append-only: never updated or deleted). The history the room board shows and
/// turnover times are measured from.
/// </summary>
public sealed class RoomEvent : IJurisdictionOwned
{
    public long Id { get; set; }
    public string CountyCode { get; set; } = "";
    /// <summary>The site's scope key, copied so the row is scoped on its own.</summary>
    public string ScopeKey { get; set; } = "";
    public long SiteId { get; set; }
    public long RoomId { get; set; }
    public RoomState From { get; set; }
    public RoomState To { get; set; }
    public DateTime At { get; set; }
    public string By { get; set; } = "";
    public string? Reason { get; set; }
    /// <summary>The stay whose check-in or check-out moved the room, if any.</summary>
    public long? StayId { get; set; }
}

/// <summary>
/// Orders buildings and room numbers as people read them: runs of digits by value ("2" before "10", "302" before
/// "1001"), the rest ordinally, case-insensitively. Deterministic, culture-independent.
/// </summary>
public sealed class RoomNumberComparer : IComparer<string?>
{
    public static RoomNumberComparer Instance { get; } = new();

    public int Compare(string? x, string? y)
    {
        if (ReferenceEquals(x, y)) return 0;
        if (x is null) return -1;
        if (y is null) return 1;
        int i = 0, j = 0;
        while (i < x.Length && j < y.Length)
        {
            if (char.IsAsciiDigit(x[i]) && char.IsAsciiDigit(y[j]))
            {
                int si = i, sj = j;
                while (i < x.Length && char.IsAsciiDigit(x[i])) i++;
                while (j < y.Length && char.IsAsciiDigit(y[j])) j++;
                var a = x.AsSpan(si, i - si).TrimStart('0');
                var b = y.AsSpan(sj, j - sj).TrimStart('0');
                if (a.Length != b.Length) return a.Length.CompareTo(b.Length);
                var c = a.SequenceCompareTo(b);
                if (c != 0) return c;
                // "007" and "7" are the same number; the shorter writing comes first so the order stays total.
                if (i - si != j - sj) return (i - si).CompareTo(j - sj);
                continue;
            }
            var cx = char.ToUpperInvariant(x[i]);
            var cy = char.ToUpperInvariant(y[j]);
            if (cx != cy) return cx.CompareTo(cy);
            i++;
            j++;
        }
        var rest = (x.Length - i).CompareTo(y.Length - j);
        return rest != 0 ? rest : string.CompareOrdinal(x, y);
    }
}
