using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Fangkong.Core.Notifications;
using Fangkong.Data.Infrastructure;
using Microsoft.Extensions.Options;

namespace Fangkong.Web.Notifications;

/// <summary>
/// The development gateway: nothing leaves the platform. Each message is kept as sent to "development" on the outbox
/// page (/inbox/sms), so a demo or a county without an SMS contract still sees exactly what would have gone to whom.
/// </summary>
public sealed class DevelopmentSmsGateway(ILogger<DevelopmentSmsGateway> log) : ISmsGateway
{
    public string Name => "development";

    public Task<SmsResult> SendAsync(string phone, string text, string reference, CancellationToken ct)
    {
        log.LogInformation("SMS {Reference} kept on the outbox page (development gateway, not sent to a phone)", reference);
        return Task.FromResult(new SmsResult(true, "dev-" + reference, null));
    }
}

/// <summary>
/// The HTTP gateway (docs/notifications.md): <c>POST {Endpoint}</c> with a JSON body
/// <c>{"phone","text","reference"}</c>, <c>Authorization: Bearer {ApiKey}</c> and
/// <c>X-Fangkong-Signature: sha256=hex(HMAC-SHA256(ApiKey, body))</c>; a 2xx answer with <c>{"messageId"}</c> is
/// sent, anything else a failure to retry. The reference is idempotent: a gateway that saw it before answers the
/// same message id, so a retry after a lost answer does not send twice.
/// </summary>
public sealed class HttpSmsGateway(HttpClient http, IOptions<FangkongOptions> options) : ISmsGateway
{
    public string Name => "http";

    public async Task<SmsResult> SendAsync(string phone, string text, string reference, CancellationToken ct)
    {
        var o = options.Value.Notifications;
        if (string.IsNullOrWhiteSpace(o.Endpoint)) return new SmsResult(false, null, "Fangkong:Notifications:Endpoint is not configured");
        var body = JsonSerializer.SerializeToUtf8Bytes(new { phone, text, reference });
        using var request = new HttpRequestMessage(HttpMethod.Post, o.Endpoint) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        if (!string.IsNullOrEmpty(o.ApiKey))
        {
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", o.ApiKey);
            request.Headers.Add("X-Fangkong-Signature", "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(o.ApiKey), body)));
        }
        using var response = await http.SendAsync(request, ct);
        if (!response.IsSuccessStatusCode)
            return new SmsResult(false, null, $"HTTP {(int)response.StatusCode}: {Shorten(await response.Content.ReadAsStringAsync(ct))}");
        try
        {
            var answer = await response.Content.ReadFromJsonAsync<JsonElement>(ct);
            return answer.ValueKind == JsonValueKind.Object && answer.TryGetProperty("messageId", out var id) && id.ValueKind == JsonValueKind.String
                ? new SmsResult(true, id.GetString(), null)
                : new SmsResult(false, null, "the gateway's answer has no messageId");
        }
        catch (JsonException e) { return new SmsResult(false, null, "the gateway's answer is not JSON: " + e.Message); }
    }

    private static string Shorten(string s) => s.Length <= 200 ? s : s[..200];
}
