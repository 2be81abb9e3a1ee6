using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Fangkong.Cli;
using Fangkong.Core.Identifiers;
using Fangkong.Testing;
using Microsoft.EntityFrameworkCore;

namespace Fangkong.Cli.Tests;

/// <summary>`fangkong tasks import`: the documented JSON, and a process killed with SIGKILL in the middle of an import.</summary>
public class TasksImportTests
{
    private static readonly Core.Accounts.Actor Command = new("test", "测试", Core.Jurisdictions.JurisdictionScope.Of("411326", "411326"), Core.Accounts.Permissions.For([Core.Accounts.Roles.CommandCentre]));

    private static string[] Options(TestDatabase db) =>
        ["--provider", db.Provider, "--connection", db.ConnectionString, "--data-dir", db.DataDirectory,
            "--set", $"Fangkong:Keys:EncryptionKey={TestDatabase.TestEncryptionKey}", "--set", $"Fangkong:Keys:IndexKey={TestDatabase.TestIndexKey}"];

    private static string BigList(TestDatabase db, int rows)
    {
        var path = Path.Combine(db.DataDirectory, "pushed.csv");
        using var w = new StreamWriter(path, false, new UTF8Encoding(true));
        w.WriteLine("姓名,身份证号,手机号,现住址,推送原因");
        for (var i = 0; i < rows; i++)
        {
            var id = ResidentId.Compose("410105", new DateOnly(1970, 1, 1).AddDays(i / 900), i % 900 + 1);
            // Every tenth row repeats the row before it (a duplicate in the file).
            if (i % 10 == 9) id = ResidentId.Compose("410105", new DateOnly(1970, 1, 1).AddDays((i - 1) / 900), (i - 1) % 900 + 1);
            w.WriteLine($"协查{i},{id},1{(3700000000L + i):D10},淅川县上集镇{(i % 2 == 0 ? "上集村3组" : "")},时空伴随");
        }
        return path;
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task KilledInTheMiddle_LeavesNothing_AndTheNextImportCreatesEachTaskOnce(Engine engine)
    {
        await using var db = await TestDatabase.CreateAsync(engine);
        const int rows = 300_000;
        var file = BigList(db, rows);
        var cli = Path.Combine(AppContext.BaseDirectory, "fangkong.dll");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { cli, "tasks", "import", file, "--json" }.Concat(Options(db))) start.ArgumentList.Add(a);
        using (var process = Process.Start(start)!)
        {
            // Kill once the import reports 100,000 rows written inside its transaction (progress goes to stderr).
            var killed = false;
            var timeout = Task.Delay(TimeSpan.FromMinutes(3));
            while (!killed)
            {
                var line = process.StandardError.ReadLineAsync();
                if (await Task.WhenAny(line, timeout) == timeout) break;
                if (await line is not { } text) break;
                if (text.Contains("100,000 rows", StringComparison.Ordinal))
                {
                    process.Kill(entireProcessTree: true); // SIGKILL: no finally blocks, no rollback by the process
                    killed = true;
                }
            }
            await process.WaitForExitAsync();
            Assert.True(killed, "the import never reported 100,000 rows");
        }
        await using (var ctx = await db.ContextAsync(Command))
        {
            Assert.Equal(0, await ctx.VerificationTasks.CountAsync());
            Assert.Equal(0, await ctx.VerificationSourceRows.CountAsync());
            Assert.Equal(0, await ctx.VerificationBatches.CountAsync());
        }

        var output = new StringWriter();
        var errors = new StringWriter();
        var code = await FangkongCli.RunAsync(["tasks", "import", file, "--json", .. Options(db)], output, errors);
        Assert.True(code == 0, output + "\n" + errors);
        using var json = JsonDocument.Parse(output.ToString());
        var s = json.RootElement;
        Assert.Equal(rows, s.GetProperty("rows").GetInt32());
        Assert.Equal(rows / 10, s.GetProperty("duplicatesInFile").GetInt32());
        Assert.Equal(rows - rows / 10, s.GetProperty("tasksCreated").GetInt32());
        Assert.Equal(rows - rows / 10, s.GetProperty("routed").GetProperty("411326110000").GetInt32());
        foreach (var key in new[] { "batch", "rejected", "idInvalid", "alreadyOpen", "matchedById", "matchedByPhone", "newPersons", "outsideCounty", "unroutable", "elapsedMs" })
            Assert.True(s.TryGetProperty(key, out _), key);
        await using (var ctx = await db.ContextAsync(Command))
        {
            Assert.Equal(rows - rows / 10, await ctx.VerificationTasks.CountAsync());
            Assert.Equal(rows, await ctx.VerificationSourceRows.CountAsync());
            var jobs = await ctx.ImportJobs.Where(j => j.Kind == "verification").OrderBy(j => j.Id).ToListAsync();
            Assert.Equal(2, jobs.Count);
            Assert.StartsWith("interrupted", jobs[0].Error);
        }
        // Again: nothing new.
        output = new StringWriter();
        Assert.Equal(0, await FangkongCli.RunAsync(["tasks", "import", file, "--json", .. Options(db)], output, new StringWriter()));
        Assert.True(JsonDocument.Parse(output.ToString()).RootElement.GetProperty("reimported").GetBoolean());
    }

    /// <summary>--batch names the batch, --pushed-at (Beijing time unless it carries an offset) is every task's push time; a bad or future time is refused.</summary>
    [Theory, OnSqlite, OnPostgres]
    public async Task BatchAndPushTime_FromTheCommandLine(Engine engine)
    {
        await using var db = await TestDatabase.CreateAsync(engine);
        var file = BigList(db, 3);
        var errors = new StringWriter();
        Assert.NotEqual(0, await FangkongCli.RunAsync(["tasks", "import", file, "--json", "--pushed-at", "昨天", .. Options(db)], new StringWriter(), errors));
        Assert.Contains("--pushed-at", errors.ToString());
        // Later than the county clock's now: refused by the same rule as a row's 推送时间, nothing imported.
        errors = new StringWriter();
        Assert.Equal(2, await FangkongCli.RunAsync(["tasks", "import", file, "--json", "--pushed-at", "2099-01-01 08:00", .. Options(db)], new StringWriter(), errors));
        Assert.Contains("later than", errors.ToString());

        var output = new StringWriter();
        Assert.Equal(0, await FangkongCli.RunAsync(["tasks", "import", file, "--json", "--batch", "省协-1110-3", "--pushed-at", "2022-11-10 08:00", .. Options(db)], output, new StringWriter()));
        Assert.Equal("省协-1110-3", JsonDocument.Parse(output.ToString()).RootElement.GetProperty("batch").GetString());
        await using var ctx = await db.ContextAsync(Command);
        var batch = await ctx.VerificationBatches.SingleAsync();
        Assert.Equal(("省协-1110-3", new DateTime(2022, 11, 10, 0, 0, 0, DateTimeKind.Utc)), (batch.Name, batch.PushedAt));
        Assert.All(await ctx.VerificationTasks.ToListAsync(), t => Assert.Equal(new DateTime(2022, 11, 10, 0, 0, 0, DateTimeKind.Utc), t.PushedAt));
    }

    /// <summary>Without --batch, a list carrying several 推送批次 values becomes several batches, listed in the JSON.</summary>
    [Theory, OnSqlite, OnPostgres]
    public async Task SeveralBatchValues_AreListedInTheJson(Engine engine)
    {
        await using var db = await TestDatabase.CreateAsync(engine);
        var file = Path.Combine(db.DataDirectory, "汇总.csv");
        string Id(int n) => ResidentId.Compose("410105", new DateOnly(1988, 8, 8), n);
        await File.WriteAllLinesAsync(file,
        [
            "姓名,身份证号,手机号,现住址,推送批次",
            $"甲,{Id(1)},,淅川县上集镇,2022-10-05 第3批",
            $"乙,{Id(2)},,淅川县上集镇,第4批",
            $"甲,{Id(1)},,,第4批",
            $"丙,{Id(3)},,淅川县上集镇,",
        ], new UTF8Encoding(true));
        var output = new StringWriter();
        var errors = new StringWriter();
        Assert.True(await FangkongCli.RunAsync(["tasks", "import", file, "--json", .. Options(db)], output, errors) == 0, output + "\n" + errors);
        var s = JsonDocument.Parse(output.ToString()).RootElement;
        Assert.Equal("2022-10-05 第3批、第4批、汇总", s.GetProperty("batch").GetString());
        Assert.Equal((4, 1, 3), (s.GetProperty("rows").GetInt32(), s.GetProperty("duplicatesInFile").GetInt32(), s.GetProperty("tasksCreated").GetInt32()));
        var batches = s.GetProperty("batches").EnumerateArray()
            .Select(b => (b.GetProperty("name").GetString(), b.GetProperty("id").GetInt64(), b.GetProperty("rows").GetInt32(), b.GetProperty("tasksCreated").GetInt32())).ToList();
        Assert.Equal(["2022-10-05 第3批", "第4批", "汇总"], batches.Select(b => b.Item1));
        Assert.Equal([(1, 1), (2, 1), (1, 1)], batches.Select(b => (b.Item3, b.Item4)));
        Assert.Equal(s.GetProperty("batchId").GetInt64(), batches[0].Item2);
        await using var ctx = await db.ContextAsync(Command);
        Assert.Equal(batches.Select(b => b.Item2), await ctx.VerificationBatches.OrderBy(b => b.Id).Select(b => b.Id).ToListAsync());
    }
}
