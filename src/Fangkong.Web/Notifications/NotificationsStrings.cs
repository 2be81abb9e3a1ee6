namespace Fangkong.Web.Notifications;

public sealed class NotificationsStrings;
