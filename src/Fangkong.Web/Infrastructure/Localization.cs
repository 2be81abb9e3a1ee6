using System.Collections.Frozen;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Localization;

namespace Fangkong.Web.Infrastructure;

/// <summary>
/// The platform's UI strings: Locales/zh.json and Locales/en.json, one section per marker type (keyed by the type's
/// full name), read once into frozen dictionaries. Chinese is the default; English when the UI culture is English.
/// A missing key shows the key itself (and a test keeps both files complete).
/// </summary>
public sealed class StringCatalog
{
    private readonly FrozenDictionary<string, FrozenDictionary<string, string>> _zh;
    private readonly FrozenDictionary<string, FrozenDictionary<string, string>> _en;

    public StringCatalog()
    {
        _zh = Load("zh");
        _en = Load("en");
    }

    /// <summary>
    /// Every strings marker class of the web project (a sealed class named …Strings with nothing in it), found by
    /// reflection so a new capability's strings are served by this catalogue from its first page. A marker left to
    /// BootstrapBlazor's own localizer was served through a process-wide cache bound to the first host's services —
    /// with several hosts in one process (the tests) a page then failed once that host was disposed.
    /// </summary>
    public static IReadOnlyList<Type> Sections { get; } = typeof(StringCatalog).Assembly.GetTypes()
        .Where(t => t.IsClass && t.IsSealed && !t.IsAbstract && t.Name.EndsWith("Strings", StringComparison.Ordinal) && t.Namespace?.StartsWith("Fangkong.Web", StringComparison.Ordinal) == true
            && t.GetMembers(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.Static | System.Reflection.BindingFlags.DeclaredOnly)
                .All(m => m is System.Reflection.ConstructorInfo))
        .OrderBy(t => t.FullName, StringComparer.Ordinal).ToList();

    public string? Find(Type section, string key, CultureInfo culture)
    {
        var table = culture.Name.StartsWith("en", StringComparison.OrdinalIgnoreCase) ? _en : _zh;
        return table.TryGetValue(section.FullName!, out var strings) && strings.TryGetValue(key, out var value) ? value : null;
    }

    public IEnumerable<string> Keys(Type section, string language) =>
        (language == "en" ? _en : _zh).TryGetValue(section.FullName!, out var strings) ? strings.Keys : [];

    private static FrozenDictionary<string, FrozenDictionary<string, string>> Load(string language)
    {
        using var stream = typeof(StringCatalog).Assembly.GetManifestResourceStream($"Fangkong.Web.Locales.{language}.json")
            ?? throw new InvalidOperationException($"Locales/{language}.json is not embedded");
        var document = JsonSerializer.Deserialize<Dictionary<string, Dictionary<string, string>>>(stream)!;
        return document.ToFrozenDictionary(s => s.Key, s => s.Value.ToFrozenDictionary(StringComparer.Ordinal), StringComparer.Ordinal);
    }
}

public sealed class CatalogLocalizer<T>(StringCatalog catalog) : IStringLocalizer<T>
{
    public LocalizedString this[string name]
    {
        get
        {
            var value = catalog.Find(typeof(T), name, CultureInfo.CurrentUICulture);
            return new LocalizedString(name, value ?? name, resourceNotFound: value is null);
        }
    }

    public LocalizedString this[string name, params object[] arguments]
    {
        get
        {
            var s = this[name];
            return new LocalizedString(name, string.Format(CultureInfo.CurrentCulture, s.Value, arguments), s.ResourceNotFound);
        }
    }

    public IEnumerable<LocalizedString> GetAllStrings(bool includeParentCultures) =>
        catalog.Keys(typeof(T), CultureInfo.CurrentUICulture.Name.StartsWith("en", StringComparison.OrdinalIgnoreCase) ? "en" : "zh")
            .Select(k => this[k]);
}

public static class LocalizationExtensions
{
    /// <summary>Registers a localizer per marker type; BootstrapBlazor keeps its own factory for its own components.</summary>
    public static IServiceCollection AddFangkongStrings(this IServiceCollection services)
    {
        services.AddSingleton<StringCatalog>();
        foreach (var section in StringCatalog.Sections)
        {
            services.AddSingleton(typeof(IStringLocalizer<>).MakeGenericType(section), typeof(CatalogLocalizer<>).MakeGenericType(section));
        }
        return services;
    }
}
