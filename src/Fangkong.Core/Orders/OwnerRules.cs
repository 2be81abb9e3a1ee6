using Fangkong.Core.People;

namespace Fangkong.Core.Orders;

/// <summary>One five-to-one owner as entered: a role of the county's list, a name, a phone (any may be wrong).</summary>
public sealed record OwnerEntry(string? Role, string? Name, string? Phone);

/// <summary>An owner that passed <see cref="OwnerRules.Check"/>: the role as listed, the name and phone normalised.</summary>
public sealed record CheckedOwner(string Role, string Name, string? Phone);

/// <summary>The rules of an order's five-to-one owners (五包一), the same whoever names them (the API, the order page).</summary>
public static class OwnerRules
{
    /// <summary>
    /// Checks a list of owners against the roles the county uses (data: its configuration; an order keeps the roles it
    /// already names if the list changed since, which the caller includes). A role not on the list, a role named twice,
    /// a name that is not a person's name (<see cref="PersonRules.NormalizeName"/>) and a phone that is not one
    /// (<see cref="PersonRules.NormalizePhone"/>, stored normalised as the registry's are) are each a field error named
    /// by the entry's place in the list: "[0].role", "[1].phone". Returns the owners when there is no error.
    /// </summary>
    public static IReadOnlyList<CheckedOwner> Check(IReadOnlyList<OwnerEntry> owners, IReadOnlyCollection<string> roles, List<FieldError> errors)
    {
        var known = roles.ToHashSet(StringComparer.Ordinal);
        var clean = new List<CheckedOwner>(owners.Count);
        var before = errors.Count;
        for (var i = 0; i < owners.Count; i++)
        {
            var w = owners[i];
            var role = Text.Tidy(w.Role);
            if (role is null) errors.Add(new FieldError($"[{i}].role", "required"));
            else if (!known.Contains(role)) errors.Add(new FieldError($"[{i}].role", "owner.role-unknown:" + role));
            else if (clean.Any(c => c.Role == role)) errors.Add(new FieldError($"[{i}].role", "duplicate"));
            var name = PersonRules.NormalizeName(w.Name, out var nameError);
            if (nameError is not null) errors.Add(new FieldError($"[{i}].name", nameError));
            var phone = PersonRules.NormalizePhone(w.Phone, out var phoneError);
            if (phoneError is not null) errors.Add(new FieldError($"[{i}].phone", phoneError));
            if (role is not null && name is not null) clean.Add(new CheckedOwner(role, name, phone));
        }
        return errors.Count == before ? clean : [];
    }
}
