using Fangkong.Core.Identifiers;

namespace Fangkong.Core.Tests.Identifiers;

public class PersonKeyTests
{
    private static readonly DateOnly Today = new(2022, 10, 5);
    private static readonly string Id = ResidentId.Compose("411326", new DateOnly(1990, 3, 4), 12);

    [Fact]
    public void AResidentIdNumber_AsTyped_IsReadNormalized()
    {
        var spaced = Id[..6] + " " + Id[6..14] + " " + Id[14..].ToLowerInvariant();
        Assert.Equal((new PersonKey(PersonKeyKind.ResidentId, Id), (string?)null), PersonKey.Read(spaced, Today));
    }

    [Theory]
    [InlineData("138 0000 1234", "13800001234")]
    [InlineData("0377-69221234", "0377-69221234")]
    public void APhoneNumber_IsAPhone(string input, string normalized) =>
        Assert.Equal(new PersonKey(PersonKeyKind.Phone, normalized), PersonKey.Read(input, Today).Key);

    [Fact]
    public void AMistypedDigit_IsRefusedAsTheIdsCheckCharacter_NotSearchedForAsAnything()
    {
        var wrong = Id[..^1] + (Id[^1] == '1' ? '2' : '1');
        Assert.Equal(((PersonKey?)null, "id.check-character"), PersonKey.Read(wrong, Today));
    }

    [Theory]
    [InlineData("", "required")]
    [InlineData("   ", "required")]
    [InlineData("1380000", "phone.invalid")]
    [InlineData("41132619900304", "id.length")]
    public void NeitherAnIdNorAPhone_SaysWhich(string input, string error) => Assert.Equal(error, PersonKey.Read(input, Today).Error);
}
