using System.CommandLine;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Fangkong.Cli;

/// <summary>Runs a command body with the shared host, turns user errors into exit code 2 and prints JSON the same way everywhere.</summary>
internal static class CommandRunner
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    public static void Set(Command command, Func<ParseResult, CliHost, TextWriter, CancellationToken, Task<int>> body) =>
        command.SetAction(async (parse, ct) =>
        {
            var output = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            try
            {
                await using var host = CliHost.Create(parse);
                return await body(parse, host, output, ct);
            }
            catch (CliException e)
            {
                await error.WriteLineAsync("error: " + e.Message);
                return 2;
            }
        });

    /// <summary>For commands that need no database.</summary>
    public static void SetOffline(Command command, Func<ParseResult, TextWriter, int> body) =>
        command.SetAction(parse =>
        {
            try { return body(parse, parse.InvocationConfiguration.Output); }
            catch (CliException e)
            {
                parse.InvocationConfiguration.Error.WriteLine("error: " + e.Message);
                return 2;
            }
        });

    public static Task WriteJsonAsync(TextWriter output, object value) =>
        output.WriteLineAsync(JsonSerializer.Serialize(value, Json));
}
