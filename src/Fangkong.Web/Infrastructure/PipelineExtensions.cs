using Fangkong.Web.Components;
using Microsoft.AspNetCore.Localization;
using Microsoft.Extensions.Options;

namespace Fangkong.Web.Infrastructure;

public static class PipelineExtensions
{
    public static WebApplication UseFangkongPipeline(this WebApplication app)
    {
        app.UseExceptionHandler(new ExceptionHandlerOptions { ExceptionHandlingPath = "/error", StatusCodeSelector = ErrorStatus });
        app.UseStatusCodePages(async context =>
        {
            // Problem+json for API calls without a body (401, 403, 404, 405, 413, 429); pages keep the default.
            var http = context.HttpContext;
            if (http.Request.Path.StartsWithSegments("/api") && !http.Response.HasStarted && http.Response.ContentLength is null)
                await http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext { HttpContext = http });
        });
        app.UseRequestLocalization(app.Services.GetRequiredService<IOptions<RequestLocalizationOptions>>().Value);
        app.UseAuthentication();
        app.UseMiddleware<ActorMiddleware>();
        app.UseAuthorization();
        app.UseRateLimiter();
        app.UseAntiforgery();
        return app;
    }

    /// <summary>The status of a page that failed: out of scope is 404, like the API.</summary>
    public static int ErrorStatus(Exception e) => e switch
    {
        Fangkong.Data.Infrastructure.OutOfScopeException => StatusCodes.Status404NotFound,
        Fangkong.Data.Infrastructure.ForbiddenException => StatusCodes.Status403Forbidden,
        Fangkong.Data.Infrastructure.ValidationFailedException => StatusCodes.Status400BadRequest,
        BadHttpRequestException b => b.StatusCode,
        _ => StatusCodes.Status500InternalServerError,
    };

    public static WebApplication MapFangkongPages(this WebApplication app)
    {
        app.MapStaticAssets();
        app.MapOpenApi("/openapi/{documentName}.json").AllowAnonymous();
        app.MapGet("/culture/{culture}", (string culture, string? returnUrl, HttpContext http) =>
        {
            var chosen = PlatformExtensions.Cultures.FirstOrDefault(c => c.Name.Equals(culture, StringComparison.OrdinalIgnoreCase)) ?? PlatformExtensions.Cultures[0];
            http.Response.Cookies.Append(CookieRequestCultureProvider.DefaultCookieName,
                CookieRequestCultureProvider.MakeCookieValue(new RequestCulture(chosen)),
                new CookieOptions { Expires = DateTimeOffset.UtcNow.AddYears(1), IsEssential = true, SameSite = SameSiteMode.Lax });
            return Results.LocalRedirect(returnUrl is { Length: > 0 } && returnUrl.StartsWith('/') && !returnUrl.StartsWith("//") ? returnUrl : "/");
        }).AllowAnonymous().ExcludeFromDescription();
        app.MapGet("/healthz", () => Results.Ok(new { status = "ok" })).AllowAnonymous().ExcludeFromDescription();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        return app;
    }
}
