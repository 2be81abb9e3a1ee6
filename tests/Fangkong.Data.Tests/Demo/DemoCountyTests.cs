using Fangkong.Core.Accounts;
using Fangkong.Core.Identifiers;
using Fangkong.Testing;
using Microsoft.EntityFrameworkCore;

namespace Fangkong.Data.Tests.Demo;

/// <summary>The demo county: the same seed gives the same people, with real-looking names and valid local ID numbers.</summary>
public class DemoCountyTests
{
    [Fact]
    public async Task TheSameSeed_GivesTheSameCounty_WithValidLocalIdNumbers()
    {
        await using var first = await TestDatabase.CreateAsync(Engine.Sqlite);
        await using var second = await TestDatabase.CreateAsync(Engine.Sqlite);
        async Task<List<(string Name, string? Id, string ScopeKey)>> PeopleAsync(TestDatabase db)
        {
            await using var ctx = await db.ContextAsync(Actor.System("test"));
            return (await ctx.People.OrderBy(p => p.Id).Select(p => new { p.Name, p.DocumentNumber, p.ScopeKey }).ToListAsync())
                .Select(p => (p.Name, p.DocumentNumber, p.ScopeKey)).ToList();
        }
        var a = await PeopleAsync(first);
        var b = await PeopleAsync(second);
        Assert.Equal(TestDatabase.DemoPeople, a.Count);
        Assert.Equal(a, b);
        var today = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(2); // the demo county is seeded on the county's date, newborns included
        Assert.All(a.Where(p => p.Id is not null), p =>
        {
            Assert.True(ResidentId.Check(p.Id, today).Valid, p.Id);
            Assert.StartsWith("411326", p.ScopeKey);
        });
        // Chinese names of two to four characters, family name first, and most people born in the county.
        Assert.All(a, p => Assert.InRange(p.Name.Length, 2, 4));
        Assert.True(a.Count(p => p.Id?.StartsWith("411326", StringComparison.Ordinal) == true) > a.Count / 2);
        Assert.True(a.Select(p => p.Name[0]).Distinct().Count() > 20, "a spread of family names");
    }
}
