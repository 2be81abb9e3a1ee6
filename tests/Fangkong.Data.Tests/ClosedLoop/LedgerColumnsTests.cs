using Fangkong.Core.Accounts;
using Fangkong.Core.Arrivals;
using Fangkong.Core.Identifiers;
using Fangkong.Core.Jurisdictions;
using Fangkong.Core.Orders;
using Fangkong.Core.Policy;
using Fangkong.Data.Arrivals;
using Fangkong.Data.Orders;
using Fangkong.Data.Policy;
using Fangkong.Testing;
using Microsoft.EntityFrameworkCore;
using static Fangkong.Testing.CountyTestKit;

namespace Fangkong.Data.Tests.ClosedLoop;

/// <summary>The people-under-measures ledger in a county's columns, on the page and in the workbook, on both engines.</summary>
public class LedgerColumnsTests
{
    private static readonly string[] Header =
        ["序号", "姓名", "身份证号", "联系电话", "现住址/属地", "来源地", "抵达日期", "管控原因", "管控措施", "起止日期", "包保责任人", "核酸检测", "状态", "暴露日期", "规则依据", "本地加严"];

    private static string? Label(string key) => key switch
    {
        "Reason_high-risk-area" => "高风险区",
        "Reason_close-contact" => "密切接触者",
        "Kind_centralized-quarantine" => "集中隔离医学观察",
        "Kind_home-health-monitoring" => "居家健康监测",
        "OrderStatus_Active" => "执行中",
        "TestsNegativeOf" => "阴性 {0}/{1}",
        "TestsOverdueN" => "逾期 {0}",
        "ListSeparator" => "、",
        _ => null,
    };

    private static async Task<List<List<string>>> SheetAsync(TestDatabase db, Actor actor, bool reveal = false)
    {
        var workbook = new MemoryStream();
        await Run(db, actor, async sp => { await Make<LedgerService>(sp).ExportAsync(workbook, null, null, reveal, reveal ? "核对台账" : null, label: Label); return 0; });
        using var source = Core.Tabular.TabularFile.Open(new MemoryStream(workbook.ToArray()), "ledger.xlsx");
        return source.Sheets.Single(s => s.Name == "管控人员台账").Rows
            // A row's trailing empty cells are not written; read them as empty.
            .Select(r => Enumerable.Range(0, Math.Max(r.Count, Header.Length)).Select(i => i < r.Count ? r[i] ?? "" : "").ToList()).ToList();
    }

    /// <summary>
    /// An arrival from a high-risk area, confirmed by the township, with two five-to-one owners and one test negative: its
    /// row names the person (masked), where they came from and when, the reason, today's measure, the period, the owners,
    /// the tests (negative of all, overdue) and the status. A close contact whose site phase is over reads under the home
    /// measure in force today even before the sweep converts it. Revealed, the ID and the phone are whole; another
    /// township's ledger does not list them.
    /// </summary>
    [Theory, OnSqlite, OnPostgres]
    public async Task ControlLedger_HasTheCountysColumns_MaskedByDefault(Engine engine)
    {
        await using var db = await TestDatabase.CreateAsync(engine);
        SetNow(db, "2022-10-05 09:00");
        await Run(db, Command, sp => Make<RiskAreaService>(sp).CreateAsync(
            new RiskAreaInput("河南省郑州市金水区", "花园路街道锦绣小区", RiskLevel.High, D("2022-10-01"), Source: "郑州市疫情防控指挥部通告"), "test"));
        long villageId;
        string villageKey;
        await using (var ctx = await db.ContextAsync())
        {
            var v = await ctx.Nodes.Where(n => n.CountyCode == County && n.Level == JurisdictionLevel.Village).OrderBy(n => n.ScopeKey).FirstAsync();
            (villageId, villageKey) = (v.Id, v.ScopeKey);
        }
        var township = villageKey[..ScopeKey.TownshipLength];
        var document = ResidentId.Compose("410105", new DateOnly(1990, 3, 4), 1);
        var receipt = await Run(db, As(Roles.CheckpointStaff, township), sp => Make<ArrivalService>(sp).RegisterAsync(new ArrivalInput(
            "王晓明", DocumentNumber: document, Phone: "13912345678", Origin: "河南省郑州市金水区花园路街道锦绣小区",
            Stops: [new StopInput("郑州市金水区锦绣小区", D("2022-09-28"), D("2022-10-04"))], ArrivalDate: D("2022-10-05"), DestinationNodeId: villageId),
            ArrivalChannel.Checkpoint, "卡点1"));
        Assert.True(await Run(db, As(Roles.TownshipTeam, township), sp => Make<ArrivalService>(sp).DecideAsync(receipt.Id, true, "核实无误")));
        var orderId = (await Run(db, Command, sp => Make<ArrivalService>(sp).GetAsync(receipt.Id)))!.Arrival.OrderId!.Value;
        Assert.True(await Run(db, Command, sp => Make<OrderService>(sp).SetOwnersAsync(orderId, [new OwnerInput("township-cadre", "张建国", null), new OwnerInput("doctor", "李秀英", null)])));
        Assert.True(await Run(db, Command, sp => Make<OrderService>(sp).RecordTestAsync(orderId, new TestResultInput(1, TestStatus.Negative))));

        // A close contact exposed on 09-28: 7 days at a site (to 10-04), then home health monitoring; nobody swept yet.
        long contactPerson;
        await using (var ctx = await db.ContextAsync())
            contactPerson = await ctx.People.Where(p => p.CountyCode == County && p.ScopeKey.StartsWith(villageKey) && p.Name != "王晓明").OrderBy(p => p.Id).Select(p => p.Id).FirstAsync();
        var contactOrder = await Run(db, Command, sp => Make<OrderService>(sp).CreateAsync(new OrderCreate(contactPerson, [Reasons.CloseContact], D("2022-09-28"), Note: "流调判定密接")));

        // Two days on: the tests of day 2 (10-05) and day 3 (10-06) have no result.
        SetNow(db, "2022-10-07 09:00");
        ControlOrder order, contact;
        string origin, contactName;
        await using (var ctx = await db.ContextAsync())
        {
            order = await ctx.Orders.SingleAsync(o => o.Id == orderId);
            contact = await ctx.Orders.SingleAsync(o => o.Id == contactOrder);
            var arrival = await ctx.Arrivals.SingleAsync(a => a.Id == receipt.Id);
            origin = arrival.OriginCountyName ?? arrival.OriginText;
            contactName = await ctx.People.Where(p => p.Id == contactPerson).Select(p => p.Name).SingleAsync();
        }
        Assert.Equal(MeasureKinds.CentralizedQuarantine, contact.CurrentKind);
        Assert.False(string.IsNullOrEmpty(origin));

        var rows = await SheetAsync(db, Command);
        Assert.Equal(Header, rows[0]);
        var row = rows.Single(r => r[1] == "王晓明");
        var place = row[4];
        Assert.Equal([rows.IndexOf(row).ToString(System.Globalization.CultureInfo.InvariantCulture), "王晓明", Masking.IdNumber(document)!, "139****5678"], row.Take(4));
        Assert.Contains("*", row[2]);
        Assert.False(string.IsNullOrWhiteSpace(place));
        Assert.Equal([origin, "2022-10-05", "高风险区", "集中隔离医学观察", $"{order.StartDate:yyyy-MM-dd} — 2022-10-10", "张建国、李秀英", "阴性 1/5、逾期 2", "执行中", "2022-10-04", "cn-9th#high-risk-area", ""],
            row.Skip(5).Take(11));
        var contactRow = rows.Single(r => r[1] == contactName);
        Assert.Equal("居家健康监测", contactRow[8]);
        Assert.Equal("", contactRow[5]);

        // The page reads the same rows, masked.
        var page = await Run(db, As(Roles.TownshipTeam, township), sp => Make<LedgerService>(sp).ControlLedgerAsync());
        var item = Assert.Single(page.Items, r => r.OrderId == orderId);
        Assert.Equal((row[2], "139****5678", 2, 1, 5, MeasureKinds.CentralizedQuarantine), (item.Document, item.Phone, item.TestsOverdue, item.TestsNegative, item.TestsTotal, item.Measure));
        Assert.Equal(["张建国", "李秀英"], item.Owners);
        Assert.Equal(MeasureKinds.HomeHealthMonitoring, Assert.Single(page.Items, r => r.OrderId == contactOrder).Measure);

        // Revealed by someone who may, with a reason: the whole ID number and phone.
        var revealed = (await SheetAsync(db, Command, reveal: true)).Single(r => r[1] == "王晓明");
        Assert.Equal((document, "13912345678"), (revealed[2], revealed[3]));
        Assert.StartsWith(place, revealed[4]);

        // Another township keeps neither.
        string other;
        await using (var ctx = await db.ContextAsync())
            other = await ctx.Nodes.Where(n => n.CountyCode == County && n.Level == JurisdictionLevel.Township && n.ScopeKey != township).Select(n => n.ScopeKey).FirstAsync();
        Assert.Single(await SheetAsync(db, As(Roles.TownshipTeam, other)));
        Assert.Empty((await Run(db, As(Roles.TownshipTeam, other), sp => Make<LedgerService>(sp).ControlLedgerAsync())).Items);
    }
}
