using System.Text;
using System.Text.Json;
using Fangkong.Cli;
using Fangkong.Core.Identifiers;
using Fangkong.Testing;
using Microsoft.EntityFrameworkCore;

namespace Fangkong.Cli.Tests;

/// <summary>The `fangkong` command, run in-process against real databases with the same options a user types.</summary>
public class CliTests
{
    private static async Task<(int Code, string Output, string Error)> RunAsync(TestDatabase? db, params string[] args)
    {
        var all = new List<string>(args);
        if (db is not null)
        {
            all.AddRange(["--provider", db.Provider, "--connection", db.ConnectionString, "--data-dir", db.DataDirectory,
                "--set", $"Fangkong:Keys:EncryptionKey={TestDatabase.TestEncryptionKey}", "--set", $"Fangkong:Keys:IndexKey={TestDatabase.TestIndexKey}"]);
        }
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await FangkongCli.RunAsync(all.ToArray(), output, error);
        return (code, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task IdCheck_Json_PrintsEveryFieldPerInput()
    {
        var (code, output, _) = await RunAsync(null, "id", "check", "11010519491231002X", "110105491231002", " 11010519491231002x ", "110105194912310021", "--json", "--today", "2022-03-17");
        Assert.Equal(1, code); // one input is invalid
        var results = JsonDocument.Parse(output).RootElement.EnumerateArray().ToList();
        Assert.Equal(4, results.Count);
        Assert.Equal("11010519491231002X", results[0].GetProperty("normalized").GetString());
        Assert.Equal("1949-12-31", results[0].GetProperty("birthDate").GetString());
        Assert.Equal("F", results[0].GetProperty("sex").GetString());
        Assert.True(results[0].GetProperty("valid").GetBoolean());
        Assert.Equal(JsonValueKind.Null, results[0].GetProperty("reason").ValueKind);
        Assert.Equal("11010519491231002X", results[1].GetProperty("normalized").GetString());
        Assert.True(results[2].GetProperty("valid").GetBoolean());
        Assert.False(results[3].GetProperty("valid").GetBoolean());
        Assert.Contains("check character", results[3].GetProperty("reason").GetString());
        Assert.Equal(" 11010519491231002x ", results[2].GetProperty("input").GetString());
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task MigrateSeedImportExportVerify_OnAnEmptyDatabase(Engine engine)
    {
        await using var db = await TestDatabase.CreateEmptyAsync(engine);
        var migrate = await RunAsync(db, "db", "migrate");
        Assert.Equal(0, migrate.Code);
        Assert.Contains("Initial", migrate.Output);
        Assert.Contains("up to date", (await RunAsync(db, "db", "migrate")).Output);

        var seed = await RunAsync(db, "seed", "demo", "--people", "300", "--seed", "5", "--json");
        Assert.Equal(0, seed.Code);
        var seeded = JsonDocument.Parse(seed.Output).RootElement;
        Assert.InRange(seeded.GetProperty("people").GetInt32(), 300, 310);

        var file = Path.Combine(db.DataDirectory, "import.csv");
        var id = ResidentId.Compose("411326", new DateOnly(1975, 3, 3), 201);
        await File.WriteAllTextAsync(file, $"姓名,身份证号,手机号,现住址\n新人甲,{id},13700001111,淅川县滔河乡白亭村3组8号\n坏行,{id[..17]}0,,滔河乡白亭村\n", new UTF8Encoding(true));
        var import = await RunAsync(db, "people", "import", file, "--json");
        Assert.Equal(0, import.Code);
        var summary = JsonDocument.Parse(import.Output).RootElement;
        Assert.Equal(2, summary.GetProperty("rows").GetInt32());
        Assert.Equal(1, summary.GetProperty("imported").GetInt32());
        Assert.Equal(0, summary.GetProperty("updated").GetInt32());
        Assert.Equal(1, summary.GetProperty("rejected").GetInt32());
        var rejection = summary.GetProperty("rejections")[0];
        Assert.Equal(3, rejection.GetProperty("row").GetInt32());
        Assert.Equal("idNumber", rejection.GetProperty("field").GetString());
        Assert.True(summary.GetProperty("elapsedMs").GetInt64() >= 0);

        var exported = Path.Combine(db.DataDirectory, "out.xlsx");
        var export = await RunAsync(db, "people", "export", exported);
        Assert.Equal(0, export.Code);
        Assert.True(new FileInfo(exported).Length > 1000);
        var csv = Path.Combine(db.DataDirectory, "out.csv");
        Assert.Equal(0, (await RunAsync(db, "people", "export", csv, "--gbk")).Code);
        var text = Core.Tabular.TabularFile.Gbk.GetString(await File.ReadAllBytesAsync(csv));
        Assert.Contains("新人甲", text);
        Assert.DoesNotContain(id, text); // masked
        Assert.Contains("4113************" + id[^2..], text);

        var verify = await RunAsync(db, "audit", "verify", "--json");
        Assert.Equal(0, verify.Code);
        Assert.True(JsonDocument.Parse(verify.Output).RootElement.GetProperty("intact").GetBoolean());
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task AuditVerify_DetectsAnAlteredEntry_EvenWhenTheTriggerIsDropped(Engine engine)
    {
        await using var db = await TestDatabase.CreateAsync(engine);
        Assert.Equal(0, (await RunAsync(db, "audit", "verify")).Code);

        await using (var ctx = await db.ContextAsync())
        {
            // The append-only trigger stops an ordinary UPDATE.
            await Assert.ThrowsAnyAsync<Exception>(() => ctx.Database.ExecuteSqlRawAsync("UPDATE \"AuditEntries\" SET \"Reason\" = 'edited' WHERE \"Sequence\" = 3"));
            // A database owner can drop it; the hash chain still tells.
            await ctx.Database.ExecuteSqlRawAsync(engine == Engine.Postgres
                ? "DROP TRIGGER audit_entries_append_only ON \"AuditEntries\""
                : "DROP TRIGGER audit_entries_no_update");
            await ctx.Database.ExecuteSqlRawAsync("UPDATE \"AuditEntries\" SET \"Reason\" = 'edited' WHERE \"Sequence\" = 3");
        }
        var (code, output, _) = await RunAsync(db, "audit", "verify");
        Assert.Equal(1, code);
        Assert.Contains("BROKEN at entry 3", output);
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task AuditVerify_DetectsRemovedEntries_AtTheEndOfTheChain(Engine engine)
    {
        await using var db = await TestDatabase.CreateAsync(engine);
        await using (var ctx = await db.ContextAsync())
        {
            await ctx.Database.ExecuteSqlRawAsync(engine == Engine.Postgres
                ? "DROP TRIGGER audit_entries_append_only ON \"AuditEntries\""
                : "DROP TRIGGER audit_entries_no_delete");
            await ctx.Database.ExecuteSqlRawAsync("DELETE FROM \"AuditEntries\" WHERE \"Sequence\" = (SELECT max(\"Sequence\") FROM \"AuditEntries\")");
        }
        var (code, output, _) = await RunAsync(db, "audit", "verify", "--json");
        Assert.Equal(1, code);
        var chain = JsonDocument.Parse(output).RootElement.GetProperty("chains")[0];
        Assert.False(chain.GetProperty("intact").GetBoolean());
        Assert.Contains("removed from the end", chain.GetProperty("problem").GetString());
    }

    [Fact]
    public async Task UnknownJurisdiction_IsAClearUserError()
    {
        await using var db = await TestDatabase.CreateAsync(Engine.Sqlite);
        var (code, _, error) = await RunAsync(db, "people", "export", Path.Combine(db.DataDirectory, "x.xlsx"), "--jurisdiction", "999999999");
        Assert.Equal(2, code);
        Assert.Contains("no such node", error);
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task PolicyEvaluate_Json_UsesThePackInForce_FromTheDatabase(Engine engine)
    {
        await using var db = await TestDatabase.CreateAsync(engine);
        var (code, output, error) = await RunAsync(db, "policy", "evaluate", "--reason", "close-contact", "--exposure-date", "2022-11-10", "--json");
        Assert.True(code == 0, error);
        Assert.DoesNotContain("shipped", error);
        using var doc = JsonDocument.Parse(output);
        Assert.Equal("cn-9th", doc.RootElement.GetProperty("rulePack").GetProperty("id").GetString());
        Assert.Equal("2022-06-28", doc.RootElement.GetProperty("rulePack").GetProperty("effectiveFrom").GetString());
        var measures = doc.RootElement.GetProperty("measures");
        Assert.Equal(2, measures.GetArrayLength());
        Assert.Equal("centralized-quarantine", measures[0].GetProperty("kind").GetString());
        Assert.Equal(7, measures[0].GetProperty("toDay").GetInt32());
        Assert.Equal("2022-11-16", measures[0].GetProperty("to").GetString());
        Assert.Equal("[1,2,3,5,7]", measures[0].GetProperty("testDays").GetRawText());
        Assert.Equal("2022-11-19", measures[1].GetProperty("testDates")[0].GetString());

        // --on picks the rules of another day; a reason the pack does not manage has no measures.
        (code, output, _) = await RunAsync(db, "policy", "evaluate", "--reason", "close-contact", "--exposure-date", "2022-11-10", "--on", "2022-11-11", "--json");
        using (var next = JsonDocument.Parse(output)) Assert.Equal("cn-20-measures", next.RootElement.GetProperty("rulePack").GetProperty("id").GetString());
        (code, output, _) = await RunAsync(db, "policy", "evaluate", "--reason", "high-risk-area", "--exposure-date", "2022-12-07", "--json");
        using (var none = JsonDocument.Parse(output)) Assert.Equal(0, none.RootElement.GetProperty("measures").GetArrayLength());
        (code, _, error) = await RunAsync(db, "policy", "evaluate", "--reason", "close-contact", "--exposure-date", "2022-13-01");
        Assert.Equal(2, code);
        Assert.Contains("--exposure-date", error);
        // A date the calendar holds but no outbreak does is refused by name, not laid out past the calendar's end.
        (code, _, error) = await RunAsync(db, "policy", "evaluate", "--reason", "close-contact", "--exposure-date", "9999-12-31");
        Assert.Equal(2, code);
        Assert.Contains("--exposure-date: 9999-12-31 is outside", error);
        (code, _, error) = await RunAsync(db, "policy", "evaluate", "--reason", "close-contact", "--exposure-date", "2022-11-10", "--on", "1900-01-01", "--shipped");
        Assert.Equal(2, code);
        Assert.Contains("--on: 1900-01-01 is outside", error);
        // A reason no pack nor the county's local layer knows is a mistake, not "not managed": exit 2 saying so, nothing on stdout.
        foreach (var shipped in new[] { false, true })
        {
            (code, output, error) = await RunAsync(db, [.. new[] { "policy", "evaluate", "--reason", "no-such-reason", "--exposure-date", "2022-11-10", "--json" }, .. shipped ? new[] { "--shipped" } : []]);
            Assert.Equal(2, code);
            Assert.Contains("--reason: 'no-such-reason' is not a reason", error);
            Assert.Equal("", output.Trim());
        }
        // The county's own reason is known (its local layer).
        (code, output, error) = await RunAsync(db, "policy", "evaluate", "--reason", "expert-judged-risk-area", "--exposure-date", "2022-11-10", "--json");
        Assert.True(code == 0, error);
    }
}
