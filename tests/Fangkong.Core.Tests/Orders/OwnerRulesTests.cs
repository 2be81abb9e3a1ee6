using Fangkong.Core.Orders;
using Fangkong.Core.People;
using Fangkong.Core.Policy;

namespace Fangkong.Core.Tests.Orders;

public class OwnerRulesTests
{
    private static readonly string[] Roles = ["township-cadre", "网格员", "doctor"];

    private static (IReadOnlyList<CheckedOwner> Owners, List<FieldError> Errors) Check(params OwnerEntry[] owners)
    {
        var errors = new List<FieldError>();
        return (OwnerRules.Check(owners, Roles, errors), errors);
    }

    [Fact]
    public void Owners_OfTheCountysRoles_AreKept_NamesTidied_PhonesNormalised()
    {
        var (owners, errors) = Check(new OwnerEntry(" doctor ", " 李医生 ", "+86 139-1234-5678"), new OwnerEntry("网格员", "王•芳", null));
        Assert.Empty(errors);
        Assert.Equal([new CheckedOwner("doctor", "李医生", "13912345678"), new CheckedOwner("网格员", "王·芳", null)], owners);
    }

    [Fact]
    public void ARoleNotOnTheList_ATwiceNamedRole_ABadNameOrPhone_AreFieldErrors_ByTheirPlaceInTheList()
    {
        var (owners, errors) = Check(
            new OwnerEntry("wizard", "李医生", null),
            new OwnerEntry("doctor", "张三", "12345"),
            new OwnerEntry("doctor", "<b>x</b>", null),
            new OwnerEntry(" ", "", null));
        Assert.Empty(owners);
        Assert.Equal(
            [
                new FieldError("[0].role", "owner.role-unknown:wizard"),
                new FieldError("[1].phone", "phone.invalid"),
                new FieldError("[2].role", "duplicate"),
                new FieldError("[2].name", "name.characters"),
                new FieldError("[3].role", "required"),
                new FieldError("[3].name", "name.required"),
            ], errors);
    }

    [Fact]
    public void RolesAreData_ARoleIsKnownOnlyWhenListed()
    {
        var errors = new List<FieldError>();
        OwnerRules.Check([new OwnerEntry("volunteer", "赵六", null)], DefaultDutyRoles.Codes(DutyRoleKind.Owner), errors);
        Assert.Empty(errors);
        OwnerRules.Check([new OwnerEntry("volunteer", "赵六", null)], ["doctor"], errors);
        Assert.Equal([new FieldError("[0].role", "owner.role-unknown:volunteer")], errors);
    }
}
