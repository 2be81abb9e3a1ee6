using Fangkong.Core.Jurisdictions;

namespace Fangkong.Core.Sites;

/// <summary>
/// A free room as allocation sees it: its site (level, scope, status, reserve) and its attributes. Lightweight, so a
/// county's free rooms are read in one query and ranked in memory.
/// </summary>
/// <param name="SiteReserveRooms">The site's <see cref="QuarantineSite.ReserveRooms"/>.</param>
/// <param name="FreeBeds">The beds the room offers (its <see cref="Room.Capacity"/>). A room holding an active stay,
/// even one only allocated, is not free and is not a candidate: no stranger is put into a household's room.</param>
public sealed record RoomCandidate(
    long SiteId,
    SiteLevel SiteLevel,
    string SiteScopeKey,
    SiteStatus SiteStatus,
    int SiteReserveRooms,
    long RoomId,
    string Building,
    int Floor,
    string Number,
    bool Single,
    bool OwnBathroom,
    bool Accessible,
    bool FamilyRoom,
    int FreeBeds,
    RoomState State = RoomState.Ready,
    string? SiteLocationKey = null)
{
    public static RoomCandidate Of(QuarantineSite site, Room room, int? freeBeds = null) => new(
        site.Id, site.Level, site.ScopeKey, site.Status, site.ReserveRooms,
        room.Id, room.Building, room.Floor, room.Number,
        room.Single, room.OwnBathroom, room.Accessible, room.FamilyRoom, freeBeds ?? room.Capacity, room.State);
}

/// <summary>What the person (or household) to place needs.</summary>
/// <param name="People">Household members placed together (1 for a person alone).</param>
/// <param name="AccessibleMembers">How many of them need an accessible room.</param>
/// <param name="PreferredLevel">A county or township site, when the caller prefers one.</param>
/// <param name="PersonScopeKey">Where the person lives: sites of the same township come first, then the county's.</param>
/// <param name="SiteDistances">Travel times by road, in minutes, from the person's township to sites, by site id (the
/// county's <see cref="SiteTravelTime"/> table; any one unit works the same). A site with a time comes before sites
/// without one; see <see cref="AllocationRules"/>.</param>
public sealed record AllocationNeed(
    int People = 1,
    int AccessibleMembers = 0,
    SiteLevel? PreferredLevel = null,
    string PersonScopeKey = "",
    IReadOnlyDictionary<long, int>? SiteDistances = null)
{
    public bool NeedsAccessible => AccessibleMembers > 0;
}

/// <summary>How allocation runs under the rule pack in force.</summary>
/// <param name="AllowFamilyRooms">Whether a household may share a family room (else: adjacent single rooms).</param>
public sealed record AllocationOptions(bool AllowFamilyRooms = true, int MaxSuggestions = 10)
{
    public static AllocationOptions Default { get; } = new();
}

/// <summary>What a suggestion gives up to be made; anything but <see cref="OtherLevel"/> is a last resort.</summary>
[Flags]
public enum AllocationFlags
{
    None = 0,
    /// <summary>Takes one of the rooms the site holds back (<see cref="QuarantineSite.ReserveRooms"/>).</summary>
    Reserve = 1,
    /// <summary>An accessible room for someone who does not need one.</summary>
    AccessibleForNonNeed = 4,
    /// <summary>A family room for a person alone, while family rooms are allowed for households.</summary>
    FamilyRoomForSingle = 8,
    /// <summary>Someone who needs an accessible room does not get one.</summary>
    AccessibleUnavailable = 16,
    /// <summary>Not the preferred site level.</summary>
    OtherLevel = 32,
}

/// <summary>Why a suggestion fits (stable codes; the UI localizes them).</summary>
public static class AllocationReasons
{
    public const string SingleOwnBathroom = "single-own-bathroom";
    public const string OwnBathroom = "own-bathroom";
    public const string SharedBathroom = "shared-bathroom";
    public const string Accessible = "accessible";
    public const string FamilyRoom = "family-room";
    public const string AdjacentRooms = "adjacent-rooms";
}

/// <summary>A room of a suggestion and how many of the people it takes.</summary>
public sealed record RoomPick(long RoomId, string Building, int Floor, string Number, int People);

/// <summary>One way to place the person or household: the site, the room(s), why, and what it gives up.</summary>
/// <param name="TravelMinutes">The site's entry of <see cref="AllocationNeed.SiteDistances"/>: how far it is, when known.</param>
public sealed record AllocationSuggestion(long SiteId, SiteLevel SiteLevel, IReadOnlyList<RoomPick> Rooms, string Reason, AllocationFlags Flags, int? TravelMinutes = null);

/// <summary>
/// Suggests rooms for a person or a household, best first, in plain C# over the free rooms of the county.
/// <list type="number">
/// <item>Only ready rooms of sites that receive people (<see cref="QuarantineSite.Receives"/>: in service; a standby
/// site is put in service first).</item>
/// <item>Last resorts, in this order of reluctance: an accessible room missing for someone who needs one; a site's reserve rooms (the site's last <see cref="QuarantineSite.ReserveRooms"/> ready rooms, counted, not
/// named); an accessible room for someone who does not need it, or a family room for a person alone. Only the least
/// reluctant tier that has any suggestion is returned, so "untouched unless nothing else is free" holds for every
/// suggestion listed, not only the first.</item>
/// <item>A person alone: single room with own bathroom, then any room with own bathroom, then shared bathrooms.</item>
/// <item>A household: a family room with enough beds when the pack allows family rooms, then adjacent rooms on one
/// floor of one site, one person each (the closest-numbered set per floor); own bathrooms first, then the fewest
/// spare beds or the closest numbers. When neither fits there is no suggestion: the caller places the members one
/// by one.</item>
/// <item>Then the preferred level, then how near the site is, and finally site, building, floor and room number, so
/// equal rooms always come in the same order.</item>
/// </list>
/// How near a site is: a site with a known travel time from the person's township (<see cref="AllocationNeed.SiteDistances"/>)
/// comes before every site without one, nearer minutes first; sites without a time follow by the places they share with
/// the person (<see cref="Proximity"/>: own village, own township, own county). A time entered is the county's
/// measurement by road; the shared places are a guess from boundaries, and a minute count cannot be weighed against a
/// guess without a conversion nobody has, so the measurement wins and a county that wants a site compared enters its
/// times. Among equal minutes the shared places still decide. With no times entered nothing changes: every site is
/// "unknown" and the places decide as before.
/// Room quality and fit come before nearness, as they came before the places shared: single rooms with their own
/// bathroom are the standard of a site (单人单间、独立卫生间), so a farther site with a standard room free comes before a
/// nearer one with only shared bathrooms; for a household, so does the closer fit (a family room with fewer spare beds,
/// rooms numbered closer together), whatever the minutes.
/// The candidates must list every free room of the sites concerned (not a pre-filtered few), or the reserve count
/// is wrong, unless the sites' free-room counts are passed. A suggestion is advice: <see cref="StayRules.Allocate"/> and the database's unique index decide.
/// </summary>
public static class AllocationRules
{
    /// <param name="siteFreeRooms">How many rooms each site has free, when the caller passes only each site's first
    /// rooms of each kind (the database counted them, up to at least the site's reserve plus the rooms needed): used
    /// instead of counting the candidates for the reserve. A site missing from it counts its candidates.</param>
    public static IReadOnlyList<AllocationSuggestion> Suggest(AllocationNeed need, IEnumerable<RoomCandidate> candidates, AllocationOptions? options = null,
        IReadOnlyDictionary<long, int>? siteFreeRooms = null)
    {
        options ??= AllocationOptions.Default;
        if (need.People < 1) throw new ArgumentOutOfRangeException(nameof(need), "at least one person");
        if (need.AccessibleMembers < 0 || need.AccessibleMembers > need.People) throw new ArgumentOutOfRangeException(nameof(need), "accessible members 0..people");
        var free = candidates
            .Where(c => c.State == RoomState.Ready && c.FreeBeds >= 1 && QuarantineSite.Receives(c.SiteStatus))
            .DistinctBy(c => c.RoomId)
            .ToList();
        var freeRoomsBySite = free.GroupBy(c => c.SiteId).ToDictionary(g => g.Key, g => siteFreeRooms is not null && siteFreeRooms.TryGetValue(g.Key, out var n) ? Math.Max(n, g.Count()) : g.Count());

        var found = new List<Option>();
        if (need.People == 1)
        {
            foreach (var c in free) found.Add(Single(need, c, options, freeRoomsBySite[c.SiteId]));
        }
        else
        {
            if (options.AllowFamilyRooms)
                foreach (var c in free.Where(c => c.FamilyRoom && c.FreeBeds >= need.People))
                    found.Add(Family(need, c, freeRoomsBySite[c.SiteId]));
            foreach (var floor in free.GroupBy(c => (c.SiteId, c.Building, c.Floor)))
                if (Adjacent(need, floor.ToList(), options, freeRoomsBySite[floor.Key.SiteId]) is { } option)
                    found.Add(option);
        }
        if (found.Count == 0) return [];

        // The least reluctant tier only.
        var best = found.Min(o => o.Tier);
        return found
            .Where(o => o.Tier == best)
            .Order(OptionComparer.Instance)
            .Take(Math.Max(0, options.MaxSuggestions))
            .Select(o => new AllocationSuggestion(o.First.SiteId, o.First.SiteLevel, o.Rooms, o.Reason, o.Flags, o.Distance))
            .ToList();
    }

    private static Option Single(AllocationNeed need, RoomCandidate c, AllocationOptions options, int siteFree)
    {
        var flags = SiteFlags(need, c, siteFree, rooms: 1);
        if (need.NeedsAccessible && !c.Accessible) flags |= AllocationFlags.AccessibleUnavailable;
        if (!need.NeedsAccessible && c.Accessible) flags |= AllocationFlags.AccessibleForNonNeed;
        if (c.FamilyRoom && options.AllowFamilyRooms) flags |= AllocationFlags.FamilyRoomForSingle;
        var quality = (c.OwnBathroom, c.Single) switch { (true, true) => 0, (true, false) => 1, (false, true) => 2, _ => 3 };
        var reason = need.NeedsAccessible && c.Accessible ? AllocationReasons.Accessible
            : quality == 0 ? AllocationReasons.SingleOwnBathroom
            : quality == 1 ? AllocationReasons.OwnBathroom
            : AllocationReasons.SharedBathroom;
        return new Option(need, [c], [Pick(c, 1)], reason, flags, Kind: 0, Detail: quality, MissingBathrooms: c.OwnBathroom ? 0 : 1);
    }

    private static Option Family(AllocationNeed need, RoomCandidate c, int siteFree)
    {
        var flags = SiteFlags(need, c, siteFree, rooms: 1);
        if (need.NeedsAccessible && !c.Accessible) flags |= AllocationFlags.AccessibleUnavailable;
        if (!need.NeedsAccessible && c.Accessible) flags |= AllocationFlags.AccessibleForNonNeed;
        return new Option(need, [c], [Pick(c, need.People)], AllocationReasons.FamilyRoom, flags,
            Kind: 0, Detail: c.FreeBeds - need.People, MissingBathrooms: c.OwnBathroom ? 0 : 1);
    }

    /// <summary>The best set of <c>People</c> rooms on one floor: consecutive among the floor's free rooms, fewest compromises, closest numbers.</summary>
    private static Option? Adjacent(AllocationNeed need, List<RoomCandidate> floor, AllocationOptions options, int siteFree)
    {
        var k = need.People;
        if (floor.Count < k) return null;
        floor.Sort((a, b) => RoomNumberComparer.Instance.Compare(a.Number, b.Number));
        Option? best = null;
        for (var i = 0; i + k <= floor.Count; i++)
        {
            var window = floor.GetRange(i, k);
            var flags = SiteFlags(need, window[0], siteFree, rooms: k);
            var accessible = window.Count(c => c.Accessible);
            if (accessible < need.AccessibleMembers) flags |= AllocationFlags.AccessibleUnavailable;
            if (accessible > need.AccessibleMembers) flags |= AllocationFlags.AccessibleForNonNeed;
            if (options.AllowFamilyRooms && window.Any(c => c.FamilyRoom)) flags |= AllocationFlags.FamilyRoomForSingle;
            var option = new Option(need, window, window.Select(c => Pick(c, 1)).ToList(), AllocationReasons.AdjacentRooms, flags,
                Kind: 1, Detail: Span(window), MissingBathrooms: window.Count(c => !c.OwnBathroom));
            // Same site, building and floor: the comparer ends on the first room number, so the lower window wins ties.
            if (best is null || OptionComparer.Instance.Compare(option, best) < 0) best = option;
        }
        return best;
    }

    /// <summary>How far apart the rooms are: the difference of the numbers when all are plain numbers, else the count.</summary>
    private static int Span(List<RoomCandidate> window)
    {
        var numbers = new List<int>(window.Count);
        foreach (var c in window)
        {
            if (!int.TryParse(c.Number, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n)) return window.Count - 1;
            numbers.Add(n);
        }
        return numbers.Max() - numbers.Min();
    }

    private static AllocationFlags SiteFlags(AllocationNeed need, RoomCandidate c, int siteFree, int rooms)
    {
        var flags = AllocationFlags.None;
        if (siteFree - rooms < c.SiteReserveRooms) flags |= AllocationFlags.Reserve;
        if (need.PreferredLevel is { } level && c.SiteLevel != level) flags |= AllocationFlags.OtherLevel;
        return flags;
    }

    private static RoomPick Pick(RoomCandidate c, int people) => new(c.RoomId, c.Building, c.Floor, c.Number, people);

    /// <summary>
    /// How near a site is to the person, by the places they share (no map is needed to know that a site in one's own
    /// village is nearer than one across the county): 0 the site stands in the person's village; 1 in (or is run by)
    /// the person's township; 2 in the same county; 3 elsewhere or unknown. Where the site stands is its address node
    /// (<paramref name="siteLocationKey"/>); without one, the unit that runs it.
    /// </summary>
    internal static int Proximity(string personScopeKey, string siteScopeKey, string? siteLocationKey = null)
    {
        var site = siteLocationKey is { Length: >= ScopeKey.TownshipLength } ? siteLocationKey : siteScopeKey;
        bool Shares(int length) => personScopeKey.Length >= length && site.Length >= length && string.CompareOrdinal(personScopeKey, 0, site, 0, length) == 0;
        if (Shares(ScopeKey.VillageLength)) return 0;
        if (Shares(ScopeKey.TownshipLength)) return 1;
        if (Shares(ScopeKey.CountyLength)) return 2;
        return 3;
    }

    private sealed record Option(
        AllocationNeed Need, IReadOnlyList<RoomCandidate> Candidates, IReadOnlyList<RoomPick> Rooms, string Reason, AllocationFlags Flags,
        int Kind, int Detail, int MissingBathrooms)
    {
        public RoomCandidate First => Candidates[0];

        /// <summary>The reluctance tier: accessible need unmet, reserve, room kept for others.</summary>
        public int Tier =>
            (Flags.HasFlag(AllocationFlags.AccessibleUnavailable) ? 4 : 0)
            + (Flags.HasFlag(AllocationFlags.Reserve) ? 2 : 0)
            + ((Flags & (AllocationFlags.AccessibleForNonNeed | AllocationFlags.FamilyRoomForSingle)) != 0 ? 1 : 0);

        /// <summary>The site's travel time from the person, or null when none is known.</summary>
        public int? Distance => Need.SiteDistances is { } d && d.TryGetValue(First.SiteId, out var minutes) ? minutes : null;

        public int Proximity => AllocationRules.Proximity(Need.PersonScopeKey, First.SiteScopeKey, First.SiteLocationKey);
    }

    private sealed class OptionComparer : IComparer<Option>
    {
        public static OptionComparer Instance { get; } = new();

        public int Compare(Option? x, Option? y)
        {
            if (ReferenceEquals(x, y)) return 0;
            if (x is null) return -1;
            if (y is null) return 1;
            int c;
            if ((c = x.Tier.CompareTo(y.Tier)) != 0) return c;
            if ((c = x.Kind.CompareTo(y.Kind)) != 0) return c;
            if ((c = x.MissingBathrooms.CompareTo(y.MissingBathrooms)) != 0) return c;
            if ((c = x.Detail.CompareTo(y.Detail)) != 0) return c;
            if ((c = x.Flags.HasFlag(AllocationFlags.OtherLevel).CompareTo(y.Flags.HasFlag(AllocationFlags.OtherLevel))) != 0) return c;
            // Nearness (see the class): a known time first, nearer minutes first, then the places shared.
            var (dx, dy) = (x.Distance, y.Distance);
            if ((c = (dx is null).CompareTo(dy is null)) != 0) return c;
            if (dx is { } mx && dy is { } my && (c = mx.CompareTo(my)) != 0) return c;
            if ((c = x.Proximity.CompareTo(y.Proximity)) != 0) return c;
            if ((c = x.First.SiteId.CompareTo(y.First.SiteId)) != 0) return c;
            if ((c = RoomNumberComparer.Instance.Compare(x.First.Building, y.First.Building)) != 0) return c;
            if ((c = x.First.Floor.CompareTo(y.First.Floor)) != 0) return c;
            if ((c = RoomNumberComparer.Instance.Compare(x.First.Number, y.First.Number)) != 0) return c;
            return x.First.RoomId.CompareTo(y.First.RoomId);
        }
    }
}
