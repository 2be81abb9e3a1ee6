using Fangkong.Data.Security;
using Fangkong.Data.Accounts;
using Microsoft.AspNetCore.Identity;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Fangkong.Data.Infrastructure;

public static class DataServiceCollectionExtensions
{
    /// <summary>
    /// The database, the identifier keys and the actor accessor, shared by the web host and the CLI so both read
    /// the same configuration the same way.
    /// </summary>
    public static IServiceCollection AddFangkongData(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<FangkongOptions>().Bind(configuration.GetSection(FangkongOptions.Section));
        services.TryAddSingleton(KeyStore.LoadFor);
        services.TryAddSingleton(sp =>
        {
            var o = sp.GetRequiredService<IOptions<FangkongOptions>>().Value;
            return new ExerciseClock(o.Clock.ExerciseDate, o.TimeZone);
        });
        services.TryAddSingleton<TimeProvider>(sp => sp.GetRequiredService<ExerciseClock>());
        services.TryAddSingleton<Policy.PolicyCache>();
        services.TryAddScoped<ActorAccessor>();
        services.TryAddScoped<IActorAccessor>(sp => sp.GetRequiredService<ActorAccessor>());
        services.AddDbContextFactory<FangkongDb>((sp, options) => Configure(options, sp.GetRequiredService<IOptions<FangkongOptions>>().Value), ServiceLifetime.Scoped);
        services.TryAddScoped(sp => sp.GetRequiredService<IDbContextFactory<FangkongDb>>().CreateDbContext());
        services.TryAddScoped<OnBehalf>();
        services.TryAddScoped<Sites.StayService>();
        services.TryAddSingleton<Jurisdictions.JurisdictionDirectory>();
        services.TryAddSingleton<Jurisdictions.CountyResolvers>();
        return services;
    }

    /// <summary>Identity's stores and the password and lock-out rules, the same for the web host and the CLI.</summary>
    public static IdentityBuilder AddFangkongIdentityCore(this IServiceCollection services) =>
        services.AddIdentityCore<AppUser>(ConfigureIdentity)
            .AddRoles<AppRole>()
            .AddEntityFrameworkStores<FangkongDb>();

    public static void ConfigureIdentity(IdentityOptions o)
    {
        o.Password.RequiredLength = 10;
        o.Password.RequireDigit = true;
        o.Password.RequireLowercase = true;
        o.Password.RequireUppercase = true;
        o.Password.RequireNonAlphanumeric = true;
        o.Password.RequiredUniqueChars = 5;
        o.Lockout.AllowedForNewUsers = true;
        o.Lockout.MaxFailedAccessAttempts = 5;
        o.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(15);
        o.User.RequireUniqueEmail = false;
        o.User.AllowedUserNameCharacters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._@";
        o.SignIn.RequireConfirmedAccount = false;
    }

    public static string ResolveConnectionString(FangkongOptions options)
    {
        if (!string.IsNullOrWhiteSpace(options.Database.ConnectionString)) return options.Database.ConnectionString;
        if (options.Database.IsPostgres)
            throw new InvalidOperationException("Fangkong:Database:ConnectionString is required for PostgreSQL (see docs/postgresql.md).");
        Directory.CreateDirectory(options.DataDirectoryFullPath);
        return new SqliteConnectionStringBuilder
        {
            DataSource = Path.Combine(options.DataDirectoryFullPath, "fangkong.db"),
            Pooling = true,
        }.ToString();
    }

    /// <summary>
    /// Npgsql prepares the statements a connection runs repeatedly (allocation, check-in, the board …) unless the
    /// connection string says otherwise: parsing the same statement on every call was a large part of the database's
    /// time per allocation. Prepared statements survive the pool's reset of a connection.
    /// Every session also plans each execution for its actual values (<c>plan_cache_mode=force_custom_plan</c>) unless
    /// the connection string sets that itself: after five runs PostgreSQL may switch a prepared statement to a generic
    /// plan that guesses a jurisdiction range (<c>"ScopeKey" &gt;= $4 AND "ScopeKey" &lt; $5</c>) matches 0.5% of the
    /// rows — true for a village, false for the county — and the board's overdue count then walked an index over
    /// 870,000 tasks in 2.1 s instead of scanning them in 0.2 s.
    /// </summary>
    internal static string WithStatementDefaults(string connectionString)
    {
        var builder = new Npgsql.NpgsqlConnectionStringBuilder(connectionString);
        if (!connectionString.Contains("Auto Prepare", StringComparison.OrdinalIgnoreCase) && !connectionString.Contains("AutoPrepare", StringComparison.OrdinalIgnoreCase))
        {
            builder.MaxAutoPrepare = 100;
            builder.AutoPrepareMinUsages = 2;
        }
        if (builder.Options?.Contains("plan_cache_mode", StringComparison.OrdinalIgnoreCase) != true)
            builder.Options = string.IsNullOrWhiteSpace(builder.Options) ? "-c plan_cache_mode=force_custom_plan" : builder.Options + " -c plan_cache_mode=force_custom_plan";
        return builder.ToString();
    }

    public static void Configure(DbContextOptionsBuilder options, FangkongOptions fangkong)
    {
        var connectionString = ResolveConnectionString(fangkong);
        if (fangkong.Database.IsPostgres)
        {
            options.UseNpgsql(WithStatementDefaults(connectionString), o => o.MigrationsHistoryTable("__EFMigrationsHistory"));
        }
        else
        {
            options.UseSqlite(connectionString, o => o.MigrationsHistoryTable("__EFMigrationsHistory"));
            options.AddInterceptors(SqlitePragmas.Instance);
        }
        options.AddInterceptors(ScopeKindGuard.Instance);
        options.ReplaceService<IModelCacheKeyFactory, FangkongModelCacheKeyFactory>();
        // Hand-written migrations have no model snapshot; a test compares the migrated schema with the model instead.
        options.ConfigureWarnings(w => w.Ignore(RelationalEventId.PendingModelChangesWarning));
    }
}

/// <summary>
/// The encryption converter is part of the model, so models built under different key sets (tests run several
/// hosts in one process) must not share a cache entry.
/// </summary>
internal sealed class FangkongModelCacheKeyFactory : IModelCacheKeyFactory
{
    public object Create(DbContext context, bool designTime) =>
        context is FangkongDb db ? (context.GetType(), db.Protector.KeyId, db.FilterModel, designTime) : (object)(context.GetType(), designTime);
}

/// <summary>
/// Fails closed when a context built for the system (no jurisdiction filters) would run a command for a person, or
/// the other way round: the model was chosen when the context was built.
/// </summary>
internal sealed class ScopeKindGuard : DbCommandInterceptor
{
    public static readonly ScopeKindGuard Instance = new();

    private static void Check(DbContext? context)
    {
        if (context is FangkongDb db && !db.Fits(db.Actor.Scope))
            throw new InvalidOperationException("The actor's scope changed kind after this context was created; create a new context.");
    }

    public override InterceptionResult<System.Data.Common.DbDataReader> ReaderExecuting(System.Data.Common.DbCommand command, CommandEventData eventData, InterceptionResult<System.Data.Common.DbDataReader> result)
    {
        Check(eventData.Context);
        return result;
    }

    public override ValueTask<InterceptionResult<System.Data.Common.DbDataReader>> ReaderExecutingAsync(System.Data.Common.DbCommand command, CommandEventData eventData, InterceptionResult<System.Data.Common.DbDataReader> result, CancellationToken cancellationToken = default)
    {
        Check(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public override InterceptionResult<int> NonQueryExecuting(System.Data.Common.DbCommand command, CommandEventData eventData, InterceptionResult<int> result)
    {
        Check(eventData.Context);
        return result;
    }

    public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(System.Data.Common.DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Check(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public override InterceptionResult<object> ScalarExecuting(System.Data.Common.DbCommand command, CommandEventData eventData, InterceptionResult<object> result)
    {
        Check(eventData.Context);
        return result;
    }

    public override ValueTask<InterceptionResult<object>> ScalarExecutingAsync(System.Data.Common.DbCommand command, CommandEventData eventData, InterceptionResult<object> result, CancellationToken cancellationToken = default)
    {
        Check(eventData.Context);
        return ValueTask.FromResult(result);
    }
}

/// <summary>
/// WAL lets readers work while an import writes; NORMAL sync is safe under WAL and much faster; a 64 MB page cache keeps
/// the blind-index B-trees in memory while a bulk import inserts into them in random order.
/// </summary>
internal sealed class SqlitePragmas : DbConnectionInterceptor
{
    public static readonly SqlitePragmas Instance = new();

    public override void ConnectionOpened(System.Data.Common.DbConnection connection, ConnectionEndEventData eventData) => Apply(connection);

    public override Task ConnectionOpenedAsync(System.Data.Common.DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Apply(connection);
        return Task.CompletedTask;
    }

    private static void Apply(System.Data.Common.DbConnection connection)
    {
        // EF opens a read-only connection to ask whether the file exists; the journal mode cannot be set on it.
        var readOnly = new SqliteConnectionStringBuilder(connection.ConnectionString).Mode == SqliteOpenMode.ReadOnly;
        using var command = connection.CreateCommand();
        command.CommandText = (readOnly ? "" : "PRAGMA journal_mode=WAL; ") + "PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; PRAGMA busy_timeout=30000; PRAGMA cache_size=-65536; PRAGMA temp_store=MEMORY;";
        command.ExecuteNonQuery();
    }
}
