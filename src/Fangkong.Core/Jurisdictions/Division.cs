namespace Fangkong.Core.Jurisdictions;

/// <summary>A township or village of a county's official tree (NBS statistical division codes).</summary>
/// <param name="Code12">the 12-digit NBS code (411326101000 for a township, 411326101218 for a village)</param>
/// <param name="Name">the official name (荆紫关镇, 店子村民委员会, 郑湾社区居民委员会)</param>
/// <param name="Level"><see cref="JurisdictionLevel.Township"/> or <see cref="JurisdictionLevel.Village"/></param>
/// <param name="ParentCode12">a village's township code; null for a township, whose parent is the county itself
/// (<see cref="CountyDivisions.CountyCode"/>)</param>
/// <param name="ShortName">the name as people write it, without the administrative suffix (荆紫关, 店子, 郑湾)</param>
/// <param name="IsCommunity">true for an urban residents' committee (社区, 居委会); false for a villagers'
/// committee and for townships</param>
public sealed record Division(
    string Code12, string Name, JurisdictionLevel Level, string? ParentCode12, string ShortName, bool IsCommunity)
{
    /// <summary>The scope key of this division (9 digits for a township, 12 for a village); see <see cref="ScopeKey"/>.</summary>
    public string ScopeKey => Jurisdictions.ScopeKey.FromDivisionCode(Code12, Level);
}
