using System.CommandLine;
using Fangkong.Cli.Audit;
using Fangkong.Cli.Database;
using Fangkong.Cli.Dev;
using Fangkong.Cli.Demo;
using Fangkong.Cli.Identifiers;
using Fangkong.Cli.People;

namespace Fangkong.Cli;

/// <summary>
/// The `fangkong` command: one sub-command per capability, each taking the database from the same configuration
/// as the web host (appsettings.json, Fangkong__* environment variables) or from the global options below.
/// </summary>
public static class FangkongCli
{
    public static Task<int> RunAsync(string[] args, TextWriter? output = null, TextWriter? error = null, CancellationToken ct = default)
    {
        var root = Build();
        var parsed = root.Parse(args);
        return parsed.InvokeAsync(new InvocationConfiguration { Output = output ?? Console.Out, Error = error ?? Console.Error }, ct);
    }

    public static RootCommand Build()
    {
        var root = new RootCommand("Fangkong (防控): the county outbreak prevention and control platform — command-line tool.");
        foreach (var option in GlobalOptions.All) root.Options.Add(option);
        root.Subcommands.Add(DatabaseCommands.Create());
        root.Subcommands.Add(AuditCommands.Create());
        root.Subcommands.Add(IdCommands.Create());
        root.Subcommands.Add(SeedCommands.Create());
        root.Subcommands.Add(PeopleCommands.Create());
        root.Subcommands.Add(Policy.PolicyCommands.Create());
        root.Subcommands.Add(Tasks.TaskCommands.Create());
        root.Subcommands.Add(DevCommands.Create());
        return root;
    }
}
