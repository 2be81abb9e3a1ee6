namespace Fangkong.Core.Accounts;

/// <summary>
/// How an account is named where it acts: "display name (login)" — 县指挥部值班长 (command). The audit trail, import
/// jobs and records' "by" fields store that text as it was when they were written (the trail is hash-chained and is
/// never rewritten); pages show the display name and keep the login for a tooltip, read back with <see cref="Split"/>.
/// </summary>
public static class ActorNames
{
    /// <summary>The name an account acts under.</summary>
    public static string Compose(string displayName, string userName) => $"{displayName} ({userName})";

    /// <summary>
    /// A stored actor name split into the display name and the login, when it ends in " (login)" with a login's
    /// characters (letters, digits, - . _ @); otherwise the whole text and no login (the platform's own actors,
    /// API keys, names written before logins were added).
    /// </summary>
    public static (string Display, string? Login) Split(string? stored)
    {
        if (string.IsNullOrEmpty(stored)) return ("", null);
        if (!stored.EndsWith(')')) return (stored, null);
        var open = stored.LastIndexOf(" (", StringComparison.Ordinal);
        if (open <= 0) return (stored, null);
        var login = stored.AsSpan(open + 2, stored.Length - open - 3);
        if (login.Length == 0) return (stored, null);
        foreach (var c in login)
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('-' or '.' or '_' or '@')) return (stored, null);
        return (stored[..open], login.ToString());
    }
}
