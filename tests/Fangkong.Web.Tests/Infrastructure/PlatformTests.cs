using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Fangkong.Data.Infrastructure;
using Fangkong.Data.People;
using Fangkong.Testing;
using Fangkong.Web.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Fangkong.Web.Tests.Infrastructure;

public class PlatformTests
{
    /// <summary>Endpoints open to anyone, each for a reason.</summary>
    private static readonly HashSet<string> Anonymous =
    [
        "Auth_Login",            // signing in
        "/openapi/{documentName}.json", // the API description (no data)
        "/culture/{culture}",    // the language switch
        "/healthz",              // load balancers
        "/account/logout",       // ends a session; nothing to protect
    ];

    /// <summary>
    /// The API endpoints and the test that proves an account of another township gets 404/403 and never the data.
    /// A new endpoint fails <see cref="EveryApiEndpoint_HasAScopeTest"/> until it is added here with its test.
    /// </summary>
    private static readonly Dictionary<string, string> ScopeTests = new()
    {
        ["People_Search"] = "PeopleApiTests.Search_EachAccount_SeesOnlyItsSubtree",
        ["People_Get"] = "PeopleApiTests.PersonOfAnotherTownship_IsNotFound_ForEveryOperation",
        ["People_History"] = "PeopleApiTests.PersonOfAnotherTownship_IsNotFound_ForEveryOperation",
        ["People_Create"] = "PeopleApiTests.Create_InAnotherTownshipsVillage_IsRefused",
        ["People_Update"] = "PeopleApiTests.PersonOfAnotherTownship_IsNotFound_ForEveryOperation",
        ["People_Reveal"] = "PeopleApiTests.PersonOfAnotherTownship_IsNotFound_ForEveryOperation",
        ["People_Lookup"] = "PlatformTests.LookupImportsAndExports_StayInsideTheTownship",
        ["People_Import"] = "PlatformTests.LookupImportsAndExports_StayInsideTheTownship",
        ["People_Imports"] = "PlatformTests.LookupImportsAndExports_StayInsideTheTownship",
        ["People_ImportJob"] = "PlatformTests.LookupImportsAndExports_StayInsideTheTownship",
        ["People_ImportErrors"] = "PlatformTests.LookupImportsAndExports_StayInsideTheTownship",
        ["People_Export"] = "PlatformTests.LookupImportsAndExports_StayInsideTheTownship",
        ["Households_Search"] = "PeopleApiTests.Households_AreScoped_AndListTheirHeads",
        ["Households_Export"] = "PeopleApiTests.Households_AreScoped_AndListTheirHeads",
        ["Categories_List"] = "PlatformTests.CategoriesAndAudit_AreScoped",
        ["Categories_Create"] = "PlatformTests.CategoriesAndAudit_AreScoped",
        ["Categories_Update"] = "PlatformTests.CategoriesAndAudit_AreScoped",
        ["Jurisdictions_Root"] = "JurisdictionsApiTests.Tree_IsScoped_AndGridsAndHouseholdsCanBeAddedOnlyInside",
        ["Jurisdictions_Get"] = "JurisdictionsApiTests.Tree_IsScoped_AndGridsAndHouseholdsCanBeAddedOnlyInside",
        ["Jurisdictions_Children"] = "JurisdictionsApiTests.Tree_IsScoped_AndGridsAndHouseholdsCanBeAddedOnlyInside",
        ["Jurisdictions_Search"] = "JurisdictionsApiTests.Tree_IsScoped_AndGridsAndHouseholdsCanBeAddedOnlyInside",
        ["Jurisdictions_CreateChild"] = "JurisdictionsApiTests.Tree_IsScoped_AndGridsAndHouseholdsCanBeAddedOnlyInside",
        ["Jurisdictions_Rename"] = "JurisdictionsApiTests.Tree_IsScoped_AndGridsAndHouseholdsCanBeAddedOnlyInside",
        ["Jurisdictions_Delete"] = "JurisdictionsApiTests.Tree_IsScoped_AndGridsAndHouseholdsCanBeAddedOnlyInside",
        ["Divisions_Places"] = "national reference data, the same for every account",
        ["Accounts_Me"] = "the caller's own account",
        ["Accounts_ChangeOwnPassword"] = "AccountsApiTests.AnAccount_ChangesOnlyItsOwnPassword_StaysSignedIn_AndItsOtherSessionsEnd",
        ["Accounts_List"] = "AccountsApiTests.NonAdministrators_CannotManageAccountsOrKeys",
        ["Accounts_Get"] = "AccountsApiTests.NonAdministrators_CannotManageAccountsOrKeys",
        ["Accounts_Create"] = "AccountsApiTests.NonAdministrators_CannotManageAccountsOrKeys",
        ["Accounts_Update"] = "AccountsApiTests.Admin_CreatesAnAccount_ThatSeesOnlyItsNode_AndFollowsAReassignmentAtOnce",
        ["Accounts_Lock"] = "AccountsApiTests.Admin_CreatesAnAccount_ThatSeesOnlyItsNode_AndFollowsAReassignmentAtOnce",
        ["Accounts_Unlock"] = "AccountsApiTests.NonAdministrators_CannotManageAccountsOrKeys",
        ["Accounts_ResetPassword"] = "AccountsApiTests.Admin_ResetsAPassword_WhichEndsTheAccountsSessions_AndOthersCannot",
        ["ApiKeys_List"] = "AccountsApiTests.ApiKey_ActsWithinItsNodeAndPurpose_AndStopsWhenRevoked",
        ["ApiKeys_Create"] = "AccountsApiTests.ApiKey_ActsWithinItsNodeAndPurpose_AndStopsWhenRevoked",
        ["ApiKeys_Revoke"] = "AccountsApiTests.ApiKey_ActsWithinItsNodeAndPurpose_AndStopsWhenRevoked",
        ["Audit_List"] = "PlatformTests.CategoriesAndAudit_AreScoped",
        ["Audit_AccessLog"] = "PeopleApiTests.Reveal_IsLoggedWithItsReason_AndNeedsOne",
        ["Audit_Verify"] = "PlatformTests.CategoriesAndAudit_AreScoped",
        ["Auth_Logout"] = "ends the caller's own session",
        ["RulePacks_List"] = "ClosedLoopApiTests.ArrivalOrderReportsAndTasks_OfAnotherTownship_AreNeverVisible",
        ["RulePacks_Get"] = "ClosedLoopApiTests.ArrivalOrderReportsAndTasks_OfAnotherTownship_AreNeverVisible",
        ["RulePacks_Save"] = "ClosedLoopApiTests.ArrivalOrderReportsAndTasks_OfAnotherTownship_AreNeverVisible",
        ["DutyRoles_List"] = "DutyRolesApiTests.DutyRoles_AreTheCountys_ReadByEveryAccount_EditedByTheCommandCentreOnly",
        ["DutyRoles_Create"] = "DutyRolesApiTests.DutyRoles_AreTheCountys_ReadByEveryAccount_EditedByTheCommandCentreOnly",
        ["DutyRoles_Update"] = "DutyRolesApiTests.DutyRoles_AreTheCountys_ReadByEveryAccount_EditedByTheCommandCentreOnly",
        ["DutyRoles_History"] = "DutyRolesApiTests.DutyRoles_AreTheCountys_ReadByEveryAccount_EditedByTheCommandCentreOnly",
        ["Policy_Evaluate"] = "ClosedLoopApiTests.ArrivalOrderReportsAndTasks_OfAnotherTownship_AreNeverVisible",
        ["RiskAreas_Search"] = "ClosedLoopApiTests.ArrivalOrderReportsAndTasks_OfAnotherTownship_AreNeverVisible",
        ["RiskAreas_Create"] = "ClosedLoopApiTests.ArrivalOrderReportsAndTasks_OfAnotherTownship_AreNeverVisible",
        ["RiskAreas_Get"] = "ClosedLoopApiTests.ArrivalOrderReportsAndTasks_OfAnotherTownship_AreNeverVisible",
        ["RiskAreas_Update"] = "ClosedLoopApiTests.ArrivalOrderReportsAndTasks_OfAnotherTownship_AreNeverVisible",
        ["RiskAreas_Lift"] = "ClosedLoopApiTests.ArrivalOrderReportsAndTasks_OfAnotherTownship_AreNeverVisible",
        ["RiskAreas_Import"] = "ClosedLoopApiTests.ArrivalOrderReportsAndTasks_OfAnotherTownship_AreNeverVisible",
        ["RiskAreas_Check"] = "ClosedLoopApiTests.ArrivalOrderReportsAndTasks_OfAnotherTownship_AreNeverVisible",
        ["RiskAreas_Active"] = "ClosedLoopApiTests.ArrivalOrderReportsAndTasks_OfAnotherTownship_AreNeverVisible",
        ["Arrivals_Search"] = "ClosedLoopApiTests.ArrivalOrderReportsAndTasks_OfAnotherTownship_AreNeverVisible",
        ["Arrivals_Get"] = "ClosedLoopApiTests.ArrivalOrderReportsAndTasks_OfAnotherTownship_AreNeverVisible",
        ["Arrivals_Register"] = "ClosedLoopApiTests.ArrivalOrderReportsAndTasks_OfAnotherTownship_AreNeverVisible",
        ["Arrivals_Decide"] = "ClosedLoopApiTests.ArrivalOrderReportsAndTasks_OfAnotherTownship_AreNeverVisible",
        ["Arrivals_LandingTest"] = "ClosedLoopApiTests.ArrivalOrderReportsAndTasks_OfAnotherTownship_AreNeverVisible",
        ["Arrivals_PickUp"] = "ClosedLoopApiTests.ArrivalOrderReportsAndTasks_OfAnotherTownship_AreNeverVisible",
        ["Orders_Search"] = "ClosedLoopApiTests.ArrivalOrderReportsAndTasks_OfAnotherTownship_AreNeverVisible",
        ["Orders_Get"] = "ClosedLoopApiTests.ArrivalOrderReportsAndTasks_OfAnotherTownship_AreNeverVisible",
        ["Orders_Create"] = "ClosedLoopApiTests.ArrivalOrderReportsAndTasks_OfAnotherTownship_AreNeverVisible",
        ["Orders_FindCloseContact"] = "ClosedLoopApiTests.CloseContactLookup_FindsAnotherTownshipsContact_Masked_ForThoseWhoManageOrders",
        ["Orders_Confirm"] = "ClosedLoopApiTests.ArrivalOrderReportsAndTasks_OfAnotherTownship_AreNeverVisible",
        ["Orders_Extend"] = "ClosedLoopApiTests.ArrivalOrderReportsAndTasks_OfAnotherTownship_AreNeverVisible",
        ["Orders_Transfer"] = "ClosedLoopApiTests.ArrivalOrderReportsAndTasks_OfAnotherTownship_AreNeverVisible",
        ["Orders_Cancel"] = "ClosedLoopApiTests.ArrivalOrderReportsAndTasks_OfAnotherTownship_AreNeverVisible",
        ["Orders_Release"] = "ClosedLoopApiTests.ArrivalOrderReportsAndTasks_OfAnotherTownship_AreNeverVisible",
        ["Orders_RecordTest"] = "ClosedLoopApiTests.ArrivalOrderReportsAndTasks_OfAnotherTownship_AreNeverVisible",
        ["Orders_SetOwners"] = "ClosedLoopApiTests.ArrivalOrderReportsAndTasks_OfAnotherTownship_AreNeverVisible",
        ["Orders_Report"] = "ClosedLoopApiTests.ArrivalOrderReportsAndTasks_OfAnotherTownship_AreNeverVisible",
        ["Orders_IssueLink"] = "ClosedLoopApiTests.ArrivalOrderReportsAndTasks_OfAnotherTownship_AreNeverVisible",
        ["Orders_SpotCheck"] = "ClosedLoopApiTests.ArrivalOrderReportsAndTasks_OfAnotherTownship_AreNeverVisible",
        ["Orders_DrawSpotChecks"] = "ClosedLoopApiTests.ArrivalOrderReportsAndTasks_OfAnotherTownship_AreNeverVisible",
        ["People_ControlStatus"] = "ClosedLoopApiTests.ArrivalOrderReportsAndTasks_OfAnotherTownship_AreNeverVisible",
        ["Tasks_Search"] = "ClosedLoopApiTests.ArrivalOrderReportsAndTasks_OfAnotherTownship_AreNeverVisible",
        ["Tasks_Get"] = "ClosedLoopApiTests.ArrivalOrderReportsAndTasks_OfAnotherTownship_AreNeverVisible",
        ["Tasks_Start"] = "ClosedLoopApiTests.ArrivalOrderReportsAndTasks_OfAnotherTownship_AreNeverVisible",
        ["Tasks_Close"] = "ClosedLoopApiTests.ArrivalOrderReportsAndTasks_OfAnotherTownship_AreNeverVisible",
        ["Ledgers_Counts"] = "ClosedLoopApiTests.ArrivalOrderReportsAndTasks_OfAnotherTownship_AreNeverVisible",
        ["Ledgers_Units"] = "ClosedLoopApiTests.ArrivalOrderReportsAndTasks_OfAnotherTownship_AreNeverVisible",
        ["Ledgers_Export"] = "ClosedLoopApiTests.ArrivalOrderReportsAndTasks_OfAnotherTownship_AreNeverVisible",
        ["Verification_Push"] = "VerificationApiTests.TasksOfOneTownship_AreWorkedThere_AndNeverVisibleToAnother",
        ["Verification_Import"] = "VerificationApiTests.TasksOfOneTownship_AreWorkedThere_AndNeverVisibleToAnother",
        ["Verification_Board"] = "VerificationApiTests.TasksOfOneTownship_AreWorkedThere_AndNeverVisibleToAnother",
        ["Verification_Feedback"] = "VerificationApiTests.TasksOfOneTownship_AreWorkedThere_AndNeverVisibleToAnother",
        ["Verification_Search"] = "VerificationApiTests.TasksOfOneTownship_AreWorkedThere_AndNeverVisibleToAnother",
        ["Verification_Get"] = "VerificationApiTests.TasksOfOneTownship_AreWorkedThere_AndNeverVisibleToAnother",
        ["Verification_Reveal"] = "VerificationApiTests.TasksOfOneTownship_AreWorkedThere_AndNeverVisibleToAnother",
        ["Verification_Misses"] = "VerificationApiTests.TasksOfOneTownship_AreWorkedThere_AndNeverVisibleToAnother",
        ["Verification_Team"] = "VerificationApiTests.TasksOfOneTownship_AreWorkedThere_AndNeverVisibleToAnother",
        ["Verification_Verify"] = "VerificationApiTests.TasksOfOneTownship_AreWorkedThere_AndNeverVisibleToAnother",
        ["Verification_Sample"] = "VerificationApiTests.TasksOfOneTownship_AreWorkedThere_AndNeverVisibleToAnother",
        ["Verification_Result"] = "VerificationApiTests.TasksOfOneTownship_AreWorkedThere_AndNeverVisibleToAnother",
        ["Verification_Close"] = "VerificationApiTests.TasksOfOneTownship_AreWorkedThere_AndNeverVisibleToAnother",
        ["Verification_Return"] = "VerificationApiTests.TasksOfOneTownship_AreWorkedThere_AndNeverVisibleToAnother",
        ["Verification_Transfer"] = "VerificationApiTests.TasksOfOneTownship_AreWorkedThere_AndNeverVisibleToAnother",
        ["Verification_Route"] = "VerificationApiTests.TasksOfOneTownship_AreWorkedThere_AndNeverVisibleToAnother",
        ["Verification_RoutingQueue"] = "VerificationApiTests.TasksOfOneTownship_AreWorkedThere_AndNeverVisibleToAnother",
        ["Verification_RouteMany"] = "VerificationApiTests.TasksOfOneTownship_AreWorkedThere_AndNeverVisibleToAnother",
        ["Verification_DeadlineProfile"] = "VerificationApiTests.TasksOfOneTownship_AreWorkedThere_AndNeverVisibleToAnother",
        ["Verification_SaveDeadlineProfile"] = "VerificationApiTests.TasksOfOneTownship_AreWorkedThere_AndNeverVisibleToAnother",
        ["Sites_Capacity"] = "SitesApiTests.ATownshipsSite_IsWorkedThere_AndInvisibleToAnotherTownship",
        ["Sites_Forecast"] = "SitesApiTests.ATownshipsSite_IsWorkedThere_AndInvisibleToAnotherTownship",
        ["Sites_Waiting"] = "SitesApiTests.ATownshipsSite_IsWorkedThere_AndInvisibleToAnotherTownship",
        ["Sites_Occupancy"] = "SitesApiTests.ATownshipsSite_IsWorkedThere_AndInvisibleToAnotherTownship",
        ["Sites_Create"] = "SitesApiTests.ATownshipsSite_IsWorkedThere_AndInvisibleToAnotherTownship",
        ["Sites_Standards"] = "SitesApiTests.ATownshipsSite_IsWorkedThere_AndInvisibleToAnotherTownship",
        ["Sites_Update"] = "SitesApiTests.ATownshipsSite_IsWorkedThere_AndInvisibleToAnotherTownship",
        ["Sites_TravelTimes"] = "SitesApiTests.TravelTimes_AreSavedByTheSitesEditors_NamedByTownship_AndShownOnTheSuggestion",
        ["Sites_SetTravelTimes"] = "SitesApiTests.TravelTimes_AreSavedByTheSitesEditors_NamedByTownship_AndShownOnTheSuggestion",
        ["Sites_UpdateRoom"] = "SitesApiTests.ATownshipsSite_IsWorkedThere_AndInvisibleToAnotherTownship",
        ["Sites_AddStandard"] = "SitesApiTests.ATownshipsSite_IsWorkedThere_AndInvisibleToAnotherTownship",
        ["Sites_UpdateStandard"] = "SitesApiTests.ATownshipsSite_IsWorkedThere_AndInvisibleToAnotherTownship",
        ["Sites_Inspections"] = "SitesApiTests.ATownshipsSite_IsWorkedThere_AndInvisibleToAnotherTownship",
        ["Sites_Board"] = "SitesApiTests.ATownshipsSite_IsWorkedThere_AndInvisibleToAnotherTownship",
        ["Sites_ImportRooms"] = "SitesApiTests.ATownshipsSite_IsWorkedThere_AndInvisibleToAnotherTownship",
        ["Sites_Inspect"] = "SitesApiTests.ATownshipsSite_IsWorkedThere_AndInvisibleToAnotherTownship",
        ["Sites_Status"] = "SitesApiTests.ATownshipsSite_IsWorkedThere_AndInvisibleToAnotherTownship",
        ["Sites_Roster"] = "SitesApiTests.ATownshipsSite_IsWorkedThere_AndInvisibleToAnotherTownship",
        ["Sites_RoomState"] = "SitesApiTests.ATownshipsSite_IsWorkedThere_AndInvisibleToAnotherTownship",
        ["Notifications_Inbox"] = "VerificationApiTests.TasksOfOneTownship_AreWorkedThere_AndNeverVisibleToAnother",
        ["Notifications_Read"] = "VerificationApiTests.TasksOfOneTownship_AreWorkedThere_AndNeverVisibleToAnother",
        ["Notifications_ReadAll"] = "VerificationApiTests.TasksOfOneTownship_AreWorkedThere_AndNeverVisibleToAnother",
        ["Notifications_Sms"] = "VerificationApiTests.TasksOfOneTownship_AreWorkedThere_AndNeverVisibleToAnother",
        ["Sites_AddRoom"] = "SitesApiTests.ATownshipsSite_IsWorkedThere_AndInvisibleToAnotherTownship",
        ["Sites_Round"] = "SitesApiTests.ATownshipsSite_IsWorkedThere_AndInvisibleToAnotherTownship",
        ["Stays_Report"] = "SitesApiTests.ATownshipsSite_IsWorkedThere_AndInvisibleToAnotherTownship",
        ["Stays_Suggest"] = "SitesApiTests.ATownshipsSite_IsWorkedThere_AndInvisibleToAnotherTownship",
        ["Stays_List"] = "SitesApiTests.ATownshipsSite_IsWorkedThere_AndInvisibleToAnotherTownship",
        ["Stays_Allocate"] = "SitesApiTests.ATownshipsSite_IsWorkedThere_AndInvisibleToAnotherTownship",
        ["Stays_CheckIn"] = "SitesApiTests.ATownshipsSite_IsWorkedThere_AndInvisibleToAnotherTownship",
        ["Stays_CheckOut"] = "SitesApiTests.ATownshipsSite_IsWorkedThere_AndInvisibleToAnotherTownship",
        ["Stays_Cancel"] = "SitesApiTests.ATownshipsSite_IsWorkedThere_AndInvisibleToAnotherTownship",
        ["Trips_List"] = "SitesApiTests.ATownshipsSite_IsWorkedThere_AndInvisibleToAnotherTownship",
        ["Stays_PickUp"] = "SitesApiTests.ATownshipsSite_IsWorkedThere_AndInvisibleToAnotherTownship",
        ["Trips_Fleet"] = "SitesApiTests.ATownshipsSite_IsWorkedThere_AndInvisibleToAnotherTownship",
        ["Trips_VehicleService"] = "SitesApiTests.ATownshipsSite_IsWorkedThere_AndInvisibleToAnotherTownship",
        ["Trips_DriverActive"] = "SitesApiTests.ATownshipsSite_IsWorkedThere_AndInvisibleToAnotherTownship",
        ["Trips_VehicleDisinfected"] = "SitesApiTests.ATownshipsSite_IsWorkedThere_AndInvisibleToAnotherTownship",
        ["Trips_Request"] = "SitesApiTests.ATownshipsSite_IsWorkedThere_AndInvisibleToAnotherTownship",
        ["Trips_Assign"] = "SitesApiTests.ATownshipsSite_IsWorkedThere_AndInvisibleToAnotherTownship",
        ["Trips_Depart"] = "SitesApiTests.ATownshipsSite_IsWorkedThere_AndInvisibleToAnotherTownship",
        ["Trips_EmergencyService"] = "SitesApiTests.ATownshipsSite_IsWorkedThere_AndInvisibleToAnotherTownship",
        ["Trips_Arrive"] = "SitesApiTests.ATownshipsSite_IsWorkedThere_AndInvisibleToAnotherTownship",
        ["Trips_Cancel"] = "SitesApiTests.ATownshipsSite_IsWorkedThere_AndInvisibleToAnotherTownship",
        ["Trips_AddVehicle"] = "SitesApiTests.ATownshipsSite_IsWorkedThere_AndInvisibleToAnotherTownship",
        ["Trips_AddDriver"] = "SitesApiTests.ATownshipsSite_IsWorkedThere_AndInvisibleToAnotherTownship",
        ["Trips_DriverTest"] = "SitesApiTests.ATownshipsSite_IsWorkedThere_AndInvisibleToAnotherTownship",
    };

    [Fact]
    public async Task EveryEndpoint_RequiresAuthorization_UnlessDeliberatelyOpen()
    {
        await using var app = await FangkongApp.StartAsync(Engine.Sqlite);
        var endpoints = app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>().ToList();
        Assert.NotEmpty(endpoints);
        var open = endpoints.Where(e =>
            e.Metadata.GetMetadata<IAllowAnonymous>() is not null || e.Metadata.GetOrderedMetadata<IAuthorizeData>().Count == 0).ToList();
        foreach (var e in open)
        {
            var name = e.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName ?? e.RoutePattern.RawText!;
            var isPage = e.Metadata.GetMetadata<Microsoft.AspNetCore.Components.Endpoints.ComponentTypeMetadata>() is { } page;
            if (isPage)
            {
                // Anonymous pages: sign-in, access denied, not found, the API page (it fetches data with the caller's session).
                Assert.Contains(e.RoutePattern.RawText, new[] { "/account/login", "/account/denied", "/not-found", "/api",
                    // The public closed-loop pages: self-registration, its receipt, the person's tokenised report page.
                    "/arrive/{Point}", "/arrive/done/{Reference}", "/report/{Token}" });
                continue;
            }
            if (e.RoutePattern.RawText!.StartsWith("/_", StringComparison.Ordinal) || e.DisplayName?.StartsWith("Fallback", StringComparison.Ordinal) == true || e.RoutePattern.RawText.Contains('.')) continue; // framework and static files
            Assert.True(Anonymous.Contains(name), $"{e.DisplayName} ({e.RoutePattern.RawText}) has no authorization");
        }
    }

    [Fact]
    public async Task EveryApiEndpoint_HasAScopeTest()
    {
        await using var app = await FangkongApp.StartAsync(Engine.Sqlite);
        var names = app.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .Select(e => e.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName)
            .Where(n => n is not null && n != "Auth_Login").ToList();
        var missing = names.Where(n => !ScopeTests.ContainsKey(n!)).ToList();
        Assert.True(missing.Count == 0, "endpoints without a cross-jurisdiction test: " + string.Join(", ", missing));
        var stale = ScopeTests.Keys.Except(names!).ToList();
        Assert.True(stale.Count == 0, "scope table names endpoints that no longer exist: " + string.Join(", ", stale));
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task LookupImportsAndExports_StayInsideTheTownship(Engine engine)
    {
        await using var app = await FangkongApp.StartAsync(engine);
        var township = await app.SignInAsync("township");
        var other = await app.SignInAsync("township2");
        var otherCheckpoint = await app.SignInAsync("checkpoint"); // same township as "township"
        var theirs = (await (await other.GetAsync("/api/v1/people?pageSize=1")).ReadAsync<Page<PersonListItem>>()).Items[0];
        var theirId = (await (await other.PostJsonAsync($"/api/v1/people/{theirs.Id}/reveal", new { field = "DocumentNumber", reason = "核对" })).JsonAsync()).GetProperty("value").GetString()!;
        Assert.Equal(HttpStatusCode.NotFound, (await otherCheckpoint.GetAsync($"/api/v1/people/lookup?number={theirId}")).StatusCode);

        // An import by the other township: its job and errors are invisible here.
        var content = new MultipartFormDataContent { { new ByteArrayContent("姓名,身份证号,现住址\n坏人,123,滔河乡白亭村\n"u8.ToArray()), "file", "x.csv" } };
        var summary = await (await other.PostAsync("/api/v1/people/import", content)).JsonAsync();
        var jobId = summary.GetProperty("jobId").GetInt64();
        Assert.Equal(HttpStatusCode.NotFound, (await township.GetAsync($"/api/v1/people/imports/{jobId}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await township.GetAsync($"/api/v1/people/imports/{jobId}/errors.xlsx")).StatusCode);
        var jobs = await (await township.GetAsync("/api/v1/people/imports")).JsonAsync();
        Assert.DoesNotContain(jobs.GetProperty("items").EnumerateArray(), j => j.GetProperty("id").GetInt64() == jobId);

        // Their export holds only their people.
        var export = await (await other.GetAsync("/api/v1/people/export?format=csv")).Content.ReadAsStringAsync();
        var mine = await (await township.GetAsync("/api/v1/people?pageSize=5")).ReadAsync<Page<PersonListItem>>();
        Assert.All(mine.Items, p => Assert.DoesNotContain(p.Name + ",", export));
        Assert.Contains(theirs.Name, export);
        Assert.DoesNotContain(theirId, export); // masked by default
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task CategoriesAndAudit_AreScoped(Engine engine)
    {
        await using var app = await FangkongApp.StartAsync(engine);
        var command = await app.SignInAsync("command");
        var township = await app.SignInAsync("township");
        var supervisor = await app.SignInAsync("supervisor");
        var categories = await (await township.GetAsync("/api/v1/categories")).JsonAsync();
        Assert.True(categories.GetArrayLength() >= 15);
        Assert.Equal(HttpStatusCode.Forbidden, (await township.PostJsonAsync("/api/v1/categories", new { code = "x-ray", nameZh = "放射", nameEn = "X-ray" })).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await command.PostJsonAsync("/api/v1/categories", new { code = "x-ray", nameZh = "放射科人员", nameEn = "Radiology staff" })).StatusCode);

        // A township's own reveal shows in the county's audit, not in another township's.
        var person = (await (await township.GetAsync("/api/v1/people?pageSize=1")).ReadAsync<Page<PersonListItem>>()).Items[0];
        await township.PutJsonAsync($"/api/v1/people/{person.Id}", new { person = new { name = person.Name + "改", nodeId = person.NodeId }, reason = "更正姓名" });
        var countyAudit = await (await supervisor.GetAsync("/api/v1/audit?entityType=Person&pageSize=50")).JsonAsync();
        Assert.Contains(countyAudit.GetProperty("items").EnumerateArray(), e => e.GetProperty("entityId").GetString() == person.Id.ToString());
        var other = await app.SignInAsync("township2");
        Assert.Equal(HttpStatusCode.Forbidden, (await other.GetAsync("/api/v1/audit")).StatusCode); // township teams do not read the audit

        var verify = await (await supervisor.GetAsync("/api/v1/audit/verify")).JsonAsync();
        Assert.True(verify.GetProperty("intact").GetBoolean());
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task Pages_OfAnotherTownship_ShowNothingOfIt(Engine engine)
    {
        await using var app = await FangkongApp.StartAsync(engine);
        var township = await app.SignInAsync("township");
        var other = await app.SignInAsync("township2");
        var person = (await (await township.GetAsync("/api/v1/people?pageSize=1")).ReadAsync<Page<PersonListItem>>()).Items[0];
        var node = (await (await township.GetAsync("/api/v1/jurisdictions/root")).JsonAsync()).GetProperty("id").GetInt64();

        foreach (var url in new[] { $"/people/{person.Id}", $"/jurisdictions?node={node}", $"/people?node={node}", $"/households?node={node}", $"/people/{person.Id}/edit" })
        {
            var response = await other.GetAsync(url);
            var html = await response.Content.ReadAsStringAsync();
            Assert.DoesNotContain(person.Name, html);
            Assert.True(response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.OK, $"{url}: {(int)response.StatusCode}");
        }
        // The own township's page shows the person.
        var own = await township.GetAsync($"/people/{person.Id}");
        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
        Assert.Contains(person.Name, await own.Content.ReadAsStringAsync());
    }

    /// <summary>
    /// The closed-loop, verification and site pages of one township's records, opened by URL from another township:
    /// nothing of them shows (the demo closed loop of 2022 gives the township arrivals, orders, tasks and a site).
    /// </summary>
    [Theory, OnSqlite, OnPostgres]
    public async Task CaseworkPages_OfAnotherTownship_ShowNothingOfIt(Engine engine)
    {
        await using var app = await FangkongApp.StartAsync(engine, new Dictionary<string, string?> { ["Fangkong:Clock:ExerciseDate"] = "2022-10-12" });
        await using (var scope = app.Services.CreateAsyncScope())
        {
            scope.ServiceProvider.GetRequiredService<ActorAccessor>().Current = Core.Accounts.Actor.System("demo");
            Assert.True(await Fangkong.Data.Demo.ClosedLoopDemo.SeedAsync(scope.ServiceProvider, 2022) > 0);
            Assert.True(await Fangkong.Data.Demo.SitesDemo.SeedAsync(scope.ServiceProvider, 2022) > 0);
        }
        var township = await app.SignInAsync("township");
        var other = await app.SignInAsync("township2");
        var arrival = (await (await township.GetAsync("/api/v1/arrivals?pageSize=1")).JsonAsync()).GetProperty("items")[0];
        var order = (await (await township.GetAsync("/api/v1/orders?pageSize=1")).JsonAsync()).GetProperty("items")[0];
        var orderPerson = order.GetProperty("personName").GetString()!;
        var pages = new List<(string Url, string Secret)>
        {
            ($"/arrivals/{arrival.GetProperty("id").GetInt64()}", arrival.GetProperty("name").GetString()!),
            ($"/orders/{order.GetProperty("id").GetInt64()}", orderPerson),
            ($"/sites/allocate/{order.GetProperty("id").GetInt64()}", orderPerson),
            // The person's page with their orders card and the form to open another.
            ($"/people/{order.GetProperty("personId").GetInt64()}", order.GetProperty("ruleReference").GetString()!),
            ("/orders", orderPerson),
            ("/arrivals", arrival.GetProperty("name").GetString()!),
        };
        var tasks = (await (await township.GetAsync("/api/v1/tasks?pageSize=1")).JsonAsync()).GetProperty("items");
        Assert.True(tasks.GetArrayLength() > 0, "the demo closed loop opens tasks");
        pages.Add(("/tasks", tasks[0].GetProperty("personName").GetString()!));
        // The township's own quarantine site: its board, its round, its inspections, and the list of sites.
        var site = (await (await township.GetAsync("/api/v1/sites")).JsonAsync()).GetProperty("sites").EnumerateArray().Single(x => x.GetProperty("level").GetString() == "Township");
        var siteName = site.GetProperty("name").GetString()!;
        var siteId = site.GetProperty("id").GetInt64();
        pages.AddRange([($"/sites/{siteId}", siteName), ($"/sites/{siteId}/rounds", siteName), ("/sites", siteName)]);
        // Someone of the township who must go to a site and has no room yet: on its waiting list only.
        var waiting = (await (await township.GetAsync("/api/v1/people?pageSize=1&page=40")).JsonAsync()).GetProperty("items")[0];
        var opened = await township.PostJsonAsync("/api/v1/orders", new { personId = waiting.GetProperty("id").GetInt64(), reasons = new[] { "close-contact" }, exposureDate = "2022-10-11" });
        Assert.True(opened.IsSuccessStatusCode, await opened.Content.ReadAsStringAsync());
        pages.Add(("/sites/waiting", waiting.GetProperty("name").GetString()!));
        // A pushed list with someone in the township: its verification queue, the task's page, the queue by place.
        var command = await app.SignInAsync("command");
        var townshipRoot = await (await township.GetAsync("/api/v1/jurisdictions/root")).JsonAsync();
        var push = new { batch = "页面范围", rows = new object[] { new { name = "欧阳页面", phone = "13755550101", address = $"淅川县{townshipRoot.GetProperty("name").GetString()}", reason = "时空伴随" } } };
        Assert.Equal(1, (await (await command.PostJsonAsync("/api/v1/verification/push", push)).JsonAsync()).GetProperty("tasksCreated").GetInt32());
        var task = (await (await township.GetAsync("/api/v1/verification/tasks?q=" + Uri.EscapeDataString("欧阳页面"))).JsonAsync()).GetProperty("items")[0].GetProperty("id").GetInt64();
        pages.AddRange([("/verification/tasks", "欧阳页面"), ($"/verification/tasks/{task}", "欧阳页面"),
            ($"/verification/tasks?place={townshipRoot.GetProperty("scopeKey").GetString()}", "欧阳页面")]);
        // The township's ledgers and its dashboard name its villages.
        var villageName = (await (await township.GetAsync($"/api/v1/jurisdictions/{townshipRoot.GetProperty("id").GetInt64()}/children")).JsonAsync())[0].GetProperty("name").GetString()!;
        var ledgerUnit = (await (await township.GetAsync("/api/v1/ledgers/units")).JsonAsync()).EnumerateArray().First(u => u.GetProperty("name").ValueKind == JsonValueKind.String)
            .GetProperty("name").GetString()!;
        pages.AddRange([("/ledgers", ledgerUnit), ("/", villageName)]);
        foreach (var (url, secret) in pages)
        {
            var response = await other.GetAsync(url);
            Assert.True(response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.OK or HttpStatusCode.Forbidden, $"{url}: {(int)response.StatusCode}");
            Assert.False((await response.Content.ReadAsStringAsync()).Contains(secret, StringComparison.Ordinal), $"{url} shows {secret} to another township");
            // The township itself sees it.
            var mine = await township.GetAsync(url);
            var body = await mine.Content.ReadAsStringAsync();
            Assert.True(body.Contains(secret, StringComparison.Ordinal), $"{url} does not show {secret} to its township: {(int)mine.StatusCode} {body[..Math.Min(body.Length, 3000)]}");
        }
    }

    /// <summary>The API describes itself (OpenAPI with every named endpoint) and answers errors as problem+json naming the field.</summary>
    [Fact]
    public async Task Api_IsDescribed_AndErrorsAreProblemJson()
    {
        await using var app = await FangkongApp.StartAsync(Engine.Sqlite);
        var description = await app.Anonymous().GetAsync("/openapi/v1.json");
        Assert.Equal(HttpStatusCode.OK, description.StatusCode);
        var doc = await description.JsonAsync();
        var operations = doc.GetProperty("paths").EnumerateObject().SelectMany(p => p.Value.EnumerateObject()).Where(o => o.Value.TryGetProperty("operationId", out _))
            .Select(o => o.Value.GetProperty("operationId").GetString()).ToHashSet();
        // Every named API endpoint is described.
        var named = EndpointNames(app);
        Assert.Contains("Verification_Reveal", named);
        Assert.Empty(named.Except(operations));

        var township = await app.SignInAsync("township");
        var person = (await (await township.GetAsync("/api/v1/people?pageSize=1")).ReadAsync<Page<PersonListItem>>()).Items[0];
        var refused = await township.PostJsonAsync($"/api/v1/people/{person.Id}/reveal", new { field = "Phone", reason = "" });
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        Assert.True((await refused.JsonAsync()).GetProperty("errors").TryGetProperty("reason", out _));
        // Unauthenticated API calls answer 401, never a redirect to the sign-in page.
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.Anonymous().GetAsync("/api/v1/people")).StatusCode);
    }

    private static HashSet<string> EndpointNames(FangkongApp app) =>
        app.Services.GetRequiredService<EndpointDataSource>().Endpoints.Select(e => e.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName).OfType<string>().ToHashSet();

    [Theory, OnSqlite, OnPostgres]
    public async Task Problems_AreChineseByDefault_AndEnglishOnRequest(Engine engine)
    {
        await using var app = await FangkongApp.StartAsync(engine);
        var township = await app.SignInAsync("township");
        var person = (await (await township.GetAsync("/api/v1/people?pageSize=1")).ReadAsync<Page<PersonListItem>>()).Items[0];
        var zh = await (await township.PostJsonAsync($"/api/v1/people/{person.Id}/reveal", new { field = "Phone", reason = "" })).JsonAsync();
        Assert.Equal("请填写理由", zh.GetProperty("errors").GetProperty("reason")[0].GetString());
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/people/{person.Id}/reveal") { Content = JsonContent(new { field = "Phone", reason = "" }) };
        request.Headers.AcceptLanguage.ParseAdd("en-US");
        var en = await (await township.SendAsync(request)).JsonAsync();
        Assert.Equal("Give a reason", en.GetProperty("errors").GetProperty("reason")[0].GetString());
    }

    private static HttpContent JsonContent(object value) => System.Net.Http.Json.JsonContent.Create(value);

    [Fact]
    public void Locales_HaveTheSameKeysInBothLanguages_AndEveryKeyUsedExists()
    {
        var root = FindRepositoryRoot();
        var zh = Sections(Path.Combine(root, "src/Fangkong.Web/Locales/zh.json"));
        var en = Sections(Path.Combine(root, "src/Fangkong.Web/Locales/en.json"));
        Assert.Equal(zh.Keys.Order(), en.Keys.Order());
        foreach (var (section, keys) in zh) Assert.Equal(keys.Order(), en[section].Order());

        // Every L["..."], P["..."] … used in a component names a key of its section.
        var prefixes = new Dictionary<string, string>
        {
            ["L"] = "Fangkong.Web.Infrastructure.SharedStrings", ["P"] = "Fangkong.Web.People.PeopleStrings", ["A"] = "Fangkong.Web.Accounts.AccountStrings",
            ["J"] = "Fangkong.Web.Jurisdictions.JurisdictionStrings", ["U"] = "Fangkong.Web.Audit.AuditStrings",
            ["C"] = "Fangkong.Web.ClosedLoop.ClosedLoopStrings", ["E"] = "Fangkong.Web.Infrastructure.ErrorStrings",
            ["S"] = "Fangkong.Web.Sites.SitesStrings", ["V"] = "Fangkong.Web.Tasks.VerificationStrings",
            ["N"] = "Fangkong.Web.Notifications.NotificationsStrings",
        };
        // Every section is served by the platform's own catalogue (never by BootstrapBlazor's process-wide fallback).
        var served = Fangkong.Web.Infrastructure.StringCatalog.Sections.Select(t => t.FullName!).ToHashSet();
        Assert.Empty(zh.Keys.Where(k => k.StartsWith("Fangkong.Web.", StringComparison.Ordinal)).Except(served));
        Assert.Empty(served.Except(zh.Keys));
        var missing = new List<string>();
        foreach (var file in Directory.EnumerateFiles(Path.Combine(root, "src/Fangkong.Web/Components"), "*.razor", SearchOption.AllDirectories))
        {
            var text = File.ReadAllText(file);
            foreach (Match m in Regex.Matches(text, @"\b([LPAJUCESVN])\[""([A-Za-z0-9_-]+)""\]"))
                if (!zh[prefixes[m.Groups[1].Value]].Contains(m.Groups[2].Value)) missing.Add($"{Path.GetFileName(file)}: {m.Value}");
            // No Chinese text hard-coded in markup: it belongs in the resource files.
            foreach (var line in text.Split('\n').Where(l => !l.TrimStart().StartsWith("@*") && !l.Contains("datalist", StringComparison.Ordinal) && !l.Contains("<option value=\"", StringComparison.Ordinal)))
                if (Regex.IsMatch(line, @"[\u4e00-\u9fff]") && !line.Contains("fk-logo", StringComparison.Ordinal) && !line.TrimStart().StartsWith("//", StringComparison.Ordinal) && !line.Contains("$\"", StringComparison.Ordinal))
                    missing.Add($"{Path.GetFileName(file)} has Chinese text in markup: {line.Trim()}");
        }
        Assert.True(missing.Count == 0, string.Join("\n", missing));
    }

    /// <summary>
    /// Chinese sentences use Chinese punctuation: "不能关闭，请刷新", not "不能关闭,请刷新", and Chinese quotes (“查看”), not
    /// ASCII ones that run together ("第3网格""5号楼"); placeholders and times aside.
    /// </summary>
    [Fact]
    public void ChineseTexts_UseFullWidthPunctuation_NextToChinese()
    {
        var zh = JsonSerializer.Deserialize<Dictionary<string, Dictionary<string, string>>>(File.ReadAllText(Path.Combine(FindRepositoryRoot(), "src/Fangkong.Web/Locales/zh.json")))!;
        var wrong = new List<string>();
        foreach (var (section, texts) in zh)
            foreach (var (key, text) in texts)
            {
                var outside = Regex.Replace(text, @"\{[^}]*\}", "0");   // a placeholder reads as a neutral character
                if (Regex.IsMatch(outside, @"[\u4e00-\u9fff] ?[,;:()""]|[,;:()""] ?[\u4e00-\u9fff]"))
                    wrong.Add($"{section.Split('.')[^1]}.{key}: {text}");
            }
        Assert.True(wrong.Count == 0, string.Join("\n", wrong));
    }

    /// <summary>
    /// What a user reads comes from the locale files in the reader's language, a download's file name included: no Chinese
    /// text in the web layer's C#, apart from the API's descriptions for its developers and the product's own name.
    /// </summary>
    [Fact]
    public void WebCode_HasNoChineseTextLiterals_OutsideTheApiDescriptions()
    {
        var found = new List<string>();
        var files = Directory.EnumerateFiles(Path.Combine(FindRepositoryRoot(), "src/Fangkong.Web"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains("/obj/", StringComparison.Ordinal) && !f.Contains("/bin/", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(files);
        foreach (var file in files)
            foreach (var (line, number) in File.ReadLines(file).Select((l, i) => (l.Trim(), i + 1)))
                if (!line.StartsWith("//", StringComparison.Ordinal) && Regex.IsMatch(line, "\"[^\"]*[\u4e00-\u9fff][^\"]*\"")
                    && !Regex.IsMatch(line, @"\.WithSummary\(|\.WithDescription\(|Fangkong \(防控\)"))
                    found.Add($"{Path.GetFileName(file)}:{number}: {line}");
        Assert.True(found.Count == 0, "Chinese text in C# (move it to Locales/zh.json and en.json):\n" + string.Join("\n", found));
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task ANode_RefusesToStart_OnADatabaseBehindItsBuild_AndSaysWhatToRun(Engine engine)
    {
        await using var empty = await TestDatabase.CreateEmptyAsync(engine);
        var app = FangkongApp.StartOnLater(empty, new Dictionary<string, string?> { ["Fangkong:Database:MigrateOnStart"] = "false" });
        var refused = Assert.ThrowsAny<Exception>(() => app.Server);
        var message = refused is InvalidOperationException ? refused.Message : refused.ToString();
        Assert.Contains("fangkong db migrate", message);
        Assert.Contains("Initial", message);
    }

    [Fact]
    public void AFormsWallClockTime_IsReadInTheCountysZone()
    {
        var time = new CountyTime(Microsoft.Extensions.Options.Options.Create(new Fangkong.Data.Infrastructure.FangkongOptions()), TimeProvider.System);
        Assert.Equal(new DateTime(2022, 11, 10, 0, 0, 0, DateTimeKind.Utc), time.FromLocal("2022-11-10T08:00"));
        Assert.Equal(new DateTime(2022, 11, 9, 23, 30, 0, DateTimeKind.Utc), time.FromLocal(" 2022-11-10 07:30 "));
        Assert.Null(time.FromLocal(""));
        Assert.Null(time.FromLocal("2022-13-01T08:00"));
        Assert.Null(time.FromLocal("明天早上"));
    }

    [Fact]
    public void EveryErrorCodeTheServicesRaise_HasASentenceInBothLanguages()
    {
        // The codes written literally where a refusal is raised: a field error, a conflict, a row error of an import.
        // "category.unknown:teachr" is described by its part before the colon; Identity's "password." codes are listed apart.
        var root = FindRepositoryRoot();
        var keys = Sections(Path.Combine(root, "src/Fangkong.Web/Locales/zh.json"))["Fangkong.Web.Infrastructure.ErrorStrings"];
        var patterns = new[]
        {
            @"FieldError\(\s*""[^""]*""\s*,\s*""([^""]+)""", @"ConflictException\(\s*""([^""]+)""",
            @"\bnew\(\s*""[^""]*""\s*,\s*""([a-z][a-z0-9-]*\.[a-z0-9.-]+)""", @"\bError\(\s*""[^""]*""\s*,\s*""([^""]+)""",
        };
        var missing = new SortedSet<string>();
        var seen = 0;
        foreach (var file in Directory.EnumerateFiles(Path.Combine(root, "src"), "*.cs", SearchOption.AllDirectories)
                     .Where(f => !f.Contains("/obj/", StringComparison.Ordinal) && !f.Contains("/bin/", StringComparison.Ordinal)))
        {
            var text = File.ReadAllText(file);
            foreach (var pattern in patterns)
                foreach (Match m in Regex.Matches(text, pattern))
                {
                    var code = m.Groups[1].Value.Split(':')[0].Trim();
                    if (code.EndsWith('.')) continue; // a prefix completed at run time ("password." + Identity's code)
                    seen++;
                    if (!keys.Contains(code.Replace('.', '_'))) missing.Add($"{code} ({Path.GetFileName(file)})");
                }
        }
        Assert.True(seen > 100, $"the scan found only {seen} codes: the patterns no longer match how refusals are raised");
        Assert.True(missing.Count == 0, "error codes without a sentence:\n" + string.Join("\n", missing));
    }

    /// <summary>Every note the address resolver can give has a sentence (both languages have the same keys).</summary>
    [Fact]
    public void EveryAddressNote_HasASentence()
    {
        var keys = Sections(Path.Combine(FindRepositoryRoot(), "src/Fangkong.Web/Locales/zh.json"))["Fangkong.Web.Infrastructure.ErrorStrings"];
        var codes = typeof(Core.Jurisdictions.AddressNotes).GetFields().Where(f => f.IsLiteral).Select(f => (string)f.GetRawConstantValue()!).ToList();
        Assert.Equal(codes.Order(), Core.Jurisdictions.AddressNotes.All.Order());
        Assert.All(codes, c => Assert.Contains(c.Replace('.', '_'), keys));
    }

    private static Dictionary<string, HashSet<string>> Sections(string path) =>
        JsonSerializer.Deserialize<Dictionary<string, Dictionary<string, string>>>(File.ReadAllText(path))!
            .ToDictionary(s => s.Key, s => s.Value.Keys.ToHashSet());

    private static string FindRepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Fangkong.slnx"))) dir = dir.Parent;
        return dir?.FullName ?? throw new DirectoryNotFoundException("repository root");
    }
}
