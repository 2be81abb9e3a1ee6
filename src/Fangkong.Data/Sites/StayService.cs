using Fangkong.Core;
using Fangkong.Core.Accounts;
using Fangkong.Core.Jurisdictions;
using Fangkong.Core.Orders;
using Fangkong.Core.People;
using Fangkong.Core.Policy;
using Fangkong.Core.Sites;
using Fangkong.Data.Infrastructure;
using Fangkong.Data.Orders;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Fangkong.Data.Sites;

public sealed record StayItem(long Id, long OrderId, long PersonId, string Name, long SiteId, string SiteName, long RoomId, string Room, int Bed,
    StayStatus Status, StayOutcome Outcome, DateTime AllocatedAt, DateTime? CheckedInAt, DateTime? CheckedOutAt, DateOnly? LeaveOn, int Version);
/// <summary>
/// Someone the rules send to a site who holds no room yet: the order, the person (masked document), where they live,
/// the site phase (first day, the day they leave the site) and how many of their household wait with them.
/// </summary>
public sealed record WaitingItem(long OrderId, long PersonId, string Name, string? DocumentMasked, string? Place, string Reasons, DateOnly FirstDay, DateOnly? LeaveOn,
    int DaysWaiting, int HouseholdWaiting, bool Accessible);
public sealed record SuggestionItem(AllocationSuggestion Suggestion, string SiteName, string? Place);
/// <summary>The site level the county's rules send an order's person to (and for which reason), and whether households may share a family room.</summary>
public sealed record SitePlacementView(SiteLevel? Level, string? Reason, bool FamilyRooms);

/// <summary>
/// A person's stay at a site: a room suggested and allocated for an active centralized-quarantine order, check-in,
/// check-out at release, conversion to home monitoring or transfer to hospital. No bed is ever given to two people:
/// the partial unique index on (room, bed) of stays that hold a bed is the guarantee; on PostgreSQL the allocation
/// also takes the room row with FOR UPDATE SKIP LOCKED, so parallel allocations spread over free rooms instead of
/// queuing on the first one.
/// </summary>
public sealed class StayService(IDbContextFactory<FangkongDb> factory, IActorAccessor actor, TimeProvider time, IOptions<FangkongOptions> options, Policy.PolicyCache cache,
    OnBehalf onBehalf, Jurisdictions.JurisdictionDirectory directory)
{
    private Actor Actor => actor.Current;
    private DateTime Now => time.GetUtcNow().UtcDateTime;
    private DateOnly Today => CountyClock.Today(time, options.Value.TimeZone);
    /// <summary>How many candidate rooms one allocation tries before it reloads the free rooms (and how often).</summary>
    private const int CandidatesPerRound = 32, Rounds = 4;

    private static string? HouseholdOf(Person p) => p.ScopeKey.Length >= ScopeKey.HouseholdLength ? p.ScopeKey[..ScopeKey.HouseholdLength] : null;

    private static int AccessibleMembers(Person p) => (p.Vulnerable & (VulnerableFlags.Disabled | VulnerableFlags.BedRidden)) != 0 ? 1 : 0;

    /// <summary>
    /// Suggested rooms for an order's person — and for the members of the same household who also wait for a room
    /// under a centralized order, so a family is placed together (a family room, else rooms side by side). Null when
    /// the order is not visible.
    /// </summary>
    public async Task<IReadOnlyList<SuggestionItem>?> SuggestAsync(long orderId, int max = 10, CancellationToken ct = default)
    {
        Actor.Require(Permissions.SitesRead);
        await using var db = await factory.CreateDbContextAsync(ct);
        await db.Database.OpenConnectionAsync(ct);
        var order = await db.Orders.AsNoTracking().Include(o => o.Measures).FirstOrDefaultAsync(o => o.Id == orderId, ct);
        if (order is null) return null;
        var members = await MembersAsync(db, order, ct);
        var sites = await db.QuarantineSites.AsNoTracking().ToDictionaryAsync(s => s.Id, ct);
        var (suggestions, _, _) = await SuggestionsAsync(db, members, await PlacementAsync(db, order, ct), new HashSet<long>(), max, ct);
        return suggestions.Select(s => new SuggestionItem(s, sites[s.SiteId].Name, null)).ToList();
    }

    /// <summary>
    /// Everyone who must be at a site and holds no room: the orders the actor sees that are in force with their current
    /// measure at a site and no stay holding a bed (allocated or checked in), longest wait first. The stays are read
    /// apart from the orders and across the county (a township's people may be held at a county site it does not see).
    /// </summary>
    public async Task<IReadOnlyList<WaitingItem>> WaitingAsync(int max = 500, CancellationToken ct = default)
    {
        Actor.Require(Permissions.SitesRead);
        await using var db = await factory.CreateDbContextAsync(ct);
        var orders = await WaitingOrdersAsync(db, ct);
        if (orders.Count == 0) return [];
        var ids = orders.Select(o => o.PersonId).Distinct().ToList();
        var people = new Dictionary<long, Person>();
        foreach (var chunk in ids.Chunk(1000))
            foreach (var p in await db.People.AsNoTracking().Where(p => chunk.Contains(p.Id)).ToListAsync(ct)) people[p.Id] = p;
        var today = Today;
        var rows = orders.Where(o => people.ContainsKey(o.PersonId)).Select(o => (Order: o, Person: people[o.PersonId], Phase: StayRules.SitePhaseOf(o, today))).ToList();
        var households = rows.Select(r => HouseholdOf(r.Person)).OfType<string>().CountBy(h => h).ToDictionary();
        return rows.Select(r =>
            {
                var first = r.Phase?.FirstDay ?? r.Order.StartDate;
                var household = HouseholdOf(r.Person);
                return new WaitingItem(r.Order.Id, r.Person.Id, r.Person.Name, r.Person.DocumentMasked, directory.PlaceLabel(r.Person.ScopeKey), r.Order.Reasons,
                    first, r.Phase?.LeaveOn, Math.Max(0, today.DayNumber - first.DayNumber), household is null ? 1 : households[household], AccessibleMembers(r.Person) > 0);
            })
            .OrderByDescending(w => w.DaysWaiting).ThenBy(w => w.FirstDay).ThenBy(w => w.OrderId).Take(Math.Clamp(max, 1, 5000)).ToList();
    }

    /// <summary>How many wait for a room (the capacity page's figure), without reading who they are.</summary>
    public async Task<int> WaitingCountAsync(CancellationToken ct = default)
    {
        Actor.Require(Permissions.SitesRead);
        await using var db = await factory.CreateDbContextAsync(ct);
        return (await WaitingOrdersAsync(db, ct)).Count;
    }

    /// <summary>The orders the actor sees that need a bed now and hold none (with their measures, for the site phase).</summary>
    internal static async Task<List<ControlOrder>> WaitingOrdersAsync(FangkongDb db, CancellationToken ct)
    {
        var orders = await db.Orders.AsNoTracking().Include(o => o.Measures)
            .WhereRunning().Where(o => o.CurrentKind == MeasureKinds.CentralizedQuarantine)
            .ToListAsync(ct);
        if (orders.Count == 0) return orders;
        var counties = orders.Select(o => o.CountyCode).Distinct().ToList();
        var held = new HashSet<long>();
        foreach (var chunk in orders.Select(o => o.Id).Chunk(1000))
            held.UnionWith(await db.Stays.IgnoreQueryFilters().AsNoTracking()
                .Where(s => counties.Contains(s.CountyCode) && chunk.Contains(s.OrderId) && s.OccupiedRoomId != null).Select(s => s.OrderId).ToListAsync(ct));
        orders.RemoveAll(o => held.Contains(o.Id));
        return orders;
    }

    /// <summary>
    /// Where the county sends the order's person: the site level its local layer sets for the order's reasons on the
    /// day (null: the nearest suitable site of either level), and whether the pack in force lets a household share a
    /// family room. Null when the order is not visible.
    /// </summary>
    public async Task<SitePlacementView?> PlacementAsync(long orderId, CancellationToken ct = default)
    {
        Actor.Require(Permissions.SitesRead);
        await using var db = await factory.CreateDbContextAsync(ct);
        var order = await db.Orders.AsNoTracking().FirstOrDefaultAsync(o => o.Id == orderId, ct);
        return order is null ? null : await PlacementAsync(db, order, ct);
    }

    private async Task<SitePlacementView> PlacementAsync(FangkongDb db, ControlOrder order, CancellationToken ct)
    {
        var rules = await Policy.PolicyService.RulesAsync(db, order.CountyCode, cache, ct);
        var placement = rules.PlacementFor(order.Reasons.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), Today);
        SiteLevel? level = placement?.Level switch { SitePlacement.County => SiteLevel.County, SitePlacement.Township => SiteLevel.Township, _ => null };
        return new SitePlacementView(level, placement?.Reason, rules.PackFor(Today).FamilyRooms);
    }

    /// <summary>Someone to place: the order and the person (and, for the first, whether housemates already hold a room).</summary>
    private sealed record Member(ControlOrder Order, Person Person, bool HouseholdPlaced = false);

    /// <summary>
    /// The order's person first, then the other members of the household (same household node) with a centralized
    /// order in force and no bed yet.
    /// </summary>
    private static async Task<List<Member>> MembersAsync(FangkongDb db, ControlOrder order, CancellationToken ct)
    {
        var person = await db.People.IgnoreQueryFilters().AsNoTracking().FirstAsync(p => p.Id == order.PersonId && p.CountyCode == order.CountyCode, ct);
        var members = new List<Member> { new(order, person) };
        if (HouseholdOf(person) is not { } household) return members;
        // The household's subtree as a key range, so the (county, scope key) index answers it.
        var upper = ScopeKey.Successor(household) ?? "~";
        var housemates = await db.People.IgnoreQueryFilters().AsNoTracking()
            .Where(p => p.CountyCode == order.CountyCode && p.Id != person.Id && string.Compare(p.ScopeKey, household) >= 0 && string.Compare(p.ScopeKey, upper) < 0)
            .ToListAsync(ct);
        if (housemates.Count == 0) return members;
        var ids = housemates.Select(p => p.Id).ToList();
        var orders = await db.Orders.IgnoreQueryFilters().AsNoTracking().Include(o => o.Measures)
            .Where(o => o.CountyCode == order.CountyCode && ids.Contains(o.PersonId)).WhereRunning().ToListAsync(ct);
        var placed = (await db.Stays.IgnoreQueryFilters().AsNoTracking().Where(s => s.CountyCode == order.CountyCode && ids.Contains(s.PersonId) && s.OccupiedRoomId != null)
            .Select(s => s.PersonId).ToListAsync(ct)).ToHashSet();
        if (placed.Count > 0) members[0] = members[0] with { HouseholdPlaced = true };
        foreach (var o in orders.Where(o => MeasureKinds.AtSite(o.CurrentKind) && !placed.Contains(o.PersonId)).GroupBy(o => o.PersonId).Select(g => g.First()))
            members.Add(new Member(o, housemates.First(p => p.Id == o.PersonId)));
        return members;
    }

    /// <summary>
    /// Free rooms of the sites the actor sees (ready and holding nobody), plus a family room already holding the
    /// household with beds free, ranked by the allocation rules for the whole group. Only the first free rooms of each
    /// site and kind (accessible or not, family room or not; own bathroom and single first, then building, floor and
    /// number) are read, straight from the free-room index: enough to tell whether a site is down to its reserve and
    /// to rank each site's best rooms exactly, while a county of 20,000 rooms is not read whole for every allocation.
    /// Beyond a site's first rooms the suggestions go on with the next site (its rooms are as good), so a long list
    /// shows several sites rather than one site's corridor. Answers the suggestions and the rooms they name.
    /// </summary>
    private async Task<(IReadOnlyList<AllocationSuggestion> Suggestions, Dictionary<long, RoomCandidate> Rooms, Dictionary<long, QuarantineSite> Sites)> SuggestionsAsync(
        FangkongDb db, IReadOnlyList<Member> members, SitePlacementView placement, IReadOnlySet<long> tried, int max, CancellationToken ct, bool firstRoomsOnly = false)
    {
        var person = members[0].Person;
        var county = members[0].Order.CountyCode;
        var household = HouseholdOf(person);
        // Sites that receive people (QuarantineSite.Receives): in service only; a standby site is put in service first.
        // Each with its travel time by road from the person's township when the county entered one, read in the same
        // statement from the (site, township) unique index: nearer sites by minutes come first (AllocationRules).
        var township = person.ScopeKey.Length >= ScopeKey.TownshipLength ? person.ScopeKey[..ScopeKey.TownshipLength] : "";
        var receiving = await db.QuarantineSites.AsNoTracking().Where(s => s.Status == SiteStatus.InService)
            .Select(s => new { Site = s, Minutes = db.SiteTravelTimes.Where(t => t.SiteId == s.Id && t.TownshipKey == township).Select(t => (int?)t.Minutes).FirstOrDefault() })
            .ToListAsync(ct);
        var sites = receiving.ToDictionary(x => x.Site.Id, x => x.Site);
        var minutes = receiving.Where(x => x.Minutes is not null).ToDictionary(x => x.Site.Id, x => x.Minutes!.Value);
        if (sites.Count == 0) return ([], [], sites);
        // A person alone needs each site's first room of each kind (the ranking takes the best, a lock takes the next
        // like it when another allocation has it); a household needs a floor's worth to find rooms side by side. The
        // sites' free rooms are counted as far as the reserve question needs.
        // (SQLite numbers every free room of the county anyway, so it returns enough of each kind to count the reserve
        // from the rooms themselves, as counting them again cost more than it saved.)
        var countTo = sites.Values.Max(s => s.ReserveRooms) + members.Count + 1;
        // A list for people to choose from (the allocation page, the API) shows several rooms of each site.
        var perKind = !db.Database.IsNpgsql() || !firstRoomsOnly ? countTo + 3 : members.Count == 1 ? 1 : members.Count + 4;
        var upper = ScopeKey.Successor(db.Actor.Scope.Prefix) ?? "~";
        var free = await db.Database.SqlQueryRaw<FreeRoomRow>(db.Database.IsNpgsql() ? FirstFreeRoomsPostgres : FirstFreeRoomsSqlite,
                county, perKind, (int)SiteStatus.InService, db.Actor.Scope.Prefix, upper, countTo).ToListAsync(ct);
        // Where each site stands (its address node, from the directory of official places kept in memory), when known:
        // a site in the person's own village or township first.
        string? LocationOf(QuarantineSite s) => s.AddressNodeId is { } id && directory.Official(id) is { } place && place.ScopeKey.StartsWith(county, StringComparison.Ordinal) ? place.ScopeKey : null;
        var siteFree = new Dictionary<long, int>();
        foreach (var r in free) siteFree[r.SiteId] = r.SiteFree;
        var candidates = free.Where(r => sites.ContainsKey(r.SiteId) && !tried.Contains(r.Id)).Select(r =>
        {
            var site = sites[r.SiteId];
            return new RoomCandidate(site.Id, site.Level, site.ScopeKey, site.Status, site.ReserveRooms, r.Id, r.Building, r.Floor, r.Number, r.Single, r.OwnBathroom,
                r.Accessible, r.FamilyRoom, r.FamilyRoom ? Math.Max(1, r.Beds) : 1, (RoomState)r.State, LocationOf(site));
        }).ToList();
        if (household is not null && members[0].HouseholdPlaced)
        {
            // The household's family room with beds still free (its members are allocated or checked in there).
            var theirs = await (from st in db.Stays.AsNoTracking()
                                join r in db.Rooms.AsNoTracking() on st.OccupiedRoomId equals r.Id
                                where st.HouseholdKey == household && r.FamilyRoom
                                select r).Distinct().ToListAsync(ct);
            foreach (var r in theirs.Where(r => sites.ContainsKey(r.SiteId) && !tried.Contains(r.Id)))
            {
                var taken = await db.Stays.CountAsync(x => x.OccupiedRoomId == r.Id, ct);
                var others = await db.Stays.CountAsync(x => x.OccupiedRoomId == r.Id && x.HouseholdKey != household, ct);
                if (others == 0 && taken < r.Capacity) candidates.Add(RoomCandidate.Of(sites[r.SiteId], r, r.Capacity - taken) with { SiteLocationKey = LocationOf(sites[r.SiteId]) });
            }
        }
        var need = new AllocationNeed(members.Count, members.Sum(m => AccessibleMembers(m.Person)), placement.Level, person.ScopeKey, minutes.Count > 0 ? minutes : null);
        return (AllocationRules.Suggest(need, candidates, new AllocationOptions(placement.FamilyRooms, max), siteFree), candidates.DistinctBy(c => c.RoomId).ToDictionary(c => c.RoomId), sites);
    }

    /// <summary>A free room as the allocation query reads it, with its site's free rooms counted (up to a cap).</summary>
    private sealed record FreeRoomRow(long Id, long SiteId, string Building, int Floor, string Number, bool Single, bool OwnBathroom, bool Accessible, bool FamilyRoom,
        int Beds, int State, int SiteFree);

    /// <summary>
    /// The first free rooms (ready, holding nobody) of each receiving site of the county the actor sees and each kind,
    /// in the order of the free-room index, with each site's free rooms counted up to a cap; {0} the county, {1} how
    /// many per site and kind, {2} the receiving site state (in service), {3} and {4} the actor's scope as a key range,
    /// {5} the cap. On PostgreSQL one short index range per site and kind (LATERAL … LIMIT) and one per site for the
    /// count; SQLite has no LATERAL and numbers the rows of the same index instead (and leaves the count to the caller,
    /// {5} unused). Plain SQL: no query filter wraps it, so the scope is in it.
    /// </summary>
    private const string FirstFreeRoomsPostgres = """
        SELECT r."Id", r."SiteId", r."Building", r."Floor", r."Number", r."Single", r."OwnBathroom", r."Accessible", r."FamilyRoom", r."Beds", r."State",
               n."Free"::int AS "SiteFree"
        FROM "QuarantineSites" s
        CROSS JOIN LATERAL (SELECT count(*) AS "Free" FROM (
            SELECT 1 FROM "Rooms" x WHERE x."SiteId" = s."Id" AND x."State" = 0 AND x."Holders" = 0 LIMIT {5}) c) n
        CROSS JOIN (VALUES (FALSE, FALSE), (FALSE, TRUE), (TRUE, FALSE), (TRUE, TRUE)) AS k("Accessible", "FamilyRoom")
        CROSS JOIN LATERAL (
            SELECT x.* FROM "Rooms" x
            WHERE x."SiteId" = s."Id" AND x."Accessible" = k."Accessible" AND x."FamilyRoom" = k."FamilyRoom" AND x."State" = 0 AND x."Holders" = 0
            ORDER BY x."OwnBathroom" DESC, x."Single" DESC, x."Building", x."Floor", x."Number"
            LIMIT {1}) r
        WHERE s."CountyCode" = {0} AND s."Status" = {2} AND s."ScopeKey" >= {3} AND s."ScopeKey" < {4}
        """;

    private const string FirstFreeRoomsSqlite = """
        SELECT "Id", "SiteId", "Building", "Floor", "Number", "Single", "OwnBathroom", "Accessible", "FamilyRoom", "Beds", "State", "SiteFree" FROM (
            SELECT r.*,
                   ROW_NUMBER() OVER (PARTITION BY r."SiteId", r."Accessible", r."FamilyRoom" ORDER BY r."OwnBathroom" DESC, r."Single" DESC, r."Building", r."Floor", r."Number") AS "Rank",
                   0 AS "SiteFree"
            FROM "Rooms" r INDEXED BY "IX_Rooms_Free"
            WHERE r."State" = 0 AND r."Holders" = 0 AND r."CountyCode" = {0}
              AND r."SiteId" IN (SELECT s."Id" FROM "QuarantineSites" s WHERE s."CountyCode" = {0} AND s."Status" = {2} AND s."ScopeKey" >= {3} AND s."ScopeKey" < {4})
        ) AS ranked WHERE "Rank" <= {1}
        """;

    /// <summary>
    /// Allocates a room: the one named (for this person), or the best free place for the person and the household
    /// members still waiting (all in one transaction: the family is placed together or not at all). Answers this
    /// person's stay id; a clear conflict when the order is not an active centralized order, the person already has a
    /// bed, the named room is not free, or no room is left.
    /// </summary>
    public async Task<long?> AllocateAsync(long orderId, long? roomId = null, int? bed = null, CancellationToken ct = default)
    {
        Actor.Require(Permissions.SitesWork);
        List<Member> members;
        IReadOnlyList<AllocationSuggestion> suggestions = [];
        Dictionary<long, RoomCandidate> free = [];
        Dictionary<long, QuarantineSite> sites = [];
        var placement = new SitePlacementView(null, null, true);
        // The reads run on one connection, opened once and given back before the placing transaction takes its own.
        await using (var db = await factory.CreateDbContextAsync(ct))
        {
            await db.Database.OpenConnectionAsync(ct);
            var order = await db.Orders.AsNoTracking().Include(o => o.Measures).FirstOrDefaultAsync(o => o.Id == orderId, ct);
            if (order is null) return null;
            members = await MembersAsync(db, order, ct);
            placement = await PlacementAsync(db, order, ct);
            if (roomId is null && MeasureKinds.AtSite(order.CurrentKind) && ControlOrder.IsRunning(order.Status))
                (suggestions, free, sites) = await SuggestionsAsync(db, members, placement, new HashSet<long>(), CandidatesPerRound, ct, firstRoomsOnly: true);
        }
        var first = members[0].Order;
        if (!MeasureKinds.AtSite(first.CurrentKind)) throw new ConflictException(SiteErrors.StayOrderNotCentralized, SiteErrors.StayOrderNotCentralized);
        if (!ControlOrder.IsRunning(first.Status)) throw new ConflictException(SiteErrors.StayOrderNotActive, SiteErrors.StayOrderNotActive);
        if (roomId is { } chosen)
        {
            var (stay, error) = await TryPlaceAsync([members[0]], [new RoomPick(chosen, "", 0, "", 1)], bed, waitForLock: true, null, placement.FamilyRooms, ct);
            return stay ?? throw SiteRefusal.Of(error!);
        }
        var tried = new HashSet<long>();
        var exhausted = new HashSet<RoomKind>();
        string? lastError = null;
        for (var round = 0; round < Rounds; round++)
        {
            if (round > 0)
            {
                await using var db = await factory.CreateDbContextAsync(ct);
                await db.Database.OpenConnectionAsync(ct);
                (suggestions, free, sites) = await SuggestionsAsync(db, members, placement, tried, CandidatesPerRound, ct, firstRoomsOnly: true);
            }
            // A household that fits nowhere together is placed one by one (each member then gets the best single place).
            if (suggestions.Count == 0 && members.Count > 1 && round == 0)
            {
                members = [members[0]];
                await using var db = await factory.CreateDbContextAsync(ct);
                await db.Database.OpenConnectionAsync(ct);
                (suggestions, free, sites) = await SuggestionsAsync(db, members, placement, tried, CandidatesPerRound, ct, firstRoomsOnly: true);
            }
            if (suggestions.Count == 0) break;
            foreach (var suggestion in suggestions)
            {
                // One free room: that room or, when another allocation has just taken it, the next free one like it.
                var like = suggestion.Rooms.Count == 1 && free.TryGetValue(suggestion.Rooms[0].RoomId, out var c) ? c : null;
                if (like is not null && exhausted.Contains(RoomKind.Of(like, suggestion.Rooms[0].People))) continue;
                foreach (var r in suggestion.Rooms) tried.Add(r.RoomId);
                var (stay, error) = await TryPlaceAsync(members, suggestion.Rooms, null, waitForLock: false, like, placement.FamilyRooms, ct, sites);
                if (stay is not null) return stay;
                lastError = error;
                if (error is SiteErrors.StayPersonAlreadyAllocated) throw SiteRefusal.Of(error);
                if (error is NoRoomLike) exhausted.Add(RoomKind.Of(like!, suggestion.Rooms[0].People));
            }
        }
        throw new ConflictException("site.no-room", lastError is null ? "no free room" : $"no free room (last: {lastError})");
    }

    private const string NoRoomLike = "room.none-like";

    /// <summary>Rooms a suggestion may be swapped between: same site, same kind, enough beds.</summary>
    private sealed record RoomKind(long SiteId, bool Accessible, bool FamilyRoom, bool OwnBathroom, bool Single, int People)
    {
        public static RoomKind Of(RoomCandidate c, int people) => new(c.SiteId, c.Accessible, c.FamilyRoom, c.OwnBathroom, c.Single, people);
    }

    /// <summary>
    /// Takes the room suggested or, when it is no longer free, the first free room of the same site and kind (building,
    /// floor, number); on PostgreSQL with the row lock, skipping rooms another allocation holds, so fifty allocations at
    /// once each take a different room instead of queueing for one. The room's holder count is part of the condition,
    /// so a room taken by a transaction that committed meanwhile is re-checked and passed over.
    /// </summary>
    private static async Task<Room?> TakeRoomLikeAsync(FangkongDb db, long roomId, RoomCandidate like, int people, CancellationToken ct)
    {
        // The whole row, tracked: the placing goes on with it without reading it again. The site was read under the
        // actor's filters; the SQL runs as written (no filter wrapped around the lock). The suggested room first, then
        // the next like it in the free-room index's order: one short index range from the suggested room on (ordering
        // by "is it the suggested one" read and sorted every free room of the kind); rooms before it only if none after.
        var kind = """
            SELECT * FROM "Rooms"
            WHERE "SiteId" = {0} AND "Accessible" = {1} AND "FamilyRoom" = {2} AND "OwnBathroom" = {3} AND "Single" = {4}
              AND "State" = 0 AND "Holders" = 0 AND ("Beds" >= {5} OR NOT "FamilyRoom")
            """;
        var tail = """ ORDER BY "Building", "Floor", "Number" LIMIT 1""" + (db.Database.IsNpgsql() ? " FOR UPDATE SKIP LOCKED" : "");
        var fromSuggested = kind + """ AND ("Building", "Floor", "Number") >= ({6}, {7}, {8})""" + tail;
        var anyLikeIt = kind + tail;
        var rooms = await db.Rooms.FromSqlRaw(fromSuggested,
                like.SiteId, like.Accessible, like.FamilyRoom, like.OwnBathroom, like.Single, people, like.Building, like.Floor, like.Number)
            .IgnoreQueryFilters().AsTracking().ToListAsync(ct);
        if (rooms.Count == 0)
            rooms = await db.Rooms.FromSqlRaw(anyLikeIt, like.SiteId, like.Accessible, like.FamilyRoom, like.OwnBathroom, like.Single, people)
                .IgnoreQueryFilters().AsTracking().ToListAsync(ct);
        return rooms.Count == 0 ? null : rooms[0];
    }

    /// <summary>
    /// Places the members in the rooms picked (as many per room as the pick says), in one transaction; on PostgreSQL
    /// the rooms are locked first (skipped, not waited for, when another allocation holds one). Answers the first
    /// member's stay, or why not.
    /// </summary>
    private async Task<(long? Stay, string? Error)> TryPlaceAsync(IReadOnlyList<Member> members, IReadOnlyList<RoomPick> picks, int? bed, bool waitForLock,
        RoomCandidate? orLike, bool familyRooms, CancellationToken ct, IReadOnlyDictionary<long, QuarantineSite>? knownSites = null)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var stays = new List<Stay>();
        var queue = new Queue<Member>(members);
        if (orLike is not null)
        {
            if (await TakeRoomLikeAsync(db, picks[0].RoomId, orLike, picks[0].People, ct) is not { } taken) return (null, NoRoomLike);
            picks = [picks[0] with { RoomId = taken.Id }];
        }
        else foreach (var pick in picks.OrderBy(p => p.RoomId))
        {
            var roomId = pick.RoomId;
            if (db.Database.IsNpgsql())
            {
                var locked = waitForLock
                    ? await db.Database.SqlQuery<long>($"""SELECT "Id" AS "Value" FROM "Rooms" WHERE "Id" = {roomId} FOR UPDATE""").ToListAsync(ct)
                    : await db.Database.SqlQuery<long>($"""SELECT "Id" AS "Value" FROM "Rooms" WHERE "Id" = {roomId} FOR UPDATE SKIP LOCKED""").ToListAsync(ct);
                // Waiting for the lock, no row means no such room; skipping locked rows, it may be another allocation's.
                if (locked.Count == 0) return (null, waitForLock ? SiteErrors.RoomNotFound : "room.busy");
            }
        }
        foreach (var pick in picks)
        {
            // The room taken above is tracked already; the site as the suggestion read it.
            var room = db.Rooms.Local.FirstOrDefault(r => r.Id == pick.RoomId) ?? await db.Rooms.FirstOrDefaultAsync(r => r.Id == pick.RoomId, ct);
            if (room is null) return (null, SiteErrors.RoomNotFound);
            var site = knownSites is not null && knownSites.TryGetValue(room.SiteId, out var known) ? known
                : await db.QuarantineSites.AsNoTracking().FirstAsync(s => s.Id == room.SiteId, ct);
            // A room holding nobody (its holder count is kept in the same transactions as the stays) needs no look at its stays.
            var roomStays = (room.Holders == 0 ? [] : await db.Stays.AsNoTracking().Where(s => s.OccupiedRoomId == room.Id).ToListAsync(ct))
                .Concat(stays.Where(s => s.RoomId == room.Id)).ToList();
            for (var i = 0; i < Math.Max(1, pick.People) && queue.Count > 0; i++)
            {
                var (order, person, _) = queue.Dequeue();
                var personStays = await db.Stays.IgnoreQueryFilters().AsNoTracking()
                    .Where(s => s.PersonId == order.PersonId && s.OccupiedRoomId != null && s.CountyCode == order.CountyCode).ToListAsync(ct);
                var result = StayRules.Allocate(new AllocateRequest(OrderFacts.Of(order), site, room, roomStays, personStays, HouseholdOf(person), bed, familyRooms,
                    StayRules.SitePhaseOf(order, Today)?.LeaveOn, Now, Actor.Name));
                if (!result.Ok) return (null, result.Error);
                var stay = result.Value!;
                stay.Version = 1;
                stays.Add(stay);
                roomStays.Add(stay);
                db.Stays.Add(stay);
            }
            // Touch the room so two allocations of one family room by two households cannot both pass the household check.
            room.Holders = roomStays.Count(s => s.Active);
            room.Version++;
            room.UpdatedAt = Now;
        }
        if (queue.Count > 0) return (null, SiteErrors.StayBedTaken);
        db.Audit.Reason = members.Count == 1 ? $"room allocated for order {members[0].Order.Id}" : $"household of {members.Count} allocated together (orders {string.Join(", ", members.Select(m => m.Order.Id))})";
        db.Audit.Rule = members[0].Order.RuleReference;
        try
        {
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
            return (stays[0].Id, null);
        }
        catch (DbUpdateException e) when (e is DbUpdateConcurrencyException || DbErrors.IsUniqueViolation(e) || DbErrors.IsRuleViolation(e, Migrations.StayBedInRoom.BedOutsideRoom))
        {
            return (null, e is DbUpdateConcurrencyException ? "room.version" : SiteErrors.StayBedTaken);
        }
    }

    /// <summary>
    /// The names of the people staying at sites the actor sees (a site's staff see who is in their rooms, wherever the
    /// person lives), read for exactly these ids.
    /// </summary>
    internal static async Task<Dictionary<long, string>> NamesAsync(FangkongDb db, string county, IEnumerable<long> personIds, CancellationToken ct)
    {
        var ids = personIds.Distinct().ToList();
        if (ids.Count == 0) return [];
        return await db.People.IgnoreQueryFilters().AsNoTracking().Where(p => ids.Contains(p.Id) && p.CountyCode == county).ToDictionaryAsync(p => p.Id, p => p.Name, ct);
    }

    public Task<bool> CheckInAsync(long stayId, CancellationToken ct = default) =>
        ChangeAsync(stayId, (db, stay, room, roomStays) => StayRules.CheckIn(stay, room, roomStays, Now, Actor.Name), "checked in", ct);

    /// <summary>
    /// Check-out at release, at conversion to home monitoring (not before the day the order's site phase ends: the home
    /// measure of the same order starts then) or on transfer to hospital. The room goes to terminal disinfection.
    /// </summary>
    /// <summary>
    /// Checks a person out of the site; going home or to hospital also requests the closed-loop transfer (site → home,
    /// site → hospital) that the transfers page then assigns a vehicle and driver to. A check-out to hospital names the
    /// hospital (<see cref="TripRules.HospitalName"/>, field "hospital"): it is the trip's destination and goes on the trail.
    /// </summary>
    public async Task<bool> CheckOutAsync(long stayId, StayOutcome outcome, string? hospital = null, CancellationToken ct = default)
    {
        string? hospitalName = null;
        if (outcome == StayOutcome.TransferredToHospital)
        {
            Actor.Require(Permissions.SitesWork);
            hospitalName = TripRules.HospitalName(hospital, "hospital", out var missing);
            if (missing is { } error) throw new ValidationFailedException([error]);
        }
        if (outcome is StayOutcome.ConvertedToHome or StayOutcome.TransferredToHospital)
        {
            // The transfer out is a trip, and a person is on one open trip at a time: one still open (a pick-up to the
            // site never marked arrived) is closed first, before the person is checked out and nothing is left half done.
            Actor.Require(Permissions.SitesWork);
            await using var db = await factory.CreateDbContextAsync(ct);
            if (await db.Stays.AsNoTracking().Where(s => s.Id == stayId).Select(s => new { s.PersonId, s.CountyCode }).FirstOrDefaultAsync(ct) is { } leaving
                && await TripService.OpenTripAsync(db, leaving.CountyCode, [leaving.PersonId], ct) is { } open)
            {
                var names = await NamesAsync(db, leaving.CountyCode, [leaving.PersonId], ct);
                throw TripService.OnOpenTrip(names.GetValueOrDefault(leaving.PersonId, ""), open.PersonId, open.TripId, open.Status);
            }
        }
        var done = await ChangeAsync(stayId, (db, stay, room, roomStays) =>
        {
            // The order's status only (the site's staff may not see the order itself: it belongs to the person's village).
            var status = db.Orders.IgnoreQueryFilters().Where(o => o.Id == stay.OrderId && o.CountyCode == stay.CountyCode).Select(o => (OrderStatus?)o.Status).FirstOrDefault();
            return StayRules.CheckOut(room, stay, roomStays, outcome, Now, Actor.Name, Today, status is { } s && ControlOrder.IsInForce(s));
        }, $"checked out: {outcome}" + (hospitalName is null ? "" : $" to {hospitalName}"), ct);
        if (done && outcome is StayOutcome.ConvertedToHome or StayOutcome.TransferredToHospital) await new TripService(factory, actor, time).RequestDischargeAsync(stayId, hospitalName, ct);
        if (done && outcome is StayOutcome.ConvertedToHome or StayOutcome.TransferredToHospital) await OrderFollowsStayAsync(stayId, outcome, hospitalName, ct);
        return done;
    }

    public Task<bool> CancelAsync(long stayId, string? reason, CancellationToken ct = default) =>
        ChangeAsync(stayId, (db, stay, room, roomStays) => StayRules.Cancel(stay, reason, Now) is { } error ? RuleResult<RoomEvent>.Fail(error) : RuleResult<RoomEvent>.Success(null),
            "allocation cancelled: " + reason, ct);

    private async Task<bool> ChangeAsync(long stayId, Func<FangkongDb, Stay, Room, IReadOnlyCollection<Stay>, RuleResult<RoomEvent>> change, string why, CancellationToken ct)
    {
        Actor.Require(Permissions.SitesWork);
        await using var db = await factory.CreateDbContextAsync(ct);
        return await ChangeInAsync(db, stayId, change, why, ct);
    }

    /// <summary>
    /// The sweep's safety net: stays still holding a bed whose order is no longer in force (the order was ended and the
    /// process stopped before its stay followed) are made to follow now. Returns how many followed. Safe on two nodes
    /// at once: the room row is the lock, a stay already followed is skipped.
    /// </summary>
    public async Task<int> ReconcileAsync(int max = 200, CancellationToken ct = default)
    {
        Actor.Require(Permissions.SitesWork);
        List<long> orders;
        await using (var db = await factory.CreateDbContextAsync(ct))
            orders = await db.Stays.AsNoTracking().Where(s => s.OccupiedRoomId != null)
                .Join(db.Orders.Where(o => o.Status == OrderStatus.Released || o.Status == OrderStatus.Cancelled || o.Status == OrderStatus.TransferredToHospital),
                    s => s.OrderId, o => o.Id, (s, o) => o.Id)
                .Distinct().OrderBy(id => id).Take(max).ToListAsync(ct);
        var followed = 0;
        foreach (var orderId in orders)
        {
            // Another node or a person at the site got there first, or this stay cannot follow now: the others still do,
            // and the next sweep tries it again.
            try { if (await FollowOrderAsync(orderId, ct)) followed++; }
            catch (Exception e) when (e is not OperationCanceledException) { }
        }
        return followed;
    }

    /// <summary>
    /// The order decides, the stay follows: an order transferred to hospital, cancelled or released ends its stay (a
    /// person checked in is checked out — to hospital, or released — and the room goes into turnover; a room only
    /// allocated is freed), and an extended order moves the stay's leave day. Run after every such change of the order,
    /// by whoever made it: the right over the order carries the right over its stay, though the stay is the site's
    /// (<see cref="OnBehalf"/>). Answers whether the stay changed.
    /// </summary>
    public async Task<bool> FollowOrderAsync(long orderId, CancellationToken ct = default)
    {
        Stay? stay;
        ControlOrder? order;
        await using (var read = await factory.CreateDbContextAsync(ct))
        {
            order = await read.Orders.AsNoTracking().Include(o => o.Measures).FirstOrDefaultAsync(o => o.Id == orderId, ct);
            if (order is null) return false;
            stay = await read.Stays.IgnoreQueryFilters().AsNoTracking()
                .FirstOrDefaultAsync(s => s.OrderId == orderId && s.CountyCode == order.CountyCode && s.OccupiedRoomId != null, ct);
        }
        if (stay is null) return false;
        Func<FangkongDb, Stay, Room, IReadOnlyCollection<Stay>, RuleResult<RoomEvent>> change;
        string why;
        if (ControlOrder.IsInForce(order.Status))
        {
            var leave = StayRules.SitePhaseOf(order, Today)?.LeaveOn;
            if (leave is null || leave == stay.LeaveOn) return false;
            change = (_, st, _, _) => { st.LeaveOn = leave; st.UpdatedAt = Now; return RuleResult<RoomEvent>.Success(null); };
            why = $"leave day moved to {leave:yyyy-MM-dd} (order {order.Status.ToString().ToLowerInvariant()})";
        }
        else
        {
            var (outcome, word) = order.Status switch
            {
                OrderStatus.TransferredToHospital => (StayOutcome.TransferredToHospital, "transferred to hospital"),
                OrderStatus.Cancelled => (StayOutcome.Released, "cancelled"),
                OrderStatus.Released => (StayOutcome.Released, "released"),
                _ => (StayOutcome.None, ""),
            };
            if (outcome == StayOutcome.None) return false;
            if (stay.Status == StayStatus.CheckedIn)
            {
                change = (_, st, room, roomStays) => StayRules.CheckOut(room, st, roomStays, outcome, Now, Actor.Name, Today, orderInForce: false);
                why = $"checked out: {outcome} (order {word})";
            }
            else
            {
                change = (_, st, _, _) => StayRules.Cancel(st, $"order {word}", Now) is { } error ? RuleResult<RoomEvent>.Fail(error) : RuleResult<RoomEvent>.Success(null);
                why = $"allocation cancelled: order {word}";
            }
        }
        await using var db = onBehalf.Context(Actor, JurisdictionScope.Of(stay.CountyCode, stay.ScopeKey));
        return await ChangeInAsync(db, stay.Id, change, why, ct);
    }

    /// <summary>
    /// The stay decides, the order follows, on the stay's authority though the order is the person's village's: a person
    /// checked out of a site to hospital has the order transferred to hospital too (no more report tasks for someone in
    /// hospital); a person checked out to the home measure has the order converted to it now (<see cref="OrderRules.Convert"/>,
    /// the same conversion the sweep would make that night), when the order is due to convert.
    /// </summary>
    private async Task OrderFollowsStayAsync(long stayId, StayOutcome outcome, string? hospital, CancellationToken ct)
    {
        long orderId;
        string county;
        await using (var read = await factory.CreateDbContextAsync(ct))
        {
            var stay = await read.Stays.AsNoTracking().FirstOrDefaultAsync(s => s.Id == stayId, ct);
            if (stay is null) return;
            (orderId, county) = (stay.OrderId, stay.CountyCode);
        }
        await using (var probe = await factory.CreateDbContextAsync(ct))
        {
            var scopeKey = await probe.Orders.IgnoreQueryFilters().Where(o => o.Id == orderId && o.CountyCode == county).Select(o => o.ScopeKey).FirstOrDefaultAsync(ct);
            if (scopeKey is null) return;
            await using var db = onBehalf.Context(Actor, JurisdictionScope.Of(county, scopeKey));
            if (outcome == StayOutcome.TransferredToHospital)
            {
                var order = await db.Orders.FirstOrDefaultAsync(o => o.Id == orderId, ct);
                if (order is null || !ControlOrder.IsOpen(order.Status)) return;
                order.Status = OrderStatus.TransferredToHospital;
                order.StatusReason = $"checked out of the site to hospital: {hospital}";
                db.Audit.Reason = order.StatusReason;
                db.Audit.Rule = "stay#transferred-to-hospital";
                order.Version++;
                order.UpdatedAt = Now;
            }
            else
            {
                var order = await db.Orders.Include(o => o.Measures).FirstOrDefaultAsync(o => o.Id == orderId, ct);
                // Already converted by the sweep, or not the order's day to convert: nothing to follow.
                if (order is null || OrderRules.Convert(order, Today) is null) return;
                // The conversion is the order's own rule (7 days at a site, then home), applied on the check-out.
                db.Audit.Reason = "checked out of the site to the home measure";
                db.Audit.Rule = order.RuleReference;
                order.Version++;
                order.UpdatedAt = Now;
            }
            try { await db.SaveChangesAsync(ct); }
            catch (DbUpdateConcurrencyException) when (outcome == StayOutcome.ConvertedToHome)
            {
                // Changed meanwhile (the sweep converting it at the same moment): the sweep converts it if nobody did.
            }
        }
    }

    private async Task<bool> ChangeInAsync(FangkongDb db, long stayId, Func<FangkongDb, Stay, Room, IReadOnlyCollection<Stay>, RuleResult<RoomEvent>> change, string why, CancellationToken ct)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var stay = await db.Stays.FirstOrDefaultAsync(s => s.Id == stayId, ct);
        if (stay is null) return false;
        var room = await db.Rooms.FirstAsync(r => r.Id == stay.RoomId, ct);
        var roomStays = await db.Stays.AsNoTracking().Where(s => s.OccupiedRoomId == room.Id).ToListAsync(ct);
        var result = change(db, stay, room, roomStays);
        if (!result.Ok) throw SiteRefusal.Of(result.Error!);
        if (result.Value is { } moved) db.RoomEvents.Add(moved);
        room.Holders = roomStays.Count(s => s.Id != stay.Id && s.Active) + (stay.Active && stay.OccupiedRoomId == room.Id ? 1 : 0);
        stay.Version++;
        room.Version++;
        room.UpdatedAt = Now;
        db.Audit.Reason = why;
        db.Audit.Rule = "stay#" + stay.Status.ToString().ToLowerInvariant();
        try
        {
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
        }
        catch (DbUpdateConcurrencyException) { throw new ConflictException("stay.version", "the stay or room was changed by someone else; reload"); }
        return true;
    }

    /// <summary>Stays of the sites the actor sees: active ones (or all), newest first.</summary>
    public async Task<IReadOnlyList<StayItem>> ListAsync(long? siteId = null, long? orderId = null, bool activeOnly = true, CancellationToken ct = default)
    {
        Actor.Require(Permissions.SitesRead);
        await using var db = await factory.CreateDbContextAsync(ct);
        // Stays, rooms and sites under the actor's filters; the names are read afterwards for exactly those stays (a
        // join with the unfiltered people would switch the filters off for the whole query).
        var q = from s in db.Stays.AsNoTracking()
                join r in db.Rooms.AsNoTracking() on s.RoomId equals r.Id
                join site in db.QuarantineSites.AsNoTracking() on s.SiteId equals site.Id
                select new { s, r.Building, r.Number, SiteName = site.Name };
        if (siteId is { } sid) q = q.Where(x => x.s.SiteId == sid);
        if (orderId is { } oid) q = q.Where(x => x.s.OrderId == oid);
        if (activeOnly) q = q.Where(x => x.s.OccupiedRoomId != null);
        var rows = await q.OrderByDescending(x => x.s.AllocatedAt).Take(500).ToListAsync(ct);
        var names = await NamesAsync(db, Actor.Scope.CountyCode, rows.Select(x => x.s.PersonId), ct);
        return rows.Select(x => new StayItem(x.s.Id, x.s.OrderId, x.s.PersonId, names.GetValueOrDefault(x.s.PersonId, ""), x.s.SiteId, x.SiteName, x.s.RoomId, $"{x.Building}-{x.Number}", x.s.Bed,
            x.s.Status, x.s.Outcome, x.s.AllocatedAt, x.s.CheckedInAt, x.s.CheckedOutAt, x.s.LeaveOn, x.s.Version)).ToList();
    }
}
