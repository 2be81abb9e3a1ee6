using Fangkong.Core.Identifiers;

namespace Fangkong.Core.Tests.Identifiers;

public class PhoneAndMaskingTests
{
    [Theory]
    [InlineData("13800001234", "13800001234", true)]
    [InlineData("138 0000 1234", "13800001234", true)]
    [InlineData("+86-138-0000-1234", "13800001234", true)]
    [InlineData("008613800001234", "13800001234", true)]
    [InlineData("１３８００００１２３４", "13800001234", true)]
    [InlineData("13800001234/13900001234", "13800001234", true)]
    [InlineData("0377-69221234", "0377-69221234", false)]
    [InlineData("010 6522 1234", "010-65221234", false)]
    public void Check_CommonWritings_Normalize(string input, string expected, bool mobile)
    {
        var r = PhoneNumber.Check(input);
        Assert.True(r.Valid);
        Assert.Equal(expected, r.Normalized);
        Assert.Equal(mobile, r.IsMobile);
    }

    [Theory]
    [InlineData("")]
    [InlineData("12345")]
    [InlineData("1380000123")]
    [InlineData("phone")]
    [InlineData("'; DROP TABLE people;--")]
    public void Check_Nonsense_IsInvalid(string input) => Assert.False(PhoneNumber.Check(input).Valid);

    [Fact]
    public void Masks_KeepOnlyTheAgreedCharacters()
    {
        Assert.Equal("1101************2X", Masking.IdNumber("11010519491231002X"));
        Assert.Equal("138****1234", Masking.Phone("13800001234"));
        Assert.Equal("0377-******34", Masking.Phone("0377-69221234"));
        Assert.Equal("王**", Masking.Name("王建国"));
        Assert.Null(Masking.IdNumber(null));
    }

    [Theory]
    [InlineData("138****1234", "13800001234", true, "13800001234")]   // the mask sent back: the stored number stays
    [InlineData("138****1234", "13800001234", false, null)]           // a new member under the old mask: no number
    [InlineData("13900005678", "13800001234", true, "13900005678")]   // retyped: taken as typed
    [InlineData(" 13900005678 ", null, false, "13900005678")]
    [InlineData("", "13800001234", true, null)]                        // cleared: none
    [InlineData("138****1234", null, true, "138****1234")]            // nothing stored: what was typed (the service validates it)
    public void PhoneFromForm_KeepsTheStoredNumber_OnlyForTheSameHolder(string submitted, string? stored, bool sameHolder, string? expected) =>
        Assert.Equal(expected, Masking.PhoneFromForm(submitted, stored, sameHolder));
}
