namespace Fangkong.Web.Jurisdictions;

/// <summary>Strings of the jurisdiction tree pages.</summary>
public sealed class JurisdictionStrings;
