using Fangkong.Core;
using Fangkong.Core.Accounts;
using Fangkong.Core.Audit;
using Fangkong.Core.Jurisdictions;
using Fangkong.Core.People;
using Fangkong.Data.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Fangkong.Data.Accounts;

public sealed record AccountItem(long Id, string UserName, string DisplayName, string? Unit, string? PhoneMasked, long NodeId,
    string ScopeKey, string? NodeName, IReadOnlyList<string> Roles, bool LockedOut, DateTimeOffset? LockoutEnd, DateTime CreatedAt, DateTime? LastSignInAt);

public sealed record AccountInput(string? UserName, string? DisplayName, string? Unit, string? Phone, long NodeId, IReadOnlyList<string> Roles, string? Password = null);

public sealed record ApiKeyItem(long Id, string Name, string Prefix, long NodeId, string ScopeKey, IReadOnlyList<string> Permissions,
    string CreatedBy, DateTime CreatedAt, DateTime? ExpiresAt, DateTime? LastUsedAt, DateTime? RevokedAt);

/// <summary>
/// Account and API-key administration. Identity's user table is not under the jurisdiction query filter (sign-in
/// must find accounts before anyone is known), so every query here narrows to the administrator's subtree itself,
/// and the write guard refuses the rest.
/// </summary>
public sealed class AccountService(IDbContextFactory<FangkongDb> factory, FangkongDb scopedDb, UserManager<AppUser> users, IActorAccessor actor)
{
    private Actor Actor => actor.Current;

    private IQueryable<AppUser> VisibleUsers(FangkongDb db)
    {
        var scope = Actor.Scope;
        if (scope.All) return db.Users.AsNoTracking();
        return db.Users.AsNoTracking().Where(u => u.CountyCode == scope.CountyCode
            && string.Compare(u.ScopeKey, scope.Lower) >= 0 && string.Compare(u.ScopeKey, scope.Upper) < 0);
    }

    public async Task<Page<AccountItem>> ListAsync(string? text, int page, int pageSize, CancellationToken ct = default)
    {
        Actor.Require(Permissions.AccountsManage);
        await using var db = await factory.CreateDbContextAsync(ct);
        var query = VisibleUsers(db);
        var t = Text.Compact(text);
        if (t.Length > 0) query = query.Where(u => u.UserName!.Contains(t) || u.DisplayName.Contains(t) || (u.Unit != null && u.Unit.Contains(t)));
        pageSize = Math.Clamp(pageSize, 1, 200);
        page = Math.Max(1, page);
        var total = await query.CountAsync(ct);
        var rows = await query.OrderBy(u => u.ScopeKey).ThenBy(u => u.UserName).Skip((page - 1) * pageSize).Take(pageSize).ToListAsync(ct);
        return new Page<AccountItem>(await DescribeAsync(db, rows, ct), total, page, pageSize);
    }

    public async Task<AccountItem?> GetAsync(long id, CancellationToken ct = default)
    {
        Actor.Require(Permissions.AccountsManage);
        await using var db = await factory.CreateDbContextAsync(ct);
        var user = await VisibleUsers(db).FirstOrDefaultAsync(u => u.Id == id, ct);
        return user is null ? null : (await DescribeAsync(db, [user], ct))[0];
    }

    private static async Task<List<AccountItem>> DescribeAsync(FangkongDb db, List<AppUser> rows, CancellationToken ct)
    {
        var ids = rows.Select(u => u.Id).ToList();
        var roles = await (from ur in db.UserRoles join r in db.Roles on ur.RoleId equals r.Id where ids.Contains(ur.UserId) select new { ur.UserId, r.Name })
            .ToListAsync(ct);
        var nodeIds = rows.Select(u => u.NodeId).Distinct().ToList();
        var nodes = await db.Nodes.AsNoTracking().Where(n => nodeIds.Contains(n.Id)).ToDictionaryAsync(n => n.Id, n => n.Name, ct);
        var now = DateTimeOffset.UtcNow;
        return rows.Select(u => new AccountItem(u.Id, u.UserName!, u.DisplayName, u.Unit, Core.Identifiers.Masking.Phone(u.PhoneNumber), u.NodeId,
            u.ScopeKey, nodes.GetValueOrDefault(u.NodeId), roles.Where(r => r.UserId == u.Id).Select(r => r.Name!).Order().ToList(),
            u.LockoutEnd > now, u.LockoutEnd, u.CreatedAt, u.LastSignInAt)).ToList();
    }

    public async Task<long> CreateAsync(AccountInput input, CancellationToken ct = default)
    {
        Actor.Require(Permissions.AccountsManage);
        var (node, errors) = await ValidateAsync(input, creating: true, ct);
        var password = input.Password ?? "";
        errors.AddRange(await PasswordErrorsAsync(new AppUser(), password, "password"));
        ValidationFailedException.ThrowIfAny(errors);
        var user = new AppUser
        {
            UserName = input.UserName!.Trim(),
            DisplayName = Text.Tidy(input.DisplayName)!,
            Unit = Text.Tidy(input.Unit),
            PhoneNumber = PersonRules.NormalizePhone(input.Phone, out _),
            NodeId = node!.Id,
            ScopeKey = node.ScopeKey,
            CountyCode = node.CountyCode,
            CreatedAt = DateTime.UtcNow,
            LockoutEnabled = true,
        };
        scopedDb.Audit.Reason = "account created";
        await Check(users.CreateAsync(user, password), "userName");
        await Check(users.AddToRolesAsync(user, input.Roles.Distinct()), "roles");
        return user.Id;
    }

    public async Task<bool> UpdateAsync(long id, AccountInput input, CancellationToken ct = default)
    {
        Actor.Require(Permissions.AccountsManage);
        var user = await FindVisibleAsync(id, ct);
        if (user is null) return false;
        var (node, errors) = await ValidateAsync(input, creating: false, ct);
        ValidationFailedException.ThrowIfAny(errors);
        var reassigned = user.NodeId != node!.Id;
        user.DisplayName = Text.Tidy(input.DisplayName)!;
        user.Unit = Text.Tidy(input.Unit);
        user.PhoneNumber = PersonRules.NormalizePhone(input.Phone, out _);
        user.NodeId = node.Id;
        user.ScopeKey = node.ScopeKey;
        user.CountyCode = node.CountyCode;
        scopedDb.Audit.Reason = reassigned ? "account reassigned to another node" : "account edited";
        await Check(users.UpdateAsync(user), "account");
        var current = await users.GetRolesAsync(user);
        await Check(users.RemoveFromRolesAsync(user, current.Except(input.Roles)), "roles");
        await Check(users.AddToRolesAsync(user, input.Roles.Except(current).Distinct()), "roles");
        return true;
    }

    /// <summary>Locks (until unlocked) or unlocks an account; locking also ends its sessions everywhere.</summary>
    public async Task<bool> SetLockedAsync(long id, bool locked, string? reason, CancellationToken ct = default)
    {
        Actor.Require(Permissions.AccountsManage);
        var user = await FindVisibleAsync(id, ct);
        if (user is null) return false;
        if (locked && user.Id.ToString(System.Globalization.CultureInfo.InvariantCulture) == Actor.Id)
            throw new ValidationFailedException([new FieldError("id", "account.lock-self")]);
        scopedDb.Audit.Reason = Text.Tidy(reason) ?? (locked ? "account locked" : "account unlocked");
        await Check(users.SetLockoutEndDateAsync(user, locked ? DateTimeOffset.MaxValue : null), "account");
        if (!locked) await users.ResetAccessFailedCountAsync(user);
        else await users.UpdateSecurityStampAsync(user);
        return true;
    }

    /// <summary>
    /// An administrator sets a new password for an account in their subtree. The security stamp changes with it, so
    /// the account's sessions end everywhere. Audited as an account change with its reason; the password never is.
    /// </summary>
    public async Task<bool> ResetPasswordAsync(long id, string newPassword, CancellationToken ct = default)
    {
        Actor.Require(Permissions.AccountsManage);
        var user = await FindVisibleAsync(id, ct);
        if (user is null) return false;
        newPassword ??= "";
        ValidationFailedException.ThrowIfAny(await PasswordErrorsAsync(user, newPassword, "password"));
        scopedDb.Audit.Reason = "password reset by an administrator";
        // What Identity's token reset does once the token checks out (hash, new stamp, one save), without the
        // round trip through a reset token that this same call would issue and redeem.
        user.PasswordHash = users.PasswordHasher.HashPassword(user, newPassword);
        await Check(users.UpdateSecurityStampAsync(user), "password");
        return true;
    }

    /// <summary>
    /// The signed-in account changes its own password: the current one must be given (a wrong one counts as a failed
    /// sign-in, so an unattended session cannot be used to guess it), the new one must pass the password rules and
    /// differ from the current one. The security stamp changes, which ends the account's other sessions; the web layer
    /// re-issues the caller's own cookie. Machines (API keys) and the system have no password to change.
    /// </summary>
    public async Task ChangeOwnPasswordAsync(string? currentPassword, string? newPassword, CancellationToken ct = default)
    {
        if (!long.TryParse(Actor.Id, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var id))
            throw new ForbiddenException("own-account");
        var user = await users.FindByIdAsync(id.ToString(System.Globalization.CultureInfo.InvariantCulture))
            ?? throw new ForbiddenException("own-account");
        currentPassword ??= "";
        newPassword ??= "";
        var errors = new List<FieldError>();
        if (currentPassword.Length == 0) errors.Add(new FieldError("currentPassword", "password.mismatch"));
        errors.AddRange(await PasswordErrorsAsync(user, newPassword, "newPassword"));
        if (newPassword.Length > 0 && newPassword == currentPassword) errors.Add(new FieldError("newPassword", "password.unchanged"));
        ValidationFailedException.ThrowIfAny(errors);

        scopedDb.Audit.Reason = "password changed by the account holder";
        var result = await users.ChangePasswordAsync(user, currentPassword, newPassword);
        if (result.Succeeded)
        {
            if (user.AccessFailedCount > 0) await users.ResetAccessFailedCountAsync(user);
            return;
        }
        if (result.Errors.Any(e => e.Code == nameof(IdentityErrorDescriber.PasswordMismatch)))
        {
            scopedDb.Audit.Record(AuditKind.Security, "account.password-change-refused", user.CountyCode, user.ScopeKey, "Account",
                user.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), reason: "wrong current password", rule: "password-change");
            scopedDb.Audit.Reason = "wrong current password when changing the own password";
            await users.AccessFailedAsync(user);
            throw new ValidationFailedException([new FieldError("currentPassword", "password.mismatch")]);
        }
        throw new ValidationFailedException(result.Errors.Select(e => new FieldError("newPassword", "password." + e.Code)).ToList());
    }

    private async Task<List<FieldError>> PasswordErrorsAsync(AppUser user, string password, string field)
    {
        var errors = new List<FieldError>();
        foreach (var validator in users.PasswordValidators)
        {
            var result = await validator.ValidateAsync(users, user, password);
            errors.AddRange(result.Errors.Select(e => new FieldError(field, "password." + e.Code)));
        }
        return errors;
    }

    private async Task<AppUser?> FindVisibleAsync(long id, CancellationToken ct)
    {
        var user = await users.FindByIdAsync(id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return user is not null && Actor.Scope.Contains(user.CountyCode, user.ScopeKey) ? user : null;
    }

    private async Task<(JurisdictionNode? Node, List<FieldError> Errors)> ValidateAsync(AccountInput input, bool creating, CancellationToken ct)
    {
        var errors = new List<FieldError>();
        if (creating)
        {
            var name = input.UserName?.Trim() ?? "";
            if (name.Length is < 3 or > 50 || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_' or '@'))
                errors.Add(new FieldError("userName", "account.user-name"));
            else if (await users.FindByNameAsync(name) is not null)
                errors.Add(new FieldError("userName", "account.user-name-taken"));
        }
        if (Text.Tidy(input.DisplayName) is not { Length: <= 100 }) errors.Add(new FieldError("displayName", "name.required"));
        if (!string.IsNullOrWhiteSpace(input.Phone) && PersonRules.NormalizePhone(input.Phone, out _) is null)
            errors.Add(new FieldError("phone", "phone.invalid"));
        if (input.Roles.Count == 0) errors.Add(new FieldError("roles", "account.role-required"));
        foreach (var role in input.Roles.Where(r => !Roles.All.Contains(r))) errors.Add(new FieldError("roles", "account.role-unknown:" + role));
        await using var db = await factory.CreateDbContextAsync(ct);
        var node = await db.Nodes.AsNoTracking().FirstOrDefaultAsync(n => n.Id == input.NodeId, ct);
        if (node is null) errors.Add(new FieldError("nodeId", "node.not-found"));
        return (node, errors);
    }

    private static async Task Check(Task<IdentityResult> operation, string field)
    {
        var result = await operation;
        if (!result.Succeeded)
            throw new ValidationFailedException(result.Errors.Select(e => new FieldError(field.StartsWith("password") ? "password" : field, (field == "password" ? "password." : "account.") + e.Code)).ToList());
    }

    // ---- API keys -------------------------------------------------------------------------------------------------

    public async Task<IReadOnlyList<ApiKeyItem>> ApiKeysAsync(CancellationToken ct = default)
    {
        Actor.Require(Permissions.ApiKeysManage);
        await using var db = await factory.CreateDbContextAsync(ct);
        var keys = await db.ApiKeys.AsNoTracking().OrderByDescending(k => k.Id).ToListAsync(ct);
        return keys.Select(ToItem).ToList();
    }

    /// <summary>Issues a key for a node and purposes; the full key is returned once and never stored.</summary>
    public async Task<(ApiKeyItem Key, string Secret)> CreateApiKeyAsync(string? name, long nodeId, IReadOnlyList<string> permissions, DateTime? expiresAt, CancellationToken ct = default)
    {
        Actor.Require(Permissions.ApiKeysManage);
        var errors = new List<FieldError>();
        var tidy = Text.Tidy(name);
        if (tidy is null or { Length: > 100 }) errors.Add(new FieldError("name", "name.required"));
        if (permissions.Count == 0) errors.Add(new FieldError("permissions", "api-key.permission-required"));
        foreach (var p in permissions.Where(p => !Permissions.All.Contains(p))) errors.Add(new FieldError("permissions", "api-key.permission-unknown:" + p));
        // Machines never administer people's accounts or other machines' keys.
        foreach (var p in permissions.Where(p => p is Permissions.AccountsManage or Permissions.ApiKeysManage))
            errors.Add(new FieldError("permissions", "api-key.permission-not-grantable:" + p));
        if (expiresAt is { } e && e <= DateTime.UtcNow) errors.Add(new FieldError("expiresAt", "api-key.expired"));
        await using var db = await factory.CreateDbContextAsync(ct);
        var node = await db.Nodes.AsNoTracking().FirstOrDefaultAsync(n => n.Id == nodeId, ct);
        if (node is null) errors.Add(new FieldError("nodeId", "node.not-found"));
        ValidationFailedException.ThrowIfAny(errors);
        var (prefix, secret, full) = ApiKeys.Generate();
        var key = new ApiKey
        {
            Name = tidy!,
            Prefix = prefix,
            SecretHash = ApiKeys.HashSecret(secret),
            NodeId = node!.Id,
            ScopeKey = node.ScopeKey,
            CountyCode = node.CountyCode,
            Permissions = string.Join(' ', permissions.Distinct().Order()),
            CreatedBy = Actor.Name,
            CreatedAt = DateTime.UtcNow,
            ExpiresAt = expiresAt,
        };
        db.ApiKeys.Add(key);
        db.Audit.Reason = "API key issued";
        await db.SaveChangesAsync(ct);
        return (ToItem(key), full);
    }

    public async Task<bool> RevokeApiKeyAsync(long id, CancellationToken ct = default)
    {
        Actor.Require(Permissions.ApiKeysManage);
        await using var db = await factory.CreateDbContextAsync(ct);
        var key = await db.ApiKeys.FirstOrDefaultAsync(k => k.Id == id, ct);
        if (key is null) return false;
        key.RevokedAt ??= DateTime.UtcNow;
        db.Audit.Reason = "API key revoked";
        await db.SaveChangesAsync(ct);
        return true;
    }

    private static ApiKeyItem ToItem(ApiKey k) => new(k.Id, k.Name, k.Prefix, k.NodeId, k.ScopeKey,
        k.Permissions.Split(' ', StringSplitOptions.RemoveEmptyEntries), k.CreatedBy, k.CreatedAt, k.ExpiresAt, k.LastUsedAt, k.RevokedAt);

    /// <summary>Records a sign-in event on the account's own audit scope (the actor is still anonymous at that point).</summary>
    public static void RecordSignIn(FangkongDb db, AppUser user, string action, string? detail) =>
        db.Audit.Record(AuditKind.Security, action, user.CountyCode, user.ScopeKey, "Account",
            user.Id.ToString(System.Globalization.CultureInfo.InvariantCulture),
            new AuditChanges().Set("UserName", null, user.UserName), reason: detail, rule: "sign-in");
}
