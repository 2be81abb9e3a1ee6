using Fangkong.Core.Accounts;
using Fangkong.Core.Jurisdictions;
using Fangkong.Core.Tasks;
using Fangkong.Data.Jurisdictions;
using Fangkong.Data.Tasks;
using Fangkong.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static Fangkong.Testing.CountyTestKit;

namespace Fangkong.Data.Tests.Jurisdictions;

/// <summary>The dashboard's figures on both engines: the rows of a node's children, plus its own people, add up to its total.</summary>
public class JurisdictionSummaryTests
{
    private static Task<(NodeSummary Root, IReadOnlyList<NodeSummary> Children)> DashboardAsync(TestDatabase db, Actor actor) =>
        Run(db, actor, async sp =>
        {
            var service = Make<JurisdictionService>(sp);
            var root = (await service.RootAsync())!;
            return (root, await service.ChildrenAsync(root.Id));
        });

    [Theory, OnSqlite, OnPostgres]
    public async Task PeopleRegisteredAtTheNodeItself_AreTheirOwnRow_SoTheRowsAddUpToTheTotal(Engine engine)
    {
        await using var db = await TestDatabase.CreateAsync(engine);
        // A pushed list places the people it cannot route at the county node, and those it routes only to a township at
        // the township node: registered, counted in the total, inside no township (or no village).
        PushedRow Row(int n, string name, string phone, string address) => new(n, name, null, phone, address, "上海", "密接", null, null);
        var summary = await Run(db, Command, sp => Make<VerificationImporter>(sp).ImportRowsAsync("push", [
            Row(1, "县直一", "13755552001", "某某小区5栋"),
            Row(2, "县直二", "13755552002", "不知道哪里"),
            Row(3, "乡直一", "13755552003", "淅川县老城镇"),
        ], new VerificationImportOptions("看板-1")));
        Assert.Equal((2, 3), (summary.Unroutable, summary.NewPersons));

        var (county, townships) = await DashboardAsync(db, Command);
        Assert.Equal(2, county.PeopleHere);
        Assert.Equal(county.People, townships.Sum(t => t.People) + county.PeopleHere);
        await using (var ctx = await db.ContextAsync(Command))
            Assert.Equal(await ctx.People.CountAsync(), county.People);
        // Each township's own figure, as listed under the county, is its villages' plus its own.
        var laocheng = townships.Single(t => t.Name.StartsWith("老城", StringComparison.Ordinal));
        Assert.Equal(1, laocheng.PeopleHere);
        foreach (var township in townships)
        {
            var villages = await Run(db, Command, sp => Make<JurisdictionService>(sp).ChildrenAsync(township.Id));
            Assert.Equal(township.People, villages.Sum(v => v.People) + township.PeopleHere);
        }

        // The township's own dashboard: the same rule one level down.
        var (root, villagesOfRoot) = await DashboardAsync(db, As(Roles.TownshipTeam, laocheng.ScopeKey));
        Assert.Equal((laocheng.Id, laocheng.People, 1), (root.Id, root.People, root.PeopleHere));
        Assert.Equal(root.People, villagesOfRoot.Sum(v => v.People) + root.PeopleHere);
    }
}
