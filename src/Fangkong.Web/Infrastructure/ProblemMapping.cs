using Fangkong.Core.People;
using Fangkong.Data.Infrastructure;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.Extensions.Localization;

namespace Fangkong.Web.Infrastructure;

/// <summary>
/// Maps the services' exceptions to problem+json: out of scope → 404 (never confirm that a record exists elsewhere),
/// forbidden → 403, validation → 400 naming each field, conflicts → 409. Each field error carries its stable code in
/// "codes" and a localized sentence in "errors".
/// </summary>
public sealed class ProblemMapping(IProblemDetailsService problems, IStringLocalizer<ErrorStrings> errors, ILogger<ProblemMapping> log) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken ct)
    {
        // Pages get the error page (re-executed at /error), API calls get problem+json. The middleware has already
        // pointed Request.Path at /error; the original path is in the feature.
        var path = context.Features.Get<IExceptionHandlerPathFeature>()?.Path ?? context.Request.Path.Value ?? "";
        if (!path.StartsWith("/api/", StringComparison.OrdinalIgnoreCase)) return false;
        var (status, title, extensions) = exception switch
        {
            OutOfScopeException => (StatusCodes.Status404NotFound, "Not found", null),
            ForbiddenException f => (StatusCodes.Status403Forbidden, "Forbidden", new Dictionary<string, object?> { ["permission"] = f.Permission }),
            ValidationFailedException v => (StatusCodes.Status400BadRequest, "One or more fields are invalid", Validation(v.Errors)),
            ConflictException c => (StatusCodes.Status409Conflict, c.Message, new Dictionary<string, object?> { ["code"] = c.Code }),
            BadHttpRequestException b => (b.StatusCode, b.Message, null),
            _ => (0, "", null),
        };
        if (status == 0) return false;
        if (status >= 500) log.LogError(exception, "request failed");
        context.Response.StatusCode = status;
        var details = new Microsoft.AspNetCore.Mvc.ProblemDetails { Status = status, Title = title };
        if (extensions is not null)
            foreach (var (k, v) in extensions) details.Extensions[k] = v;
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = details, Exception = exception });
    }

    private Dictionary<string, object?> Validation(IReadOnlyList<FieldError> fieldErrors) => new()
    {
        ["errors"] = fieldErrors.GroupBy(e => e.Field).ToDictionary(g => g.Key, g => g.Select(e => Describe(errors, e.Code)).ToArray()),
        ["codes"] = fieldErrors.GroupBy(e => e.Field).ToDictionary(g => g.Key, g => g.Select(e => e.Code).ToArray()),
    };

    /// <summary>A code like "category.unknown:teachr" is localized by its part before the colon, with the rest appended.</summary>
    public static string Describe(IStringLocalizer<ErrorStrings> errors, string code)
    {
        var colon = code.IndexOf(':');
        var key = colon < 0 ? code : code[..colon];
        var text = errors[key];
        var sentence = text.ResourceNotFound ? key : text.Value;
        return colon < 0 ? sentence : $"{sentence}: {code[(colon + 1)..]}";
    }
}
