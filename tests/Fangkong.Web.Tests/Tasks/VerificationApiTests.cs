using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Fangkong.Core.Tabular;
using Fangkong.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Fangkong.Web.Tests.Tasks;

/// <summary>
/// Pushed verification tasks over HTTP: the county pushes and imports; a township works only its own tasks; another
/// township gets 404 for every operation and never sees them in its queue, board or feedback file.
/// </summary>
public class VerificationApiTests
{
    private static readonly Dictionary<string, string?> Drill = new() { ["Fangkong:Clock:ExerciseDate"] = "2022-11-10" };

    /// <summary>
    /// A push names its batch and is not pushed from the future of the county clock (an exercise date here): 400 naming
    /// the field. A row's unreadable or future pushedAt is a row error naming the row and field; every row is still worked.
    /// </summary>
    [Theory, OnSqlite, OnPostgres]
    public async Task APush_WithoutABatch_OrFromTheFuture_IsRefused_AndABadRowTime_IsARowError(Engine engine)
    {
        await using var app = await FangkongApp.StartAsync(engine, Drill);
        var command = await app.SignInAsync("command");
        object Rows(params string?[] pushedAt) => pushedAt.Select((at, i) => new { name = "协查" + (char)('甲' + i), phone = $"1375555100{i}", address = "淅川县上集镇上集村", pushedAt = at }).ToArray();
        async Task Refused(object body, string field, string code)
        {
            var response = await command.PostJsonAsync("/api/v1/verification/push", body);
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, text);
            var codes = System.Text.Json.JsonDocument.Parse(text).RootElement.GetProperty("codes");
            Assert.Equal(code, codes.GetProperty(field)[0].GetString());
        }

        await Refused(new { rows = Rows("2022-11-09 08:00") }, "batch", "batch.required");
        await Refused(new { batch = "   ", rows = Rows("2022-11-09 08:00") }, "batch", "batch.required");
        await Refused(new { batch = "省协-1110", pushedAt = "2030-01-01T08:00:00", rows = Rows("2022-11-09 08:00") }, "pushedAt", "pushedAt.future");
        await Refused(new { batch = "省协-1110", pushedAt = "2022-11-11T12:00:00+08:00", rows = Rows("2022-11-09 08:00") }, "pushedAt", "pushedAt.future");
        Assert.Equal(0, (await (await command.GetAsync("/api/v1/verification/board")).JsonAsync()).GetProperty("total").GetInt32());

        var response = await command.PostJsonAsync("/api/v1/verification/push", new { batch = "省协-1110", rows = Rows("2022-11-09 08:00", "2030-01-01 08:00", "昨天下午", "2022-11-11 12:00") });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var summary = await response.JsonAsync();
        Assert.Equal((4, 0, 4), (summary.GetProperty("rows").GetInt32(), summary.GetProperty("rejected").GetInt32(), summary.GetProperty("tasksCreated").GetInt32()));
        Assert.Equal(["2 pushedAt pushedAt.future", "3 pushedAt pushedAt.invalid", "4 pushedAt pushedAt.future"],
            summary.GetProperty("firstRejections").EnumerateArray().Select(r => $"{r.GetProperty("row").GetInt32()} {r.GetProperty("field").GetString()} {r.GetProperty("code").GetString()}"));
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task TasksOfOneTownship_AreWorkedThere_AndNeverVisibleToAnother(Engine engine)
    {
        await using var app = await FangkongApp.StartAsync(engine, Drill);
        var command = await app.SignInAsync("command");
        var township = await app.SignInAsync("township");
        var other = await app.SignInAsync("township2");

        var root = await (await township.GetAsync("/api/v1/jurisdictions/root")).JsonAsync();
        var townshipName = root.GetProperty("name").GetString();
        // The pushed person lives in the village of the demo village account (a village of this township).
        var village = await app.SignInAsync("village");
        var villageName = (await (await village.GetAsync("/api/v1/jurisdictions/root")).JsonAsync()).GetProperty("name").GetString();
        var otherRoot = await (await other.GetAsync("/api/v1/jurisdictions/root")).JsonAsync();
        var otherKey = otherRoot.GetProperty("scopeKey").GetString();
        var push = new
        {
            batch = "省协-1110",
            rows = new object[]
            {
                new { name = "欧阳协查", phone = "13755550001", address = $"淅川县{townshipName}{villageName}3组", origin = "上海", reason = "时空伴随" },
                new { name = "司马无址", phone = "13755550002", address = "某某小区", reason = "密接" },
                new { name = (string?)null, phone = (string?)null, address = "无人" },
            },
        };
        Assert.Equal(HttpStatusCode.Forbidden, (await township.PostJsonAsync("/api/v1/verification/push", push)).StatusCode);
        var summary = await (await command.PostJsonAsync("/api/v1/verification/push", push)).JsonAsync();
        Assert.Equal((3, 1, 2, 1), (summary.GetProperty("rows").GetInt32(), summary.GetProperty("rejected").GetInt32(), summary.GetProperty("tasksCreated").GetInt32(), summary.GetProperty("unroutable").GetInt32()));
        Assert.True((await (await command.PostJsonAsync("/api/v1/verification/push", push)).JsonAsync()).GetProperty("reimported").GetBoolean());

        var mine = await (await township.GetAsync("/api/v1/verification/tasks")).JsonAsync();
        Assert.Equal(1, mine.GetProperty("total").GetInt32());
        var id = mine.GetProperty("items")[0].GetProperty("id").GetInt64();
        Assert.Equal(0, (await (await other.GetAsync("/api/v1/verification/tasks")).JsonAsync()).GetProperty("total").GetInt32());
        Assert.Equal(0, (await (await other.GetAsync("/api/v1/verification/board")).JsonAsync()).GetProperty("total").GetInt32());
        Assert.Equal(1, (await (await township.GetAsync("/api/v1/verification/board")).JsonAsync()).GetProperty("total").GetInt32());
        await Hidden(other.GetAsync($"/api/v1/verification/tasks/{id}"));
        var team = new { members = new[] { new { role = "cadre", name = "张干部" }, new { role = "police", name = "李警官" }, new { role = "health-worker", name = "王医生" } } };
        await Hidden(other.PostJsonAsync($"/api/v1/verification/tasks/{id}/team", team));
        await Hidden(other.PostJsonAsync($"/api/v1/verification/tasks/{id}/verify", new { outcome = "FoundInCounty", clearIdentity = true, clearLocation = true }));
        await Hidden(other.PostJsonAsync($"/api/v1/verification/tasks/{id}/sample", new { }));
        await Hidden(other.PostJsonAsync($"/api/v1/verification/tasks/{id}/result", new { result = "negative" }));
        await Hidden(other.PostJsonAsync($"/api/v1/verification/tasks/{id}/close", new { measure = "none" }));
        await Hidden(other.PostJsonAsync($"/api/v1/verification/tasks/{id}/return", new { reason = "不是我们的" }));
        await Hidden(other.PostJsonAsync($"/api/v1/verification/tasks/{id}/transfer", new { target = otherKey, reason = "x" }));
        await Hidden(other.PostJsonAsync($"/api/v1/verification/tasks/{id}/reveal", new { field = "Phone", reason = "电话联系" }));
        // The team sees the pushed phone masked, and in full with a reason (logged); without a reason, nothing.
        Assert.DoesNotContain("13755550001", await (await township.GetAsync($"/api/v1/verification/tasks/{id}")).Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.BadRequest, (await township.PostJsonAsync($"/api/v1/verification/tasks/{id}/reveal", new { field = "Phone" })).StatusCode);
        var revealed = await (await township.PostJsonAsync($"/api/v1/verification/tasks/{id}/reveal", new { field = "Phone", reason = "电话联系" })).JsonAsync();
        Assert.Equal("13755550001", revealed.GetProperty("value").GetString());
        var log = await (await command.GetAsync($"/api/v1/audit/access-log?entityId={id}")).Content.ReadAsStringAsync();
        Assert.Contains("电话联系", log);

        // 25 minutes on, no team named: the sweep records the miss against the township's village; accountability per
        // unit shows it to the township and the county, and nothing to the other township.
        app.Services.GetRequiredService<Data.Infrastructure.ExerciseClock>().Advance(TimeSpan.FromMinutes(25));
        await using (var scope = app.Services.CreateAsyncScope())
        {
            scope.ServiceProvider.GetRequiredService<Data.Infrastructure.ActorAccessor>().Current = Core.Accounts.Actor.System("sweep");
            var now = scope.ServiceProvider.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime;
            Assert.Equal(1, (await ActivatorUtilities.CreateInstance<Data.Tasks.VerificationSweeper>(scope.ServiceProvider).SweepAsync("411326", now, "test")).Missed);
        }
        int Missed(System.Text.Json.JsonElement units) => units.EnumerateArray().Sum(u => u.GetProperty("total").GetInt32());
        Assert.Equal(1, Missed(await (await township.GetAsync("/api/v1/verification/misses")).JsonAsync()));
        Assert.Equal(1, Missed(await (await command.GetAsync("/api/v1/verification/misses")).JsonAsync()));
        Assert.Equal(0, (await (await other.GetAsync("/api/v1/verification/misses")).JsonAsync()).GetArrayLength());
        // The unit working the task was told (one notice, in words); the township sees it among its units' notices,
        // the county too; the other township neither sees nor can mark it.
        var notices = await (await township.GetAsync("/api/v1/notifications?below=true")).JsonAsync();
        var notice = Assert.Single(notices.GetProperty("items").EnumerateArray());
        Assert.Equal(("verification.missed", 0, 1, "Team"), (notice.GetProperty("kind").GetString(), notice.GetProperty("level").GetInt32(), notice.GetProperty("count").GetInt32(), notice.GetProperty("detail").GetString()));
        Assert.Contains("协查任务", notice.GetProperty("text").GetString());
        Assert.DoesNotContain("核查任务", notice.GetProperty("text").GetString());
        // The notice names the step as the task page does.
        Assert.Contains("“组建小组”", notice.GetProperty("text").GetString());
        var noticeId = notice.GetProperty("id").GetInt64();
        Assert.Equal(1, (await (await command.GetAsync("/api/v1/notifications?below=true")).JsonAsync()).GetProperty("total").GetInt32());
        Assert.Equal(0, (await (await other.GetAsync("/api/v1/notifications?below=true")).JsonAsync()).GetProperty("total").GetInt32());
        await Hidden(other.PostJsonAsync($"/api/v1/notifications/{noticeId}/read", new { }));
        Assert.Equal(0, (await (await other.PostJsonAsync("/api/v1/notifications/read-all", new { })).JsonAsync()).GetProperty("marked").GetInt32());
        Assert.Equal(0, (await (await other.GetAsync("/api/v1/notifications/sms")).JsonAsync()).GetArrayLength());
        Assert.Equal(HttpStatusCode.OK, (await township.GetAsync("/api/v1/notifications/sms")).StatusCode);
        // The township reads its village's notice but does not clear it for the village; the village does.
        await Hidden(township.PostJsonAsync($"/api/v1/notifications/{noticeId}/read", new { }));
        Assert.Equal(0, (await (await township.PostJsonAsync("/api/v1/notifications/read-all", new { })).JsonAsync()).GetProperty("marked").GetInt32());
        var own = await (await village.GetAsync("/api/v1/notifications")).JsonAsync();
        Assert.Equal((1, noticeId), (own.GetProperty("unread").GetInt32(), own.GetProperty("items")[0].GetProperty("id").GetInt64()));
        Assert.Equal(HttpStatusCode.NoContent, (await village.PostJsonAsync($"/api/v1/notifications/{noticeId}/read", new { })).StatusCode);
        var read = (await (await command.GetAsync("/api/v1/notifications?below=true")).JsonAsync()).GetProperty("items")[0];
        Assert.StartsWith("村网格员", read.GetProperty("readBy").GetString());
        Assert.Equal(0, (await (await village.PostJsonAsync("/api/v1/notifications/read-all", new { })).JsonAsync()).GetProperty("marked").GetInt32());
        // The village account has a duty phone: the notice went out as a text message (development gateway), seen by
        // the village and the township, not by the other township.
        await app.Services.GetServices<Microsoft.Extensions.Hosting.IHostedService>().OfType<Fangkong.Web.Notifications.NotificationWorker>().Single().DispatchAllAsync(CancellationToken.None);
        var sms = Assert.Single((await (await village.GetAsync("/api/v1/notifications/sms")).JsonAsync()).EnumerateArray());
        Assert.Equal(("Sent", "development"), (sms.GetProperty("status").GetString(), sms.GetProperty("gateway").GetString()));
        Assert.Contains("协查任务", sms.GetProperty("text").GetString());
        Assert.DoesNotContain("核查任务", sms.GetProperty("text").GetString());
        Assert.DoesNotContain("13803770", sms.GetProperty("phoneMasked").GetString());
        Assert.Equal(1, (await (await township.GetAsync("/api/v1/notifications/sms")).JsonAsync()).GetArrayLength());

        Assert.Equal(HttpStatusCode.NoContent, (await township.PostJsonAsync($"/api/v1/verification/tasks/{id}/team", team)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await township.PostJsonAsync($"/api/v1/verification/tasks/{id}/verify", new { outcome = "NotFound" })).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await township.PostJsonAsync($"/api/v1/verification/tasks/{id}/verify", new { outcome = "FoundInCounty", clearCount = true, clearIdentity = true, clearLocation = true, clearControl = true })).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await township.PostJsonAsync($"/api/v1/verification/tasks/{id}/sample", new { })).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await township.PostJsonAsync($"/api/v1/verification/tasks/{id}/result", new { result = "negative" })).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await township.PostJsonAsync($"/api/v1/verification/tasks/{id}/close", new { measure = "none" })).StatusCode);
        Assert.Equal("Closed", (await (await township.GetAsync($"/api/v1/verification/tasks/{id}")).JsonAsync()).GetProperty("task").GetProperty("status").GetString());

        // The county routes its queue to the township; the township hands it on; the other township returns it.
        var queue = await (await command.GetAsync("/api/v1/verification/tasks?status=Routing")).JsonAsync();
        var routing = queue.GetProperty("items")[0].GetProperty("id").GetInt64();
        var rootKey = root.GetProperty("scopeKey").GetString();
        Assert.Equal(HttpStatusCode.Forbidden, (await township.PostJsonAsync($"/api/v1/verification/tasks/{routing}/route", new { target = rootKey })).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await command.PostJsonAsync($"/api/v1/verification/tasks/{routing}/route", new { target = rootKey })).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await township.PostJsonAsync($"/api/v1/verification/tasks/{routing}/transfer", new { target = otherKey, reason = "住在邻镇" })).StatusCode);
        await Hidden(township.GetAsync($"/api/v1/verification/tasks/{routing}"));
        Assert.Equal(HttpStatusCode.NoContent, (await other.PostJsonAsync($"/api/v1/verification/tasks/{routing}/return", new { reason = "查无此址" })).StatusCode);
        Assert.Equal("Routing", (await (await command.GetAsync($"/api/v1/verification/tasks/{routing}")).JsonAsync()).GetProperty("task").GetProperty("status").GetString());

        // The queue in bulk: the tasks of one place gathered by their pushed address and sent at once; never by a township.
        Assert.Equal(HttpStatusCode.Forbidden, (await township.GetAsync("/api/v1/verification/routing")).StatusCode);
        var gathered = await (await command.GetAsync("/api/v1/verification/routing?address=" + Uri.EscapeDataString("某某"))).JsonAsync();
        Assert.Equal(1, gathered.GetProperty("matching").GetInt32());
        Assert.Equal(routing, gathered.GetProperty("items")[0].GetProperty("id").GetInt64());
        Assert.Equal(0, (await (await command.GetAsync("/api/v1/verification/routing?address=" + Uri.EscapeDataString("无此地"))).JsonAsync()).GetProperty("matching").GetInt32());
        Assert.Equal(HttpStatusCode.Forbidden, (await township.PostJsonAsync("/api/v1/verification/routing", new { ids = new[] { routing }, target = rootKey })).StatusCode);
        var bulk = await (await command.PostJsonAsync("/api/v1/verification/routing", new { ids = new[] { routing }, target = rootKey })).JsonAsync();
        Assert.Equal((1, 0), (bulk.GetProperty("routed").GetInt32(), bulk.GetProperty("skipped").GetInt32()));
        bulk = await (await command.PostJsonAsync("/api/v1/verification/routing", new { ids = new[] { routing }, target = rootKey })).JsonAsync();
        Assert.Equal((0, 1), (bulk.GetProperty("routed").GetInt32(), bulk.GetProperty("skipped").GetInt32()));
        Assert.Equal("Dispatched", (await (await township.GetAsync($"/api/v1/verification/tasks/{routing}")).JsonAsync()).GetProperty("task").GetProperty("status").GetString());
        var unknownTarget = await command.PostJsonAsync("/api/v1/verification/routing", new { ids = new[] { routing }, target = "999999999" });
        Assert.Equal(HttpStatusCode.BadRequest, unknownTarget.StatusCode);
        Assert.Contains("verification.target-unknown", await unknownTarget.Content.ReadAsStringAsync());

        // The feedback file: the county's has every source row; a township's only the rows of its own tasks.
        var batch = summary.GetProperty("batchId").GetInt64();
        Assert.Equal(3, await RowsAsync(command, batch, null));
        Assert.Equal(2, await RowsAsync(township, batch, null)); // its own task and the one the county routed to it in bulk
        Assert.Equal(0, await RowsAsync(other, batch, "欧阳协查"));
        Assert.Equal(HttpStatusCode.NotFound, (await command.GetAsync("/api/v1/verification/batches/999999/feedback")).StatusCode);

        // A file import (GBK csv) by the county only.
        var csv = new ByteArrayContent(TabularFile.Gbk.GetBytes("姓名,手机号,现住址\r\n上官甲,13755550003,淅川县" + townshipName + "\r\n"));
        csv.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        MultipartFormDataContent Form() => new() { { csv, "file", "协查名单.csv" } };
        Assert.Equal(HttpStatusCode.Forbidden, (await township.PostAsync("/api/v1/verification/import", Form())).StatusCode);
        var imported = await (await command.PostAsync("/api/v1/verification/import?batch=文件-1", Form())).JsonAsync();
        Assert.Equal(1, imported.GetProperty("tasksCreated").GetInt32());

        // The deadline profile: everyone reads it, the county edits it with a reason.
        var profile = new { name = "加急", reason = "指挥部决定加快", stages = new[] { new { stage = "Team", minutes = 15 }, new { stage = "Verify", minutes = 60 }, new { stage = "Sample", minutes = 180 }, new { stage = "Result", minutes = 480 }, new { stage = "Close", minutes = 1440 } } };
        Assert.Equal(HttpStatusCode.Forbidden, (await township.PutJsonAsync("/api/v1/verification/deadline-profile", profile)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await command.PutJsonAsync("/api/v1/verification/deadline-profile", profile)).StatusCode);
        var history = await (await township.GetAsync("/api/v1/verification/deadline-profile")).JsonAsync();
        Assert.Equal(1, history[0].GetProperty("version").GetInt32());
        Assert.Equal(15, history[0].GetProperty("profile").GetProperty("stages")[0].GetProperty("minutes").GetInt32());
    }

    /// <summary>
    /// The team members' phones leave the API masked like every identifier; one is shown in full only through the
    /// task's reveal, naming the member's role, with a reason written to the access log.
    /// </summary>
    [Theory, OnSqlite, OnPostgres]
    public async Task TheTeamsPhones_AreMaskedInTheTask_AndRevealedOneByOne_WithTheAccessLogged(Engine engine)
    {
        await using var app = await FangkongApp.StartAsync(engine, Drill);
        var command = await app.SignInAsync("command");
        var township = await app.SignInAsync("township");
        var townshipName = (await (await township.GetAsync("/api/v1/jurisdictions/root")).JsonAsync()).GetProperty("name").GetString();
        var pushed = await command.PostJsonAsync("/api/v1/verification/push", new { batch = "省协-1111", rows = new[] { new { name = "慕容协查", phone = "13755550021", address = $"淅川县{townshipName}" } } });
        Assert.Equal(HttpStatusCode.OK, pushed.StatusCode);
        var id = (await (await township.GetAsync("/api/v1/verification/tasks")).JsonAsync()).GetProperty("items")[0].GetProperty("id").GetInt64();
        var team = new { members = new[] { new { role = "cadre", name = "张干部", phone = "13912340001" }, new { role = "police", name = "李警官", phone = "13912340002" },
            new { role = "health-worker", name = "王医生", phone = "13912340003" } } };
        Assert.Equal(HttpStatusCode.NoContent, (await township.PostJsonAsync($"/api/v1/verification/tasks/{id}/team", team)).StatusCode);

        var text = await (await township.GetAsync($"/api/v1/verification/tasks/{id}")).Content.ReadAsStringAsync();
        foreach (var phone in new[] { "13912340001", "13912340002", "13912340003", "13755550021" }) Assert.DoesNotContain(phone, text);
        var members = System.Text.Json.JsonDocument.Parse(text).RootElement.GetProperty("team").EnumerateArray()
            .Select(m => (m.GetProperty("role").GetString(), m.GetProperty("name").GetString(), m.GetProperty("phone").GetString())).ToList();
        Assert.Equal([("cadre", "张干部", "139****0001"), ("police", "李警官", "139****0002"), ("health-worker", "王医生", "139****0003")], members);

        // One member's phone in full, with a reason; none without one, none of a role not on the team, and only a phone.
        Assert.Equal(HttpStatusCode.BadRequest, (await township.PostJsonAsync($"/api/v1/verification/tasks/{id}/reveal", new { field = "Phone", member = "police" })).StatusCode);
        var unknown = await township.PostJsonAsync($"/api/v1/verification/tasks/{id}/reveal", new { field = "Phone", member = "driver", reason = "电话联系" });
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Contains("verification.member-unknown", await unknown.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.BadRequest, (await township.PostJsonAsync($"/api/v1/verification/tasks/{id}/reveal", new { field = "Address", member = "police", reason = "电话联系" })).StatusCode);
        var revealed = await (await township.PostJsonAsync($"/api/v1/verification/tasks/{id}/reveal", new { field = "Phone", member = "police", reason = "联系小组民警" })).JsonAsync();
        Assert.Equal("13912340002", revealed.GetProperty("value").GetString());
        var log = await (await command.GetAsync($"/api/v1/audit/access-log?entityId={id}")).Content.ReadAsStringAsync();
        Assert.Contains("联系小组民警", log);
        Assert.Contains("police", log);
        Assert.DoesNotContain("13912340002", log);

        // A field outside the three is refused (not read as the address).
        var odd = await township.PostJsonAsync($"/api/v1/verification/tasks/{id}/reveal", new { field = 9, reason = "电话联系" });
        Assert.Equal(HttpStatusCode.BadRequest, odd.StatusCode);
        Assert.Contains("reveal.field-unknown", await odd.Content.ReadAsStringAsync());
        // A client that only ever saw the masks corrects the team by sending them back: the numbers stay.
        var corrected = new { members = members.Select(m => new { role = m.Item1, name = m.Item2, phone = m.Item3 }).ToArray() };
        Assert.Equal(HttpStatusCode.NoContent, (await township.PostJsonAsync($"/api/v1/verification/tasks/{id}/team", corrected)).StatusCode);
        var again = await (await township.PostJsonAsync($"/api/v1/verification/tasks/{id}/reveal", new { field = "Phone", member = "cadre", reason = "联系小组干部" })).JsonAsync();
        Assert.Equal("13912340001", again.GetProperty("value").GetString());
    }

    /// <summary>A list carrying several 推送批次 values: the import answers with its batches, and the queue page shows the split after the upload.</summary>
    [Theory, OnSqlite, OnPostgres]
    public async Task AListOfSeveralBatches_IsSplit_AndThePageShowsTheSplit(Engine engine)
    {
        await using var app = await FangkongApp.StartAsync(engine, Drill);
        var command = await app.SignInAsync("command");
        var csv = new ByteArrayContent(new UTF8Encoding(true).GetBytes("姓名,手机号,现住址,推送批次\r\n诸葛甲,13755550011,淅川县上集镇,第3批\r\n诸葛乙,13755550012,淅川县上集镇,第4批\r\n诸葛甲,13755550011,,第4批\r\n"));
        csv.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        var imported = await (await command.PostAsync("/api/v1/verification/import", new MultipartFormDataContent { { csv, "file", "汇总.csv" } })).JsonAsync();
        Assert.Equal(("第3批、第4批", 1, 2), (imported.GetProperty("batch").GetString(), imported.GetProperty("duplicatesInFile").GetInt32(), imported.GetProperty("tasksCreated").GetInt32()));
        var batches = imported.GetProperty("batches").EnumerateArray().Select(b => (b.GetProperty("name").GetString(), b.GetProperty("id").GetInt64(), b.GetProperty("rows").GetInt32(), b.GetProperty("tasksCreated").GetInt32())).ToList();
        Assert.Equal([("第3批", 1, 1), ("第4批", 2, 1)], batches.Select(b => (b.Item1, b.Item3, b.Item4)));
        Assert.Equal(imported.GetProperty("batchId").GetInt64(), batches[0].Item2);

        // The page the upload redirects to (the first batch's tasks with the import's figures) lists both batches, the others as links.
        var page = await (await command.GetAsync($"/verification/tasks?batch={batches[0].Item2}&imported=1")).Content.ReadAsStringAsync();
        Assert.Contains("id=\"import-batches\"", page);
        Assert.Contains($"data-batch=\"{batches[0].Item2}\"", page);
        Assert.Contains($"href=\"/verification/tasks?batch={batches[1].Item2}&amp;imported=1\"", page);
    }

    private static async Task<int> RowsAsync(HttpClient client, long batch, string? absent)
    {
        var response = await client.GetAsync($"/api/v1/verification/batches/{batch}/feedback");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var source = TabularFile.Open(new MemoryStream(await response.Content.ReadAsByteArrayAsync()), "f.xlsx");
        var rows = source.Sheets.Single().Rows.Select(r => r.Clone()).Skip(1).ToList();
        if (absent is not null) Assert.DoesNotContain(rows, r => r[1] == absent);
        return rows.Count;
    }

    private static async Task Hidden(Task<HttpResponseMessage> call)
    {
        var response = await call;
        Assert.True(response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Forbidden, $"{response.RequestMessage?.RequestUri}: {(int)response.StatusCode}");
        Assert.DoesNotContain("欧阳", await response.Content.ReadAsStringAsync());
    }
}
