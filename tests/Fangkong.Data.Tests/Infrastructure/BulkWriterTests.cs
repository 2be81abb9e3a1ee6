using Fangkong.Core.Accounts;
using Fangkong.Data.Imports;
using Fangkong.Data.Infrastructure;
using Fangkong.Testing;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Fangkong.Data.Tests.Infrastructure;

/// <summary>The bulk writer's keys and session settings (its rows are covered by every import test).</summary>
public class BulkWriterTests
{
    /// <summary>
    /// Keys come back as a range when nobody else drew from the sequence meanwhile; when somebody did, they are drawn
    /// again one by one. Either way every key is new, distinct, and none is one the other session got.
    /// </summary>
    [Theory, OnPostgres]
    public async Task Keys_AreDistinctAndUnshared_WhileAnotherSessionDrawsFromTheSameSequence(Engine engine)
    {
        await using var database = await TestDatabase.CreateAsync(engine);
        await using var db = await database.ContextAsync(Actor.System("bulk-test"));
        string sequence;
        await using (var probe = new NpgsqlConnection(database.ConnectionString))
        {
            await probe.OpenAsync();
            await using var command = new NpgsqlCommand("SELECT pg_get_serial_sequence('\"ImportRowErrors\"', 'Id')", probe);
            sequence = (string)(await command.ExecuteScalarAsync())!;
        }

        var theirs = new List<long>();
        using var stop = new CancellationTokenSource();
        var other = Task.Run(async () =>
        {
            await using var connection = new NpgsqlConnection(database.ConnectionString);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"SELECT nextval('{sequence}'::regclass)", connection);
            while (!stop.IsCancellationRequested) theirs.Add((long)(await command.ExecuteScalarAsync())!);
        });

        var mine = new List<long>();
        await using (var transaction = await db.Database.BeginTransactionAsync())
        {
            var writer = new BulkWriter(db);
            for (var i = 0; i < 20; i++) mine.AddRange(await writer.AllocateIdsAsync<ImportRowError>(20_000));
            await transaction.CommitAsync();
        }
        await stop.CancelAsync();
        await other;

        Assert.Equal(400_000, mine.Count);
        Assert.Equal(mine.Count, mine.Distinct().Count());
        Assert.Empty(mine.Intersect(theirs));
        Assert.NotEmpty(theirs);
    }

    [Theory, OnSqlite]
    public async Task Keys_FollowTheLargestKeyInUse(Engine engine)
    {
        await using var database = await TestDatabase.CreateAsync(engine);
        await using var db = await database.ContextAsync(Actor.System("bulk-test"));
        await using var transaction = await db.Database.BeginTransactionAsync();
        var writer = new BulkWriter(db);
        var first = await writer.AllocateIdsAsync<ImportRowError>(3);
        Assert.Equal([first[0], first[0] + 1, first[0] + 2], first);
        Assert.True(first[0] > (await db.ImportRowErrors.IgnoreQueryFilters().MaxAsync(e => (long?)e.Id) ?? 0));
    }

    /// <summary>
    /// Sessions plan each statement for its values; a bulk transaction lets PostgreSQL's per-row foreign-key checks
    /// keep their cached plan (three times cheaper), and only until the transaction ends.
    /// </summary>
    [Theory, OnPostgres]
    public async Task BulkTransaction_KeepsCachedPlans_OnlyUntilItEnds(Engine engine)
    {
        await using var database = await TestDatabase.CreateAsync(engine);
        await using var db = await database.ContextAsync(Actor.System("bulk-test"));
        async Task<string> ModeAsync() => await db.Database.SqlQueryRaw<string>("SELECT current_setting('plan_cache_mode') AS \"Value\"").SingleAsync();

        await using (var transaction = await db.Database.BeginTransactionAsync())
        {
            Assert.Equal("force_custom_plan", await ModeAsync());
            await new BulkWriter(db).AllocateIdsAsync<ImportRowError>(1);
            Assert.Equal("auto", await ModeAsync());
            await transaction.CommitAsync();
        }
        Assert.Equal("force_custom_plan", await ModeAsync());
    }
}
