using Fangkong.Core.Accounts;
using Fangkong.Core.Identifiers;
using Fangkong.Core.People;
using Fangkong.Core.Policy;
using Fangkong.Core.Tasks;
using Fangkong.Data.Infrastructure;
using Fangkong.Data.Policy;
using Fangkong.Data.Tasks;
using Fangkong.Testing;
using Microsoft.EntityFrameworkCore;
using static Fangkong.Testing.CountyTestKit;

namespace Fangkong.Data.Tests.Policy;

/// <summary>The county's duty roles on both engines: the starting lists, edits with their history, the rules of a list under racing edits, and a team made of them.</summary>
public class DutyRoleTests
{
    private static Task<IReadOnlyList<DutyRoleItem>> ListAsync(TestDatabase db, DutyRoleKind kind) =>
        Run(db, Command, sp => Make<DutyRoleService>(sp).ListAsync(kind));

    private static Task<bool> RetireAsync(TestDatabase db, DutyRoleItem role) =>
        Run(db, Command, sp => Make<DutyRoleService>(sp).UpdateAsync(role.Id, new DutyRoleInput(null, null, role.NameZh, role.NameEn, null, false)));

    /// <summary>
    /// A new county starts with the seed documents' lists; the command centre adds, renames and retires roles, each
    /// change in the role's history (readable by a township, the list is the county's); a township may not edit; code and
    /// kind never change.
    /// </summary>
    [Theory, OnSqlite, OnPostgres]
    public async Task TheCountysLists_StartWithTheSeedRoles_AndAreEditedByTheCommandCentre_WithHistory(Engine engine)
    {
        await using var db = await TestDatabase.CreateAsync(engine);
        Assert.Equal(["township-cadre", "village-cadre", "doctor", "police", "volunteer"], (await ListAsync(db, DutyRoleKind.Owner)).Select(r => r.Code));
        Assert.Equal(["cadre", "police", "health-worker"], (await ListAsync(db, DutyRoleKind.Team)).Select(r => r.Code));

        var id = await Run(db, Command, sp => Make<DutyRoleService>(sp).CreateAsync(new DutyRoleInput(DutyRoleKind.Owner, "grid-worker", "网格员", "Grid worker", null, null)));
        Assert.True(await Run(db, Command, sp => Make<DutyRoleService>(sp).UpdateAsync(id, new DutyRoleInput(null, null, "专职网格员", "Full-time grid worker", 5, null))));
        Assert.Equal(["grid-worker", "township-cadre", "village-cadre", "doctor", "police", "volunteer"], (await ListAsync(db, DutyRoleKind.Owner)).Select(r => r.Code));
        Assert.Equal(["grid-worker", "township-cadre", "village-cadre", "doctor", "police", "volunteer"],
            await Run(db, Command, sp => Make<DutyRoleService>(sp).InUseAsync(DutyRoleKind.Owner)));

        var township = As(Roles.TownshipTeam, "411326102");
        await Assert.ThrowsAsync<ForbiddenException>(() => Run(db, township, sp => Make<DutyRoleService>(sp).CreateAsync(new DutyRoleInput(DutyRoleKind.Owner, "x-role", "某角色", "Some role", null, null))));
        await Assert.ThrowsAsync<ForbiddenException>(() => Run(db, township, sp => Make<DutyRoleService>(sp).UpdateAsync(id, new DutyRoleInput(null, null, "改名", "Renamed", null, null))));
        var history = await Run(db, township, sp => Make<DutyRoleService>(sp).HistoryAsync(id));
        Assert.Equal(["duty-role.update", "duty-role.create"], history!.Items.Select(h => h.Action));
        Assert.Contains("专职网格员", history.Items[0].Changes);
        Assert.Equal(Command.Name, history.Items[0].ActorName);

        var fixedCode = await Assert.ThrowsAsync<ValidationFailedException>(() => Run(db, Command, sp => Make<DutyRoleService>(sp).UpdateAsync(id, new DutyRoleInput(null, "grid", "网格员", "Grid worker", null, null))));
        Assert.Equal([new FieldError("code", "duty-role.code-fixed")], fixedCode.Errors);
        var fixedKind = await Assert.ThrowsAsync<ValidationFailedException>(() => Run(db, Command, sp => Make<DutyRoleService>(sp).UpdateAsync(id, new DutyRoleInput(DutyRoleKind.Team, null, "网格员", "Grid worker", null, null))));
        Assert.Equal([new FieldError("kind", "duty-role.kind-fixed")], fixedKind.Errors);
        var taken = await Assert.ThrowsAsync<ValidationFailedException>(() => Run(db, Command, sp => Make<DutyRoleService>(sp).CreateAsync(new DutyRoleInput(DutyRoleKind.Owner, "Grid-Worker", "网格", "Grid", null, null))));
        Assert.Equal([new FieldError("code", "duty-role.code-taken")], taken.Errors);
        Assert.False(await Run(db, Command, sp => Make<DutyRoleService>(sp).UpdateAsync(999_999, new DutyRoleInput(null, null, "无", "None", null, null))));
        Assert.Null(await Run(db, Command, sp => Make<DutyRoleService>(sp).HistoryAsync(999_999)));
    }

    /// <summary>
    /// Three editors add a role at the same moment, each by a Chinese name alone: each read the list before the others
    /// saved, so each made the same code from the role's place at the end of it; the unique index refuses the later
    /// ones, which make their code again from the list as it is then. All three roles exist, each with its own code.
    /// </summary>
    [Theory, OnSqlite, OnPostgres]
    public async Task RolesAddedAtOnce_AllGetTheirOwnCode(Engine engine)
    {
        await using var db = await TestDatabase.CreateAsync(engine);
        var ids = await Task.WhenAll(new[] { "司机", "消杀员", "保安" }.Select(name => Task.Run(() =>
            Run(db, Command, sp => Make<DutyRoleService>(sp).CreateAsync(new DutyRoleInput(DutyRoleKind.Team, null, name, null, null, null))))));
        var codes = (await ListAsync(db, DutyRoleKind.Team)).Where(r => ids.Contains(r.Id)).Select(r => r.Code).ToList();
        Assert.Equal(3, codes.Count);
        Assert.Equal(3, codes.Distinct().Count());
        Assert.All(codes, c => Assert.StartsWith("role-", c, StringComparison.Ordinal));
    }

    /// <summary>
    /// The command centre adds roles by their Chinese names alone: each gets a code made from the name (its place in the
    /// list, as Chinese has no Latin letters), unique in its list, and its English name is the Chinese one; an English
    /// name gives its words, after a retired role's code "-2". A code once made never changes when the role is renamed.
    /// </summary>
    [Theory, OnSqlite, OnPostgres]
    public async Task RolesAddedWithoutACode_GetOneMadeFromTheName_UniqueAndStable(Engine engine)
    {
        await using var db = await TestDatabase.CreateAsync(engine);
        Task<long> Add(DutyRoleKind kind, string zh, string? en = null) =>
            Run(db, Command, sp => Make<DutyRoleService>(sp).CreateAsync(new DutyRoleInput(kind, null, zh, en, null, null)));
        var grid = await Add(DutyRoleKind.Owner, "网格员");
        var party = await Add(DutyRoleKind.Owner, "党员");
        var driver = await Add(DutyRoleKind.Team, "司机");
        Assert.True(await RetireAsync(db, (await ListAsync(db, DutyRoleKind.Owner)).Single(r => r.Code == "volunteer")));
        var team = await Add(DutyRoleKind.Owner, "志愿者服务队", "Volunteer");

        var owners = await ListAsync(db, DutyRoleKind.Owner);
        Assert.Equal(("role-60", "网格员"), owners.Where(r => r.Id == grid).Select(r => (r.Code, r.NameEn)).Single());
        Assert.Equal("role-70", owners.Single(r => r.Id == party).Code);
        Assert.Equal("volunteer-2", owners.Single(r => r.Id == team).Code);
        Assert.Equal("role-40", (await ListAsync(db, DutyRoleKind.Team)).Single(r => r.Id == driver).Code);
        Assert.Equal(owners.Count, owners.Select(r => r.Code).Distinct().Count());

        Assert.True(await Run(db, Command, sp => Make<DutyRoleService>(sp).UpdateAsync(grid, new DutyRoleInput(null, null, "专职网格员", "Grid worker", null, null))));
        var renamed = (await ListAsync(db, DutyRoleKind.Owner)).Single(r => r.Id == grid);
        Assert.Equal(("role-60", "专职网格员", "Grid worker"), (renamed.Code, renamed.NameZh, renamed.NameEn));
        Assert.Contains("role-60", await Run(db, Command, sp => Make<DutyRoleService>(sp).InUseAsync(DutyRoleKind.Owner)));
    }

    /// <summary>
    /// Two staff retire the last two active team roles at the same moment: the second checked the list while the first
    /// one's change was written but not committed, so its own check passed; the check after its write, which waits for
    /// the first (the county's audit-chain lock on PostgreSQL, the write lock on SQLite), refuses it, and the list keeps
    /// one active role.
    /// </summary>
    [Theory, OnSqlite, OnPostgres]
    public async Task RetiringTheLastActiveRoles_AtOnce_LeavesOne(Engine engine)
    {
        await using var db = await TestDatabase.CreateAsync(engine);
        var team = await ListAsync(db, DutyRoleKind.Team);
        Assert.True(await RetireAsync(db, team[0]));
        Task<string> racing;
        await using (var ctx = await db.ContextAsync(Command))
        {
            await using var first = await ctx.Database.BeginTransactionAsync();
            (await ctx.DutyRoles.SingleAsync(r => r.Id == team[1].Id)).IsActive = false;
            await ctx.SaveChangesAsync();
            racing = Task.Run(async () =>
            {
                try { return await RetireAsync(db, team[2]) ? "retired" : "missing"; }
                catch (ValidationFailedException e) { return string.Join(",", e.Errors.Select(x => x.Code)); }
            });
            await Task.Delay(1500);
            Assert.False(racing.IsCompleted);
            await first.CommitAsync();
        }
        Assert.Equal("duty-role.last-active", await racing);
        Assert.Equal(["health-worker"], await Run(db, Command, sp => Make<DutyRoleService>(sp).InUseAsync(DutyRoleKind.Team)));
    }

    /// <summary>
    /// A township's team is made of the county's active team roles: after the county adds a driver and retires the
    /// health worker, a team without a driver is refused naming the missing role, a health worker is an unknown role,
    /// and a cadre, a police officer and a driver make the team.
    /// </summary>
    [Theory, OnSqlite, OnPostgres]
    public async Task ATeam_IsMadeOfTheCountysActiveTeamRoles(Engine engine)
    {
        await using var db = await TestDatabase.CreateAsync(engine);
        SetNow(db, "2022-11-10 09:00");
        var id = ResidentId.Compose("410105", new DateOnly(1990, 3, 4), 21);
        await Run(db, Command, sp => Make<VerificationImporter>(sp).ImportRowsAsync("push-roles",
            [new PushedRow(1, "甲", id, null, "淅川县上集镇上集村", "上海", "时空伴随", null, null)], new VerificationImportOptions("机推-角色")));
        long taskId;
        string township;
        await using (var ctx = await db.ContextAsync(Command))
        {
            var task = await ctx.VerificationTasks.SingleAsync();
            (taskId, township) = (task.Id, task.ScopeKey[..9]);
        }
        var unit = As(Roles.TownshipTeam, township);
        await Run(db, Command, sp => Make<DutyRoleService>(sp).CreateAsync(new DutyRoleInput(DutyRoleKind.Team, "driver", "司机", "Driver", null, null)));
        Assert.True(await RetireAsync(db, (await ListAsync(db, DutyRoleKind.Team)).Single(r => r.Code == "health-worker")));
        Assert.Equal(["cadre", "police", "driver"], await Run(db, unit, sp => Make<VerificationService>(sp).TeamRolesAsync()));

        var refused = await Assert.ThrowsAsync<ValidationFailedException>(() => Run(db, unit, sp => Make<VerificationService>(sp).NameTeamAsync(taskId,
            [new("cadre", "张干部", null), new("police", "李警官", null), new("health-worker", "王医生", null)])));
        Assert.Equal([new FieldError("members", "team.member-missing:driver"), new FieldError("members[2].role", "team.role-unknown:health-worker")], refused.Errors);

        Assert.True(await Run(db, unit, sp => Make<VerificationService>(sp).NameTeamAsync(taskId,
            [new("cadre", "张干部", null), new("police", "李警官", null), new("driver", "赵师傅", "13800001111")])));
        var team = (await Run(db, unit, sp => Make<VerificationService>(sp).GetAsync(taskId)))!.Team;
        Assert.Equal(["cadre 张干部", "police 李警官", "driver 赵师傅"], team.Select(m => $"{m.Role} {m.Name}"));
    }
}
