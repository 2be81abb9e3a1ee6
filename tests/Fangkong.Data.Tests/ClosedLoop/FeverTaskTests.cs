using System.Globalization;
using Fangkong.Core;
using Fangkong.Core.Accounts;
using Fangkong.Core.Jurisdictions;
using Fangkong.Core.Orders;
using Fangkong.Core.Policy;
using Fangkong.Core.Tasks;
using Fangkong.Data.Infrastructure;
using Fangkong.Data.Orders;
using Fangkong.Data.Tasks;
using Fangkong.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using TaskStatus = Fangkong.Core.Tasks.TaskStatus;
using static Fangkong.Testing.CountyTestKit;

namespace Fangkong.Data.Tests.ClosedLoop;

/// <summary>One fever-transfer task (待办预警) per person's order while it is open, not one per reading.</summary>
public class FeverTaskTests
{
    private static async Task<long> ActiveCloseContactAsync(TestDatabase db, string exposure)
    {
        await using var ctx = await db.ContextAsync();
        var personId = await ctx.People.Where(p => p.CountyCode == County).OrderBy(p => p.Id).Select(p => p.Id).FirstAsync();
        return await Run(db, Command, sp => Make<OrderService>(sp).CreateAsync(new OrderCreate(personId, [Reasons.CloseContact], D(exposure), Note: "流调判定密接")));
    }

    /// <summary>
    /// 38.0 °C with a cough in the morning, 38.4 °C tired in the evening: one task, titled with the highest temperature and
    /// both symptoms, even after it went up to the township (it stays there); the change is audited with the evening
    /// reading's slot and date. Once the task is closed, the next alarming reading (a re-measurement of the same slot)
    /// raises a new task, which the next day's fever joins.
    /// </summary>
    [Theory, OnSqlite, OnPostgres]
    public async Task ASecondFever_JoinsTheOpenTask_EvenEscalated_AndAfterItIsClosedANewOneIsRaised(Engine engine)
    {
        await using var db = await TestDatabase.CreateAsync(engine);
        SetNow(db, "2022-09-01 08:00");
        var orderId = await ActiveCloseContactAsync(db, "2022-09-01");
        var village = As(Roles.VillageCadre, County);
        var report = (ReportInput input) => Run(db, village, sp => Make<MonitoringService>(sp).ReportAsync(orderId, input));

        var morning = await report(new ReportInput(ReportSlot.Morning, 38.0m, Symptoms.DryCough));
        var first = Assert.IsType<long>(morning!.TaskId);

        // Not handled within the alert window: the sweeper sends it up to the township.
        SetNow(db, "2022-09-01 09:30");
        var system = new Actor("system", "sweeper", JurisdictionScope.Of(County, County), new HashSet<string>(Permissions.All));
        var now = db.Services.GetRequiredService<ExerciseClock>().GetUtcNow().UtcDateTime;
        await Run(db, system, sp => Make<ClosedLoopSweeper>(sp).SweepAsync(County, now, "node-0"));
        string escalatedTo;
        await using (var ctx = await db.ContextAsync())
        {
            var t = await ctx.Tasks.SingleAsync(x => x.Id == first);
            Assert.Equal(1, t.EscalationLevel);
            escalatedTo = t.ScopeKey;
            Assert.NotEqual(t.OriginalScopeKey, escalatedTo);
        }

        // The evening fever, reported by the village (which no longer sees the escalated task), joins it.
        SetNow(db, "2022-09-01 19:00");
        var evening = await report(new ReportInput(ReportSlot.Evening, 38.4m, Symptoms.Fatigue));
        Assert.Equal((true, (long?)first), (evening!.Alarming, evening.TaskId));
        // A normal reading changes nothing.
        SetNow(db, "2022-09-01 19:20");
        Assert.Equal((long?)null, (await report(new ReportInput(ReportSlot.Evening, 36.6m)))!.TaskId);
        await using (var ctx = await db.ContextAsync())
        {
            var fevers = await ctx.Tasks.Where(x => x.OrderId == orderId && x.Kind == FeverTasks.Kind).ToListAsync();
            var t = Assert.Single(fevers);
            Assert.Equal(TaskTitle.Fever(38.4m, Symptoms.DryCough | Symptoms.Fatigue), TaskTitle.Parse(t.Title));
            Assert.Equal((1, escalatedTo, TaskStatus.Open), (t.EscalationLevel, t.ScopeKey, t.Status));
            var audit = await ctx.AuditEntries.Where(e => e.EntityType == "WorkTask" && e.EntityId == first.ToString(CultureInfo.InvariantCulture) && e.Changes!.Contains("Title"))
                .OrderBy(e => e.Id).Select(e => e.Reason).ToListAsync();
            // Raised by the morning reading; its title changed by the evening one, nothing in between.
            Assert.Equal(["morning report 2022-09-01: alarming", $"evening report 2022-09-01: alarming; joins open fever task {first}"], audit);
        }

        // Handled: the next alarming reading, even a re-measurement of the same evening, is a new task.
        SetNow(db, "2022-09-01 19:30");
        Assert.True(await Run(db, Command, sp => Make<TaskService>(sp).CloseAsync(first, "已转运至县人民医院发热门诊")));
        SetNow(db, "2022-09-01 20:00");
        var again = await report(new ReportInput(ReportSlot.Evening, 37.6m));
        var second = Assert.IsType<long>(again!.TaskId);
        Assert.NotEqual(first, second);
        // …which the next morning's fever joins, without a third.
        SetNow(db, "2022-09-02 08:00");
        Assert.Equal((long?)second, (await report(new ReportInput(ReportSlot.Morning, 37.9m, Symptoms.SoreThroat)))!.TaskId);
        await using (var ctx = await db.ContextAsync())
        {
            var fevers = await ctx.Tasks.Where(x => x.OrderId == orderId && x.Kind == FeverTasks.Kind).OrderBy(x => x.Id).ToListAsync();
            Assert.Equal([first, second], fevers.Select(x => x.Id).ToList());
            Assert.Equal((TaskStatus.Done, TaskStatus.Open), (fevers[0].Status, fevers[1].Status));
            Assert.Equal(TaskTitle.Fever(37.9m, Symptoms.SoreThroat), TaskTitle.Parse(fevers[1].Title));
            Assert.Equal(TaskTitle.Fever(38.4m, Symptoms.DryCough | Symptoms.Fatigue), TaskTitle.Parse(fevers[0].Title));
        }
    }
}
