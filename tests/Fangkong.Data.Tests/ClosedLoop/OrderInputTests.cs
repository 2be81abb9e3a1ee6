using System.Globalization;
using Fangkong.Core.Accounts;
using Fangkong.Core.Jurisdictions;
using Fangkong.Core.Orders;
using Fangkong.Core.People;
using Fangkong.Core.Policy;
using Fangkong.Data.Infrastructure;
using Fangkong.Data.Orders;
using Fangkong.Data.People;
using Fangkong.Data.Policy;
using Fangkong.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using static Fangkong.Testing.CountyTestKit;

namespace Fangkong.Data.Tests.ClosedLoop;

/// <summary>
/// Orders, owners, reports and people refuse nonsense on both engines: each refusal names the field, and nothing is
/// changed by a refused request.
/// </summary>
public class OrderInputTests
{
    private static async Task<List<long>> PeopleAsync(TestDatabase db, int count)
    {
        await using var ctx = await db.ContextAsync();
        return await ctx.People.Where(p => p.CountyCode == County).OrderBy(p => p.Id).Select(p => p.Id).Take(count).ToListAsync();
    }

    private static async Task<FieldError> RefusedAsync(Func<Task> work) =>
        (await Assert.ThrowsAsync<ValidationFailedException>(work)).Errors.Single();

    /// <summary>
    /// Bulk creation treats a person with an open order for the reason as the single path does: not a second order.
    /// Proposed and in-force orders count, a cancelled one or one for another reason does not, and a person asked for
    /// twice in one batch gets one order.
    /// </summary>
    [Theory, OnSqlite, OnPostgres]
    public async Task BulkOrders_SkipPeopleWhoAlreadyHaveAnOpenOrderForTheReason(Engine engine)
    {
        await using var db = await TestDatabase.CreateAsync(engine);
        SetNow(db, "2022-10-05 09:00");
        var people = await PeopleAsync(db, 10);
        Task<long> Open(long person, string reason, bool confirm = true) =>
            Run(db, Command, sp => Make<OrderService>(sp).CreateAsync(new OrderCreate(person, [reason], D("2022-10-04"), confirm)));
        await Open(people[0], Reasons.CloseContact);                 // in force
        await Open(people[1], Reasons.CloseContact, confirm: false); // proposed
        await Open(people[2], Reasons.LowRiskArea);                  // another reason
        var cancelled = await Open(people[3], Reasons.CloseContact);
        Assert.True(await Run(db, Command, sp => Make<OrderService>(sp).CancelAsync(cancelled, "身份核实有误")));

        var requests = people.Select(id => new BulkOrderRequest(id, Reasons.CloseContact, D("2022-10-04"))).ToList();
        requests.Add(new BulkOrderRequest(people[5], Reasons.CloseContact, D("2022-10-04"))); // twice in the batch
        var result = await Run(db, Command, sp => Make<OrderBulkCreator>(sp).CreateAsync(requests, confirm: true, "密接批量判定"));
        Assert.Equal((11, 8, 3, 0, 0), (result.Requested, result.Created, result.AlreadyOpen, result.NotManaged, result.UnknownPeople));

        await using (var ctx = await db.ContextAsync())
        {
            var open = await ctx.Orders.WhereOpen().Where(o => people.Contains(o.PersonId)).Select(o => new { o.PersonId, o.Reasons }).ToListAsync();
            // Every one of the ten has exactly one open close-contact order; the low-risk one is still there beside it.
            Assert.All(people, p => Assert.Single(open, o => o.PersonId == p && OrderRules.ReasonsOf(o.Reasons).Contains(Reasons.CloseContact)));
            Assert.Single(open, o => o.PersonId == people[2] && o.Reasons == Reasons.LowRiskArea);
            var entry = await ctx.AuditEntries.SingleAsync(e => e.Action == "order.bulk-create");
            Assert.Contains("AlreadyOpen", entry.Changes);
        }

        // The same batch again opens nothing: everyone is covered now.
        var again = await Run(db, Command, sp => Make<OrderBulkCreator>(sp).CreateAsync(requests, confirm: true, "重复提交"));
        Assert.Equal((0, 11), (again.Created, again.AlreadyOpen));
    }

    /// <summary>Release, cancel, extend and transfer all need a reason; a blank one is refused naming "reason" and the order is unchanged.</summary>
    [Theory, OnSqlite, OnPostgres]
    public async Task EveryDecisionOnAnOrder_NeedsAReason(Engine engine)
    {
        await using var db = await TestDatabase.CreateAsync(engine);
        SetNow(db, "2022-09-01 08:00");
        var person = (await PeopleAsync(db, 1))[0];
        var orderId = await Run(db, Command, sp => Make<OrderService>(sp).CreateAsync(new OrderCreate(person, [Reasons.CloseContact], D("2022-09-01"))));
        // Past the end with every test negative: only the missing reason stands in the way of the release.
        SetNow(db, "2022-09-11 09:00");
        foreach (var day in new[] { 1, 2, 3, 5, 7, 10 })
            await Run(db, As(Roles.Health, County), sp => Make<OrderService>(sp).RecordTestAsync(orderId, new TestResultInput(day, TestStatus.Negative)));
        var before = (await Run(db, Command, sp => Make<OrderService>(sp).GetAsync(orderId)))!;
        Assert.Null(before.ReleaseBlocker);

        foreach (var blank in new[] { null, "", "   ", "\u200B" })
        {
            Assert.Equal(new FieldError("reason", "reason.required"), await RefusedAsync(() => Run(db, Command, sp => Make<OrderService>(sp).ReleaseAsync(orderId, blank))));
            Assert.Equal(new FieldError("reason", "reason.required"), await RefusedAsync(() => Run(db, Command, sp => Make<OrderService>(sp).CancelAsync(orderId, blank))));
            Assert.Equal(new FieldError("reason", "reason.required"), await RefusedAsync(() => Run(db, Command, sp => Make<OrderService>(sp).ExtendAsync(orderId, 3, blank))));
            Assert.Equal(new FieldError("reason", "reason.required"), await RefusedAsync(() => Run(db, Command, sp => Make<OrderService>(sp).TransferToHospitalAsync(orderId, blank, "县人民医院"))));
            // A transfer also names the hospital (the trip's destination); both missing, both are said.
            Assert.Equal(new FieldError("hospital", "trip.hospital-required"), await RefusedAsync(() => Run(db, Command, sp => Make<OrderService>(sp).TransferToHospitalAsync(orderId, "体温 38.5℃", blank))));
            Assert.Equal([new FieldError("reason", "reason.required"), new FieldError("hospital", "trip.hospital-required")],
                (await Assert.ThrowsAsync<ValidationFailedException>(() => Run(db, Command, sp => Make<OrderService>(sp).TransferToHospitalAsync(orderId, blank, blank)))).Errors);
        }
        Assert.Equal(new FieldError("hospital", "trip.hospital-too-long"), await RefusedAsync(() => Run(db, Command, sp => Make<OrderService>(sp).TransferToHospitalAsync(orderId, "体温 38.5℃", new string('院', 201)))));
        Assert.Equal(new FieldError("reason", "too-long"), await RefusedAsync(() => Run(db, Command, sp => Make<OrderService>(sp).ReleaseAsync(orderId, new string('期', 501)))));
        var after = (await Run(db, Command, sp => Make<OrderService>(sp).GetAsync(orderId)))!;
        Assert.Equal((before.Order.Status, before.Version, before.StatusReason, before.Order.EndDate), (after.Order.Status, after.Version, after.StatusReason, after.Order.EndDate));

        Assert.True(await Run(db, Command, sp => Make<OrderService>(sp).ReleaseAsync(orderId, " 期满且核酸均阴性 ")));
        var released = (await Run(db, Command, sp => Make<OrderService>(sp).GetAsync(orderId)))!;
        Assert.Equal((OrderStatus.Released, "期满且核酸均阴性"), (released.Order.Status, released.StatusReason));
        await using var ctx = await db.ContextAsync();
        Assert.Contains(await ctx.AuditEntries.Where(e => e.EntityType == "ControlOrder" && e.Action == "order.update").Select(e => e.Reason).ToListAsync(), r => r == "期满且核酸均阴性");
    }

    /// <summary>
    /// A test result nobody chose (the order page's select left on its empty option, an API call without a status) is
    /// refused as such, before anything else is said about it, and the test, the order and the tasks are unchanged.
    /// </summary>
    [Theory, OnSqlite, OnPostgres]
    public async Task ATestResult_NobodyChose_IsRefused_AndNothingIsRecorded(Engine engine)
    {
        await using var db = await TestDatabase.CreateAsync(engine);
        SetNow(db, "2022-10-05 09:00");
        var person = (await PeopleAsync(db, 1))[0];
        var orderId = await Run(db, Command, sp => Make<OrderService>(sp).CreateAsync(new OrderCreate(person, [Reasons.CloseContact], D("2022-10-04"))));
        var before = (await Run(db, Command, sp => Make<OrderService>(sp).GetAsync(orderId)))!;

        Assert.Equal(new FieldError("status", "result.required"),
            await RefusedAsync(() => Run(db, As(Roles.Health, County), sp => Make<OrderService>(sp).RecordTestAsync(orderId, new TestResultInput(1, null, 38m)))));
        // Even for a day with no test: the missing choice is what the person must fix first.
        Assert.Equal(new FieldError("status", "result.required"),
            await RefusedAsync(() => Run(db, As(Roles.Health, County), sp => Make<OrderService>(sp).RecordTestAsync(orderId, new TestResultInput(4, null)))));

        var after = (await Run(db, Command, sp => Make<OrderService>(sp).GetAsync(orderId)))!;
        Assert.Equal(before.Tests, after.Tests);
        Assert.Equal(before.Version, after.Version);
        await using var ctx = await db.ContextAsync();
        Assert.Equal(0, await ctx.AuditEntries.CountAsync(e => e.Action == "order.test.update"));
        Assert.Equal(0, await ctx.Tasks.CountAsync(t => t.OrderId == orderId));

        // Chosen, the same day records.
        Assert.True(await Run(db, As(Roles.Health, County), sp => Make<OrderService>(sp).RecordTestAsync(orderId, new TestResultInput(1, TestStatus.Negative, 38m))));
        Assert.Equal(TestStatus.Negative, (await Run(db, Command, sp => Make<OrderService>(sp).GetAsync(orderId)))!.Tests.Single(t => t.Day == 1).Status);
    }

    /// <summary>
    /// The five-to-one roles are the county's list (data the command centre edits): "wizard" is refused naming "[i].role"; names are
    /// people's names and phones are stored normalised as the registry's. A role the county dropped from its list stays
    /// valid on an order that already names it.
    /// </summary>
    [Theory, OnSqlite, OnPostgres]
    public async Task Owners_AreOfTheCountysRoles_WithRealNamesAndPhones(Engine engine)
    {
        await using var db = await TestDatabase.CreateAsync(engine);
        SetNow(db, "2022-10-05 09:00");
        var person = (await PeopleAsync(db, 1))[0];
        var orderId = await Run(db, Command, sp => Make<OrderService>(sp).CreateAsync(new OrderCreate(person, [Reasons.CloseContact], D("2022-10-04"))));
        Task<bool> Set(params OwnerInput[] owners) => Run(db, Command, sp => Make<OrderService>(sp).SetOwnersAsync(orderId, owners));
        async Task<IReadOnlyList<OrderOwnerItem>> Owners() => (await Run(db, Command, sp => Make<OrderService>(sp).GetAsync(orderId)))!.Owners;

        Assert.True(await Set(new OwnerInput("doctor", "李医生", "+86 139-1234-5678"), new OwnerInput("volunteer", "赵六", null)));
        await using (var ctx = await db.ContextAsync())
            Assert.Equal("13912345678", (await ctx.OrderOwners.SingleAsync(w => w.OrderId == orderId && w.Role == "doctor")).Phone);

        var refused = await Assert.ThrowsAsync<ValidationFailedException>(() => Set(
            new OwnerInput("wizard", "梅林", null), new OwnerInput("doctor", "张三3", null), new OwnerInput("police", "王警官", "110110")));
        Assert.Equal([new FieldError("[0].role", "owner.role-unknown:wizard"), new FieldError("[1].name", "name.characters"), new FieldError("[2].phone", "phone.invalid")],
            refused.Errors);
        Assert.Equal(["doctor", "volunteer"], (await Owners()).Select(w => w.Role).Order());

        // The county replaces volunteers with grid workers: this order keeps its volunteer, a new order may not name one.
        var roles = await Run(db, Command, sp => Make<DutyRoleService>(sp).ListAsync(DutyRoleKind.Owner));
        var volunteer = roles.Single(r => r.Code == "volunteer");
        await Run(db, Command, sp => Make<DutyRoleService>(sp).UpdateAsync(volunteer.Id, new DutyRoleInput(null, null, volunteer.NameZh, volunteer.NameEn, null, false)));
        await Run(db, Command, sp => Make<DutyRoleService>(sp).CreateAsync(new DutyRoleInput(DutyRoleKind.Owner, "grid-worker", "网格员", "Grid worker", null, null)));
        Assert.True(await Set(new OwnerInput("volunteer", "赵六", null), new OwnerInput("grid-worker", "孙七", null)));
        Assert.Equal(["grid-worker", "volunteer"], (await Owners()).Select(w => w.Role).Order(StringComparer.Ordinal));
        var second = (await PeopleAsync(db, 2))[1];
        var other = await Run(db, Command, sp => Make<OrderService>(sp).CreateAsync(new OrderCreate(second, [Reasons.CloseContact], D("2022-10-04"))));
        Assert.Equal(new FieldError("[0].role", "owner.role-unknown:volunteer"),
            await RefusedAsync(() => Run(db, Command, sp => Make<OrderService>(sp).SetOwnersAsync(other, [new OwnerInput("volunteer", "赵六", null)]))));
    }

    /// <summary>A symptom set or a vulnerable-group set with bits the lists do not define is refused naming the field; nothing is stored.</summary>
    [Theory, OnSqlite, OnPostgres]
    public async Task SymptomsAndVulnerableGroups_OutsideTheirLists_AreRefused(Engine engine)
    {
        await using var db = await TestDatabase.CreateAsync(engine);
        SetNow(db, "2022-10-05 09:00");
        var person = (await PeopleAsync(db, 1))[0];
        var orderId = await Run(db, Command, sp => Make<OrderService>(sp).CreateAsync(new OrderCreate(person, [Reasons.CloseContact], D("2022-10-04"))));
        foreach (var junk in new[] { (Symptoms)1024, (Symptoms)(-1), Symptoms.Fever | (Symptoms)4096 })
            Assert.Equal(new FieldError("symptoms", "symptoms.invalid"),
                await RefusedAsync(() => Run(db, Command, sp => Make<MonitoringService>(sp).ReportAsync(orderId, new ReportInput(ReportSlot.Morning, 36.5m, junk)))));
        await using (var ctx = await db.ContextAsync())
            Assert.False(await ctx.HealthReports.AnyAsync(r => r.OrderId == orderId));
        Assert.True((await Run(db, Command, sp => Make<MonitoringService>(sp).ReportAsync(orderId, new ReportInput(ReportSlot.Morning, 36.5m, Symptoms.Fatigue | Symptoms.Diarrhoea))))!.Alarming);

        var detail = (await Run(db, Command, sp => Make<PeopleService>(sp).GetAsync(person)))!;
        PersonInput Edit(VulnerableFlags vulnerable, ResidenceStatus residence = ResidenceStatus.Resident) =>
            new(detail.Name, NodeId: detail.NodeId, Residence: residence, Vulnerable: vulnerable, Categories: detail.Categories, Version: detail.Version);
        Assert.Equal(new FieldError("vulnerable", "vulnerable.invalid"),
            await RefusedAsync(() => Run(db, Command, sp => Make<PeopleService>(sp).UpdateAsync(person, Edit(VulnerableFlags.Pregnant | (VulnerableFlags)128), "核实"))));
        Assert.Equal(new FieldError("residence", "residence.unknown"),
            await RefusedAsync(() => Run(db, Command, sp => Make<PeopleService>(sp).UpdateAsync(person, Edit(VulnerableFlags.None, (ResidenceStatus)9), "核实"))));
        Assert.Equal(new FieldError("documentType", "document-type.unknown"),
            await RefusedAsync(() => Run(db, Command, sp => Make<PeopleService>(sp).UpdateAsync(person, Edit(VulnerableFlags.None) with { DocumentType = (Core.Identifiers.DocumentType)42 }, "核实"))));
        var unchanged = (await Run(db, Command, sp => Make<PeopleService>(sp).GetAsync(person)))!;
        Assert.Equal((detail.Vulnerable, detail.Version), (unchanged.Vulnerable, unchanged.Version));
        Assert.True(await Run(db, Command, sp => Make<PeopleService>(sp).UpdateAsync(person, Edit(VulnerableFlags.LivesAlone), "核实")));
        Assert.True((await Run(db, Command, sp => Make<PeopleService>(sp).GetAsync(person)))!.Vulnerable.HasFlag(VulnerableFlags.LivesAlone));
    }
}
