using Fangkong.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Playwright;

namespace Fangkong.Browser.Tests;

/// <summary>
/// Skipped (with the reason in the report) when Debian's Chromium is not installed, unless FANGKONG_REQUIRE_BROWSER=1
/// (CI), where the tests run and fail.
/// </summary>
public sealed class BrowserFactAttribute : FactAttribute
{
    public const string ChromiumPath = "/usr/bin/chromium";

    public BrowserFactAttribute()
    {
        if (!File.Exists(ChromiumPath) && Environment.GetEnvironmentVariable("FANGKONG_REQUIRE_BROWSER") != "1")
            Skip = "SKIPPED LOUDLY: Chromium not found at /usr/bin/chromium (apt-get install -y chromium fonts-wqy-microhei)";
    }
}

/// <summary>The real platform on a real port (Kestrel) over a fresh SQLite test database, and a headless Chromium.</summary>
public sealed class BrowserApp : IAsyncDisposable
{
    private readonly Host _host;
    private readonly IPlaywright _playwright;

    private BrowserApp(Host host, IPlaywright playwright, IBrowser browser)
    {
        _host = host;
        _playwright = playwright;
        Browser = browser;
        BaseUrl = host.ClientOptions.BaseAddress.ToString().TrimEnd('/');
    }

    public IBrowser Browser { get; }
    public string BaseUrl { get; }
    public TestDatabase Database => _host.Database;
    public IServiceProvider Services => _host.Services;

    public static string ScreenshotDirectory
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Fangkong.slnx"))) dir = dir.Parent;
            var path = Path.Combine(dir?.FullName ?? Path.GetTempPath(), "artifacts", "screenshots");
            Directory.CreateDirectory(path);
            return path;
        }
    }

    /// <param name="settings">extra configuration (an exercise date for the closed loop's 2022 rules)</param>
    public static async Task<BrowserApp> StartAsync(IReadOnlyDictionary<string, string?>? settings = null)
    {
        var database = await TestDatabase.CreateAsync(Engine.Sqlite);
        var host = new Host(database, settings ?? new Dictionary<string, string?>());
        host.UseKestrel(0);
        host.StartServer();
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = BrowserFactAttribute.ChromiumPath,
            Headless = true,
            // The native widgets (date pickers, file inputs) follow neither the context locale nor, on Linux, --lang
            // alone: Chromium reads the UI language from LANGUAGE (and needs its Chinese resources, chromium-l10n).
            Env = ChineseEnvironment(),
            Args = ["--lang=zh-CN", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
        return new BrowserApp(host, playwright, browser);
    }

    /// <summary>This process's environment with the language set to Chinese, as the browser's environment.</summary>
    private static Dictionary<string, string> ChineseEnvironment()
    {
        var env = Environment.GetEnvironmentVariables().Cast<System.Collections.DictionaryEntry>()
            .ToDictionary(e => (string)e.Key, e => (string?)e.Value ?? "");
        env["LANGUAGE"] = "zh_CN";
        return env;
    }

    public async Task<IPage> NewPageAsync(bool phone = false)
    {
        var context = await Browser.NewContextAsync(phone
            ? new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 390, Height = 844 }, IsMobile = true, HasTouch = true, DeviceScaleFactor = 2, Locale = "zh-CN" }
            : new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1366, Height = 860 }, Locale = "zh-CN" });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(20_000);
        return page;
    }

    public async Task SignInAsync(IPage page, string user)
    {
        await page.GotoAsync(BaseUrl + "/account/login");
        await page.FillAsync("#userName", user);
        await page.FillAsync("#password", TestDatabase.DemoPassword);
        await page.ClickAsync("#sign-in");
        await page.WaitForURLAsync(url => !url.Contains("/account/login", StringComparison.Ordinal));
    }

    /// <summary>A full-page shot taken from the top, so the fixed header is drawn once, where the user sees it.</summary>
    /// <param name="fullPage">false: the screen as the user sees it (an open menu or dialog over the page)</param>
    public static async Task ShotAsync(IPage page, string name, bool fullPage = true)
    {
        await page.EvaluateAsync("() => window.scrollTo(0, 0)");
        // Transitions run to their end first (Bootstrap fades a border's colour over 0.15 s: a box just corrected was
        // caught still red), so a shot shows what the user sees a moment later, not a frame of the change.
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ScreenshotDirectory, name + ".png"), FullPage = fullPage, Animations = ScreenshotAnimations.Disabled });
    }

    /// <summary>A shot of one part of a long page (a form below a long table), as the user sees it scrolled to.</summary>
    public static async Task ShotOfAsync(ILocator part, string name) =>
        await part.ScreenshotAsync(new LocatorScreenshotOptions { Path = Path.Combine(ScreenshotDirectory, name + ".png"), Animations = ScreenshotAnimations.Disabled });

    public async ValueTask DisposeAsync()
    {
        await Browser.DisposeAsync();
        _playwright.Dispose();
        await _host.DisposeAsync();
        await _host.Database.DisposeAsync();
    }

    private sealed class Host(TestDatabase database, IReadOnlyDictionary<string, string?> extra) : WebApplicationFactory<Program>
    {
        public TestDatabase Database { get; } = database;
        private IEnumerable<KeyValuePair<string, string?>> Settings => Database.Settings.Concat(extra);

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseEnvironment("Testing");
            builder.ConfigureAppConfiguration(config => config.AddInMemoryCollection(Settings));
        }

        protected override IHost CreateHost(IHostBuilder builder)
        {
            builder.ConfigureHostConfiguration(config => config.AddInMemoryCollection(Settings));
            return base.CreateHost(builder);
        }
    }
}
