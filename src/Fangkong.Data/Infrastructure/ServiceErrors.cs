using Fangkong.Core.People;

namespace Fangkong.Data.Infrastructure;

/// <summary>Input that breaks a rule: each error names the field and a stable code. The web layer answers 400.</summary>
public sealed class ValidationFailedException(IReadOnlyList<FieldError> errors)
    : Exception("validation failed: " + string.Join(", ", errors.Select(e => $"{e.Field}:{e.Code}")))
{
    public IReadOnlyList<FieldError> Errors { get; } = errors;

    public static void ThrowIfAny(IReadOnlyList<FieldError> errors)
    {
        if (errors.Count > 0) throw new ValidationFailedException(errors);
    }
}

/// <summary>The actor lacks a permission. The web layer answers 403.</summary>
public sealed class ForbiddenException(string permission) : Exception($"permission {permission} is required")
{
    public string Permission { get; } = permission;
}

/// <summary>The change conflicts with the current state (an edit on a stale version, a duplicate). 409.</summary>
public sealed class ConflictException(string code, string message) : Exception(message)
{
    public string Code { get; } = code;

    /// <summary>What the conflict is with, as data (a name, a record's number), shown after the code's sentence; or null.</summary>
    public string? Detail { get; init; }
}

/// <summary>
/// The actor asked too often (<see cref="Code"/> names which limit): refused, nothing written, until
/// <see cref="RetryAfterMinutes"/> have passed. The web layer answers 429.
/// </summary>
public sealed class RateLimitedException(string code, int retryAfterMinutes) : Exception($"{code}: try again in {retryAfterMinutes} min")
{
    public string Code { get; } = code;
    /// <summary>Whole minutes until the next attempt is allowed (at least one).</summary>
    public int RetryAfterMinutes { get; } = retryAfterMinutes;
}

public sealed record Page<T>(IReadOnlyList<T> Items, int Total, int PageNumber, int PageSize)
{
    public int PageCount => PageSize == 0 ? 0 : (Total + PageSize - 1) / PageSize;
}
