using Fangkong.Core.Jurisdictions;

namespace Fangkong.Core.Tests.Jurisdictions;

public class AddressResolverTests
{
    private static readonly AddressResolver Xichuan = new(CountyDivisions.Load("411326"));

    /// <summary>
    /// Real villages of 淅川县 (xichuan_411326_divisions.csv) written the ways households and clerks write them.
    /// Columns: address, expected village code, group, remainder.
    /// </summary>
    [Theory]
    // 白亭村 of 滔河乡: every prefix level present or missing, suffix and group spellings.
    [InlineData("滔河乡白亭村3组", "411326304238", 3, null)]
    [InlineData("淅川县滔河乡白亭村", "411326304238", null, null)]
    [InlineData("河南省南阳市淅川县滔河乡白亭村村委会", "411326304238", null, null)]
    [InlineData("南阳淅川滔河白亭村", "411326304238", null, null)]
    [InlineData("中国河南省南阳市淅川县滔河乡白亭村", "411326304238", null, null)]
    [InlineData("河南淅川滔河乡白亭村", "411326304238", null, null)]
    [InlineData("南阳市滔河乡白亭村", "411326304238", null, null)]
    [InlineData("滔河乡　白亭村　３组", "411326304238", 3, null)]
    [InlineData("白亭村5组", "411326304238", 5, null)]
    [InlineData("滔河白亭村三组", "411326304238", 3, null)]
    [InlineData("滔河乡白亭村第3组", "411326304238", 3, null)]
    [InlineData("滔河乡白亭村第三村民小组", "411326304238", 3, null)]
    [InlineData("滔河乡白亭村3队", "411326304238", 3, null)]
    [InlineData("滔河乡白亭村委3组", "411326304238", 3, null)]
    [InlineData("滔河乡白亭村民委员会", "411326304238", null, null)]
    [InlineData("滔河乡白亭村村民委员会12号", "411326304238", null, "12号")]
    [InlineData("河南省 南阳市 淅川县 滔河乡 白亭村 3组 15号", "411326304238", 3, "15号")]
    [InlineData("河南省,南阳市,淅川县,滔河乡,白亭村", "411326304238", null, null)]
    [InlineData("淅川县-滔河乡-白亭村（3组）", "411326304238", 3, null)]
    [InlineData("滔河乡白亭", "411326304238", null, null)]
    // 荆紫关镇: villages whose own name ends in 村 (张村), Chinese group numbers, township without suffix.
    [InlineData("荆紫关镇中街村", "411326101200", null, null)]
    [InlineData("荆紫关中街", "411326101200", null, null)]
    [InlineData("荆紫关镇张村村3组", "411326101222", 3, null)]
    [InlineData("荆紫关镇张村5组", "411326101222", 5, null)]
    [InlineData("荆紫关镇店子村十二组", "411326101218", 12, null)]
    [InlineData("毛堂乡店子村", "411326302229", null, null)]
    // Communities of 龙城街道 and 商圣街道.
    [InlineData("龙城街道郑湾社区东街28号", "411326001001", null, "东街28号")]
    [InlineData("龙城街道郑湾社区居委会", "411326001001", null, null)]
    [InlineData("淅川县龙城街道办事处红旗社区居民委员会", "411326001004", null, null)]
    [InlineData("郑湾社区居民委员会", "411326001001", null, null)]
    [InlineData("商圣街道狮子路社区3号楼2单元", "411326002001", null, "3号楼2单元")]
    [InlineData("厚坡镇正阳社区", "411326104001", null, null)]
    [InlineData("上集镇刘营社区", "411326110008", null, null)] // 刘营 is also a village in 厚坡镇 and 丹阳镇
    [InlineData("丹阳镇刘营村", "411326105215", null, null)]
    // Names that are prefixes of other names: the longest wins.
    [InlineData("马家沟村", "411326106227", null, null)]
    [InlineData("马家村2组", "411326111232", 2, null)]
    [InlineData("关帝庙村", "411326301200", null, null)]
    [InlineData("上集镇关帝村", "411326110201", null, null)]
    [InlineData("七里边村5组12号", "411326102224", 5, "12号")]
    [InlineData("厚坡镇七里村", "411326104242", null, null)]
    [InlineData("白龙村", "411326304252", null, null)]
    [InlineData("白龙寺村", "411326106254", null, null)]
    [InlineData("香花镇白龙沟", "411326103228", null, null)]
    [InlineData("清泉营村", "411326304239", null, null)]
    [InlineData("仓房镇清泉村", "411326109207", null, null)]
    [InlineData("十二里河村3组", "411326103232", 3, null)] // a name made of numerals
    // Villages named like their township.
    [InlineData("毛堂村", "411326302201", null, null)]
    [InlineData("毛堂乡毛堂村三组", "411326302201", 3, null)]
    [InlineData("大石桥村3组", "411326303201", 3, null)]
    [InlineData("马蹬社区", "411326111002", null, null)]
    [InlineData("盛湾旗杆岭村民委员会75号", "411326106221", null, "75号")]
    // Local names that are also names elsewhere in China.
    [InlineData("丹阳镇陶岔村第3村民小组", "411326105218", 3, null)] // 丹阳市 is in 江苏
    [InlineData("金水社区", "411326107007", null, null)] // 金水区 is in 郑州
    [InlineData("朝阳社区", "411326110004", null, null)] // 朝阳区 in 北京 and 长春
    public void Resolve_XichuanVariants_FindsTheVillage(string address, string villageCode12, int? group, string? remainder)
    {
        var result = Xichuan.Resolve(address);
        Assert.Equal(AddressOutcome.Village, result.Outcome);
        Assert.Equal((villageCode12, villageCode12[..9] + "000", group, remainder),
            (result.VillageCode12, result.TownshipCode12, result.GroupNumber, result.Remainder));
    }

    [Theory]
    [InlineData("荆紫关镇", "411326101000", null)]
    [InlineData("荆紫关", "411326101000", null)]
    [InlineData("马蹬镇", "411326111000", null)]
    [InlineData("马蹬", "411326111000", null)] // the town, not 马蹬社区, when nothing follows
    [InlineData("龙城街道人民路18号", "411326001000", "人民路18号")]
    [InlineData("淅川县大石桥乡", "411326303000", null)]
    [InlineData("商圣路12号", "411326002000", "商圣路12号")] // a street named after the town keeps its name
    [InlineData("荆紫关镇 白亭路5号", "411326101000", "白亭路5号")] // a street named after a village elsewhere
    public void Resolve_TownshipWithoutKnownVillage_IsTownshipOnly(string address, string townshipCode12, string? remainder)
    {
        var result = Xichuan.Resolve(address);
        Assert.Equal(AddressOutcome.TownshipOnly, result.Outcome);
        Assert.Equal((townshipCode12, remainder), (result.TownshipCode12, result.Remainder));
        Assert.Null(result.VillageCode12);
    }

    [Fact]
    public void Resolve_VillageOfAnotherTownship_IsTownshipOnlyAndPointsToTheRealOne()
    {
        // 白亭村 is in 滔河乡, not 荆紫关镇: the township named wins and the village is offered for review.
        var result = Xichuan.Resolve("荆紫关镇白亭村3组");
        Assert.Equal(AddressOutcome.TownshipOnly, result.Outcome);
        Assert.Equal("411326101000", result.TownshipCode12);
        Assert.Equal("白亭村3组", result.Remainder);
        Assert.Equal("411326304238", Assert.Single(result.Candidates).Code12);
        // The note says so as a code with its places, for the page to put into words.
        Assert.Equal((AddressNotes.VillageInOtherTownship, "荆紫关镇"), (result.Note!.Code, result.Note.Place));
        Assert.StartsWith("滔河乡 白亭", Assert.Single(result.Note.Options));
    }

    [Theory]
    [InlineData("店子村3组", new[] { "411326101218", "411326302229" })] // 荆紫关镇 and 毛堂乡
    [InlineData("刘营村", new[] { "411326104219", "411326105215" })] // 村 rules out 上集镇's 刘营社区
    [InlineData("黄楝树村", new[] { "411326108224", "411326304205" })]
    public void Resolve_VillageNameInTwoTownships_IsUnresolvedWithCandidates(string address, string[] codes)
    {
        var result = Xichuan.Resolve(address);
        Assert.Equal(AddressOutcome.Unresolved, result.Outcome);
        Assert.Equal(codes, result.Candidates.Select(c => c.Code12));
        // The note lists each candidate by its township and name, in the candidates' order.
        Assert.Equal(AddressNotes.VillageAmbiguous, result.Note!.Code);
        Assert.Equal(result.Candidates.Select(c => $"{Xichuan.County.Find(c.ParentCode12)!.Name} {c.Name}"), result.Note.Options);
        Assert.Null(result.VillageCode12);
    }

    [Theory]
    [InlineData("河南省郑州市金水区文化路12号", "410105", "文化路12号")]
    [InlineData("郑州金水区", "410105", null)]
    [InlineData("金水区", "410105", null)] // not 金河镇's 金水社区
    [InlineData("西峡县丁河镇", "411323", "丁河镇")]
    [InlineData("南阳西峡", "411323", null)]
    [InlineData("南阳市卧龙区", "411303", null)]
    [InlineData("重庆市酉阳县龙潭镇", "500242", "龙潭镇")]
    [InlineData("北京朝阳区", "110105", null)]
    [InlineData("老城区", "410302", null)] // 洛阳's district, not 老城镇
    [InlineData("丹阳市", "321181", null)] // 江苏's city, not 丹阳镇
    [InlineData("广东省深圳市南山区", "440305", null)]
    [InlineData("郑州市", "410100", null)] // only a prefecture named: its code
    [InlineData("广东省", "440000", null)] // only a province named
    [InlineData("河南省洛阳市", "410300", null)]
    public void Resolve_PlaceOutsideTheCounty_IsOtherCounty(string address, string code6, string? remainder)
    {
        var result = Xichuan.Resolve(address);
        Assert.Equal(AddressOutcome.OtherCounty, result.Outcome);
        Assert.Equal((code6, remainder), (result.OtherCountyCode6, result.Remainder));
        // The note names the place in full, as the national list has it.
        var national = NationalDivisions.Shared;
        var name = code6.EndsWith("0000", StringComparison.Ordinal) ? national.Province(code6[..2])!.Name
            : code6.EndsWith("00", StringComparison.Ordinal) ? national.City(code6[..4])!.FullName
            : national.County(code6)!.FullName;
        Assert.Equal(new AddressNote(AddressNotes.Elsewhere, name), result.Note);
    }

    [Fact]
    public void Resolve_AmbiguousCountyElsewhere_IsOtherCountyWithoutCode()
    {
        var result = Xichuan.Resolve("朝阳区建国路");
        Assert.Equal(AddressOutcome.OtherCounty, result.Outcome);
        Assert.Null(result.OtherCountyCode6);
        Assert.Equal(AddressNotes.ElsewhereAmbiguous, result.Note!.Code);
        Assert.Contains(NationalDivisions.Shared.County("110105")!.FullName, result.Note.Options);
        Assert.Contains(NationalDivisions.Shared.County("220104")!.FullName, result.Note.Options);
    }

    /// <summary>
    /// An address that does not resolve says why as a code with the place it is about, never as a sentence: the page
    /// that shows it puts it into the reader's language.
    /// </summary>
    [Theory]
    [InlineData("火星", AddressOutcome.Unresolved, AddressNotes.NothingRecognised, null)]
    [InlineData("河南省南阳市淅川县", AddressOutcome.Unresolved, AddressNotes.NothingAfterCounty, "河南省南阳市淅川县")]
    [InlineData("淅川县某某街", AddressOutcome.Unresolved, AddressNotes.NothingAfterCounty, "淅川县")]
    [InlineData("荆紫关镇某某村", AddressOutcome.TownshipOnly, AddressNotes.VillageUnknown, "荆紫关镇")]
    public void Resolve_WhatDoesNotResolve_CarriesANoteCode_WithItsPlace(string address, AddressOutcome outcome, string code, string? place)
    {
        var result = Xichuan.Resolve(address);
        Assert.Equal(outcome, result.Outcome);
        Assert.Equal(new AddressNote(code, place), result.Note);
    }

    [Fact]
    public void Resolve_ABareNameOfAPlaceElsewhere_IsNotedAsPossiblyThere()
    {
        var result = Xichuan.Resolve("西峡");
        Assert.Equal(AddressOutcome.Unresolved, result.Outcome);
        Assert.Equal(new AddressNote(AddressNotes.PossiblyElsewhere, NationalDivisions.Shared.County("411323")!.FullName), result.Note);
    }

    [Fact]
    public void Resolve_ATownshipAlone_NeedsNoNote() =>
        Assert.Null(Xichuan.Resolve("荆紫关镇").Note);

    [Fact]
    public void AddressNote_IsStoredAndReadBack_AndLeavesOffOptionsThatDoNotFit()
    {
        var note = new AddressNote(AddressNotes.VillageAmbiguous, Options: ["荆紫关镇 店子村民委员会", "毛堂乡 店子村民委员会"]);
        var stored = AddressNote.Store(note)!;
        Assert.Contains("店子村民委员会", stored); // readable, not \u escapes
        Assert.Equal(note, AddressNote.Read(stored));
        Assert.Null(AddressNote.Store(null));
        Assert.Null(AddressNote.Read(null));
        Assert.Null(AddressNote.Read("not a note"));

        var many = new AddressNote(AddressNotes.VillageAmbiguous, Options: [.. Enumerable.Range(1, 40).Select(i => $"某某乡 第{i}村民委员会")]);
        var cut = AddressNote.Read(AddressNote.Store(many, 300))!;
        Assert.True(AddressNote.Store(many, 300)!.Length <= 300);
        Assert.InRange(cut.Options.Count, 1, 39);
        Assert.Equal(many.Options.Take(cut.Options.Count), cut.Options);
    }

    [Theory]
    [InlineData("淅川县")]
    [InlineData("淅川")]
    [InlineData("河南省南阳市淅川县")]
    [InlineData("淅川县城关镇")] // an old name no longer in the codes
    [InlineData("河南")]
    public void Resolve_OwnCountyWithoutTownship_IsNeverOtherCounty(string address) =>
        Assert.Equal(AddressOutcome.Unresolved, Xichuan.Resolve(address).Outcome);

    [Theory]
    [InlineData("西峡")] // a bare short name alone is too weak to send a household elsewhere
    [InlineData("朝阳小区3栋")]
    [InlineData("'; DROP TABLE households; --")]
    [InlineData("<script>alert(1)</script>")]
    [InlineData("不详")]
    [InlineData("12345")]
    public void Resolve_Garbage_IsUnresolved(string address)
    {
        var result = Xichuan.Resolve(address);
        Assert.Equal(AddressOutcome.Unresolved, result.Outcome);
        Assert.Null(result.VillageCode12);
        Assert.Null(result.OtherCountyCode6);
        Assert.Contains(result.Note!.Code, new[] { AddressNotes.NothingRecognised, AddressNotes.PossiblyElsewhere });
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("\u3000\t\r\n")]
    [InlineData("，。、-")]
    public void Resolve_BlankOrPunctuation_IsEmpty(string? address) =>
        Assert.Equal(AddressOutcome.Empty, Xichuan.Resolve(address).Outcome);

    [Fact]
    public void Resolve_RandomText_NeverThrows()
    {
        var random = new Random(20220317);
        for (var round = 0; round < 200; round++)
        {
            var chars = new char[500];
            for (var i = 0; i < chars.Length; i++)
            {
                chars[i] = random.Next(4) switch
                {
                    0 => (char)random.Next(0x20, 0x7F),
                    1 => (char)random.Next(0x4E00, 0x9FA6), // CJK ideographs
                    2 => (char)random.Next(0xFF01, 0xFF5F), // full-width forms
                    _ => (char)random.Next(0, 0x10000), // anything, lone surrogates included
                };
            }
            var text = new string(chars);
            var result = Xichuan.Resolve(text);
            Assert.True(result.Remainder is null || result.Remainder.Length <= text.Length);
            Assert.True(Enum.IsDefined(result.Outcome));
        }
    }

    [Fact]
    public void Resolve_LongAddress_UsesHeapBufferAndStillResolves()
    {
        var result = Xichuan.Resolve("滔河乡白亭村3组" + new string('甲', 2000));
        Assert.Equal(("411326304238", 3, 2000), (result.VillageCode12, result.GroupNumber, result.Remainder?.Length));
    }

    [Fact]
    public void Resolve_ConcurrentCalls_GiveTheSameAnswers()
    {
        string[] addresses = ["滔河乡白亭村3组", "店子村3组", "西峡县丁河镇", "龙城街道郑湾社区东街28号", "马家沟村", ""];
        var expected = addresses.Select(Xichuan.Resolve).ToArray();
        Parallel.For(0, 20_000, i =>
        {
            var k = i % addresses.Length;
            Assert.Equal(expected[k] with { Candidates = [] }, Xichuan.Resolve(addresses[k]) with { Candidates = [] });
        });
    }

    [Theory]
    [InlineData("重庆市酉阳县龙潭镇包家村3组", "500242101200", 3, null)]
    [InlineData("酉阳土家族苗族自治县龙潭镇梅树村", "500242101204", null, null)]
    [InlineData("酉阳龙潭渤海村", "500242101202", null, null)]
    [InlineData("龙潭镇赵庄街社区12号", "500242101001", null, "12号")]
    [InlineData("丁市镇中坝村5组", "500242107206", 5, null)]
    [InlineData("可大乡中坝3组", "500242204202", 3, null)] // 中坝村 written without its 村
    [InlineData("钟多街道", null, null, null)]
    public void Resolve_YouyangAddresses(string address, string? villageCode12, int? group, string? remainder) =>
        AssertResolves("500242", address, villageCode12, group, remainder);

    [Theory]
    [InlineData("山西省临汾市翼城县唐兴镇丹阳社区", "141022100001", null, null)] // 丹阳市 is in 江苏
    [InlineData("翼城县南梁镇庄里村3组", "141022101220", 3, null)]
    [InlineData("唐兴镇西石桥村", "141022100209", null, null)]
    [InlineData("古城社区", "141022100009", null, null)] // 古城区 is in 丽江
    [InlineData("里砦镇", null, null, null)]
    public void Resolve_YichengAddresses(string address, string? villageCode12, int? group, string? remainder) =>
        AssertResolves("141022", address, villageCode12, group, remainder);

    [Theory]
    [InlineData("江苏省淮安市淮安区车桥镇车桥村5组", "320803107203", 5, null)]
    [InlineData("车桥镇车桥居委会", "320803107001", null, null)] // same short name, told apart by the suffix
    [InlineData("车桥村", "320803107203", null, null)]
    [InlineData("漕运居委会", "320803001006", null, null)] // a community of 淮城街道, named like 漕运镇
    [InlineData("淮安河下街道", null, null, null)]
    [InlineData("平桥镇中村3组", "320803101203", 3, null)] // 平桥 + 镇中村, not 平桥镇 + 中村
    [InlineData("河下镇海社区", "320803002007", null, null)] // 河下(街道) + 镇海社区
    [InlineData("钦工镇镇西村", "320803114208", null, null)]
    [InlineData("淮安淮安新材料产业园姚桥村", "320803402203", null, null)] // the township's name starts like the county's
    public void Resolve_HuaianAddresses(string address, string? villageCode12, int? group, string? remainder) =>
        AssertResolves("320803", address, villageCode12, group, remainder);

    [Theory]
    [InlineData("500242", "秀山县", "500241")]
    [InlineData("500242", "重庆市黔江区", "500114")]
    [InlineData("141022", "古城区", "530702")]
    [InlineData("141022", "山西省临汾市曲沃县", "141021")]
    [InlineData("320803", "淮阴区王营镇", "320804")]
    public void Resolve_OtherCountiesFromOtherHomes_IsOtherCounty(string home, string address, string code6)
    {
        var result = new AddressResolver(CountyDivisions.Load(home)).Resolve(address);
        Assert.Equal((AddressOutcome.OtherCounty, code6), (result.Outcome, result.OtherCountyCode6));
    }

    [Theory]
    [InlineData("500242", "中坝村", 2)]
    [InlineData("141022", "庄里村", 2)]
    [InlineData("320803", "五里村", 2)]
    public void Resolve_AmbiguousVillagesOfOtherHomes_ListCandidates(string home, string address, int candidates)
    {
        var result = new AddressResolver(CountyDivisions.Load(home)).Resolve(address);
        Assert.Equal(AddressOutcome.Unresolved, result.Outcome);
        Assert.Equal(candidates, result.Candidates.Count);
    }

    [Fact]
    public void Resolve_SameShortNameInOneTownshipWithoutSuffix_IsTownshipOnlyWithBoth()
    {
        var result = new AddressResolver(CountyDivisions.Load("320803")).Resolve("车桥镇车桥3组");
        Assert.Equal(AddressOutcome.TownshipOnly, result.Outcome);
        Assert.Equal(["320803107001", "320803107203"], result.Candidates.Select(c => c.Code12));
    }

    [Theory]
    [MemberData(nameof(CountyDivisionsTests.ShippedCounties), MemberType = typeof(CountyDivisionsTests))]
    public void Resolve_EveryVillageWithItsTownship_FindsItself(string county)
    {
        var divisions = CountyDivisions.Load(county);
        var resolver = new AddressResolver(divisions);
        Assert.All(divisions.Villages, village =>
        {
            var township = divisions.Find(village.ParentCode12)!;
            var result = resolver.Resolve($"{divisions.FullName}{township.Name}{village.Name}2组");
            Assert.True(village.Code12 == result.VillageCode12, $"{village.Name}: {result.Outcome} {result.Note}");
            Assert.Equal(2, result.GroupNumber);
        });
    }

    private static void AssertResolves(string county, string address, string? villageCode12, int? group, string? remainder)
    {
        var result = new AddressResolver(CountyDivisions.Load(county)).Resolve(address);
        Assert.Equal(villageCode12 is null ? AddressOutcome.TownshipOnly : AddressOutcome.Village, result.Outcome);
        Assert.Equal((villageCode12, group, remainder), (result.VillageCode12, result.GroupNumber, result.Remainder));
        Assert.NotNull(result.TownshipCode12);
    }
}
