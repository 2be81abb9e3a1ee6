using System.Net;
using System.Text.RegularExpressions;
using Fangkong.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Fangkong.Web.Tests.ClosedLoop;

/// <summary>
/// What the closed loop writes for people reads as sentences of the reader's language: task titles (page, API,
/// inbox, text message) and an order's timeline (field names in words, times on the county clock).
/// </summary>
public class ClosedLoopTextTests
{
    private static readonly Dictionary<string, string?> Drill = new() { ["Fangkong:Clock:ExerciseDate"] = "2022-10-05" };

    /// <summary>An arrival from a high-risk area confirmed by its township: its order is in force. Returns the order's id.</summary>
    internal static async Task<long> OrderInForceAsync(FangkongApp app, HttpClient township)
    {
        var command = await app.SignInAsync("command");
        Assert.Equal(HttpStatusCode.OK, (await command.PostJsonAsync("/api/v1/risk-areas", new { areaCounty = "河南省郑州市金水区", place = "花园路街道锦绣小区", level = "High", designatedOn = "2022-10-01", source = "通告" })).StatusCode);
        var root = await (await township.GetAsync("/api/v1/jurisdictions/root")).JsonAsync();
        var village = (await (await township.GetAsync($"/api/v1/jurisdictions/{root.GetProperty("id").GetInt64()}/children")).JsonAsync())[0].GetProperty("id").GetInt64();
        var receipt = await (await township.PostJsonAsync("/api/v1/arrivals?channel=Checkpoint&point=卡点1", new
        {
            name = "王晓明", documentNumber = Core.Identifiers.ResidentId.Compose("410105", new DateOnly(1990, 3, 4), 11), phone = "13912345678",
            origin = "河南省郑州市金水区花园路街道锦绣小区", arrivalDate = "2022-10-05", destinationNodeId = village,
            stops = new[] { new { place = "郑州市金水区锦绣小区", from = "2022-09-28", to = "2022-10-04" } },
        })).JsonAsync();
        var arrivalId = receipt.GetProperty("id").GetInt64();
        Assert.Equal(HttpStatusCode.NoContent, (await township.PostJsonAsync($"/api/v1/arrivals/{arrivalId}/decision", new { confirm = true, note = "核实" })).StatusCode);
        var arrival = await (await township.GetAsync($"/api/v1/arrivals/{arrivalId}")).JsonAsync();
        return arrival.GetProperty("arrival").GetProperty("orderId").GetInt64();
    }

    private static readonly Regex Latin = new("[A-Za-z]");
    private static readonly Regex Chinese = new("[\u4e00-\u9fff]");

    /// <summary>
    /// A positive test raises a task whose title is stored as a code ("positive-test?day=1") and read as a sentence:
    /// in Chinese with no Latin word on the task page, in the API's titleText, the inbox and the text message; in
    /// English with no Chinese. A title stored in the old English shape still reads in Chinese; one of no known shape as stored.
    /// </summary>
    [Theory, OnSqlite, OnPostgres]
    public async Task APositiveTestTask_ReadsAsASentence_InChineseAndInEnglish(Engine engine)
    {
        await using var app = await FangkongApp.StartAsync(engine, Drill);
        var township = await app.SignInAsync("township");
        var orderId = await OrderInForceAsync(app, township);
        Assert.Equal(HttpStatusCode.NoContent, (await township.PostJsonAsync($"/api/v1/orders/{orderId}/tests", new { day = 1, status = "Positive", ct = 22 })).StatusCode);

        var task = (await (await township.GetAsync("/api/v1/tasks?kind=positive-transfer")).JsonAsync()).GetProperty("items")[0];
        Assert.Equal("positive-test?day=1", task.GetProperty("title").GetString());
        var zh = task.GetProperty("titleText").GetString()!;
        Assert.Matches(Chinese, zh);
        Assert.DoesNotMatch(Latin, zh);
        Assert.Contains("1", zh);
        var page = TaskTitles(await township.GetStringAsync("/tasks?kind=positive-transfer"));
        Assert.Equal([zh], page);
        var notice = (await (await township.GetAsync("/api/v1/notifications?below=true")).JsonAsync()).GetProperty("items").EnumerateArray()
            .Single(n => n.GetProperty("kind").GetString() == Core.Notifications.NotificationKinds.TaskRaised);
        Assert.Contains(zh, notice.GetProperty("text").GetString());
        Assert.DoesNotMatch(Latin, notice.GetProperty("text").GetString()!);
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var sms = scope.ServiceProvider.GetRequiredService<Web.Notifications.NotificationText>().Sms("【淅川防控】", "上街村", new Core.Notifications.Notification
            {
                Kind = notice.GetProperty("kind").GetString()!, Detail = notice.GetProperty("detail").GetString(), Subject = notice.GetProperty("subject").GetString(), Count = 1,
            });
            Assert.Contains(zh, sms);
            Assert.DoesNotMatch(Latin, sms);
        }

        // Titles written before the codes: a known English shape reads in Chinese, anything else as it was stored.
        await using (var db = await app.Database.ContextAsync())
        {
            var scopeKey = task.GetProperty("scopeKey").GetString()!;
            foreach (var (title, key) in new[] { ("2022-10-04 evening report missing", "old:1"), ("请电话联系王晓明家属", "old:2") })
                db.Tasks.Add(new Core.Tasks.WorkTask
                {
                    CountyCode = "411326", ScopeKey = scopeKey, OriginalScopeKey = scopeKey, Kind = "missed-report", Title = title, DedupKey = key,
                    PersonId = task.GetProperty("personId").GetInt64(), OrderId = orderId,
                    DueAt = new DateTime(2022, 10, 4, 14, 0, 0, DateTimeKind.Utc), CreatedAt = new DateTime(2022, 10, 4, 13, 0, 0, DateTimeKind.Utc), Version = 1,
                });
            await db.SaveChangesAsync();
        }
        var old = (await (await township.GetAsync("/api/v1/tasks?kind=missed-report")).JsonAsync()).GetProperty("items").EnumerateArray()
            .Select(t => t.GetProperty("titleText").GetString()).ToList();
        Assert.Contains("2022-10-04 晚间体温未上报", old);
        Assert.Contains("请电话联系王晓明家属", old);
        // The ledger's missed-report sheet names them the same way.
        var ledger = await township.GetAsync("/api/v1/ledgers/export");
        Assert.Equal(HttpStatusCode.OK, ledger.StatusCode);
        // The file is named in the reader's language, stamped with the county's clock.
        Assert.Matches(@"^防控台账-\d{8}-\d{4}\.xlsx$", ledger.Content.Headers.ContentDisposition?.FileNameStar);
        using (var book = Core.Tabular.TabularFile.Open(new MemoryStream(await ledger.Content.ReadAsByteArrayAsync()), "ledger.xlsx"))
        {
            var cells = book.Sheets.SelectMany(sheet => sheet.Rows.SelectMany(row => Enumerable.Range(0, row.Count).Select(i => row[i]))).ToList();
            Assert.Contains("2022-10-04 晚间体温未上报", cells);
            Assert.DoesNotContain("2022-10-04 evening report missing", cells);
        }

        await township.GetAsync("/culture/en-US?returnUrl=/");
        Assert.Matches(@"^ledgers-\d{8}-\d{4}\.xlsx$", (await township.GetAsync("/api/v1/ledgers/export")).Content.Headers.ContentDisposition?.FileName?.Trim('"'));
        var en = (await (await township.GetAsync("/api/v1/tasks?kind=positive-transfer")).JsonAsync()).GetProperty("items")[0].GetProperty("titleText").GetString()!;
        Assert.Equal("Day 1 test positive", en);
        Assert.Equal([en], TaskTitles(await township.GetStringAsync("/tasks?kind=positive-transfer")));
        Assert.Contains("2022-10-04 evening report missing", (await (await township.GetAsync("/api/v1/tasks?kind=missed-report")).JsonAsync()).GetProperty("items")
            .EnumerateArray().Select(t => t.GetProperty("titleText").GetString()));
    }

    /// <summary>
    /// A closed task's outcome names who closed it in the reader's brackets and separator: full-width in Chinese
    /// (结果：…（…）), half-width in English (Outcome: … (…)).
    /// </summary>
    [Theory, OnSqlite, OnPostgres]
    public async Task AClosedTask_NamesWhoClosedIt_InTheLanguagesBrackets(Engine engine)
    {
        await using var app = await FangkongApp.StartAsync(engine, Drill);
        var township = await app.SignInAsync("township");
        var orderId = await OrderInForceAsync(app, township);
        Assert.Equal(HttpStatusCode.NoContent, (await township.PostJsonAsync($"/api/v1/orders/{orderId}/tests", new { day = 1, status = "Positive", ct = 22 })).StatusCode);
        var taskId = (await (await township.GetAsync("/api/v1/tasks?kind=positive-transfer")).JsonAsync()).GetProperty("items")[0].GetProperty("id").GetInt64();
        Assert.Equal(HttpStatusCode.NoContent, (await township.PostJsonAsync($"/api/v1/tasks/{taskId}/close", new { outcome = "已转运定点医院" })).StatusCode);

        static string Outcome(string html) => Regex.Replace(System.Net.WebUtility.HtmlDecode(
            Regex.Match(html, "<div class=\"small\" data-fact=\"outcome\">(.*?)</div>", RegexOptions.Singleline).Groups[1].Value), "<[^>]+>", "");
        var zh = Outcome(await township.GetStringAsync("/tasks?kind=positive-transfer&closed=1"));
        Assert.Matches("^结果：已转运定点医院（[^()（）]+）$", zh);
        await township.GetAsync("/culture/en-US?returnUrl=/");
        var en = Outcome(await township.GetStringAsync("/tasks?kind=positive-transfer&closed=1"));
        Assert.Matches(@"^Outcome: 已转运定点医院 \([^()（）]+\)$", en);
    }

    /// <summary>Every code a task title may carry has its sentence in both languages.</summary>
    [Fact]
    public void EveryTaskTitleCode_HasItsSentence_InBothLanguages()
    {
        var catalog = new Web.Infrastructure.StringCatalog();
        foreach (var language in new[] { "zh", "en" })
        {
            var keys = catalog.Keys(typeof(Web.ClosedLoop.ClosedLoopStrings), language).ToHashSet();
            foreach (var code in Core.Tasks.TaskTitle.Codes) Assert.Contains(Core.Tasks.TaskTitle.TemplateKey(code), keys);
            Assert.Contains(Core.Tasks.TaskTitle.ListSeparatorKey, keys);
            foreach (var slot in Enum.GetValues<Core.Orders.ReportSlot>()) Assert.Contains(Core.Tasks.TaskTitle.CodedArguments["slot"] + slot, keys);
            foreach (var outcome in Enum.GetValues<Core.Orders.SpotCheckOutcome>()) Assert.Contains(Core.Tasks.TaskTitle.CodedArguments["outcome"] + outcome, keys);
            foreach (var symptom in Enum.GetValues<Core.Orders.Symptoms>().Where(x => x != Core.Orders.Symptoms.None))
                Assert.Contains(Core.Tasks.TaskTitle.CodedArguments["symptoms"] + symptom, keys);
        }
    }

    /// <summary>
    /// An order's timeline and its person's history say what changed in words: every field named in the reader's
    /// language, codes (statuses, yes/no, a release condition) in words, times on the county clock as yyyy-MM-dd HH:mm.
    /// </summary>
    [Theory, OnSqlite, OnPostgres]
    public async Task OrderTimeline_NamesFieldsAndValuesInWords_AndTimesOnTheCountyClock(Engine engine)
    {
        await using var app = await FangkongApp.StartAsync(engine, Drill);
        var township = await app.SignInAsync("township");
        var orderId = await OrderInForceAsync(app, township);
        Assert.Equal(HttpStatusCode.NoContent, (await township.PostJsonAsync($"/api/v1/orders/{orderId}/extend", new { days = 3, reason = "延长观察" })).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await township.PutJsonAsync($"/api/v1/orders/{orderId}/owners", new[] { new { role = "doctor", name = "李医生", phone = "13800001111" } })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await township.PostJsonAsync($"/api/v1/orders/{orderId}/reports", new { slot = "Morning", temperature = 38.1, symptoms = "DryCough" })).StatusCode);
        var command = await app.SignInAsync("command"); // spot checks are the supervisors' (the county's) call
        Assert.Equal(HttpStatusCode.NoContent, (await command.PostJsonAsync($"/api/v1/orders/{orderId}/spot-checks", new { method = "phone", outcome = "Unwell" })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await township.PostJsonAsync($"/api/v1/orders/{orderId}/link", new { })).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await township.PostJsonAsync($"/api/v1/orders/{orderId}/tests", new { day = 1, status = "Positive", ct = 22 })).StatusCode);
        var order = await (await township.GetAsync($"/api/v1/orders/{orderId}")).JsonAsync();
        var resultAt = order.GetProperty("tests").EnumerateArray().Single(t => t.GetProperty("day").GetInt32() == 1).GetProperty("resultAt").GetDateTime().ToUniversalTime();
        var personId = order.GetProperty("order").GetProperty("personId").GetInt64();

        var html = await township.GetStringAsync($"/orders/{orderId}");
        var (fields, values) = Changes(html);
        Assert.True(fields.Count > 20, html);
        Assert.All(fields, f => Assert.Matches(Chinese, f));
        AssertValuesInWords(values);
        // The result's time on the county clock (UTC+8), to the minute.
        Assert.Contains(resultAt.AddHours(8).ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture), values);
        Assert.Contains("阳性", values);
        Assert.Contains("已延长", values);
        Assert.Contains("否", values);
        Assert.Contains("身体不适", values);

        var (personFields, personValues) = Changes(await township.GetStringAsync($"/people/{personId}"));
        Assert.NotEmpty(personFields);
        Assert.All(personFields, f => Assert.Matches(Chinese, f));
        AssertValuesInWords(personValues);

        await township.GetAsync("/culture/en-US?returnUrl=/");
        var (enFields, enValues) = Changes(await township.GetStringAsync($"/orders/{orderId}"));
        Assert.All(enFields, f => Assert.DoesNotMatch(Chinese, f));
        Assert.All(enFields, f => Assert.DoesNotMatch(@"^[A-Z][a-z]+(?:[A-Z][a-z]*)+$", f)); // "Recorded by", never "RecordedBy"
        AssertValuesInWords(enValues, english: true);
        Assert.Contains("Positive", enValues);
    }

    /// <summary>
    /// No stored UTC instant, no yes/no as True/False, and (in Chinese) no code left as its raw name; in English a
    /// status may well read as its code ("Due").
    /// </summary>
    private static void AssertValuesInWords(IReadOnlyList<string> values, bool english = false)
    {
        Assert.All(values, v => Assert.DoesNotMatch(@"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}", v));
        Assert.All(values, v => Assert.DoesNotMatch(english ? "^(?:True|False)$" : @"^(?:True|False|Due|Active|Extended|Proposed|Morning|Unwell|ResidentId|Resident|Incoming|M|F|all-tests-negative)$", v));
    }

    private static List<string> TaskTitles(string html) =>
        [.. Regex.Matches(html, "<div class=\"fk-task-title\">([^<]*)</div>").Select(m => System.Net.WebUtility.HtmlDecode(m.Groups[1].Value))];

    private static (List<string> Fields, List<string> Values) Changes(string html) =>
        ([.. Regex.Matches(html, "<span class=\"text-muted fk-field\">([^<]*)</span>").Select(m => System.Net.WebUtility.HtmlDecode(m.Groups[1].Value))],
         [.. Regex.Matches(html, "<span class=\"fk-value(?: fk-date)?\">([^<]*)</span>").Select(m => System.Net.WebUtility.HtmlDecode(m.Groups[1].Value))]);
}
