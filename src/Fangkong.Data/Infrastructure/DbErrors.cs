using Microsoft.EntityFrameworkCore;

namespace Fangkong.Data.Infrastructure;

/// <summary>What a failed save means, the same on both engines.</summary>
public static class DbErrors
{
    /// <summary>A unique index refused the row (PostgreSQL 23505; SQLite's UNIQUE constraint).</summary>
    public static bool IsUniqueViolation(DbUpdateException e) => e.InnerException switch
    {
        Npgsql.PostgresException p => p.SqlState == "23505",
        Microsoft.Data.Sqlite.SqliteException s => s.SqliteErrorCode == 19 && s.Message.Contains("UNIQUE", StringComparison.Ordinal),
        _ => false,
    };

    /// <summary>
    /// A rule the database itself keeps refused the row (PostgreSQL 23514, a check or a guarding trigger; SQLite's
    /// CHECK or a trigger's RAISE): <paramref name="code"/>, when given, is the trigger's own code.
    /// </summary>
    public static bool IsRuleViolation(DbUpdateException e, string? code = null) => e.InnerException switch
    {
        Npgsql.PostgresException p => p.SqlState == "23514" && (code is null || p.MessageText == code),
        Microsoft.Data.Sqlite.SqliteException s => s.SqliteErrorCode == 19 && (code is null ? !s.Message.Contains("UNIQUE", StringComparison.Ordinal) : s.Message.Contains(code, StringComparison.Ordinal)),
        _ => false,
    };
}
