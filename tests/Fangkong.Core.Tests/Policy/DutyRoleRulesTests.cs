using Fangkong.Core.People;
using Fangkong.Core.Policy;

namespace Fangkong.Core.Tests.Policy;

public class DutyRoleRulesTests
{
    private static List<DutyRole> Defaults()
    {
        var id = 0;
        return [.. DefaultDutyRoles.All.Select(r => new DutyRole { Id = ++id, CountyCode = "411326", Kind = r.Kind, Code = r.Code, NameZh = r.NameZh, NameEn = r.NameEn, SortOrder = id * 10 })];
    }

    [Fact]
    public void ANewRole_GetsASlugCode_TidyNames_AndTheNextPlaceInItsList()
    {
        var role = new DutyRole();
        var errors = DutyRoleRules.Apply(role, new DutyRoleInput(DutyRoleKind.Owner, " Grid-Worker ", " 网格员 ", "Grid  worker", null, null), Defaults(), creating: true);
        Assert.Empty(errors);
        Assert.Equal((DutyRoleKind.Owner, "grid-worker", "网格员", "Grid worker", true), (role.Kind, role.Code, role.NameZh, role.NameEn, role.IsActive));
        // The owner list's last role sits at 50: the new one comes after it.
        Assert.Equal(60, role.SortOrder);
    }

    /// <summary>
    /// A cadre who types only the Chinese name gets a role: its code made from the name the way a checklist item's is
    /// ("role-" and its place in the list, as a Chinese name has no Latin letters; an English name's words when given,
    /// with "-2" after a code the list already holds, even a retired role's), its English name the Chinese one.
    /// </summary>
    [Theory]
    [InlineData("网格员", null, "role-60", "网格员")]
    [InlineData("网格员", "Grid worker", "grid-worker", "Grid worker")]
    [InlineData("志愿者服务队", "Volunteer team", "volunteer-team", "Volunteer team")]
    [InlineData("医务志愿者", "Doctor!", "doctor-2", "Doctor!")]
    public void ACodeLeftOut_IsMadeFromTheName_AndTheEnglishName_FallsBackToTheChinese(string zh, string? en, string code, string nameEn)
    {
        var list = Defaults();
        list.Single(r => r.Kind == DutyRoleKind.Owner && r.Code == "doctor").IsActive = false;
        var role = new DutyRole();
        Assert.Empty(DutyRoleRules.Apply(role, new DutyRoleInput(DutyRoleKind.Owner, "  ", zh, en, null, null), list, creating: true));
        Assert.Equal((code, zh, nameEn, 60), (role.Code, role.NameZh, role.NameEn, role.SortOrder));
        // The same entry on the same list gives the same code.
        var again = new DutyRole();
        DutyRoleRules.Apply(again, new DutyRoleInput(DutyRoleKind.Owner, null, zh, en, null, null), list, creating: true);
        Assert.Equal(code, again.Code);
    }

    [Fact]
    public void AChineseNameTaken_WithTheEnglishLeftOut_IsSaidOnce()
    {
        Assert.Equal([new FieldError("nameZh", "duty-role.name-taken")],
            DutyRoleRules.Apply(new DutyRole(), new DutyRoleInput(DutyRoleKind.Owner, null, "医生", null, null, null), Defaults(), creating: true));
    }

    [Theory]
    [InlineData("x", "duty-role.code")]
    [InlineData("网格员", "duty-role.code")]
    [InlineData("grid worker!", "duty-role.code")]
    [InlineData("-grid", "duty-role.code")]
    [InlineData("police", "duty-role.code-taken")]
    public void ACodeThatIsNoSlug_OrIsTakenInItsList_IsRefused(string code, string error)
    {
        var errors = DutyRoleRules.Apply(new DutyRole(), new DutyRoleInput(DutyRoleKind.Team, code, "新角色", "New role", null, null), Defaults(), creating: true);
        Assert.Equal([new FieldError("code", error)], errors);
    }

    [Fact]
    public void TheSameCode_InTheOtherList_IsAnotherRole()
    {
        // "cadre" is a team role; the owner list may have its own.
        Assert.Empty(DutyRoleRules.Apply(new DutyRole(), new DutyRoleInput(DutyRoleKind.Owner, "cadre", "包村干部", "Village-link cadre", null, null), Defaults(), creating: true));
    }

    [Fact]
    public void MissingKindAndNames_TooLongNames_ABadOrder_AreFieldErrors_AndChangeNothing()
    {
        var role = new DutyRole();
        // The English name may be left out (it reads as the Chinese one); the Chinese name may not.
        Assert.Equal([new FieldError("kind", "required"), new FieldError("nameZh", "required")],
            DutyRoleRules.Apply(role, new DutyRoleInput(null, "driver", " ", null, null, null), Defaults(), creating: true));
        Assert.Equal(("", "", ""), (role.Code, role.NameZh, role.NameEn));
        var police = Defaults().Single(r => r.Kind == DutyRoleKind.Team && r.Code == "police");
        Assert.Equal([new FieldError("nameZh", "field.too-long"), new FieldError("nameEn", "field.too-long"), new FieldError("sortOrder", "field.out-of-range")],
            DutyRoleRules.Apply(police, new DutyRoleInput(null, null, new string('警', 21), new string('p', 61), -1, null), Defaults(), creating: false));
        Assert.Equal(("民警", "Police officer"), (police.NameZh, police.NameEn));
    }

    [Fact]
    public void TwoActiveRolesOfAList_MayNotReadTheSame_ARetiredOneMay()
    {
        var list = Defaults();
        var doctor = list.Single(r => r.Code == "doctor");
        Assert.Equal([new FieldError("nameZh", "duty-role.name-taken"), new FieldError("nameEn", "duty-role.name-taken")],
            DutyRoleRules.Apply(doctor, new DutyRoleInput(null, null, "民警", "police officer", null, null), list, creating: false));
        // Retired under that name, it is out of everybody's way.
        var volunteer = list.Single(r => r.Code == "volunteer");
        Assert.Empty(DutyRoleRules.Apply(volunteer, new DutyRoleInput(null, null, "民警", "Police officer", null, false), list, creating: false));
        Assert.False(volunteer.IsActive);
        // A team role may share an owner role's name: the lists are separate.
        Assert.Empty(DutyRoleRules.Apply(new DutyRole(), new DutyRoleInput(DutyRoleKind.Team, "doctor", "医生", "Doctor", null, null), list, creating: true));
    }

    [Fact]
    public void AListKeepsOneActiveRole_AndAtMostTwelve()
    {
        var list = Defaults();
        var team = list.Where(r => r.Kind == DutyRoleKind.Team).ToList();
        Assert.Empty(DutyRoleRules.Apply(team[0], new DutyRoleInput(null, null, team[0].NameZh, team[0].NameEn, null, false), list, creating: false));
        Assert.Empty(DutyRoleRules.Apply(team[1], new DutyRoleInput(null, null, team[1].NameZh, team[1].NameEn, null, false), list, creating: false));
        Assert.Equal([new FieldError("isActive", "duty-role.last-active")],
            DutyRoleRules.Apply(team[2], new DutyRoleInput(null, null, team[2].NameZh, team[2].NameEn, null, false), list, creating: false));
        Assert.True(team[2].IsActive);

        for (var i = 0; i < 7; i++)
        {
            var added = new DutyRole { Id = 100 + i };
            Assert.Empty(DutyRoleRules.Apply(added, new DutyRoleInput(DutyRoleKind.Owner, $"extra-{i}", $"角色{i}", $"Role {i}", null, null), list, creating: true));
            list.Add(added);
        }
        Assert.Equal([new FieldError("isActive", "duty-role.too-many")],
            DutyRoleRules.Apply(new DutyRole(), new DutyRoleInput(DutyRoleKind.Owner, "one-more", "再一个", "One more", null, null), list, creating: true));
    }

    [Fact]
    public void TheListCheck_FindsWhatTwoEditsAtOnceCouldLeave()
    {
        var list = Defaults();
        Assert.Empty(DutyRoleRules.CheckList(list, DutyRoleKind.Team));
        foreach (var r in list.Where(r => r.Kind == DutyRoleKind.Team)) r.IsActive = false;
        Assert.Equal([new FieldError("isActive", "duty-role.last-active")], DutyRoleRules.CheckList(list, DutyRoleKind.Team));
        list.Single(r => r.Code == "doctor").NameZh = "民警";
        Assert.Equal([new FieldError("nameZh", "duty-role.name-taken")], DutyRoleRules.CheckList(list, DutyRoleKind.Owner));
    }

    [Fact]
    public void InUse_IsTheActiveCodes_InTheCountysOrder()
    {
        var list = Defaults();
        list.Single(r => r.Code == "volunteer").IsActive = false;
        list.Single(r => r.Code == "doctor").SortOrder = 1;
        Assert.Equal(["doctor", "township-cadre", "village-cadre", "police"], DutyRoleRules.InUse(list, DutyRoleKind.Owner));
        Assert.Equal(["cadre", "police", "health-worker"], DutyRoleRules.InUse(list, DutyRoleKind.Team));
    }
}
