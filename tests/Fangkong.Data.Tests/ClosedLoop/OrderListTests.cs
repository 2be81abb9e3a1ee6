using Fangkong.Core.Accounts;
using Fangkong.Core.Jurisdictions;
using Fangkong.Core.Orders;
using Fangkong.Core.Policy;
using Fangkong.Data.Orders;
using Fangkong.Testing;
using Microsoft.EntityFrameworkCore;
using static Fangkong.Testing.CountyTestKit;

namespace Fangkong.Data.Tests.ClosedLoop;

/// <summary>The control orders list as health staff and township cadres use it: 今日待检, overdue tests.</summary>
public class OrderListTests
{
    private sealed record Folks(List<long> TownshipA, long TownshipB, string KeyA, string KeyB);

    private static async Task<Folks> PeopleAsync(TestDatabase db)
    {
        await using var ctx = await db.ContextAsync();
        var people = await ctx.People.Where(p => p.CountyCode == County && p.ScopeKey.Length >= ScopeKey.VillageLength).OrderBy(p => p.Id)
            .Select(p => new { p.Id, p.ScopeKey }).ToListAsync();
        var a = people[0].ScopeKey[..ScopeKey.TownshipLength];
        var b = people.First(p => !p.ScopeKey.StartsWith(a, StringComparison.Ordinal));
        return new Folks(people.Where(p => p.ScopeKey.StartsWith(a, StringComparison.Ordinal)).Take(6).Select(p => p.Id).ToList(), b.Id, a,
            b.ScopeKey[..ScopeKey.TownshipLength]);
    }

    private static Task<long> OrderAsync(TestDatabase db, long personId, string exposure, bool confirm = true) =>
        Run(db, Command, sp => Make<OrderService>(sp).CreateAsync(new OrderCreate(personId, [Reasons.CloseContact], D(exposure), confirm, "流调判定密接")));

    /// <summary>
    /// 今日待检 lists the orders in force with a test scheduled today (the county's date on the platform clock, not the
    /// UTC one) and no result yet — due or sampled; the ledger's count is the same number, another township's orders are
    /// in neither, and a proposed order, a test with its result, or a test on another day are not in it.
    /// </summary>
    [Theory, OnSqlite, OnPostgres]
    public async Task TestsDueToday_TheListAndTheLedgerCountAgree_InTheViewersSubtreeOnly(Engine engine)
    {
        await using var db = await TestDatabase.CreateAsync(engine);
        // 07:30 in the county is still 10-04 in UTC: today is the county's 10-05.
        SetNow(db, "2022-10-05 07:30");
        var folks = await PeopleAsync(db);
        var a = folks.TownshipA;
        var dayOne = await OrderAsync(db, a[0], "2022-10-05");          // day 1 today: due
        var dayThree = await OrderAsync(db, a[1], "2022-10-03");        // day 3 today: due, sampled below
        var dayFour = await OrderAsync(db, a[2], "2022-10-02");         // day 4 today: no test (days 1, 2, 3, 5, 7)
        var resulted = await OrderAsync(db, a[3], "2022-10-05");        // day 1 today, negative below
        var proposed = await OrderAsync(db, a[4], "2022-10-05", confirm: false);
        var elsewhere = await OrderAsync(db, folks.TownshipB, "2022-10-05");
        var health = As(Roles.Health, County);
        Assert.True(await Run(db, health, sp => Make<OrderService>(sp).RecordTestAsync(dayThree, new TestResultInput(3, TestStatus.Sampled))));
        Assert.True(await Run(db, health, sp => Make<OrderService>(sp).RecordTestAsync(resulted, new TestResultInput(1, TestStatus.Negative))));

        async Task<(int Count, List<long> Ids, int Total)> Read(Actor actor)
        {
            var counts = await Run(db, actor, sp => Make<LedgerService>(sp).CountsAsync());
            var page = await Run(db, actor, sp => Make<OrderService>(sp).SearchAsync(new OrderQuery(OpenOnly: true, TestsDueToday: true, PageSize: 200)));
            return (counts.TestsDueToday, page.Items.Select(i => i.Id).Order().ToList(), page.Total);
        }

        var township = await Read(As(Roles.TownshipTeam, folks.KeyA));
        Assert.Equal(new[] { dayOne, dayThree }.Order().ToList(), township.Ids);
        Assert.Equal((2, 2), (township.Count, township.Total));
        Assert.DoesNotContain(elsewhere, township.Ids);
        Assert.DoesNotContain(dayFour, township.Ids);
        Assert.DoesNotContain(proposed, township.Ids);

        // 逾期: the 10-02 order's days 1–3 passed with nothing recorded; on the list (a count) and on the order's schedule.
        var list = (await Run(db, As(Roles.TownshipTeam, folks.KeyA), sp => Make<OrderService>(sp).SearchAsync(new OrderQuery(OpenOnly: true, PageSize: 200)))).Items;
        Assert.Equal((0, 3), (list.Single(i => i.Id == dayFour).TestsDue, list.Single(i => i.Id == dayFour).TestsOverdue));
        Assert.Equal((1, 0), (list.Single(i => i.Id == dayOne).TestsDue, list.Single(i => i.Id == dayOne).TestsOverdue));
        var detail = await Run(db, As(Roles.TownshipTeam, folks.KeyA), sp => Make<OrderService>(sp).GetAsync(dayFour));
        Assert.Equal([1, 2, 3], detail!.Tests.Where(t => t.Overdue).Select(t => t.Day));

        var other = await Read(As(Roles.TownshipTeam, folks.KeyB));
        Assert.Equal([elsewhere], other.Ids);
        Assert.Equal((1, 1), (other.Count, other.Total));

        var county = await Read(Command);
        Assert.Equal(new[] { dayOne, dayThree, elsewhere }.Order().ToList(), county.Ids);
        Assert.Equal((3, 3), (county.Count, county.Total));

        // The next day in the county (still 10-05 in UTC until 08:00): day 2 of the two day-1 orders and day 5 of the
        // 10-02 one are due; yesterday's sampled test is not today's.
        SetNow(db, "2022-10-06 07:00");
        township = await Read(As(Roles.TownshipTeam, folks.KeyA));
        Assert.Equal(new[] { dayOne, resulted, dayFour }.Order().ToList(), township.Ids);
        Assert.Equal((3, 3), (township.Count, township.Total));
    }

    /// <summary>
    /// The county narrows the orders list to one township by its place: only that township's orders, counted as such; a
    /// township asking for another township's place gets nothing (the scope still applies), and its own place is its list.
    /// </summary>
    [Theory, OnSqlite, OnPostgres]
    public async Task NarrowedToAPlace_TheListHoldsThatPlacesOrdersOnly_AndNeverWidensTheScope(Engine engine)
    {
        await using var db = await TestDatabase.CreateAsync(engine);
        SetNow(db, "2022-10-05 09:00");
        var folks = await PeopleAsync(db);
        var mine = new[] { await OrderAsync(db, folks.TownshipA[0], "2022-10-04"), await OrderAsync(db, folks.TownshipA[1], "2022-10-04") };
        var theirs = await OrderAsync(db, folks.TownshipB, "2022-10-04");
        async Task<(string Ids, int Total)> Read(Actor actor, string? place)
        {
            var page = await Run(db, actor, sp => Make<OrderService>(sp).SearchAsync(new OrderQuery(OpenOnly: true, PageSize: 200, Place: place)));
            return (string.Join(",", page.Items.Select(i => i.Id).Order()), page.Total);
        }
        string Ids(params long[] ids) => string.Join(",", ids.Order());

        Assert.Equal((Ids(mine), 2), await Read(Command, folks.KeyA));
        Assert.Equal((Ids(theirs), 1), await Read(Command, folks.KeyB));
        Assert.Equal(3, (await Read(Command, null)).Total);
        var townshipA = As(Roles.TownshipTeam, folks.KeyA);
        Assert.Equal(("", 0), await Read(townshipA, folks.KeyB));
        Assert.Equal((Ids(mine), 2), await Read(townshipA, folks.KeyA));
        // Not a place (letters, an injection attempt): ignored, the whole list in scope.
        Assert.Equal(2, (await Read(townshipA, "' OR 1=1 --")).Total);
    }
}
