using System.CommandLine;
using Fangkong.Data;
using Fangkong.Data.Audit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Fangkong.Cli.Audit;

internal static class AuditCommands
{
    public static Command Create()
    {
        var audit = new Command("audit", "The tamper-evident audit trail.");
        var verify = new Command("verify", "Recompute every county's hash chain and report the first broken link. Exit code 1 when broken.");
        var json = new Option<bool>("--json") { Description = "Print the result as JSON." };
        verify.Options.Add(json);
        CommandRunner.Set(verify, async (parse, host, output, ct) =>
        {
            await using var db = await host.Services.GetRequiredService<IDbContextFactory<FangkongDb>>().CreateDbContextAsync(ct);
            var results = await AuditChain.VerifyAsync(db, ct: ct);
            var intact = results.All(r => r.Intact);
            if (parse.GetValue(json))
            {
                await CommandRunner.WriteJsonAsync(output, new { intact, chains = results });
            }
            else
            {
                if (results.Count == 0) await output.WriteLineAsync("The audit trail is empty.");
                foreach (var r in results)
                    await output.WriteLineAsync(r.Intact
                        ? $"county {r.CountyCode}: {r.Entries} entries, chain intact"
                        : $"county {r.CountyCode}: BROKEN at entry {r.BrokenAtSequence}: {r.Problem}");
            }
            return intact ? 0 : 1;
        });
        audit.Subcommands.Add(verify);
        return audit;
    }
}
