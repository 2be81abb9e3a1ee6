using Fangkong.Core.Sites;

namespace Fangkong.Core.Tests.Sites;

public class VehiclePlateTests
{
    [Theory]
    [InlineData("豫R·A1234")]
    [InlineData("豫R A1234")]
    [InlineData("豫RA1234")]
    [InlineData("  豫r·a1234 ")]
    [InlineData("豫R-A1234")]
    [InlineData("豫R•A1234")]
    [InlineData("豫Ｒ·Ａ１２３４")]
    [InlineData("豫ｒ　ａ１２３４")]
    [InlineData("豫R.A 12 34")]
    public void TheWaysOfWritingOnePlate_AreOnePlate(string typed)
    {
        Assert.Equal("豫RA1234", VehiclePlate.Normalize(typed, out var error));
        Assert.Null(error);
    }

    [Theory]
    [InlineData("豫RD12345", "豫RD12345")]
    [InlineData("京a·f12345", "京AF12345")]
    public void ANewEnergyPlate_HasSixCharactersAfterTheOfficeLetter(string typed, string expected)
    {
        Assert.Equal(expected, VehiclePlate.Normalize(typed, out var error));
        Assert.Null(error);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    [InlineData("豫R·A123")]        // too short
    [InlineData("豫R·A1234567")]    // too long
    [InlineData("RA12345")]         // no province
    [InlineData("A豫12345")]         // province not first
    [InlineData("粤1·A1234")]       // the office is a letter
    [InlineData("豫R·A12_4")]       // not alphanumeric
    [InlineData("豫R·A12三4")]
    [InlineData("甲R·A1234")]       // not a province
    public void AnythingElse_IsInvalid(string? typed)
    {
        Assert.Null(VehiclePlate.Normalize(typed, out var error));
        Assert.Equal("plate.invalid", error);
    }

    [Theory]
    [InlineData("豫RA1234", "豫R·A1234")]
    [InlineData("豫R A1234", "豫R·A1234")]
    [InlineData("豫RD12345", "豫R·D12345")]
    [InlineData("旧车牌 001", "旧车牌 001")]
    public void Display_PutsTheDotAfterTheOfficeLetter(string stored, string shown)
    {
        Assert.Equal(shown, VehiclePlate.Display(stored));
    }
}
