using System.Diagnostics;
using Fangkong.Core.Accounts;
using Fangkong.Core.Audit;
using Fangkong.Core.Demo;
using Fangkong.Core.Identifiers;
using Fangkong.Core.Jurisdictions;
using Fangkong.Core.People;
using Fangkong.Data.Accounts;
using Fangkong.Data.Audit;
using Fangkong.Data.Infrastructure;
using Fangkong.Data.Jurisdictions;
using Fangkong.Data.Security;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Fangkong.Data.Demo;

/// <summary>One demo login: who it is, which role, at which node.</summary>
public sealed record DemoAccount(string UserName, string DisplayName, string Role, string NodeName, string ScopeKey);

public sealed record DemoSeedResult(int Households, int People, int Nodes, IReadOnlyList<DemoAccount> Accounts, long ElapsedMs, bool Skipped);

/// <summary>
/// Fills the county with the deterministic demo population (grids, buildings, units, households, people) through the
/// bulk writer, and creates one account per role at the county, one township and one village. Runs as the system
/// and records one audit entry for the whole seeding.
/// </summary>
public static class DemoSeeder
{
    public const int BatchHouseholds = 2000;

    public static async Task<DemoSeedResult> SeedAsync(IServiceProvider services, int people, int seed, IProgress<int>? progress = null, CancellationToken ct = default)
    {
        var clock = Stopwatch.StartNew();
        var options = services.GetRequiredService<IOptions<FangkongOptions>>().Value;
        var factory = services.GetRequiredService<IDbContextFactory<FangkongDb>>();
        await using var db = await factory.CreateDbContextAsync(ct);
        if (!db.Actor.Scope.All) throw new InvalidOperationException("Demo seeding runs as the system.");
        var countyCode = options.County;
        if (await db.People.AnyAsync(p => p.CountyCode == countyCode, ct))
            return new DemoSeedResult(0, 0, 0, await AccountsAsync(db, countyCode, ct), clock.ElapsedMilliseconds, Skipped: true);

        var divisions = CountyDivisions.Load(countyCode);
        var villages = divisions.Villages.Select(v =>
        {
            var township = divisions.Find(v.ParentCode12)!;
            return new DemoVillage(v.Code12, v.Name, v.ShortName, township.Code12, township.Name, v.IsCommunity);
        }).ToList();
        var generator = DemoCounty.Generate(new DemoCountyOptions
        {
            CountyCode = countyCode,
            Villages = villages,
            People = people,
            Seed = seed,
            Today = CountyClockToday(options),
            ProvinceName = divisions.ProvinceName,
            CityName = divisions.PrefectureName ?? "",
            CountyName = divisions.CountyName,
        });

        var nodesByKey = await db.Nodes.Where(n => n.CountyCode == countyCode && n.Level <= JurisdictionLevel.Village)
            .ToDictionaryAsync(n => n.ScopeKey, ct);
        var categories = await db.Categories.Where(c => c.CountyCode == countyCode).ToDictionaryAsync(c => c.Code, c => c.Id, ct);
        var householdsPerGrid = new Dictionary<string, int>();
        int households = 0, persons = 0, nodes = 0;
        var now = DateTime.UtcNow;
        var today = CountyClockToday(options);

        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var writer = new BulkWriter(db);
        foreach (var batch in generator.Chunk(BatchHouseholds))
        {
            var newNodes = new List<JurisdictionNode>();
            var newPeople = new List<Person>();
            var newCategories = new List<PersonCategory>();
            var householdNodes = new List<(JurisdictionNode Node, DemoHousehold Source)>();
            foreach (var h in batch)
            {
                var village = nodesByKey[h.Village.Code12];
                var grid = Ensure(nodesByKey, newNodes, village, JurisdictionLevel.Grid, h.Grid, $"第{h.Grid}网格", countyCode, now);
                JurisdictionNode parent = grid;
                int number;
                if (h.Building > 0)
                {
                    var building = Ensure(nodesByKey, newNodes, grid, JurisdictionLevel.Building, h.Building, $"{h.Building}号楼", countyCode, now);
                    parent = Ensure(nodesByKey, newNodes, building, JurisdictionLevel.Unit, h.Unit, $"{h.Unit}单元", countyCode, now);
                    number = h.Number;
                }
                else
                {
                    householdsPerGrid.TryGetValue(grid.ScopeKey, out var used);
                    number = used + 1;
                    householdsPerGrid[grid.ScopeKey] = number;
                }
                var household = new JurisdictionNode
                {
                    CountyCode = countyCode, ParentId = null, Level = JurisdictionLevel.Household,
                    ScopeKey = ScopeKey.Child(parent.ScopeKey, JurisdictionLevel.Household, number),
                    Name = h.Label, ShortName = h.Label, Address = h.Address, Source = "demo", CreatedAt = now,
                };
                household.Code = household.ScopeKey;
                newNodes.Add(household);
                nodesByKey[household.ScopeKey] = household;
                householdNodes.Add((household, h));
                households++;
            }

            // Keys first, so people can point at their households and categories at their people.
            var nodeIds = await writer.AllocateIdsAsync<JurisdictionNode>(newNodes.Count, ct);
            for (var i = 0; i < newNodes.Count; i++) newNodes[i].Id = nodeIds[i];
            foreach (var node in newNodes) node.ParentId ??= ParentOf(nodesByKey, node).Id;
            nodes += newNodes.Count;

            foreach (var (node, source) in householdNodes)
            {
                foreach (var m in source.Members)
                {
                    var person = ToPerson(db, m, node, source.Address, countyCode, now, today);
                    newPeople.Add(person);
                }
            }
            var personIds = await writer.AllocateIdsAsync<Person>(newPeople.Count, ct);
            var k = 0;
            foreach (var (_, source) in householdNodes)
            {
                foreach (var m in source.Members)
                {
                    var person = newPeople[k];
                    person.Id = personIds[k++];
                    foreach (var code in m.Categories)
                        if (categories.TryGetValue(code, out var categoryId))
                            newCategories.Add(new PersonCategory { PersonId = person.Id, CategoryId = categoryId, CountyCode = countyCode });
                }
            }
            await writer.InsertAsync(newNodes, ct);
            await writer.InsertAsync(newPeople, ct);
            await writer.InsertAsync(newCategories, ct);
            persons += newPeople.Count;
            progress?.Report(persons);
        }

        db.Audit.Record(AuditKind.System, "demo.seed", countyCode, countyCode, changes: new AuditChanges()
            .Set("People", null, persons.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .Set("Households", null, households.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .Set("Seed", null, seed.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            reason: "demo county generated", rule: "demo");
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        await BulkWriter.AnalyzeAsync(db, ct);

        var accounts = await EnsureAccountsAsync(services, db, countyCode, options.Demo.Password, ct);
        services.GetService<JurisdictionDirectory>()?.Invalidate();
        return new DemoSeedResult(households, persons, nodes, accounts, clock.ElapsedMilliseconds, Skipped: false);
    }

    private static DateOnly CountyClockToday(FangkongOptions options) => Core.CountyClock.Today(TimeProvider.System, options.TimeZone);

    private static JurisdictionNode Ensure(Dictionary<string, JurisdictionNode> nodes, List<JurisdictionNode> created, JurisdictionNode parent,
        JurisdictionLevel level, int number, string name, string county, DateTime now)
    {
        var key = ScopeKey.Child(parent.ScopeKey, level, number);
        if (nodes.TryGetValue(key, out var node)) return node;
        node = new JurisdictionNode
        {
            CountyCode = county, ParentId = parent.Id == 0 ? null : parent.Id, Level = level, ScopeKey = key, Code = key,
            Name = name, ShortName = name, Source = "demo", CreatedAt = now,
        };
        nodes[key] = node;
        created.Add(node);
        return node;
    }

    private static JurisdictionNode ParentOf(Dictionary<string, JurisdictionNode> nodes, JurisdictionNode node)
    {
        // The nearest existing ancestor key: padded "none" segments (000, 00) have no node of their own.
        for (var length = node.ScopeKey.Length - 1; length >= ScopeKey.CountyLength; length--)
            if (nodes.TryGetValue(node.ScopeKey[..length], out var parent) && parent.Level < node.Level) return parent;
        throw new InvalidOperationException($"no parent for {node.ScopeKey}");
    }

    private static Person ToPerson(FangkongDb db, DemoPerson m, JurisdictionNode household, string address, string county, DateTime now, DateOnly today)
    {
        var person = new Person
        {
            CountyCode = county,
            ScopeKey = household.ScopeKey,
            NodeId = household.Id,
            Name = m.Name,
            DocumentType = DocumentType.ResidentId,
            DocumentNumber = m.IdNumber,
            DocumentHash = db.Protector.Hash(BlindIndex.DocumentPurpose(DocumentType.ResidentId), m.IdNumber),
            DocumentMasked = Masking.IdNumber(m.IdNumber),
            IdValid = true,
            BirthDate = m.BirthDate,
            Sex = m.Sex.ToString(),
            AddressText = address,
            Relation = m.Relation,
            Residence = m.Residence,
            AwayLocation = m.AwayLocation,
            Occupation = m.Occupation,
            Vulnerable = m.Vulnerable | PersonRules.AgeFlags(m.BirthDate, today),
            CreatedAt = now,
            UpdatedAt = now,
            Version = 1,
        };
        person.SetPhone(m.Phone, db.Protector.Hash(BlindIndex.Phone, m.Phone));
        return person;
    }

    /// <summary>One account per role: county-level roles at the county, field roles at the township and village with the most people.</summary>
    public static async Task<IReadOnlyList<DemoAccount>> EnsureAccountsAsync(IServiceProvider services, FangkongDb db, string county, string password, CancellationToken ct)
    {
        var users = services.GetRequiredService<UserManager<AppUser>>();
        var counts = await db.People.Where(p => p.CountyCode == county)
            .GroupBy(p => p.ScopeKey.Substring(0, ScopeKey.VillageLength)).Select(g => new { g.Key, Count = g.Count() })
            .OrderByDescending(g => g.Count).ThenBy(g => g.Key).ToListAsync(ct);
        var villageKey = counts.FirstOrDefault()?.Key;
        var townshipTotals = counts.GroupBy(c => c.Key[..ScopeKey.TownshipLength]).Select(g => (Key: g.Key, Count: g.Sum(x => x.Count)))
            .OrderByDescending(g => g.Count).ThenBy(g => g.Key).ToList();
        var townshipKey = villageKey?[..ScopeKey.TownshipLength] ?? townshipTotals.FirstOrDefault().Key;
        var otherTownshipKey = townshipTotals.Select(t => t.Key).FirstOrDefault(k => k != townshipKey);
        var nodes = await db.Nodes.Where(n => n.CountyCode == county && (n.ScopeKey == county || n.ScopeKey == townshipKey || n.ScopeKey == villageKey || n.ScopeKey == otherTownshipKey))
            .ToDictionaryAsync(n => n.ScopeKey, ct);
        var plan = new List<(string User, string Name, string Role, string? Key, string Unit)>
        {
            ("admin", "系统管理员", Roles.Administrator, county, "县疫情防控指挥部信息组"),
            ("command", "县指挥部值班长", Roles.CommandCentre, county, "县疫情防控指挥部"),
            ("health", "县疾控中心", Roles.Health, county, "县卫健委 / 疾控中心"),
            ("supervisor", "县督查组", Roles.Supervisor, county, "县纪委监委督查组"),
            ("site", "集中隔离点", Roles.SiteStaff, county, "县集中隔离点"),
            ("township", "乡镇专班", Roles.TownshipTeam, townshipKey, "乡镇疫情防控专班"),
            ("checkpoint", "卡点值守", Roles.CheckpointStaff, townshipKey, "乡镇卡点"),
            ("village", "村网格员", Roles.VillageCadre, villageKey, "村(社区)两委"),
            ("township2", "乡镇专班(二)", Roles.TownshipTeam, otherTownshipKey, "乡镇疫情防控专班"),
            ("lead", "乡镇分管领导", Roles.TownshipLead, townshipKey, "乡镇党委政府"),
        };
        var result = new List<DemoAccount>();
        foreach (var (userName, displayName, role, key, unit) in plan)
        {
            if (key is null || !nodes.TryGetValue(key, out var node)) continue;
            var user = await users.FindByNameAsync(userName);
            if (user is null)
            {
                user = new AppUser
                {
                    UserName = userName, DisplayName = displayName, Unit = node.Name + " " + unit, NodeId = node.Id, ScopeKey = node.ScopeKey,
                    CountyCode = county, CreatedAt = DateTime.UtcNow, LockoutEnabled = true,
                    // A duty phone for the unit's text messages (the development gateway keeps them on the outbox page).
                    PhoneNumber = "1380377" + (result.Count + 1).ToString("0000", System.Globalization.CultureInfo.InvariantCulture),
                };
                DatabaseInitializer.Check(await users.CreateAsync(user, password), userName);
                DatabaseInitializer.Check(await users.AddToRoleAsync(user, role), userName);
            }
            result.Add(new DemoAccount(userName, displayName, role, node.Name, node.ScopeKey));
        }
        return result;
    }

    /// <summary>The demo accounts that exist (for the start-up banner).</summary>
    public static async Task<IReadOnlyList<DemoAccount>> AccountsAsync(FangkongDb db, string county, CancellationToken ct)
    {
        var names = new[] { "admin", "command", "health", "supervisor", "site", "township", "checkpoint", "village", "township2", "lead" };
        var users = await db.Users.AsNoTracking().Where(u => names.Contains(u.UserName!) && u.CountyCode == county).ToListAsync(ct);
        var roles = await (from ur in db.UserRoles join r in db.Roles on ur.RoleId equals r.Id select new { ur.UserId, r.Name }).ToListAsync(ct);
        var nodeIds = users.Select(u => u.NodeId).ToList();
        var nodes = await db.Nodes.AsNoTracking().Where(n => nodeIds.Contains(n.Id)).ToDictionaryAsync(n => n.Id, n => n.Name, ct);
        return names.Select(n => users.FirstOrDefault(u => u.UserName == n)).Where(u => u is not null)
            .Select(u => new DemoAccount(u!.UserName!, u.DisplayName, roles.FirstOrDefault(r => r.UserId == u.Id)?.Name ?? "", nodes.GetValueOrDefault(u.NodeId) ?? "", u.ScopeKey))
            .ToList();
    }
}
