using System.CommandLine;
using Fangkong.Data.Demo;
using Fangkong.Data.Infrastructure;

namespace Fangkong.Cli.Demo;

internal static class SeedCommands
{
    public static Command Create()
    {
        var seed = new Command("seed", "Fill the database with data.");
        var demo = new Command("demo", "Generate the deterministic demo county (households, people, one account per role). Skipped when the county already has people.");
        var people = new Option<int>("--people") { Description = "How many people (default 6000; 600000 for a full-size county).", DefaultValueFactory = _ => 6000 };
        var seedValue = new Option<int>("--seed") { Description = "Generator seed: the same seed gives the same county.", DefaultValueFactory = _ => 2022 };
        var json = new Option<bool>("--json") { Description = "Print the result as JSON." };
        demo.Options.Add(people);
        demo.Options.Add(seedValue);
        demo.Options.Add(json);
        CommandRunner.Set(demo, async (parse, host, output, ct) =>
        {
            var count = parse.GetValue(people);
            if (count is < 1 or > 20_000_000) throw new CliException("--people must be between 1 and 20,000,000");
            await DatabaseInitializer.MigrateAsync(host.Services, ct);
            var progress = new Progress<int>(n => { if (!parse.GetValue(json)) Console.Error.Write($"\r  {n:N0} people…"); });
            var result = await DemoSeeder.SeedAsync(host.Services, count, parse.GetValue(seedValue), progress, ct);
            if (!result.Skipped)
            {
                await ClosedLoopDemo.SeedAsync(host.Services, parse.GetValue(seedValue), ct);
                await SitesDemo.SeedAsync(host.Services, parse.GetValue(seedValue), ct);
            }
            if (!parse.GetValue(json)) Console.Error.WriteLine();
            if (parse.GetValue(json))
            {
                await CommandRunner.WriteJsonAsync(output, result);
            }
            else if (result.Skipped)
            {
                await output.WriteLineAsync($"County {host.Options.County} already has people; nothing generated.");
            }
            else
            {
                await output.WriteLineAsync($"Generated {result.People:N0} people in {result.Households:N0} households ({result.Nodes:N0} nodes) in {result.ElapsedMs:N0} ms.");
                await output.WriteLineAsync($"Demo accounts (password {host.Options.Demo.Password}): " + string.Join(", ", result.Accounts.Select(a => $"{a.UserName} ({a.Role}, {a.NodeName})")));
            }
            return 0;
        });
        seed.Subcommands.Add(demo);
        return seed;
    }
}
