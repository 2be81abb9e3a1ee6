using System.Security.Cryptography;
using System.Text;

namespace Fangkong.Data.Accounts;

/// <summary>The API key format: fk_ + 8 hex characters (the public prefix) + _ + 43 base64url characters (the secret).</summary>
public static class ApiKeys
{
    public static (string Prefix, string Secret, string FullKey) Generate()
    {
        var prefix = "fk_" + Convert.ToHexString(RandomNumberGenerator.GetBytes(4)).ToLowerInvariant();
        var secret = Base64Url(RandomNumberGenerator.GetBytes(32));
        return (prefix, secret, prefix + "_" + secret);
    }

    public static bool TryParse(string raw, out string prefix, out string secret)
    {
        prefix = secret = "";
        raw = raw.Trim();
        if (raw.Length != 3 + 8 + 1 + 43 || !raw.StartsWith("fk_", StringComparison.Ordinal) || raw[11] != '_') return false;
        prefix = raw[..11];
        secret = raw[12..];
        return true;
    }

    public static byte[] HashSecret(string secret) => SHA256.HashData(Encoding.UTF8.GetBytes(secret));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
