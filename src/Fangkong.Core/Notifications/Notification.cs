using Fangkong.Core.Jurisdictions;

namespace Fangkong.Core.Notifications;

/// <summary>
/// A message to a unit (a node of the jurisdiction tree: a village, a township's special team, the county command
/// centre): "12 verification tasks missed the 1-hour deadline", "a task was escalated to you", "a fever at home".
/// It shows in the inbox of the unit's accounts and is sent as a text message to those with a phone. It is stored as
/// data (kind, count, detail, subject) and put into words in the reader's language when shown or sent.
/// </summary>
public sealed class Notification : IJurisdictionOwned
{
    public long Id { get; set; }
    public string CountyCode { get; set; } = "";
    /// <summary>The unit addressed (never deeper than a village: grid workers read their village's notices).</summary>
    public string ScopeKey { get; set; } = "";
    /// <summary>One of <see cref="NotificationKinds"/>.</summary>
    public string Kind { get; set; } = "";
    /// <summary>0: the owner; 1: escalated to the township lead; 2: escalated to the county.</summary>
    public int Level { get; set; }
    /// <summary>How many tasks, people or reports the notice is about.</summary>
    public int Count { get; set; } = 1;
    /// <summary>What kind of thing: the verification stage missed, the task kind raised, the report slot.</summary>
    public string? Detail { get; set; }
    /// <summary>Neutral data: a task's title (a <see cref="Tasks.TaskTitle"/>, put in words where it is shown), a date, the unit the tasks came from.</summary>
    public string? Subject { get; set; }
    /// <summary>The page that handles it (a site-relative path).</summary>
    public string? Link { get; set; }
    /// <summary>Unique per county: the same event is notified once, whichever node records it and however often.</summary>
    public string DedupKey { get; set; } = "";
    public DateTime CreatedAt { get; set; }
    public DateTime? ReadAt { get; set; }
    public string? ReadBy { get; set; }
    /// <summary>When the text messages for the unit's accounts were queued (null: not yet).</summary>
    public DateTime? FannedOutAt { get; set; }
}

public enum SmsStatus { Pending = 0, Sent = 1, Failed = 2 }

/// <summary>
/// One text message to one account about one notification (the outbox). Sent by whichever web node leases it
/// first; retried with back-off; the gateway's reference is kept. The phone is read from the account when sending.
/// </summary>
public sealed class OutboundSms : IJurisdictionOwned
{
    public long Id { get; set; }
    public string CountyCode { get; set; } = "";
    /// <summary>The notification's unit.</summary>
    public string ScopeKey { get; set; } = "";
    public long NotificationId { get; set; }
    public long AccountId { get; set; }
    /// <summary>The recipient's phone masked (138****5678), for the outbox page.</summary>
    public string PhoneMasked { get; set; } = "";
    public string Text { get; set; } = "";
    public SmsStatus Status { get; set; }
    public int Attempts { get; set; }
    public DateTime NextAttemptAt { get; set; }
    public string? LeaseHolder { get; set; }
    public DateTime? LeaseUntil { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? SentAt { get; set; }
    /// <summary>Which gateway took it ("development" keeps messages on this platform's outbox page only).</summary>
    public string? Gateway { get; set; }
    public string? GatewayReference { get; set; }
    public string? Error { get; set; }
}

public static class NotificationKinds
{
    /// <summary>Verification tasks of a unit missed a deadline (Detail: the stage).</summary>
    public const string VerificationMissed = "verification.missed";
    /// <summary>Missed verification tasks were escalated to this unit (Level 1 or 2; Detail: the stage).</summary>
    public const string VerificationEscalated = "verification.escalated";
    /// <summary>An urgent task was raised for the unit (Detail: the task kind; Subject: its title).</summary>
    public const string TaskRaised = "task.raised";
    /// <summary>A task not handled in time was escalated to this unit (Detail: the task kind; Subject: its title).</summary>
    public const string TaskEscalated = "task.escalated";
    /// <summary>Reports missing at the deadline (Detail: the slot; Subject: the date).</summary>
    public const string MissedReports = "monitoring.missed-reports";
    /// <summary>The county's free quarantine rooms fell under the threshold (Count: free rooms; Subject: free/usable).</summary>
    public const string CapacityLow = "sites.capacity-low";

    /// <summary>A same-day resubmission of an arrival declared something different; kept for review (Subject: the reference).</summary>
    public const string ArrivalResubmitted = "arrival.resubmitted";

    /// <summary>An arrival classified again after the risk-area list or the rules changed (Subject: the reference; Detail: the reason that now applies).</summary>
    public const string ArrivalReclassified = "arrival.reclassified";

    public static IReadOnlyList<string> All { get; } = [VerificationMissed, VerificationEscalated, TaskRaised, TaskEscalated, MissedReports, CapacityLow, ArrivalResubmitted, ArrivalReclassified];

    /// <summary>What an account must be allowed to do to act on a notice of this kind (only such accounts are texted).</summary>
    public static string? Permission(string kind) => kind switch
    {
        VerificationMissed or VerificationEscalated => Accounts.Permissions.VerificationRead,
        TaskRaised or TaskEscalated or MissedReports => Accounts.Permissions.TasksRead,
        CapacityLow => Accounts.Permissions.SitesRead,
        ArrivalResubmitted or ArrivalReclassified => Accounts.Permissions.ArrivalsRead,
        _ => null,
    };
}

/// <summary>Who a notification is for and when a failed text message is tried again.</summary>
public static class NotificationRules
{
    /// <summary>The unit a row of <paramref name="scopeKey"/> notifies: its village, or the node itself when higher.</summary>
    public static string Unit(string scopeKey) =>
        scopeKey.Length > Jurisdictions.ScopeKey.VillageLength ? scopeKey[..Jurisdictions.ScopeKey.VillageLength] : scopeKey;

    /// <summary>The unit that answers for <paramref name="unit"/> when nobody there can: a village's township (null above that).</summary>
    public static string? CoveringUnit(string unit) =>
        unit.Length > Jurisdictions.ScopeKey.TownshipLength ? unit[..Jurisdictions.ScopeKey.TownshipLength] : null;

    /// <summary>Whether an account bound to <paramref name="accountKey"/> reads the notices of <paramref name="unit"/>.</summary>
    public static bool Reads(string accountKey, string unit) => Unit(accountKey) == unit;

    /// <summary>
    /// Which of a unit's accounts a notice is texted to. A notice escalated to the township (level 1) goes to the
    /// township's lead (乡镇分管领导); every other notice to the unit's working accounts, not to its lead — so a task
    /// the township's special team itself let slip still reaches someone above the team when it is escalated. A unit
    /// without such accounts is never left silent: then every account of the unit gets it.
    /// </summary>
    public static IReadOnlyList<T> Recipients<T>(int level, IReadOnlyList<T> unitAccounts, Func<T, bool> isLead)
    {
        var chosen = unitAccounts.Where(a => isLead(a) == (level == 1)).ToList();
        return chosen.Count > 0 ? chosen : unitAccounts;
    }

    /// <summary>Attempts after which a message is given up (failed, shown on the outbox page).</summary>
    public const int MaxAttempts = 5;

    private static readonly TimeSpan[] Backoff = [TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(15), TimeSpan.FromMinutes(60)];

    /// <summary>When to try again after <paramref name="attempts"/> failed attempts; null when it is given up.</summary>
    public static DateTime? Retry(int attempts, DateTime now) =>
        attempts >= MaxAttempts ? null : now + Backoff[Math.Clamp(attempts - 1, 0, Backoff.Length - 1)];
}

/// <summary>A text-message gateway (the provincial platform's, an operator's). Fangkong calls it; it does not fake it.</summary>
public interface ISmsGateway
{
    /// <summary>The name kept on each message sent through it.</summary>
    string Name { get; }

    /// <summary>Sends one message; a refusal or an unreachable gateway is a failed result, not an exception.</summary>
    Task<SmsResult> SendAsync(string phone, string text, string reference, CancellationToken ct);
}

public sealed record SmsResult(bool Sent, string? Reference, string? Error);
