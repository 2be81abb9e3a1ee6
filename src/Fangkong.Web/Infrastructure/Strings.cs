namespace Fangkong.Web.Infrastructure;

// Marker types for IStringLocalizer<T>: each names one section of Locales/{zh,en}.json (keyed by full type name,
// the BootstrapBlazor convention), so every capability keeps its strings together.

/// <summary>Layout, navigation, common words and enum names.</summary>
public sealed class SharedStrings;

/// <summary>Field-error codes (name.required, id.check-character, …) as sentences.</summary>
public sealed class ErrorStrings;
