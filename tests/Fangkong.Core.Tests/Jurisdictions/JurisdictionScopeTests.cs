using Fangkong.Core.Jurisdictions;

namespace Fangkong.Core.Tests.Jurisdictions;

/// <summary>The key ranges every query filter and write check is built on.</summary>
public class JurisdictionScopeTests
{
    [Theory]
    [InlineData("411326101", "411326101", true)]            // the node itself
    [InlineData("411326101", "411326101203", true)]         // a village below
    [InlineData("411326101", "411326101203001002030004", true)] // a household far below
    [InlineData("411326101", "411326102", false)]           // the next township
    [InlineData("411326101", "41132610", false)]            // the parent county's partial key
    [InlineData("411326101", "4113261019", true)]           // any longer key starting with it
    [InlineData("411326109", "411326110", false)]           // carries into the next digit
    [InlineData("411326199", "411326200", false)]
    public void ATownship_SeesItsSubtreeOnly(string prefix, string key, bool visible)
    {
        var scope = JurisdictionScope.Of("411326", prefix);
        Assert.Equal(visible, scope.Contains("411326", key));
        Assert.Equal(visible, ScopeKey.Contains(prefix, key));
    }

    [Fact]
    public void AnotherCounty_IsNeverVisible_EvenWithTheSameKeyShape()
    {
        var scope = JurisdictionScope.Of("411326", "411326");
        Assert.True(scope.Contains("411326", "411326999"));
        Assert.False(scope.Contains("411323", "411326101"));
        Assert.False(scope.ContainsCounty("411323"));
    }

    [Fact]
    public void System_SeesEverything_None_SeesNothing()
    {
        Assert.True(JurisdictionScope.System.Contains("411323", "411323101"));
        Assert.False(JurisdictionScope.None.Contains("411326", "411326"));
        Assert.False(JurisdictionScope.None.ContainsCounty("411326"));
    }

    [Theory]
    [InlineData("411326", "411323")]     // a scope outside its county
    [InlineData("41132", "411326")]      // a malformed county code
    public void AScopeOutsideItsCounty_IsRefused(string county, string prefix) =>
        Assert.Throws<ArgumentException>(() => JurisdictionScope.Of(county, prefix));

    [Theory]
    [InlineData("411326101", "411326102")]
    [InlineData("4113269", "411327")]
    [InlineData("411326199", "4113262")]
    [InlineData("999", null)]
    public void Successor_IsTheExclusiveUpperBound(string prefix, string? successor) => Assert.Equal(successor, ScopeKey.Successor(prefix));

    [Fact]
    public void RangeOf_APlaceChosenInAFilter_IsItsKeysRange_AndAnythingElseIsNone()
    {
        Assert.Equal(("411326101", "411326102"), ScopeKey.RangeOf(" 411326101 "));
        Assert.Equal(("999", "~"), ScopeKey.RangeOf("999"));
        Assert.Null(ScopeKey.RangeOf(null));
        Assert.Null(ScopeKey.RangeOf(""));
        Assert.Null(ScopeKey.RangeOf("' OR 1=1 --"));
        Assert.Null(ScopeKey.RangeOf("城关镇"));
    }

    [Fact]
    public void ChildKeys_PadTheLevelsBetween_AndRefuseWhatCannotSitThere()
    {
        Assert.Equal("411326101203001", ScopeKey.Child("411326101203", JurisdictionLevel.Grid, 1));
        Assert.Equal("411326101203000005", ScopeKey.Child("411326101203", JurisdictionLevel.Building, 5)); // a building straight under a village
        Assert.Equal("411326101203001005020007", ScopeKey.Child("41132610120300100502", JurisdictionLevel.Household, 7));
        Assert.Throws<ArgumentOutOfRangeException>(() => ScopeKey.Child("411326101203", JurisdictionLevel.Grid, 1000));
        Assert.Throws<ArgumentException>(() => ScopeKey.Child("411326101", JurisdictionLevel.Grid, 1)); // grids sit under villages
        Assert.Equal(["411326", "411326101", "411326101203"], ScopeKey.OfficialAncestors("411326101203001"));
        Assert.Equal("411326101000", ScopeKey.OfficialCode("411326101"));
    }
}
