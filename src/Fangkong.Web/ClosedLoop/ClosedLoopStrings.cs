namespace Fangkong.Web.ClosedLoop;

/// <summary>Strings of the closed loop: risk areas, rule packs, arrivals, orders, monitoring, tasks, ledgers, public pages.</summary>
public sealed class ClosedLoopStrings;
