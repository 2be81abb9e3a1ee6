using Fangkong.Core;
using Fangkong.Core.Accounts;
using Fangkong.Core.Arrivals;
using Fangkong.Core.Identifiers;
using Fangkong.Core.Jurisdictions;
using Fangkong.Core.Orders;
using Fangkong.Core.Policy;
using Fangkong.Data.Arrivals;
using Fangkong.Data.Infrastructure;
using Fangkong.Data.Orders;
using Fangkong.Data.Policy;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Fangkong.Data.Demo;

/// <summary>
/// The demo county's closed loop, so a newcomer sees it working: a published risk-area list, a week of arrivals
/// (self-registered and at checkpoints) classified by the rules in force, township decisions, twice-daily reports
/// with one fever and some gaps, test results, and the sweep's tasks. Deterministic for a seed; skipped when the
/// county already has arrivals. Everything goes through the same services the pages use.
/// </summary>
public static class ClosedLoopDemo
{
    private static readonly (string County, string Place, RiskLevel Level, int DaysAgo)[] Areas =
    [
        ("410105", "花园路街道锦绣小区", RiskLevel.High, 9),
        ("410105", "丰产路街道黄河家园", RiskLevel.Medium, 6),
        ("410102", "桐柏路街道建设新村", RiskLevel.High, 7),
        ("110105", "望京街道望京西园三区", RiskLevel.High, 8),
        ("110105", "酒仙桥街道大山子小区", RiskLevel.Medium, 5),
        ("440105", "凤阳街道康乐村", RiskLevel.High, 10),
        ("440105", "瑞宝街道瑞宝花园", RiskLevel.Medium, 4),
        ("310115", "川沙新镇城南村", RiskLevel.Medium, 6),
        ("420106", "中南路街道丁字桥小区", RiskLevel.High, 5),
        ("411303", "卧龙岗街道武侯社区", RiskLevel.Medium, 3),
    ];

    // Origins without listings (released) next to the listed ones.
    private static readonly (string County, string Place)[] QuietOrigins =
        [("410305", "涧西区天津路"), ("610113", "雁塔区小寨"), ("320106", "鼓楼区湖南路"), ("411321", "南召县城关镇"), ("420102", "江岸区黄浦路")];

    private static readonly string[] Names =
        ["王建军", "李秀英", "张伟", "刘洋", "陈静", "杨帆", "赵磊", "黄丽", "周杰", "吴敏", "徐强", "孙燕", "马超", "朱红", "胡军", "郭芳", "何平", "高峰", "林霞", "罗斌",
         "郑勇", "梁晨", "谢娟", "宋涛", "唐颖", "许亮", "韩雪", "冯刚", "邓琳", "曹鹏", "彭丹", "曾毅", "肖蕾", "田野", "董浩", "袁媛", "潘龙", "蒋欣", "蔡明", "余佳"];

    public static async Task<int> SeedAsync(IServiceProvider services, int seed, CancellationToken ct = default)
    {
        var options = services.GetRequiredService<IOptions<FangkongOptions>>().Value;
        var county = options.County;
        var time = services.GetRequiredService<TimeProvider>();
        var today = CountyClock.Today(time, options.TimeZone);
        var factory = services.GetRequiredService<IDbContextFactory<FangkongDb>>();
        List<(long Id, string Key)> villages;
        string? township;
        await using (var db = await factory.CreateDbContextAsync(ct))
        {
            if (await db.Arrivals.AnyAsync(a => a.CountyCode == county, ct)) return 0;
            // The township demo account's township gets most arrivals, so its queue is full when someone signs in.
            township = await db.Users.Where(u => u.UserName == "township" && u.CountyCode == county).Select(u => u.ScopeKey).FirstOrDefaultAsync(ct);
            villages = await db.Nodes.Where(n => n.CountyCode == county && n.Level == JurisdictionLevel.Village)
                .OrderBy(n => n.ScopeKey).Select(n => new ValueTuple<long, string>(n.Id, n.ScopeKey)).ToListAsync(ct);
        }
        if (villages.Count == 0) return 0;
        var rng = new Random(seed);
        var accessor = services.GetRequiredService<ActorAccessor>();
        var previous = accessor.Current;
        accessor.Current = new Actor("system", "demo", JurisdictionScope.Of(county, county), new HashSet<string>(Permissions.All));
        try
        {
            var riskAreas = ActivatorUtilities.CreateInstance<RiskAreaService>(services);
            foreach (var (areaCounty, place, level, daysAgo) in Areas)
                await riskAreas.CreateAsync(new RiskAreaInput(areaCounty, place, level, today.AddDays(-daysAgo), Source: "演示：当地疫情防控指挥部通告"), "demo risk-area list", ct);

            township = township is { Length: >= ScopeKey.TownshipLength } t ? t[..ScopeKey.TownshipLength] : villages[0].Key[..ScopeKey.TownshipLength];
            var near = villages.Where(v => v.Key.StartsWith(township, StringComparison.Ordinal)).ToList();
            var arrivals = ActivatorUtilities.CreateInstance<ArrivalService>(services);
            var created = 0;
            for (var i = 0; i < Names.Length; i++)
            {
                var arrival = today.AddDays(-rng.Next(0, 7));
                var listed = rng.NextDouble() < 0.6;
                var (originCounty, originPlace) = listed ? (Areas[i % Areas.Length].County, Areas[i % Areas.Length].Place) : QuietOrigins[i % QuietOrigins.Length];
                var origin = (NationalDivisions.Shared.County(originCounty)?.FullName.Replace(" ", "") ?? originCounty) + originPlace;
                var village = rng.NextDouble() < 0.7 ? near[rng.Next(near.Count)] : villages[rng.Next(villages.Count)];
                var id = ResidentId.Compose(originCounty, new DateOnly(1960 + rng.Next(0, 45), 1 + rng.Next(0, 12), 1 + rng.Next(0, 28)), 100 + i * 2 + rng.Next(0, 2));
                var channel = (ArrivalChannel)new[] { 0, 0, 1, 1, 2, 3, 4 }[rng.Next(7)];
                var input = new ArrivalInput(Names[i], DocumentType.ResidentId, id, $"13{rng.Next(0, 10)}{rng.Next(10_000_000, 99_999_999)}", origin,
                    Stops: [new StopInput(origin, arrival.AddDays(-rng.Next(2, 10)), arrival.AddDays(-rng.Next(0, 2)))], ArrivalDate: arrival,
                    DestinationNodeId: village.Id, Vehicle: rng.NextDouble() < 0.5 ? $"豫R{rng.Next(10000, 99999)}" : $"G{rng.Next(100, 9999)}",
                    HealthCode: rng.NextDouble() < 0.05 ? "yellow" : "green");
                try
                {
                    var receipt = await arrivals.RegisterAsync(input, channel, channel == ArrivalChannel.Self ? township : village.Key, ct);
                    created++;
                    // The township has confirmed most of the older proposals; today's wait in its queue.
                    if (arrival < today && rng.NextDouble() < 0.85)
                        await arrivals.DecideAsync(receipt.Id, true, "乡镇专班核实", ct);
                }
                catch (ValidationFailedException)
                {
                    // A generated combination the rules refuse (a stay outside the window): skip it, as a real clerk would.
                }
            }

            // One quiet origin (雁塔区小寨, Xi'an) is listed only after people from there arrived and were released: the
            // sweep below classifies them again, and they are back before the township, flagged, with a proposed order.
            var (lateCounty, latePlace) = QuietOrigins[1];
            await riskAreas.CreateAsync(new RiskAreaInput(lateCounty, latePlace, RiskLevel.High, today.AddDays(-3), Source: "演示：当地疫情防控指挥部通告（报备后公布）"), "demo risk-area list", ct);

            await ReportsAndTestsAsync(factory, county, today, time, rng, ct);
            await ActivatorUtilities.CreateInstance<ClosedLoopSweeper>(services).SweepAsync(county, time.GetUtcNow().UtcDateTime, "demo", ct);
            return created;
        }
        finally
        {
            accessor.Current = previous;
        }
    }

    /// <summary>Past days' morning and evening reports (a few missing), today's morning with one fever, and the results of past tests.</summary>
    private static async Task ReportsAndTestsAsync(IDbContextFactory<FangkongDb> factory, string county, DateOnly today, TimeProvider time, Random rng, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var orders = await db.Orders.Include(o => o.Tests).Where(o => o.CountyCode == county).WhereRunning().OrderBy(o => o.Id).ToListAsync(ct);
        var now = time.GetUtcNow().UtcDateTime;
        var fever = true;
        foreach (var o in orders)
        {
            for (var d = o.StartDate; d < today; d = d.AddDays(1))
                foreach (var slot in new[] { ReportSlot.Morning, ReportSlot.Evening })
                    if (rng.NextDouble() > 0.04)
                        db.HealthReports.Add(new HealthReport
                        {
                            CountyCode = o.CountyCode, ScopeKey = o.ScopeKey, OrderId = o.Id, PersonId = o.PersonId, Date = d, Slot = slot,
                            Temperature = 36.1m + rng.Next(0, 8) / 10m, ReportedBy = rng.NextDouble() < 0.6 ? "self" : "village", ReportedAt = now,
                        });
            foreach (var t in o.Tests.Where(t => t.Date < today))
            {
                t.Status = TestStatus.Negative;
                t.SampledAt = now;
                t.ResultAt = now;
                t.Ct = 36 + rng.Next(0, 5);
                t.RecordedBy = "county lab";
            }
            if (fever && o.StartDate < today)
            {
                db.HealthReports.Add(new HealthReport
                {
                    CountyCode = o.CountyCode, ScopeKey = o.ScopeKey, OrderId = o.Id, PersonId = o.PersonId, Date = today, Slot = ReportSlot.Morning,
                    Temperature = 37.9m, Symptoms = Symptoms.DryCough | Symptoms.Fatigue, ReportedBy = "self", ReportedAt = now,
                });
                await TaskRaiser.RaiseAsync(db, o, "fever-transfer", Core.Tasks.TaskTitle.Fever(37.9m, Symptoms.DryCough | Symptoms.Fatigue), TaskRaiser.Key("fever", o.Id, today.ToString("yyyyMMdd", System.Globalization.CultureInfo.InvariantCulture), ReportSlot.Morning),
                    now, TimeSpan.FromMinutes(60), ct);
                fever = false;
            }
        }
        db.Audit.Reason = "demo reports and results";
        db.Audit.Rule = "demo";
        await db.SaveChangesAsync(ct);
    }
}
