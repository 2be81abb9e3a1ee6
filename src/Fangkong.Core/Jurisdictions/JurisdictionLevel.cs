namespace Fangkong.Core.Jurisdictions;

/// <summary>
/// Levels of the jurisdiction tree. County, township and village carry official NBS codes; the levels below the
/// village are the county's own grid-management units.
/// </summary>
public enum JurisdictionLevel
{
    Prefecture = 2,
    County = 3,
    Township = 4,
    Village = 5,
    Grid = 6,
    Building = 7,
    Unit = 8,
    Household = 9,
}
