using System.CommandLine;
using Fangkong.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Fangkong.Cli.Dev;

internal static class DevCommands
{
    public static Command Create()
    {
        var dev = new Command("dev", "Developer tools.") { Hidden = true };
        var scaffold = new Command("scaffold-migration", "Print the C# of a migration creating the current model from nothing (initial migration).");
        var id = new Option<string>("--id") { Description = "Migration id, yyyyMMddHHmmss_Name.", Required = true };
        var name = new Option<string>("--class") { Description = "Class name.", Required = true };
        var tables = new Option<string?>("--tables") { Description = "Comma-separated tables: a later migration adding only these." };
        scaffold.Options.Add(tables);
        scaffold.Options.Add(id);
        scaffold.Options.Add(name);
        CommandRunner.Set(scaffold, async (parse, host, output, ct) =>
        {
            await using var db = await host.Services.GetRequiredService<IDbContextFactory<FangkongDb>>().CreateDbContextAsync(ct);
            if (!db.Database.IsNpgsql())
                throw new CliException("scaffold against the PostgreSQL model (--provider postgres --connection \"Host=localhost\"): it carries the identity annotations of both providers");
            await output.WriteAsync(MigrationScaffolder.Scaffold(db, parse.GetValue(id)!, parse.GetValue(name)!, "Fangkong.Data.Migrations",
                parse.GetValue(tables) is { Length: > 0 } t ? t.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal) : null));
            return 0;
        });
        dev.Subcommands.Add(scaffold);
        return dev;
    }
}
