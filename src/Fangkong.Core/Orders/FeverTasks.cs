using System.Globalization;
using Fangkong.Core.Tasks;

namespace Fangkong.Core.Orders;

/// <summary>What an alarming reading does to the order's fever-transfer tasks.</summary>
public enum FeverTaskAction
{
    /// <summary>The reading is not alarming: no task is raised or changed.</summary>
    None = 0,
    /// <summary>No open fever task on the order: a new one is raised.</summary>
    Raise = 1,
    /// <summary>The order already has an open fever task (wherever it now sits, escalated or not): the reading joins it.</summary>
    Attach = 2,
}

/// <summary>
/// One fever-transfer task (待办预警) per person's order, not one per reading: while the order has an open fever task,
/// each later alarming reading attaches to it (its title carries the highest temperature and every symptom so far), so
/// two people never work the same fever twice. Once the task is handled or closed, the next alarming reading raises a new one.
/// </summary>
public static class FeverTasks
{
    /// <summary>The kind of the task a fever raises.</summary>
    public const string Kind = "fever-transfer";

    /// <summary>The start of every dedup key of a task raised by a reading (a spot check's "unwell" task has another).</summary>
    public const string KeyPrefix = "fever:";

    public static FeverTaskAction Decide(bool alarming, bool openTaskExists) =>
        !alarming ? FeverTaskAction.None : openTaskExists ? FeverTaskAction.Attach : FeverTaskAction.Raise;

    /// <summary>
    /// The dedup key of the task a reading raises: its order, date and slot, and for a re-measurement its place in the slot
    /// (a task closed after the slot's first reading must not stop a later alarming re-measurement from raising a new one).
    /// </summary>
    public static string Key(long orderId, DateOnly date, ReportSlot slot, int sequence)
    {
        var key = string.Create(CultureInfo.InvariantCulture, $"{KeyPrefix}{orderId}:{date:yyyyMMdd}:{slot}");
        return sequence == 0 ? key : string.Create(CultureInfo.InvariantCulture, $"{key}:{sequence}");
    }

    /// <summary>
    /// The open task's title once a reading attaches to it: the higher of the two temperatures and the union of the
    /// symptoms. A stored title that is not a fever's (unreadable) gives the reading's own.
    /// </summary>
    public static TaskTitle Attach(string? storedTitle, decimal temperature, Symptoms symptoms)
    {
        var (t, s) = Read(storedTitle);
        return TaskTitle.Fever(t is { } stored ? Math.Max(stored, temperature) : temperature, s | symptoms);
    }

    /// <summary>The temperature and symptoms a stored fever title carries; (null, None) when it is not a fever's.</summary>
    public static (decimal? Temperature, Symptoms Symptoms) Read(string? storedTitle)
    {
        if (TaskTitle.Parse(storedTitle) is not { Code: TaskTitle.FeverCode } title) return (null, Symptoms.None);
        decimal? t = decimal.TryParse(title["temperature"], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var v) ? v : null;
        var symptoms = Symptoms.None;
        foreach (var item in (title["symptoms"] ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            if (Enum.TryParse<Symptoms>(item, out var one) && Enum.IsDefined(one)) symptoms |= one;
        return (t, symptoms);
    }
}
