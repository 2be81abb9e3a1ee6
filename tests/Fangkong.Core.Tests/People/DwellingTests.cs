using Fangkong.Core.Jurisdictions;
using Fangkong.Core.People;

namespace Fangkong.Core.Tests.People;

/// <summary>Where inside a village an address puts a person, and the nodes that takes (the import and arrivals both walk them).</summary>
public class DwellingTests
{
    private static Dwelling Parse(string remainder, int? group = null) => Dwelling.Parse(remainder, group, null, null, null, null, null);

    [Fact]
    public void AVillageDoor_IsOneHousehold_WrittenEitherWay()
    {
        Assert.Equal("3组18号", Parse("3组18号").Label);
        Assert.Equal("3组18号", Parse("三组 18号").Label);
        var step = Assert.Single(Parse("3组18号").Steps());
        Assert.Equal(new DwellingStep(JurisdictionLevel.Household, null, "3组18号"), step);
    }

    [Fact]
    public void AFlat_IsBuildingUnitAndRoom_NumberedByItsRoom()
    {
        var steps = Parse("幸福小区5号楼2单元302室").Steps();
        Assert.Equal(
            [new DwellingStep(JurisdictionLevel.Building, 5, "5号楼"), new DwellingStep(JurisdictionLevel.Unit, 2, "2单元"), new DwellingStep(JurisdictionLevel.Household, 302, "5号楼2单元302室")],
            steps);
    }

    [Fact]
    public void AGridIsKept_AndNoDoorMeansNoHousehold()
    {
        Assert.Empty(Parse("村委会旁").Steps());
        var grid = Dwelling.Parse("", null, "4", null, null, null, null).Steps();
        Assert.Equal([new DwellingStep(JurisdictionLevel.Grid, 4, "第4网格")], grid);
        // A door without a building and room is not a flat: the household is not numbered by a room.
        Assert.Equal([new DwellingStep(JurisdictionLevel.Household, null, "28号")], Parse("东街28号").Steps());
    }
}
