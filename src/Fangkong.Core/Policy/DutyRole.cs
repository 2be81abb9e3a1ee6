using Fangkong.Core.Jurisdictions;
using Fangkong.Core.People;

namespace Fangkong.Core.Policy;

/// <summary>The lists of duty roles a county keeps: who owns a control order, who makes up a verification team.</summary>
public enum DutyRoleKind
{
    /// <summary>The five-to-one owners of a control order (五包一): an order names at most one owner per role.</summary>
    Owner = 0,
    /// <summary>The team a township names for a pushed verification task (seed 004): one member for every active role.</summary>
    Team = 1,
}

/// <summary>
/// One duty role of a county's list: data the command centre edits, with its history in the audit trail. The code is
/// what orders and tasks store and never changes; a role the county stops using is made inactive, never deleted, so
/// the orders and teams that name it still read in words.
/// </summary>
public sealed class DutyRole : ICountyOwned
{
    public long Id { get; set; }
    public string CountyCode { get; set; } = "";
    public DutyRoleKind Kind { get; set; }
    /// <summary>A stable slug (township-cadre, grid-worker): what an order's owner or a team member stores.</summary>
    public string Code { get; set; } = "";
    public string NameZh { get; set; } = "";
    public string NameEn { get; set; } = "";
    public int SortOrder { get; set; }
    public bool IsActive { get; set; } = true;

    /// <summary>The name in the language asked for (Chinese unless English is asked).</summary>
    public string NameIn(string language) => language.StartsWith("en", StringComparison.OrdinalIgnoreCase) ? NameEn : NameZh;
}

/// <summary>A duty role as entered on the page or sent to the API (any part may be wrong).</summary>
public sealed record DutyRoleInput(DutyRoleKind? Kind, string? Code, string? NameZh, string? NameEn, int? SortOrder, bool? IsActive);

/// <summary>The starting lists a new county gets (the seed documents' five-to-one and three-person team); counties edit them.</summary>
public static class DefaultDutyRoles
{
    public static IReadOnlyList<(DutyRoleKind Kind, string Code, string NameZh, string NameEn)> All { get; } =
    [
        (DutyRoleKind.Owner, "township-cadre", "乡镇干部", "Township cadre"),
        (DutyRoleKind.Owner, "village-cadre", "村干部/网格员", "Village cadre / grid worker"),
        (DutyRoleKind.Owner, "doctor", "医生", "Doctor"),
        (DutyRoleKind.Owner, "police", "民警", "Police officer"),
        (DutyRoleKind.Owner, "volunteer", "志愿者", "Volunteer"),
        (DutyRoleKind.Team, "cadre", "乡村干部", "Cadre"),
        (DutyRoleKind.Team, "police", "民警", "Police officer"),
        (DutyRoleKind.Team, "health-worker", "医务人员", "Health worker"),
    ];

    public static IReadOnlyList<string> Codes(DutyRoleKind kind) => [.. All.Where(r => r.Kind == kind).Select(r => r.Code)];
}

/// <summary>The rules of a county's duty-role lists, the same from the page and the API.</summary>
public static class DutyRoleRules
{
    public const int MaxActive = 12;

    /// <summary>
    /// Checks an entry and applies it to the role (a new one when <paramref name="existing"/> holds no role with its id).
    /// The code is a lower-case slug of 2–40 letters, digits and hyphens, set once and unique in its list; left out, it is
    /// made from the name (<see cref="Text.CodeFromName"/>: the English name's words, or "role-" and the role's place in
    /// the list for a Chinese name alone). The Chinese name is required (up to 20 characters); the English name (up to
    /// 60) is the Chinese one when left out. Both are unique in the list among active roles, so nobody picks between two
    /// roles that read the same; a list keeps at least one active role (a team of nobody, an order nobody owns, would
    /// pass every check) and at most <see cref="MaxActive"/>. Errors name the field as sent.
    /// </summary>
    public static IReadOnlyList<FieldError> Apply(DutyRole role, DutyRoleInput input, IReadOnlyList<DutyRole> list, bool creating)
    {
        var errors = new List<FieldError>();
        var zh = Text.Tidy(input.NameZh);
        var typedEn = Text.Tidy(input.NameEn);
        var en = typedEn ?? zh;
        if (creating && (input.Kind is not { } kind || !Enum.IsDefined(kind))) errors.Add(new FieldError("kind", "required"));
        else if (creating) role.Kind = input.Kind!.Value;
        var order = input.SortOrder ?? (creating ? (list.Where(r => r.Kind == role.Kind).Select(r => r.SortOrder).DefaultIfEmpty(0).Max() / 10 + 1) * 10 : role.SortOrder);
        string? code = null;
        if (creating)
        {
            var taken = list.Where(r => r.Kind == role.Kind).Select(r => r.Code).ToHashSet(StringComparer.Ordinal);
            var typed = Text.Compact(input.Code).ToLowerInvariant();
            code = typed.Length > 0 ? typed
                : Text.CodeFromName(en, "role-" + Math.Clamp(order, 0, 100_000).ToString(System.Globalization.CultureInfo.InvariantCulture), 40, taken);
            if (code.Length is < 2 or > 40 || !code.All(c => char.IsAsciiLetterOrDigit(c) || c == '-') || code.StartsWith('-') || code.EndsWith('-'))
                errors.Add(new FieldError("code", "duty-role.code"));
            else if (taken.Contains(code)) errors.Add(new FieldError("code", "duty-role.code-taken"));
        }
        if (zh is null) errors.Add(new FieldError("nameZh", "required"));
        else if (zh.Length > 20) errors.Add(new FieldError("nameZh", "field.too-long"));
        if (typedEn is not null && typedEn.Length > 60) errors.Add(new FieldError("nameEn", "field.too-long"));
        var active = input.IsActive ?? (creating || role.IsActive);
        var others = list.Where(r => r.Kind == role.Kind && r.Id != role.Id && r.IsActive && (creating || r.Code != role.Code)).ToList();
        if (active)
        {
            var zhTaken = zh is not null && others.Any(r => r.NameZh == zh);
            if (zhTaken) errors.Add(new FieldError("nameZh", "duty-role.name-taken"));
            // An English name left out reads as the Chinese one: a clash of the Chinese name is said once, on its own field.
            if (en is not null && !(typedEn is null && zhTaken) && others.Any(r => string.Equals(r.NameEn, en, StringComparison.OrdinalIgnoreCase)))
                errors.Add(new FieldError("nameEn", "duty-role.name-taken"));
            if (others.Count >= MaxActive) errors.Add(new FieldError("isActive", "duty-role.too-many"));
        }
        else if (others.Count == 0) errors.Add(new FieldError("isActive", "duty-role.last-active"));
        if (input.SortOrder is < 0 or > 100_000) errors.Add(new FieldError("sortOrder", "field.out-of-range"));
        if (errors.Count > 0) return errors;
        if (code is not null) role.Code = code;
        role.NameZh = zh!;
        role.NameEn = en!;
        role.IsActive = active;
        role.SortOrder = order;
        return errors;
    }

    /// <summary>
    /// The rules that hold for a whole list, checked again after a change is written (two edits at once each see the list
    /// without the other): at least one active role, and no two active roles with the same Chinese or English name.
    /// </summary>
    public static IReadOnlyList<FieldError> CheckList(IReadOnlyList<DutyRole> list, DutyRoleKind kind)
    {
        var active = list.Where(r => r.Kind == kind && r.IsActive).ToList();
        var errors = new List<FieldError>();
        if (active.Count == 0) errors.Add(new FieldError("isActive", "duty-role.last-active"));
        if (active.GroupBy(r => r.NameZh).Any(g => g.Count() > 1)) errors.Add(new FieldError("nameZh", "duty-role.name-taken"));
        if (active.GroupBy(r => r.NameEn, StringComparer.OrdinalIgnoreCase).Any(g => g.Count() > 1)) errors.Add(new FieldError("nameEn", "duty-role.name-taken"));
        if (active.Count > MaxActive) errors.Add(new FieldError("isActive", "duty-role.too-many"));
        return errors;
    }

    /// <summary>The codes of a list's active roles in the county's order: what an order's owners and a team must come from.</summary>
    public static IReadOnlyList<string> InUse(IEnumerable<DutyRole> list, DutyRoleKind kind) =>
        [.. list.Where(r => r.Kind == kind && r.IsActive).OrderBy(r => r.SortOrder).ThenBy(r => r.Id).Select(r => r.Code)];
}
