using System.Net;
using System.Text.Json;
using Fangkong.Core.Identifiers;
using Fangkong.Data.Infrastructure;
using Fangkong.Data.People;
using Fangkong.Testing;

namespace Fangkong.Web.Tests.People;

public class PeopleApiTests
{
    private static async Task<PersonListItem> FirstPersonAsync(HttpClient client, string query = "")
    {
        var page = await (await client.GetAsync("/api/v1/people?pageSize=5" + query)).ReadAsync<Page<PersonListItem>>();
        return page.Items.First(p => p.PhoneMasked is not null);
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task Search_EachAccount_SeesOnlyItsSubtree(Engine engine)
    {
        await using var app = await FangkongApp.StartAsync(engine);
        var county = await app.SignInAsync("command");
        var township = await app.SignInAsync("township");
        var village = await app.SignInAsync("village");

        var all = await (await county.GetAsync("/api/v1/people?pageSize=200")).ReadAsync<Page<PersonListItem>>();
        var mine = await (await township.GetAsync("/api/v1/people?pageSize=200")).ReadAsync<Page<PersonListItem>>();
        var villageOnly = await (await village.GetAsync("/api/v1/people?pageSize=200")).ReadAsync<Page<PersonListItem>>();
        var me = await (await township.GetAsync("/api/v1/me")).JsonAsync();
        var villageMe = await (await village.GetAsync("/api/v1/me")).JsonAsync();

        Assert.Equal(TestDatabase.DemoPeople, all.Total);
        Assert.InRange(mine.Total, 1, all.Total - 1);
        Assert.InRange(villageOnly.Total, 1, mine.Total);
        Assert.All(mine.Items, p => Assert.StartsWith(me.GetProperty("scopeKey").GetString()!, p.ScopeKey));
        Assert.All(villageOnly.Items, p => Assert.StartsWith(villageMe.GetProperty("scopeKey").GetString()!, p.ScopeKey));
        // Identifiers never leave the list unmasked.
        Assert.All(all.Items, p => Assert.Matches(@"^\d{4}\*{12}[\dX]{2}$", p.DocumentMasked!));
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task PersonOfAnotherTownship_IsNotFound_ForEveryOperation(Engine engine)
    {
        await using var app = await FangkongApp.StartAsync(engine);
        var township = await app.SignInAsync("township");
        var other = await app.SignInAsync("township2");
        var person = await FirstPersonAsync(township);

        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync($"/api/v1/people/{person.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync($"/api/v1/people/{person.Id}/history")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.PostJsonAsync($"/api/v1/people/{person.Id}/reveal", new { field = "Phone", reason = "核实" })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.PutJsonAsync($"/api/v1/people/{person.Id}", new { person = new { name = "改名" }, reason = "x" })).StatusCode);
        var search = await (await other.GetAsync($"/api/v1/people?q={Uri.EscapeDataString(person.Name)}&pageSize=200")).ReadAsync<Page<PersonListItem>>();
        Assert.DoesNotContain(search.Items, p => p.Id == person.Id);
        // Searching by the exact phone finds nobody either: the blind index does not cross the scope.
        var phone = await (await township.PostJsonAsync($"/api/v1/people/{person.Id}/reveal", new { field = "Phone", reason = "核实身份" })).JsonAsync();
        var byPhone = await (await other.GetAsync($"/api/v1/people?q={phone.GetProperty("value").GetString()}")).ReadAsync<Page<PersonListItem>>();
        Assert.Empty(byPhone.Items);
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task Search_ByIdNumberPhoneAndTail_FindsThePerson(Engine engine)
    {
        await using var app = await FangkongApp.StartAsync(engine);
        var township = await app.SignInAsync("township");
        var person = await FirstPersonAsync(township);
        var id = (await (await township.PostJsonAsync($"/api/v1/people/{person.Id}/reveal", new { field = "DocumentNumber", reason = "核对证件" })).JsonAsync()).GetProperty("value").GetString()!;
        var phone = (await (await township.PostJsonAsync($"/api/v1/people/{person.Id}/reveal", new { field = "Phone", reason = "电话核实" })).JsonAsync()).GetProperty("value").GetString()!;

        foreach (var q in new[] { id, id.ToLowerInvariant(), " " + id + " ", phone, phone[..3] + " " + phone[3..7] + " " + phone[7..], phone[^4..], person.Name })
        {
            var found = await (await township.GetAsync($"/api/v1/people?q={Uri.EscapeDataString(q)}&pageSize=200")).ReadAsync<Page<PersonListItem>>();
            Assert.Contains(found.Items, p => p.Id == person.Id);
        }
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task Reveal_IsLoggedWithItsReason_AndNeedsOne(Engine engine)
    {
        await using var app = await FangkongApp.StartAsync(engine);
        var township = await app.SignInAsync("township");
        var supervisor = await app.SignInAsync("supervisor");
        var person = await FirstPersonAsync(township);

        var missing = await township.PostJsonAsync($"/api/v1/people/{person.Id}/reveal", new { field = "Phone", reason = " " });
        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
        var problem = await missing.JsonAsync();
        Assert.Equal("reason.required", problem.GetProperty("codes").GetProperty("reason")[0].GetString());

        var shown = await (await township.PostJsonAsync($"/api/v1/people/{person.Id}/reveal", new { field = "Phone", reason = "电话通知核酸检测" })).JsonAsync();
        Assert.Matches(@"^1\d{10}$", shown.GetProperty("value").GetString()!);

        var log = await (await supervisor.GetAsync("/api/v1/audit/access-log?pageSize=10")).JsonAsync();
        var entry = log.GetProperty("items").EnumerateArray().First();
        Assert.Equal("person.reveal", entry.GetProperty("action").GetString());
        Assert.Equal(person.Id.ToString(), entry.GetProperty("entityId").GetString());
        Assert.Equal("电话通知核酸检测", entry.GetProperty("reason").GetString());
        Assert.Contains("township", entry.GetProperty("actorName").GetString());
        // The page says it in one line: what was seen, of whom (by name), by whom (display name; login in the tooltip), why.
        var page = System.Net.WebUtility.HtmlDecode(await supervisor.GetStringAsync("/audit/access-log"));
        var row = page[page.IndexOf("<tbody>", StringComparison.Ordinal)..page.IndexOf("</tr>", page.IndexOf("<tbody>", StringComparison.Ordinal), StringComparison.Ordinal)];
        Assert.Contains("查看手机号", row);
        Assert.Contains($"<a href=\"/people/{person.Id}\">{person.Name}</a>", row);
        Assert.Contains("电话通知核酸检测", row);
        Assert.Contains("title=\"登录账号：township\">乡镇专班</span>", row);
        Assert.DoesNotContain("\"Field\"", row);
        Assert.DoesNotContain(">person.reveal<", row);
        // The township's own cadres do not read the access log.
        Assert.Equal(HttpStatusCode.Forbidden, (await township.GetAsync("/api/v1/audit/access-log")).StatusCode);
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task CreateAndUpdate_ValidateEachField_AndDetectStaleEdits(Engine engine)
    {
        await using var app = await FangkongApp.StartAsync(engine);
        var village = await app.SignInAsync("village");
        var root = await (await village.GetAsync("/api/v1/jurisdictions/root")).JsonAsync();
        var nodeId = root.GetProperty("id").GetInt64();
        var id = ResidentId.Compose("411326", new DateOnly(1990, 4, 2), 135);

        var bad = await village.PostJsonAsync("/api/v1/people", new
        {
            person = new { name = "<script>alert(1)</script>", documentNumber = id[..17] + (id[17] == '0' ? '1' : '0'), phone = "12345", nodeId },
            reason = "test",
        });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var codes = (await bad.JsonAsync()).GetProperty("codes");
        Assert.Equal("name.characters", codes.GetProperty("name")[0].GetString());
        Assert.Equal("id.check-character", codes.GetProperty("documentNumber")[0].GetString());
        Assert.Equal("phone.invalid", codes.GetProperty("phone")[0].GetString());

        var created = await village.PostJsonAsync("/api/v1/people", new
        {
            person = new { name = "王建国", documentNumber = id.ToLowerInvariant(), phone = "+86 138 0000 1234", nodeId, categories = new[] { "teacher" } },
            reason = "新登记",
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var person = await created.JsonAsync();
        Assert.Equal("4113************" + id[^2..], person.GetProperty("documentMasked").GetString());
        Assert.Equal("138****1234", person.GetProperty("phoneMasked").GetString());
        Assert.Equal("M", person.GetProperty("sex").GetString());
        var personId = person.GetProperty("id").GetInt64();

        var duplicate = await village.PostJsonAsync("/api/v1/people", new { person = new { name = "王建国", documentNumber = id, nodeId }, reason = "x" });
        Assert.Equal("id.duplicate", (await duplicate.JsonAsync()).GetProperty("codes").GetProperty("documentNumber")[0].GetString());

        var update = new { person = new { name = "王建国", documentNumber = id, phone = "13900001111", nodeId, version = 1 }, reason = "更新电话" };
        Assert.Equal(HttpStatusCode.OK, (await village.PutJsonAsync($"/api/v1/people/{personId}", update)).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await village.PutJsonAsync($"/api/v1/people/{personId}", update)).StatusCode);

        var history = await (await village.GetAsync($"/api/v1/people/{personId}/history")).JsonAsync();
        var change = history.GetProperty("items").EnumerateArray().First(e => e.GetProperty("action").GetString() == "person.update");
        Assert.Equal("更新电话", change.GetProperty("reason").GetString());
        Assert.Contains("139****1111", change.GetProperty("changes").GetString());
        Assert.DoesNotContain("13900001111", change.GetProperty("changes").GetString());
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task AnIdRegisteredInAnotherTownship_IsRefused_WithoutTellingAnythingAboutThatRecord(Engine engine)
    {
        await using var app = await FangkongApp.StartAsync(engine);
        var township = await app.SignInAsync("township");
        var other = await app.SignInAsync("township2");
        var theirs = await FirstPersonAsync(other);
        var id = (await (await other.PostJsonAsync($"/api/v1/people/{theirs.Id}/reveal", new { field = "DocumentNumber", reason = "核对证件" })).JsonAsync()).GetProperty("value").GetString()!;
        var mine = await FirstPersonAsync(township);
        var nodeId = (await (await township.GetAsync($"/api/v1/people/{mine.Id}")).JsonAsync()).GetProperty("nodeId").GetInt64();

        var created = await township.PostJsonAsync("/api/v1/people", new { person = new { name = "赵六", documentNumber = id, nodeId }, reason = "新登记" });
        var updated = await township.PutJsonAsync($"/api/v1/people/{mine.Id}", new { person = new { name = mine.Name, documentNumber = id, nodeId }, reason = "更正证件" });
        foreach (var response in new[] { created, updated })
        {
            var body = await response.Content.ReadAsStringAsync();
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            var problem = JsonDocument.Parse(body).RootElement;
            Assert.Equal("person.outside-scope", problem.GetProperty("codes").GetProperty("documentNumber")[0].GetString());
            Assert.DoesNotContain(theirs.Name, body);
            Assert.DoesNotContain(theirs.ScopeKey, body);
            Assert.DoesNotContain(theirs.Id.ToString(System.Globalization.CultureInfo.InvariantCulture) + ",", body);
        }
        // Still one person with that ID in the county.
        var county = await app.SignInAsync("command");
        var found = await (await county.GetAsync($"/api/v1/people?q={id}&pageSize=10")).ReadAsync<Page<PersonListItem>>();
        Assert.Equal(theirs.Id, Assert.Single(found.Items).Id);
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task Create_InAnotherTownshipsVillage_IsRefused(Engine engine)
    {
        await using var app = await FangkongApp.StartAsync(engine);
        var township = await app.SignInAsync("township");
        var other = await app.SignInAsync("township2");
        var theirs = await (await other.GetAsync("/api/v1/jurisdictions/root")).JsonAsync();
        var response = await township.PostJsonAsync("/api/v1/people", new
        {
            person = new { name = "李四", nodeId = theirs.GetProperty("id").GetInt64() },
            reason = "x",
        });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("node.not-found", (await response.JsonAsync()).GetProperty("codes").GetProperty("nodeId")[0].GetString());
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task Checkpoint_LooksUpById_ButCannotBrowse(Engine engine)
    {
        await using var app = await FangkongApp.StartAsync(engine);
        var township = await app.SignInAsync("township");
        var checkpoint = await app.SignInAsync("checkpoint");
        var person = await FirstPersonAsync(township);
        var id = (await (await township.PostJsonAsync($"/api/v1/people/{person.Id}/reveal", new { field = "DocumentNumber", reason = "核对" })).JsonAsync()).GetProperty("value").GetString()!;

        Assert.Equal(HttpStatusCode.Forbidden, (await checkpoint.GetAsync("/api/v1/people")).StatusCode);
        var found = await (await checkpoint.GetAsync($"/api/v1/people/lookup?number={id}")).ReadAsync<PersonListItem>();
        Assert.Equal(person.Id, found.Id);
        Assert.Equal(HttpStatusCode.NotFound, (await checkpoint.GetAsync($"/api/v1/people/lookup?number={ResidentId.Compose("411326", new DateOnly(1950, 1, 1), 1)}")).StatusCode);
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task Anonymous_Gets401_NeverARedirect(Engine engine)
    {
        await using var app = await FangkongApp.StartAsync(engine);
        var client = app.Anonymous();
        foreach (var url in new[] { "/api/v1/people", "/api/v1/me", "/api/v1/audit", "/api/v1/accounts", "/api/v1/jurisdictions/root" })
        {
            var response = await client.GetAsync(url);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Null(response.Headers.Location);
        }
        // Pages do redirect to the sign-in page.
        var page = await client.GetAsync("/people");
        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.StartsWith("/account/login", page.Headers.Location!.PathAndQuery);
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task Households_AreScoped_AndListTheirHeads(Engine engine)
    {
        await using var app = await FangkongApp.StartAsync(engine);
        var township = await app.SignInAsync("township");
        var other = await app.SignInAsync("township2");
        var mine = await (await township.GetAsync("/api/v1/households?pageSize=50")).ReadAsync<Page<HouseholdItem>>();
        var theirs = await (await other.GetAsync("/api/v1/households?pageSize=200")).ReadAsync<Page<HouseholdItem>>();
        Assert.NotEmpty(mine.Items);
        Assert.All(mine.Items, h => Assert.True(h.Members > 0 && h.HeadName is not null));
        Assert.Empty(mine.Items.Select(h => h.Id).Intersect(theirs.Items.Select(h => h.Id)));

        var export = await (await other.GetAsync("/api/v1/households/export?format=csv")).Content.ReadAsStringAsync();
        Assert.StartsWith("\uFEFF户号", export);
        Assert.DoesNotContain(mine.Items[0].Place!.Split(' ')[1], export); // no household of the first township
        Assert.Contains(theirs.Items[0].Name, export);
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task Uploads_JunkAndOversize_GetClearAnswers(Engine engine)
    {
        await using var app = await FangkongApp.StartAsync(engine);
        var township = await app.SignInAsync("township");
        var junk = new byte[50 * 1024 * 1024];
        new Random(3).NextBytes(junk);
        var response = await township.PostAsync("/api/v1/people/import", new MultipartFormDataContent { { new ByteArrayContent(junk), "file", "名单.xlsx" } });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var summary = await response.JsonAsync();
        Assert.Equal("Failed", summary.GetProperty("status").GetString());
        Assert.Equal("file.not-tabular", summary.GetProperty("firstRejections")[0].GetProperty("code").GetString());

        var notMultipart = await township.PostAsync("/api/v1/people/import", new StringContent("姓名\n张三"));
        Assert.Equal(HttpStatusCode.BadRequest, notMultipart.StatusCode);
    }

    /// <summary>
    /// An address the resolver could not place is explained in the reader's language — why, and the places it could
    /// be — on the page of refused rows and in the error report, in Chinese and in English, never in the resolver's
    /// own words; the report names the fields and keeps the stable code in a column of its own.
    /// </summary>
    [Theory, OnSqlite, OnPostgres]
    public async Task RefusedAddresses_AreExplainedInTheReadersLanguage_OnThePageAndInTheErrorReport(Engine engine)
    {
        await using var app = await FangkongApp.StartAsync(engine);
        var township = await app.SignInAsync("township");
        static string Id(int n) => ResidentId.Compose("411326", new DateOnly(1986, 2, 3), n);
        var csv = $"姓名,身份证号,现住址\n甲,{Id(41)},火星\n乙,{Id(43)},店子村3组\n丙,{Id(45)},荆紫关镇白亭村3组\n";
        var response = await township.PostAsync("/api/v1/people/import", new MultipartFormDataContent { { new ByteArrayContent(System.Text.Encoding.UTF8.GetBytes(csv)), "file", "名单.csv" } });
        var summary = await response.JsonAsync();
        Assert.Equal(3, summary.GetProperty("rejected").GetInt32());
        var job = summary.GetProperty("jobId").GetInt64();
        // The API keeps the note as data: its code and places.
        Assert.Equal("address-note.village-ambiguous", summary.GetProperty("firstRejections")[1].GetProperty("note").GetProperty("code").GetString());

        async Task<List<string[]>> ReportAsync(string language)
        {
            var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/people/imports/{job}/errors.xlsx");
            request.Headers.AcceptLanguage.ParseAdd(language);
            var bytes = await (await township.SendAsync(request)).Content.ReadAsByteArrayAsync();
            using var source = Core.Tabular.TabularFile.Open(new MemoryStream(bytes), "report.xlsx");
            return source.Sheets.Single().Rows.Select(r => Enumerable.Range(0, 6).Select(i => r[i] ?? "").ToArray()).ToList();
        }
        var zh = await ReportAsync("zh-CN");
        Assert.Equal(["工作表", "行号", "字段", "错误代码", "原因", "内容"], zh[0]);
        Assert.Equal(["现住址", "address.unresolved", "火星"], [zh[1][2], zh[1][3], zh[1][5]]);
        Assert.Equal("现住址中找不到本县的村或社区；既没有认出本县的乡镇、村（社区），也没有认出外地地名", zh[1][4]);
        Assert.StartsWith("现住址中找不到本县的村或社区；几个乡镇都有这个村（社区）名，请写明乡镇：", zh[2][4]);
        Assert.Contains("荆紫关镇 店子", zh[2][4]);
        Assert.Contains("、毛堂乡 店子", zh[2][4]);
        Assert.StartsWith("现住址只写到乡镇，找不到对应的村或社区；该村（社区）不属于荆紫关镇，本县的同名村在：滔河乡 白亭", zh[3][4]);
        Assert.All(zh.Skip(1), row => Assert.DoesNotMatch("[a-z]{3,} [a-z]{3,}", row[4])); // no English sentence

        var en = await ReportAsync("en-US");
        Assert.Equal(["Sheet", "Row", "Field", "Code", "Problem", "Value"], en[0]);
        Assert.Equal("Address", en[1][2]);
        Assert.Equal("The address names no village or community of this county; neither a township or village of this county nor a place elsewhere was recognised", en[1][4]);
        Assert.StartsWith("The address names no village or community of this county; villages of this name are in several townships, name the township: 荆紫关镇 店子", en[2][4]);

        var page = System.Net.WebUtility.HtmlDecode(await township.GetStringAsync($"/people/imports/{job}"));
        Assert.Contains("几个乡镇都有这个村（社区）名，请写明乡镇：", page);
        Assert.Contains("该村（社区）不属于荆紫关镇", page);
        Assert.DoesNotContain("recognised", page);
        Assert.DoesNotContain("ambiguous", page);
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task Upload_OverTheLimit_IsRefusedBeforeItIsRead(Engine engine)
    {
        await using var app = await FangkongApp.StartAsync(engine, new Dictionary<string, string?> { ["Fangkong:Import:MaxUploadBytes"] = "1048576" });
        var township = await app.SignInAsync("township");
        var response = await township.PostAsync("/api/v1/people/import", new MultipartFormDataContent { { new ByteArrayContent(new byte[3 * 1024 * 1024]), "file", "big.csv" } });
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("1 MB", (await response.JsonAsync()).GetProperty("title").GetString());
    }
}
