namespace Fangkong.Core.Accounts;

/// <summary>The roles of a county's platform; each account holds one or more and is bound to one node.</summary>
public static class Roles
{
    public const string CommandCentre = "command-centre";       // 指挥部
    public const string TownshipTeam = "township-team";         // 乡镇专班
    public const string VillageCadre = "village-cadre";         // 村(社区)干部 / 网格员
    public const string CheckpointStaff = "checkpoint-staff";   // 卡点
    public const string SiteStaff = "site-staff";               // 隔离点
    public const string Health = "health";                      // 卫健 / 疾控 / 检测机构
    public const string Supervisor = "supervisor";              // 督查组
    public const string Administrator = "administrator";        // 系统管理员

    public static IReadOnlyList<string> All { get; } =
        [CommandCentre, TownshipTeam, VillageCadre, CheckpointStaff, SiteStaff, Health, Supervisor, Administrator];
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

    public static IReadOnlyList<string> All { get; } =
    [
        PeopleRead, PeopleWrite, PeopleImport, PeopleExport, PeopleReveal, PeopleLookup, JurisdictionsManage,
        CategoriesManage, AuditRead, AccessLogRead, AccountsManage, ApiKeysManage,
    ];

    /// <summary>The default grants of each role. Checkpoint staff look people up by ID; they do not browse lists.</summary>
    public static IReadOnlyDictionary<string, string[]> ByRole { get; } = new Dictionary<string, string[]>
    {
        [Roles.CommandCentre] = [PeopleRead, PeopleWrite, PeopleImport, PeopleExport, PeopleReveal, PeopleLookup, JurisdictionsManage, CategoriesManage, AuditRead, AccessLogRead],
        [Roles.TownshipTeam] = [PeopleRead, PeopleWrite, PeopleImport, PeopleExport, PeopleReveal, PeopleLookup, JurisdictionsManage],
        [Roles.VillageCadre] = [PeopleRead, PeopleWrite, PeopleExport, PeopleReveal, PeopleLookup, JurisdictionsManage],
        [Roles.CheckpointStaff] = [PeopleLookup],
        [Roles.SiteStaff] = [PeopleLookup],
        [Roles.Health] = [PeopleRead, PeopleExport, PeopleReveal, PeopleLookup],
        [Roles.Supervisor] = [PeopleRead, PeopleLookup, AuditRead, AccessLogRead],
        [Roles.Administrator] = [PeopleRead, PeopleLookup, JurisdictionsManage, CategoriesManage, AuditRead, AccessLogRead, AccountsManage, ApiKeysManage],
    };

    public static IReadOnlySet<string> For(IEnumerable<string> roles)
    {
        var set = new HashSet<string>(StringComparer.Ordinal);
        foreach (var role in roles)
            if (ByRole.TryGetValue(role, out var grants)) set.UnionWith(grants);
        return set;
    }
}
