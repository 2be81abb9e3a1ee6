namespace Fangkong.Web.Accounts;

/// <summary>Strings of the account pages (sign-in, administration, API keys).</summary>
public sealed class AccountStrings;
