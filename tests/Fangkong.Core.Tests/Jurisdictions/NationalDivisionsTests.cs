using Fangkong.Core.Jurisdictions;

namespace Fangkong.Core.Tests.Jurisdictions;

public class NationalDivisionsTests
{
    private static readonly NationalDivisions National = NationalDivisions.Shared;

    [Fact]
    public void Shared_CalledTwice_ReturnsTheSameLoadedInstance()
    {
        Assert.Same(NationalDivisions.Shared, NationalDivisions.Shared);
        Assert.Equal(34, National.Provinces.Count); // 31 mainland + 台湾, 香港, 澳门
        Assert.Equal(342, National.Cities.Count);
        Assert.Equal(2978, National.Counties.Count);
    }

    [Theory]
    [InlineData("41", "河南省")]
    [InlineData("50", "重庆市")]
    [InlineData("45", "广西壮族自治区")]
    [InlineData("81", "香港特别行政区")]
    [InlineData("99", null)]
    [InlineData("4", null)]
    [InlineData(null, null)]
    public void ProvinceName_Code_ReturnsOfficialName(string? code, string? expected) =>
        Assert.Equal(expected, National.ProvinceName(code));

    [Fact]
    public void City_KnownAndPlaceholderCodes_CarryProvinceAndPlaceholderFlag()
    {
        var nanyang = National.City("4113")!;
        Assert.Equal(("南阳市", "南阳", "41", "河南省", false), (nanyang.Name, nanyang.ShortName, nanyang.ProvinceCode2, nanyang.ProvinceName, nanyang.IsPlaceholder));
        Assert.Equal("411300", nanyang.Code6);
        Assert.True(National.City("5002")!.IsPlaceholder);
        Assert.True(National.City("4190")!.IsPlaceholder);
        Assert.Equal("恩施", National.City("4228")!.ShortName);
        Assert.Null(National.City("4199"));
        Assert.Null(National.City("411300"));
    }

    [Fact]
    public void County_Xichuan_HasParentsAndCanonicalName()
    {
        var county = National.County("411326")!;
        Assert.Equal("淅川县", county.Name);
        Assert.Equal("淅川", county.ShortName);
        Assert.Equal(("4113", "南阳市", "41", "河南省"), (county.CityCode4, county.CityName, county.ProvinceCode2, county.ProvinceName));
        Assert.Equal(CountyKind.Standard, county.Kind);
        Assert.Equal("河南省 南阳市 淅川县", county.FullName);
    }

    [Theory]
    [InlineData("500242", "酉阳土家族苗族自治县", "酉阳", null, "重庆市 酉阳土家族苗族自治县", CountyKind.Standard)]
    [InlineData("110105", "朝阳区", "朝阳", null, "北京市 朝阳区", CountyKind.Standard)]
    [InlineData("419001", "济源市", "济源", null, "河南省 济源市", CountyKind.Standard)]
    [InlineData("411371", "南阳高新技术产业开发区", "南阳高新技术产业开发区", "南阳市", "河南省 南阳市 南阳高新技术产业开发区", CountyKind.StatisticalZone)]
    [InlineData("232761", "加格达奇区", "加格达奇", "大兴安岭地区", "黑龙江省 大兴安岭地区 加格达奇区", CountyKind.StatisticsOnly)]
    [InlineData("441900", "东莞市", "东莞", "东莞市", "广东省 东莞市", CountyKind.CityWithoutCounties)]
    [InlineData("150783", "扎兰屯市", "扎兰屯", "呼伦贝尔市", "内蒙古自治区 呼伦贝尔市 扎兰屯市", CountyKind.Standard)]
    [InlineData("150723", "鄂伦春自治旗", "鄂伦春", "呼伦贝尔市", "内蒙古自治区 呼伦贝尔市 鄂伦春自治旗", CountyKind.Standard)]
    [InlineData("150724", "鄂温克族自治旗", "鄂温克", "呼伦贝尔市", "内蒙古自治区 呼伦贝尔市 鄂温克族自治旗", CountyKind.Standard)]
    [InlineData("130133", "赵县", "赵县", "石家庄市", "河北省 石家庄市 赵县", CountyKind.Standard)]
    public void County_VariousKinds_NamesAndParents(string code, string name, string shortName, string? cityName, string fullName, CountyKind kind)
    {
        var county = National.County(code)!;
        Assert.Equal((name, shortName, cityName, fullName, kind), (county.Name, county.ShortName, county.CityName, county.FullName, county.Kind));
    }

    [Theory]
    [InlineData("999999")]
    [InlineData("41132")]
    [InlineData("41132X")]
    [InlineData("")]
    [InlineData(null)]
    public void County_UnknownOrMalformed_ReturnsNull(string? code) => Assert.Null(National.County(code));

    [Theory]
    [InlineData("411326", true)] // a current county
    [InlineData("411300", true)] // the prefecture itself
    [InlineData("411301", true)] // 南阳市 市辖区, a code only found on older IDs
    [InlineData("411381", true)] // 邓州市, a county-level city
    [InlineData("411399", true)] // an unused county number under a current prefecture: renumbered counties look like this
    [InlineData("412927", true)] // 淅川县 under 南阳地区 before 1994: the prefecture 4129 no longer exists
    [InlineData("142622", true)] // 翼城县 under 临汾地区: today 141022
    [InlineData("110000", false)] // a province alone is never an ID address code
    [InlineData("419999", false)] // decision: 99 is outside GB/T 2260's prefecture ranges (01–70, 90), so no edition issued it
    [InlineData("990000", false)] // no province 99
    [InlineData("710000", false)] // 台湾省 is known as a place, but Taiwan residents' permits use 830000
    [InlineData("810000", true)] // Hong Kong residents' residence permit
    [InlineData("820000", true)] // Macau
    [InlineData("830000", true)] // Taiwan
    [InlineData("810100", false)]
    [InlineData("４１１３２６", false)] // full-width digits are the caller's to fold (ResidentId.Clean does)
    [InlineData("41132", false)]
    [InlineData("4113261", false)]
    [InlineData(null, false)]
    public void IsKnownAddressCode_Code_AcceptsCurrentAndHistoricalCodes(string? code, bool expected) =>
        Assert.Equal(expected, National.IsKnownAddressCode(code));

    [Theory]
    [InlineData("河南省郑州市金水区", PlaceLevel.County, "410105", "河南省 郑州市 金水区", null)]
    [InlineData("郑州金水区", PlaceLevel.County, "410105", "河南省 郑州市 金水区", null)]
    [InlineData("河南 郑州 金水区 文化路12号", PlaceLevel.County, "410105", "河南省 郑州市 金水区", "文化路12号")]
    [InlineData("河南省，郑州市，金水区", PlaceLevel.County, "410105", "河南省 郑州市 金水区", null)]
    [InlineData("上海市浦东新区", PlaceLevel.County, "310115", "上海市 浦东新区", null)]
    [InlineData("浦东新区", PlaceLevel.County, "310115", "上海市 浦东新区", null)]
    [InlineData("上海浦东", PlaceLevel.County, "310115", "上海市 浦东新区", null)]
    [InlineData("北京朝阳区", PlaceLevel.County, "110105", "北京市 朝阳区", null)]
    [InlineData("北京市朝阳区建国路88号", PlaceLevel.County, "110105", "北京市 朝阳区", "建国路88号")]
    [InlineData("长春朝阳区", PlaceLevel.County, "220104", "吉林省 长春市 朝阳区", null)]
    [InlineData("吉林省长春市朝阳区", PlaceLevel.County, "220104", "吉林省 长春市 朝阳区", null)]
    [InlineData("新疆乌鲁木齐", PlaceLevel.City, "650100", "新疆维吾尔自治区 乌鲁木齐市", null)]
    [InlineData("内蒙古呼和浩特市", PlaceLevel.City, "150100", "内蒙古自治区 呼和浩特市", null)]
    [InlineData("内蒙包头", PlaceLevel.City, "150200", "内蒙古自治区 包头市", null)]
    [InlineData("广西南宁", PlaceLevel.City, "450100", "广西壮族自治区 南宁市", null)]
    [InlineData("宁夏银川", PlaceLevel.City, "640100", "宁夏回族自治区 银川市", null)]
    [InlineData("重庆市酉阳县", PlaceLevel.County, "500242", "重庆市 酉阳土家族苗族自治县", null)]
    [InlineData("重庆酉阳", PlaceLevel.County, "500242", "重庆市 酉阳土家族苗族自治县", null)]
    [InlineData("酉阳土家族苗族自治县", PlaceLevel.County, "500242", "重庆市 酉阳土家族苗族自治县", null)]
    [InlineData("南阳淅川", PlaceLevel.County, "411326", "河南省 南阳市 淅川县", null)]
    [InlineData("淅川县", PlaceLevel.County, "411326", "河南省 南阳市 淅川县", null)]
    [InlineData("吉林市船营区", PlaceLevel.County, "220204", "吉林省 吉林市 船营区", null)] // 吉林 + 市 is the city, not the province
    [InlineData("吉林省", PlaceLevel.Province, "220000", "吉林省", null)]
    [InlineData("恩施州", PlaceLevel.City, "422800", "湖北省 恩施土家族苗族自治州", null)]
    [InlineData("延边州延吉市", PlaceLevel.County, "222401", "吉林省 延边朝鲜族自治州 延吉市", null)]
    [InlineData("广东东莞", PlaceLevel.City, "441900", "广东省 东莞市", null)]
    [InlineData("中国香港", PlaceLevel.Province, "810000", "香港特别行政区", null)]
    [InlineData("北京市市辖区朝阳区", PlaceLevel.County, "110105", "北京市 朝阳区", null)] // region pickers write the placeholder
    [InlineData("河南省省直辖县级行政区划济源市", PlaceLevel.County, "419001", "河南省 济源市", null)]
    [InlineData("海南藏族自治州", PlaceLevel.City, "632500", "青海省 海南藏族自治州", null)] // not 海南省
    [InlineData("河南蒙古族自治县", PlaceLevel.County, "632324", "青海省 黄南藏族自治州 河南蒙古族自治县", null)] // not 河南省
    [InlineData("河南", PlaceLevel.Province, "410000", "河南省", null)]
    [InlineData("邓州县", PlaceLevel.County, "411381", "河南省 南阳市 邓州市", null)] // the old suffix still fits
    [InlineData("淅川市", PlaceLevel.County, "411326", "河南省 南阳市 淅川县", null)]
    [InlineData("ＨＫ", PlaceLevel.None, null, null, "HK")]
    [InlineData("火星基地", PlaceLevel.None, null, null, "火星基地")]
    [InlineData("", PlaceLevel.None, null, null, null)]
    public void ResolvePlace_Variants_ResolveToCanonicalPlace(string text, PlaceLevel level, string? code6, string? fullName, string? remainder)
    {
        var place = National.ResolvePlace(text);
        Assert.Equal((level, code6, fullName, remainder), (place.Level, place.Code6, place.FullName, place.Remainder));
        Assert.Empty(place.Candidates);
    }

    [Fact]
    public void ResolvePlace_CountyNameOfTwoProvinces_ReturnsAllCandidates()
    {
        var place = National.ResolvePlace("朝阳区");
        Assert.True(place.IsAmbiguous);
        Assert.Equal(PlaceLevel.None, place.Level);
        Assert.Equal(["110105", "220104"], place.Candidates.Select(c => c.Code6).Order());
    }

    [Fact]
    public void ResolvePlace_AmbiguousInsideNamedProvince_KeepsTheProvinceAndListsCounties()
    {
        var place = National.ResolvePlace("江苏鼓楼区");
        Assert.Equal(PlaceLevel.Province, place.Level);
        Assert.Equal("32", place.ProvinceCode2);
        Assert.Equal(["320106", "320302"], place.Candidates.Select(c => c.Code6).Order());
    }

    [Theory]
    [InlineData("西区3栋")] // 攀枝花 has a 西区, but a generic district name needs its city named
    [InlineData("丹阳镇")] // a town named after 丹阳市 is not 丹阳市
    [InlineData("朝阳路")] // a street
    public void ResolvePlace_NamesOfOtherThings_DoNotResolve(string text) =>
        Assert.Equal(PlaceLevel.None, National.ResolvePlace(text).Level);

    [Fact]
    public void Search_NamePrefix_FindsCounty()
    {
        var results = National.Search("淅");
        Assert.Equal("411326", Assert.Single(results).Code6);
    }

    [Fact]
    public void Search_CodePrefix_ListsPrefectureThenItsCounties()
    {
        var results = National.Search("4113", 5);
        Assert.Equal(5, results.Count);
        Assert.Equal(("411300", PlaceLevel.City), (results[0].Code6, results[0].Level));
        Assert.All(results.Skip(1), r => Assert.Equal(PlaceLevel.County, r.Level));
    }

    [Fact]
    public void Search_PlaceThenPartialCounty_OffersCountiesInside()
    {
        var results = National.Search("郑州金");
        Assert.Contains(results, r => r.Code6 == "410105");
        Assert.All(results, r => Assert.StartsWith("4101", r.Code6));
    }

    [Fact]
    public void Search_AmbiguousName_ExactNamesFirstAcrossProvinces()
    {
        var codes = National.Search("朝阳区", 10).Select(r => r.Code6).ToList();
        Assert.Equal(["110105", "220104"], codes.Take(2));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData(null)]
    public void Search_Blank_ReturnsNothing(string? prefix) => Assert.Empty(National.Search(prefix));

    [Fact]
    public void Search_Limit_IsRespectedAndValidated()
    {
        Assert.Equal(3, National.Search("河南", 3).Count);
        Assert.Empty(National.Search("河南", 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => National.Search("河南", -1));
    }
}
