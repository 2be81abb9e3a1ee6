using System.CommandLine;
using Fangkong.Core.Accounts;
using Fangkong.Core.Jurisdictions;
using Fangkong.Data;
using Fangkong.Data.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Fangkong.Cli;

/// <summary>The services a command runs with, configured exactly like the web host's.</summary>
public sealed class CliHost : IAsyncDisposable
{
    private readonly ServiceProvider _root;

    private CliHost(ServiceProvider root, IServiceScope scope)
    {
        _root = root;
        Scope = scope;
    }

    public IServiceScope Scope { get; }
    public IServiceProvider Services => Scope.ServiceProvider;
    public FangkongOptions Options => Services.GetRequiredService<IOptions<FangkongOptions>>().Value;

    public static IConfiguration BuildConfiguration(ParseResult parse)
    {
        var overrides = new Dictionary<string, string?>();
        void Put(string key, string? value) { if (!string.IsNullOrWhiteSpace(value)) overrides[key] = value; }
        Put("Fangkong:Database:Provider", parse.GetValue(GlobalOptions.Provider));
        Put("Fangkong:Database:ConnectionString", parse.GetValue(GlobalOptions.Connection));
        Put("Fangkong:DataDirectory", parse.GetValue(GlobalOptions.DataDirectory));
        Put("Fangkong:County", parse.GetValue(GlobalOptions.County));
        foreach (var setting in parse.GetValue(GlobalOptions.Settings) ?? [])
        {
            var eq = setting.IndexOf('=');
            if (eq <= 0) throw new CliException($"--set expects Key=Value, got '{setting}'");
            overrides[setting[..eq]] = setting[(eq + 1)..];
        }
        return new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: true)
            .AddEnvironmentVariables()
            .AddInMemoryCollection(overrides)
            .Build();
    }

    /// <summary>Builds the services; the actor is the system (audited as "cli") until <see cref="ActAsync"/> narrows it.</summary>
    public static CliHost Create(ParseResult parse)
    {
        var configuration = BuildConfiguration(parse);
        var services = new ServiceCollection();
        services.AddSingleton(configuration);
        // Logs go to standard error: standard output carries the command's result (JSON with --json).
        services.AddLogging(b => b.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace).AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning)
            .AddFilter("Microsoft.EntityFrameworkCore", LogLevel.Error));
        services.AddFangkongData(configuration);
        services.AddFangkongIdentityCore();
        var root = services.BuildServiceProvider();
        var scope = root.CreateScope();
        scope.ServiceProvider.GetRequiredService<ActorAccessor>().Current = Actor.System("cli:" + Environment.UserName);
        return new CliHost(root, scope);
    }

    /// <summary>
    /// Narrows the actor to the county, or to the node named by --jurisdiction (an official code or a scope key),
    /// for commands that touch people; system-wide commands keep the system actor.
    /// </summary>
    public async Task ActAsync(ParseResult parse, CancellationToken ct)
    {
        var county = Options.County;
        var requested = parse.GetValue(GlobalOptions.Jurisdiction);
        var key = county;
        if (!string.IsNullOrWhiteSpace(requested))
        {
            await using var db = await Services.GetRequiredService<IDbContextFactory<FangkongDb>>().CreateDbContextAsync(ct);
            var code = requested.Trim();
            var node = await db.Nodes.AsNoTracking().FirstOrDefaultAsync(n => n.ScopeKey == code || n.Code == code, ct)
                ?? throw new CliException($"--jurisdiction {code}: no such node in county {county}");
            key = node.ScopeKey;
        }
        Services.GetRequiredService<ActorAccessor>().Current =
            new Actor("cli", "cli:" + Environment.UserName, JurisdictionScope.Of(county, key), new HashSet<string>(Permissions.All));
    }

    public async ValueTask DisposeAsync()
    {
        Scope.Dispose();
        await _root.DisposeAsync();
    }
}

/// <summary>An error the user can fix: printed without a stack trace, exit code 2.</summary>
public sealed class CliException(string message) : Exception(message);
