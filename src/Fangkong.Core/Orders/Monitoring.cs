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

/// <summary>A morning or evening temperature and symptom report, by staff or by the person through their link.</summary>
public sealed class HealthReport : IJurisdictionOwned
{
    public long Id { get; set; }
    public string CountyCode { get; set; } = "";
    public string ScopeKey { get; set; } = "";
    public long OrderId { get; set; }
    public long PersonId { get; set; }
    public DateOnly Date { get; set; }
    public ReportSlot Slot { get; set; }
    public decimal Temperature { get; set; }
    public Symptoms Symptoms { get; set; }
    /// <summary>"self" (the person's link) or the reporting account.</summary>
    public string ReportedBy { get; set; } = "";
    public DateTime ReportedAt { get; set; }
    public string? Note { get; set; }
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

    public static bool IsAlarming(decimal temperature, Symptoms symptoms) => temperature >= FeverThreshold || symptoms != Symptoms.None;

    /// <summary>A morning report is due by 11:00, an evening one by 21:00 (county time); configurable by the host.</summary>
    public static TimeOnly DefaultDeadline(ReportSlot slot) => slot == ReportSlot.Morning ? new TimeOnly(11, 0) : new TimeOnly(21, 0);
}
