using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.DataProtection;

namespace Fangkong.Web.ClosedLoop;

/// <summary>
/// A captcha-like check for the public pages: a small sum drawn as a distorted SVG, with the answer sealed in a
/// signed, expiring token (ASP.NET Core data protection, keys in the database), so any node can check it and nothing
/// is kept in memory. It stops scripts that post blindly; the per-address limit stops the rest.
/// </summary>
public sealed class PublicChallenge(IDataProtectionProvider protection, TimeProvider time)
{
    private readonly ITimeLimitedDataProtector _protector = protection.CreateProtector("fangkong.public-challenge").ToTimeLimitedDataProtector();

    public (string Token, string Svg) Create()
    {
        var a = RandomNumberGenerator.GetInt32(2, 10);
        var b = RandomNumberGenerator.GetInt32(1, 10);
        var nonce = Convert.ToHexString(RandomNumberGenerator.GetBytes(6));
        var token = _protector.Protect($"{a + b}|{nonce}", TimeSpan.FromMinutes(30));
        return (token, Draw($"{a} + {b} = ?"));
    }

    public bool Verify(string? token, string? answer)
    {
        if (string.IsNullOrEmpty(token) || string.IsNullOrWhiteSpace(answer)) return false;
        try
        {
            var plain = _protector.Unprotect(token, out var expires);
            if (expires < time.GetUtcNow()) return false;
            var expected = plain.Split('|')[0];
            return string.Equals(Core.Text.Compact(answer), expected, StringComparison.Ordinal);
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    private static string Draw(string text)
    {
        var sb = new StringBuilder("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"150\" height=\"44\" viewBox=\"0 0 150 44\" role=\"img\" aria-label=\"challenge\">");
        sb.Append("<rect width=\"150\" height=\"44\" rx=\"6\" fill=\"#eef3f8\"/>");
        for (var i = 0; i < 4; i++)
            sb.Append(CultureInfo.InvariantCulture, $"<line x1=\"{RandomNumberGenerator.GetInt32(0, 150)}\" y1=\"{RandomNumberGenerator.GetInt32(0, 44)}\" x2=\"{RandomNumberGenerator.GetInt32(0, 150)}\" y2=\"{RandomNumberGenerator.GetInt32(0, 44)}\" stroke=\"#9bb0c6\" stroke-width=\"1.5\"/>");
        var x = 12;
        foreach (var c in text)
        {
            if (c == ' ') { x += 6; continue; }
            var rotate = RandomNumberGenerator.GetInt32(-18, 19);
            var y = 30 + RandomNumberGenerator.GetInt32(-4, 5);
            sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{x}\" y=\"{y}\" font-family=\"monospace\" font-size=\"22\" font-weight=\"bold\" fill=\"#1d3557\" transform=\"rotate({rotate} {x} {y})\">{System.Net.WebUtility.HtmlEncode(c.ToString())}</text>");
            x += 15;
        }
        sb.Append("</svg>");
        return sb.ToString();
    }
}
