namespace Fangkong.Data.Infrastructure;

/// <summary>
/// The "Fangkong" configuration section, shared by the web host and the command-line tool: appsettings.json,
/// environment variables (Fangkong__Database__Provider=postgres) and command-line options all feed it.
/// </summary>
public sealed class FangkongOptions
{
    public const string Section = "Fangkong";

    public DatabaseOptions Database { get; set; } = new();
    /// <summary>The county this deployment serves (GB/T 2260 code). Default 淅川县.</summary>
    public string County { get; set; } = "411326";
    /// <summary>
    /// Where the embedded database and the development keys live. Empty means the user's data folder
    /// (~/.local/share/fangkong on Linux), so the web host and the CLI find the same database from any directory.
    /// Relative paths are from the working directory.
    /// </summary>
    public string? DataDirectory { get; set; }
    public KeyOptions Keys { get; set; } = new();
    public DemoOptions Demo { get; set; } = new();
    public ImportOptions Import { get; set; } = new();
    public MonitoringOptions Monitoring { get; set; } = new();
    public OrderOptions Orders { get; set; } = new();
    public ClockOptions Clock { get; set; } = new();
    public ArrivalOptions Arrivals { get; set; } = new();
    public VerificationOptions Verification { get; set; } = new();
    public SitesOptions Sites { get; set; } = new();
    public NotificationOptions Notifications { get; set; } = new();
    /// <summary>The county's time zone: deadlines, "today" and day boundaries are county days.</summary>
    public string TimeZone { get; set; } = "Asia/Shanghai";

    public string DataDirectoryFullPath => string.IsNullOrWhiteSpace(DataDirectory)
        ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.Create), "fangkong")
        : Path.GetFullPath(DataDirectory);
}

public sealed class DatabaseOptions
{
    /// <summary>sqlite (default, embedded) or postgres (production).</summary>
    public string Provider { get; set; } = "sqlite";
    /// <summary>Empty means the embedded SQLite file in the data directory.</summary>
    public string? ConnectionString { get; set; }
    /// <summary>Apply migrations at start. On by default for SQLite; production PostgreSQL runs `fangkong db migrate`.</summary>
    public bool? MigrateOnStart { get; set; }

    public bool IsPostgres => string.Equals(Provider, "postgres", StringComparison.OrdinalIgnoreCase)
        || string.Equals(Provider, "postgresql", StringComparison.OrdinalIgnoreCase)
        || string.Equals(Provider, "npgsql", StringComparison.OrdinalIgnoreCase);
}

public sealed class KeyOptions
{
    /// <summary>Base64 of 32 bytes: AES-256-GCM key for identifiers at rest.</summary>
    public string? EncryptionKey { get; set; }
    /// <summary>Base64 of at least 32 bytes: HMAC key of the blind index.</summary>
    public string? IndexKey { get; set; }
    /// <summary>
    /// Where a development key pair is kept when no keys are configured (generated on first run, never in the
    /// database). Empty means keys.json in the data directory.
    /// </summary>
    public string? File { get; set; }
}

public sealed class DemoOptions
{
    /// <summary>Fill an empty database with the demo county on first start.</summary>
    public bool SeedOnFirstStart { get; set; }
    public int People { get; set; } = 6000;
    public int Seed { get; set; } = 2022;
    /// <summary>The password of every demo account (printed at start).</summary>
    public string Password { get; set; } = "Fangkong@2022";
}

public sealed class ImportOptions
{
    /// <summary>Largest accepted upload. Bigger files are refused before they are read.</summary>
    public long MaxUploadBytes { get; set; } = 200L * 1024 * 1024;
    /// <summary>How many rejected rows an import keeps in detail (the count is always exact).</summary>
    public int MaxRowErrors { get; set; } = 10_000;
    /// <summary>
    /// Files up to this many rows (estimated from their size; a machine push by its count) look up only the registry
    /// people and open tasks their rows name, a few indexed queries per chunk; longer ones read the county's look-up keys
    /// once (seconds at 600,000 people, whatever the file's length). Both decide identically (people and pushed lists).
    /// </summary>
    public int LookUpRowLimit { get; set; } = 20_000;

    /// <summary>A generous row count for a file of this size (short csv rows run about 40 bytes; xlsx is compressed further).</summary>
    public static int EstimatedRows(long bytes) => (int)Math.Min(int.MaxValue, bytes / 30);
}

/// <summary>Twice-daily monitoring and the deadlines of the tasks it raises.</summary>
public sealed class MonitoringOptions
{
    /// <summary>By when (county time) the morning report is due; a missing one raises a task after this.</summary>
    public TimeOnly MorningDue { get; set; } = new(11, 0);
    public TimeOnly EveningDue { get; set; } = new(21, 0);
    /// <summary>How long a fever or a positive test may wait for the transfer before the task escalates.</summary>
    public int AlertMinutes { get; set; } = 60;
    /// <summary>How long a missed report may wait for the grid worker before the task escalates.</summary>
    public int MissedReportMinutes { get; set; } = 120;
    /// <summary>After an escalation, how long the next level has before the task goes higher again.</summary>
    public int EscalationMinutes { get; set; } = 120;
    /// <summary>How often the background sweep runs (conversions, due releases, missed reports, escalations).</summary>
    public int SweepSeconds { get; set; } = 60;
}

/// <summary>Control orders.</summary>
public sealed class OrderOptions
{
    /// <summary>
    /// County-wide close-contact look-ups (by ID or phone number) one account may make in a sliding 10 minutes; more are
    /// refused until the oldest leaves the window (counted from the access log, so the limit holds across nodes).
    /// </summary>
    public int CloseContactLookupsPer10Minutes { get; set; } = Core.Orders.CloseContactLookups.DefaultLimit;

    /// <summary>The limit in force: at least one look-up per window, whatever was configured.</summary>
    public int CloseContactLookupLimit => Math.Max(1, CloseContactLookupsPer10Minutes);
}

public sealed class ArrivalOptions
{
    /// <summary>Self-registrations accepted from one network address per hour (a flood is refused, not stored).</summary>
    public int PublicPerAddressPerHour { get; set; } = 20;
    /// <summary>How many days back an arrival date may lie.</summary>
    public int MaxDaysBack { get; set; } = 14;
    /// <summary>
    /// The county's registration points besides its townships (every township has its own code): highway checkpoints
    /// and stations, each with the QR code printed for it. Data of the deployment, in configuration.
    /// </summary>
    public List<RegistrationPointOptions> Points { get; set; } = [];
}

public sealed class RegistrationPointOptions
{
    /// <summary>Letters and digits, at most 32: the last part of the public address (/arrive/{code}).</summary>
    public string Code { get; set; } = "";
    public string Name { get; set; } = "";
    /// <summary>checkpoint or station.</summary>
    public string Kind { get; set; } = "checkpoint";
    /// <summary>The township (9-digit scope key) running the point, if one does; empty for the county's own.</summary>
    public string? Township { get; set; }
}

public sealed class ClockOptions
{
    /// <summary>Run the county on an exercise date (a drill, the demo): "today" starts on this date. Empty for the real date.</summary>
    public DateOnly? ExerciseDate { get; set; }
}

/// <summary>Pushed verification tasks (协查): the team a township names, and how fast a missed deadline climbs.</summary>
public sealed class VerificationOptions
{
    /// <summary>Minutes after a missed deadline (owner notified) before the township lead is told, and again before the county.</summary>
    public int EscalationMinutes { get; set; } = 30;
    /// <summary>How often the command board refreshes itself on screen, in seconds.</summary>
    public int BoardRefreshSeconds { get; set; } = 10;
}

/// <summary>Quarantine sites: when the county's free rooms count as running low.</summary>
public sealed class SitesOptions
{
    /// <summary>Alert when fewer rooms than this are free in the sites in service.</summary>
    public int? MinFreeRooms { get; set; }
    /// <summary>Alert when less than this share (percent) of the usable rooms is free.</summary>
    public decimal? MinFreePercent { get; set; } = 20;
}

/// <summary>Notices to units and the text messages they are sent as (docs/notifications.md).</summary>
public sealed class NotificationOptions
{
    /// <summary>How often each node queues and sends text messages (seconds, at least 2).</summary>
    public int DispatchSeconds { get; set; } = 10;
    /// <summary>
    /// development (default): messages stay on this platform's outbox page, marked as not sent to a phone;
    /// http: posted to <see cref="Endpoint"/> (the provincial or an operator's SMS platform, docs/notifications.md).
    /// </summary>
    public string Gateway { get; set; } = "development";
    /// <summary>The HTTP gateway's URL.</summary>
    public string? Endpoint { get; set; }
    /// <summary>The HTTP gateway's key: sent as a bearer token and used to sign each request body (HMAC-SHA256).</summary>
    public string? ApiKey { get; set; }
    /// <summary>The sender's signature put in front of every message.</summary>
    public string Signature { get; set; } = "【防控指挥部】";
}
