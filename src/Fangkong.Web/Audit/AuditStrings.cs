namespace Fangkong.Web.Audit;

/// <summary>Strings of the audit trail and access log viewers.</summary>
public sealed class AuditStrings;
