using System.Data.Common;
using Fangkong.Core.Accounts;
using Fangkong.Data;
using Fangkong.Data.Infrastructure;
using Fangkong.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace Fangkong.Data.Tests.Infrastructure;

/// <summary>
/// The migrations are written by hand (no model snapshot here), so this is the check `dotnet ef` would give:
/// a database built by the migrations has exactly the tables, columns, types, nullability, keys and indexes of a
/// database built from the model, on both engines.
/// </summary>
public class SchemaTests(ITestOutputHelper output)
{
    [Theory, OnSqlite, OnPostgres]
    public async Task Migrations_ProduceExactlyTheModelSchema(Engine engine)
    {
        await using var migrated = await TestDatabase.CreateEmptyAsync(engine);
        await using var created = await TestDatabase.CreateEmptyAsync(engine);

        await using (var scope = migrated.Scope())
            await DatabaseInitializer.MigrateAsync(scope.ServiceProvider);
        await using (var db = await created.ContextAsync())
            await db.Database.EnsureCreatedAsync();

        var fromMigrations = await ReadSchemaAsync(migrated, engine);
        var fromModel = await ReadSchemaAsync(created, engine);
        var missing = fromModel.Except(fromMigrations).ToList();
        var extra = fromMigrations.Except(fromModel).ToList();
        foreach (var line in missing) output.WriteLine("model has, migrations lack: " + line);
        foreach (var line in extra) output.WriteLine("migrations have, model lacks: " + line);
        Assert.True(missing.Count + extra.Count == 0, $"{missing.Count} missing, {extra.Count} extra (see output)");
        Assert.Contains(fromModel, l => l.StartsWith("column People.DocumentHash", StringComparison.Ordinal));
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task Migrate_Twice_IsANoOp(Engine engine)
    {
        await using var database = await TestDatabase.CreateAsync(engine);
        await using var scope = database.Scope();
        var applied = await DatabaseInitializer.MigrateAsync(scope.ServiceProvider);
        Assert.Empty(applied);
    }

    /// <summary>
    /// Sessions plan each statement for its values: a cached generic plan guesses that a jurisdiction range matches
    /// 0.5% of the rows, which is wrong for the county and made the board's live overdue count ten times slower.
    /// </summary>
    [Theory, OnPostgres]
    public async Task PostgresSessions_PlanForTheirValues_AndPrepareRepeatedStatements(Engine engine)
    {
        await using var database = await TestDatabase.CreateAsync(engine);
        await using var db = await database.ContextAsync(Actor.System("schema-test"));
        var mode = await db.Database.SqlQueryRaw<string>("SELECT current_setting('plan_cache_mode') AS \"Value\"").SingleAsync();
        Assert.Equal("force_custom_plan", mode);
        var builder = new Npgsql.NpgsqlConnectionStringBuilder(db.Database.GetConnectionString());
        Assert.Equal(100, builder.MaxAutoPrepare);
    }

    private static async Task<HashSet<string>> ReadSchemaAsync(TestDatabase database, Engine engine)
    {
        await using var db = await database.ContextAsync(Actor.System("schema-test"));
        var connection = db.Database.GetDbConnection();
        await connection.OpenAsync();
        var lines = new HashSet<string>(StringComparer.Ordinal);
        if (engine == Engine.Sqlite)
        {
            foreach (var (table, sql) in await Rows(connection, "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '__EFMigrations%'", r => (r.GetString(0), r.GetString(1))))
            {
                lines.Add($"table {table} autoincrement={sql.Contains("AUTOINCREMENT", StringComparison.OrdinalIgnoreCase)}");
                foreach (var c in await Rows(connection, $"PRAGMA table_info(\"{table}\")", r => $"column {table}.{r.GetString(1)} {r.GetString(2)} notnull={r.GetInt64(3)} pk={r.GetInt64(5)}"))
                    lines.Add(c);
                foreach (var (name, unique, partial) in await Rows(connection, $"PRAGMA index_list(\"{table}\")", r => (r.GetString(1), r.GetInt64(2), r.GetInt64(4))))
                {
                    var columns = await Rows(connection, $"PRAGMA index_info(\"{name}\")", r => r.GetString(2));
                    // A partial index carries its WHERE clause (normalised spacing), so a lost filter shows as a difference.
                    var where = partial == 0 ? "" : " where " + string.Join(" ", ((string)(await Rows(connection, $"SELECT sql FROM sqlite_master WHERE type = 'index' AND name = '{name}'", r => r.GetString(0)))[0])
                        .Split(" WHERE ", 2)[1].Split((char[])[' ', '\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries));
                    lines.Add($"index {table}.{name} unique={unique} ({string.Join(",", columns)}){where}");
                }
                foreach (var fk in await Rows(connection, $"PRAGMA foreign_key_list(\"{table}\")", r => $"fk {table}.{r.GetString(3)} -> {r.GetString(2)}.{r.GetString(4)} on delete {r.GetString(6)}"))
                    lines.Add(fk);
            }
        }
        else
        {
            foreach (var c in await Rows(connection,
                "SELECT table_name, column_name, data_type, coalesce(character_maximum_length, -1), is_nullable, is_identity, coalesce(identity_generation, '') " +
                "FROM information_schema.columns WHERE table_schema = 'public' AND table_name <> '__EFMigrationsHistory'",
                r => $"column {r.GetString(0)}.{r.GetString(1)} {r.GetString(2)}({r.GetInt32(3)}) nullable={r.GetString(4)} identity={r.GetString(5)}/{r.GetString(6)}"))
                lines.Add(c);
            foreach (var i in await Rows(connection,
                "SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename <> '__EFMigrationsHistory'",
                r => $"index {r.GetString(0)}.{r.GetString(1)} {r.GetString(2)}"))
                lines.Add(i);
            foreach (var fk in await Rows(connection,
                "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE contype IN ('f', 'p', 'u', 'c') AND connamespace = 'public'::regnamespace AND conrelid::regclass::text <> '\"__EFMigrationsHistory\"'",
                r => $"constraint {r.GetString(0)}.{r.GetString(1)} {r.GetString(2)}"))
                lines.Add(fk);
        }
        return lines;
    }

    private static async Task<List<T>> Rows<T>(DbConnection connection, string sql, Func<DbDataReader, T> read)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await using var reader = await command.ExecuteReaderAsync();
        var list = new List<T>();
        while (await reader.ReadAsync()) list.Add(read(reader));
        return list;
    }
}
