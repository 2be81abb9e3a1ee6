using System.Globalization;
using System.Text;
using Fangkong.Core.Accounts;
using Fangkong.Core.Identifiers;
using Fangkong.Core.Jurisdictions;
using Fangkong.Core.Orders;
using Fangkong.Core.Tabular;
using Fangkong.Core.Tasks;
using Fangkong.Data.Infrastructure;
using Fangkong.Data.Orders;
using Fangkong.Data.People;
using Fangkong.Data.Tasks;
using Fangkong.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.DependencyInjection;
using static Fangkong.Testing.CountyTestKit;

namespace Fangkong.Data.Tests.Tasks;

/// <summary>Pushed verification lists on both engines: the import rules and counts, idempotence, working a task, deadlines.</summary>
public class VerificationTests
{
    /// <summary>
    /// The board's kept counts equal a live count of the tasks (per batch, township or county, state), and the board a
    /// county or township reads from them equals the one counted directly.
    /// </summary>
    private static async Task AssertCountsMatchTheTasksAsync(TestDatabase db)
    {
        await using var ctx = await db.ContextAsync(Command);
        var live = (await ctx.VerificationTasks.Select(t => new { t.BatchId, t.Township, t.ScopeKey, t.Status, t.MissedStage, t.NextStage }).ToListAsync())
            .GroupBy(t => (t.BatchId, Scope: VerificationTask.CountScope(t.Township, t.ScopeKey), t.Status, Overdue: VerificationTask.MarkedOverdue(t.MissedStage, t.NextStage)))
            .Select(g => (g.Key.BatchId, g.Key.Scope, g.Key.Status, g.Key.Overdue, Count: g.Count()))
            .OrderBy(x => x.BatchId).ThenBy(x => x.Scope, StringComparer.Ordinal).ThenBy(x => x.Status).ThenBy(x => x.Overdue).ToList();
        var kept = (await ctx.VerificationCounts.Where(c => c.Count != 0).ToListAsync())
            .Select(c => (c.BatchId, Scope: c.ScopeKey, c.Status, c.Overdue, c.Count))
            .OrderBy(x => x.BatchId).ThenBy(x => x.Scope, StringComparer.Ordinal).ThenBy(x => x.Status).ThenBy(x => x.Overdue).ToList();
        Assert.Equal(live, kept);
        Assert.DoesNotContain(await ctx.VerificationCounts.ToListAsync(), c => c.Count < 0);
    }

    private static string Id(int sequence) => ResidentId.Compose("410105", new DateOnly(1990, 3, 4), sequence);

    private static string BadCheck(string id) => id[..17] + (id[17] == '1' ? '2' : '1');

    /// <summary>Two registered people of the demo county (plain identifiers read through the context) and their village.</summary>
    private static async Task<(string Name, string Id, string Phone, string Village)[]> RegisteredAsync(TestDatabase db)
    {
        await using var ctx = await db.ContextAsync(Command);
        var people = await ctx.People.Where(p => p.IdValid && p.Phone != null && p.ScopeKey.Length >= 12).OrderBy(p => p.Id).Take(2).ToListAsync();
        return people.Select(p => (p.Name, p.DocumentNumber!, p.Phone!, p.ScopeKey[..12])).ToArray();
    }

    private static string WriteCsv(TestDatabase db, string name, IEnumerable<string> lines, Encoding encoding)
    {
        var path = Path.Combine(db.DataDirectory, name);
        File.WriteAllText(path, string.Join("\r\n", lines) + "\r\n", encoding);
        return path;
    }

    private static Task<VerificationImportSummary> ImportAsync(TestDatabase db, string path, string? batch = null) =>
        Run(db, Command, sp => Make<VerificationImporter>(sp).ImportFileAsync(path, Path.GetFileName(path), new VerificationImportOptions(batch)));

    /// <summary>A GBK list with every kind of row the issue names, and the exact counts its rules give.</summary>
    /// <summary>The dirty list imported on 2022-11-10 09:00; the tasks of the registry rows asked for, by their place among them.</summary>
    private static async Task<VerificationTask[]> ImportedTasksAsync(TestDatabase db, params int[] rows)
    {
        SetNow(db, "2022-11-10 09:00");
        var (path, known) = await DirtyListAsync(db);
        await ImportAsync(db, path);
        await using var ctx = await db.ContextAsync(Command);
        var tasks = new VerificationTask[rows.Length];
        for (var i = 0; i < rows.Length; i++)
        {
            var name = known[rows[i]].Name;
            tasks[i] = await ctx.VerificationTasks.SingleAsync(t => t.Name == name);
        }
        return tasks;
    }

    private static async Task<(string Path, (string Name, string Id, string Phone, string Village)[] Known)> DirtyListAsync(TestDatabase db)
    {
        var known = await RegisteredAsync(db);
        var lines = new[]
        {
            "序号,姓名,身份证号,手机号,现住址,来源地,推送原因,推送时间,推送批次,核查单位",
            // 2: a registered person by ID (routed by the household, whatever the address says)
            $"1,{known[0].Name},{known[0].Id},,湖北省武汉市,上海市浦东新区,时空伴随,2022-11-10 08:00,沪协1110,公安",
            // 3: the same ID again with another phone: a duplicate in the file
            $"2,{known[0].Name},{known[0].Id},13911112222,,上海市浦东新区,时空伴随,2022-11-10 08:00,沪协1110,公安",
            // 4: a registered person by name and phone (no ID)
            $"3,{known[1].Name},,{known[1].Phone},,北京市朝阳区,密接,2022-11-10 08:00,沪协1110,电信",
            // 5: nobody: none of name, ID, phone
            "4,,,,淅川县上集镇,,,,沪协1110,",
            // 6: a new person whose ID fails its check character, routed by the address (a village with 3组)
            $"5,钱七,{BadCheck(Id(7))},13700001111,河南省南阳市淅川县上集镇上集村3组,郑州市,时空伴随,,沪协1110,",
            // 7: the same name and phone without a valid ID: a duplicate of row 6
            "6,钱七,,13700001111,上集村,郑州市,时空伴随,,沪协1110,",
            // 8: a new person in another county: back upstream
            $"7,孙八,{Id(8)},13700002222,湖北省十堰市丹江口市均州路1号,,密接,,沪协1110,",
            // 9: an address naming no township of ours: the county's routing queue
            $"8,周九,{Id(9)},,某某小区5栋,,密接,,沪协1110,",
            // 10: a township without a village (full-width spaces)
            $"9,吴十,{Id(10)},13700003333,淅川县　老城镇,,密接,,沪协1110,",
            // 11: blank line between rows is skipped, not counted
            ",,,,,,,,,",
        };
        return (WriteCsv(db, "list-1110.csv", lines, TabularFile.Gbk), known);
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task DirtyList_AsXlsx_IsCountedExactlyAsTheCsv(Engine engine)
    {
        await using var db = await TestDatabase.CreateAsync(engine);
        SetNow(db, "2022-11-10 09:00");
        var (csv, _) = await DirtyListAsync(db);
        // The same rows as a workbook, as the provincial system also sends them (text cells, one sheet).
        var rows = File.ReadAllLines(csv, TabularFile.Gbk).Select(l => l.Split(',')).ToList();
        var xlsx = Path.Combine(db.DataDirectory, "list-1110.xlsx");
        await using (var file = File.Create(xlsx))
        using (var writer = new XlsxWriter(file))
        {
            writer.AddSheet("协查名单", rows[0]);
            foreach (var row in rows.Skip(1)) writer.WriteRow(row.Select(c => c.Length == 0 ? null : (object)c).ToArray());
        }
        var s = await ImportAsync(db, xlsx);
        Assert.Equal("xlsx", s.Format);
        Assert.Equal((9, 1, 1, 2, 1, 1, 4, 1, 1, 6), (s.Rows, s.Rejected, s.IdInvalid, s.DuplicatesInFile, s.MatchedById, s.MatchedByPhone, s.NewPersons, s.OutsideCounty,
            s.Unroutable, s.TasksCreated));
        Assert.Equal(5, Assert.Single(s.FirstRejections).Row);
        Assert.Equal(["序号", "核查单位"], s.UnknownColumns);
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task DirtyList_IsCountedByTheRules_AndTheSameFileAgainChangesNothing(Engine engine)
    {
        await using var db = await TestDatabase.CreateAsync(engine);
        SetNow(db, "2022-11-10 09:00");
        var (path, known) = await DirtyListAsync(db);

        var s = await ImportAsync(db, path);
        Assert.Equal("沪协1110", s.Batch);
        Assert.Equal("csv/gbk", s.Format);
        Assert.Equal(9, s.Rows);
        Assert.Equal(1, s.Rejected);
        Assert.Equal(5, Assert.Single(s.FirstRejections).Row);
        Assert.Equal("identity.missing", s.FirstRejections[0].Code);
        // A refused row names its field: with none of the three, the identity as a whole.
        Assert.Equal(VerificationImporter.IdentityField, s.FirstRejections[0].Field);
        Assert.Equal(1, s.IdInvalid);
        Assert.Equal(2, s.DuplicatesInFile);
        Assert.Equal(0, s.AlreadyOpen);
        Assert.Equal(1, s.MatchedById);
        Assert.Equal(1, s.MatchedByPhone);
        Assert.Equal(4, s.NewPersons);
        Assert.Equal(1, s.OutsideCounty);
        Assert.Equal(1, s.Unroutable);
        Assert.Equal(6, s.TasksCreated);
        Assert.Equal(s.TasksCreated, s.OutsideCounty + s.Unroutable + s.Routed.Values.Sum());
        Assert.Equal(s.TasksCreated + s.AlreadyOpen, s.MatchedById + s.MatchedByPhone + s.NewPersons);
        Assert.Equal(["序号", "核查单位"], s.UnknownColumns);
        // The registered person goes to the township of the household; 钱七 to 上集镇 (…110), 吴十 to 老城镇 (…102).
        Assert.True(s.Routed.ContainsKey(known[0].Village[..9] + "000"));
        Assert.True(s.Routed.ContainsKey("411326102000"));
        Assert.True(s.Routed.ContainsKey("411326110000"));

        await using (var ctx = await db.ContextAsync(Command))
        {
            Assert.Equal(6, await ctx.VerificationTasks.CountAsync());
            Assert.Equal(9, await ctx.VerificationSourceRows.CountAsync());
            Assert.Equal(4, await ctx.People.CountAsync(p => p.Unregistered && p.Note == "协查推送"));
            var byId = await ctx.VerificationTasks.SingleAsync(t => t.Name == known[0].Name && t.Flags.HasFlag(VerificationFlags.MatchedById));
            Assert.Equal(known[0].Village, byId.ScopeKey);
            Assert.True(byId.Flags.HasFlag(VerificationFlags.RoutedByHousehold));
            Assert.Equal(VerificationStatus.Dispatched, byId.Status);
            Assert.Equal(VerificationStage.Team, byId.NextStage);
            Assert.Equal(byId.DispatchedAt.AddMinutes(20), byId.NextDueAt);
            Assert.Equal(2, await ctx.VerificationSourceRows.CountAsync(r => r.TaskId == byId.Id));
            var qian = await ctx.VerificationTasks.SingleAsync(t => t.Name == "钱七");
            Assert.True(qian.Flags.HasFlag(VerificationFlags.IdInvalid));
            Assert.StartsWith("411326110", qian.ScopeKey);
            Assert.Equal(VerificationStatus.Upstream, (await ctx.VerificationTasks.SingleAsync(t => t.Name == "孙八")).Status);
            var zhou = await ctx.VerificationTasks.SingleAsync(t => t.Name == "周九");
            Assert.Equal((VerificationStatus.Routing, County, (DateTime?)null), (zhou.Status, zhou.ScopeKey, zhou.NextDueAt));
            var wu = await ctx.VerificationTasks.SingleAsync(t => t.Name == "吴十");
            Assert.Equal(("411326102", true), (wu.ScopeKey, wu.Flags.HasFlag(VerificationFlags.TownshipOnly)));
            // Identifiers are encrypted at rest: the raw column holds no digits of the ID.
            Assert.DoesNotContain(known[0].Id, await RawCellsAsync(ctx));
        }

        var again = await ImportAsync(db, path);
        Assert.True(again.Reimported);
        Assert.Equal((s.Batch, s.Rows, s.Rejected, s.IdInvalid, s.DuplicatesInFile, s.AlreadyOpen, s.MatchedById, s.MatchedByPhone, s.NewPersons, s.OutsideCounty, s.Unroutable, s.TasksCreated),
            (again.Batch, again.Rows, again.Rejected, again.IdInvalid, again.DuplicatesInFile, again.AlreadyOpen, again.MatchedById, again.MatchedByPhone, again.NewPersons, again.OutsideCounty, again.Unroutable, again.TasksCreated));
        Assert.Equal(s.Routed.OrderBy(x => x.Key), again.Routed.OrderBy(x => x.Key));
        await using (var ctx = await db.ContextAsync(Command))
        {
            Assert.Equal(6, await ctx.VerificationTasks.CountAsync());
            Assert.Equal(1, await ctx.VerificationBatches.CountAsync());
        }

        // The same batch sent again as another file (UTF-8 instead of GBK, rows in another order, other row numbers):
        // recognised by its rows, nothing new, the first import's figures.
        var lines = File.ReadAllLines(path, TabularFile.Gbk);
        var reordered = WriteCsv(db, "list-1110-again.csv", [lines[0], .. lines.Skip(1).Reverse().Select(l => l.Trim(',').Length == 0 ? l : "9" + l)], new UTF8Encoding(true));
        var resent = await ImportAsync(db, reordered);
        Assert.True(resent.Reimported);
        Assert.Equal((s.Rows, s.DuplicatesInFile, s.TasksCreated), (resent.Rows, resent.DuplicatesInFile, resent.TasksCreated));
        await using (var ctx = await db.ContextAsync(Command))
        {
            Assert.Equal(6, await ctx.VerificationTasks.CountAsync());
            Assert.Equal(1, await ctx.VerificationBatches.CountAsync());
        }

        // A second batch from another source naming the same people: attached to their open tasks, nothing new.
        var second = WriteCsv(db, "list-1111.csv", ["姓名,身份证号,手机号,现住址", $"{known[0].Name},{known[0].Id},,", "钱七,,13700001111,上集村"], new UTF8Encoding(true));
        var s2 = await ImportAsync(db, second, "省协1111");
        Assert.Equal((2, 2, 0, "csv/utf-8-bom"), (s2.Rows, s2.AlreadyOpen, s2.TasksCreated, s2.Format));
        await using (var ctx = await db.ContextAsync(Command))
            Assert.Equal(6, await ctx.VerificationTasks.CountAsync());
    }

    /// <summary>
    /// A short list (here every test list) looks up only the people and open tasks its rows name; a long one reads the
    /// county's look-up keys once. Both must decide every row the same way: the dirty list and a second batch naming
    /// the same people (attached to their open tasks) give the same figures, tasks, people and source rows either way.
    /// </summary>
    [Theory, OnSqlite, OnPostgres]
    public async Task AShortList_LooksUpOnlyThePeopleItNames_AndDecidesExactlyAsReadingTheWholeRegistry(Engine engine)
    {
        async Task<List<string>> OutcomeAsync(bool readWholeRegistry)
        {
            await using var db = await TestDatabase.CreateAsync(engine);
            SetNow(db, "2022-11-10 09:00");
            if (readWholeRegistry) db.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<FangkongOptions>>().Value.Import.LookUpRowLimit = 0;
            var (path, known) = await DirtyListAsync(db);
            var second = WriteCsv(db, "list-1111.csv", ["姓名,身份证号,手机号,现住址", $"{known[0].Name},{known[0].Id},,", "钱七,,13700001111,上集村", $"{known[1].Name},{known[1].Id},,", $"郑新,{Id(11)},13700004444,淅川县老城镇"], new UTF8Encoding(true));
            var outcome = new List<string>();
            foreach (var (file, batch) in new[] { (path, (string?)null), (second, "省协1111") })
            {
                var s = await ImportAsync(db, file, batch);
                outcome.Add(string.Join(" ", s.Rows, s.Rejected, s.IdInvalid, s.DuplicatesInFile, s.AlreadyOpen, s.MatchedById, s.MatchedByPhone, s.NewPersons,
                    s.OutsideCounty, s.Unroutable, s.TasksCreated, string.Join(",", s.Routed.OrderBy(r => r.Key).Select(r => $"{r.Key}={r.Value}"))));
            }
            await using var ctx = await db.ContextAsync(Command);
            outcome.AddRange((await ctx.VerificationTasks.OrderBy(t => t.Id).Select(t => new { t.Id, t.Name, t.PersonId, t.ScopeKey, t.Status, t.Flags }).ToListAsync())
                .Select(t => $"task {t.Id} {t.Name} person {t.PersonId} {t.ScopeKey} {t.Status} {t.Flags}"));
            outcome.AddRange((await ctx.VerificationSourceRows.OrderBy(r => r.Id).Select(r => new { r.BatchId, r.RowNumber, r.TaskId, r.Disposition }).ToListAsync())
                .Select(r => $"row {r.BatchId}/{r.RowNumber} task {r.TaskId} {r.Disposition}"));
            return outcome;
        }

        var lookedUp = await OutcomeAsync(readWholeRegistry: false);
        Assert.Equal(await OutcomeAsync(readWholeRegistry: true), lookedUp);
        // The second batch: three people attached to their open tasks (by ID, by name and phone, by an ID first reached by
        // phone), one new person with a new task.
        Assert.StartsWith("4 0 0 0 3 ", lookedUp[1]);
    }

    /// <summary>
    /// A consolidated provincial list carrying three 推送批次 values (one of them blank), a person repeated across two
    /// batches and a refused row. Rows 2–9 as numbered in the comments.
    /// </summary>
    private static string[] MultiBatchRows() =>
    [
        // 2–3: 第3批; the second row was pushed earlier (the batch's push time is the earliest of its rows), its batch cell untidy
        $"甲一,{Id(31)},13700003101,淅川县上集镇上集村3组,时空伴随,2022-10-05 08:00,2022-10-05 第3批",
        $"乙二,{Id(32)},13700003102,淅川县老城镇,密接,2022-10-05 07:30, 2022-10-05　 第3批 ",
        // 4–6: 第4批: another county (upstream); 甲一 again (a duplicate in the file: the task stays 第3批's); no township and no time
        $"丙三,{Id(33)},13700003103,湖北省十堰市丹江口市均州路1号,密接,2022-10-05 10:00,第4批",
        $"甲一,{Id(31)},13911113101,,时空伴随,2022-10-05 10:00,第4批",
        $"丁四,{Id(34)},,某某小区5栋,密接,,第4批",
        // 7–8: no 推送批次: the batch named after the file (an ID failing its check; a row with no identity, refused)
        $"戊五,{BadCheck(Id(35))},13700003105,淅川县上集镇,时空伴随,,",
        ",,,淅川县上集镇,密接,,",
        // 9: 第3批 again, after the others
        $"己六,{Id(36)},13700003106,淅川县老城镇,密接,2022-10-05 08:00,2022-10-05 第3批",
    ];

    private const string MultiBatchHeader = "姓名,身份证号,手机号,现住址,推送原因,推送时间,推送批次";

    private static DateTime Beijing(string local) =>
        DateTime.SpecifyKind(DateTime.Parse(local, CultureInfo.InvariantCulture).AddHours(-8), DateTimeKind.Utc);

    private static object GlobalFigures(VerificationImportSummary s) =>
        (s.Rows, s.Rejected, s.IdInvalid, s.DuplicatesInFile, s.AlreadyOpen, s.MatchedById, s.MatchedByPhone, s.NewPersons, s.OutsideCounty, s.Unroutable,
            s.TasksCreated, string.Join(";", s.Routed.OrderBy(r => r.Key, StringComparer.Ordinal).Select(r => $"{r.Key}={r.Value}")),
            string.Join(";", s.FirstRejections.Select(r => $"{r.Row}:{r.Code}")), string.Join(";", s.UnknownColumns));

    [Theory, OnSqlite, OnPostgres]
    public async Task AListOfSeveralBatches_BecomesSeveralBatches_WithTheSameFiguresAsOne_AndAgainChangesNothing(Engine engine)
    {
        await using var db = await TestDatabase.CreateAsync(engine);
        SetNow(db, "2022-10-05 11:00");
        var path = WriteCsv(db, "multi-1005.csv", [MultiBatchHeader, .. MultiBatchRows()], TabularFile.Gbk);

        var s = await ImportAsync(db, path);
        Assert.False(s.Reimported);
        Assert.Equal((8, 1, 1, 1, 0, 6, 1, 1, 6), (s.Rows, s.Rejected, s.IdInvalid, s.DuplicatesInFile, s.AlreadyOpen, s.NewPersons, s.OutsideCounty, s.Unroutable, s.TasksCreated));
        Assert.Equal(["2022-10-05 第3批", "第4批", "multi-1005"], s.Batches.Select(b => b.Name));
        Assert.Equal("2022-10-05 第3批、第4批、multi-1005", s.Batch);
        Assert.Equal(s.Batches[0].Id, s.BatchId);
        Assert.Equal([(3, 3), (3, 2), (2, 1)], s.Batches.Select(b => (b.Rows, b.TasksCreated)));
        var (third, fourth, file) = (s.Batches[0].Id, s.Batches[1].Id, s.Batches[2].Id);

        await using (var ctx = await db.ContextAsync(Command))
        {
            var batches = await ctx.VerificationBatches.OrderBy(b => b.Id).ToListAsync();
            Assert.Equal([third, fourth, file], batches.Select(b => b.Id));
            // Pushed: the earliest time of each batch's rows (none for the rows without a batch, which carry no time).
            Assert.Equal([Beijing("2022-10-05 07:30"), Beijing("2022-10-05 10:00"), null], batches.Select(b => b.PushedAt));
            // Every batch of the file holds the file's figures and content, so any of them recognises the file.
            Assert.All(batches, b => Assert.Equal((batches[0].Summary, batches[0].ContentSha256, batches[0].FileSha256), (b.Summary, b.ContentSha256, b.FileSha256)));

            var tasks = await ctx.VerificationTasks.OrderBy(t => t.Id).ToListAsync();
            Assert.Equal([("甲一", third), ("乙二", third), ("丙三", fourth), ("丁四", fourth), ("戊五", file), ("己六", third)], tasks.Select(t => (t.Name, t.BatchId)));
            // A task without a push time of its own takes its batch's.
            Assert.Equal(Beijing("2022-10-05 10:00"), tasks.Single(t => t.Name == "丁四").PushedAt);
            Assert.Null(tasks.Single(t => t.Name == "戊五").PushedAt);
            Assert.Equal(Beijing("2022-10-05 07:30"), tasks.Single(t => t.Name == "乙二").PushedAt);

            // Every source row keeps its own batch; the repeated 甲一 (第4批) points at 第3批's task.
            var sources = await ctx.VerificationSourceRows.OrderBy(r => r.RowNumber).ToListAsync();
            Assert.Equal([third, third, fourth, fourth, fourth, file, file, third], sources.Select(r => r.BatchId));
            var repeated = sources.Single(r => r.RowNumber == 5);
            Assert.Equal((SourceRowDisposition.DuplicateInFile, tasks[0].Id), (repeated.Disposition, repeated.TaskId));
            Assert.Equal((SourceRowDisposition.Rejected, (long?)null), (sources.Single(r => r.RowNumber == 8).Disposition, sources.Single(r => r.RowNumber == 8).TaskId));

            // One audit entry per batch, each with the batch's own rows and tasks.
            var audit = await ctx.AuditEntries.Where(e => e.Action == "verification.import").OrderBy(e => e.Id).ToListAsync();
            Assert.Equal([third, fourth, file], audit.Select(e => long.Parse(e.EntityId!, CultureInfo.InvariantCulture)));
            Assert.All(audit, e => Assert.Equal("VerificationBatch", e.EntityType));
            Assert.Contains("第4批", audit[1].Changes);
        }
        await AssertCountsMatchTheTasksAsync(db);
        var board = await Run(db, Command, sp => Make<VerificationBoard>(sp).GetAsync());
        Assert.Equal([(file, 1, 1), (fourth, 2, 1), (third, 3, 3)],
            board.Batches.Where(b => b.Id == third || b.Id == fourth || b.Id == file).OrderByDescending(b => b.Id).Select(b => (b.Id, b.Total, b.Open)));
        Assert.Equal(1, board.Batches.Single(b => b.Id == fourth).ByStatus[VerificationStatus.Upstream]);
        // A batch opens its own tasks.
        var page = await Run(db, Command, sp => Make<VerificationService>(sp).SearchAsync(new VerificationQuery(null, false, fourth, false, null, 1, 50, null)));
        Assert.Equal(["丁四", "丙三"], page.Items.Select(t => t.Name).Order(StringComparer.Ordinal));

        // The same file again, and the same rows reordered in another file and encoding: nothing new, the stored figures.
        var again = await ImportAsync(db, path);
        var lines = File.ReadAllLines(path, TabularFile.Gbk);
        var resent = await ImportAsync(db, WriteCsv(db, "汇总-再次.csv", [lines[0], .. lines.Skip(1).Reverse()], new UTF8Encoding(true)));
        foreach (var r in new[] { again, resent })
        {
            Assert.True(r.Reimported);
            Assert.Equal(GlobalFigures(s), GlobalFigures(r));
            Assert.Equal((s.Batch, s.BatchId), (r.Batch, r.BatchId));
            Assert.Equal(s.Batches, r.Batches);
        }
        // Any batch of the file gives the file's figures.
        var bySecond = await Run(db, Command, sp => Make<VerificationService>(sp).BatchSummaryAsync(fourth));
        Assert.Equal(s.Batches, bySecond!.Batches);
        await using (var ctx = await db.ContextAsync(Command))
        {
            Assert.Equal((3, 6, 8), (await ctx.VerificationBatches.CountAsync(), await ctx.VerificationTasks.CountAsync(), await ctx.VerificationSourceRows.CountAsync()));
        }
        await AssertCountsMatchTheTasksAsync(db);

        // The same rows named as one batch (--batch): one batch, and exactly the same figures.
        await using var other = await TestDatabase.CreateAsync(engine);
        SetNow(other, "2022-10-05 11:00");
        var one = await ImportAsync(other, WriteCsv(other, "multi-1005.csv", [MultiBatchHeader, .. MultiBatchRows()], TabularFile.Gbk), "省协-汇总");
        Assert.Equal(GlobalFigures(s), GlobalFigures(one));
        Assert.Equal("省协-汇总", one.Batch);
        Assert.Equal((one.BatchId, 8, 6), (Assert.Single(one.Batches).Id, one.Batches[0].Rows, one.Batches[0].TasksCreated));
        await using (var ctx = await other.ContextAsync(Command))
            Assert.Equal(Beijing("2022-10-05 07:30"), (await ctx.VerificationBatches.SingleAsync()).PushedAt);
        await AssertCountsMatchTheTasksAsync(other);
    }

    /// <summary>A person's row in a later batch of the same file is a duplicate in the file (rule 3), merged into the earlier batch's task.</summary>
    [Theory, OnSqlite, OnPostgres]
    public async Task ADuplicateInALaterBatch_IsADuplicateInTheFile_AndTheTaskStaysTheFirstBatchs(Engine engine)
    {
        await using var db = await TestDatabase.CreateAsync(engine);
        SetNow(db, "2022-10-05 11:00");
        var path = WriteCsv(db, "two.csv",
        [
            MultiBatchHeader,
            // same ID across batches; same name and phone without an ID across batches
            $"庚七,{Id(37)},,淅川县上集镇,密接,,第1批",
            "辛八,,13700003108,淅川县老城镇,密接,,第1批",
            $"庚七,{Id(37)},13700003107,,密接,,第2批",
            "辛八,,13700003108,,密接,,第2批",
            $"壬九,{Id(39)},,淅川县老城镇,密接,,第2批",
        ], new UTF8Encoding(false));
        var s = await ImportAsync(db, path);
        Assert.Equal((5, 2, 3, 0), (s.Rows, s.DuplicatesInFile, s.TasksCreated, s.AlreadyOpen));
        Assert.Equal([("第1批", 2, 2), ("第2批", 3, 1)], s.Batches.Select(b => (b.Name, b.Rows, b.TasksCreated)));
        await using (var ctx = await db.ContextAsync(Command))
        {
            var tasks = await ctx.VerificationTasks.ToDictionaryAsync(t => t.Name);
            Assert.Equal((s.Batches[0].Id, s.Batches[0].Id, s.Batches[1].Id), (tasks["庚七"].BatchId, tasks["辛八"].BatchId, tasks["壬九"].BatchId));
            var later = await ctx.VerificationSourceRows.Where(r => r.BatchId == s.Batches[1].Id && r.Disposition == SourceRowDisposition.DuplicateInFile)
                .OrderBy(r => r.RowNumber).Select(r => r.TaskId).ToListAsync();
            Assert.Equal([tasks["庚七"].Id, tasks["辛八"].Id], later);
        }
        await AssertCountsMatchTheTasksAsync(db);
    }

    private static async Task<string> RawCellsAsync(FangkongDb ctx)
    {
        await using var command = ctx.Database.GetDbConnection().CreateCommand();
        await ctx.Database.OpenConnectionAsync();
        command.CommandText = "SELECT \"IdNumber\" FROM \"VerificationTasks\" WHERE \"IdNumber\" IS NOT NULL";
        var sb = new StringBuilder();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) sb.Append(Convert.ToHexString((byte[])reader[0])).Append(Encoding.Latin1.GetString((byte[])reader[0]));
        return sb.ToString();
    }

    /// <summary>A new version of the deadline profile applies to lists imported after it; tasks already dispatched keep theirs.</summary>
    [Theory, OnSqlite, OnPostgres]
    public async Task ANewDeadlineProfile_AppliesToLaterLists_AndEarlierTasksKeepTheirs(Engine engine)
    {
        await using var db = await TestDatabase.CreateAsync(engine);
        SetNow(db, "2022-11-10 09:00");
        var first = WriteCsv(db, "a.csv", ["姓名,手机号,现住址", "甲一,13700000001,淅川县上集镇上集村"], new UTF8Encoding(true));
        await ImportAsync(db, first);
        var stages = DeadlineProfile.Default.Stages.Select(s => s.Stage == VerificationStage.Team ? s with { Minutes = 45 } : s).ToList();
        var saved = await Run(db, Command, sp => Make<DeadlineProfiles>(sp).SaveAsync(stages, null, "县指挥部调整组队时限"));
        var second = WriteCsv(db, "b.csv", ["姓名,手机号,现住址", "乙二,13700000002,淅川县上集镇上集村"], new UTF8Encoding(true));
        await ImportAsync(db, second);

        await using var ctx = await db.ContextAsync(Command);
        var tasks = await ctx.VerificationTasks.OrderBy(t => t.Id).ToListAsync();
        Assert.Equal((saved - 1, saved), (tasks[0].DeadlineProfileVersion, tasks[1].DeadlineProfileVersion));
        Assert.Equal(TimeSpan.FromMinutes(20), tasks[0].NextDueAt - tasks[0].DispatchedAt);
        Assert.Equal(TimeSpan.FromMinutes(45), tasks[1].NextDueAt - tasks[1].DispatchedAt);
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task WorkingATask_TeamClearsSampleResultAndMeasure_OpensAnOrder_AndOtherTownshipsSeeNothing(Engine engine)
    {
        await using var db = await TestDatabase.CreateAsync(engine);
        SetNow(db, "2022-11-10 23:50");
        var (path, known) = await DirtyListAsync(db);
        await ImportAsync(db, path);
        var village = known[0].Village;
        var township = village[..ScopeKey.TownshipLength];
        var mine = As(Roles.TownshipTeam, township);
        var other = await Run(db, Command, async sp =>
        {
            await using var ctx = await db.ContextAsync();
            return await ctx.Nodes.Where(n => n.Level == JurisdictionLevel.Township && n.ScopeKey != township).Select(n => n.ScopeKey).FirstAsync();
        });
        Actor stranger0() => As(Roles.TownshipTeam, other);
        var page = await Run(db, mine, sp => Make<VerificationService>(sp).SearchAsync(new VerificationQuery()));
        var item = Assert.Single(page.Items, t => t.Name == known[0].Name);
        Assert.All(page.Items, t => Assert.StartsWith(township, t.ScopeKey));
        // The search box takes an ID number or a mobile number as exactly as a name; the place narrows to a village.
        VerificationService Queue(IServiceProvider sp) => Make<VerificationService>(sp);
        Assert.Equal(item.Id, Assert.Single((await Run(db, mine, sp => Queue(sp).SearchAsync(new VerificationQuery(Text: known[0].Id)))).Items).Id);
        var byPhone = await Run(db, Command, sp => Queue(sp).SearchAsync(new VerificationQuery(Text: known[1].Phone)));
        Assert.Equal(known[1].Name, Assert.Single(byPhone.Items).Name);
        Assert.Empty((await Run(db, stranger0(), sp => Queue(sp).SearchAsync(new VerificationQuery(Text: known[0].Id)))).Items);
        // The person's page lists the task that found them; another township sees none of it.
        var found = (await Run(db, Command, sp => Queue(sp).GetAsync(item.Id)))!.PersonId!.Value;
        Assert.Contains(await Run(db, mine, sp => Queue(sp).ForPersonAsync(found)), t => t.Id == item.Id);
        Assert.Empty(await Run(db, stranger0(), sp => Queue(sp).ForPersonAsync(found)));
        var inVillage = await Run(db, mine, sp => Queue(sp).SearchAsync(new VerificationQuery(Place: village)));
        Assert.Contains(inVillage.Items, t => t.Id == item.Id);
        Assert.All(inVillage.Items, t => Assert.StartsWith(village, t.ScopeKey));
        var county = await Run(db, Command, sp => Queue(sp).SearchAsync(new VerificationQuery(Place: township, PageSize: 200)));
        Assert.Equal(page.Total, county.Total);
        Assert.True((await Run(db, Command, sp => Queue(sp).SearchAsync(new VerificationQuery(PageSize: 200)))).Total > county.Total);
        // Dispatched 23:50 Beijing time: the team is due at 00:10 the next day.
        var detail = await Run(db, mine, sp => Make<VerificationService>(sp).GetAsync(item.Id));
        var zone = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");
        Assert.Equal(new DateTime(2022, 11, 11, 0, 10, 0), VerificationClock.Local(detail!.Clocks[0].DueAt, zone));
        Assert.Equal(new DateTime(2022, 11, 11, 7, 50, 0), VerificationClock.Local(detail.Clocks[3].DueAt, zone));

        var stranger = stranger0();
        // The import's figures are the county's (rows routed to every township): the county reads them, a township does not.
        var batchId = (await Run(db, Command, sp => Make<VerificationService>(sp).GetAsync(item.Id)))!.Task.BatchId;
        Assert.NotNull(await Run(db, Command, sp => Make<VerificationService>(sp).BatchSummaryAsync(batchId)));
        Assert.Null(await Run(db, mine, sp => Make<VerificationService>(sp).BatchSummaryAsync(batchId)));
        Assert.Null(await Run(db, stranger, sp => Make<VerificationService>(sp).GetAsync(item.Id)));
        Assert.False(await Run(db, stranger, sp => Make<VerificationService>(sp).NameTeamAsync(item.Id, [new("cadre", "张干部", null), new("police", "李警官", null), new("health-worker", "王医生", null)])));

        var missing = await Assert.ThrowsAsync<ValidationFailedException>(() => Run(db, mine, sp => Make<VerificationService>(sp).NameTeamAsync(item.Id, [new("cadre", "张干部", null)])));
        Assert.Contains(missing.Errors, e => e.Field == "members" && e.Code == "team.member-missing:police");
        // Errors name the member as sent: the second member's blank name, the third's unknown role.
        var blank = await Assert.ThrowsAsync<ValidationFailedException>(() => Run(db, mine, sp => Make<VerificationService>(sp).NameTeamAsync(item.Id, [new("cadre", "张干部", null), new("police", " ", null), new("health-worker", "王医生", null), new("driver", "赵师傅", null)])));
        Assert.Contains(blank.Errors, e => e.Field == "members[1].name");
        Assert.Contains(blank.Errors, e => e.Field == "members[3].role" && e.Code == "team.role-unknown:driver");
        await Assert.ThrowsAsync<ConflictException>(() => Run(db, mine, sp => Make<VerificationService>(sp).VerifyAsync(item.Id, new VerifyInput(true, true, true, true, VerificationOutcome.FoundInCounty, null))));

        SetNow(db, "2022-11-11 00:05");
        Assert.True(await Run(db, mine, sp => Make<VerificationService>(sp).NameTeamAsync(item.Id, [new("cadre", "张干部", "13800001111"), new("police", "李警官", null), new("health-worker", "王医生", null)])));
        // An outcome nobody chose (the page's select left on its empty option) is refused on its field.
        var noOutcome = await Assert.ThrowsAsync<ValidationFailedException>(() => Run(db, mine, sp => Make<VerificationService>(sp).VerifyAsync(item.Id, new VerifyInput(true, true, true, true, VerificationOutcome.None, null))));
        Assert.Contains(new Fangkong.Core.People.FieldError("outcome", "required"), noOutcome.Errors);
        var notFound = await Assert.ThrowsAsync<ValidationFailedException>(() => Run(db, mine, sp => Make<VerificationService>(sp).VerifyAsync(item.Id, new VerifyInput(true, false, false, false, VerificationOutcome.NotFound, null))));
        Assert.Contains(notFound.Errors, e => e.Code == "verification.tried-required");
        Assert.True(await Run(db, mine, sp => Make<VerificationService>(sp).VerifyAsync(item.Id, new VerifyInput(true, true, true, true, VerificationOutcome.FoundInCounty, "在家"))));
        // A sample dated before the task reached the unit (which would show the 3-hour stage as met) is refused.
        var backdated = await Assert.ThrowsAsync<ValidationFailedException>(() => Run(db, mine, sp => Make<VerificationService>(sp).SampleAsync(item.Id, new DateTime(2001, 1, 1, 0, 0, 0, DateTimeKind.Utc))));
        Assert.Contains(backdated.Errors, e => (e.Field, e.Code) == ("at", "date.before-dispatch"));
        Assert.True(await Run(db, mine, sp => Make<VerificationService>(sp).SampleAsync(item.Id)));
        // Closing early is refused, naming only the steps still to do (the team, the check and the sample are done).
        var early = await Assert.ThrowsAsync<ConflictException>(() => Run(db, mine, sp => Make<VerificationService>(sp).CloseAsync(item.Id, new CloseInput("close-contact", null, null), Make<OrderService>(sp))));
        Assert.Equal(("verification.not-ready", "result"), (early.Code, early.Detail));
        // A result nobody chose (the page's select left on its empty option) is refused as such, and nothing is recorded.
        foreach (var none in new[] { null, "", "  " })
        {
            var unchosen = await Assert.ThrowsAsync<ValidationFailedException>(() => Run(db, mine, sp => Make<VerificationService>(sp).ResultAsync(item.Id, none)));
            Assert.Equal(new Fangkong.Core.People.FieldError("result", "result.required"), Assert.Single(unchosen.Errors));
        }
        var unresulted = (await Run(db, mine, sp => Make<VerificationService>(sp).GetAsync(item.Id)))!;
        Assert.Equal((null, null, VerificationStatus.Sampled), (unresulted.Result, unresulted.ResultAt, unresulted.Task.Status));
        Assert.True(await Run(db, mine, sp => Make<VerificationService>(sp).ResultAsync(item.Id, "negative")));
        // A measure nobody chose is refused on its field, and the task stays open.
        foreach (var none in new[] { null, "", " " })
        {
            var unchosen = await Assert.ThrowsAsync<ValidationFailedException>(() => Run(db, mine, sp => Make<VerificationService>(sp).CloseAsync(item.Id, new CloseInput(none, null, null), Make<OrderService>(sp))));
            Assert.Equal(new Fangkong.Core.People.FieldError("measure", "required"), Assert.Single(unchosen.Errors));
        }
        Assert.Equal(VerificationStatus.Resulted, (await Run(db, mine, sp => Make<VerificationService>(sp).GetAsync(item.Id)))!.Task.Status);
        Assert.True(await Run(db, mine, sp => Make<VerificationService>(sp).CloseAsync(item.Id, new CloseInput("close-contact", new DateOnly(2022, 11, 9), "时空伴随判定"), Make<OrderService>(sp))));

        detail = await Run(db, mine, sp => Make<VerificationService>(sp).GetAsync(item.Id));
        Assert.Equal(VerificationStatus.Closed, detail!.Task.Status);
        Assert.Equal(3, detail.Team.Count);
        Assert.NotNull(detail.OrderId);
        var order = await Run(db, Command, sp => Make<OrderService>(sp).GetAsync(detail.OrderId!.Value));
        Assert.Equal(OrderStatus.Active, order!.Order.Status);
        Assert.StartsWith("cn-20-measures#close-contact", order.Order.RuleReference);
        // The team's sample of 11-11 (and its negative result) is the order's test of that day, recorded under the task.
        var carried = Assert.Single(order.Tests, t => t.Date == new DateOnly(2022, 11, 11));
        Assert.Equal(TestStatus.Negative, carried.Status);
        await using (var audit = await db.ContextAsync(Command))
            Assert.True(await audit.AuditEntries.AnyAsync(e => e.Rule == $"verification#{item.Id}" && e.Reason == $"test day {carried.Day}: negative"));

        // Every step is in the audit trail with the deadline rule it answered.
        await using var ctx = await db.ContextAsync(Command);
        var rules = await ctx.AuditEntries.Where(e => e.EntityType == "VerificationTask" && e.EntityId == item.Id.ToString(CultureInfo.InvariantCulture)).Select(e => e.Rule).ToListAsync();
        Assert.Contains("deadline#team", rules);
        Assert.Contains("deadline#verify", rules);
        Assert.True(rules.Any(r => r != null && r.StartsWith("deadline#close; order#", StringComparison.Ordinal)), string.Join(" / ", rules));
        await AssertCountsMatchTheTasksAsync(db);
        var board = await Run(db, mine, sp => Make<VerificationBoard>(sp).GetAsync());
        Assert.Equal(1, Assert.Single(board.Townships).Closed);
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task ReturnAndTransfer_MoveTheTask_AndTheCountyRoutesItsQueue(Engine engine)
    {
        await using var db = await TestDatabase.CreateAsync(engine);
        SetNow(db, "2022-11-10 09:00");
        var (path, known) = await DirtyListAsync(db);
        await ImportAsync(db, path);
        await using var ctx0 = await db.ContextAsync(Command);
        var qian = await ctx0.VerificationTasks.SingleAsync(t => t.Name == "钱七");
        var zhou = await ctx0.VerificationTasks.SingleAsync(t => t.Name == "周九");
        var township = qian.ScopeKey[..9];
        var mine = As(Roles.TownshipTeam, township);

        await Assert.ThrowsAsync<ValidationFailedException>(() => Run(db, mine, sp => Make<VerificationService>(sp).ReturnAsync(qian.Id, " ")));
        Assert.True(await Run(db, mine, sp => Make<VerificationService>(sp).ReturnAsync(qian.Id, "地址不在本镇")));
        Assert.Null(await Run(db, mine, sp => Make<VerificationService>(sp).GetAsync(qian.Id)));
        var back = await Run(db, Command, sp => Make<VerificationService>(sp).GetAsync(qian.Id));
        Assert.Equal((VerificationStatus.Routing, County, "地址不在本镇"), (back!.Task.Status, back.Task.ScopeKey, back.ReturnReason));

        // The county routes both from its queue; a township cannot.
        await Assert.ThrowsAsync<ForbiddenException>(() => Run(db, mine, sp => Make<VerificationService>(sp).RouteAsync(zhou.Id, "411326110")));
        SetNow(db, "2022-11-10 10:00");
        Assert.True(await Run(db, Command, sp => Make<VerificationService>(sp).RouteAsync(zhou.Id, "411326110")));
        var routed = await Run(db, Command, sp => Make<VerificationService>(sp).GetAsync(zhou.Id));
        Assert.Equal((VerificationStatus.Dispatched, "411326110"), (routed!.Task.Status, routed.Task.ScopeKey));
        Assert.Equal(routed.Task.DispatchedAt.AddMinutes(20), routed.Task.NextDueAt);
        await Assert.ThrowsAsync<ValidationFailedException>(() => Run(db, Command, sp => Make<VerificationService>(sp).RouteAsync(qian.Id, "999999999")));

        // Moving a task inside its own township (to a village and back) never restarts its clocks, and a task is not
        // "transferred" to the unit holding it.
        var laocheng = As(Roles.TownshipTeam, "411326110");
        string laochengVillage;
        await using (var ctx = await db.ContextAsync())
            laochengVillage = await ctx.Nodes.Where(n => n.Level == JurisdictionLevel.Village && n.ScopeKey.StartsWith("411326110")).OrderBy(n => n.ScopeKey).Select(n => n.ScopeKey).FirstAsync();
        await Assert.ThrowsAsync<ValidationFailedException>(() => Run(db, laocheng, sp => Make<VerificationService>(sp).TransferAsync(zhou.Id, "411326110", "再派一次")));
        SetNow(db, "2022-11-10 10:15");
        Assert.True(await Run(db, laocheng, sp => Make<VerificationService>(sp).TransferAsync(zhou.Id, laochengVillage, "交村核查")));
        var inVillage = (await Run(db, Command, sp => Make<VerificationService>(sp).GetAsync(zhou.Id)))!.Task;
        Assert.Equal((laochengVillage, routed.Task.DispatchedAt, routed.Task.NextDueAt), (inVillage.ScopeKey, inVillage.DispatchedAt, inVillage.NextDueAt));
        Assert.True(await Run(db, As(Roles.VillageCadre, laochengVillage), sp => Make<VerificationService>(sp).TransferAsync(zhou.Id, "411326110", "不在本村")));
        Assert.Equal(routed.Task.NextDueAt, (await Run(db, Command, sp => Make<VerificationService>(sp).GetAsync(zhou.Id)))!.Task.NextDueAt);

        // 上集镇 hands 周九 over to 老城镇: another township, whose clocks start now.
        Assert.True(await Run(db, laocheng, sp => Make<VerificationService>(sp).TransferAsync(zhou.Id, "411326102", "本人住上集镇")));
        Assert.Null(await Run(db, laocheng, sp => Make<VerificationService>(sp).GetAsync(zhou.Id)));
        Assert.NotNull(await Run(db, As(Roles.TownshipTeam, "411326102"), sp => Make<VerificationService>(sp).GetAsync(zhou.Id)));
        await AssertCountsMatchTheTasksAsync(db);

        // A village's board is counted directly from its tasks and agrees with the township's kept counts for it.
        var village = await Run(db, As(Roles.VillageCadre, known[0].Village), sp => Make<VerificationBoard>(sp).GetAsync());
        await using (var ctx = await db.ContextAsync(Command))
            Assert.Equal(await ctx.VerificationTasks.CountAsync(t => t.ScopeKey.StartsWith(known[0].Village)), village.Total);

        // 周九 was new to the registry (no household said where he lives): he went with the task, and 上集镇 closes it
        // with a measure; the order is kept by 上集镇 and the person is on its lists.
        var shangji = As(Roles.TownshipTeam, "411326102");
        var zhouOrder = await WorkToCloseAsync(db, shangji, zhou.Id, "close-contact");
        Assert.StartsWith("411326102", zhouOrder.ScopeKey);
        Assert.NotNull(await Run(db, shangji, sp => Make<PeopleService>(sp).GetAsync(zhou.PersonId!.Value)));
        Assert.Null(await Run(db, laocheng, sp => Make<PeopleService>(sp).GetAsync(zhou.PersonId!.Value)));

        // A registered person's task handed to another township: the registry keeps her where she lives; the order
        // opened by the task is kept by the township that found her.
        var registered = await ctx0.VerificationTasks.SingleAsync(t => t.Name == known[0].Name);
        var home = registered.ScopeKey[..ScopeKey.TownshipLength];
        var elsewhere = home == "411326102" ? "411326110" : "411326102";
        Assert.True(await Run(db, As(Roles.TownshipTeam, home), sp => Make<VerificationService>(sp).TransferAsync(registered.Id, elsewhere, "本人在该镇务工")));
        var foundThere = As(Roles.TownshipTeam, elsewhere);
        var herOrder = await WorkToCloseAsync(db, foundThere, registered.Id, "close-contact");
        Assert.StartsWith(elsewhere, herOrder.ScopeKey);
        Assert.NotNull(await Run(db, foundThere, sp => Make<OrderService>(sp).GetAsync(herOrder.Id)));
        Assert.Equal(registered.Name, herOrder.PersonName); // named, though the registry keeps her in another township
        // Her own township reads her as under measure: the status is the person's, whichever unit keeps the order.
        Assert.Equal(ControlStatus.UnderMeasure, await Run(db, As(Roles.TownshipTeam, home), sp => Make<OrderService>(sp).ControlStatusAsync(registered.PersonId!.Value)));
        await using (var ctx = await db.ContextAsync(Command))
            Assert.StartsWith(home, (await ctx.People.SingleAsync(p => p.Id == registered.PersonId)).ScopeKey);

        // A measure the rules in force do not manage is refused and leaves the task open, with no order behind it.
        var wu = await ctx0.VerificationTasks.SingleAsync(t => t.Name == "吴十");
        var wuUnit = As(Roles.TownshipTeam, wu.ScopeKey[..ScopeKey.TownshipLength]);
        var refused = await Assert.ThrowsAsync<ValidationFailedException>(() => WorkToCloseAsync(db, wuUnit, wu.Id, "no-such-reason"));
        Assert.Contains(refused.Errors, e => e.Code == "rules.not-managed");
        Assert.NotEqual(VerificationStatus.Closed, (await Run(db, wuUnit, sp => Make<VerificationService>(sp).GetAsync(wu.Id)))!.Task.Status);
        await using (var ctx = await db.ContextAsync(Command))
            Assert.Equal(0, await ctx.Orders.CountAsync(o => o.PersonId == wu.PersonId));
        await AssertCountsMatchTheTasksAsync(db);
    }

    /// <summary>
    /// The record of a closed task names who did each stage and who corrected it, read from the task's audit trail even
    /// where that trail is out of the reader's own reach (a team the township named before it handed the task to a
    /// village), and the rule the measure was decided under; a stage not done names nobody.
    /// </summary>
    [Theory, OnSqlite, OnPostgres]
    public async Task AClosedTask_NamesWhoDidEachStage_WhereverItStood_AndTheRuleOfItsMeasure(Engine engine)
    {
        await using var db = await TestDatabase.CreateAsync(engine);
        var task = (await ImportedTasksAsync(db, 0))[0];
        Assert.Equal(ScopeKey.VillageLength, task.ScopeKey.Length); // routed by the household, to the village
        var village = task.ScopeKey;
        var township = village[..ScopeKey.TownshipLength];
        var team = As(Roles.TownshipTeam, township);
        var cadre = As(Roles.VillageCadre, village);
        VerificationService Service(IServiceProvider sp) => Make<VerificationService>(sp);

        // The township takes the task up, names the team, and hands it to the village (the clocks go on).
        Assert.True(await Run(db, team, sp => Service(sp).TransferAsync(task.Id, township, "专班先组队")));
        Assert.True(await Run(db, team, sp => Service(sp).NameTeamAsync(task.Id, [new("cadre", "张干部", "13800001111"), new("police", "李警官", null), new("health-worker", "王医生", null)])));
        Assert.True(await Run(db, team, sp => Service(sp).TransferAsync(task.Id, village, "交村核查")));
        var named = (await Run(db, cadre, sp => Service(sp).GetAsync(task.Id)))!;
        Assert.Equal((team.Name, (string?)null), (named.Clocks[0].DoneBy, named.Clocks[0].ChangedBy));
        Assert.All(named.Clocks.Skip(1), c => Assert.Null(c.DoneBy));
        // The village cannot read the township's entry itself: the record is the task's, not the reader's trail.
        await using (var ctx = await db.ContextAsync(cadre))
            Assert.False(await ctx.AuditEntries.AnyAsync(e => e.EntityId == task.Id.ToString(CultureInfo.InvariantCulture) && e.Rule == "deadline#team"));

        // The village corrects the team and records the four clears; the township samples, records the result, closes.
        SetNow(db, "2022-11-10 09:30");
        Assert.True(await Run(db, cadre, sp => Service(sp).NameTeamAsync(task.Id, [new("cadre", "赵村医", null), new("police", "李警官", null), new("health-worker", "王医生", null)])));
        Assert.True(await Run(db, cadre, sp => Service(sp).VerifyAsync(task.Id, new VerifyInput(true, true, true, false, VerificationOutcome.FoundInCounty, "在家"))));
        Assert.True(await Run(db, team, sp => Service(sp).SampleAsync(task.Id)));
        Assert.True(await Run(db, team, sp => Service(sp).ResultAsync(task.Id, "negative")));
        Assert.True(await Run(db, team, sp => Service(sp).CloseAsync(task.Id, new CloseInput("close-contact", new DateOnly(2022, 11, 9), "同乘一车"), Make<OrderService>(sp))));

        var closed = (await Run(db, cadre, sp => Service(sp).GetAsync(task.Id)))!;
        Assert.Equal(VerificationStatus.Closed, closed.Task.Status);
        (VerificationStage, string?, string?)[] authors =
            [
                (VerificationStage.Team, team.Name, cadre.Name),
                (VerificationStage.Verify, cadre.Name, null),
                (VerificationStage.Sample, team.Name, null),
                (VerificationStage.Result, team.Name, null),
                (VerificationStage.Close, team.Name, null),
            ];
        Assert.Equal(authors, closed.Clocks.Select(c => (c.Stage, c.DoneBy, c.ChangedBy)));
        Assert.All(closed.Clocks, c => Assert.NotNull(c.DoneAt));
        Assert.NotNull(closed.Clocks[0].ChangedAt);
        Assert.Equal("赵村医", closed.Team[0].Name);
        // The measure's rule, as the order it opened keeps it: the reference, the pack's version and the basis.
        var rule = Assert.IsType<MeasureRule>(closed.MeasureRule);
        Assert.EndsWith("#close-contact", rule.Reference); // the pack in force that day
        Assert.True(rule.PackVersion > 0);
        Assert.False(string.IsNullOrWhiteSpace(rule.Basis));
        var order = (await Run(db, team, sp => Make<OrderService>(sp).GetAsync(closed.OrderId!.Value)))!;
        Assert.Equal((order.Order.RuleReference, order.Basis), (rule.Reference, rule.Basis));
        // Another township still sees nothing of it.
        var other = township == "411326102" ? "411326110" : "411326102";
        Assert.Null(await Run(db, As(Roles.TownshipTeam, other), sp => Service(sp).GetAsync(task.Id)));
    }

    /// <summary>
    /// A positive result keeps the Ct values the lab reported (ORF1ab, N: optional, 0–45, one decimal), each refused
    /// out of range on its own field, and none with a negative; the closing note is kept with the task whatever the
    /// measure, "none" included.
    /// </summary>
    [Theory, OnSqlite, OnPostgres]
    public async Task APositiveResult_KeepsItsCtValues_AndTheClosingNote_IsKeptWithMeasureNone(Engine engine)
    {
        await using var db = await TestDatabase.CreateAsync(engine);
        var tasks = await ImportedTasksAsync(db, 0, 1);
        var (first, second) = (tasks[0], tasks[1]);
        VerificationService Service(IServiceProvider sp) => Make<VerificationService>(sp);
        async Task<Actor> SampledAsync(VerificationTask task)
        {
            var unit = As(Roles.TownshipTeam, task.ScopeKey[..ScopeKey.TownshipLength]);
            Assert.True(await Run(db, unit, sp => Service(sp).NameTeamAsync(task.Id, [new("cadre", "张干部", null), new("police", "李警官", null), new("health-worker", "王医生", null)])));
            Assert.True(await Run(db, unit, sp => Service(sp).VerifyAsync(task.Id, new VerifyInput(true, true, true, true, VerificationOutcome.FoundInCounty, "在家"))));
            Assert.True(await Run(db, unit, sp => Service(sp).SampleAsync(task.Id)));
            return unit;
        }
        var unit = await SampledAsync(first);

        // Out of range or with two decimals: refused on the field named, nothing recorded.
        foreach (var (orf, n, errors) in new (decimal?, decimal?, (string, string)[])[]
                 {
                     (45.1m, null, [("orf1abCt", "verification.orf1ab-ct-range")]),
                     (null, -0.5m, [("nCt", "verification.n-ct-range")]),
                     (28.55m, 46m, [("orf1abCt", "verification.orf1ab-ct-range"), ("nCt", "verification.n-ct-range")]),
                 })
        {
            var refused = await Assert.ThrowsAsync<ValidationFailedException>(() => Run(db, unit, sp => Service(sp).ResultAsync(first.Id, new ResultInput("positive", orf, n))));
            Assert.Equal(errors, refused.Errors.Select(e => (e.Field, e.Code)));
        }
        // A negative carries no Ct.
        var negativeWithCt = await Assert.ThrowsAsync<ValidationFailedException>(() => Run(db, unit, sp => Service(sp).ResultAsync(first.Id, new ResultInput("negative", 36.0m, null))));
        Assert.Equal(("orf1abCt", "verification.ct-positive-only"), (Assert.Single(negativeWithCt.Errors).Field, negativeWithCt.Errors[0].Code));
        var nothing = (await Run(db, unit, sp => Service(sp).GetAsync(first.Id)))!;
        Assert.Equal((null, null, null), (nothing.Result, nothing.Orf1abCt, nothing.NCt));

        // The edges are values: 0 and 45.
        Assert.True(await Run(db, unit, sp => Service(sp).ResultAsync(first.Id, new ResultInput("positive", 0m, 45m))));
        Assert.True(await Run(db, unit, sp => Service(sp).ResultAsync(first.Id, new ResultInput("positive", 28.5m, 30.1m))));
        var positive = (await Run(db, unit, sp => Service(sp).GetAsync(first.Id)))!;
        Assert.Equal(("positive", 28.5m, 30.1m), (positive.Result, positive.Orf1abCt, positive.NCt));
        // Recorded again, the result replaces both values (a Ct left out is no longer stated).
        Assert.True(await Run(db, unit, sp => Service(sp).ResultAsync(first.Id, new ResultInput("positive", 27.9m, null))));
        positive = (await Run(db, unit, sp => Service(sp).GetAsync(first.Id)))!;
        Assert.Equal(("positive", 27.9m, (decimal?)null), (positive.Result, positive.Orf1abCt, positive.NCt));
        // Read through the model as stored (one decimal on both engines).
        await using (var ctx = await db.ContextAsync(Command))
            Assert.Equal(27.9m, await ctx.VerificationTasks.Where(t => t.Id == first.Id).Select(t => t.Orf1abCt).SingleAsync());

        // A note too long is refused; closed with no measure, the note is kept with the task (and no order opened).
        var other = await SampledAsync(second);
        Assert.True(await Run(db, other, sp => Service(sp).ResultAsync(second.Id, "negative")));
        var tooLong = await Assert.ThrowsAsync<ValidationFailedException>(() => Run(db, other, sp => Service(sp).CloseAsync(second.Id, new CloseInput("none", null, new string('注', 501)), Make<OrderService>(sp))));
        Assert.Equal(("note", "field.too-long"), (Assert.Single(tooLong.Errors).Field, tooLong.Errors[0].Code));
        Assert.True(await Run(db, other, sp => Service(sp).CloseAsync(second.Id, new CloseInput("none", null, "  阴性 已解除关注  "), Make<OrderService>(sp))));
        var closed = (await Run(db, other, sp => Service(sp).GetAsync(second.Id)))!;
        Assert.Equal((VerificationStatus.Closed, "none", "阴性 已解除关注", (long?)null, (decimal?)null),
            (closed.Task.Status, closed.Measure, closed.CloseNote, closed.OrderId, closed.Orf1abCt));
        // A measure that opens an order keeps the note on the task too, a note of the full 500 characters included (the
        // audit reasons that quote it are cut to their column, not refused by PostgreSQL).
        var fullNote = "同住家属" + new string('。', 496);
        Assert.True(await Run(db, unit, sp => Service(sp).CloseAsync(first.Id, new CloseInput("close-contact", new DateOnly(2022, 11, 9), fullNote), Make<OrderService>(sp))));
        var ordered = (await Run(db, unit, sp => Service(sp).GetAsync(first.Id)))!;
        Assert.Equal(("close-contact", fullNote, 27.9m), (ordered.Measure, ordered.CloseNote, ordered.Orf1abCt));
        Assert.NotNull(ordered.OrderId);
        await using (var ctx = await db.ContextAsync(Command))
        {
            var reasons = await ctx.AuditEntries.Where(e => e.Reason != null && e.Reason.Length >= 400).Select(e => e.Reason!).ToListAsync();
            Assert.Contains(reasons, r => r.Length == Core.Audit.AuditEntry.ReasonMaxLength && r.EndsWith('…') && r.Contains("同住家属", StringComparison.Ordinal));
        }
    }

    /// <summary>
    /// The task shows team phones masked (page and API); a correction that sends a mask back keeps the stored number for
    /// the same member, stands for no number under a new name, and is refused where nothing is stored.
    /// </summary>
    [Theory, OnSqlite, OnPostgres]
    public async Task ATeamCorrection_SendingTheMaskBack_KeepsTheStoredPhone_OnlyForTheSameMember(Engine engine)
    {
        await using var db = await TestDatabase.CreateAsync(engine);
        var task = (await ImportedTasksAsync(db, 0))[0];
        var unit = As(Roles.TownshipTeam, task.ScopeKey[..ScopeKey.TownshipLength]);
        VerificationService Service(IServiceProvider sp) => Make<VerificationService>(sp);
        Assert.True(await Run(db, unit, sp => Service(sp).NameTeamAsync(task.Id, [new("cadre", "张干部", "13800001234"), new("police", "李警官", "13900005678"), new("health-worker", "王医生", null)])));
        // Corrected: the cadre's mask comes back unchanged (kept); the police officer is replaced, the old mask left in
        // the box (no number for the new one); the doctor's phone is typed.
        Assert.True(await Run(db, unit, sp => Service(sp).NameTeamAsync(task.Id, [new("cadre", "张干部", "138****1234"), new("police", "赵警官", "139****5678"), new("health-worker", "王医生", "13700009999")])));
        await using (var ctx = await db.ContextAsync(Command))
        {
            var team = VerificationService.ParseTeam(await ctx.VerificationTasks.Where(t => t.Id == task.Id).Select(t => t.Team).SingleAsync());
            Assert.Equal([("cadre", "张干部", (string?)"13800001234"), ("police", "赵警官", null), ("health-worker", "王医生", "13700009999")],
                team.Select(m => (m.Role, m.Name, m.Phone)).ToList());
        }
        // A mask with nothing stored behind it is no number: refused on that member's phone.
        var refused = await Assert.ThrowsAsync<ValidationFailedException>(() => Run(db, unit, sp => Service(sp).NameTeamAsync(task.Id, [new("cadre", "张干部", "138****1234"), new("police", "赵警官", "139****5678"), new("health-worker", "王医生", "137****9999")])));
        Assert.Equal(("members[1].phone", "phone.invalid"), (Assert.Single(refused.Errors).Field, refused.Errors[0].Code));
    }

    /// <summary>Names the team, records the four clears, the sample and a negative result, and closes with a measure.</summary>
    private static async Task<OrderListItem> WorkToCloseAsync(TestDatabase db, Actor unit, long taskId, string measure)
    {
        var detail = await Run(db, unit, sp => Make<VerificationService>(sp).GetAsync(taskId));
        if (detail!.Team.Count == 0)
        {
            Assert.True(await Run(db, unit, sp => Make<VerificationService>(sp).NameTeamAsync(taskId, [new("cadre", "张干部", null), new("police", "李警官", null), new("health-worker", "王医生", null)])));
            Assert.True(await Run(db, unit, sp => Make<VerificationService>(sp).VerifyAsync(taskId, new VerifyInput(true, true, true, true, VerificationOutcome.FoundInCounty, "在家"))));
            Assert.True(await Run(db, unit, sp => Make<VerificationService>(sp).SampleAsync(taskId)));
            Assert.True(await Run(db, unit, sp => Make<VerificationService>(sp).ResultAsync(taskId, "negative")));
        }
        Assert.True(await Run(db, unit, sp => Make<VerificationService>(sp).CloseAsync(taskId, new CloseInput(measure, null, "协查判定"), Make<OrderService>(sp))));
        var closed = await Run(db, unit, sp => Make<VerificationService>(sp).GetAsync(taskId));
        Assert.Equal(VerificationStatus.Closed, closed!.Task.Status);
        var order = await Run(db, unit, sp => Make<OrderService>(sp).GetAsync(closed.OrderId!.Value));
        return order!.Order;
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task MissedDeadlines_AreRecordedOnce_AndEscalate_EvenWithTwoSweepersAtOnce(Engine engine)
    {
        await using var db = await TestDatabase.CreateAsync(engine);
        SetNow(db, "2022-11-10 09:00");
        var (path, known) = await DirtyListAsync(db);
        await ImportAsync(db, path);
        var system = new Actor("system", "sweep", JurisdictionScope.Of(County, County), new HashSet<string>(Permissions.All));

        async Task<VerificationSweepResult[]> SweepTwiceAtOnce(string at)
        {
            SetNow(db, at);
            var now = db.Services.GetRequiredService<ExerciseClock>().GetUtcNow().UtcDateTime;
            return await Task.WhenAll(
                Run(db, system, sp => Make<VerificationSweeper>(sp).SweepAsync(County, now, "node-a")),
                Run(db, system, sp => Make<VerificationSweeper>(sp).SweepAsync(County, now, "node-b")));
        }

        // 09:15: nothing due yet.
        Assert.All(await SweepTwiceAtOnce("2022-11-10 09:15"), r => Assert.Equal(0, r.Missed));
        // 09:21, before any sweep: the board counts the four past-due tasks live; after the sweep, from the kept counts.
        SetNow(db, "2022-11-10 09:21");
        Assert.Equal(4, (await Run(db, Command, sp => Make<VerificationBoard>(sp).GetAsync())).Overdue);
        // 09:21: the four dispatched tasks (not the routing queue, not upstream) missed the 20-minute team deadline.
        var first = await SweepTwiceAtOnce("2022-11-10 09:21");
        Assert.Equal(4, first.Sum(r => r.Missed));
        // Again at 09:30 (sequentially, both nodes): nothing new.
        Assert.Equal(0, (await SweepTwiceAtOnce("2022-11-10 09:30")).Sum(r => r.Missed + r.Escalated));
        // 09:52: 30 minutes on, still no team: escalated to the township lead, once.
        Assert.Equal(4, (await SweepTwiceAtOnce("2022-11-10 09:52")).Sum(r => r.Escalated));
        Assert.Equal(4, (await SweepTwiceAtOnce("2022-11-10 10:23")).Sum(r => r.Escalated));
        Assert.Equal(0, (await SweepTwiceAtOnce("2022-11-10 11:30")).Sum(r => r.Escalated));

        await using var ctx = await db.ContextAsync(Command);
        var misses = await ctx.VerificationMisses.ToListAsync();
        Assert.Equal(12, misses.Count);
        Assert.Equal(4, misses.Count(m => m.Level == 0 && m.Stage == VerificationStage.Team));
        Assert.Equal(4, misses.Count(m => m.Level == 2));
        // Recorded against the unit responsible.
        var task = await ctx.VerificationTasks.SingleAsync(t => t.Name == known[0].Name);
        Assert.All(misses.Where(m => m.TaskId == task.Id), m => Assert.Equal(known[0].Village, m.ScopeKey));
        Assert.Equal(2, task.EscalationLevel);
        // The township sees the misses of its villages on its board.
        var board = await Run(db, As(Roles.TownshipTeam, known[0].Village[..9]), sp => Make<VerificationBoard>(sp).GetAsync());
        Assert.True(board.Overdue >= 1);
        Assert.All(board.Townships, t => Assert.Equal(known[0].Village[..9], t.Township));
        var county = await Run(db, Command, sp => Make<VerificationBoard>(sp).GetAsync());
        Assert.Equal((6, 5, 1, 1), (county.Total, county.Open, county.Routing, county.Upstream));
        Assert.Equal(4, county.Overdue);
        await AssertCountsMatchTheTasksAsync(db);
        // Accountability: the county sees the misses per township, the township per village, another township nothing.
        var byTownship = await Run(db, Command, sp => Make<VerificationBoard>(sp).MissesByUnitAsync());
        Assert.Equal(4, byTownship.Sum(u => u.Total));
        Assert.Equal(4, byTownship.Sum(u => u.ByStage.GetValueOrDefault(VerificationStage.Team)));
        Assert.Equal(8, byTownship.Sum(u => u.Escalated));
        Assert.All(byTownship, u => Assert.Equal(ScopeKey.TownshipLength, u.Unit.Length));
        var byVillage = await Run(db, As(Roles.TownshipTeam, known[0].Village[..9]), sp => Make<VerificationBoard>(sp).MissesByUnitAsync());
        Assert.Contains(byVillage, u => u.Unit == known[0].Village && u.Total >= 1);
        Assert.All(byVillage, u => Assert.StartsWith(known[0].Village[..9], u.Unit));
        var elsewhere = await Run(db, Command, async sp =>
        {
            await using var c = await db.ContextAsync();
            return await c.Nodes.Where(n => n.Level == JurisdictionLevel.Township && !byTownship.Select(u => u.Unit).Contains(n.ScopeKey)).Select(n => n.ScopeKey).FirstAsync();
        });
        Assert.Empty(await Run(db, As(Roles.TownshipTeam, elsewhere), sp => Make<VerificationBoard>(sp).MissesByUnitAsync()));
        Assert.Empty(await Run(db, Command, sp => Make<VerificationBoard>(sp).MissesByUnitAsync(new DateTime(2022, 11, 10, 4, 0, 0, DateTimeKind.Utc))));

        // The team is named: the task is on its next stage (verify, due 10:00 — already passed at 11:30, not yet swept),
        // so it still counts as overdue, live; the next sweep records that miss and the kept counts take it over.
        var mine = As(Roles.TownshipTeam, known[0].Village[..9]);
        Assert.True(await Run(db, mine, sp => Make<VerificationService>(sp).NameTeamAsync(task.Id, [new("cadre", "张干部", null), new("police", "李警官", null), new("health-worker", "王医生", null)])));
        await AssertCountsMatchTheTasksAsync(db);
        Assert.Equal(4, (await Run(db, Command, sp => Make<VerificationBoard>(sp).GetAsync())).Overdue);
        Assert.Equal(1, (await SweepTwiceAtOnce("2022-11-10 11:31")).Sum(r => r.Missed));
        Assert.Equal(4, (await Run(db, Command, sp => Make<VerificationBoard>(sp).GetAsync())).Overdue);
        await AssertCountsMatchTheTasksAsync(db);

        // Every step was notified exactly once, in the same transaction, one notice per unit with the count: the owners
        // (the villages or townships working the tasks) of each miss, the township leads at level 1, the county at level 2.
        await using var n = await db.ContextAsync(Command);
        var notices = await n.Notifications.ToListAsync();
        int Sum(string kind, int level, string stage) => notices.Where(x => x.Kind == kind && x.Level == level && x.Detail == stage).Sum(x => x.Count);
        Assert.Equal(4, Sum(Core.Notifications.NotificationKinds.VerificationMissed, 0, "Team"));
        Assert.Equal(4, Sum(Core.Notifications.NotificationKinds.VerificationEscalated, 1, "Team"));
        Assert.Equal(4, Sum(Core.Notifications.NotificationKinds.VerificationEscalated, 2, "Team"));
        Assert.Equal(1, Sum(Core.Notifications.NotificationKinds.VerificationMissed, 0, "Verify"));
        Assert.Equal(13, notices.Sum(x => x.Count));
        Assert.Contains(notices, x => x.Level == 0 && x.ScopeKey == known[0].Village);
        Assert.All(notices.Where(x => x.Level == 1), x => Assert.Equal(ScopeKey.TownshipLength, x.ScopeKey.Length));
        Assert.All(notices.Where(x => x.Level == 2), x => Assert.Equal(County, x.ScopeKey));
        // One notice per unit and step: no two rows for the same unit, level and stage at the same sweep.
        Assert.Equal(notices.Count, notices.Select(x => (x.ScopeKey, x.Level, x.Detail, x.CreatedAt)).Distinct().Count());

        // A positive result of a pushed person is a case: the transfer task is raised for the unit at once, and it is told.
        Assert.True(await Run(db, mine, sp => Make<VerificationService>(sp).VerifyAsync(task.Id, new VerifyInput(true, true, true, true, VerificationOutcome.FoundInCounty, null))));
        Assert.True(await Run(db, mine, sp => Make<VerificationService>(sp).SampleAsync(task.Id)));
        Assert.True(await Run(db, mine, sp => Make<VerificationService>(sp).ResultAsync(task.Id, "positive")));
        await using var p = await db.ContextAsync(Command);
        var transfer = await p.Tasks.SingleAsync(t => t.DedupKey == $"verification-positive:{task.Id}");
        Assert.Equal(("positive-transfer", task.ScopeKey, task.PersonId), (transfer.Kind, transfer.ScopeKey, transfer.PersonId));
        Assert.True(await p.Notifications.AnyAsync(x => x.Kind == Core.Notifications.NotificationKinds.TaskRaised && x.Detail == "positive-transfer" && x.ScopeKey == Core.Notifications.NotificationRules.Unit(task.ScopeKey)));
    }

    /// <summary>
    /// Notices go out as text messages to the accounts of the unit addressed (a grid worker's account reads its
    /// village's), once per account even with two nodes queuing and sending at once; a gateway failure is retried
    /// later and given up after the last attempt; the outbox shows what happened.
    /// </summary>
    [Theory, OnSqlite, OnPostgres]
    public async Task Notices_GoOutAsTextMessages_OncePerAccount_EvenWithTwoNodes(Engine engine)
    {
        await using var db = await TestDatabase.CreateAsync(engine);
        SetNow(db, "2022-11-10 09:00");
        var now = db.Services.GetRequiredService<ExerciseClock>().GetUtcNow().UtcDateTime;
        string village, grid, otherVillage;
        await using (var ctx = await db.ContextAsync())
        {
            village = await ctx.Nodes.Where(x => x.Level == JurisdictionLevel.Village).OrderBy(x => x.ScopeKey).Select(x => x.ScopeKey).FirstAsync();
            otherVillage = await ctx.Nodes.Where(x => x.Level == JurisdictionLevel.Village && x.ScopeKey != village).OrderBy(x => x.ScopeKey).Select(x => x.ScopeKey).FirstAsync();
            grid = village + "001";
            var nodeId = await ctx.Nodes.Where(x => x.ScopeKey == village).Select(x => x.Id).FirstAsync();
            var roleIds = await ctx.Roles.ToDictionaryAsync(r => r.Name!, r => r.Id);
            foreach (var (name, key, phone, role) in new[] { ("cadre", village, "13800001111", Roles.VillageCadre), ("grid", grid, "13800002222", Roles.VillageCadre), ("nophone", village, null, Roles.VillageCadre),
                         ("other", otherVillage, "13800003333", Roles.VillageCadre), ("gate", village, "13800004444", Roles.CheckpointStaff) })
            {
                var user = new Accounts.AppUser { UserName = name, NormalizedUserName = name.ToUpperInvariant(), CountyCode = County, ScopeKey = key, NodeId = nodeId, DisplayName = name, PhoneNumber = phone, SecurityStamp = name, CreatedAt = now };
                ctx.Users.Add(user);
                await ctx.SaveChangesAsync();
                // The checkpoint's account in the village is not texted about verification tasks it cannot work.
                ctx.UserRoles.Add(new Microsoft.AspNetCore.Identity.IdentityUserRole<long> { UserId = user.Id, RoleId = roleIds[role] });
            }
            ctx.Notifications.Add(new Core.Notifications.Notification { CountyCode = County, ScopeKey = village, Kind = Core.Notifications.NotificationKinds.VerificationMissed, Count = 3, Detail = "Team", DedupKey = "test:1", CreatedAt = now });
            await ctx.SaveChangesAsync();
        }
        var system = Actor.System("notifications");
        var queued = await Task.WhenAll(
            Run(db, system, sp => Make<Notifications.SmsDispatcher>(sp).QueueAsync(County, x => $"{x.Count} missed", "node-a", now)),
            Run(db, system, sp => Make<Notifications.SmsDispatcher>(sp).QueueAsync(County, x => $"{x.Count} missed", "node-b", now)));
        Assert.Equal(2, queued.Sum());
        // Queued again later: nothing new (the notice is fanned out).
        Assert.Equal(0, await Run(db, system, sp => Make<Notifications.SmsDispatcher>(sp).QueueAsync(County, x => "x", "node-a", now.AddMinutes(1))));

        var gateway = new FlakyGateway("13800002222");
        var first = await Task.WhenAll(
            Run(db, system, sp => Make<Notifications.SmsDispatcher>(sp).SendDueAsync(gateway, "node-a", now)),
            Run(db, system, sp => Make<Notifications.SmsDispatcher>(sp).SendDueAsync(gateway, "node-b", now)));
        Assert.Equal((1, 1), (first.Sum(r => r.Sent), first.Sum(r => r.Retrying)));
        // Not due again before the back-off; then sent.
        Assert.Equal(0, (await Run(db, system, sp => Make<Notifications.SmsDispatcher>(sp).SendDueAsync(gateway, "node-a", now.AddSeconds(30)))).Sent);
        Assert.Equal(1, (await Run(db, system, sp => Make<Notifications.SmsDispatcher>(sp).SendDueAsync(gateway, "node-b", now.AddMinutes(2)))).Sent);
        Assert.Equal(2, gateway.Delivered.Count);
        Assert.Equal(["13800001111", "13800002222"], gateway.Delivered.Select(d => d.Phone).Order().ToArray());
        Assert.All(gateway.Delivered, d => Assert.Equal("3 missed", d.Text));

        // The outbox: masked phones, attempts and the gateway's reference; the village sees it, another village does not.
        var outbox = await Run(db, As(Roles.VillageCadre, village), sp => Make<Notifications.NotificationService>(sp).OutboxAsync());
        Assert.Equal(2, outbox.Count);
        Assert.All(outbox, m => Assert.Equal((Core.Notifications.SmsStatus.Sent, "flaky"), (m.Status, m.Gateway)));
        Assert.Contains(outbox, m => m.Attempts == 2 && m.PhoneMasked == "138****2222");
        Assert.DoesNotContain(outbox, m => m.PhoneMasked.Contains("13800001111", StringComparison.Ordinal));
        Assert.Empty(await Run(db, As(Roles.VillageCadre, otherVillage), sp => Make<Notifications.NotificationService>(sp).OutboxAsync()));

        // A gateway that never answers: retried with back-off, then given up after the last attempt.
        await using (var ctx = await db.ContextAsync())
        {
            ctx.Notifications.Add(new Core.Notifications.Notification { CountyCode = County, ScopeKey = otherVillage, Kind = Core.Notifications.NotificationKinds.TaskRaised, DedupKey = "test:2", CreatedAt = now });
            await ctx.SaveChangesAsync();
        }
        await Run(db, system, sp => Make<Notifications.SmsDispatcher>(sp).QueueAsync(County, x => "fever", "node-a", now));
        var down = new FlakyGateway("13800003333", always: true);
        var at = now;
        for (var attempt = 1; attempt <= Core.Notifications.NotificationRules.MaxAttempts; attempt++)
        {
            var r = await Run(db, system, sp => Make<Notifications.SmsDispatcher>(sp).SendDueAsync(down, "node-a", at));
            Assert.Equal(attempt < Core.Notifications.NotificationRules.MaxAttempts ? (0, 1) : (1, 0), (r.Failed, r.Retrying));
            at = at.AddHours(2);
        }
        var failed = await Run(db, Command, sp => Make<Notifications.NotificationService>(sp).OutboxAsync(Core.Notifications.SmsStatus.Failed));
        Assert.Equal(Core.Notifications.NotificationRules.MaxAttempts, Assert.Single(failed).Attempts);
        Assert.Contains("unreachable", failed[0].Error);
    }

    /// <summary>A stand-in for the operator's gateway: fails the phone given once (or always), records what it delivered.</summary>
    /// <summary>
    /// A miss the township's own special team let slip is escalated to the township (level 1): that notice is texted to
    /// the township's lead (乡镇分管领导), the team's own notices to the team. A township without a lead account still
    /// gets its escalations (every account of the township).
    /// </summary>
    [Theory, OnSqlite, OnPostgres]
    public async Task AnEscalation_ToTheTownship_IsTextedToItsLead_NotToTheTeamThatMissedIt(Engine engine)
    {
        await using var db = await TestDatabase.CreateAsync(engine);
        SetNow(db, "2022-11-10 09:00");
        var now = db.Services.GetRequiredService<ExerciseClock>().GetUtcNow().UtcDateTime;
        string township, other;
        await using (var ctx = await db.ContextAsync())
        {
            var townships = await ctx.Nodes.Where(x => x.Level == JurisdictionLevel.Township).OrderBy(x => x.ScopeKey).Select(x => new { x.Id, x.ScopeKey }).Take(2).ToListAsync();
            (township, other) = (townships[0].ScopeKey, townships[1].ScopeKey);
            var plan = new[] { ("t-team", townships[0], Roles.TownshipTeam, "13800004444"), ("t-lead", townships[0], Roles.TownshipLead, "13800005555"), ("o-team", townships[1], Roles.TownshipTeam, "13800006666") };
            var roles = await ctx.Roles.ToDictionaryAsync(r => r.Name!, r => r.Id);
            foreach (var (name, node, role, phone) in plan)
            {
                var user = new Accounts.AppUser { UserName = name, NormalizedUserName = name.ToUpperInvariant(), CountyCode = County, ScopeKey = node.ScopeKey, NodeId = node.Id, DisplayName = name, PhoneNumber = phone, SecurityStamp = name, CreatedAt = now };
                ctx.Users.Add(user);
                await ctx.SaveChangesAsync();
                ctx.UserRoles.Add(new Microsoft.AspNetCore.Identity.IdentityUserRole<long> { UserId = user.Id, RoleId = roles[role] });
            }
            // Only these accounts have phones in this test: the demo accounts' own messages are not what is checked.
            await ctx.Users.Where(u => !u.UserName!.Contains("-")).ExecuteUpdateAsync(s => s.SetProperty(u => u.PhoneNumber, (string?)null));
            ctx.Notifications.Add(new Core.Notifications.Notification { CountyCode = County, ScopeKey = township, Kind = Core.Notifications.NotificationKinds.VerificationMissed, Level = 0, Count = 2, Detail = "Team", DedupKey = "test:missed", CreatedAt = now });
            ctx.Notifications.Add(new Core.Notifications.Notification { CountyCode = County, ScopeKey = township, Kind = Core.Notifications.NotificationKinds.VerificationEscalated, Level = 1, Count = 2, Detail = "Team", DedupKey = "test:up", CreatedAt = now });
            ctx.Notifications.Add(new Core.Notifications.Notification { CountyCode = County, ScopeKey = other, Kind = Core.Notifications.NotificationKinds.TaskEscalated, Level = 1, Detail = "fever", DedupKey = "test:other-up", CreatedAt = now });
            // A village of the township where nobody has an account yet: its notice reaches the township's team.
            var silentVillage = await ctx.Nodes.Where(x => x.Level == JurisdictionLevel.Village && x.ScopeKey.StartsWith(township)).OrderBy(x => x.ScopeKey).Select(x => x.ScopeKey).FirstAsync();
            ctx.Notifications.Add(new Core.Notifications.Notification { CountyCode = County, ScopeKey = silentVillage, Kind = Core.Notifications.NotificationKinds.MissedReports, Level = 0, Count = 3, Detail = "Morning", DedupKey = "test:village", CreatedAt = now });
            await ctx.SaveChangesAsync();
        }
        Assert.Equal(4, await Run(db, Actor.System("notifications"), sp => Make<Notifications.SmsDispatcher>(sp).QueueAsync(County, x => $"{x.Kind}:{x.Level}", "node-a", now)));
        await using var read = await db.ContextAsync();
        var sent = await (from m in read.OutboundSms join u in read.Users on m.AccountId equals u.Id select new { u.UserName, m.Text }).ToListAsync();
        Assert.Equal(
            ["o-team task.escalated:1", "t-lead verification.escalated:1", "t-team monitoring.missed-reports:0", "t-team verification.missed:0"],
            sent.Select(m => $"{m.UserName} {m.Text}").Order(StringComparer.Ordinal).ToArray());
    }

    private sealed class FlakyGateway(string failing, bool always = false) : Core.Notifications.ISmsGateway
    {
        private int _failures;
        public System.Collections.Concurrent.ConcurrentBag<(string Phone, string Text)> Delivered { get; } = [];
        public string Name => "flaky";

        public Task<Core.Notifications.SmsResult> SendAsync(string phone, string text, string reference, CancellationToken ct)
        {
            if (phone == failing && (always || Interlocked.Increment(ref _failures) == 1))
                return Task.FromResult(new Core.Notifications.SmsResult(false, null, "gateway unreachable"));
            Delivered.Add((phone, text));
            return Task.FromResult(new Core.Notifications.SmsResult(true, "ref-" + reference, null));
        }
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task BoardOverdueCount_ReadsThePartialIndexOfUnsweptTasks(Engine engine)
    {
        await using var db = await TestDatabase.CreateAsync(engine);
        SetNow(db, "2022-11-10 09:00");
        var (path, _) = await DirtyListAsync(db);
        await ImportAsync(db, path);
        await using var ctx = await db.ContextAsync(Command);
        var now = db.Services.GetRequiredService<ExerciseClock>().GetUtcNow().UtcDateTime.AddMinutes(30);
        var query = VerificationBoard.UnsweptQuery(ctx, County, now).GroupBy(t => new { t.BatchId, t.Township }).Select(g => new { g.Key.BatchId, g.Key.Township, Count = g.Count() });
        Assert.Equal(4, (await query.ToListAsync()).Sum(g => g.Count));

        await using var command = query.CreateDbCommand();
        await ctx.Database.OpenConnectionAsync();
        await using var transaction = await ctx.Database.BeginTransactionAsync();
        command.Transaction = transaction.GetDbTransaction();
        if (engine == Engine.Postgres)
        {
            // A handful of rows makes a sequential scan cheapest; what matters is that the partial index can serve the query.
            await ctx.Database.ExecuteSqlRawAsync("SET LOCAL enable_seqscan = off");
            command.CommandText = "EXPLAIN " + command.CommandText;
        }
        else command.CommandText = "EXPLAIN QUERY PLAN " + command.CommandText; // INDEXED BY fails outright if the index cannot serve it
        var plan = new StringBuilder();
        await using (var reader = await command.ExecuteReaderAsync())
            while (await reader.ReadAsync()) plan.AppendLine(reader.GetValue(reader.FieldCount - 1)?.ToString());
        Assert.Contains(VerificationBoard.UnsweptIndex, plan.ToString());
        if (engine == Engine.Sqlite) Assert.Contains("COVERING INDEX", plan.ToString());
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task FeedbackFile_HasOneRowPerSourceRow_Masked(Engine engine)
    {
        await using var db = await TestDatabase.CreateAsync(engine);
        SetNow(db, "2022-11-10 09:00");
        var (path, known) = await DirtyListAsync(db);
        var s = await ImportAsync(db, path);
        using var stream = new MemoryStream();
        Assert.True(await Run(db, Command, sp => Make<VerificationBoard>(sp).FeedbackAsync(s.BatchId, stream, false, null)));
        stream.Position = 0;
        using var source = TabularFile.Open(stream, "feedback.xlsx");
        var rows = source.Sheets.Single().Rows.Select(r => r.Clone()).ToList();
        Assert.Equal(1 + 9, rows.Count);
        Assert.Equal("行号", rows[0][0]);
        // The task's township or village is headed 属地, as on the pages.
        Assert.Equal("属地", rows[0][7]);
        Assert.Equal(["2", "3", "4", "5", "6", "7", "8", "9", "10"], rows.Skip(1).Select(r => r[0]));
        Assert.DoesNotContain(rows, r => r[2] == known[0].Id);
        Assert.Contains(rows, r => r[4] == "文件内重复");
        Assert.Contains(rows, r => r[4]!.StartsWith("无法识别", StringComparison.Ordinal));
        Assert.Contains(rows, r => r[6] == "非本县(退回)");
        // A village cadre may not reveal in bulk without the reveal permission and a reason.
        await Assert.ThrowsAsync<ValidationFailedException>(() => Run(db, Command, sp => Make<VerificationBoard>(sp).FeedbackAsync(s.BatchId, new MemoryStream(), true, null)));
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task MachinePush_UsesTheSameRules(Engine engine)
    {
        await using var db = await TestDatabase.CreateAsync(engine);
        SetNow(db, "2022-11-10 09:00");
        PushedRow Row(int n, string? name, string? id, string? phone, string? address) => new(n, name, id, phone, address, "上海", "时空伴随", null, null);
        IReadOnlyList<PushedRow> rows = [Row(1, "甲", Id(21), null, "淅川县上集镇上集村"), Row(2, "甲", Id(21), null, null), Row(3, null, null, null, "上集村")];
        var s = await Run(db, Command, sp => Make<VerificationImporter>(sp).ImportRowsAsync("push-1", rows, new VerificationImportOptions("机推-1")));
        Assert.Equal((3, 1, 1, 1, "json"), (s.Rows, s.Rejected, s.DuplicatesInFile, s.TasksCreated, s.Format));
        var again = await Run(db, Command, sp => Make<VerificationImporter>(sp).ImportRowsAsync("push-1", rows, new VerificationImportOptions("机推-1")));
        Assert.True(again.Reimported);
        // Only the county imports.
        await Assert.ThrowsAsync<ForbiddenException>(() => Run(db, As(Roles.TownshipTeam, "411326102"), sp => Make<VerificationImporter>(sp).ImportRowsAsync("x", rows)));
    }

    /// <summary>
    /// Every refused row names its row and its field, in the summary and in the stored row errors: an unreadable phone
    /// and nothing else names 手机号 with what was written; a row with none of 姓名, 身份证号, 手机号 names the identity.
    /// </summary>
    [Theory, OnSqlite, OnPostgres]
    public async Task EveryRefusedRow_NamesItsField(Engine engine)
    {
        await using var db = await TestDatabase.CreateAsync(engine);
        SetNow(db, "2022-10-05 09:00");
        IReadOnlyList<PushedRow> rows =
        [
            new(1, "甲一", Id(51), null, "淅川县上集镇上集村", "上海", "时空伴随", null, null),
            new(2, null, null, "12345", "淅川县上集镇上集村", "上海", "时空伴随", null, null),
            new(3, null, null, null, "淅川县上集镇上集村", "上海", "时空伴随", null, null),
        ];
        var s = await Run(db, Command, sp => Make<VerificationImporter>(sp).ImportRowsAsync("push", rows, new VerificationImportOptions("机推-字段")));
        Assert.Equal((3, 2, 1), (s.Rows, s.Rejected, s.TasksCreated));
        Assert.Equal(["2:phone:phone.invalid:12345", "3:identity:identity.missing:"],
            s.FirstRejections.Select(r => $"{r.Row}:{r.Field}:{r.Code}:{r.Value}"));
        await using var ctx = await db.ContextAsync(Command);
        Assert.Equal(["2:phone", "3:identity"],
            (await ctx.ImportRowErrors.OrderBy(e => e.RowNumber).Select(e => new { e.RowNumber, e.Field }).ToListAsync()).Select(e => $"{e.RowNumber}:{e.Field}"));
    }

    /// <summary>
    /// Push times against the county clock (an exercise date here): a machine push must name its batch and may not be
    /// pushed from the future (400 naming the field, nothing written); a row's unreadable or future 推送时间 is a row
    /// error naming the row and pushedAt, and the row is still worked with its batch's time. The file import and the
    /// push decide the same rows alike.
    /// </summary>
    [Theory, OnSqlite, OnPostgres]
    public async Task PushTimes_LaterThanTheCountyClock_OrUnreadable_AreRefusedOrReportedOnTheirRow_TheSameByFileAndByPush(Engine engine)
    {
        await using var db = await TestDatabase.CreateAsync(engine);
        SetNow(db, "2022-10-05 09:00");
        PushedRow Row(int n, string name, int id, string? pushedAt) => new(n, name, Id(id), null, "淅川县上集镇上集村", "上海", "时空伴随", pushedAt, null);
        IReadOnlyList<PushedRow> rows =
        [
            Row(1, "甲一", 41, "2022-10-05 08:00"),
            Row(2, "乙二", 42, "2030-01-01 08:00"),
            Row(3, "丙三", 43, "明天上午"),
            // Within the tolerance of a sender's clock running a little fast.
            Row(4, "丁四", 44, "2022-10-05 09:05"),
            Row(5, "戊五", 45, "2022-10-05 09:20"),
        ];
        Task<VerificationImportSummary> Push(string? batch, DateTime? pushedAt = null) =>
            Run(db, Command, sp => Make<VerificationImporter>(sp).ImportRowsAsync(batch ?? "push", rows, new VerificationImportOptions(batch, pushedAt)));

        foreach (var (batch, at, field, code) in new (string?, DateTime?, string, string)[]
                 {
                     (null, null, "batch", "batch.required"),
                     ("  \u3000 ", null, "batch", "batch.required"),
                     ("机推-1005", new DateTime(2030, 1, 1, 0, 0, 0, DateTimeKind.Utc), "pushedAt", "pushedAt.future"),
                     // Without a kind, a time is county time: 09:20 Beijing is 20 minutes ahead.
                     ("机推-1005", new DateTime(2022, 10, 5, 9, 20, 0), "pushedAt", "pushedAt.future"),
                 })
        {
            var refused = await Assert.ThrowsAsync<ValidationFailedException>(() => Push(batch, at));
            Assert.Equal((field, code), (Assert.Single(refused.Errors).Field, refused.Errors[0].Code));
        }
        await using (var ctx = await db.ContextAsync(Command))
            Assert.Equal((0, 0, 0), (await ctx.VerificationBatches.CountAsync(), await ctx.VerificationTasks.CountAsync(), await ctx.ImportJobs.CountAsync(j => j.Kind == VerificationImporter.JobKind)));

        var pushed = await Push("机推-1005", new DateTime(2022, 10, 5, 9, 5, 0));
        Assert.Equal((5, 0, 5), (pushed.Rows, pushed.Rejected, pushed.TasksCreated));
        Assert.Equal(["2:pushedAt:pushedAt.future:2030-01-01 08:00", "3:pushedAt:pushedAt.invalid:明天上午", "5:pushedAt:pushedAt.future:2022-10-05 09:20"],
            pushed.FirstRejections.Select(r => $"{r.Row}:{r.Field}:{r.Code}:{r.Value}"));
        await using (var ctx = await db.ContextAsync(Command))
        {
            var times = await ctx.VerificationTasks.ToDictionaryAsync(t => t.Name, t => t.PushedAt);
            Assert.Equal(Beijing("2022-10-05 08:00"), times["甲一"]);
            Assert.Equal(Beijing("2022-10-05 09:05"), times["丁四"]);
            // The bad rows take the time given for the whole push.
            Assert.Equal(Beijing("2022-10-05 09:05"), times["乙二"]);
            Assert.Equal(Beijing("2022-10-05 09:05"), times["丙三"]);
            Assert.Equal(Beijing("2022-10-05 09:05"), (await ctx.VerificationBatches.SingleAsync()).PushedAt);
            var errors = await ctx.ImportRowErrors.OrderBy(e => e.RowNumber).Select(e => new { e.RowNumber, e.Field, e.Code }).ToListAsync();
            Assert.Equal([(2, "pushedAt", "pushedAt.future"), (3, "pushedAt", "pushedAt.invalid"), (5, "pushedAt", "pushedAt.future")],
                errors.Select(e => (e.RowNumber, e.Field!, e.Code)));
        }
        await AssertCountsMatchTheTasksAsync(db);

        // The same rows as a file (no time for the whole list): the same row errors and tasks; the batch's time is its earliest good row's.
        await using var other = await TestDatabase.CreateAsync(engine);
        SetNow(other, "2022-10-05 09:00");
        var path = WriteCsv(other, "list-1005.csv", ["姓名,身份证号,现住址,来源地,推送原因,推送时间", .. rows.Select(r => $"{r.Name},{r.IdNumber},{r.Address},{r.Origin},{r.Reason},{r.PushedAt}")],
            new UTF8Encoding(false));
        var imported = await ImportAsync(other, path, "机推-1005");
        Assert.Equal((pushed.Rows, pushed.Rejected, pushed.TasksCreated), (imported.Rows, imported.Rejected, imported.TasksCreated));
        // File rows are numbered from the header (row 1), pushed rows from 1: the same rows, one apart.
        Assert.Equal(pushed.FirstRejections.Select(r => (r.Row + 1, r.Field, r.Code, r.Value)), imported.FirstRejections.Select(r => (r.Row, r.Field, r.Code, r.Value)));
        await using (var ctx = await other.ContextAsync(Command))
        {
            var times = await ctx.VerificationTasks.ToDictionaryAsync(t => t.Name, t => t.PushedAt);
            Assert.Equal(Beijing("2022-10-05 08:00"), times["乙二"]);
            Assert.Equal(Beijing("2022-10-05 08:00"), (await ctx.VerificationBatches.SingleAsync()).PushedAt);
        }
        // A time for the whole file is checked as a push's is.
        var future = await Assert.ThrowsAsync<ValidationFailedException>(() => Run(other, Command,
            sp => Make<VerificationImporter>(sp).ImportFileAsync(path, "list-1005.csv", new VerificationImportOptions("机推-1006", new DateTime(2030, 1, 1)))));
        Assert.Equal("pushedAt", Assert.Single(future.Errors).Field);
    }
}
