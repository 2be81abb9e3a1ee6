using System.Diagnostics;
using System.Globalization;
using Fangkong.Core.Accounts;
using Fangkong.Core.Arrivals;
using Fangkong.Core.Jurisdictions;
using Fangkong.Core.Orders;
using Fangkong.Core.Policy;
using Fangkong.Data;
using Fangkong.Data.Demo;
using Fangkong.Data.Infrastructure;
using Fangkong.Data.Orders;
using Fangkong.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Fangkong.Bench;

/// <summary>
/// Issue 3's speed targets. classify: 100,000 arrivals against 50,000 active risk areas in process (target ≥ 50,000
/// arrivals/s), with a baseline pass over the same arrivals that only hashes their stops. orders: the orders and test
/// schedules of 100,000 people created and persisted, against the database's own bulk load of the same rows into
/// bare tables (COPY on PostgreSQL, one prepared insert in one transaction on SQLite), in the same run (target ≤ 3×).
/// </summary>
public static class ClosedLoopBenchmark
{
    private static readonly DateOnly Today = new(2022, 10, 12);

    public static void Classify(int arrivals, int areas, int seed)
    {
        var rng = new Random(seed);
        var counties = NationalDivisions.Shared.Counties.Select(c => c.Code6).ToArray();
        var listed = new List<RiskArea>(areas);
        for (var i = 0; i < areas; i++)
        {
            var county = counties[rng.Next(counties.Length)];
            var place = $"第{i}小区";
            listed.Add(new RiskArea
            {
                AreaCountyCode = county, Place = place, PlaceKey = place, Level = (RiskLevel)rng.Next(1, 4),
                DesignatedOn = Today.AddDays(-rng.Next(0, 20)), LiftedOn = rng.NextDouble() < 0.2 ? Today.AddDays(-rng.Next(0, 5)) : null,
            });
        }
        var facts = new List<ArrivalFacts>(arrivals);
        for (var i = 0; i < arrivals; i++)
        {
            // A third come from a listed area, the rest from anywhere.
            var origin = i % 3 == 0 ? listed[rng.Next(listed.Count)] : null;
            var county = origin?.AreaCountyCode ?? counties[rng.Next(counties.Length)];
            var place = origin?.Place ?? $"某街道{rng.Next(1000)}号";
            var stops = new List<TravelStop> { new(county, place, Today.AddDays(-rng.Next(2, 9)), Today.AddDays(-rng.Next(0, 2))) };
            if (rng.NextDouble() < 0.3) stops.Add(new TravelStop(counties[rng.Next(counties.Length)], $"第{rng.Next(areas)}小区", Today.AddDays(-6), Today.AddDays(-3)));
            facts.Add(new ArrivalFacts(Today, county, place, rng.NextDouble() < 0.01, stops, rng.NextDouble() < 0.02 ? "yellow" : "green"));
        }

        var build = Stopwatch.StartNew();
        var index = new RiskAreaIndex(listed);
        build.Stop();
        var classifier = new ArrivalClassifier(RulePackSet.Shipped("411326"), index, c => NationalDivisions.Shared.County(c)?.FullName);
        // Warm up (JIT), then measure.
        for (var i = 0; i < 2000; i++) classifier.Classify(facts[i]);

        var baseline = Stopwatch.StartNew();
        long hash = 0;
        foreach (var f in facts) foreach (var s in f.Stops) hash += s.CountyCode.GetHashCode(StringComparison.Ordinal) ^ (s.Place ?? "").GetHashCode(StringComparison.Ordinal);
        baseline.Stop();

        var clock = Stopwatch.StartNew();
        int orders = 0, found = 0;
        foreach (var f in facts)
        {
            var r = classifier.Classify(f);
            if (r.ProposesOrder) orders++;
            found += r.Found.Count;
        }
        clock.Stop();
        var rate = arrivals / clock.Elapsed.TotalSeconds;
        Console.WriteLine($"classify: {arrivals:N0} arrivals against {areas:N0} risk areas (index built in {build.ElapsedMilliseconds} ms)");
        Console.WriteLine($"  {clock.ElapsedMilliseconds:N0} ms = {rate:N0} arrivals/s; {orders:N0} proposed orders, {found:N0} reasons found (checksum {hash & 0xff})");
        Console.WriteLine($"  baseline (hash every stop): {baseline.Elapsed.TotalMilliseconds:N1} ms");
        Console.WriteLine($"RATIO classify / baseline = {clock.Elapsed.TotalMilliseconds / Math.Max(0.001, baseline.Elapsed.TotalMilliseconds):F1}; RATE {rate:N0}/s (target >= 50,000/s)");
    }

    public static async Task OrdersAsync(Options options)
    {
        var engine = options.Engine == "postgres" ? Engine.Postgres : Engine.Sqlite;
        var people = options.People;
        await using var database = await TestDatabase.CreateEmptyAsync(engine);
        // The rules of 2022: the database's services run on an exercise clock set to the benchmark's day.
        var clockService = database.Services.GetRequiredService<ExerciseClock>();
        clockService.Advance(Today.ToDateTime(new TimeOnly(9, 0)) - clockService.GetUtcNow().UtcDateTime.AddHours(8));
        await using (var scope = database.Scope())
        {
            await DatabaseInitializer.MigrateAsync(scope.ServiceProvider);
            var seeded = Stopwatch.StartNew();
            await DemoSeeder.SeedAsync(scope.ServiceProvider, people, options.Seed);
            Console.WriteLine($"engine {engine}: {people:N0} people seeded in {seeded.ElapsedMilliseconds:N0} ms");
        }

        List<BulkOrderRequest> requests;
        await using (var scope = database.Scope())
        {
            await using var db = await scope.ServiceProvider.GetRequiredService<IDbContextFactory<FangkongDb>>().CreateDbContextAsync();
            var ids = await db.People.Select(p => p.Id).ToListAsync();
            requests = ids.Select((id, i) => new BulkOrderRequest(id, i % 4 == 0 ? Reasons.HighRiskArea : Reasons.CloseContact, Today.AddDays(-(i % 3)))).ToList();
        }

        var actor = new Actor("bench", "bench", JurisdictionScope.Of("411326", "411326"), Permissions.For([Roles.CommandCentre]));
        if (Environment.GetEnvironmentVariable("FANGKONG_BENCH_EXPERIMENT") is { Length: > 0 } experiment && engine == Engine.Postgres)
        {
            await using var c = new NpgsqlConnection(database.ConnectionString);
            await c.OpenAsync();
            await using var cmd = new NpgsqlCommand(experiment, c);
            await cmd.ExecuteNonQueryAsync();
            Console.WriteLine("experiment: " + experiment);
        }
        var before = new Dictionary<string, long>();
        foreach (var table in new[] { "ControlOrders", "OrderMeasures", "OrderTests" }) before[table] = await StoreFloor.MaxIdAsync(engine, database.ConnectionString, table);
        BulkOrderResult result;
        var cpu = CpuClock.Start();
        var clock = Stopwatch.StartNew();
        await using (var scope = database.Scope(actor))
        {
            result = await ActivatorUtilities.CreateInstance<OrderBulkCreator>(scope.ServiceProvider).CreateAsync(requests, confirm: true, "bench");
        }
        clock.Stop();
        var (cpuNet, cpuDb) = cpu.PerItem(result.Rows);
        Console.WriteLine($"orders: {result.Created:N0} orders, {result.Rows:N0} rows (orders, measures, tests) in {clock.ElapsedMilliseconds:N0} ms ({result.Phases})");
        Console.WriteLine($"  CPU per row: this process {cpuNet * 1000:F1} µs, PostgreSQL {cpuDb * 1000:F1} µs; {cpu.Memory(result.Rows)}");

        // The database's own bulk load of the same rows, into bare tables of the same shape, in the same run.
        await using var bare = await TestDatabase.CreateEmptyAsync(engine);
        var baseline = await BaselineAsync(engine, bare.ConnectionString, result.Created, result.Rows);
        Console.WriteLine($"baseline bulk load of {result.Rows:N0} rows into bare tables: {baseline.TotalMilliseconds:N0} ms");
        Console.WriteLine($"RATIO orders / bulk load = {clock.Elapsed.TotalMilliseconds / baseline.TotalMilliseconds:F2} (target <= 3.00)");
        // The database's own work to store the rows the run wrote in the real tables' shape and indexes, no application work.
        var floor = await StoreFloor.MeasureAsync(engine, database.ConnectionString, [.. before.Select(b => (b.Key, $"\"Id\" > {b.Value}"))]);
        Console.WriteLine($"floor: storing the run's rows alone (no application work, indexes built once, no foreign keys): {floor.TotalMilliseconds:N0} ms = {floor.TotalMilliseconds / baseline.TotalMilliseconds:F2} x the bulk load");
        if (engine == Engine.Postgres)
        {
            var kept = await StoreFloor.MeasureWithIntegrityAsync(database.ConnectionString, [.. before.Select(b => (b.Key, $"\"Id\" > {b.Value}"))]);
            Console.WriteLine($"floor with integrity: the same rows with every index in place and every foreign key checked, no application work: {kept.TotalMilliseconds:N0} ms = {kept.TotalMilliseconds / baseline.TotalMilliseconds:F2} x the bulk load");
            // The leanest schema that still answers the queries: measures and tests keyed by (order, sequence) and (order,
            // day), which are unique already, with no surrogate key to index.
            var lean = await StoreFloor.MeasureWithIntegrityAsync(database.ConnectionString, [.. before.Select(b => (b.Key, $"\"Id\" > {b.Value}"))], ["PK_OrderMeasures", "PK_OrderTests"]);
            Console.WriteLine($"floor with integrity, lean keys: the same, measures and tests without their surrogate key index: {lean.TotalMilliseconds:N0} ms = {lean.TotalMilliseconds / baseline.TotalMilliseconds:F2} x the bulk load");
        }
    }

    /// <summary>Orders (13 columns), measures (9) and tests (8) as plain values, loaded the fastest way each engine has.</summary>
    private static async Task<TimeSpan> BaselineAsync(Engine engine, string connectionString, int orders, int rows)
    {
        var tests = (rows - orders) * 3 / 4;
        var measures = rows - orders - tests;
        var tables = new (string Name, string Columns, int Rows, Func<int, object[]> Row)[]
        {
            ("o", "id bigint, county text, scope text, person bigint, reasons text, exposure date, pack text, rule text, status int, start date, finish date, kind text, created timestamp", orders,
                i => [(long)i, "411326", "411326101200", (long)i, "close-contact", Today, "cn-9th", "cn-9th#close-contact", 1, Today, Today.AddDays(9), "centralized-quarantine", DateTime.UtcNow]),
            ("m", "id bigint, county text, scope text, order_id bigint, seq int, kind text, from_day int, to_day int, from_date date", measures,
                i => [(long)i, "411326", "411326101200", (long)(i / 2), i % 2, "centralized-quarantine", 1, 7, Today]),
            ("t", "id bigint, county text, scope text, order_id bigint, day int, test_date date, status int, ct numeric", tests,
                i => [(long)i, "411326", "411326101200", (long)(i / 6), i % 6 + 1, Today, 0, DBNull.Value]),
        };
        if (engine == Engine.Postgres)
        {
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync();
            foreach (var t in tables) await using (var c = new NpgsqlCommand($"CREATE TABLE {t.Name} ({t.Columns})", connection)) await c.ExecuteNonQueryAsync();
            var clock = Stopwatch.StartNew();
            foreach (var t in tables)
            {
                await using var writer = await connection.BeginBinaryImportAsync($"COPY {t.Name} FROM STDIN (FORMAT binary)");
                for (var i = 0; i < t.Rows; i++) await writer.WriteRowAsync(default, t.Row(i));
                await writer.CompleteAsync();
            }
            return clock.Elapsed;
        }
        await using (var sqlite = new SqliteConnection(connectionString))
        {
            await sqlite.OpenAsync();
            foreach (var t in tables) await using (var c = sqlite.CreateCommand()) { c.CommandText = $"CREATE TABLE {t.Name} ({t.Columns})"; await c.ExecuteNonQueryAsync(); }
            var clock = Stopwatch.StartNew();
            await using var transaction = await sqlite.BeginTransactionAsync();
            foreach (var t in tables)
            {
                var count = t.Columns.Split(',').Length;
                await using var insert = sqlite.CreateCommand();
                insert.Transaction = (SqliteTransaction)transaction;
                insert.CommandText = $"INSERT INTO {t.Name} VALUES ({string.Join(", ", Enumerable.Range(0, count).Select(i => "$p" + i))})";
                var parameters = Enumerable.Range(0, count).Select(i => insert.Parameters.Add(new SqliteParameter("$p" + i, null))).ToArray();
                insert.Prepare();
                for (var i = 0; i < t.Rows; i++)
                {
                    var values = t.Row(i);
                    for (var c = 0; c < count; c++) parameters[c].Value = values[c] is DateOnly d ? d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : values[c];
                    await insert.ExecuteNonQueryAsync();
                }
            }
            await transaction.CommitAsync();
            return clock.Elapsed;
        }
    }
}
