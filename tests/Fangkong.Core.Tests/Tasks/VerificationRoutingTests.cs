using Fangkong.Core.Jurisdictions;
using Fangkong.Core.Tasks;

namespace Fangkong.Core.Tests.Tasks;

public class VerificationRoutingTests
{
    private const string County = "411326"; // 淅川县

    private static readonly AddressResolver Xichuan = new(CountyDivisions.Load(County), NationalDivisions.Shared);

    private static Route ByAddress(string? address, string? personScopeKey = null) =>
        VerificationRouting.Route(County, personScopeKey, () => Xichuan.Resolve(address));

    private static AddressResolution MustNotResolve() =>
        throw new InvalidOperationException("the address must not be read when the household decides");

    /// <summary>
    /// Real villages and communities of 淅川县 (xichuan_411326_divisions.csv) written the ways pushed lists write
    /// them. Columns: address, the village's 12-digit code.
    /// </summary>
    [Theory]
    // 上集镇 (411326110): 下集村, 张营村, 双营村, communities 西坪头 and 刘营.
    [InlineData("上集镇下集村", "411326110218")]
    [InlineData("河南省南阳市淅川县上集镇下集村3组", "411326110218")]
    [InlineData("南阳市淅川县上集镇下集村村委会", "411326110218")]
    [InlineData("淅川县上集镇张营村民委员会12号", "411326110219")]
    [InlineData("上集镇张营村１２号", "411326110219")]
    [InlineData("上集双营村第5组", "411326110247")]
    [InlineData("上集镇西坪头社区居委会", "411326110001")]
    [InlineData("上集镇刘营社区", "411326110008")]
    // 老城镇 (411326102): 秧田村, 险峰村.
    [InlineData("老城镇秧田村", "411326102200")]
    [InlineData("淅川县 老城镇 险峰村 5组", "411326102201")]
    [InlineData("河南　南阳　淅川　老城镇　秧田村　２组", "411326102200")]
    [InlineData("老城秧田村村民委员会", "411326102200")]
    // 马蹬镇 (411326111): 黄庄村, 白渡村, 杜岗村, 马蹬社区.
    [InlineData("马蹬镇黄庄村委会", "411326111201")]
    [InlineData("南阳市淅川县马蹬镇白渡村3组18号", "411326111212")]
    [InlineData("河南省南阳市淅川县马蹬镇杜岗村", "411326111202")]
    [InlineData("马蹬镇马蹬社区居民委员会", "411326111002")]
    // 香花镇 (411326103) and 金河镇 (411326107).
    [InlineData("香花镇阮营村民委员会", "411326103201")]
    [InlineData("河南淅川香花镇宋沟村", "411326103210")]
    [InlineData("金河镇金河社区居民委员会", "411326107001")]
    // The two 街道 of the county seat: communities written as 社区, 居委会 or in full.
    [InlineData("龙城街道郑湾社区东街28号", "411326001001")]
    [InlineData("龙城街道红旗居委会", "411326001004")]
    [InlineData("淅川县龙城街道办事处红旗社区居民委员会", "411326001004")]
    [InlineData("商圣街道冬青社区", "411326002002")]
    // A village unique in the county, without its township.
    [InlineData("阮营村3组", "411326103201")]
    [InlineData("白渡村", "411326111212")]
    public void Route_VillageAddress_RoutesToTheVillage(string address, string villageCode12)
    {
        var route = ByAddress(address);

        Assert.Equal(RouteOutcome.Village, route.Outcome);
        Assert.Equal(villageCode12, route.ScopeKey);
        Assert.Equal(villageCode12[..9], route.Township);
        Assert.Equal(villageCode12[..9] + "000", route.Township12);
        Assert.False(route.ByHousehold);
    }

    [Theory]
    [InlineData("上集镇", "411326110")]
    [InlineData("河南省南阳市淅川县老城镇", "411326102")]
    [InlineData("马蹬镇", "411326111")]
    [InlineData("淅川县香花镇人民路8号", "411326103")]
    [InlineData("龙城街道人民路18号", "411326001")]
    [InlineData("荆紫关镇白亭村3组", "411326101")] // 白亭村 is in 滔河乡: the township named wins
    public void Route_TownshipOnlyAddress_RoutesToTheTownship(string address, string township9)
    {
        var route = ByAddress(address);

        Assert.Equal(RouteOutcome.Township, route.Outcome);
        Assert.Equal(township9, route.ScopeKey);
        Assert.Equal(township9, route.Township);
        Assert.Equal(township9 + "000", route.Township12);
        Assert.False(route.ByHousehold);
    }

    [Theory]
    [InlineData("河南省南阳市邓州市花洲街道")]
    [InlineData("河南省南阳市邓州市")]
    [InlineData("湖北省十堰市丹江口市均州路12号")]
    [InlineData("湖北省十堰市丹江口市")]
    [InlineData("北京市朝阳区建国路88号")]
    [InlineData("河南省郑州市金水区文化路12号")]
    [InlineData("南阳市卧龙区")]
    [InlineData("西峡县丁河镇")]
    [InlineData("广东省深圳市南山区")]
    public void Route_AddressInAnotherCounty_IsOutsideAndStaysWithTheCounty(string address)
    {
        var route = ByAddress(address);

        Assert.Equal(RouteOutcome.OutsideCounty, route.Outcome);
        Assert.Equal("411326", route.ScopeKey);
        Assert.Equal("", route.Township);
        Assert.Null(route.Township12);
        Assert.False(route.ByHousehold);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("，。、-")]
    [InlineData("不详")]
    [InlineData("12345")]
    [InlineData("asdfghjkl")]
    [InlineData("淅川县")] // our county, no township
    [InlineData("河南省南阳市淅川县")]
    [InlineData("店子村3组")] // a village name of two townships (荆紫关镇 and 毛堂乡)
    public void Route_GibberishOrEmptyAddress_IsUnroutable(string? address)
    {
        var route = ByAddress(address);

        Assert.Equal(RouteOutcome.Unroutable, route.Outcome);
        Assert.Equal("411326", route.ScopeKey);
        Assert.Equal("", route.Township);
        Assert.Null(route.Township12);
        Assert.False(route.ByHousehold);
    }

    [Theory]
    [InlineData("411326110218001000000012")] // household under a grid of 下集村
    [InlineData("411326110218000000000003")] // household directly under the village
    [InlineData("411326110218")] // the village itself
    [InlineData("411326110218001")] // a grid
    public void Route_MatchedPersonInAVillage_RoutesByHouseholdWithoutReadingTheAddress(string personScopeKey)
    {
        var route = VerificationRouting.Route(County, personScopeKey, MustNotResolve);

        Assert.Equal(RouteOutcome.Village, route.Outcome);
        Assert.Equal("411326110218", route.ScopeKey);
        Assert.Equal("411326110", route.Township);
        Assert.Equal("411326110000", route.Township12);
        Assert.True(route.ByHousehold);
    }

    [Fact]
    public void Route_HouseholdWins_OverAnAddressNamingAnotherVillage()
    {
        // The pushed address says 老城镇秧田村, but the registry has the person in 马蹬镇黄庄村.
        var route = VerificationRouting.Route(County, "411326111201002000000007", () => Xichuan.Resolve("老城镇秧田村"));

        Assert.Equal((RouteOutcome.Village, "411326111201", "411326111", true),
            (route.Outcome, route.ScopeKey, route.Township, route.ByHousehold));
    }

    [Fact]
    public void Route_MatchedPersonKnownOnlyToTheTownship_RoutesToTheTownshipByHousehold()
    {
        var route = VerificationRouting.Route(County, "411326102", MustNotResolve);

        Assert.Equal(RouteOutcome.Township, route.Outcome);
        Assert.Equal("411326102", route.ScopeKey);
        Assert.Equal("411326102", route.Township);
        Assert.Equal("411326102000", route.Township12);
        Assert.True(route.ByHousehold);
    }

    [Theory]
    [InlineData("411326")] // the county only
    [InlineData("4113")] // the prefecture
    [InlineData("")]
    [InlineData(null)]
    public void Route_PersonScopeAboveTheTownship_FallsBackToTheAddress(string? personScopeKey)
    {
        var calls = 0;
        var route = VerificationRouting.Route(County, personScopeKey, () => { calls++; return Xichuan.Resolve("马蹬镇白渡村3组"); });

        Assert.Equal(1, calls);
        Assert.Equal(RouteOutcome.Village, route.Outcome);
        Assert.Equal("411326111212", route.ScopeKey);
        Assert.Equal("411326111", route.Township);
        Assert.False(route.ByHousehold);
    }

    [Fact]
    public void Route_PersonScopeOfTheCountyOnly_WithAnUnreadableAddress_IsUnroutable()
    {
        var route = VerificationRouting.Route(County, "411326", () => Xichuan.Resolve("不详"));

        Assert.Equal(RouteOutcome.Unroutable, route.Outcome);
        Assert.Equal("411326", route.ScopeKey);
        Assert.False(route.ByHousehold);
    }

    [Fact]
    public void Route_PersonScopeInAnotherCounty_IsIgnoredAndTheAddressDecides()
    {
        // A household key of 西峡县 (411323) never sends the task to a township of another county.
        var calls = 0;
        var route = VerificationRouting.Route(County, "411323100201000000000001", () => { calls++; return Xichuan.Resolve("老城镇秧田村"); });

        Assert.Equal(1, calls);
        Assert.Equal(RouteOutcome.Village, route.Outcome);
        Assert.Equal("411326102200", route.ScopeKey);
        Assert.False(route.ByHousehold);
    }

    [Fact]
    public void Township12_IsTheNineDigitTownshipPaddedWithZeros()
    {
        Assert.Equal("411326110000", new Route(RouteOutcome.Village, "411326110218", "411326110", false).Township12);
        Assert.Equal("411326001000", new Route(RouteOutcome.Township, "411326001", "411326001", true).Township12);
        Assert.Null(new Route(RouteOutcome.OutsideCounty, "411326", "", false).Township12);
        Assert.Null(new Route(RouteOutcome.Unroutable, "411326", "", false).Township12);
    }
}
