using Fangkong.Core.Sites;

namespace Fangkong.Core.Tests.Sites;

public class AllocationRulesTests
{
    private const string County = "411326", T101 = "411326101", T102 = "411326102";
    private static readonly AllocationNeed Alone = new(PersonScopeKey: T101 + "200");
    private static readonly AllocationOptions NoFamily = new(AllowFamilyRooms: false);

    private static RoomCandidate C(
        long room, long site = 1, string number = "301", int floor = 3, string building = "1",
        bool single = true, bool bath = true, bool accessible = false, bool family = false, int beds = 1,
        SiteStatus status = SiteStatus.InService, int reserve = 0, SiteLevel level = SiteLevel.Township, string scope = T101,
        RoomState state = RoomState.Ready) =>
        new(site, level, scope, status, reserve, room, building, floor, number, single, bath, accessible, family, beds, state);

    private static long[] Ids(IReadOnlyList<AllocationSuggestion> s) => s.Select(x => x.Rooms[0].RoomId).ToArray();

    // A person alone -----------------------------------------------------------------------------------------------

    [Fact]
    public void Single_SingleRoomWithOwnBathroomFirst()
    {
        var s = AllocationRules.Suggest(Alone, [
            C(1, number: "301", single: true, bath: false),
            C(2, number: "302", single: false, bath: true, beds: 2),
            C(3, number: "303", single: false, bath: false, beds: 2),
            C(4, number: "304", single: true, bath: true),
        ]);
        Assert.Equal([4L, 2, 1, 3], Ids(s));
        Assert.Equal(["single-own-bathroom", "own-bathroom", "shared-bathroom", "shared-bathroom"], s.Select(x => x.Reason));
        Assert.All(s, x => Assert.Equal(AllocationFlags.None, x.Flags));
        Assert.All(s, x => Assert.Equal(1, Assert.Single(x.Rooms).People));
    }

    [Theory]
    [InlineData(RoomState.Occupied)]
    [InlineData(RoomState.AwaitingDisinfection)]
    [InlineData(RoomState.Disinfected)]
    [InlineData(RoomState.SuppliesReplaced)]
    [InlineData(RoomState.OutOfService)]
    public void RoomsThatAreNotReady_AreNeverSuggested(RoomState state)
    {
        var s = AllocationRules.Suggest(Alone, [C(1, state: state), C(2, number: "302", bath: false)]);
        Assert.Equal([2L], Ids(s));
        Assert.Empty(AllocationRules.Suggest(Alone, [C(1, state: state)]));
    }

    [Theory]
    [InlineData(SiteStatus.Preparing)]
    [InlineData(SiteStatus.StandbyReserve)]
    [InlineData(SiteStatus.Closed)]
    public void SitesThatDoNotReceive_AreNeverSuggested(SiteStatus status)
    {
        Assert.Empty(AllocationRules.Suggest(Alone, [C(1, status: status)]));
    }

    [Fact]
    public void RoomWithoutAFreeBed_IsNotSuggested()
    {
        Assert.Empty(AllocationRules.Suggest(Alone, [C(1, beds: 0)]));
    }

    [Fact]
    public void QualityComesBeforeProximity()
    {
        var s = AllocationRules.Suggest(Alone, [C(1, site: 1, scope: T101, bath: false), C(2, site: 2, scope: T102)]);
        Assert.Equal([2L, 1], Ids(s));
    }

    [Fact]
    public void SameRoomListedTwice_IsSuggestedOnce()
    {
        Assert.Single(AllocationRules.Suggest(Alone, [C(1), C(1)]));
    }

    // Standby sites and reserve rooms -------------------------------------------------------------------------------

    [Fact]
    public void StandbySite_NotSuggestedWhileAnInServiceSiteHasRoom()
    {
        var s = AllocationRules.Suggest(Alone, [C(1, site: 1, bath: false), C(2, site: 2, status: SiteStatus.StandbyReserve)]);
        Assert.Equal([1L], Ids(s));
    }

    [Fact]
    public void StandbySite_IsNeverSuggested_EvenWhenNothingElseIsFree()
    {
        // A standby site is put in service first (its staff called in); until then it takes nobody, for a household neither.
        Assert.Empty(AllocationRules.Suggest(Alone, [C(1, site: 1, state: RoomState.Occupied), C(2, site: 2, status: SiteStatus.StandbyReserve)]));
        Assert.Empty(AllocationRules.Suggest(new AllocationNeed(People: 2), [
            C(1, site: 2, status: SiteStatus.StandbyReserve, family: true, beds: 3),
            C(2, site: 2, number: "302", status: SiteStatus.StandbyReserve), C(3, site: 2, number: "303", status: SiteStatus.StandbyReserve)]));
    }

    [Fact]
    public void ReserveRoomOfARunningSite_ComesBeforeAStandbySite()
    {
        var s = AllocationRules.Suggest(Alone, [C(1, site: 1, reserve: 1), C(2, site: 2, status: SiteStatus.StandbyReserve)]);
        var only = Assert.Single(s);
        Assert.Equal(1, only.SiteId);
        Assert.Equal(AllocationFlags.Reserve, only.Flags);
    }

    [Fact]
    public void SiteFreeCounts_DecideTheReserve_WhenOnlyEachSitesFirstRoomsArePassed()
    {
        // Site 1 passes one room but has 3 free with 2 held back: not its reserve. Site 2 has only its one room free.
        RoomCandidate[] firsts = [C(1, site: 1, reserve: 2), C(2, site: 2, reserve: 1, number: "101")];
        var s = AllocationRules.Suggest(Alone, firsts, siteFreeRooms: new Dictionary<long, int> { [1] = 3, [2] = 1 });
        Assert.Equal(1, Assert.Single(s).SiteId);
        Assert.Equal(AllocationFlags.None, s[0].Flags);
        // Without the counts the one room passed for site 1 looks like its reserve too: both are last resorts.
        var counted = AllocationRules.Suggest(Alone, firsts);
        Assert.All(counted, x => Assert.Equal(AllocationFlags.Reserve, x.Flags));
        Assert.Equal(2, counted.Count);
    }

    [Fact]
    public void Reserve_IsUntouched_WhileAnotherSiteHasAFreeRoom()
    {
        // Site 1 has two ready rooms and holds two back; site 2, farther and with a shared bathroom, is used instead.
        var s = AllocationRules.Suggest(Alone, [
            C(1, site: 1, number: "301", reserve: 2), C(2, site: 1, number: "302", reserve: 2),
            C(3, site: 2, scope: T102, bath: false),
        ]);
        Assert.Equal([3L], Ids(s));
    }

    [Fact]
    public void Reserve_IsUsedWhenNothingElseIsFree_AndFlagged()
    {
        var s = AllocationRules.Suggest(Alone, [C(1, number: "301", reserve: 2), C(2, number: "302", reserve: 2)]);
        Assert.Equal([1L, 2], Ids(s));
        Assert.All(s, x => Assert.Equal(AllocationFlags.Reserve, x.Flags));
    }

    [Fact]
    public void Reserve_IsACount_RoomsAboveItAreFree()
    {
        // Three ready rooms, two held back: taking any one leaves the two.
        var s = AllocationRules.Suggest(Alone, [C(1, number: "301", reserve: 2), C(2, number: "302", reserve: 2), C(3, number: "303", reserve: 2)]);
        Assert.Equal(3, s.Count);
        Assert.All(s, x => Assert.Equal(AllocationFlags.None, x.Flags));
    }

    [Fact]
    public void Reserve_CountsEveryReadyRoomOfTheSite_EvenUnsuitableOnes()
    {
        // The accessible room is not for this person, but it is one of the site's ready rooms: the normal room is not reserve.
        var s = AllocationRules.Suggest(Alone, [C(1, number: "301", reserve: 1), C(2, number: "302", accessible: true, reserve: 1)]);
        Assert.Equal([1L], Ids(s));
        Assert.Equal(AllocationFlags.None, s[0].Flags);
    }

    // Accessible rooms ------------------------------------------------------------------------------------------------

    [Fact]
    public void AccessibleRooms_AreKeptForThoseWhoNeedThem()
    {
        var s = AllocationRules.Suggest(Alone, [C(1, number: "301", accessible: true), C(2, number: "302", bath: false, single: false)]);
        Assert.Equal([2L], Ids(s));
    }

    [Fact]
    public void AccessibleRoom_ForSomeoneWhoDoesNotNeedIt_OnlyWhenNothingElse()
    {
        var s = AllocationRules.Suggest(Alone, [C(1, accessible: true)]);
        Assert.Equal(AllocationFlags.AccessibleForNonNeed, Assert.Single(s).Flags);
    }

    [Fact]
    public void SomeoneWhoNeedsAnAccessibleRoom_GetsOne_EvenFartherAndWithASharedBathroom()
    {
        var need = Alone with { AccessibleMembers = 1 };
        var s = AllocationRules.Suggest(need, [C(1, site: 1, number: "301"), C(2, site: 2, scope: T102, accessible: true, bath: false)]);
        var only = Assert.Single(s);
        Assert.Equal(2, only.Rooms[0].RoomId);
        Assert.Equal("accessible", only.Reason);
        Assert.Equal(AllocationFlags.None, only.Flags);
    }

    [Fact]
    public void NoAccessibleRoomAnywhere_FallsBackWithAFlag()
    {
        var s = AllocationRules.Suggest(Alone with { AccessibleMembers = 1 }, [C(1)]);
        Assert.Equal(AllocationFlags.AccessibleUnavailable, Assert.Single(s).Flags);
    }

    [Fact]
    public void AccessibleNeed_OutweighsTheReserve()
    {
        // An accessible reserve room is better than an inaccessible free one for a wheelchair user.
        var need = Alone with { AccessibleMembers = 1 };
        var s = AllocationRules.Suggest(need, [C(1, site: 1, accessible: true, reserve: 1), C(2, site: 2, scope: T102)]);
        var only = Assert.Single(s);
        Assert.Equal(1L, only.Rooms[0].RoomId);
        Assert.Equal(AllocationFlags.Reserve, only.Flags);
    }

    [Fact]
    public void ReserveIsMoreProtectedThanAccessibleRooms()
    {
        // Reserve rooms are not free; an accessible room that is free is used first (flagged).
        var s = AllocationRules.Suggest(Alone, [C(1, site: 1, reserve: 1), C(2, site: 2, scope: T102, accessible: true)]);
        var only = Assert.Single(s);
        Assert.Equal(2L, only.Rooms[0].RoomId);
        Assert.Equal(AllocationFlags.AccessibleForNonNeed, only.Flags);
    }

    // Family rooms for a person alone -----------------------------------------------------------------------------------

    [Fact]
    public void FamilyRooms_AreKeptForHouseholds_WhenThePackAllowsThem()
    {
        var s = AllocationRules.Suggest(Alone, [C(1, number: "301", family: true, single: false, beds: 3), C(2, number: "302", bath: false)]);
        Assert.Equal([2L], Ids(s));
        var last = AllocationRules.Suggest(Alone, [C(1, family: true, single: false, beds: 3)]);
        Assert.Equal(AllocationFlags.FamilyRoomForSingle, Assert.Single(last).Flags);
    }

    [Fact]
    public void FamilyRooms_AreOrdinaryRooms_WhenThePackForbidsSharing()
    {
        var s = AllocationRules.Suggest(Alone, [C(1, number: "301", family: true, single: false, beds: 3), C(2, number: "302", bath: false)], NoFamily);
        Assert.Equal([1L, 2], Ids(s));
        Assert.Equal("own-bathroom", s[0].Reason);
        Assert.All(s, x => Assert.Equal(AllocationFlags.None, x.Flags));
    }

    // Households ------------------------------------------------------------------------------------------------------

    private static readonly AllocationNeed Household3 = new(People: 3, PersonScopeKey: T101 + "200");

    [Fact]
    public void Household_InAFamilyRoomWithEnoughBeds_FewestSpareBedsFirst()
    {
        var s = AllocationRules.Suggest(Household3, [
            C(10, number: "310", family: true, single: false, beds: 4),
            C(11, number: "311", family: true, single: false, beds: 3),
            C(12, number: "312", family: true, single: false, beds: 2),
            C(1, number: "301"), C(2, number: "302"), C(3, number: "303"),
        ]);
        Assert.Equal("family-room", s[0].Reason);
        Assert.Equal(11L, s[0].Rooms.Single().RoomId);
        Assert.Equal(3, s[0].Rooms.Single().People);
        Assert.Equal(10L, s[1].Rooms.Single().RoomId);
        // The 2-bed family room cannot take three; the adjacent rooms come after the family rooms.
        Assert.DoesNotContain(s, x => x.Rooms.Any(r => r.RoomId == 12 && r.People == 3));
        Assert.Equal("adjacent-rooms", s[2].Reason);
    }

    [Fact]
    public void Household_SplitIntoAdjacentRooms_WhenFamilyRoomsAreNotAllowed()
    {
        var s = AllocationRules.Suggest(Household3, [
            C(10, number: "310", family: true, single: false, beds: 4),
            C(5, number: "305"), C(3, number: "303"), C(1, number: "301"), C(2, number: "302"),
        ], NoFamily);
        var first = s[0];
        Assert.Equal("adjacent-rooms", first.Reason);
        Assert.Equal(["301", "302", "303"], first.Rooms.Select(r => r.Number));
        Assert.All(first.Rooms, r => Assert.Equal(1, r.People));
        Assert.Single(s); // one suggestion per floor
    }

    [Fact]
    public void Household_AdjacentRooms_TakeTheClosestNumbers()
    {
        var s = AllocationRules.Suggest(Household3 with { People = 2 }, [C(1, number: "301"), C(5, number: "305"), C(6, number: "306")], NoFamily);
        Assert.Equal(["305", "306"], Assert.Single(s).Rooms.Select(r => r.Number));
    }

    [Fact]
    public void Household_IsNotSplitAcrossFloorsOrSites()
    {
        var rooms = new[] { C(1, number: "301", floor: 3), C(2, number: "401", floor: 4), C(3, site: 2, number: "302", floor: 3) };
        Assert.Empty(AllocationRules.Suggest(Household3 with { People = 2 }, rooms, NoFamily));
    }

    [Fact]
    public void Household_OneSuggestionPerFloor_InSiteBuildingFloorOrder()
    {
        var s = AllocationRules.Suggest(Household3 with { People = 2 }, [
            C(1, number: "401", floor: 4), C(2, number: "402", floor: 4),
            C(3, number: "301", floor: 3), C(4, number: "302", floor: 3),
        ], NoFamily);
        Assert.Equal([3, 4], s.Select(x => x.Rooms[0].Floor));
    }

    [Fact]
    public void Household_WithAnAccessibleMember_GetsExactlyTheAccessibleRoomsItNeeds()
    {
        var rooms = new[] { C(1, number: "301", accessible: true), C(2, number: "302"), C(3, number: "303"), C(4, number: "304") };
        var needing = AllocationRules.Suggest(Household3 with { People = 2, AccessibleMembers = 1 }, rooms, NoFamily);
        Assert.Equal(["301", "302"], Assert.Single(needing).Rooms.Select(r => r.Number));
        Assert.Equal(AllocationFlags.None, needing[0].Flags);
        var notNeeding = AllocationRules.Suggest(Household3 with { People = 2 }, rooms, NoFamily);
        Assert.Equal(["302", "303"], Assert.Single(notNeeding).Rooms.Select(r => r.Number));
    }

    [Fact]
    public void Household_WithAnAccessibleMember_NeedsAnAccessibleFamilyRoom()
    {
        var need = Household3 with { AccessibleMembers = 1 };
        var s = AllocationRules.Suggest(need, [
            C(10, number: "310", family: true, single: false, beds: 3),
            C(11, number: "311", family: true, single: false, beds: 4, accessible: true),
        ]);
        Assert.Equal(11L, Assert.Single(s).Rooms[0].RoomId);
    }

    [Fact]
    public void Household_AdjacentRoomsThatDipIntoTheReserve_AreFlagged()
    {
        // Three ready rooms, two held back: a family room leaves two, two adjacent rooms would leave one.
        var rooms = new[] { C(1, number: "301", reserve: 2), C(2, number: "302", reserve: 2), C(3, number: "303", reserve: 2) };
        var s = AllocationRules.Suggest(Household3 with { People = 2 }, rooms, NoFamily);
        Assert.Equal(AllocationFlags.Reserve, Assert.Single(s).Flags);
    }

    [Fact]
    public void Household_AdjacentRoomsAvoidFamilyRooms_KeptForOtherHouseholds()
    {
        var s = AllocationRules.Suggest(Household3 with { People = 2 }, [
            C(1, number: "301", family: true, single: false, beds: 1), C(2, number: "302"), C(3, number: "303"),
        ]);
        Assert.Equal(["302", "303"], Assert.Single(s).Rooms.Select(r => r.Number));
    }

    // Proximity, level and ties -----------------------------------------------------------------------------------------

    [Fact]
    public void Proximity_SameTownshipFirst_ThenTheCounty()
    {
        var s = AllocationRules.Suggest(Alone, [
            C(1, site: 1, scope: County, level: SiteLevel.County),
            C(2, site: 2, scope: T102),
            C(3, site: 3, scope: T101),
            C(4, site: 4, scope: "411327101"),
        ]);
        Assert.Equal([3L, 1, 2, 4], Ids(s));
    }

    [Fact]
    public void Distance_BreaksTiesOfProximity_UnknownDistancesLast()
    {
        var need = Alone with { PersonScopeKey = T101 + "200", SiteDistances = new Dictionary<long, int> { [2] = 30, [3] = 12 } };
        var s = AllocationRules.Suggest(need, [
            C(1, site: 1, scope: County, level: SiteLevel.County),
            C(2, site: 2, scope: T102),
            C(3, site: 3, scope: "411326103"),
        ]);
        Assert.Equal([3L, 2, 1], Ids(s));
    }

    [Fact]
    public void PreferredLevel_ComesBeforeProximity_AndTheOtherLevelIsFlagged()
    {
        var need = Alone with { PreferredLevel = SiteLevel.County };
        var s = AllocationRules.Suggest(need, [C(1, site: 1, scope: T101), C(2, site: 2, scope: County, level: SiteLevel.County)]);
        Assert.Equal([2L, 1], Ids(s));
        Assert.Equal(AllocationFlags.None, s[0].Flags);
        Assert.Equal(AllocationFlags.OtherLevel, s[1].Flags);
    }

    [Fact]
    public void Ties_BreakBySiteBuildingFloorNumber_Naturally()
    {
        var rooms = new[]
        {
            C(1, site: 2, building: "1", floor: 3, number: "301"),
            C(2, site: 1, building: "10", floor: 3, number: "301"),
            C(3, site: 1, building: "2", floor: 10, number: "1001"),
            C(4, site: 1, building: "2", floor: 3, number: "310"),
            C(5, site: 1, building: "2", floor: 3, number: "302"),
        };
        var expected = new long[] { 5, 4, 3, 2, 1 };
        Assert.Equal(expected, Ids(AllocationRules.Suggest(Alone, rooms)));
        Assert.Equal(expected, Ids(AllocationRules.Suggest(Alone, rooms.Reverse())));
    }

    [Fact]
    public void MaxSuggestions_CutsTheList()
    {
        var rooms = Enumerable.Range(1, 30).Select(i => C(i, number: (300 + i).ToString(System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal(10, AllocationRules.Suggest(Alone, rooms).Count);
        Assert.Equal(3, AllocationRules.Suggest(Alone, rooms, new AllocationOptions(MaxSuggestions: 3)).Count);
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(2, 3)]
    [InlineData(1, -1)]
    public void ImpossibleNeeds_Throw(int people, int accessible)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => AllocationRules.Suggest(new AllocationNeed(people, accessible), [C(1)]));
    }

    [Fact]
    public void Candidate_FromSiteAndRoom()
    {
        var site = SiteTestData.Site(id: 7, reserve: 2);
        var room = SiteTestData.Room(id: 70, siteId: 7, family: true, beds: 4);
        var c = RoomCandidate.Of(site, room);
        Assert.Equal((7L, 70L, 2, 4, true), (c.SiteId, c.RoomId, c.SiteReserveRooms, c.FreeBeds, c.FamilyRoom));
    }

    [Theory]
    [InlineData("411326101200", "411326101", null, 1)]
    [InlineData("411326101200", "411326", null, 2)]
    [InlineData("411326101200", "411326102", null, 2)]
    [InlineData("411326101200", "411327101", null, 3)]
    [InlineData("", "411326101", null, 3)]
    // Where the site stands, when known: a county site in the person's own village, or in their township.
    [InlineData("411326101200", "411326", "411326101200", 0)]
    [InlineData("411326101200005", "411326", "411326101200", 0)]
    [InlineData("411326101200", "411326", "411326101201", 1)]
    [InlineData("411326101200", "411326101", "411326102203", 2)]
    public void Proximity_ByThePlacesShared(string person, string site, string? location, int expected)
    {
        Assert.Equal(expected, AllocationRules.Proximity(person, site, location));
    }

    [Fact]
    public void AmongEqualRooms_TheSiteStandingNearerThePersonComesFirst()
    {
        var far = C(1, site: 1, level: SiteLevel.County, scope: "411326") with { SiteLocationKey = "411326102203" };
        var near = C(2, site: 2, level: SiteLevel.County, scope: "411326") with { SiteLocationKey = "411326101201" };
        var suggestions = AllocationRules.Suggest(new AllocationNeed(PersonScopeKey: "411326101200"), [far, near]);
        Assert.Equal(2, suggestions[0].Rooms[0].RoomId);
    }

    // Travel times by road (the county's 转运车程 table) ------------------------------------------------------------------

    private static AllocationNeed Minutes(params (long Site, int Minutes)[] times) =>
        Alone with { SiteDistances = times.ToDictionary(t => t.Site, t => t.Minutes) };

    [Fact]
    public void KnownTravelTimes_ComeBeforeThePlacesShared_NearerFirst()
    {
        // Site 3 is in the person's own township but has no time entered; sites 1 and 2 were measured.
        var s = AllocationRules.Suggest(Minutes((1, 40), (2, 15)), [
            C(1, site: 1, scope: T102),
            C(2, site: 2, scope: County, level: SiteLevel.County),
            C(3, site: 3, scope: T101),
        ]);
        Assert.Equal([2L, 1, 3], Ids(s));
        Assert.Equal([15, 40, (int?)null], s.Select(x => x.TravelMinutes));
    }

    [Fact]
    public void SitesWithoutATime_StillFollowThePlacesShared()
    {
        var s = AllocationRules.Suggest(Minutes((4, 90)), [
            C(1, site: 1, scope: County, level: SiteLevel.County),
            C(2, site: 2, scope: T102),
            C(3, site: 3, scope: T101),
            C(4, site: 4, scope: "411326103"),
        ]);
        Assert.Equal([4L, 3, 1, 2], Ids(s));
    }

    [Fact]
    public void EqualMinutes_ThePlacesSharedDecide()
    {
        var s = AllocationRules.Suggest(Minutes((1, 20), (2, 20)), [C(1, site: 1, scope: T102), C(2, site: 2, scope: T101)]);
        Assert.Equal([2L, 1], Ids(s));
    }

    [Fact]
    public void NoTimes_OrAnEmptyTable_RankAsBefore()
    {
        RoomCandidate[] rooms = [C(1, site: 1, scope: County, level: SiteLevel.County), C(2, site: 2, scope: T102), C(3, site: 3, scope: T101)];
        var before = Ids(AllocationRules.Suggest(Alone, rooms));
        Assert.Equal([3L, 1, 2], before);
        Assert.Equal(before, Ids(AllocationRules.Suggest(Minutes(), rooms)));
        // Times of sites that have no free room change nothing either.
        Assert.Equal(before, Ids(AllocationRules.Suggest(Minutes((9, 5)), rooms)));
        Assert.All(AllocationRules.Suggest(Alone, rooms), x => Assert.Null(x.TravelMinutes));
    }

    [Fact]
    public void ThePreferredLevel_ComesBeforeTheMinutes()
    {
        var need = Minutes((1, 5), (2, 90)) with { PreferredLevel = SiteLevel.County };
        var s = AllocationRules.Suggest(need, [C(1, site: 1, scope: T101), C(2, site: 2, scope: County, level: SiteLevel.County)]);
        Assert.Equal([2L, 1], Ids(s));
        Assert.Equal(AllocationFlags.OtherLevel, s[1].Flags);
    }

    [Fact]
    public void AStandardRoomFarAway_ComesBeforeASharedBathroomNearby()
    {
        var s = AllocationRules.Suggest(Minutes((1, 5), (2, 120)), [C(1, site: 1, bath: false), C(2, site: 2, scope: T102)]);
        Assert.Equal([2L, 1], Ids(s));
    }

    [Fact]
    public void ReserveRooms_StayLastResorts_HoweverNearTheirSite()
    {
        var s = AllocationRules.Suggest(Minutes((1, 5), (2, 200)), [C(1, site: 1, reserve: 1), C(2, site: 2, scope: T102)]);
        Assert.Equal([2L], Ids(s));
    }

    [Fact]
    public void AHousehold_GoesToTheNearerSite_ByMinutes()
    {
        var need = Household3 with { People = 2, SiteDistances = new Dictionary<long, int> { [1] = 70, [2] = 25 } };
        var s = AllocationRules.Suggest(need, [
            C(1, site: 1, number: "301"), C(2, site: 1, number: "302"),
            C(3, site: 2, number: "301", scope: T102), C(4, site: 2, number: "302", scope: T102),
        ], NoFamily);
        Assert.Equal(2, s[0].SiteId);
        Assert.Equal(25, s[0].TravelMinutes);
        Assert.Equal([3L, 4], s[0].Rooms.Select(r => r.RoomId));
    }
}
