using Fangkong.Core.Policy;
using Fangkong.Data.Policy;
using Fangkong.Web.Infrastructure;

namespace Fangkong.Web.ClosedLoop;

/// <summary>
/// The county's duty roles in the page's language (an owner's role on an order, a team member's role, a role in a
/// record's history): read once per request or circuit; a code the list does not hold is shown as written.
/// </summary>
public sealed class DutyRoleNames(DutyRoleService roles)
{
    private IReadOnlyList<DutyRoleItem>? _list;

    public async Task<DutyRoleNames> LoadAsync()
    {
        _list ??= await roles.ListAsync();
        return this;
    }

    /// <summary>The active roles of one list in the county's order, with the codes <paramref name="alsoShow"/> names after them.</summary>
    public IReadOnlyList<string> InUse(DutyRoleKind kind, IEnumerable<string>? alsoShow = null) =>
        // The list comes in the county's order (DutyRoleService.ListAsync), so its active codes are the ones in use.
        [.. List.Where(r => r.Kind == kind && r.IsActive).Select(r => r.Code).Concat(alsoShow ?? []).Distinct(StringComparer.Ordinal)];

    public string Name(DutyRoleKind kind, string code) =>
        List.FirstOrDefault(r => r.Kind == kind && r.Code == code) is { } r ? (Localized.IsChinese ? r.NameZh : r.NameEn) : code;

    private IReadOnlyList<DutyRoleItem> List => _list ?? throw new InvalidOperationException("DutyRoleNames.LoadAsync first.");
}
