using Fangkong.Core.Orders;
using Fangkong.Core.People;

namespace Fangkong.Core.Tests.Orders;

/// <summary>Sets of symptoms and vulnerable groups: only defined flags, each named once, "None" only alone.</summary>
public class FlagSetTests
{
    [Theory]
    [InlineData("None", Symptoms.None)]
    [InlineData("DryCough", Symptoms.DryCough)]
    [InlineData("fever, dryCough", Symptoms.Fever | Symptoms.DryCough)]
    [InlineData(" Fatigue ,SoreThroat ", Symptoms.Fatigue | Symptoms.SoreThroat)]
    public void NamesOfDefinedFlags_AreRead(string text, Symptoms expected)
    {
        Assert.True(FlagSet.TryParse<Symptoms>(text, out var value));
        Assert.Equal(expected, value);
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData("Sneezing")]            // not on the list
    [InlineData("None, Fever")]         // the empty set with a symptom
    [InlineData("Fever, None")]
    [InlineData("Fever, Fever")]        // a symptom twice
    [InlineData("Fever,")]              // an empty part
    [InlineData("3")]                   // a number in a string
    [InlineData("Fever, 1024")]
    public void Nonsense_IsRefused(string text) => Assert.False(FlagSet.TryParse<Symptoms>(text, out _));

    [Fact]
    public void AValue_IsDefined_OnlyWithTheEnumsOwnFlags()
    {
        Assert.True(FlagSet.IsDefined(Symptoms.None));
        Assert.True(FlagSet.IsDefined(Symptoms.Fever | Symptoms.Diarrhoea));
        Assert.False(FlagSet.IsDefined((Symptoms)1024));
        Assert.False(FlagSet.IsDefined((Symptoms)(-1)));
        Assert.True(FlagSet.IsDefined(VulnerableFlags.Elderly80Plus | VulnerableFlags.BedRidden));
        Assert.False(FlagSet.IsDefined((VulnerableFlags)128));
        Assert.True(FlagSet.TryParse<VulnerableFlags>("Pregnant, LivesAlone", out var v));
        Assert.Equal(VulnerableFlags.Pregnant | VulnerableFlags.LivesAlone, v);
        Assert.False(FlagSet.TryParse<VulnerableFlags>("None, Pregnant", out _));
    }
}
