using Fangkong.Core.People;
using Fangkong.Data.Infrastructure;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.Extensions.Localization;

namespace Fangkong.Web.Infrastructure;

/// <summary>
/// Maps the services' exceptions to answers: out of scope → 404 (never confirm that a record exists elsewhere),
/// forbidden → 403, validation → 400 naming each field, conflicts → 409, asking too often → 429 (with Retry-After and
/// the sentence saying how long to wait), anything else → 500. API calls get
/// problem+json (each field error with its stable code in "codes" and a localized sentence in "errors"); pages get a
/// small error page in the user's language.
/// </summary>
public sealed partial class ProblemMapping(IProblemDetailsService problems, IStringLocalizer<ErrorStrings> errors, IStringLocalizer<SharedStrings> shared, ILogger<ProblemMapping> log) : IExceptionHandler
{
    /// <summary>Set at the start of the pipeline: handlers run after the path may have been rewritten.</summary>
    public const string ApiRequestItem = "fangkong:api-request";

    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken ct)
    {
        var (status, title, extensions) = Classify(exception);
        if (status >= 500) log.LogError(exception, "request failed");
        context.Response.StatusCode = status;
        if (!context.Items.ContainsKey(ApiRequestItem))
        {
            await WritePageAsync(context, status);
            return true;
        }
        var details = new Microsoft.AspNetCore.Mvc.ProblemDetails { Status = status, Title = title, Detail = (exception as ConflictException)?.Detail };
        if (exception is RateLimitedException limited)
        {
            details.Detail = Describe(errors, limited);
            context.Response.Headers.RetryAfter = (limited.RetryAfterMinutes * 60).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        if (extensions is not null)
            foreach (var (k, v) in extensions) details.Extensions[k] = v;
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = details, Exception = exception });
    }

    private (int Status, string Title, Dictionary<string, object?>? Extensions) Classify(Exception exception) => exception switch
        {
            OutOfScopeException => (StatusCodes.Status404NotFound, "Not found", null),
            ForbiddenException f => (StatusCodes.Status403Forbidden, "Forbidden", new Dictionary<string, object?> { ["permission"] = f.Permission }),
            ValidationFailedException v => (StatusCodes.Status400BadRequest, "One or more fields are invalid", Validation(v.Errors)),
            ConflictException c => (StatusCodes.Status409Conflict, c.Message, new Dictionary<string, object?> { ["code"] = c.Code }),
            RateLimitedException r => (StatusCodes.Status429TooManyRequests, r.Message, new Dictionary<string, object?> { ["code"] = r.Code, ["retryAfterMinutes"] = r.RetryAfterMinutes }),
            BadHttpRequestException b when Unreadable(b) is { } field => (StatusCodes.Status400BadRequest, "One or more fields are invalid", Validation([field])),
            BadHttpRequestException b => (b.StatusCode, b.Message, null),
            _ => (StatusCodes.Status500InternalServerError, "An error occurred while processing your request.", null),
        };

    /// <summary>
    /// A request the framework could not bind, as the field it names: a body that is not the JSON the endpoint reads
    /// (a wrong type, an unknown enum name, an impossible date) by the JSON path of the value ("$.person.documentType"
    /// → "person.documentType"); a query or route value that does not parse, or a missing one, by its parameter name.
    /// </summary>
    internal static FieldError? Unreadable(BadHttpRequestException exception)
    {
        if (exception.StatusCode != StatusCodes.Status400BadRequest) return null;
        if (exception.InnerException is System.Text.Json.JsonException json) return new FieldError(JsonField(json.Path), JsonInvalid);
        // The framework's messages name the parameter as "Type name": 'Failed to bind parameter "Channel? channel" from "Drone".'
        var match = BindingMessage().Match(exception.Message);
        if (!match.Success) return null;
        var name = match.Groups["name"].Value;
        return exception.Message.StartsWith("Required parameter", StringComparison.Ordinal) || exception.Message.StartsWith("Implicit body", StringComparison.Ordinal)
            ? new FieldError(name, RequiredInput.Code)
            : new FieldError(name, ParameterInvalid);
    }

    public const string JsonInvalid = "json.invalid";
    public const string ParameterInvalid = "parameter.invalid";

    /// <summary>"$.stops[0].date" → "stops[0].date"; the whole body ("$" or no path) → "body".</summary>
    internal static string JsonField(string? path)
    {
        var field = (path ?? "").TrimStart('$').TrimStart('.');
        return field.Length == 0 ? "body" : field;
    }

    [System.Text.RegularExpressions.GeneratedRegex("""parameter "(?:[^"]*\s)?(?<name>[^"\s]+)"(?! from the request body)""")]
    private static partial System.Text.RegularExpressions.Regex BindingMessage();

    /// <summary>A plain page: no components, no database, so it renders even when those are what failed.</summary>
    private async Task WritePageAsync(HttpContext context, int status)
    {
        var (title, text) = status switch
        {
            StatusCodes.Status404NotFound => (shared["NotFoundTitle"].Value, shared["NotFoundText"].Value),
            StatusCodes.Status403Forbidden => (shared["Forbidden"].Value, shared["ForbiddenText"].Value),
            _ => (shared["ErrorTitle"].Value, shared["ErrorText"].Value),
        };
        var e = System.Text.Encodings.Web.HtmlEncoder.Default;
        context.Response.ContentType = "text/html; charset=utf-8";
        await context.Response.WriteAsync($$"""
            <!DOCTYPE html><html lang="{{e.Encode(System.Globalization.CultureInfo.CurrentUICulture.Name)}}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>{{e.Encode(title)}}</title><link rel="stylesheet" href="/_content/BootstrapBlazor/css/bootstrap.blazor.bundle.min.css"><link rel="stylesheet" href="/css/fangkong.css"></head>
            <body><div class="fk-bare" style="padding:2rem"><div class="fk-card fk-empty"><h1>{{e.Encode(title)}}</h1><p>{{e.Encode(text)}}</p>
            <p class="text-muted small fk-mono">{{status}} · {{e.Encode(context.TraceIdentifier)}}</p><a class="btn btn-primary" href="/">{{e.Encode(shared["BackHome"].Value)}}</a></div></div></body></html>
            """);
    }

    private Dictionary<string, object?> Validation(IReadOnlyList<FieldError> fieldErrors) => new()
    {
        ["errors"] = fieldErrors.GroupBy(e => e.Field).ToDictionary(g => g.Key, g => g.Select(e => Describe(errors, e.Code)).ToArray()),
        ["codes"] = fieldErrors.GroupBy(e => e.Field).ToDictionary(g => g.Key, g => g.Select(e => e.Code).ToArray()),
    };

    /// <summary>What joins a sentence to what it is about, in the user's language ("：" in Chinese, ": " in English).</summary>
    public static string DetailSeparator(IStringLocalizer<ErrorStrings> errors) => errors["DetailSeparator"].Value;

    /// <summary>What joins sentences in one message, in the user's language ("；" in Chinese, "; " in English).</summary>
    public static string SentenceSeparator(IStringLocalizer<ErrorStrings> errors) => errors["SentenceSeparator"].Value;

    /// <summary>Field errors as one line for a page's message: "field: sentence; …" (or sentences only, each once).</summary>
    public static string Describe(IStringLocalizer<ErrorStrings> errors, IEnumerable<FieldError> fieldErrors, bool withFields = false) =>
        string.Join(SentenceSeparator(errors), fieldErrors.GroupBy(e => e.Field)
            .SelectMany(g => Sentences(errors, g.Select(e => e.Code)).Select(s => withFields ? g.Key + DetailSeparator(errors) + s : s)).Distinct());

    /// <summary>
    /// One field's errors as sentences, each once; the password-strength refusals, which come several at a time, are
    /// folded into one sentence of what the password still needs ("新密码还需要：至少 10 位、数字、大写字母").
    /// </summary>
    public static IEnumerable<string> Sentences(IStringLocalizer<ErrorStrings> errors, IEnumerable<string> codes)
    {
        var list = codes.Distinct().ToList();
        var needs = PasswordNeeds.Where(list.Contains).ToList();
        if (needs.Count > 1)
            yield return errors["PasswordNeeds", string.Join(errors["PasswordNeedSeparator"].Value, needs.Select(c => errors["PasswordNeed_" + c[PasswordPrefix.Length..]].Value))].Value;
        foreach (var code in list)
            if (needs.Count <= 1 || !needs.Contains(code)) yield return Describe(errors, code);
    }

    private const string PasswordPrefix = "password.";

    /// <summary>Identity's password-strength codes, in the order the sentence names them.</summary>
    private static readonly string[] PasswordNeeds = [.. new[] { "TooShort", "RequiresDigit", "RequiresLower", "RequiresUpper", "RequiresNonAlphanumeric", "RequiresUniqueChars" }
        .Select(n => PasswordPrefix + "Password" + n)];

    /// <summary>
    /// Runs a page's action: what the service answered (false: not found), or false with the localized reason the
    /// service refused it (field errors, a conflict).
    /// </summary>
    public static async Task<(bool Ok, string? Refusal)> RunAsync(IStringLocalizer<ErrorStrings> errors, Func<Task<bool>> work)
    {
        try { return (await work(), null); }
        catch (ValidationFailedException e) { return (false, Describe(errors, e.Errors)); }
        catch (ConflictException e) { return (false, Describe(errors, e)); }
    }

    /// <summary>A conflict's sentence in the user's language, followed by what it is with (<see cref="ConflictException.Detail"/>) when given.</summary>
    public static string Describe(IStringLocalizer<ErrorStrings> errors, ConflictException conflict) =>
        conflict.Detail is { Length: > 0 } detail ? Describe(errors, conflict.Code) + DetailSeparator(errors) + detail : Describe(errors, conflict.Code);

    /// <summary>A refusal for asking too often, in the user's language, with the minutes to wait.</summary>
    public static string Describe(IStringLocalizer<ErrorStrings> errors, RateLimitedException limited) =>
        errors[limited.Code.Replace('.', '_'), limited.RetryAfterMinutes].Value;

    /// <summary>A code like "category.unknown:teachr" is localized by its part before the colon, with the rest appended.</summary>
    public static string Describe(IStringLocalizer<ErrorStrings> errors, string code)
    {
        var colon = code.IndexOf(':');
        var key = colon < 0 ? code : code[..colon];
        // Resource keys use "_" for the code's dots: the JSON localizer reads a dot as a section separator.
        var text = errors[key.Replace('.', '_')];
        var sentence = text.ResourceNotFound ? key : text.Value;
        return colon < 0 ? sentence : sentence + DetailSeparator(errors) + code[(colon + 1)..];
    }
}
