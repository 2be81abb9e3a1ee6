namespace Fangkong.Web.People;

/// <summary>Strings of the people registry pages (lists, person page, import, export, categories).</summary>
public sealed class PeopleStrings;
