using System.Diagnostics;
using System.Globalization;
using System.Runtime;
using System.Text;
using System.Text.Json;
using Fangkong.Core.Accounts;
using Fangkong.Core.Identifiers;
using Fangkong.Core.Jurisdictions;
using Fangkong.Core.Tabular;
using Fangkong.Data;
using Fangkong.Data.Infrastructure;
using Fangkong.Data.People;
using Fangkong.Data.Tasks;
using Fangkong.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Fangkong.Bench;

/// <summary>
/// Issue 4's speed targets. A dirty pushed list (协查名单) of --rows rows, generated from the --registry people of the
/// import benchmark's registry file, is imported by the production importer (validation, de-duplication, matching
/// against the registry, routing, tasks with deadlines) into a database whose registry was loaded by the production
/// people importer; against the database's own bulk load of the same file into a bare table, in the same run. Then
/// the command centre's board over the imported tasks, against a trivial query through the same context factory.
/// </summary>
public static class VerificationBenchmark
{
    public static async Task RunAsync(Options options)
    {
        var engine = options.Engine == "postgres" ? Engine.Postgres : Engine.Sqlite;
        var output = OutputDirectory();

        // 1. The registry file, as the import benchmark generates it (reused when bench/out already holds it).
        var registryFile = Path.Combine(output, $"people{options.Registry}.csv");
        if (File.Exists(registryFile)) Console.WriteLine($"registry file {registryFile} reused");
        else await PeopleFile.GenerateAsync(registryFile, options.Registry, options.Seed);

        // 2. The pushed list (deterministic; reused when already generated from the same registry file and seed).
        var listFile = Path.Combine(output, $"pushed{options.Rows}-registry{options.Registry}-seed{options.Seed}.csv");
        if (File.Exists(listFile)) Console.WriteLine($"pushed list {listFile} reused");
        else PushedListFile.Generate(listFile, registryFile, options.Rows, options.Seed);
        var rows = ImportBenchmark.CountRows(listFile);
        Console.WriteLine($"engine {engine}, pushed list {Path.GetFileName(listFile)}: {rows:N0} rows, {new FileInfo(listFile).Length / 1024 / 1024} MB; registry {Path.GetFileName(registryFile)}");

        // 3. Baseline: the database's own bulk load of the raw file into a bare table of eight text columns.
        var baseline = await ImportBenchmark.BaselineAsync(engine, listFile, PushedListFile.Headers.Length);
        Console.WriteLine($"baseline bulk load into a bare table: {baseline.TotalMilliseconds:N0} ms ({rows / baseline.TotalSeconds:N0} rows/s)");

        // The registry: a migrated database loaded by the production people importer (setup, not measured against a target).
        await using var database = await TestDatabase.CreateEmptyAsync(engine);
        await using (var scope = database.Scope())
            await DatabaseInitializer.MigrateAsync(scope.ServiceProvider);
        var actor = new Actor("bench", "bench", JurisdictionScope.Of("411326", "411326"), new HashSet<string>(Permissions.All));
        var registryClock = Stopwatch.StartNew();
        await using (var scope = database.Scope(actor))
        {
            var people = await ActivatorUtilities.CreateInstance<PeopleImporter>(scope.ServiceProvider).ImportAsync(registryFile, Path.GetFileName(registryFile));
            Console.WriteLine($"registry loaded (setup): {people.Imported:N0} people imported, {people.Rejected:N0} rejected, status {people.Status}, in {registryClock.ElapsedMilliseconds:N0} ms");
        }

        // 4. The measured import. Memory: everything before (generation, registry import) is collected and the peak
        // counter (VmHWM) reset, so the peak printed after is the import's own high-water mark over the process's base.
        GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        var peakBefore = PeakWorkingSetMegabytes();
        var reset = ResetPeak();
        var workingSetAtStart = WorkingSetMegabytes();
        var before = new Dictionary<string, long>();
        foreach (var table in new[] { "VerificationTasks", "VerificationSourceRows", "People" }) before[table] = await StoreFloor.MaxIdAsync(engine, database.ConnectionString, table);
        VerificationImportSummary summary;
        var cpu = CpuClock.Start();
        var clock = Stopwatch.StartNew();
        await using (var scope = database.Scope(actor))
        {
            var importer = ActivatorUtilities.CreateInstance<VerificationImporter>(scope.ServiceProvider);
            summary = await importer.ImportFileAsync(listFile, Path.GetFileName(listFile), new VerificationImportOptions("bench"), null, CancellationToken.None);
        }
        clock.Stop();
        var (cpuNet, cpuDb) = cpu.PerItem(summary.Rows);
        var peakAfter = PeakWorkingSetMegabytes();
        Console.WriteLine($"import: {clock.ElapsedMilliseconds:N0} ms ({summary.Rows / clock.Elapsed.TotalSeconds:N0} rows/s; importer's own clock {summary.ElapsedMs:N0} ms), format {summary.Format}{(summary.Error is null ? "" : ", ERROR " + summary.Error)}");
        Console.WriteLine($"  rows {summary.Rows:N0}, rejected {summary.Rejected:N0}, idInvalid {summary.IdInvalid:N0}, duplicatesInFile {summary.DuplicatesInFile:N0}, alreadyOpen {summary.AlreadyOpen:N0}, " +
                          $"matchedById {summary.MatchedById:N0}, matchedByPhone {summary.MatchedByPhone:N0}, newPersons {summary.NewPersons:N0}, outsideCounty {summary.OutsideCounty:N0}, " +
                          $"unroutable {summary.Unroutable:N0}, tasksCreated {summary.TasksCreated:N0}; routed to {summary.Routed.Count} townships ({summary.Routed.Values.Sum():N0} tasks)");
        foreach (var r in summary.FirstRejections.Take(3)) Console.WriteLine($"  rejected row {r.Row}: {r.Code} {r.Value}");
        Console.WriteLine($"  CPU per row: this process {cpuNet * 1000:F1} µs, PostgreSQL {cpuDb * 1000:F1} µs; {cpu.Memory(summary.Rows)}");
        Console.WriteLine($"  memory: peak working set before the import (generation + registry import) {peakBefore} MB; working set at the import's start {workingSetAtStart} MB " +
                          $"(after a full GC{(reset ? ", peak counter reset" : "; peak counter NOT reset")}); peak working set after the import {peakAfter} MB");

        // 4b. The database's own work to store the rows the import wrote (tasks, source rows, new people) in the real
        // tables' shape and indexes, with no application work at all.
        var floor = await StoreFloor.MeasureAsync(engine, database.ConnectionString, [.. before.Select(b => (b.Key, $"\"Id\" > {b.Value}"))]);
        Console.WriteLine($"floor: storing the import's rows alone (no application work, indexes built once, no foreign keys): {floor.TotalMilliseconds:N0} ms = {floor.TotalMilliseconds / baseline.TotalMilliseconds:F2} x the bulk load");

        // 5. The board, for the county, against a trivial query through the same context factory.
        var (cold, boardMedian, board, trivialMedian) = await BoardAsync(database, actor);
        Console.WriteLine($"board: total {board.Total:N0}, open {board.Open:N0}, overdue {board.Overdue:N0}, routing {board.Routing:N0}, upstream {board.Upstream:N0}, " +
                          $"{board.Batches.Count} batches, {board.Townships.Count} townships");
        Console.WriteLine($"  cold {cold:F1} ms; warm median of 5 {boardMedian:F1} ms; trivial query (new context + SELECT 1) median of 5 {trivialMedian:F2} ms");

        // 5b. 25 minutes later every dispatched task has missed its team deadline. Before a sweep has recorded that,
        // the board counts all of them live (the worst case); the sweep (every minute in production) moves them into
        // the kept counts, and the board is back to reading those.
        var exercise = database.Services.GetRequiredService<ExerciseClock>();
        exercise.Advance(TimeSpan.FromMinutes(25));
        var (unsweptCold, unsweptMedian, unswept, _) = await BoardAsync(database, actor);
        Console.WriteLine($"board 25 minutes later, before the sweep: overdue {unswept.Overdue:N0}; cold {unsweptCold:F1} ms; warm median of 5 {unsweptMedian:F1} ms");
        var sweepClock = Stopwatch.StartNew();
        await using (var scope = database.Scope(actor))
        {
            var swept = await ActivatorUtilities.CreateInstance<VerificationSweeper>(scope.ServiceProvider).SweepAsync("411326", exercise.GetUtcNow().UtcDateTime, "bench");
            Console.WriteLine($"sweep: {swept.Missed:N0} misses recorded in {sweepClock.ElapsedMilliseconds:N0} ms");
        }
        var (lateCold, lateMedian, late, _) = await BoardAsync(database, actor);
        Console.WriteLine($"board after the sweep: open {late.Open:N0}, overdue {late.Overdue:N0}; cold {lateCold:F1} ms; warm median of 5 {lateMedian:F1} ms");

        // 6. One line per figure.
        Console.WriteLine($"RATIO import / bulk load = {clock.Elapsed.TotalMilliseconds / baseline.TotalMilliseconds:F2} ({clock.ElapsedMilliseconds:N0} ms / {baseline.TotalMilliseconds:N0} ms, {summary.Rows:N0} rows; issues 2-3 use <= 3.00)");
        Console.WriteLine($"PEAK memory during the import = {peakAfter} MB (working set at start {workingSetAtStart} MB; process peak before {peakBefore} MB)");
        Console.WriteLine($"BOARD median = {boardMedian:F1} ms (cold {cold:F1} ms); RATIO board / trivial query = {boardMedian / trivialMedian:F1} ({trivialMedian:F2} ms) over {board.Total:N0} tasks");
        Console.WriteLine($"BOARD with every open task overdue, after the sweep, median = {lateMedian:F1} ms (cold {lateCold:F1} ms; {late.Overdue:N0} overdue); RATIO / trivial query = {lateMedian / trivialMedian:F1}");
        Console.WriteLine($"BOARD with every open task overdue, before any sweep (all counted live), median = {unsweptMedian:F1} ms ({unswept.Overdue:N0} overdue)");
    }

    private static async Task<(double Cold, double Median, Board Board, double TrivialMedian)> BoardAsync(TestDatabase database, Actor actor)
    {
        await using var scope = database.Scope(actor);
        var boards = ActivatorUtilities.CreateInstance<VerificationBoard>(scope.ServiceProvider);
        var factory = scope.ServiceProvider.GetRequiredService<IDbContextFactory<FangkongDb>>();

        var clock = Stopwatch.StartNew();
        var board = await boards.GetAsync();
        var cold = clock.Elapsed.TotalMilliseconds;
        var warm = new List<double>();
        for (var i = 0; i < 5; i++)
        {
            clock.Restart();
            board = await boards.GetAsync();
            warm.Add(clock.Elapsed.TotalMilliseconds);
        }

        async Task Trivial()
        {
            await using var db = await factory.CreateDbContextAsync();
            await db.Database.SqlQueryRaw<int>("SELECT 1 AS \"Value\"").ToListAsync();
        }
        await Trivial(); // warm-up: context, connection pool
        var trivial = new List<double>();
        for (var i = 0; i < 5; i++)
        {
            clock.Restart();
            await Trivial();
            trivial.Add(clock.Elapsed.TotalMilliseconds);
        }
        return (cold, Median(warm), board, Median(trivial));
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }

    private static long PeakWorkingSetMegabytes()
    {
        using var process = Process.GetCurrentProcess();
        return process.PeakWorkingSet64 / 1024 / 1024;
    }

    private static long WorkingSetMegabytes()
    {
        using var process = Process.GetCurrentProcess();
        return process.WorkingSet64 / 1024 / 1024;
    }

    /// <summary>Resets the kernel's peak-RSS counter (VmHWM) to the current RSS (Linux ≥ 4.0: "5" into clear_refs).</summary>
    private static bool ResetPeak()
    {
        try
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return false; }
    }

    /// <summary>bench/out, next to run.sh, wherever the program is started from.</summary>
    private static string OutputDirectory()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (dir.Name == "Fangkong.Bench" && File.Exists(Path.Combine(dir.FullName, "Fangkong.Bench.csproj")))
            {
                var output = Path.Combine(dir.Parent!.FullName, "out");
                Directory.CreateDirectory(output);
                return output;
            }
        Directory.CreateDirectory("out");
        return Path.GetFullPath("out");
    }
}

/// <summary>
/// A dirty pushed list as upstream sends it (UTF-8 with BOM csv), deterministic for a seed: ~60% people of the
/// registry (their real ID number and phone), the rest new people with valid generated IDs; 10% copies of earlier rows
/// (a third with another phone); 3% IDs with a wrong check character; ~5% of registry rows and ~3% of new ones
/// without an ID (name and phone only); county addresses in mixed styles (with or without 河南省南阳市, 村/村委会/村民委员会,
/// 社区/居委会, groups, house numbers, full-width spaces); ~2% addresses in other counties; ~1% gibberish; ~0.5% rows with
/// neither name, ID nor phone.
/// </summary>
public static class PushedListFile
{
    public static readonly string[] Headers = ["姓名", "身份证号", "手机号", "现住址", "来源地", "推送原因", "推送时间", "推送批次"];

    private const double Duplicates = 0.10, NoIdentity = 0.005, FromRegistry = 0.60, BadId = 0.03;
    private const double OtherCounty = 0.02, Gibberish = 0.01;

    private static readonly string[] Surnames =
        ["王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "胡", "朱", "高", "林", "何", "郭", "马", "罗", "梁", "宋", "郑", "谢", "韩", "唐", "冯", "于", "董", "萧",
         "程", "曹", "袁", "邓", "许", "傅", "沈", "曾", "彭", "吕", "苏", "卢", "蒋", "蔡", "贾", "丁", "魏", "薛", "叶", "阎", "欧阳", "司马"];
    private static readonly string[] Given =
        ["伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀", "霞", "平", "刚", "桂", "英", "华", "玉", "萍", "红", "鹏", "辉", "建",
         "国", "文", "宇", "浩", "然", "欣", "怡", "梓", "涵", "子", "轩", "晨", "博", "雪", "琳", "佳", "嘉", "俊", "凯", "昊", "志", "海", "春", "兰", "凤", "云", "瑞", "宁", "丹", "阳"];
    private static readonly string[] Prefixes = ["", "淅川县", "淅川县", "南阳市淅川县", "河南省南阳市淅川县", "河南省南阳市淅川县", "河南省淅川县", "河南省南阳市　淅川县", "河南南阳淅川"];
    private static readonly string[] Compounds = ["幸福小区", "丹江花园", "楚都嘉园", "滨河小区", "龙城名苑", "商圣苑", "春风家园", "金河湾小区"];
    private static readonly string[] Streets = ["建设路", "人民路", "灌河路", "丹江大道", "渠首路", "商圣路", "解放路", "健康路"];
    private static readonly string[] Elsewhere =
    [
        "湖北省十堰市丹江口市均州路{0}号", "湖北省十堰市丹江口市六里坪镇孙家湾村{1}组", "湖北省十堰市张湾区车城路{0}号", "湖北省十堰市郧阳区城关镇{0}号",
        "河南省南阳市邓州市花洲街道新华路{0}号", "河南省南阳市西峡县白羽街道{0}号", "河南省南阳市内乡县湍东镇{1}组", "陕西省商洛市商南县城关街道{0}号",
        "河南省郑州市金水区花园路{0}号", "湖北省武汉市洪山区珞喻路{0}号", "广东省深圳市宝安区西乡街道{0}号", "上海市浦东新区张江镇{0}号",
    ];
    private static readonly string[] Nonsense = ["不详", "无", "见附件", "？？？", "待核实", "外地", "asdfgh", "1234567", "/", "同上", "暂无", "xxx"];
    private static readonly string[] Origins =
        ["上海市浦东新区", "湖北省十堰市张湾区", "河南省郑州市金水区", "陕西省西安市雁塔区", "广东省深圳市宝安区", "北京市朝阳区", "新疆维吾尔自治区乌鲁木齐市天山区", "四川省成都市武侯区", "河南省郑州市二七区"];
    private static readonly string[] Reasons = ["密接", "次密接", "时空伴随", "高风险区来返", "中风险区来返", "涉疫场所暴露", "健康码赋黄"];
    private static readonly string[] OtherAddressCodes = ["411326", "411326", "411326", "411323", "411325", "411381", "420381", "410105", "310115", "610113"];

    public static void Generate(string path, string registryFile, int rows, int seed)
    {
        var clock = Stopwatch.StartNew();
        var rng = new Random(seed * 31 + 4);
        var divisions = CountyDivisions.Load("411326");
        var villages = divisions.Villages.Select(v => (Village: v, Township: divisions.Find(v.ParentCode12)!)).ToArray();

        var registry = new List<(string Name, string Id, string Phone, string Address)>();
        using (var stream = File.OpenRead(registryFile))
        using (var source = TabularFile.Open(stream, registryFile))
            foreach (var row in source.Sheets.Single().Rows.Skip(1))
                registry.Add((row[0] ?? "", row[1] ?? "", row[2] ?? "", row[3] ?? ""));
        var usedIds = new HashSet<string>(registry.Select(r => r.Id), StringComparer.Ordinal);
        var order = Enumerable.Range(0, registry.Count).ToArray();
        rng.Shuffle(order);
        var nextRegistry = 0;

        // Copies come from a reservoir of earlier rows (bounded, so generation stays small).
        const int PoolSize = 200_000;
        var pool = new List<string?[]>(Math.Min(rows, PoolSize));
        var baseTime = new DateTime(2022, 10, 12, 6, 0, 0);
        const string batch = "豫协查〔2022〕1012第3批";
        int fromRegistry = 0, registryNoId = 0, fresh = 0, freshNoId = 0, duplicates = 0, phoneChanged = 0, badIds = 0, empty = 0, other = 0, gibberish = 0, wrapped = 0;

        var temporary = path + ".tmp";
        using (var stream = File.Create(temporary))
        using (var csv = new CsvWriter(stream))
        {
            csv.WriteHeader(Headers);
            for (var i = 0; i < rows; i++)
            {
                string?[] cells;
                var u = rng.NextDouble();
                if (u < Duplicates && pool.Count > 0)
                {
                    cells = (string?[])pool[rng.Next(pool.Count)].Clone();
                    if (cells[2] is not null && rng.NextDouble() < 0.33) { cells[2] = Phone(rng); phoneChanged++; }
                    duplicates++;
                    csv.WriteRow(cells);
                    continue;
                }
                var time = baseTime.AddMinutes(rng.Next(0, 12 * 60));
                var pushedAt = rng.NextDouble() < 0.8 ? time.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) : time.ToString("yyyy/M/d H:mm:ss", CultureInfo.InvariantCulture);
                var origin = Origins[rng.Next(Origins.Length)];
                var reason = Reasons[rng.Next(Reasons.Length)];
                if (u < Duplicates + NoIdentity)
                {
                    empty++;
                    cells = [null, null, null, CountyAddress(rng, villages), origin, reason, pushedAt, batch];
                }
                else if (rng.NextDouble() < FromRegistry && registry.Count > 0)
                {
                    if (nextRegistry == order.Length) { nextRegistry = 0; wrapped++; }
                    var person = registry[order[nextRegistry++]];
                    fromRegistry++;
                    string? id = person.Id;
                    if (rng.NextDouble() < 0.05) { id = null; registryNoId++; }
                    else if (rng.NextDouble() < BadId / (1 - Duplicates - NoIdentity)) { id = BreakCheck(id); badIds++; }
                    cells = [person.Name, id, person.Phone, Restyle(rng, person.Address), origin, reason, pushedAt, batch];
                }
                else
                {
                    fresh++;
                    var name = Name(rng);
                    string? id;
                    do
                    {
                        var birth = new DateOnly(1940, 1, 1).AddDays(rng.Next(0, 365 * 75));
                        id = ResidentId.Compose(OtherAddressCodes[rng.Next(OtherAddressCodes.Length)], birth, rng.Next(0, 1000));
                    } while (!usedIds.Add(id));
                    if (rng.NextDouble() < 0.03) { id = null; freshNoId++; }
                    else if (rng.NextDouble() < BadId / (1 - Duplicates - NoIdentity)) { id = BreakCheck(id); badIds++; }
                    // Other counties and gibberish fall on new people (a registry person is routed by the household).
                    var share = 1 - FromRegistry;
                    var a = rng.NextDouble();
                    string address;
                    if (a < OtherCounty / share)
                    {
                        address = string.Format(CultureInfo.InvariantCulture, Elsewhere[rng.Next(Elsewhere.Length)], rng.Next(1, 300), rng.Next(1, 12));
                        other++;
                    }
                    else if (a < (OtherCounty + Gibberish) / share)
                    {
                        address = Garble(rng);
                        gibberish++;
                    }
                    else address = CountyAddress(rng, villages);
                    cells = [name, id, Phone(rng), address, origin, reason, pushedAt, batch];
                }
                if (pool.Count < PoolSize) pool.Add(cells);
                else pool[rng.Next(PoolSize)] = cells;
                csv.WriteRow(cells);
            }
        }
        File.Move(temporary, path, overwrite: true);
        Console.WriteLine($"generated pushed list {path}: {rows:N0} rows ({new FileInfo(path).Length / 1024 / 1024} MB) in {clock.ElapsedMilliseconds:N0} ms");
        Console.WriteLine($"  as generated: {fromRegistry:N0} registry people ({registryNoId:N0} without ID{(wrapped > 0 ? $", registry reused {wrapped}x" : "")}), {fresh:N0} new people ({freshNoId:N0} without ID; " +
                          $"{other:N0} other-county and {gibberish:N0} gibberish addresses), {duplicates:N0} copies of earlier rows ({phoneChanged:N0} with another phone), {badIds:N0} bad check characters, {empty:N0} rows without identity");
    }

    private static string BreakCheck(string id)
    {
        var right = id[17];
        var wrong = right == 'X' ? '0' : right == '9' ? 'X' : (char)(right + 1);
        return string.Concat(id.AsSpan(0, 17), wrong.ToString());
    }

    private static string Name(Random rng)
    {
        var name = Surnames[rng.Next(Surnames.Length)] + Given[rng.Next(Given.Length)];
        return rng.NextDouble() < 0.7 ? name + Given[rng.Next(Given.Length)] : name;
    }

    private static string Phone(Random rng)
    {
        var second = "35789"[rng.Next(5)];
        return string.Create(CultureInfo.InvariantCulture, $"1{second}{rng.Next(0, 1_000_000_000):D9}");
    }

    /// <summary>The registry's own address (河南省南阳市淅川县…), written the way pushed lists write it.</summary>
    private static string Restyle(Random rng, string address)
    {
        var r = rng.NextDouble();
        if (r < 0.35) address = address.Replace("河南省南阳市", "", StringComparison.Ordinal);
        else if (r < 0.45) address = address.Replace("河南省南阳市淅川县", "", StringComparison.Ordinal);
        if (rng.NextDouble() < 0.2)
        {
            var at = address.IndexOf('村', StringComparison.Ordinal);
            if (at > 0 && at + 1 < address.Length && char.IsAsciiDigit(address[at + 1])) address = address.Insert(at + 1, rng.NextDouble() < 0.5 ? "委会" : "民委员会");
        }
        if (rng.NextDouble() < 0.1) address = address.Replace("社区", "居委会", StringComparison.Ordinal);
        if (rng.NextDouble() < 0.1)
        {
            var at = address.IndexOfAny(['县', '镇', '乡']);
            if (at >= 0) address = address.Insert(at + 1, "　");
        }
        return address;
    }

    /// <summary>An address in the county: a real village or community of the division file, in one of the styles people use.</summary>
    private static string CountyAddress(Random rng, (Division Village, Division Township)[] villages)
    {
        var (village, township) = villages[rng.Next(villages.Length)];
        var b = new StringBuilder(48);
        b.Append(Prefixes[rng.Next(Prefixes.Length)]);
        if (rng.NextDouble() < 0.05) b.Append('　');
        if (rng.NextDouble() < 0.95) b.Append(township.Name);
        var space = rng.NextDouble();
        if (space < 0.08) b.Append('　');
        else if (space < 0.12) b.Append(' ');
        var stem = village.ShortName;
        if (village.IsCommunity)
        {
            var style = rng.Next(4);
            b.Append(style switch { 0 => stem + "社区", 1 => stem + "居委会", 2 => stem + "社区居委会", _ => village.Name });
            var tail = rng.NextDouble();
            if (tail < 0.5) b.Append(CultureInfo.InvariantCulture, $"{Compounds[rng.Next(Compounds.Length)]}{rng.Next(1, 30)}号楼{rng.Next(1, 5)}单元{rng.Next(1, 19)}0{rng.Next(1, 5)}室");
            else if (tail < 0.8) b.Append(CultureInfo.InvariantCulture, $"{Streets[rng.Next(Streets.Length)]}{rng.Next(1, 400)}号");
        }
        else
        {
            var village1 = stem.EndsWith('村') ? stem : stem + "村";
            var style = rng.Next(4);
            b.Append(style switch { 0 or 1 => village1, 2 => village1 + "委会", _ => village.Name });
            var tail = rng.NextDouble();
            if (tail < 0.45) b.Append(CultureInfo.InvariantCulture, $"{rng.Next(1, 15)}组{rng.Next(1, 80)}号");
            else if (tail < 0.75) b.Append(CultureInfo.InvariantCulture, $"{rng.Next(1, 15)}组");
            else if (tail < 0.85) b.Append(CultureInfo.InvariantCulture, $"{rng.Next(1, 200)}号");
        }
        return b.ToString();
    }

    private static string Garble(Random rng)
    {
        if (rng.NextDouble() < 0.6) return Nonsense[rng.Next(Nonsense.Length)];
        var length = rng.Next(3, 12);
        var chars = new char[length];
        for (var i = 0; i < length; i++) chars[i] = (char)rng.Next(0x4E00, 0x9FA6);
        return new string(chars);
    }
}
