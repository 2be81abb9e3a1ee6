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
}
