namespace Fangkong.Core.Identifiers;

/// <summary>
/// Masked forms shown in every list and export unless a person's identifier is explicitly revealed:
/// ID numbers keep the first four and last two characters (4113************1X), phones the first three and last
/// four (138****1234), names the surname (王**). Masks are stored beside the ciphertext so lists never decrypt.
/// </summary>
public static class Masking
{
    public static string? IdNumber(string? value)
    {
        if (string.IsNullOrEmpty(value)) return value;
        if (value.Length <= 6) return new string('*', value.Length);
        return string.Concat(value.AsSpan(0, 4), new string('*', value.Length - 6), value.AsSpan(value.Length - 2));
    }

    public static string? Phone(string? value)
    {
        if (string.IsNullOrEmpty(value)) return value;
        var dash = value.IndexOf('-');
        if (dash > 0) // landline: keep the area code and the last two digits
        {
            var local = value[(dash + 1)..];
            return local.Length <= 2 ? value : $"{value[..dash]}-{new string('*', local.Length - 2)}{local[^2..]}";
        }
        if (value.Length <= 7) return string.Concat(new string('*', value.Length - Math.Min(2, value.Length)), value.AsSpan(value.Length - Math.Min(2, value.Length)));
        return string.Concat(value.AsSpan(0, 3), new string('*', value.Length - 7), value.AsSpan(value.Length - 4));
    }

    public static string? Name(string? value)
    {
        if (string.IsNullOrEmpty(value) || value.Length == 1) return value;
        return string.Concat(value.AsSpan(0, 1), new string('*', value.Length - 1));
    }

    /// <summary>Masks an address after its first <paramref name="keep"/> characters (the village part stays).</summary>
    public static string? Address(string? value, int keep)
    {
        if (string.IsNullOrEmpty(value) || value.Length <= keep) return value;
        return string.Concat(value.AsSpan(0, keep), "****");
    }

    /// <summary>
    /// A form that shows a stored phone masked gets the mask back when nobody retyped it. The mask means "keep the
    /// stored number" only while the field still belongs to the same holder (the same name beside it); under a new
    /// holder it means no number (the old one belongs to someone else). Anything else typed is taken as typed.
    /// </summary>
    public static string? PhoneFromForm(string? submitted, string? stored, bool sameHolder)
    {
        if (string.IsNullOrWhiteSpace(submitted)) return null;
        var typed = submitted.Trim();
        if (stored is null || typed != Phone(stored)) return typed;
        return sameHolder ? stored : null;
    }
}
