using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json.Serialization;
using System.Threading.RateLimiting;
using Fangkong.Core.Accounts;
using Fangkong.Data.Accounts;
using Fangkong.Data.Infrastructure;
using Fangkong.Data.Jurisdictions;
using Fangkong.Data.Security;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components.Server.Circuits;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Localization;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Fangkong.Web.Infrastructure;

/// <summary>The cross-cutting parts of the host: data, accounts, authentication, authorization, localization, errors, UI.</summary>
public static class PlatformExtensions
{
    public const string InJurisdiction = "InJurisdiction";
    public const string AuthScheme = "Fangkong";
    public static readonly CultureInfo[] Cultures = [new("zh-CN"), new("en-US")];

    public static IServiceCollection AddFangkongPlatform(this IServiceCollection services, IConfiguration configuration, IWebHostEnvironment environment)
    {
        services.AddFangkongData(configuration);
        services.AddFangkongIdentityCore()
            .AddSignInManager()
            .AddDefaultTokenProviders();

        // Cookies for browsers, API keys for machines; one policy scheme picks per request. API calls get 401/403,
        // never a redirect to the login page.
        services.AddAuthentication(o =>
            {
                o.DefaultScheme = AuthScheme;
                o.DefaultChallengeScheme = AuthScheme;
            })
            .AddPolicyScheme(AuthScheme, "Cookie or API key", o =>
                o.ForwardDefaultSelector = context => ApiKeyAuthenticationHandler.Carries(context.Request)
                    ? ApiKeyAuthenticationHandler.SchemeName
                    : IdentityConstants.ApplicationScheme)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null)
            .AddIdentityCookies();
        services.ConfigureApplicationCookie(o =>
        {
            o.LoginPath = "/account/login";
            o.AccessDeniedPath = "/account/denied";
            o.Cookie.Name = "fangkong.auth";
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Lax;
            o.ExpireTimeSpan = TimeSpan.FromHours(12);
            o.SlidingExpiration = true;
            o.Events.OnRedirectToLogin = context => ApiOr(context, StatusCodes.Status401Unauthorized);
            o.Events.OnRedirectToAccessDenied = context => ApiOr(context, StatusCodes.Status403Forbidden);
        });

        services.AddAuthorizationBuilder()
            .AddPolicy(InJurisdiction, p => p.RequireAuthenticatedUser().AddRequirements(new PermissionRequirement(null)))
            .AddPermissionPolicies();
        // Scoped: it reads the actor of the request or of the circuit it runs in.
        services.AddScoped<IAuthorizationHandler, PermissionHandler>();
        services.AddCascadingAuthenticationState();

        // The key ring lives in the database: several web nodes read each other's cookies; restarts keep sessions.
        services.AddDataProtection().SetApplicationName("fangkong");
        services.AddSingleton<IConfigureOptions<KeyManagementOptions>>(sp =>
            new Microsoft.Extensions.Options.ConfigureOptions<KeyManagementOptions>(o => o.XmlRepository = new DatabaseXmlRepository(sp)));

        services.AddSingleton<ActorLoader>();
        services.AddSingleton<CountyTime>();
        services.TryAddEnumerable(ServiceDescriptor.Scoped<CircuitHandler, ActorCircuitHandler>());

        services.AddLocalization();
        services.Configure<RequestLocalizationOptions>(o =>
        {
            o.DefaultRequestCulture = new RequestCulture("zh-CN");
            o.SupportedCultures = Cultures;
            o.SupportedUICultures = Cultures;
            // Chinese unless the user chose English (cookie or ?culture=); API clients may also ask with Accept-Language.
            o.RequestCultureProviders =
            [
                new QueryStringRequestCultureProvider(),
                new CookieRequestCultureProvider(),
                new ApiAcceptLanguageProvider(),
            ];
        });

        services.AddProblemDetails(o => o.CustomizeProblemDetails = c =>
            c.ProblemDetails.Extensions["traceId"] = c.HttpContext.TraceIdentifier);
        services.AddExceptionHandler<ProblemMapping>();
        // A body or parameter the framework cannot bind throws, so ProblemMapping answers it like any invalid field
        // (which field, which code) instead of a bare 400 (outside Development it would only log).
        services.Configure<Microsoft.AspNetCore.Routing.RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping;
            // Flags first: a set of symptoms or vulnerable groups is read strictly (the general converter folds "None, Fever" to Fever).
            o.SerializerOptions.Converters.Add(new FlagSetJsonConverter());
            o.SerializerOptions.Converters.Add(new JsonStringEnumConverter());
        });
        services.AddOpenApi("v1", o => o.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "Fangkong (防控) API";
            document.Info.Version = "v1";
            document.Info.Description = "County outbreak prevention and control platform. Sign in with a cookie (POST /api/v1/auth/login) or send an API key in X-Api-Key. Every call sees only the caller's jurisdiction subtree.";
            return Task.CompletedTask;
        }));

        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.AddPolicy("sign-in", context => RateLimitPartition.GetFixedWindowLimiter(
                context.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                _ => new FixedWindowRateLimiterOptions { PermitLimit = 20, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 }));
        });

        // Chinese text as text, not as &#x…; entities: pages are a third of the size on a weak phone connection.
        services.Configure<Microsoft.Extensions.WebEncoders.WebEncoderOptions>(o =>
            o.TextEncoderSettings = new System.Text.Encodings.Web.TextEncoderSettings(System.Text.Unicode.UnicodeRanges.All));
        services.AddRazorComponents().AddInteractiveServerComponents();
        services.AddBootstrapBlazor();
        // After BootstrapBlazor: these closed registrations win over its open-generic localizer for our own strings.
        services.AddFangkongStrings();
        services.AddHttpContextAccessor();
        return services;
    }

    private static Task ApiOr(RedirectContext<Microsoft.AspNetCore.Authentication.Cookies.CookieAuthenticationOptions> context, int status)
    {
        if (context.Request.Path.StartsWithSegments("/api"))
        {
            context.Response.StatusCode = status;
            return Task.CompletedTask;
        }
        context.Response.Redirect(context.RedirectUri);
        return Task.CompletedTask;
    }

    /// <summary>Accept-Language counts for API calls only; pages stay Chinese until the user switches.</summary>
    private sealed class ApiAcceptLanguageProvider : RequestCultureProvider
    {
        private readonly AcceptLanguageHeaderRequestCultureProvider _inner = new();

        public override Task<ProviderCultureResult?> DetermineProviderCultureResult(HttpContext httpContext) =>
            httpContext.Request.Path.StartsWithSegments("/api")
                ? _inner.DetermineProviderCultureResult(httpContext)
                : Task.FromResult<ProviderCultureResult?>(null);
    }
}

/// <summary>Requires the request's actor to hold a permission (or, with null, just a valid jurisdiction scope).</summary>
public sealed record PermissionRequirement(string? Permission) : IAuthorizationRequirement;

public sealed class PermissionHandler(ActorAccessor accessor) : AuthorizationHandler<PermissionRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, PermissionRequirement requirement)
    {
        var actor = accessor.Current;
        if (actor.IsAuthenticated && (requirement.Permission is null || actor.Can(requirement.Permission)))
            context.Succeed(requirement);
        return Task.CompletedTask;
    }
}

public static class PermissionPolicies
{
    public static AuthorizationBuilder AddPermissionPolicies(this AuthorizationBuilder builder)
    {
        foreach (var permission in Permissions.All)
            builder.AddPolicy(permission, p => p.RequireAuthenticatedUser().AddRequirements(new PermissionRequirement(permission)));
        return builder;
    }
}
