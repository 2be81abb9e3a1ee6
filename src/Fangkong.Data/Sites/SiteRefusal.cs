using Fangkong.Core.People;
using Fangkong.Core.Sites;
using Fangkong.Data.Infrastructure;

namespace Fangkong.Data.Sites;

/// <summary>
/// A refusal of the site, stay and trip rules as the exception the web layer answers: a field error (400) naming the
/// input when the code is about a value the caller sent (<see cref="SiteErrors.FieldOf"/>), a conflict (409) when it
/// is about the current state. The one way the Sites services throw a rule's code.
/// </summary>
internal static class SiteRefusal
{
    public static Exception Of(string code) => SiteErrors.FieldOf(code) is { } field
        ? new ValidationFailedException([new FieldError(field, code)])
        : new ConflictException(code, code);
}
