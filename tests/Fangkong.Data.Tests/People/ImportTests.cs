using System.Text;
using Fangkong.Core.Accounts;
using Fangkong.Core.Identifiers;
using Fangkong.Core.Jurisdictions;
using Fangkong.Core.Tabular;
using Fangkong.Data.Infrastructure;
using Fangkong.Data.People;
using Fangkong.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Fangkong.Data.Tests.People;

public class ImportTests
{
    private static readonly DateOnly Born = new(1985, 6, 1);
    private static string Id(int sequence) => ResidentId.Compose("411326", Born, sequence);

    /// <summary>An actor bound to a node (by scope key), with the import permission.</summary>
    private static Actor Cadre(string scopeKey) =>
        new("test-cadre", "测试干部", JurisdictionScope.Of("411326", scopeKey), Permissions.For([Roles.TownshipTeam]));

    private static async Task<ImportSummary> ImportAsync(TestDatabase db, byte[] content, string name, Actor? actor = null, InvalidIdPolicy policy = InvalidIdPolicy.Reject)
    {
        var path = Path.Combine(db.DataDirectory, Guid.NewGuid().ToString("N") + Path.GetExtension(name));
        await File.WriteAllBytesAsync(path, content);
        await using var scope = db.Scope(actor ?? Cadre("411326"));
        var importer = ActivatorUtilities.CreateInstance<PeopleImporter>(scope.ServiceProvider);
        return await importer.ImportAsync(path, name, policy);
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task GbkCsv_WithBadRows_KeepsTheValidOnes_AndNamesEachBadRow(Engine engine)
    {
        await using var db = await TestDatabase.CreateAsync(engine);
        var bad = Id(11)[..17] + (Id(11)[17] == '1' ? '2' : '1');
        var csv = string.Join("\r\n",
            "姓名,身份证号,手机号,现住址,人员类别",
            $"张三,{Id(1)},138 0000 1234,河南省南阳市淅川县滔河乡白亭村3组18号,教职员工",   // 2 ok
            $"李四,{bad},13800001235,滔河乡白亭村3组19号,",                              // 3 bad check character
            $"王五,411326198513450012,,滔河乡白亭村,",                                    // 4 impossible date
            $"<script>alert(1)</script>,{Id(3)},,滔河乡白亭村,",                          // 5 html in name
            $"Robert'); DROP TABLE People;--,{Id(5)},,滔河乡白亭村,",                      // 6 sql in name
            $"赵六,{Id(1)},,滔河乡白亭村5组,",                                            // 7 duplicate of row 2
            $"钱七,{Id(7)},12345,滔河乡白亭村,",                                          // 8 bad phone
            $"孙八,{Id(9)},,河南省郑州市金水区花园路1号,",                                // 9 other county
            $"周九,{Id(13)},,某某镇某某村,",                                              // 10 unknown place
            $"吴十,{Id(15)},13900001111,滔河乡白亭村,宇航员",                             // 11 unknown category
            $"郑十一,{Id(17)},13900001112,淅川县滔河乡白亭村2组7号,",                     // 12 ok
            "",
            "陈十二,,13900001113,滔河乡白亭村,");                                          // 14 ok without an ID
        var summary = await ImportAsync(db, TabularFile.Gbk.GetBytes(csv), "名单.csv");

        Assert.Equal("csv/gbk", summary.Format);
        Assert.Equal(12, summary.Rows); // blank lines are not rows
        Assert.Equal(3, summary.Imported);
        Assert.Equal(9, summary.Rejected);
        var byRow = summary.FirstRejections.ToDictionary(r => r.Row);
        Assert.Equal(("idNumber", "id.check-character"), (byRow[3].Field, byRow[3].Code));
        Assert.Equal("id.birth-date", byRow[4].Code);
        Assert.Equal(("name", "name.characters"), (byRow[5].Field, byRow[5].Code));
        Assert.Equal("name.characters", byRow[6].Code);
        Assert.Equal("id.duplicate-in-file:2", byRow[7].Code);
        Assert.Equal("phone.invalid", byRow[8].Code);
        Assert.Equal("address.other-county", byRow[9].Code);
        Assert.Equal("address.unresolved", byRow[10].Code);
        Assert.Equal("category.unknown:宇航员", byRow[11].Code);
        Assert.DoesNotContain(summary.FirstRejections, r => r.Value is { } v && v.Contains(bad[6..14], StringComparison.Ordinal));

        await using var ctx = await db.ContextAsync();
        var zhang = await ctx.People.Include(p => p.Categories).ThenInclude(c => c.Category).Include(p => p.Node).SingleAsync(p => p.Name == "张三");
        Assert.Equal("13800001234", zhang.Phone);
        Assert.Equal("3组18号", zhang.Node!.Name);
        Assert.Equal(JurisdictionLevel.Household, zhang.Node.Level);
        Assert.Equal("teacher", Assert.Single(zhang.Categories).Category!.Code);
        Assert.StartsWith("411326304238", zhang.ScopeKey);
        var chen = await ctx.People.SingleAsync(p => p.Name == "陈十二");
        Assert.False(chen.IdValid);
        Assert.Null(chen.DocumentNumber);
        Assert.Equal(9, await ctx.ImportRowErrors.CountAsync(e => e.ImportJobId == summary.JobId));
    }

    /// <summary>
    /// A refused address keeps the row's text as its value and the resolver's reason apart, as a code with the places
    /// it names (never an English sentence): in the summary and in the stored rows the error report is made from.
    /// </summary>
    [Theory, OnSqlite, OnPostgres]
    public async Task RefusedAddresses_KeepTheResolversNote_AsACodeWithItsPlaces(Engine engine)
    {
        await using var db = await TestDatabase.CreateAsync(engine);
        var csv = string.Join("\n",
            "姓名,身份证号,现住址",
            $"甲,{Id(31)},火星",                  // 2 nothing recognised
            $"乙,{Id(33)},店子村3组",             // 3 a village name in two townships
            $"丙,{Id(35)},荆紫关镇白亭村3组",     // 4 a village of another township
            $"丁,{Id(37)},河南省郑州市金水区花园路1号", // 5 another county
            $"戊,{Id(39)},滔河乡白亭村3组");      // 6 ok
        var summary = await ImportAsync(db, Encoding.UTF8.GetBytes(csv), "notes.csv");
        Assert.Equal((1, 4), (summary.Imported, summary.Rejected));
        var byRow = summary.FirstRejections.ToDictionary(r => r.Row);

        Assert.Equal(("address.unresolved", "火星", new AddressNote(AddressNotes.NothingRecognised)), (byRow[2].Code, byRow[2].Value, byRow[2].Note));
        Assert.Equal(("address.unresolved", "店子村3组", AddressNotes.VillageAmbiguous), (byRow[3].Code, byRow[3].Value, byRow[3].Note!.Code));
        Assert.Equal(2, byRow[3].Note!.Options.Count);
        Assert.Contains(byRow[3].Note!.Options, o => o.StartsWith("荆紫关镇 ", StringComparison.Ordinal));
        Assert.Contains(byRow[3].Note!.Options, o => o.StartsWith("毛堂乡 ", StringComparison.Ordinal));
        Assert.Equal(("address.township-only", AddressNotes.VillageInOtherTownship, "荆紫关镇"), (byRow[4].Code, byRow[4].Note!.Code, byRow[4].Note!.Place));
        Assert.Equal(("address.other-county", AddressNotes.Elsewhere), (byRow[5].Code, byRow[5].Note!.Code));
        Assert.Contains("金水区", byRow[5].Note!.Place);
        // No English in what a page shows: the value is the row's text, the note holds names only.
        Assert.All(summary.FirstRejections, r => Assert.DoesNotMatch("[A-Za-z]", r.Value ?? ""));
        Assert.All(summary.FirstRejections, r => Assert.DoesNotMatch("[A-Za-z]", string.Join("", r.Note!.Options) + r.Note.Place));

        await using var ctx = await db.ContextAsync();
        var stored = await ctx.ImportRowErrors.Where(e => e.ImportJobId == summary.JobId).OrderBy(e => e.RowNumber).ToListAsync();
        Assert.Equal(summary.FirstRejections.Select(r => r.Note), stored.Select(e => AddressNote.Read(e.Note)));
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task Reimport_UpdatesChangedPeople_AndLeavesTheRest(Engine engine)
    {
        await using var db = await TestDatabase.CreateAsync(engine);
        var first = $"姓名,身份证号,手机号,现住址\n张三,{Id(21)},13800002001,滔河乡白亭村3组1号\n李四,{Id(23)},13800002002,滔河乡白亭村3组2号\n";
        Assert.Equal(2, (await ImportAsync(db, Encoding.UTF8.GetBytes(first), "a.csv")).Imported);
        var second = $"姓名,身份证号,手机号,现住址\n张三,{Id(21)},13800002009,滔河乡白亭村3组1号\n李四,{Id(23)},13800002002,滔河乡白亭村3组2号\n";
        var summary = await ImportAsync(db, Encoding.UTF8.GetBytes(second), "b.csv");
        Assert.Equal((0, 1, 1), (summary.Imported, summary.Updated, summary.Unchanged));

        await using var ctx = await db.ContextAsync();
        Assert.Equal("13800002009", (await ctx.People.SingleAsync(p => p.Name == "张三")).Phone);
        var change = await ctx.AuditEntries.Where(e => e.Action == "person.update").OrderBy(e => e.Id).LastAsync();
        Assert.Contains("138****2009", change.Changes);
        Assert.StartsWith("import:", change.Rule);
        Assert.Equal("测试干部", change.ActorName);
        Assert.Equal(2, await ctx.People.CountAsync(p => p.Name == "张三" || p.Name == "李四"));
    }

    /// <summary>
    /// A short file looks up only the registered people its rows name; a long one reads the county's blind indexes
    /// once. Both decide the same: new, updated, unchanged, a duplicate in the file, a person registered in another
    /// township — the same figures, rejections and registry either way.
    /// </summary>
    [Theory, OnSqlite, OnPostgres]
    public async Task AShortFile_LooksUpOnlyThePeopleItNames_AndDecidesAsReadingTheWholeRegistry(Engine engine)
    {
        async Task<List<string>> OutcomeAsync(bool readWholeRegistry)
        {
            await using var db = await TestDatabase.CreateAsync(engine);
            if (readWholeRegistry) db.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<Fangkong.Data.Infrastructure.FangkongOptions>>().Value.Import.LookUpRowLimit = 0;
            var files = new (string Csv, Actor? By)[]
            {
                ($"姓名,身份证号,手机号,现住址\n张三,{Id(21)},13800002001,滔河乡白亭村3组1号\n李四,{Id(23)},13800002002,滔河乡白亭村3组2号\n", null),
                ($"姓名,身份证号,手机号,现住址\n张三,{Id(21)},13800002009,滔河乡白亭村3组1号\n李四,{Id(23)},13800002002,滔河乡白亭村3组2号\n王五,{Id(25)},,滔河乡白亭村3组3号\n王五,{Id(25)},,滔河乡白亭村3组3号\n", null),
                ($"姓名,身份证号,现住址\n李四,{Id(23)},毛堂乡毛堂村\n赵六,{Id(27)},毛堂乡毛堂村\n", Cadre("411326302")),
            };
            var outcome = new List<string>();
            foreach (var (csv, by) in files)
            {
                var s = await ImportAsync(db, Encoding.UTF8.GetBytes(csv), "f.csv", by);
                outcome.Add($"{s.Rows} {s.Imported} {s.Updated} {s.Unchanged} {s.Rejected} {string.Join(",", s.FirstRejections.Select(r => $"{r.Row}:{r.Code}"))}");
            }
            await using var ctx = await db.ContextAsync();
            outcome.AddRange((await ctx.People.Where(p => p.Name == "张三" || p.Name == "李四" || p.Name == "王五" || p.Name == "赵六").OrderBy(p => p.Id)
                .Select(p => new { p.Id, p.Name, p.ScopeKey, p.Phone }).ToListAsync()).Select(p => $"{p.Id} {p.Name} {p.ScopeKey} {p.Phone}"));
            return outcome;
        }

        var lookedUp = await OutcomeAsync(readWholeRegistry: false);
        Assert.Equal(await OutcomeAsync(readWholeRegistry: true), lookedUp);
        Assert.StartsWith("4 1 1 1 1 ", lookedUp[1]);
        Assert.EndsWith("2:person.outside-scope", lookedUp[2]);
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task Township_CannotImportIntoAnotherTownship_OrMoveItsPeople(Engine engine)
    {
        await using var db = await TestDatabase.CreateAsync(engine);
        // 滔河乡 (411326304) imports a row for 毛堂乡 and a person already registered elsewhere.
        var csv = $"姓名,身份证号,现住址\n外乡人,{Id(31)},淅川县毛堂乡毛堂村\n本乡人,{Id(33)},滔河乡白亭村\n";
        var summary = await ImportAsync(db, Encoding.UTF8.GetBytes(csv), "c.csv", Cadre("411326304"));
        Assert.Equal(1, summary.Imported);
        Assert.Equal("address.outside-scope", summary.FirstRejections.Single().Code);

        var again = $"姓名,身份证号,现住址\n本乡人,{Id(33)},毛堂乡毛堂村\n";
        var moved = await ImportAsync(db, Encoding.UTF8.GetBytes(again), "d.csv", Cadre("411326302"));
        var refusal = moved.FirstRejections.Single();
        Assert.Equal("person.outside-scope", refusal.Code);
        // The refusal tells that the ID is registered outside the account's jurisdiction, nothing of that record.
        var told = $"{refusal.Field} {refusal.Reason} {refusal.Value}";
        Assert.DoesNotContain("本乡人", told);
        Assert.DoesNotContain("411326304", told);
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task CensusWorkbook_ImportsEveryCompoundSheet(Engine engine)
    {
        await using var db = await TestDatabase.CreateAsync(engine);
        var stream = new MemoryStream();
        using (var xlsx = new XlsxWriter(stream))
        {
            xlsx.AddSheet("幸福小区", ["姓名", "身份证号", "联系电话", "乡镇", "村(社区)", "楼栋", "单元", "房号", "与户主关系"]);
            xlsx.WriteRow("刘一", Id(41), "13800003001", "龙城街道", "郑湾社区", "5", "2", "302", "户主");
            xlsx.WriteRow("刘二", Id(42), null, "龙城街道", "郑湾社区", "5", "2", "302", "女");
            xlsx.AddSheet("滨河小区", ["姓名", "身份证号", "现住址"]);
            xlsx.WriteRow("陈一", Id(43), "淅川县龙城街道郑湾社区滨河小区3号楼1单元101室");
        }
        var summary = await ImportAsync(db, stream.ToArray(), "常住人口信息汇总表.xlsx");
        Assert.Equal(3, summary.Imported);
        await using var ctx = await db.ContextAsync();
        var liu = await ctx.People.Include(p => p.Node).Where(p => p.Name == "刘一" || p.Name == "刘二").ToListAsync();
        Assert.Single(liu.Select(p => p.NodeId).Distinct());
        Assert.Equal(JurisdictionLevel.Household, liu[0].Node!.Level);
        var chen = await ctx.People.Include(p => p.Node).SingleAsync(p => p.Name == "陈一");
        Assert.Equal("3号楼1单元101室", chen.Node!.Name);
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task Junk_And_LossyExcelIds_GetClearAnswers_AndWriteNothing(Engine engine)
    {
        await using var db = await TestDatabase.CreateAsync(engine);
        await using var before = await db.ContextAsync();
        var people = await before.People.CountAsync();

        var junk = new byte[2_000_000];
        new Random(1).NextBytes(junk);
        var summary = await ImportAsync(db, junk, "names.csv");
        Assert.Equal("Failed", summary.Status);
        Assert.StartsWith("file.not-tabular", summary.FirstRejections.Single().Code);

        var lossySummary = await ImportAsync(db, CensusLikeWorkbookWithNumericIds(), "numbers.xlsx");
        Assert.Equal("id.lossy-number", lossySummary.FirstRejections.Single().Code);

        await using var after = await db.ContextAsync();
        Assert.Equal(people, await after.People.CountAsync());
    }

    private static byte[] CensusLikeWorkbookWithNumericIds()
    {
        var stream = new MemoryStream();
        using (var xlsx = new XlsxWriter(stream))
        {
            xlsx.AddSheet("Sheet1", ["姓名", "身份证号", "现住址"]);
            xlsx.WriteRow("数字身份证", 411326198506010123d, "滔河乡白亭村");
        }
        return stream.ToArray();
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task Import_IsAuditedAsOneEntry_AndTheChainStaysIntact(Engine engine)
    {
        await using var db = await TestDatabase.CreateAsync(engine);
        var csv = $"姓名,身份证号,现住址\n甲,{Id(51)},滔河乡白亭村\n乙,{Id(53)},滔河乡白亭村\n";
        var summary = await ImportAsync(db, Encoding.UTF8.GetBytes(csv), "e.csv");
        await using var ctx = await db.ContextAsync();
        var entry = await ctx.AuditEntries.SingleAsync(e => e.Action == "people.import" && e.EntityId == summary.JobId.ToString());
        Assert.Contains("\"Imported\":[null,\"2\"]", entry.Changes);
        var verification = await Audit.AuditChain.VerifyAsync(ctx);
        Assert.All(verification, v => Assert.True(v.Intact, v.Problem));
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task FirstLoad_IntoAnEmptyRegistry_RebuildsEveryIndexAndForeignKey(Engine engine)
    {
        await using var db = await TestDatabase.CreateEmptyAsync(engine);
        await using (var scope = db.Scope())
            await DatabaseInitializer.MigrateAsync(scope.ServiceProvider);
        var before = await SchemaAsync(db, engine);

        var csv = new StringBuilder("姓名,身份证号,手机号,现住址,人员类别\n");
        for (var i = 0; i < 300; i++)
            csv.Append($"人员{(char)('甲' + i % 10)},{ResidentId.Compose("411326", Born.AddDays(i), 101 + 2 * (i % 400))},1380000{i:D4},滔河乡白亭村{i % 5 + 1}组{i % 40 + 1}号,{(i % 7 == 0 ? "学生" : "")}\n");
        csv.Append($"重复,{ResidentId.Compose("411326", Born, 101)},,滔河乡白亭村\n");
        var summary = await ImportAsync(db, Encoding.UTF8.GetBytes(csv.ToString()), "first.csv");
        Assert.Equal((300, 1), (summary.Imported, summary.Rejected));
        Assert.StartsWith("id.duplicate-in-file", summary.FirstRejections.Single().Code);

        Assert.Equal(before, await SchemaAsync(db, engine));
        await using var ctx = await db.ContextAsync();
        Assert.Equal(300, await ctx.People.CountAsync());
        Assert.Equal(43, await ctx.PersonCategories.CountAsync());
        // The rebuilt unique index refuses a second person with the same ID, as before the load.
        var sql = engine == Engine.Postgres
            ? "INSERT INTO \"People\" (\"CountyCode\",\"ScopeKey\",\"Name\",\"DocumentType\",\"DocumentHash\",\"IdValid\",\"Residence\",\"Vulnerable\",\"Unregistered\",\"CreatedAt\",\"UpdatedAt\",\"Version\") SELECT \"CountyCode\",\"ScopeKey\",'x',0,\"DocumentHash\",true,0,0,false,now(),now(),1 FROM \"People\" LIMIT 1"
            : "INSERT INTO \"People\" (\"CountyCode\",\"ScopeKey\",\"Name\",\"DocumentType\",\"DocumentHash\",\"IdValid\",\"Residence\",\"Vulnerable\",\"Unregistered\",\"CreatedAt\",\"UpdatedAt\",\"Version\") SELECT \"CountyCode\",\"ScopeKey\",'x',0,\"DocumentHash\",1,0,0,0,'2022-01-01','2022-01-01',1 FROM \"People\" LIMIT 1";
        await Assert.ThrowsAnyAsync<Exception>(() => ctx.Database.ExecuteSqlRawAsync(sql));
    }

    private static async Task<List<string>> SchemaAsync(TestDatabase db, Engine engine)
    {
        await using var ctx = await db.ContextAsync();
        var connection = ctx.Database.GetDbConnection();
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = engine == Engine.Postgres
            ? "SELECT indexdef FROM pg_indexes WHERE tablename IN ('People','PersonCategories') UNION ALL SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid::regclass::text IN ('\"People\"','\"PersonCategories\"')"
            : "SELECT coalesce(sql, name) FROM sqlite_master WHERE tbl_name IN ('People','PersonCategories')";
        var rows = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) rows.Add(reader.GetString(0));
        rows.Sort(StringComparer.Ordinal);
        return rows;
    }
}
