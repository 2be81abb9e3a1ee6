using System.Diagnostics;

namespace Fangkong.Bench;

/// <summary>
/// CPU time spent by this process and by the database's processes (PostgreSQL backends, read from /proc on Linux;
/// zero elsewhere and for SQLite, which runs inside this process) over a phase.
/// </summary>
internal sealed class CpuClock
{
    private TimeSpan _net;
    private double _db;
    private long _bytes;
    private int _gcs;

    public static CpuClock Start() => new() { _net = Process.GetCurrentProcess().TotalProcessorTime, _db = PostgresCpuMs(), _bytes = GC.GetTotalAllocatedBytes(), _gcs = GC.CollectionCount(0) };

    /// <summary>Kilobytes allocated per item and garbage collections since the start.</summary>
    public string Memory(int items) => $"{(GC.GetTotalAllocatedBytes() - _bytes) / 1024.0 / Math.Max(1, items):F0} KB allocated per item, {GC.CollectionCount(0) - _gcs} collections";

    /// <summary>(this process, PostgreSQL) milliseconds of CPU per item since the start.</summary>
    public (double Net, double Db) PerItem(int items) =>
        ((Process.GetCurrentProcess().TotalProcessorTime - _net).TotalMilliseconds / Math.Max(1, items), (PostgresCpuMs() - _db) / Math.Max(1, items));

    private static double PostgresCpuMs()
    {
        if (!OperatingSystem.IsLinux()) return 0;
        double ticks = 0;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            try
            {
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                var close = stat.LastIndexOf(')');
                if (!stat[..close].Contains("(postgres", StringComparison.Ordinal)) continue;
                var fields = stat[(close + 2)..].Split(' ');
                ticks += double.Parse(fields[11], System.Globalization.CultureInfo.InvariantCulture) + double.Parse(fields[12], System.Globalization.CultureInfo.InvariantCulture);
            }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
        return ticks * 10; // USER_HZ = 100
    }
}
