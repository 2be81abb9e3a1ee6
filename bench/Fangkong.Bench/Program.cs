using System.Diagnostics;
using System.Globalization;
using System.Text;
using Fangkong.Bench;

// fangkong bench: generate | import | all. Each measurement runs in its own process (see run.sh) so peak memory is the
// import's own.
var command = args.FirstOrDefault() ?? "help";
var options = Options.Parse(args.Skip(1).ToArray());
switch (command)
{
    case "generate":
        await PeopleFile.GenerateAsync(options.File, options.People, options.Seed);
        break;
    case "import":
        await ImportBenchmark.RunAsync(options);
        break;
    case "classify":
        ClosedLoopBenchmark.Classify(100_000, 50_000, options.Seed);
        break;
    case "orders":
        await ClosedLoopBenchmark.OrdersAsync(options);
        break;
    case "verify":
        await VerificationBenchmark.RunAsync(options);
        break;
    case "sites":
        await SitesBenchmark.RunAsync(options);
        break;
    default:
        Console.WriteLine("usage: Fangkong.Bench generate --people 600000 --file people.csv | import --engine sqlite|postgres --file people.csv [--searches 2000] | classify | orders --engine sqlite|postgres --people 100000 | verify --engine sqlite|postgres --rows 1000000 --registry 600000 | sites --engine sqlite|postgres --people 30000");
        break;
}

namespace Fangkong.Bench
{
    public sealed record Options(string File, int People, int Seed, string Engine, int Searches, int Rows, int Registry)
    {
        public static Options Parse(string[] args)
        {
            string Get(string name, string fallback)
            {
                var i = Array.IndexOf(args, "--" + name);
                return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
            }
            return new Options(Get("file", "people.csv"), int.Parse(Get("people", "600000"), CultureInfo.InvariantCulture),
                int.Parse(Get("seed", "2022"), CultureInfo.InvariantCulture), Get("engine", "sqlite"), int.Parse(Get("searches", "2000"), CultureInfo.InvariantCulture),
                int.Parse(Get("rows", "1000000"), CultureInfo.InvariantCulture), int.Parse(Get("registry", "600000"), CultureInfo.InvariantCulture));
        }
    }

    public static class Memory
    {
        /// <summary>The process's peak resident set (VmHWM), in MB.</summary>
        public static long PeakMegabytes()
        {
            foreach (var line in File.ReadLines("/proc/self/status"))
                if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                    return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024;
            return Process.GetCurrentProcess().PeakWorkingSet64 / 1024 / 1024;
        }
    }
}
