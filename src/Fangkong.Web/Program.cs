using Fangkong.Web.Sites;
using Fangkong.Web.Tasks;
using Fangkong.Web.Accounts;
using Fangkong.Web.Audit;
using Fangkong.Web.ClosedLoop;
using Fangkong.Web.Infrastructure;
using Fangkong.Web.Jurisdictions;
using Fangkong.Web.People;
using Fangkong.Web.Notifications;

var builder = WebApplication.CreateBuilder(args);
// Serve the packages' static files (BootstrapBlazor) from bin/ in every environment, not only Development.
builder.WebHost.UseStaticWebAssets();

builder.Services.AddFangkongPlatform(builder.Configuration, builder.Environment);
builder.Services.AddAccounts();
builder.Services.AddJurisdictions();
builder.Services.AddPeople();
builder.Services.AddAudit();
builder.Services.AddClosedLoop();
builder.Services.AddVerification();
builder.Services.AddSites();
builder.Services.AddNotifications();

var app = builder.Build();
await app.InitializeDatabaseAsync();

app.UseFangkongPipeline();
var api = app.MapGroup("/api/v1").RequireAuthorization(PlatformExtensions.InJurisdiction).RequireNonNullInput();
app.MapAuthEndpoints();
api.MapAccountsEndpoints();
api.MapJurisdictionsEndpoints();
api.MapPeopleEndpoints();
api.MapAuditEndpoints();
api.MapClosedLoopEndpoints();
api.MapVerificationEndpoints();
api.MapSitesEndpoints();
api.MapNotificationsEndpoints();
app.MapPublicClosedLoop();
app.MapVerificationPages();
app.MapSitesPages();
app.MapFangkongPages();

app.Run();
