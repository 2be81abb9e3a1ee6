using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Fangkong.Data.Infrastructure;
using Fangkong.Web.Notifications;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Fangkong.Web.Tests.Notifications;

/// <summary>
/// The HTTP SMS adapter against a real HTTP server standing in for the operator's platform (docs/notifications.md):
/// the body, the bearer key and the body's HMAC signature it sends, the message id it keeps, and the failures it reports.
/// </summary>
public class SmsGatewayTests
{
    [Fact]
    public async Task HttpGateway_PostsSignedJson_KeepsTheMessageId_AndReportsRefusals()
    {
        var received = new List<(string Body, string? Auth, string? Signature)>();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        await using var gatewayServer = builder.Build();
        gatewayServer.MapPost("/sms", async (HttpContext http) =>
        {
            var body = await new StreamReader(http.Request.Body, Encoding.UTF8).ReadToEndAsync();
            lock (received) received.Add((body, http.Request.Headers.Authorization, http.Request.Headers["X-Fangkong-Signature"]));
            var phone = JsonDocument.Parse(body).RootElement.GetProperty("phone").GetString();
            return phone == "13900000000" ? Results.Problem("blacklisted number", statusCode: 422) : Results.Json(new { messageId = "op-42" });
        });
        await gatewayServer.StartAsync();
        var address = gatewayServer.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();

        var options = Options.Create(new FangkongOptions { Notifications = { Gateway = "http", Endpoint = address + "/sms", ApiKey = "county-key" } });
        using var http = new HttpClient();
        var gateway = new HttpSmsGateway(http, options);
        var ok = await gateway.SendAsync("13800001111", "【防控指挥部】上集镇：3 个核查任务超时", "fk-7", CancellationToken.None);
        Assert.Equal((true, "op-42"), (ok.Sent, ok.Reference));
        var (body, auth, signature) = Assert.Single(received);
        using (var doc = JsonDocument.Parse(body))
        {
            Assert.Equal("13800001111", doc.RootElement.GetProperty("phone").GetString());
            Assert.Equal("【防控指挥部】上集镇：3 个核查任务超时", doc.RootElement.GetProperty("text").GetString());
            Assert.Equal("fk-7", doc.RootElement.GetProperty("reference").GetString());
        }
        Assert.Equal("Bearer county-key", auth);
        Assert.Equal("sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes("county-key"), Encoding.UTF8.GetBytes(body))), signature);

        var refused = await gateway.SendAsync("13900000000", "x", "fk-8", CancellationToken.None);
        Assert.False(refused.Sent);
        Assert.Contains("422", refused.Error);

        // Not configured: a failure with the setting named, not an exception.
        var unconfigured = await new HttpSmsGateway(http, Options.Create(new FangkongOptions { Notifications = { Gateway = "http" } })).SendAsync("13800001111", "x", "fk-9", CancellationToken.None);
        Assert.Contains("Endpoint", unconfigured.Error);
        await gatewayServer.StopAsync();
    }
}
