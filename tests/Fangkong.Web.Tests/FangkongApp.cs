using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using Fangkong.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace Fangkong.Web.Tests;

/// <summary>
/// The real web host (every middleware, the real authentication and the real database) over a fresh test database
/// on SQLite or PostgreSQL. Clients sign in through the API like any browser would.
/// </summary>
public sealed class FangkongApp : WebApplicationFactory<Program>
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    private readonly Dictionary<string, string?> _settings;

    private FangkongApp(TestDatabase database, IReadOnlyDictionary<string, string?>? overrides)
    {
        Database = database;
        _settings = new Dictionary<string, string?>(database.Settings);
        foreach (var (k, v) in overrides ?? new Dictionary<string, string?>()) _settings[k] = v;
    }

    public TestDatabase Database { get; }

    public static async Task<FangkongApp> StartAsync(Engine engine, IReadOnlyDictionary<string, string?>? settings = null) =>
        StartOn(await TestDatabase.CreateAsync(engine), settings);

    /// <summary>The platform over a database the test prepared, not built yet: the test starts it (and sees it fail).</summary>
    public static FangkongApp StartOnLater(TestDatabase database, IReadOnlyDictionary<string, string?>? settings = null) => new(database, settings);

    /// <summary>The platform over a database the test prepared (an empty one, one behind the build).</summary>
    public static FangkongApp StartOn(TestDatabase database, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var app = new FangkongApp(database, settings);
        _ = app.Server; // build the host now, so start-up failures surface here
        return app;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.ConfigureAppConfiguration(config => config.AddInMemoryCollection(_settings));
    }

    protected override IHost CreateHost(IHostBuilder builder)
    {
        builder.ConfigureHostConfiguration(config => config.AddInMemoryCollection(_settings));
        return base.CreateHost(builder);
    }

    /// <summary>A client with its own cookie jar, signed in as a demo account.</summary>
    public async Task<HttpClient> SignInAsync(string userName, string password = TestDatabase.DemoPassword)
    {
        var client = CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        var response = await client.PostAsJsonAsync("/api/v1/auth/login", new { userName, password });
        if (response.StatusCode != HttpStatusCode.OK)
            throw new InvalidOperationException($"sign-in as {userName} failed: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return client;
    }

    public HttpClient Anonymous() => CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await Database.DisposeAsync();
    }
}

public static class HttpExtensions
{
    public static async Task<T> ReadAsync<T>(this HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode) throw new HttpRequestException($"{(int)response.StatusCode} {response.RequestMessage?.RequestUri}: {text}");
        return JsonSerializer.Deserialize<T>(text, FangkongApp.Json)!;
    }

    public static async Task<JsonElement> JsonAsync(this HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    public static Task<HttpResponseMessage> PostJsonAsync(this HttpClient client, string url, object body) =>
        client.PostAsJsonAsync(url, body, FangkongApp.Json);

    public static Task<HttpResponseMessage> PutJsonAsync(this HttpClient client, string url, object body) =>
        client.PutAsJsonAsync(url, body, FangkongApp.Json);

    /// <summary>
    /// Submits one of a page's forms as a browser does under static server rendering: the page's antiforgery token, the
    /// form's name as "_handler" and the fields given. Returns the page the answer renders (a 200 is required).
    /// </summary>
    public static async Task<string> SubmitFormAsync(this HttpClient client, string url, string formName, params (string Name, string Value)[] fields)
    {
        var page = await client.GetStringAsync(url);
        var token = System.Text.RegularExpressions.Regex.Match(page, "<input[^>]*name=\"__RequestVerificationToken\"[^>]*value=\"([^\"]+)\"");
        Xunit.Assert.True(token.Success, $"no antiforgery token on {url}");
        var form = new List<KeyValuePair<string, string>> { new("_handler", formName), new("__RequestVerificationToken", WebUtility.HtmlDecode(token.Groups[1].Value)) };
        form.AddRange(fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value)));
        var response = await client.PostAsync(url, new FormUrlEncodedContent(form));
        var html = await response.Content.ReadAsStringAsync();
        Xunit.Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode} {url}: {html}");
        return html;
    }

    /// <summary>Sends JSON text as written (a body no serializer would produce: nulls in lists, junk values).</summary>
    public static async Task<HttpResponseMessage> SendAsync(HttpClient client, HttpMethod method, string url, string json) =>
        await client.SendAsync(new HttpRequestMessage(method, url) { Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json") });

    /// <summary>The answer is a 400 whose "codes" give the field exactly this code, with a localized sentence under "errors".</summary>
    public static async Task AssertFieldAsync(HttpResponseMessage response, string field, string code)
    {
        var text = await response.Content.ReadAsStringAsync();
        Xunit.Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{(int)response.StatusCode} {response.RequestMessage?.RequestUri}: {text}");
        Xunit.Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(text).RootElement;
        Xunit.Assert.True(problem.GetProperty("codes").TryGetProperty(field, out var codes), $"no field {field} in {text}");
        Xunit.Assert.Contains(code, codes.EnumerateArray().Select(c => c.GetString()));
        var sentence = problem.GetProperty("errors").GetProperty(field)[0].GetString();
        Xunit.Assert.False(string.IsNullOrWhiteSpace(sentence));
        Xunit.Assert.NotEqual(code, sentence);
    }
}
