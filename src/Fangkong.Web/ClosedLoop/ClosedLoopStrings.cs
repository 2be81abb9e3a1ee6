using Microsoft.Extensions.Localization;

namespace Fangkong.Web.ClosedLoop;

/// <summary>Strings of the closed loop: risk areas, rule packs, arrivals, orders, monitoring, tasks, ledgers, public pages.</summary>
public sealed class ClosedLoopStrings;

public static class ClosedLoopStringsExtensions
{
    /// <summary>A reason code in words ("close-contact" → 密切接触者); a county's own code without a translation as written.</summary>
    public static string Reason(this IStringLocalizer<ClosedLoopStrings> c, string code) =>
        c["Reason_" + code] is { ResourceNotFound: false } s ? s.Value : code;

    /// <summary>
    /// A work task's stored title (<see cref="Core.Tasks.TaskTitle"/>: a code and its arguments) in the UI language; a
    /// title of no known shape as stored.
    /// </summary>
    public static string TaskTitle(this IStringLocalizer<ClosedLoopStrings> c, string? stored) =>
        Core.Tasks.TaskTitle.Parse(stored) is { } title ? title.Render(key => c[key] is { ResourceNotFound: false } s ? s.Value : null) : stored ?? "";

    /// <summary>A measure kind in words ("centralized-quarantine" → 集中隔离医学观察); an unknown kind as written.</summary>
    public static string Measure(this IStringLocalizer<ClosedLoopStrings> c, string kind) =>
        c["Kind_" + kind] is { ResourceNotFound: false } s ? s.Value : kind;

    /// <summary>What a rule orders, in sequence: "集中隔离医学观察 7 天 → 居家健康监测 3 天".</summary>
    public static string Plan(this IStringLocalizer<ClosedLoopStrings> c, Core.Policy.ReasonRule rule) =>
        string.Join(" → ", rule.Measures.Select(m => c.Measure(m.Kind) + " " + string.Format(c["DaysN"], m.Days)));

    /// <summary>Comma-separated reason codes in words, joined with 、.</summary>
    public static string Reasons(this IStringLocalizer<ClosedLoopStrings> c, string? codes) =>
        string.Join("、", (codes ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(c.Reason));
}
