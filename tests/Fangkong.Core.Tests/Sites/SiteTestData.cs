using Fangkong.Core.Sites;

namespace Fangkong.Core.Tests.Sites;

/// <summary>Small builders shared by the site tests: one county (411326), a township (411326101), fixed instants.</summary>
internal static class SiteTestData
{
    public const string County = "411326";
    public const string Township = "411326101";
    public static readonly DateTime T0 = new(2022, 9, 10, 2, 0, 0, DateTimeKind.Utc);
    /// <summary>The county's date at <see cref="T0"/> (10:00 Beijing time).</summary>
    public static readonly DateOnly Day0 = new(2022, 9, 10);

    public static DateOnly D(string s) => DateOnly.Parse(s, System.Globalization.CultureInfo.InvariantCulture);

    public static QuarantineSite Site(long id = 1, SiteStatus status = SiteStatus.InService, int reserve = 0, SiteLevel level = SiteLevel.Township, string scope = Township) => new()
    {
        Id = id,
        CountyCode = County,
        ScopeKey = scope,
        Name = "青山宾馆",
        Level = level,
        Status = status,
        ReserveRooms = reserve,
    };

    public static Room Room(long id = 10, long siteId = 1, RoomState state = RoomState.Ready, bool family = false, int beds = 1, string number = "301") => new()
    {
        Id = id,
        CountyCode = County,
        ScopeKey = Township,
        SiteId = siteId,
        Building = "1号楼",
        Floor = 3,
        Number = number,
        Single = !family,
        OwnBathroom = true,
        FamilyRoom = family,
        Beds = beds,
        State = state,
        StateChangedAt = T0.AddDays(-1),
    };

    public static Stay Stay(long id, long roomId = 10, StayStatus status = StayStatus.Allocated, int bed = 1, string? household = null, long personId = 0) => new()
    {
        Id = id,
        CountyCode = County,
        ScopeKey = Township,
        SiteId = 1,
        RoomId = roomId,
        OccupiedRoomId = Fangkong.Core.Sites.Stay.IsActive(status) ? roomId : null,
        Bed = bed,
        HouseholdKey = household,
        PersonId = personId == 0 ? 1000 + id : personId,
        Status = status,
    };
}
