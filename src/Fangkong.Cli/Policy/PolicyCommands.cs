using System.CommandLine;
using System.Globalization;
using Fangkong.Core;
using Fangkong.Core.Policy;
using Fangkong.Data;
using Fangkong.Data.Infrastructure;
using Fangkong.Data.Policy;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Fangkong.Cli.Policy;

internal static class PolicyCommands
{
    public static Command Create()
    {
        var policy = new Command("policy", "Rule packs: what the rules in force ask for a reason.");
        var evaluate = new Command("evaluate", "Lay out the measures a reason brings under the rule pack in force (day 1 = the exposure date).");
        var reason = new Option<string>("--reason") { Description = "close-contact, high-risk-area, inbound, … (as the packs name them).", Required = true };
        var exposure = new Option<string>("--exposure-date") { Description = "Day 1, yyyy-MM-dd: last contact, leaving the area, or arrival for inbound travellers.", Required = true };
        var on = new Option<string?>("--on") { Description = "Evaluate under the rules in force on this date (default: the exposure date)." };
        var json = new Option<bool>("--json") { Description = "Print JSON." };
        var shipped = new Option<bool>("--shipped") { Description = "Use the packs shipped with Fangkong, not the database's edited versions." };
        evaluate.Options.Add(reason);
        evaluate.Options.Add(exposure);
        evaluate.Options.Add(on);
        evaluate.Options.Add(json);
        evaluate.Options.Add(shipped);
        CommandRunner.Set(evaluate, async (parse, host, output, ct) =>
        {
            var day1 = Date(parse.GetValue(exposure)!, "--exposure-date");
            var date = parse.GetValue(on) is { } o ? Date(o, "--on") : day1;
            var today = CountyClock.Today(TimeProvider.System, host.Options.TimeZone);
            var range = $"{Iso(PolicyDates.Earliest)} – {Iso(today.AddYears(PolicyDates.MaxYearsAhead))}";
            if (PolicyDates.CheckEvaluation(day1, parse.GetValue(on) is null ? null : date, today) is { Count: > 0 } wrong)
                throw new CliException(string.Join("; ", wrong.Select(e => e.Field == "on"
                    ? $"--on: {Iso(date)} is outside {range}"
                    : $"--exposure-date: {Iso(day1)} is outside {range}")));
            var why = parse.GetValue(reason)!.Trim();
            var rules = parse.GetValue(shipped) ? RulePackSet.Shipped(host.Options.County) : await RulesAsync(host, ct);
            // An empty list means the pack in force does not manage a known reason; a reason no pack knows is a mistake.
            if (!rules.Knows(why))
                throw new CliException($"--reason: '{why}' is not a reason any rule pack or the county's local layer knows");
            var e = rules.Evaluate(why, day1, date);
            if (parse.GetValue(json))
            {
                await CommandRunner.WriteJsonAsync(output, new
                {
                    rulePack = new { id = e.Pack.Id, name = e.Pack.Name, effectiveFrom = Iso(e.Pack.EffectiveFrom) },
                    measures = e.Measures.Select(m => new
                    {
                        kind = m.Kind,
                        fromDay = m.FromDay,
                        toDay = m.ToDay,
                        from = Iso(m.From),
                        to = Iso(m.To),
                        testDays = m.TestDays,
                        testDates = m.TestDates.Select(Iso).ToList(),
                    }).ToList(),
                });
            }
            else
            {
                await output.WriteLineAsync($"{e.Pack.Name} ({e.Pack.Id}, from {Iso(e.Pack.EffectiveFrom)}) — rule {e.RuleReference}");
                if (!e.Managed) await output.WriteLineAsync($"  {why}: not managed by this pack");
                foreach (var m in e.Measures)
                    await output.WriteLineAsync($"  day {m.FromDay}–{m.ToDay}  {Iso(m.From)} – {Iso(m.To)}  {m.Kind}  tests: {string.Join(", ", m.TestDates.Select(Iso))}");
            }
            return 0;
        });
        policy.Subcommands.Add(evaluate);
        return policy;
    }

    /// <summary>
    /// The database's versions (the command centre may have edited a pack) when a migrated database is there;
    /// otherwise the shipped packs, said on stderr. Never creates a database as a side effect.
    /// </summary>
    private static async Task<RulePackSet> RulesAsync(CliHost host, CancellationToken ct)
    {
        var options = host.Options;
        if (!options.Database.IsPostgres)
        {
            var file = new SqliteConnectionStringBuilder(DataServiceCollectionExtensions.ResolveConnectionString(options)).DataSource;
            if (!File.Exists(file)) return Shipped(options.County, "no database yet");
        }
        try
        {
            await using var db = await host.Services.GetRequiredService<IDbContextFactory<FangkongDb>>().CreateDbContextAsync(ct);
            if (!(await db.Database.GetAppliedMigrationsAsync(ct)).Any(m => m.EndsWith("_ClosedLoop", StringComparison.Ordinal)))
                return Shipped(options.County, "database not migrated");
            return await ActivatorUtilities.CreateInstance<PolicyService>(host.Services).RulesAsync(ct);
        }
        catch (Exception e) when (e is Npgsql.NpgsqlException or SqliteException or InvalidOperationException)
        {
            return Shipped(options.County, e.Message);
        }
    }

    private static RulePackSet Shipped(string county, string why)
    {
        Console.Error.WriteLine($"note: using the shipped rule packs ({why})");
        return RulePackSet.Shipped(county);
    }

    private static DateOnly Date(string text, string option) =>
        DateOnly.TryParseExact(text.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)
            ? d : throw new CliException($"{option}: a date is yyyy-MM-dd (got '{text}')");

    private static string Iso(DateOnly d) => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
