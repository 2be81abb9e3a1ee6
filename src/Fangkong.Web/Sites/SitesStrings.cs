namespace Fangkong.Web.Sites;

/// <summary>Strings of quarantine sites: capacity, room board, allocation, trips.</summary>
public sealed class SitesStrings;
