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

    /// <summary>Comma-separated reason codes in words, joined with 、.</summary>
    public static string Reasons(this IStringLocalizer<ClosedLoopStrings> c, string? codes) =>
        string.Join("、", (codes ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(c.Reason));
}
