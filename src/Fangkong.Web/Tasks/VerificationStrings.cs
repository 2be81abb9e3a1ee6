namespace Fangkong.Web.Tasks;

/// <summary>Strings of pushed verification tasks (协查): board, queues, the task page.</summary>
public sealed class VerificationStrings;
