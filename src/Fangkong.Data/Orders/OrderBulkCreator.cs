using System.Diagnostics;
using System.Globalization;
using Fangkong.Core;
using Fangkong.Core.Accounts;
using Fangkong.Core.Audit;
using Fangkong.Core.Orders;
using Fangkong.Core.Policy;
using Fangkong.Data.Infrastructure;
using Fangkong.Data.Policy;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Fangkong.Data.Orders;

public sealed record BulkOrderRequest(long PersonId, string Reason, DateOnly ExposureDate);
/// <param name="AlreadyOpen">Requests skipped because the person already has an open order (proposed or in force) for
/// that reason, anywhere in the county, or an earlier request of the same batch opens one: as the single path refuses a
/// second order for the same reason.</param>
public sealed record BulkOrderResult(int Requested, int Created, int NotManaged, int UnknownPeople, int AlreadyOpen, int Rows, long ElapsedMs, string Phases = "");

/// <summary>
/// Opens orders for many people at once — the close contacts of a positive pool, a provincial list of people who
/// left a high-risk area — set-based: people looked up in chunks, each distinct (reason, exposure) evaluated once,
/// keys reserved in one round trip per table, rows written by the database's bulk path (COPY on PostgreSQL) in one
/// transaction, and one audit entry naming the count and the rules applied. A person who already has an open order
/// for the reason is skipped (one look-up of the open orders of all the people asked for), never given a second one.
/// </summary>
public sealed class OrderBulkCreator(IDbContextFactory<FangkongDb> factory, IActorAccessor actor, PolicyCache cache, IOptions<FangkongOptions> options, TimeProvider time)
{
    private const int Chunk = 5000;
    private Actor Actor => actor.Current;

    public async Task<BulkOrderResult> CreateAsync(IReadOnlyList<BulkOrderRequest> requests, bool confirm, string reason, CancellationToken ct = default)
    {
        Actor.Require(Permissions.OrdersManage);
        var clock = Stopwatch.StartNew();
        await using var db = await factory.CreateDbContextAsync(ct);
        var county = Actor.Scope.All ? options.Value.County : Actor.Scope.CountyCode;
        var today = CountyClock.Today(time, options.Value.TimeZone);
        var rules = await PolicyService.RulesAsync(db, county, cache, ct);
        var now = time.GetUtcNow().UtcDateTime;
        var phases = new System.Text.StringBuilder();
        void Lap(string name) => phases.Append(CultureInfo.InvariantCulture, $"{name} {clock.ElapsedMilliseconds} ms; ");

        // People through the actor's jurisdiction filter (someone out of reach counts as unknown): a few in chunks by
        // key; many by one streaming pass over the visible registry, cheaper than thousands of key look-ups.
        var people = new Dictionary<long, (string County, string Scope)>(requests.Count);
        var wanted = requests.Select(r => r.PersonId).ToHashSet();
        if (wanted.Count > Chunk * 4)
        {
            await foreach (var p in db.People.AsNoTracking().Select(p => new { p.Id, p.CountyCode, p.ScopeKey }).AsAsyncEnumerable().WithCancellation(ct))
                if (wanted.Contains(p.Id)) people[p.Id] = (p.CountyCode, p.ScopeKey);
        }
        else
        {
            foreach (var chunk in wanted.Chunk(Chunk))
                foreach (var p in await db.People.AsNoTracking().Where(p => chunk.Contains(p.Id)).Select(p => new { p.Id, p.CountyCode, p.ScopeKey }).ToListAsync(ct))
                    people[p.Id] = (p.CountyCode, p.ScopeKey);
        }
        Lap("people");

        // The open orders of those people, wherever in the county they are kept (as the single path looks): the
        // (person, reason) pairs already covered. Few people: by key in chunks; many: one pass over the county's open orders.
        // (A person's key is theirs alone, so an order naming it is theirs whatever its county.)
        var open = new HashSet<(long, string)>();
        var openOrders = db.Orders.IgnoreQueryFilters([FangkongDb.JurisdictionFilter]).AsNoTracking().WhereOpen();
        void Covered(long personId, string reasons)
        {
            foreach (var r in OrderRules.ReasonsOf(reasons)) open.Add((personId, r));
        }
        if (people.Count > Chunk * 4)
        {
            var counties = people.Values.Select(p => p.County).Distinct().ToList();
            if (counties is [var only]) openOrders = openOrders.Where(o => o.CountyCode == only);
            await foreach (var o in openOrders.Select(o => new { o.PersonId, o.Reasons }).AsAsyncEnumerable().WithCancellation(ct))
                if (people.ContainsKey(o.PersonId)) Covered(o.PersonId, o.Reasons);
        }
        else
        {
            foreach (var chunk in people.Keys.Chunk(Chunk))
                foreach (var o in await openOrders.Where(o => chunk.Contains(o.PersonId)).Select(o => new { o.PersonId, o.Reasons }).ToListAsync(ct))
                    Covered(o.PersonId, o.Reasons);
        }
        Lap("open");

        var evaluations = new Dictionary<(string, DateOnly), PolicyEvaluation>();
        var orders = new List<ControlOrder>(requests.Count);
        int notManaged = 0, unknown = 0, alreadyOpen = 0;
        foreach (var r in requests)
        {
            if (!people.TryGetValue(r.PersonId, out var person)) { unknown++; continue; }
            if (open.Contains((r.PersonId, r.Reason))) { alreadyOpen++; continue; }
            if (!evaluations.TryGetValue((r.Reason, r.ExposureDate), out var evaluation))
                evaluations[(r.Reason, r.ExposureDate)] = evaluation = rules.Evaluate(r.Reason, r.ExposureDate, today);
            if (!evaluation.Managed || evaluation.End < today) { notManaged++; continue; }
            var order = OrderRules.Build(evaluation, [r.Reason], person.County, person.Scope, r.PersonId, now);
            order.Status = confirm ? OrderStatus.Active : OrderStatus.Proposed;
            order.Version = 1;
            orders.Add(order);
            open.Add((r.PersonId, r.Reason));
        }

        Lap("evaluated");
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var writer = new BulkWriter(db);
        var orderIds = await writer.AllocateIdsAsync<ControlOrder>(orders.Count, ct);
        var measures = new List<OrderMeasure>(orders.Count * 2);
        var tests = new List<OrderTest>(orders.Count * 6);
        for (var i = 0; i < orders.Count; i++)
        {
            var o = orders[i];
            o.Id = orderIds[i];
            foreach (var m in o.Measures) { m.OrderId = o.Id; measures.Add(m); }
            foreach (var t in o.Tests) { t.OrderId = o.Id; tests.Add(t); }
        }
        var measureIds = await writer.AllocateIdsAsync<OrderMeasure>(measures.Count, ct);
        for (var i = 0; i < measures.Count; i++) measures[i].Id = measureIds[i];
        var testIds = await writer.AllocateIdsAsync<OrderTest>(tests.Count, ct);
        for (var i = 0; i < tests.Count; i++) tests[i].Id = testIds[i];
        Lap("keys");
        await writer.InsertAsync(orders, ct);
        Lap("orders");
        await writer.InsertAsync(measures, ct);
        Lap("measures");
        await writer.InsertAsync(tests, ct);
        Lap("tests");

        var applied = orders.GroupBy(o => o.RuleReference).Select(g => $"{g.Key} ×{g.Count()}");
        db.Audit.Record(AuditKind.Change, "order.bulk-create", county, Actor.Scope.All ? county : Actor.Scope.Prefix, "ControlOrder",
            orders.Count == 0 ? null : $"{orders[0].Id}..{orders[^1].Id}",
            new AuditChanges().Set("Created", null, orders.Count.ToString(CultureInfo.InvariantCulture)).Set("Status", null, confirm ? "Active" : "Proposed")
                .Set("AlreadyOpen", null, alreadyOpen.ToString(CultureInfo.InvariantCulture)),
            reason: reason, rule: string.Join("; ", applied));
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        Lap("committed");
        return new BulkOrderResult(requests.Count, orders.Count, notManaged, unknown, alreadyOpen, orders.Count + measures.Count + tests.Count, clock.ElapsedMilliseconds, phases.ToString());
    }
}
