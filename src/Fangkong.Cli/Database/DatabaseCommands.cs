using System.CommandLine;
using Fangkong.Data;
using Fangkong.Data.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Fangkong.Cli.Database;

internal static class DatabaseCommands
{
    public static Command Create()
    {
        var db = new Command("db", "Database schema.");
        var migrate = new Command("migrate", "Apply every pending migration (SQLite or PostgreSQL) and the county's reference data.");
        CommandRunner.Set(migrate, async (parse, host, output, ct) =>
        {
            var applied = await DatabaseInitializer.MigrateAsync(host.Services, ct);
            await output.WriteLineAsync(applied.Count == 0
                ? $"Database is up to date ({host.Options.Database.Provider})."
                : $"Applied {applied.Count} migration(s) on {host.Options.Database.Provider}: {string.Join(", ", applied)}");
            return 0;
        });
        db.Subcommands.Add(migrate);
        return db;
    }
}
