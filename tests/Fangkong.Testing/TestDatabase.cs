using Fangkong.Core.Accounts;
using Fangkong.Data;
using Fangkong.Data.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Fangkong.Testing;

/// <summary>
/// A fresh database for one test, on SQLite (a copy of a migrated template file) or PostgreSQL (CREATE DATABASE
/// … TEMPLATE of a migrated template): every test starts from the same migrated state and never sees another
/// test's rows. All test databases share one identifier key pair, so EF builds one model for the whole run.
/// </summary>
public sealed class TestDatabase : IAsyncDisposable
{
    public const string TestEncryptionKey = "q1nV0m6kUeWc0cC1c5Hn3bqYQ0wQm8c1QmL0s3oXy0E=";
    public const string TestIndexKey = "Yw3Xo4a2kT9mQ7xV1pL8sD5fG2hJ6kN0qR4tU7wZ9cE=";
    /// <summary>Every test database holds the same small demo county (same seed): accounts, households and people.</summary>
    public const int DemoPeople = 800;
    public const int DemoSeed = 7;
    public const string DemoPassword = "Fangkong@2022";
    private static readonly SemaphoreSlim TemplateGate = new(1, 1);
    private static string? _sqliteTemplate;
    private static bool _postgresTemplate;
    private ServiceProvider? _services;

    private TestDatabase(Engine engine, string connectionString, string dataDirectory, string? databaseName)
    {
        Engine = engine;
        ConnectionString = connectionString;
        DataDirectory = dataDirectory;
        DatabaseName = databaseName;
    }

    public Engine Engine { get; }
    public string ConnectionString { get; }
    public string DataDirectory { get; }
    private string? DatabaseName { get; }
    public string Provider => Engine == Engine.Postgres ? "postgres" : "sqlite";

    /// <summary>The configuration a web host or the CLI needs to use this database.</summary>
    public IReadOnlyDictionary<string, string?> Settings => Build(Provider, ConnectionString, DataDirectory);

    private static Dictionary<string, string?> Build(string provider, string connectionString, string dataDirectory) => new()
    {
        ["Fangkong:Database:Provider"] = provider,
        ["Fangkong:Database:ConnectionString"] = connectionString,
        ["Fangkong:Database:MigrateOnStart"] = "false",
        ["Fangkong:DataDirectory"] = dataDirectory,
        ["Fangkong:County"] = "411326",
        ["Fangkong:Keys:EncryptionKey"] = TestEncryptionKey,
        ["Fangkong:Keys:IndexKey"] = TestIndexKey,
        ["Fangkong:Demo:SeedOnFirstStart"] = "false",
    };

    /// <summary>A fresh migrated database with the county's reference data and the small demo county.</summary>
    public static async Task<TestDatabase> CreateAsync(Engine engine)
    {
        var directory = Path.Combine(Path.GetTempPath(), "fangkong-test-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(directory);
        if (engine == Engine.Sqlite)
        {
            var template = await SqliteTemplateAsync();
            var file = Path.Combine(directory, "fangkong.db");
            File.Copy(template, file);
            return new TestDatabase(engine, $"Data Source={file};Pooling=True", directory, null);
        }
        await PostgresTemplateAsync();
        var name = "fk_" + Guid.NewGuid().ToString("N")[..16];
        var cs = await PostgresServer.Shared.CreateDatabaseAsync(name, "fk_template");
        return new TestDatabase(engine, cs, directory, name);
    }

    /// <summary>An empty database with no schema (for migration tests).</summary>
    public static async Task<TestDatabase> CreateEmptyAsync(Engine engine)
    {
        var directory = Path.Combine(Path.GetTempPath(), "fangkong-test-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(directory);
        if (engine == Engine.Sqlite)
            return new TestDatabase(engine, $"Data Source={Path.Combine(directory, "fangkong.db")};Pooling=True", directory, null);
        var name = "fk_" + Guid.NewGuid().ToString("N")[..16];
        return new TestDatabase(engine, await PostgresServer.Shared.CreateDatabaseAsync(name), directory, name);
    }

    private static async Task<string> SqliteTemplateAsync()
    {
        await TemplateGate.WaitAsync();
        try
        {
            if (_sqliteTemplate is not null) return _sqliteTemplate;
            var directory = Path.Combine(Path.GetTempPath(), "fangkong-template-" + Environment.ProcessId + "-" + Guid.NewGuid().ToString("N")[..6]);
            Directory.CreateDirectory(directory);
            var file = Path.Combine(directory, "template.db");
            await using (var services = BuildServices(Build("sqlite", $"Data Source={file};Pooling=False", directory)))
            await using (var scope = services.CreateAsyncScope())
            {
                // Seeded under the actor the app's own start-up seeds under (DatabaseStartup), so pages show what a deployment shows.
                scope.ServiceProvider.GetRequiredService<ActorAccessor>().Current = Actor.System("startup");
                await DatabaseInitializer.MigrateAsync(scope.ServiceProvider);
                await Fangkong.Data.Demo.DemoSeeder.SeedAsync(scope.ServiceProvider, DemoPeople, DemoSeed);
            }
            // Fold the WAL into the main file so a plain copy is complete.
            await using (var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={file};Pooling=False"))
            {
                await connection.OpenAsync();
                await using var command = connection.CreateCommand();
                command.CommandText = "PRAGMA wal_checkpoint(TRUNCATE); PRAGMA journal_mode=DELETE;";
                await command.ExecuteNonQueryAsync();
            }
            _sqliteTemplate = file;
            AppDomain.CurrentDomain.ProcessExit += (_, _) => { try { Directory.Delete(directory, true); } catch { /* temp */ } };
            return file;
        }
        finally { TemplateGate.Release(); }
    }

    private static async Task PostgresTemplateAsync()
    {
        await TemplateGate.WaitAsync();
        try
        {
            if (_postgresTemplate) return;
            var cs = await PostgresServer.Shared.CreateDatabaseAsync("fk_template");
            var directory = Path.Combine(Path.GetTempPath(), "fangkong-template-pg-" + Environment.ProcessId);
            Directory.CreateDirectory(directory);
            await using (var services = BuildServices(Build("postgres", cs, directory)))
            await using (var scope = services.CreateAsyncScope())
            {
                // Seeded under the actor the app's own start-up seeds under (DatabaseStartup), so pages show what a deployment shows.
                scope.ServiceProvider.GetRequiredService<ActorAccessor>().Current = Actor.System("startup");
                await DatabaseInitializer.MigrateAsync(scope.ServiceProvider);
                await Fangkong.Data.Demo.DemoSeeder.SeedAsync(scope.ServiceProvider, DemoPeople, DemoSeed);
            }
            Npgsql.NpgsqlConnection.ClearAllPools();
            _postgresTemplate = true;
        }
        finally { TemplateGate.Release(); }
    }

    /// <summary>Services bound to this database (data layer, Identity stores), like the CLI's.</summary>
    public IServiceProvider Services => _services ??= BuildServices(Settings);

    private static ServiceProvider BuildServices(IReadOnlyDictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Warning));
        services.AddFangkongData(configuration);
        services.AddFangkongIdentityCore();
        return services.BuildServiceProvider();
    }

    /// <summary>A scope acting as <paramref name="actor"/> (default: the system).</summary>
    public AsyncServiceScope Scope(Actor? actor = null)
    {
        var scope = Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<ActorAccessor>().Current = actor ?? Actor.System("test");
        return scope;
    }

    /// <summary>A context acting as <paramref name="actor"/>; dispose it (the scope goes with it).</summary>
    public async Task<FangkongDb> ContextAsync(Actor? actor = null)
    {
        var scope = Scope(actor);
        var db = await scope.ServiceProvider.GetRequiredService<IDbContextFactory<FangkongDb>>().CreateDbContextAsync();
        _scopes.Add(scope);
        return db;
    }

    private readonly List<AsyncServiceScope> _scopes = [];

    public async ValueTask DisposeAsync()
    {
        foreach (var scope in _scopes) await scope.DisposeAsync();
        if (_services is not null) await _services.DisposeAsync();
        if (DatabaseName is not null) await PostgresServer.Shared.DropDatabaseAsync(DatabaseName);
        else Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(DataDirectory, recursive: true); } catch (IOException) { /* a file still open on Windows; temp anyway */ }
    }
}
