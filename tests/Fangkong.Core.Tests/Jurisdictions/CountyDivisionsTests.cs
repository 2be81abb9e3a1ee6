using Fangkong.Core.Jurisdictions;

namespace Fangkong.Core.Tests.Jurisdictions;

public class CountyDivisionsTests
{
    public static TheoryData<string> ShippedCounties => ["411326", "500242", "141022", "320803"];

    [Fact]
    public void AvailableCounties_ListsTheFourShippedFilesInCodeOrder() =>
        Assert.Equal(["141022", "320803", "411326", "500242"], CountyDivisions.AvailableCounties);

    [Fact]
    public void Load_Xichuan_HasItsTreeAndParents()
    {
        var xichuan = CountyDivisions.Load("411326");
        Assert.Equal(("411326", "淅川县", "淅川"), (xichuan.CountyCode, xichuan.CountyName, xichuan.CountyShortName));
        Assert.Equal(("4113", "南阳市", "41", "河南省"), (xichuan.PrefectureCode4, xichuan.PrefectureName, xichuan.ProvinceCode2, xichuan.ProvinceName));
        Assert.Equal("河南省 南阳市 淅川县", xichuan.FullName);
        Assert.Equal(17, xichuan.Townships.Count);
        Assert.Equal(487, xichuan.Villages.Count);
        Assert.All(xichuan.Townships, t => Assert.Equal(JurisdictionLevel.Township, t.Level));
        Assert.All(xichuan.Villages, v => Assert.Equal(JurisdictionLevel.Village, v.Level));
    }

    [Fact]
    public void Load_CountyUnderMunicipality_HasNoPrefectureName()
    {
        var youyang = CountyDivisions.Load("500242");
        Assert.Null(youyang.PrefectureName);
        Assert.Equal("重庆市", youyang.ProvinceName);
        Assert.Equal("重庆市 酉阳土家族苗族自治县", youyang.FullName);
        Assert.Equal("酉阳", youyang.CountyShortName);
    }

    [Fact]
    public void Load_SameCountyTwice_ReturnsTheSameInstance() =>
        Assert.Same(CountyDivisions.Load("320803"), CountyDivisions.Load("320803"));

    [Theory]
    [InlineData("411323")] // 西峡县: a real county, but no file ships for it
    [InlineData("999999")]
    [InlineData("")]
    public void Load_CountyWithoutFile_ThrowsNamingAvailableCounties(string code)
    {
        var error = Assert.Throws<ArgumentException>(() => CountyDivisions.Load(code));
        Assert.Contains("411326 淅川县", error.Message);
        Assert.Contains("500242 酉阳土家族苗族自治县", error.Message);
        Assert.Contains("141022", error.Message);
        Assert.Contains("320803", error.Message);
    }

    [Fact]
    public void Find_AndVillagesOf_NavigateTheTree()
    {
        var xichuan = CountyDivisions.Load("411326");
        var baiting = xichuan.Find("411326304238")!;
        Assert.Equal(("白亭村民委员会", "411326304000"), (baiting.Name, baiting.ParentCode12));
        Assert.Equal("411326304238", baiting.ScopeKey);
        Assert.Equal("411326304", xichuan.Find("411326304000")!.ScopeKey);
        Assert.Contains(baiting, xichuan.VillagesOf("411326304000"));
        var longcheng = xichuan.VillagesOf("411326001000");
        Assert.Equal(10, longcheng.Count);
        Assert.All(longcheng, v => Assert.True(v.IsCommunity, v.Name));
        Assert.Empty(xichuan.VillagesOf("411326999000"));
        Assert.Null(xichuan.Find("411326999999"));
        Assert.Null(xichuan.Find(null));
    }

    [Theory]
    [InlineData("411326", "411326101000", "荆紫关", false)] // 荆紫关镇
    [InlineData("411326", "411326303000", "大石桥", false)] // 大石桥乡
    [InlineData("411326", "411326001000", "龙城", false)] // 龙城街道
    [InlineData("411326", "411326001001", "郑湾", true)] // 郑湾社区居民委员会
    [InlineData("411326", "411326101200", "中街", false)] // 中街村民委员会
    [InlineData("411326", "411326104001", "正阳", true)] // 正阳社区 (no committee suffix)
    [InlineData("411326", "411326101222", "张村", false)] // 张村村民委员会: the village's own name ends in 村
    [InlineData("500242", "500242107206", "中坝村", false)] // 中坝村村民委员会
    [InlineData("500242", "500242101001", "赵庄街", true)] // 赵庄街社区居民委员会
    [InlineData("141022", "141022100206", "城南", false)] // 城南村委会
    [InlineData("320803", "320803107001", "车桥", true)] // 车桥居委会
    [InlineData("320803", "320803107203", "车桥", false)] // 车桥村委会
    [InlineData("320803", "320803400000", "白马湖农场", false)] // a farm keeps its name
    [InlineData("320803", "320803400598", "白马湖农场", false)] // 白马湖农场虚拟生活区: NBS virtual village (5xx)
    [InlineData("320803", "320803401498", "经济开发区", true)] // 经济开发区虚拟社区: virtual community (4xx)
    public void ShortName_OfficialNames_DropTheAdministrativeSuffix(string county, string code12, string shortName, bool isCommunity)
    {
        var division = CountyDivisions.Load(county).Find(code12)!;
        Assert.Equal((shortName, isCommunity), (division.ShortName, division.IsCommunity));
    }

    [Theory]
    [MemberData(nameof(ShippedCounties))]
    public void ShortName_EveryDivisionOfEveryFile_IsNonEmptyAndFreeOfCommitteeSuffixes(string county)
    {
        var divisions = CountyDivisions.Load(county);
        Assert.All(divisions.Townships.Concat(divisions.Villages), d =>
        {
            Assert.False(string.IsNullOrWhiteSpace(d.ShortName), d.Name);
            Assert.True(d.Name.StartsWith(d.ShortName, StringComparison.Ordinal), d.Name);
            Assert.DoesNotMatch("(委员会|委会|社区|街道|镇|乡)$", d.ShortName);
        });
    }

    [Theory]
    [MemberData(nameof(ShippedCounties))]
    public void IsCommunity_EveryVillageOfEveryFile_AgreesWithTheNbsCodeRange(string county)
    {
        var villages = CountyDivisions.Load(county).Villages;
        Assert.All(villages, v =>
        {
            var number = int.Parse(v.Code12[9..]);
            var expected = number is < 200 or (>= 400 and < 500);
            Assert.True(expected == v.IsCommunity, $"{v.Code12} {v.Name}");
            Assert.Equal(v.Code12[..9] + "000", v.ParentCode12);
        });
    }
}
