using System.Linq.Expressions;
using Fangkong.Core.Orders;

namespace Fangkong.Data.Orders;

/// <summary>
/// The order statuses of <see cref="ControlOrder.RunningStatuses"/>, <see cref="ControlOrder.InForceStatuses"/> and
/// <see cref="ControlOrder.OpenStatuses"/> as database conditions, built once from those lists so the queries and the
/// C# rules cannot drift apart. Each is written as <c>"Status" = 1 OR "Status" = 7 …</c> with the numbers as
/// constants (an <c>IN</c> list of literals on both engines), never as a parameter collection (which EF may send as
/// JSON and read with json_each/ANY, out of reach of the (county, status, …) indexes).
/// </summary>
public static class OrderStatusQueries
{
    /// <summary>Active, converted or extended: the measures are being carried out.</summary>
    public static readonly Expression<Func<ControlOrder, bool>> Running = StatusIn(ControlOrder.RunningStatuses);
    /// <summary>Running, or past the end awaiting release.</summary>
    public static readonly Expression<Func<ControlOrder, bool>> InForce = StatusIn(ControlOrder.InForceStatuses);
    /// <summary>In force, or proposed.</summary>
    public static readonly Expression<Func<ControlOrder, bool>> Open = StatusIn(ControlOrder.OpenStatuses);
    /// <summary>What gives the person a control status: in force, or taken to hospital (<see cref="OrderRules.StatusOn"/>).</summary>
    public static readonly Expression<Func<ControlOrder, bool>> Governing = StatusIn([.. ControlOrder.InForceStatuses, OrderStatus.TransferredToHospital]);

    public static IQueryable<ControlOrder> WhereRunning(this IQueryable<ControlOrder> orders) => orders.Where(Running);
    public static IQueryable<ControlOrder> WhereInForce(this IQueryable<ControlOrder> orders) => orders.Where(InForce);
    public static IQueryable<ControlOrder> WhereOpen(this IQueryable<ControlOrder> orders) => orders.Where(Open);

    /// <summary>
    /// Tests scheduled on <paramref name="date"/> with no result yet (due, or sampled and waiting for the lab): 今日待检
    /// when the date is the county's today. The one definition the ledger's count and the orders list's filter share.
    /// </summary>
    public static IQueryable<OrderTest> WhereAwaitingOn(this IQueryable<OrderTest> tests, DateOnly date) =>
        tests.Where(t => t.Date == date && (t.Status == TestStatus.Due || t.Status == TestStatus.Sampled));

    /// <summary>
    /// Orders in force with a test scheduled on <paramref name="date"/> and no result yet (<see cref="WhereAwaitingOn"/>):
    /// the orders list's 今日待检 filter and the ledger's count of it, one order per person to be tested.
    /// </summary>
    public static IQueryable<ControlOrder> WhereTestAwaitingOn(this IQueryable<ControlOrder> orders, IQueryable<OrderTest> tests, DateOnly date)
    {
        var awaiting = tests.WhereAwaitingOn(date);
        return orders.WhereInForce().Where(o => awaiting.Any(t => t.OrderId == o.Id));
    }

    /// <summary><c>o => o.Status == s1 || o.Status == s2 || …</c> with each status a constant.</summary>
    public static Expression<Func<ControlOrder, bool>> StatusIn(IReadOnlyList<OrderStatus> statuses)
    {
        if (statuses.Count == 0) throw new ArgumentException("at least one status", nameof(statuses));
        var o = Expression.Parameter(typeof(ControlOrder), "o");
        // As the compiler writes `o.Status == OrderStatus.Active`: the enum compared as its number.
        var status = Expression.Convert(Expression.Property(o, nameof(ControlOrder.Status)), typeof(int));
        var body = statuses.Distinct()
            .Select(s => (Expression)Expression.Equal(status, Expression.Constant((int)s)))
            .Aggregate(Expression.OrElse);
        return Expression.Lambda<Func<ControlOrder, bool>>(body, o);
    }
}
