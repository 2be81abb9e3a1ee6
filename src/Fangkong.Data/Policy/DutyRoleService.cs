using Fangkong.Core.Accounts;
using Fangkong.Core.People;
using Fangkong.Core.Policy;
using Fangkong.Data.Audit;
using Fangkong.Data.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Fangkong.Data.Policy;

public sealed record DutyRoleItem(long Id, DutyRoleKind Kind, string Code, string NameZh, string NameEn, int SortOrder, bool IsActive);

/// <summary>
/// The county's duty roles (the five-to-one owners of an order, the roles of a verification team): read by everyone who
/// names owners or a team, edited by the command centre under <see cref="Permissions.PolicyManage"/>, every change in
/// the audit trail (the role's history).
/// </summary>
public sealed class DutyRoleService(IDbContextFactory<FangkongDb> factory, IActorAccessor actor)
{
    /// <summary>The county's lists, each in its order; inactive roles too (orders and teams that name them still read in words).</summary>
    public async Task<IReadOnlyList<DutyRoleItem>> ListAsync(DutyRoleKind? kind = null, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var q = db.DutyRoles.AsNoTracking();
        if (kind is { } k) q = q.Where(r => r.Kind == k);
        var rows = await q.OrderBy(r => r.Kind).ThenBy(r => r.SortOrder).ThenBy(r => r.Id).ToListAsync(ct);
        return [.. rows.Select(Item)];
    }

    /// <summary>The codes of the active roles of one list, in the county's order.</summary>
    public async Task<IReadOnlyList<string>> InUseAsync(DutyRoleKind kind, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        return await InUseAsync(db, kind, ct);
    }

    internal static async Task<IReadOnlyList<string>> InUseAsync(FangkongDb db, DutyRoleKind kind, CancellationToken ct) =>
        DutyRoleRules.InUse(await db.DutyRoles.AsNoTracking().Where(r => r.Kind == kind && r.IsActive).ToListAsync(ct), kind);

    public async Task<long> CreateAsync(DutyRoleInput input, CancellationToken ct = default)
    {
        actor.Current.Require(Permissions.PolicyManage);
        var county = actor.Current.Scope.CountyCode;
        if (string.IsNullOrEmpty(county)) throw new ValidationFailedException([new FieldError("kind", "duty-role.county-required")]);
        // A code made from the name can collide with one another editor made from the same name a moment earlier (the
        // unique index refuses the second); then it is made again from the list as it is now. A code the editor typed
        // is theirs: a collision is reported to them.
        for (var attempt = 1; ; attempt++)
        {
            await using var db = await factory.CreateDbContextAsync(ct);
            var role = new DutyRole { CountyCode = county };
            ValidationFailedException.ThrowIfAny(DutyRoleRules.Apply(role, input, await db.DutyRoles.ToListAsync(ct), creating: true));
            db.DutyRoles.Add(role);
            db.Audit.Reason = "duty role added";
            db.Audit.Rule = "duty-roles";
            try
            {
                await SaveAsync(db, role, ct);
                return role.Id;
            }
            catch (ValidationFailedException e) when (string.IsNullOrWhiteSpace(input.Code) && attempt < 5 && e.Errors.Any(x => x.Code == "duty-role.code-taken"))
            {
            }
        }
    }

    public async Task<bool> UpdateAsync(long id, DutyRoleInput input, CancellationToken ct = default)
    {
        actor.Current.Require(Permissions.PolicyManage);
        await using var db = await factory.CreateDbContextAsync(ct);
        var list = await db.DutyRoles.ToListAsync(ct);
        if (list.FirstOrDefault(r => r.Id == id) is not { } role) return false;
        if (input.Kind is { } kind && kind != role.Kind) throw new ValidationFailedException([new FieldError("kind", "duty-role.kind-fixed")]);
        if (input.Code is not null && Core.Text.Compact(input.Code).ToLowerInvariant() != role.Code)
            throw new ValidationFailedException([new FieldError("code", "duty-role.code-fixed")]);
        ValidationFailedException.ThrowIfAny(DutyRoleRules.Apply(role, input, list, creating: false));
        db.Audit.Reason = role.IsActive ? "duty role edited" : "duty role retired";
        db.Audit.Rule = "duty-roles";
        await SaveAsync(db, role, ct);
        return true;
    }

    /// <summary>A role's changes, newest first: who added, renamed, reordered or retired it, and when.</summary>
    public async Task<Page<AuditItem>?> HistoryAsync(long id, int page = 1, CancellationToken ct = default)
    {
        await using (var db = await factory.CreateDbContextAsync(ct))
            if (!await db.DutyRoles.AnyAsync(r => r.Id == id, ct)) return null;
        return await new AuditQueryService(factory, actor).HistoryAsync("DutyRole", id.ToString(System.Globalization.CultureInfo.InvariantCulture), Permissions.PolicyRead, page, ct);
    }

    /// <summary>
    /// Saves and checks the list again inside the same transaction, after the county's audit-chain lock (taken by the
    /// save) serialises the writers: two edits racing on one list (the last two roles retired at once, two roles renamed
    /// alike) cannot both pass a check that each made on the list as it was before the other.
    /// </summary>
    private static async Task SaveAsync(FangkongDb db, DutyRole role, CancellationToken ct)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (DbErrors.IsUniqueViolation(e))
        {
            throw new ValidationFailedException([new FieldError("code", "duty-role.code-taken")]);
        }
        var list = await db.DutyRoles.AsNoTracking().Where(r => r.Kind == role.Kind).ToListAsync(ct);
        ValidationFailedException.ThrowIfAny(DutyRoleRules.CheckList(list, role.Kind));
        await transaction.CommitAsync(ct);
    }

    private static DutyRoleItem Item(DutyRole r) => new(r.Id, r.Kind, r.Code, r.NameZh, r.NameEn, r.SortOrder, r.IsActive);
}
