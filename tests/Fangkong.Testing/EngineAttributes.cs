using System.Reflection;
using Xunit.Sdk;

namespace Fangkong.Testing;

public enum Engine { Sqlite, Postgres }

/// <summary>Runs a theory on SQLite.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class OnSqliteAttribute : DataAttribute
{
    public override IEnumerable<object[]> GetData(MethodInfo testMethod) => [[Engine.Sqlite]];
}

/// <summary>
/// Runs a theory on PostgreSQL. Skipped, with the reason in the test report, when no PostgreSQL binaries are
/// installed — except when FANGKONG_REQUIRE_POSTGRES=1, where the test runs and fails.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class OnPostgresAttribute : DataAttribute
{
    public OnPostgresAttribute()
    {
        var reason = PostgresServer.Shared.UnavailableReason;
        if (reason is not null && !PostgresServer.Required) Skip = "SKIPPED LOUDLY: " + reason;
    }

    public override IEnumerable<object[]> GetData(MethodInfo testMethod) => [[Engine.Postgres]];
}

/// <summary>A fact that needs PostgreSQL (concurrency tests that SQLite cannot express).</summary>
public sealed class PostgresFactAttribute : Xunit.FactAttribute
{
    public PostgresFactAttribute()
    {
        var reason = PostgresServer.Shared.UnavailableReason;
        if (reason is not null && !PostgresServer.Required) Skip = "SKIPPED LOUDLY: " + reason;
    }
}
