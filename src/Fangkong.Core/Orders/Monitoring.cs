using Fangkong.Core.Jurisdictions;

namespace Fangkong.Core.Orders;

public enum ReportSlot { Morning = 0, Evening = 1 }

[Flags]
public enum Symptoms
{
    None = 0,
    Fever = 1,          // 发热
    DryCough = 2,       // 干咳
    Fatigue = 4,        // 乏力
    SoreThroat = 8,     // 咽痛
    LossOfSmell = 16,   // 嗅(味)觉减退
    Congestion = 32,    // 鼻塞
    RunnyNose = 64,     // 流涕
    Conjunctivitis = 128, // 结膜炎
    Myalgia = 256,      // 肌痛
    Diarrhoea = 512,    // 腹泻
}

/// <summary>
/// One temperature and symptom reading of a morning or evening slot, by staff or by the person through their link.
/// Every reading is kept: the slot's first is <see cref="Sequence"/> 0, a re-measurement (复测) is the next number, so
/// a later normal reading never hides an alarming one. The slot counts as reported once any reading exists.
/// </summary>
public sealed class HealthReport : IJurisdictionOwned
{
    public long Id { get; set; }
    public string CountyCode { get; set; } = "";
    public string ScopeKey { get; set; } = "";
    public long OrderId { get; set; }
    public long PersonId { get; set; }
    public DateOnly Date { get; set; }
    public ReportSlot Slot { get; set; }
    /// <summary>The reading's place in its slot: 0 the first, then each re-measurement.</summary>
    public int Sequence { get; set; }
    public decimal Temperature { get; set; }
    public Symptoms Symptoms { get; set; }
    /// <summary><see cref="ReadingSources.SelfReporter"/> (the person's link) or the reporting account.</summary>
    public string ReportedBy { get; set; } = "";
    public DateTime ReportedAt { get; set; }
    public string? Note { get; set; }
}

/// <summary>Who took a reading: the person themself (本人, through their link) or staff (工作人员).</summary>
public static class ReadingSources
{
    /// <summary>The <see cref="HealthReport.ReportedBy"/> of a reading sent through the person's own link.</summary>
    public const string SelfReporter = "self";
    public const string Self = "self";
    public const string Staff = "staff";

    public static string Of(string reportedBy) => reportedBy == SelfReporter ? Self : Staff;
}

/// <summary>The person's own reporting link: only a hash of the token is stored; the link ends with the order.</summary>
public sealed class ReportLink : IJurisdictionOwned
{
    public long Id { get; set; }
    public string CountyCode { get; set; } = "";
    public string ScopeKey { get; set; } = "";
    public long OrderId { get; set; }
    public byte[] TokenHash { get; set; } = [];
    public DateTime ExpiresAt { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? RevokedAt { get; set; }
}

public enum SpotCheckOutcome { AtHomeAndWell = 0, NotReached = 1, AwayFromPlace = 2, Unwell = 3, Other = 4 }

/// <summary>A supervisor's random call-back or visit (抽查) of a person under an order, and what it found.</summary>
public sealed class SpotCheck : IJurisdictionOwned
{
    public long Id { get; set; }
    public string CountyCode { get; set; } = "";
    public string ScopeKey { get; set; } = "";
    public long OrderId { get; set; }
    public string Method { get; set; } = "phone";
    public SpotCheckOutcome Outcome { get; set; }
    public string? Note { get; set; }
    public string CheckedBy { get; set; } = "";
    public DateTime CheckedAt { get; set; }
}

/// <summary>The monitoring rules: thresholds and the hours by which each slot's report is due (county time).</summary>
public static class MonitoringRules
{
    public const decimal FeverThreshold = 37.3m;

    /// <summary>
    /// The same reading from the same reporter within this time is the one already stored (a double tap, a form sent
    /// again); later, the same values are a genuine re-measurement and are kept.
    /// </summary>
    public static readonly TimeSpan ResendWindow = TimeSpan.FromMinutes(10);

    /// <summary>The most readings one slot (an order's morning or evening of a day) holds: enough for every re-measurement a
    /// fever brings, not an unbounded list from a public link.</summary>
    public const int MaxReadingsPerSlot = 6;

    /// <summary>Whether a reading is a resend of a stored one: same reporter and values, within <see cref="ResendWindow"/>.</summary>
    public static bool IsResend(string storedBy, decimal storedTemperature, Symptoms storedSymptoms, string? storedNote, DateTime storedAt,
        string by, decimal temperature, Symptoms symptoms, string? note, DateTime at) =>
        storedBy == by && storedTemperature == temperature && storedSymptoms == symptoms && storedNote == note && at - storedAt < ResendWindow;

    public static bool IsAlarming(decimal temperature, Symptoms symptoms) => temperature >= FeverThreshold || symptoms != Symptoms.None;

    /// <summary>A morning report is due by 11:00, an evening one by 21:00 (county time); configurable by the host.</summary>
    public static TimeOnly DefaultDeadline(ReportSlot slot) => slot == ReportSlot.Morning ? new TimeOnly(11, 0) : new TimeOnly(21, 0);
}
