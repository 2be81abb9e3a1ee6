using Fangkong.Core.Identifiers;
using Fangkong.Core.Tasks;

namespace Fangkong.Core.Tests.Tasks;

public class PushedListRulesTests
{
    private static readonly DateOnly Today = new(2022, 11, 1);

    /// <summary>A valid 淅川 number whose check character is X (to exercise the lower-case x).</summary>
    private static readonly string IdEndingInX = Enumerable.Range(0, 1000)
        .Select(seq => ResidentId.Compose("411326", new DateOnly(1965, 3, 8), seq))
        .First(id => id.EndsWith('X'));

    /// <summary>A valid 淅川 number whose check character is a digit.</summary>
    private static readonly string IdEndingInDigit = Enumerable.Range(0, 1000)
        .Select(seq => ResidentId.Compose("411326", new DateOnly(1988, 7, 21), seq))
        .First(id => char.IsAsciiDigit(id[17]));

    private static PushedRow Row(string? name = null, string? id = null, string? phone = null, bool idLossy = false) =>
        new(7, name, id, phone, "上集镇下集村", "郑州", "时空伴随", "2022-11-01 08:00", "第12批", IdLossy: idLossy);

    private static NormalizedPushedRow Normalize(string? name = null, string? id = null, string? phone = null, bool idLossy = false) =>
        PushedListRules.Normalize(Row(name, id, phone, idLossy), Today);

    /// <summary>"411326…X" → "４１１３２６…ｘ".</summary>
    private static string FullWidth(string s) =>
        new([.. s.Select(c => c == 'X' ? 'ｘ' : char.IsAsciiDigit(c) ? (char)(c - '0' + '０') : c)]);

    private static string FifteenDigitFormOf(string id18) => id18[..6] + id18[8..17];

    private static string WithWrongCheckCharacter(string id18) =>
        id18[..17] + (id18[17] == '1' ? '2' : '1');

    [Fact]
    public void TestIds_AreWhatTheTestsAssume()
    {
        Assert.True(ResidentId.Check(IdEndingInX, Today).Valid);
        Assert.EndsWith("X", IdEndingInX);
        Assert.True(ResidentId.Check(IdEndingInDigit, Today).Valid);
        Assert.False(ResidentId.Check(WithWrongCheckCharacter(IdEndingInDigit), Today).Valid);
    }

    // ---- ID numbers -------------------------------------------------------------------------------------------

    [Fact]
    public void Normalize_FullWidthDigitsAndLowerCaseX_GiveTheRegistryForm()
    {
        var input = FullWidth(IdEndingInX);
        Assert.Contains('ｘ', input);

        var row = Normalize("张三", input, "13800138000");

        Assert.Null(row.Rejection);
        Assert.Equal(IdEndingInX, row.IdNumber);
        Assert.True(row.IdValid);
        Assert.False(row.IdInvalid);
        Assert.Null(row.IdIssue);
        Assert.Equal("id:" + IdEndingInX, row.DedupKey);
    }

    [Fact]
    public void Normalize_LowerCaseXWithSpacesAndDashes_GivesTheRegistryForm()
    {
        var input = " " + IdEndingInX[..6] + " " + IdEndingInX[6..14] + "-" + IdEndingInX[14..].ToLowerInvariant() + " ";

        var row = Normalize("张三", input);

        Assert.Equal(IdEndingInX, row.IdNumber);
        Assert.True(row.IdValid);
    }

    [Fact]
    public void Normalize_FifteenDigitId_IsUpgradedToEighteen()
    {
        var fifteen = FifteenDigitFormOf(IdEndingInDigit);
        Assert.Equal(15, fifteen.Length);

        var row = Normalize("李四", fifteen);

        Assert.Equal(IdEndingInDigit, row.IdNumber);
        Assert.Equal(18, row.IdNumber!.Length);
        Assert.True(row.IdValid);
        Assert.False(row.IdInvalid);
        Assert.Equal("id:" + IdEndingInDigit, row.DedupKey);
    }

    [Fact]
    public void Normalize_FifteenDigitIdWhoseCheckCharacterIsX_IsUpgradedWithX()
    {
        var row = Normalize("李四", FifteenDigitFormOf(IdEndingInX));

        Assert.Equal(IdEndingInX, row.IdNumber);
        Assert.True(row.IdValid);
    }

    [Fact]
    public void Normalize_WrongCheckCharacter_KeepsTheRowAndFlagsTheId()
    {
        var wrong = WithWrongCheckCharacter(IdEndingInDigit);

        var row = Normalize("王五", wrong, "+86 138-0013-8000");

        Assert.Null(row.Rejection);
        Assert.Equal(wrong, row.IdNumber); // kept as written (cleaned), not corrected
        Assert.False(row.IdValid);
        Assert.True(row.IdInvalid);
        Assert.Equal("id.check-character", row.IdIssue);
        Assert.Equal("王五", row.Name);
        Assert.Equal("13800138000", row.Phone);
        Assert.Equal("np:王五|13800138000", row.DedupKey); // an invalid ID never keys a duplicate
    }

    [Fact]
    public void Normalize_InvalidIdWithoutPhone_HasNoDedupKey()
    {
        var row = Normalize("王五", WithWrongCheckCharacter(IdEndingInDigit));

        Assert.Null(row.Rejection);
        Assert.True(row.IdInvalid);
        Assert.Null(row.DedupKey);
    }

    [Theory]
    [InlineData("41132619650308", "id.length")] // 14 digits
    [InlineData("4113261965030812345", "id.length")] // 19 digits
    [InlineData("41132619650308A12X", "id.characters")]
    [InlineData("411326196513081234", "id.birth-date")] // month 13
    public void Normalize_MalformedId_IsKeptWithItsIssue(string id, string issue)
    {
        var row = Normalize("赵六", id, "13900139000");

        Assert.Null(row.Rejection);
        Assert.Equal(id, row.IdNumber);
        Assert.False(row.IdValid);
        Assert.True(row.IdInvalid);
        Assert.Equal(issue, row.IdIssue);
        Assert.Equal("np:赵六|13900139000", row.DedupKey);
    }

    [Fact]
    public void Normalize_BirthDateAfterToday_IsInvalid()
    {
        var future = ResidentId.Compose("411326", Today.AddDays(1), 17);

        var row = Normalize("赵六", future);

        Assert.False(row.IdValid);
        Assert.True(row.IdInvalid);
        Assert.Equal("id.future-birth-date", row.IdIssue);
    }

    [Fact]
    public void Normalize_BornToday_IsValid()
    {
        var row = Normalize("新生儿", ResidentId.Compose("411326", Today, 18));
        Assert.True(row.IdValid);
    }

    [Fact]
    public void Normalize_UnknownAddressCode_IsInvalidWhenTheCheckIsGiven()
    {
        var id = ResidentId.Compose("999999", new DateOnly(1970, 1, 1), 31);

        var withoutCheck = PushedListRules.Normalize(Row("孙七", id), Today);
        var withCheck = PushedListRules.Normalize(Row("孙七", id), Today, code => code.StartsWith("41", StringComparison.Ordinal));

        Assert.True(withoutCheck.IdValid);
        Assert.False(withCheck.IdValid);
        Assert.True(withCheck.IdInvalid);
        Assert.Equal("id.address-code", withCheck.IdIssue);
    }

    [Fact]
    public void Normalize_LossyId_IsKeptCleanedAndFlaggedEvenIfItLooksValid()
    {
        // A number that went through a spreadsheet as a float: the digits cannot be trusted, whatever the check says.
        var row = Normalize("周八", IdEndingInDigit, idLossy: true);

        Assert.Null(row.Rejection);
        Assert.Equal(IdEndingInDigit, row.IdNumber);
        Assert.False(row.IdValid);
        Assert.True(row.IdInvalid);
        Assert.Equal("id.lossy-number", row.IdIssue);
        Assert.Null(row.DedupKey);
    }

    [Fact]
    public void Normalize_PhoneCellOfOnlyInvisibleCharacters_IsAnEmptyPhone()
    {
        var row = Normalize("周八", phone: "\u200B\uFEFF ");

        Assert.Null(row.Phone);
        Assert.False(row.PhoneInvalid);
    }

    [Fact]
    public void Normalize_LossyIdCellThatCleansToNothing_HasNoIdAndNoIdIssue()
    {
        var row = Normalize("周八", id: "\u200B", phone: "13800138000", idLossy: true);

        Assert.Null(row.IdNumber);
        Assert.False(row.IdInvalid);
        Assert.Null(row.IdIssue);
        Assert.Equal("np:周八|13800138000", row.DedupKey);
    }

    [Fact]
    public void Normalize_VeryLongIdText_IsCappedAtThirtyCharacters()
    {
        var row = Normalize("周八", new string('1', 45));

        Assert.True(row.IdInvalid);
        Assert.Equal(30, row.IdNumber!.Length);
    }

    // ---- which rows are kept ----------------------------------------------------------------------------------

    [Fact]
    public void Normalize_OnlyAPhone_IsKept()
    {
        var row = Normalize(phone: "13800138000");

        Assert.Null(row.Rejection);
        Assert.Null(row.Name);
        Assert.Null(row.IdNumber);
        Assert.False(row.IdInvalid);
        Assert.Equal("13800138000", row.Phone);
        Assert.Null(row.DedupKey); // a phone alone merges with nothing
    }

    [Fact]
    public void Normalize_OnlyAName_IsKept()
    {
        var row = Normalize(name: "张三");

        Assert.Null(row.Rejection);
        Assert.Equal("张三", row.Name);
        Assert.Null(row.IdNumber);
        Assert.Null(row.Phone);
        Assert.False(row.PhoneInvalid);
        Assert.Null(row.DedupKey);
    }

    [Fact]
    public void Normalize_OnlyAnId_IsKeptAndKeyedByTheId()
    {
        var row = Normalize(id: IdEndingInDigit);

        Assert.Null(row.Rejection);
        Assert.Null(row.Name);
        Assert.True(row.IdValid);
        Assert.Equal("id:" + IdEndingInDigit, row.DedupKey);
    }

    [Fact]
    public void Normalize_OnlyAnInvalidId_IsKept()
    {
        var row = Normalize(id: "12345");

        Assert.Null(row.Rejection);
        Assert.True(row.IdInvalid);
        Assert.Null(row.DedupKey);
    }

    [Theory]
    [InlineData(null, null, null)]
    [InlineData("", "", "")]
    [InlineData("   ", " \t ", "  ")]
    [InlineData("\u3000", "\u3000\u3000", "\u3000 ")]
    public void Normalize_NoNameIdOrPhone_IsRejected(string? name, string? id, string? phone)
    {
        var row = Normalize(name, id, phone);

        Assert.Equal("identity.missing", row.Rejection);
        Assert.Null(row.Name);
        Assert.Null(row.IdNumber);
        Assert.Null(row.Phone);
        Assert.Null(row.DedupKey);
        Assert.False(row.PhoneInvalid);
    }

    [Theory]
    [InlineData("不详")]
    [InlineData("12345")]
    [InlineData("abc")]
    public void Normalize_OnlyAnUnreadablePhone_IsRejected(string phone)
    {
        var row = Normalize(phone: phone);

        // The row has a phone: what is wrong is the phone, not a missing identity.
        Assert.Equal("phone.invalid", row.Rejection);
        Assert.True(row.PhoneInvalid);
        Assert.Null(row.Phone);
        Assert.Null(row.DedupKey);
    }

    [Fact]
    public void Normalize_RejectedRow_KeepsTheRawRow()
    {
        var raw = Row();
        var row = PushedListRules.Normalize(raw, Today);

        Assert.Equal("identity.missing", row.Rejection);
        Assert.Same(raw, row.Raw);
        Assert.Equal(7, row.Raw.RowNumber);
    }

    // ---- phones and names -------------------------------------------------------------------------------------

    [Theory]
    [InlineData("13800138000", "13800138000")]
    [InlineData("+86 138-0013-8000", "13800138000")]
    [InlineData("+86-13800138000", "13800138000")]
    [InlineData("0086 138 0013 8000", "13800138000")]
    [InlineData("8613800138000", "13800138000")]
    [InlineData("(138) 0013 8000", "13800138000")]
    [InlineData("１３８００１３８０００", "13800138000")]
    [InlineData("13800138000/13900139000", "13800138000")]
    [InlineData("0377-6922 1234", "0377-69221234")]
    [InlineData("010-12345678", "010-12345678")]
    public void Normalize_Phone_IsNormalised(string phone, string expected)
    {
        var row = Normalize("张三", phone: phone);

        Assert.Null(row.Rejection);
        Assert.Equal(expected, row.Phone);
        Assert.False(row.PhoneInvalid);
        Assert.Equal("np:张三|" + expected, row.DedupKey);
    }

    [Theory]
    [InlineData("12345")]
    [InlineData("138001380001")] // 12 digits
    [InlineData("电话不详")]
    [InlineData("23800138000")]
    public void Normalize_UnreadablePhoneWithAName_KeepsTheRowAndFlagsThePhone(string phone)
    {
        var row = Normalize("张三", phone: phone);

        Assert.Null(row.Rejection);
        Assert.Equal("张三", row.Name);
        Assert.True(row.PhoneInvalid);
        Assert.Null(row.Phone);
        Assert.Null(row.DedupKey); // an unreadable phone does not merge
    }

    [Fact]
    public void Normalize_UnreadablePhoneWithAValidId_KeepsTheIdKey()
    {
        var row = Normalize(id: IdEndingInDigit, phone: "12345");

        Assert.Null(row.Rejection);
        Assert.True(row.PhoneInvalid);
        Assert.Equal("id:" + IdEndingInDigit, row.DedupKey);
    }

    [Fact]
    public void Normalize_Name_IsTidiedAndWidthFolded()
    {
        var row = Normalize("  阿依古丽　 买买提 ", phone: "13800138000");

        Assert.Equal("阿依古丽 买买提", row.Name);
        Assert.Equal("np:阿依古丽 买买提|13800138000", row.DedupKey);
    }

    [Fact]
    public void Normalize_UnusualName_IsKeptAsWritten()
    {
        // A pushed list is not a registry form: digits or marks in a name do not refuse the row.
        var row = Normalize("张三(父)", phone: "13800138000");

        Assert.Null(row.Rejection);
        Assert.Equal("张三(父)", row.Name);
    }

    [Fact]
    public void Normalize_LongName_IsCapped()
    {
        var row = Normalize(new string('名', 80));

        Assert.Equal(new string('名', 50), row.Name);
    }

    // ---- duplicate keys ---------------------------------------------------------------------------------------

    [Fact]
    public void DedupKey_SameValidIdWrittenDifferently_WithDifferentNamesAndPhones_IsTheSame()
    {
        var a = Normalize("张三", IdEndingInX, "13800138000");
        var b = Normalize("张 三", FullWidth(IdEndingInX), "13900139000");
        var c = Normalize("张叁", FifteenDigitFormOf(IdEndingInX), null);
        var d = Normalize(null, IdEndingInX.ToLowerInvariant(), "12345");

        Assert.Equal("id:" + IdEndingInX, a.DedupKey);
        Assert.Equal(a.DedupKey, b.DedupKey);
        Assert.Equal(a.DedupKey, c.DedupKey);
        Assert.Equal(a.DedupKey, d.DedupKey);
    }

    [Fact]
    public void DedupKey_DifferentValidIds_AreDifferentEvenWithTheSameNameAndPhone()
    {
        var a = Normalize("张三", IdEndingInX, "13800138000");
        var b = Normalize("张三", IdEndingInDigit, "13800138000");

        Assert.NotEqual(a.DedupKey, b.DedupKey);
    }

    [Fact]
    public void DedupKey_SameNameAndPhoneWithoutValidId_IsTheSame()
    {
        var a = Normalize("李四", null, "138 0013 8000");
        var b = Normalize("李四", WithWrongCheckCharacter(IdEndingInDigit), "+86 138-0013-8000");
        var c = Normalize("李四", "不详", "１３８００１３８０００");

        Assert.Equal("np:李四|13800138000", a.DedupKey);
        Assert.Equal(a.DedupKey, b.DedupKey);
        Assert.Equal(a.DedupKey, c.DedupKey);
    }

    [Fact]
    public void DedupKey_ValidIdRowAndNamePhoneRow_DoNotMerge()
    {
        // Duplicates are rows with the same valid ID, or without a valid ID the same name and phone — not a mix.
        var withId = Normalize("李四", IdEndingInDigit, "13800138000");
        var withoutId = Normalize("李四", null, "13800138000");

        Assert.NotEqual(withId.DedupKey, withoutId.DedupKey);
    }

    [Fact]
    public void DedupKey_SameNameDifferentPhone_IsDifferent()
    {
        var a = Normalize("李四", null, "13800138000");
        var b = Normalize("李四", null, "13800138001");

        Assert.NotNull(a.DedupKey);
        Assert.NotNull(b.DedupKey);
        Assert.NotEqual(a.DedupKey, b.DedupKey);
    }

    [Fact]
    public void DedupKey_SamePhoneDifferentName_IsDifferent()
    {
        var a = Normalize("李四", null, "13800138000");
        var b = Normalize("李五", null, "13800138000");

        Assert.NotEqual(a.DedupKey, b.DedupKey);
    }

    [Theory]
    [InlineData("李四", null, null)]
    [InlineData("李四", "", "")]
    [InlineData("李四", "12345", null)]
    [InlineData(null, null, "13800138000")]
    [InlineData(null, "12345", "13800138000")]
    public void DedupKey_NoValidIdAndNameOrPhoneMissing_IsNull(string? name, string? id, string? phone)
    {
        var row = Normalize(name, id, phone);

        Assert.Null(row.Rejection);
        Assert.Null(row.DedupKey);
    }

    [Fact]
    public void DedupKey_Function_PrefersTheValidId()
    {
        Assert.Equal("id:" + IdEndingInX, PushedListRules.DedupKey(IdEndingInX, "张三", "13800138000"));
        Assert.Equal("id:" + IdEndingInX, PushedListRules.DedupKey(IdEndingInX, null, null));
        Assert.Equal("np:张三|13800138000", PushedListRules.DedupKey(null, "张三", "13800138000"));
        Assert.Null(PushedListRules.DedupKey(null, "张三", null));
        Assert.Null(PushedListRules.DedupKey(null, null, "13800138000"));
        Assert.Null(PushedListRules.DedupKey(null, null, null));
    }
}
