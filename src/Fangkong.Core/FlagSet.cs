namespace Fangkong.Core;

/// <summary>
/// Sets of flags (symptoms, vulnerable groups) as values and as text: a value holds only the flags its enum defines,
/// and a text names each flag once, with "None" standing only for the empty set. The one rule the API's reading of
/// such a field and the services' check of its value share.
/// </summary>
public static class FlagSet
{
    /// <summary>Whether every bit of <paramref name="value"/> is a flag <typeparamref name="T"/> defines (none set is the empty set).</summary>
    public static bool IsDefined<T>(T value) where T : struct, Enum
    {
        var bits = Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture);
        return bits >= 0 && (bits & ~All<T>()) == 0;
    }

    /// <summary>
    /// Reads a set written as its flags' names separated by commas ("DryCough, Fatigue"; names in any case, spaces
    /// around them ignored). Refused: an empty text or part, a name the enum does not define, a number, a flag named
    /// twice, and the empty set's name ("None") together with others.
    /// </summary>
    public static bool TryParse<T>(string? text, out T value) where T : struct, Enum
    {
        value = default;
        if (string.IsNullOrWhiteSpace(text)) return false;
        long bits = 0;
        var parts = text.Split(',');
        foreach (var raw in parts)
        {
            var name = raw.Trim();
            var match = Enum.GetNames<T>().FirstOrDefault(n => string.Equals(n, name, StringComparison.OrdinalIgnoreCase));
            if (match is null) return false;
            var flag = Convert.ToInt64(Enum.Parse<T>(match), System.Globalization.CultureInfo.InvariantCulture);
            if (flag == 0)
            {
                if (parts.Length > 1) return false;
                continue;
            }
            if ((bits & flag) != 0) return false;
            bits |= flag;
        }
        value = (T)Enum.ToObject(typeof(T), bits);
        return true;
    }

    private static long All<T>() where T : struct, Enum =>
        Enum.GetValues<T>().Aggregate(0L, (all, f) => all | Convert.ToInt64(f, System.Globalization.CultureInfo.InvariantCulture));
}
