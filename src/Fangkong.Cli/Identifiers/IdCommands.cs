using System.CommandLine;
using Fangkong.Core;
using Fangkong.Core.Identifiers;
using Fangkong.Core.Jurisdictions;

namespace Fangkong.Cli.Identifiers;

internal static class IdCommands
{
    public static Command Create()
    {
        var id = new Command("id", "Resident ID numbers (GB 11643).");
        var check = new Command("check", "Normalise and validate ID numbers: check character, birth date, address code.");
        var numbers = new Argument<string[]>("ID") { Description = "One or more ID numbers (15 or 18 characters).", Arity = ArgumentArity.OneOrMore };
        var json = new Option<bool>("--json") { Description = "Print one JSON array." };
        var today = new Option<string?>("--today") { Description = "Reference date yyyy-MM-dd for the future-birth-date rule (default: today in Asia/Shanghai)." };
        check.Arguments.Add(numbers);
        check.Options.Add(json);
        check.Options.Add(today);
        CommandRunner.SetOffline(check, (parse, output) =>
        {
            var reference = parse.GetValue(today) is { } t
                ? DateOnly.ParseExact(t, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)
                : CountyClock.Today(TimeProvider.System, "Asia/Shanghai");
            var national = NationalDivisions.Shared;
            var results = parse.GetValue(numbers)!.Select(n => ResidentId.Check(n, reference, national.IsKnownAddressCode)).Select(r => new
            {
                input = r.Input,
                valid = r.Valid,
                normalized = r.Normalized,
                birthDate = r.BirthDate?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
                sex = r.Sex?.ToString(),
                reason = r.Valid ? null : IssueText(r.Issue),
            }).ToList();
            if (parse.GetValue(json))
            {
                output.WriteLine(System.Text.Json.JsonSerializer.Serialize(results, CommandRunner.Json));
            }
            else
            {
                foreach (var r in results)
                    output.WriteLine(r.valid
                        ? $"{r.input}\tvalid\t{r.normalized}\t{r.birthDate}\t{r.sex}"
                        : $"{r.input}\tinvalid\t{r.reason}");
            }
            return results.All(r => r.valid) ? 0 : 1;
        });
        id.Subcommands.Add(check);
        return id;
    }

    /// <summary>English reasons for the CLI; the web UI localizes the same codes.</summary>
    public static string IssueText(ResidentIdIssue issue) => issue switch
    {
        ResidentIdIssue.Empty => "empty",
        ResidentIdIssue.BadLength => "wrong length: an ID number has 18 characters (or 15 for the old form)",
        ResidentIdIssue.BadCharacter => "only digits are allowed, and X as the last character",
        ResidentIdIssue.BadCheckCharacter => "the check character does not match (a digit was mistyped)",
        ResidentIdIssue.BadBirthDate => "the birth date is not a real date",
        ResidentIdIssue.FutureBirthDate => "the birth date is in the future",
        ResidentIdIssue.UnknownAddressCode => "the address code names no known province or prefecture",
        _ => issue.ToString(),
    };
}
