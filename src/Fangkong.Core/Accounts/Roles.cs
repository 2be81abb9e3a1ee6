namespace Fangkong.Core.Accounts;

/// <summary>The roles of a county's platform; each account holds one or more and is bound to one node.</summary>
public static class Roles
{
    public const string CommandCentre = "command-centre";       // 指挥部
    public const string TownshipTeam = "township-team";         // 乡镇专班
    /// <summary>The township's lead for epidemic control (乡镇分管领导): missed deadlines escalated to the township reach them.</summary>
    public const string TownshipLead = "township-lead";         // 乡镇分管领导
    public const string VillageCadre = "village-cadre";         // 村(社区)干部 / 网格员
    public const string CheckpointStaff = "checkpoint-staff";   // 卡点
    public const string SiteStaff = "site-staff";               // 隔离点
    public const string Health = "health";                      // 卫健 / 疾控 / 检测机构
    public const string Supervisor = "supervisor";              // 督查组
    public const string Administrator = "administrator";        // 系统管理员

    public static IReadOnlyList<string> All { get; } =
        [CommandCentre, TownshipTeam, TownshipLead, VillageCadre, CheckpointStaff, SiteStaff, Health, Supervisor, Administrator];
}

/// <summary>What an actor may do. Roles grant permissions; the jurisdiction scope limits where.</summary>
public static class Permissions
{
    public const string PeopleRead = "people.read";
    public const string PeopleWrite = "people.write";
    public const string PeopleImport = "people.import";
    public const string PeopleExport = "people.export";
    public const string PeopleReveal = "people.reveal";
    public const string PeopleLookup = "people.lookup";
    public const string JurisdictionsManage = "jurisdictions.manage";
    public const string CategoriesManage = "categories.manage";
    public const string AuditRead = "audit.read";
    public const string AccessLogRead = "access-log.read";
    public const string AccountsManage = "accounts.manage";
    public const string ApiKeysManage = "api-keys.manage";
    /// <summary>Read rule packs and risk areas (every staff account: they decide what a person must do).</summary>
    public const string PolicyRead = "policy.read";
    /// <summary>Edit rule packs, the local layer and the risk-area list (the command centre).</summary>
    public const string PolicyManage = "policy.manage";
    public const string ArrivalsRead = "arrivals.read";
    /// <summary>Register an arrival at a checkpoint, station or village, or a point-to-point pick-up.</summary>
    public const string ArrivalsRegister = "arrivals.register";
    /// <summary>Confirm a proposed order or release (the township special team).</summary>
    public const string ArrivalsDecide = "arrivals.decide";
    public const string OrdersRead = "orders.read";
    /// <summary>Create, confirm, extend, transfer, cancel and release orders; name the owners.</summary>
    public const string OrdersManage = "orders.manage";
    /// <summary>Record samples and results of an order's tests.</summary>
    public const string OrdersTests = "orders.tests";
    /// <summary>Enter morning and evening temperature reports; hand out the person's reporting link.</summary>
    public const string MonitoringReport = "monitoring.report";
    /// <summary>Random call-back spot checks (抽查).</summary>
    public const string SpotChecks = "spot-checks";
    public const string TasksRead = "tasks.read";
    public const string TasksWork = "tasks.work";
    /// <summary>Export ledgers (台账) with masked identifiers.</summary>
    public const string LedgersExport = "ledgers.export";
    /// <summary>See pushed verification tasks (协查) and their batches in one's subtree.</summary>
    public const string VerificationRead = "verification.read";
    /// <summary>Work a task: name the team, record the four clears, outcome, sample, result and measure; return or transfer.</summary>
    public const string VerificationWork = "verification.work";
    /// <summary>Import pushed lists, route the unroutable, edit the deadline profile (the county command centre).</summary>
    public const string VerificationManage = "verification.manage";
    /// <summary>See quarantine sites, their rooms, stays, trips and capacity in one's subtree.</summary>
    public const string SitesRead = "sites.read";
    /// <summary>Work a site: allocate rooms, check people in and out, move rooms through turnover, run trips.</summary>
    public const string SitesWork = "sites.work";
    /// <summary>Set up sites: create them, import rooms, inspect against the standards, change status; vehicles and drivers.</summary>
    public const string SitesManage = "sites.manage";
    /// <summary>Read the notices addressed to one's unit (missed deadlines, escalations, urgent tasks) and their text messages.</summary>
    public const string NotificationsRead = "notifications.read";

    public static IReadOnlyList<string> All { get; } =
    [
        PeopleRead, PeopleWrite, PeopleImport, PeopleExport, PeopleReveal, PeopleLookup, JurisdictionsManage,
        CategoriesManage, AuditRead, AccessLogRead, AccountsManage, ApiKeysManage,
        PolicyRead, PolicyManage, ArrivalsRead, ArrivalsRegister, ArrivalsDecide, OrdersRead, OrdersManage, OrdersTests,
        MonitoringReport, SpotChecks, TasksRead, TasksWork, LedgersExport, VerificationRead, VerificationWork, VerificationManage,
        SitesRead, SitesWork, SitesManage, NotificationsRead,
    ];

    private static readonly string[] ClosedLoop =
        [PolicyRead, ArrivalsRead, ArrivalsRegister, ArrivalsDecide, OrdersRead, OrdersManage, OrdersTests, MonitoringReport, TasksRead, TasksWork, LedgersExport, VerificationRead, VerificationWork];

    /// <summary>The default grants of each role. Checkpoint staff look people up by ID; they do not browse lists.</summary>
    public static IReadOnlyDictionary<string, string[]> ByRole { get; } = new Dictionary<string, string[]>
    {
        [Roles.CommandCentre] = [NotificationsRead, PeopleRead, PeopleWrite, PeopleImport, PeopleExport, PeopleReveal, PeopleLookup, JurisdictionsManage, CategoriesManage, AuditRead, AccessLogRead, PolicyManage, SpotChecks, VerificationManage, SitesRead, SitesWork, SitesManage, .. ClosedLoop],
        [Roles.TownshipTeam] = [NotificationsRead, PeopleRead, PeopleWrite, PeopleImport, PeopleExport, PeopleReveal, PeopleLookup, JurisdictionsManage, SitesRead, SitesWork, .. ClosedLoop],
        // The lead answers for the township's work: everything its special team may do.
        [Roles.TownshipLead] = [NotificationsRead, PeopleRead, PeopleWrite, PeopleImport, PeopleExport, PeopleReveal, PeopleLookup, JurisdictionsManage, SitesRead, SitesWork, .. ClosedLoop],
        [Roles.VillageCadre] = [NotificationsRead, PeopleRead, PeopleWrite, PeopleExport, PeopleReveal, PeopleLookup, JurisdictionsManage, PolicyRead, ArrivalsRead, ArrivalsRegister, OrdersRead, MonitoringReport, TasksRead, TasksWork, LedgersExport, VerificationRead, VerificationWork],
        [Roles.CheckpointStaff] = [NotificationsRead, PeopleLookup, PolicyRead, ArrivalsRegister],
        [Roles.SiteStaff] = [NotificationsRead, PeopleLookup, PolicyRead, OrdersRead, MonitoringReport, TasksRead, TasksWork, SitesRead, SitesWork],
        [Roles.Health] = [NotificationsRead, PeopleRead, PeopleExport, PeopleReveal, PeopleLookup, PolicyRead, ArrivalsRead, OrdersRead, OrdersTests, MonitoringReport, TasksRead, TasksWork, LedgersExport, VerificationRead, VerificationWork, SitesRead],
        [Roles.Supervisor] = [NotificationsRead, PeopleRead, PeopleLookup, AuditRead, AccessLogRead, PolicyRead, ArrivalsRead, OrdersRead, SpotChecks, TasksRead, LedgersExport, VerificationRead, SitesRead],
        [Roles.Administrator] = [NotificationsRead, PeopleRead, PeopleLookup, JurisdictionsManage, CategoriesManage, AuditRead, AccessLogRead, AccountsManage, ApiKeysManage, PolicyRead],
    };

    public static IReadOnlySet<string> For(IEnumerable<string> roles)
    {
        var set = new HashSet<string>(StringComparer.Ordinal);
        foreach (var role in roles)
            if (ByRole.TryGetValue(role, out var grants)) set.UnionWith(grants);
        return set;
    }
}
