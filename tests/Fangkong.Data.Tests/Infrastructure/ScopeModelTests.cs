using Fangkong.Core.Accounts;
using Fangkong.Core.Jurisdictions;
using Fangkong.Data;
using Fangkong.Data.Infrastructure;
using Fangkong.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Fangkong.Data.Tests.Infrastructure;

/// <summary>
/// The county's own accounts get a model whose jurisdiction filter is the county alone (every row of the county is in
/// its subtree), so a narrower range a page asks for is the only range on the index. Such a context never serves anyone
/// below the county; the subtree model serves every person (only slower for the county).
/// </summary>
public class ScopeModelTests
{
    private const string County = "411326";

    private static Actor As(string role, string scopeKey) =>
        new("test-" + role, "测试" + role, JurisdictionScope.Of(County, scopeKey), Permissions.For([role]));

    [Fact]
    public void EachKindOfActor_HasItsModel()
    {
        Assert.Equal(ScopeModel.System, FangkongDb.ModelFor(JurisdictionScope.System));
        Assert.Equal(ScopeModel.County, FangkongDb.ModelFor(JurisdictionScope.Of(County, County)));
        Assert.Equal(ScopeModel.Subtree, FangkongDb.ModelFor(JurisdictionScope.Of(County, County + "102")));
        // Nobody yet (a request before its account is known) sees nothing, through the subtree model.
        Assert.Equal(ScopeModel.Subtree, FangkongDb.ModelFor(JurisdictionScope.None));
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task TheCountysContext_SeesTheWholeCounty_AndRefusesToServeATownship(Engine engine)
    {
        await using var db = await TestDatabase.CreateAsync(engine);
        string township;
        int all, inTownship;
        await using (var system = await db.ContextAsync())
        {
            township = await system.Nodes.Where(n => n.Level == JurisdictionLevel.Township).OrderBy(n => n.ScopeKey).Select(n => n.ScopeKey).FirstAsync();
            all = await system.People.CountAsync(p => p.CountyCode == County);
            var upper = ScopeKey.Successor(township)!;
            inTownship = await system.People.CountAsync(p => p.CountyCode == County && string.Compare(p.ScopeKey, township) >= 0 && string.Compare(p.ScopeKey, upper) < 0);
        }
        Assert.InRange(inTownship, 1, all - 1);

        await using var scope = db.Scope(As(Roles.CommandCentre, County));
        var accessor = scope.ServiceProvider.GetRequiredService<ActorAccessor>();
        await using var county = await scope.ServiceProvider.GetRequiredService<IDbContextFactory<FangkongDb>>().CreateDbContextAsync();
        Assert.Equal(ScopeModel.County, county.FilterModel);
        Assert.Equal(all, await county.People.CountAsync());
        // The same context, now asked to act for a township's account: refused, not answered with the county's rows.
        accessor.Current = As(Roles.TownshipTeam, township);
        await Assert.ThrowsAsync<InvalidOperationException>(() => county.People.CountAsync());

        // A township's context sees its township; the subtree model also serves the county's account (a request's
        // context built before its account was known), with the county's rows.
        await using var townshipDb = await scope.ServiceProvider.GetRequiredService<IDbContextFactory<FangkongDb>>().CreateDbContextAsync();
        Assert.Equal((ScopeModel.Subtree, inTownship), (townshipDb.FilterModel, await townshipDb.People.CountAsync()));
        accessor.Current = As(Roles.CommandCentre, County);
        Assert.Equal(all, await townshipDb.People.CountAsync());
        accessor.Current = Actor.System("test");
        await Assert.ThrowsAsync<InvalidOperationException>(() => townshipDb.People.CountAsync());
    }
}
