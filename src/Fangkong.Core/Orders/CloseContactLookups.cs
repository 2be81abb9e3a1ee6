using System.Globalization;

namespace Fangkong.Core.Orders;

/// <summary>Whether an account may look a close contact up now and, if not, when it may again.</summary>
/// <param name="NextAt">When the oldest look-up that keeps the account at the limit leaves the window; null when allowed.</param>
public sealed record LookupAllowance(bool Allowed, DateTime? NextAt)
{
    /// <summary>Whole minutes (at least one) until <see cref="NextAt"/>, what a refusal tells the cadre to wait; 0 when allowed.</summary>
    public int MinutesToWait(DateTime now) =>
        NextAt is { } next ? Math.Max(1, (int)Math.Ceiling((next - now).TotalMinutes)) : 0;
}

/// <summary>
/// The rules of the county-wide close-contact look-up (by exact ID or phone number), which could otherwise be used to
/// probe who is under control anywhere in the county: an account may make at most a configured number of look-ups in
/// a sliding <see cref="Window"/>, counted from the look-ups it made (the access log, shared by every node); and an
/// order of another township may be linked to only when a look-up by the same account returned it within
/// <see cref="LinkWindow"/>, the look-up's log entry naming the orders it returned (<see cref="FoundField"/>).
/// </summary>
public static class CloseContactLookups
{
    /// <summary>The sliding window the look-ups are counted in.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(10);

    /// <summary>How long an order a look-up returned may be linked to by the account that looked it up.</summary>
    public static readonly TimeSpan LinkWindow = TimeSpan.FromHours(24);

    public const int DefaultLimit = 30;

    /// <summary>The access-log field listing the ids of the orders a look-up returned ("12,40").</summary>
    public const string FoundField = "Orders";

    /// <summary>
    /// Whether one more look-up is allowed at <paramref name="now"/>, given the times of the account's earlier look-ups
    /// (those older than the window or later than now are not counted; passing only the latest <paramref name="limit"/>
    /// is enough). At the limit, the next is allowed once enough of them have left the window: when the
    /// <paramref name="limit"/>-th latest is <see cref="Window"/> old.
    /// </summary>
    public static LookupAllowance Check(IEnumerable<DateTime> lookups, int limit, DateTime now)
    {
        var limitOrOne = Math.Max(1, limit);
        var since = now - Window;
        var inWindow = lookups.Where(t => t > since && t <= now).OrderByDescending(t => t).ToList();
        if (inWindow.Count < limitOrOne) return new LookupAllowance(true, null);
        return new LookupAllowance(false, inWindow[limitOrOne - 1] + Window);
    }

    /// <summary>The value of <see cref="FoundField"/> for the orders a look-up returned; null for none.</summary>
    public static string? Found(IEnumerable<long> orderIds)
    {
        var text = string.Join(",", orderIds.Select(id => id.ToString(CultureInfo.InvariantCulture)));
        return text.Length == 0 ? null : text;
    }

    /// <summary>Whether a look-up whose <see cref="FoundField"/> reads <paramref name="found"/> returned the order.</summary>
    public static bool Returned(string? found, long orderId) =>
        found is not null && found.Split(',').Any(part => long.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var id) && id == orderId);
}
