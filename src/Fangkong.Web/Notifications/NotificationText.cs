using System.Globalization;
using Fangkong.Core.Notifications;
using Fangkong.Web.ClosedLoop;
using Fangkong.Web.Tasks;
using Microsoft.Extensions.Localization;

namespace Fangkong.Web.Notifications;

/// <summary>Puts a notification into words in the current UI language: the inbox line and the text message are the same sentence.</summary>
public sealed class NotificationText(IStringLocalizer<NotificationsStrings> n, IStringLocalizer<VerificationStrings> v, IStringLocalizer<ClosedLoopStrings> c)
{
    public string Sentence(string kind, int level, int count, string? detail, string? subject)
    {
        var levelName = n["Level_" + Math.Clamp(level, 0, 2)].Value;
        return kind switch
        {
            NotificationKinds.VerificationMissed => string.Format(n["VerificationMissed"], count, Stage(detail)),
            NotificationKinds.VerificationEscalated => string.Format(n["VerificationEscalated"], count, Stage(detail), levelName),
            NotificationKinds.TaskRaised => string.Format(n["TaskRaised"], TaskKind(detail), c.TaskTitle(subject)),
            NotificationKinds.TaskEscalated => string.Format(n["TaskEscalated"], TaskKind(detail), c.TaskTitle(subject), levelName),
            NotificationKinds.CapacityLow => string.Format(n["CapacityLow"], count, subject),
            NotificationKinds.ArrivalResubmitted => string.Format(n["ArrivalResubmitted"], subject, count),
            NotificationKinds.ArrivalReclassified => string.Format(n["ArrivalReclassified"], subject, detail is null ? "" : c.Reason(detail)),
            NotificationKinds.MissedReports => string.Format(n["MissedReports"], count, subject, detail is null ? "" : c["Slot_" + detail].Value),
            _ => $"{kind} ({count})",
        };
    }

    /// <summary>The text message: the sender's signature, the unit, the sentence (in Chinese, the language of the county's phones).</summary>
    public string Sms(string signature, string? unit, Notification notification)
    {
        var previous = CultureInfo.CurrentUICulture;
        CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo("zh-CN");
        try
        {
            return $"{signature}{(unit is null ? "" : unit + "：")}{Sentence(notification.Kind, notification.Level, notification.Count, notification.Detail, notification.Subject)}{n["SmsTail"]}";
        }
        finally { CultureInfo.CurrentUICulture = previous; }
    }

    private string Stage(string? detail) => detail is null ? "" : v["Stage_" + detail] is { ResourceNotFound: false } s ? s.Value : detail;

    private string TaskKind(string? detail) => detail is null ? "" : c["Task_" + detail] is { ResourceNotFound: false } s ? s.Value : detail;
}
