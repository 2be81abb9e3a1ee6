using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace Fangkong.Testing;

/// <summary>
/// One throwaway PostgreSQL cluster per test process, started from the machine's own binaries (initdb, pg_ctl):
/// no Docker, no shared server. Databases are cheap copies of a migrated template. When no binaries are found the
/// PostgreSQL tests are skipped with a loud reason, unless FANGKONG_REQUIRE_POSTGRES=1 (CI), where they fail.
/// </summary>
public sealed class PostgresServer
{
    private static readonly Lazy<PostgresServer> Instance = new(() => new PostgresServer(), LazyThreadSafetyMode.ExecutionAndPublication);
    private readonly string? _binaries;
    private string? _dataDirectory;
    private int _port;
    private Exception? _startError;
    private readonly object _gate = new();
    private bool _started;

    private PostgresServer() => _binaries = FindBinaries();

    public static PostgresServer Shared => Instance.Value;

    public static bool Required => Environment.GetEnvironmentVariable("FANGKONG_REQUIRE_POSTGRES") == "1";

    /// <summary>Null when the server can run here; otherwise why not.</summary>
    public string? UnavailableReason => _binaries is null
        ? "PostgreSQL binaries (initdb, pg_ctl) not found: install postgresql-15 (apt-get install -y postgresql-15) or set FANGKONG_PG_BIN"
        : null;

    public string AdminConnectionString(string database = "postgres") =>
        new NpgsqlConnectionStringBuilder { Host = "127.0.0.1", Port = _port, Username = "postgres", Database = database, Pooling = true, MaxPoolSize = 50, Timeout = 30, CommandTimeout = 300 }.ToString();

    public void EnsureStarted()
    {
        lock (_gate)
        {
            if (_started) return;
            if (_startError is not null) throw new InvalidOperationException("PostgreSQL failed to start earlier", _startError);
            if (_binaries is null) throw new InvalidOperationException(UnavailableReason);
            try
            {
                Start();
                _started = true;
            }
            catch (Exception e)
            {
                _startError = e;
                throw;
            }
        }
    }

    private void Start()
    {
        _dataDirectory = Path.Combine(Path.GetTempPath(), "fangkong-pg-" + Environment.ProcessId + "-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(_dataDirectory);
        var asRoot = Environment.UserName == "root";
        if (asRoot) Run("chown", $"postgres:postgres {_dataDirectory}");
        _port = FreePort();
        RunPg("initdb", $"-D {_dataDirectory} -U postgres -A trust -E UTF8 --locale=C.UTF-8 --no-sync", asRoot);
        RunPg("pg_ctl", $"-D {_dataDirectory} -w -t 60 -l {_dataDirectory}/server.log -o \"-p {_port} -k {_dataDirectory} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300 -c shared_buffers=256MB {Environment.GetEnvironmentVariable("FANGKONG_PG_OPTIONS")}\" start", asRoot);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Stop(asRoot);
    }

    private void Stop(bool asRoot)
    {
        try
        {
            RunPg("pg_ctl", $"-D {_dataDirectory} -m immediate stop", asRoot);
            // FANGKONG_PG_KEEP=1 keeps the data directory and its server.log (with FANGKONG_PG_OPTIONS, e.g.
            // "-c log_min_duration_statement=0", to read every statement a benchmark or a test sent).
            if (Environment.GetEnvironmentVariable("FANGKONG_PG_KEEP") == "1") Console.Error.WriteLine($"PostgreSQL data kept in {_dataDirectory}");
            else Directory.Delete(_dataDirectory!, recursive: true);
        }
        catch
        {
            // The process is ending; a leftover temp directory is harmless.
        }
    }

    private void RunPg(string tool, string arguments, bool asRoot)
    {
        var path = Path.Combine(_binaries!, tool);
        if (asRoot) Run("runuser", $"-u postgres -- {path} {arguments}");
        else Run(path, arguments);
    }

    private static void Run(string file, string arguments)
    {
        var psi = new ProcessStartInfo(file, arguments) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(120_000)) { p.Kill(true); throw new TimeoutException($"{file} {arguments}"); }
        if (p.ExitCode != 0)
            throw new InvalidOperationException($"{file} {arguments} exited {p.ExitCode}: {stderr.Result}{stdout.Result}");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string? FindBinaries()
    {
        var configured = Environment.GetEnvironmentVariable("FANGKONG_PG_BIN");
        if (!string.IsNullOrEmpty(configured) && File.Exists(Path.Combine(configured, "initdb"))) return configured;
        const string root = "/usr/lib/postgresql";
        if (!Directory.Exists(root)) return null;
        return Directory.GetDirectories(root)
            .Select(d => Path.Combine(d, "bin"))
            .Where(d => File.Exists(Path.Combine(d, "initdb")) && File.Exists(Path.Combine(d, "pg_ctl")))
            .OrderByDescending(d => int.TryParse(Path.GetFileName(Path.GetDirectoryName(d)), out var v) ? v : 0)
            .FirstOrDefault();
    }

    /// <summary>Creates an empty database (or a copy of <paramref name="template"/>) and returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(string name, string? template = null)
    {
        EnsureStarted();
        await using var connection = new NpgsqlConnection(AdminConnectionString());
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = template is null
            ? $"CREATE DATABASE \"{name}\""
            : $"CREATE DATABASE \"{name}\" TEMPLATE \"{template}\"";
        await command.ExecuteNonQueryAsync();
        var extra = Environment.GetEnvironmentVariable("FANGKONG_PG_EXTRA_EXPERIMENT");
        return string.IsNullOrEmpty(extra) ? AdminConnectionString(name) : AdminConnectionString(name) + ";" + extra;
    }

    public async Task DropDatabaseAsync(string name)
    {
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(AdminConnectionString());
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = $"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)";
        await command.ExecuteNonQueryAsync();
    }
}
