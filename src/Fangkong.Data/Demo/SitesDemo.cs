using System.Globalization;
using System.Text;
using Fangkong.Core.Accounts;
using Fangkong.Core.Jurisdictions;
using Fangkong.Core.Orders;
using Fangkong.Core.Policy;
using Fangkong.Core.Sites;
using Fangkong.Data.Infrastructure;
using Fangkong.Data.Orders;
using Fangkong.Data.Sites;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Fangkong.Data.Demo;

/// <summary>
/// The demo county's quarantine sites, made through the same services a county uses: a county site (three floors,
/// family and accessible rooms), a township site for the township demo account, a standby reserve; the demo's
/// centralized orders placed and checked in, a few rooms in turnover, one out of service; a small fleet with trips;
/// travel times by road from every township to every site.
/// Deterministic for a seed; does nothing when the county already has sites.
/// </summary>
public static class SitesDemo
{
    public static async Task<int> SeedAsync(IServiceProvider services, int seed, CancellationToken ct = default)
    {
        var options = services.GetRequiredService<IOptions<FangkongOptions>>().Value;
        var county = options.County;
        var factory = services.GetRequiredService<IDbContextFactory<FangkongDb>>();
        string? township;
        await using (var db = await factory.CreateDbContextAsync(ct))
        {
            if (await db.QuarantineSites.IgnoreQueryFilters().AnyAsync(s => s.CountyCode == county, ct)) return 0;
            township = await db.Users.Where(u => u.UserName == "township" && u.CountyCode == county).Select(u => u.ScopeKey).FirstOrDefaultAsync(ct);
        }
        var accessor = services.GetRequiredService<ActorAccessor>();
        var previous = accessor.Current;
        accessor.Current = new Actor("system", "demo", JurisdictionScope.Of(county, county), new HashSet<string>(Permissions.All));
        try
        {
            var sites = ActivatorUtilities.CreateInstance<SiteService>(services);
            var stays = ActivatorUtilities.CreateInstance<StayService>(services);
            var trips = ActivatorUtilities.CreateInstance<TripService>(services);
            var rng = new Random(seed);
            var now = services.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime;
            var passAll = new InspectionInput(SiteStandards.Default.Select(s => new InspectionItemInput(s.Code, true, null)).ToList(), "演示:验收合格");

            // Each site stands in a real village: a township's in its first village, the county's in the first township's.
            var officials = services.GetRequiredService<Jurisdictions.JurisdictionDirectory>().Officials();
            long? StandsIn(string scope)
            {
                var under = scope.Length > ScopeKey.CountyLength ? scope
                    : officials.FirstOrDefault(p => p.Level == JurisdictionLevel.Township && p.ScopeKey.StartsWith(scope, StringComparison.Ordinal))?.ScopeKey ?? scope;
                return officials.Where(p => p.Level == JurisdictionLevel.Village && p.ScopeKey.StartsWith(under, StringComparison.Ordinal)).Select(p => (long?)p.Id).FirstOrDefault();
            }

            // Travel times by road (转运车程) from every township to each site, made up but plausible for a county of
            // river valleys and mountains: 8–15 minutes inside the site's own township, then about 9 minutes more per
            // township away in code order (neighbouring codes are mostly neighbouring townships), at most two and a half
            // hours. Their own random sequence, so the rest of the demo is the same as without them.
            var townships = officials.Where(p => p.Level == JurisdictionLevel.Township && p.ScopeKey.StartsWith(county, StringComparison.Ordinal)).Select(p => p.ScopeKey).ToList();
            var road = new Random(unchecked(seed * 31 + 5));
            List<TravelTimeEntry> TravelTimes(long? standsIn)
            {
                var home = officials.FirstOrDefault(p => p.Id == standsIn)?.ScopeKey is { Length: >= ScopeKey.TownshipLength } key ? townships.IndexOf(key[..ScopeKey.TownshipLength]) : 0;
                return townships.Select((t, i) => new TravelTimeEntry(t, i == home ? 8 + road.Next(8) : Math.Min(150, 15 + 9 * Math.Abs(i - Math.Max(0, home)) + road.Next(10)))).ToList();
            }

            async Task<long> SiteAsync(string name, SiteLevel level, string scope, int floors, int perFloor, SiteStatus status, int reserve)
            {
                var standsIn = StandsIn(scope);
                var id = await sites.CreateAsync(new SiteInput(name, level, scope, level == SiteLevel.County ? "县卫生健康委员会" : "乡镇卫生院",
                    level == SiteLevel.County ? "王主任" : "李院长", "13803770001", name, ReserveRooms: reserve, AddressNodeId: standsIn), ct);
                if (townships.Count > 0) await sites.SetTravelTimesAsync(id, TravelTimes(standsIn), ct);
                var rooms = new StringBuilder("楼栋,楼层,房号,单人间,独立卫生间,无障碍,家庭房,床位\n");
                for (var f = 1; f <= floors; f++)
                    for (var n = 1; n <= perFloor; n++)
                    {
                        var family = n % 10 == 0;
                        rooms.Append(CultureInfo.InvariantCulture, $"1号楼,{f},{f * 100 + n},{(family ? "否" : "是")},是,{(n == 1 ? "是" : "否")},{(family ? "是" : "否")},{(family ? 3 : 1)}\n");
                    }
                await sites.ImportRoomsAsync(id, new MemoryStream(Encoding.UTF8.GetBytes(rooms.ToString())), "演示房间表.csv", ct);
                await sites.InspectAsync(id, passAll, ct);
                await sites.ChangeStatusAsync(id, status, null, ct);
                return id;
            }

            var main = await SiteAsync("县集中隔离点（城关宾馆）", SiteLevel.County, county, 3, 20, SiteStatus.InService, 5);
            if (township is not null && township.Length == ScopeKey.TownshipLength)
                await SiteAsync("乡镇集中隔离点（镇卫生院旧址）", SiteLevel.Township, township, 2, 10, SiteStatus.InService, 2);
            await SiteAsync("县备用隔离点(职教中心宿舍)", SiteLevel.County, county, 2, 15, SiteStatus.StandbyReserve, 0);

            // The demo's centralized orders get rooms; most are checked in.
            List<long> orders;
            await using (var db = await factory.CreateDbContextAsync(ct))
                orders = await db.Orders.WhereRunning().Where(o => o.CountyCode == county && o.CurrentKind == MeasureKinds.CentralizedQuarantine).OrderBy(o => o.Id).Select(o => o.Id).ToListAsync(ct);
            var placed = 0;
            foreach (var order in orders)
            {
                long? stay;
                try { stay = await stays.AllocateAsync(order, ct: ct); }
                catch (ConflictException) { continue; }
                if (stay is null) continue;
                placed++;
                if (rng.NextDouble() < 0.8)
                {
                    try { await stays.CheckInAsync(stay.Value, ct); }
                    catch (ConflictException) { }
                }
            }

            // Rooms at every step of turnover, and one out of service.
            var board = await sites.BoardAsync(main, ct);
            var free = board!.Rooms.Where(r => r.State == RoomState.Ready && r.Occupants.Count == 0).Reverse().ToList();
            var steps = new[] { RoomState.Disinfected, RoomState.SuppliesReplaced };
            for (var i = 0; i < Math.Min(5, free.Count - 1); i++)
            {
                await sites.MoveRoomAsync(free[i].Id, RoomState.OutOfService, "演示:设备检修", null, ct);
                await sites.MoveRoomAsync(free[i].Id, RoomState.AwaitingDisinfection, null, null, ct);
                for (var s = 0; s < i % 3; s++) await sites.MoveRoomAsync(free[i].Id, steps[s], null, null, ct);
            }
            if (free.Count > 6) await sites.MoveRoomAsync(free[6].Id, RoomState.OutOfService, "空调故障,待维修", null, ct);

            // A small fleet.
            await trips.AddVehicleAsync(new VehicleInput("豫R·J1201", 7, VehicleKind.Minibus), ct);
            await trips.AddVehicleAsync(new VehicleInput("豫R·120A1", 3, VehicleKind.NegativePressureAmbulance), ct);
            await trips.AddDriverAsync(new DriverInput("赵师傅", "13803770002", 1, now.AddHours(-6), true), ct);
            await trips.AddDriverAsync(new DriverInput("钱师傅", "13803770003", 1, now.AddHours(-30), true), ct);
            return placed;
        }
        finally { accessor.Current = previous; }
    }
}
