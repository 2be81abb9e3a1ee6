using System.Net;
using System.Net.Http.Json;
using Fangkong.Data.Infrastructure;
using Fangkong.Data.People;
using Fangkong.Data.Accounts;
using Fangkong.Testing;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Fangkong.Web.Tests.Accounts;

public class AccountsApiTests
{
    [Theory, OnSqlite, OnPostgres]
    public async Task FiveWrongPasswords_LockTheAccount_AndTheLockIsAudited(Engine engine)
    {
        await using var app = await FangkongApp.StartAsync(engine);
        var client = app.Anonymous();
        var answers = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            var wrong = await client.PostAsJsonAsync("/api/v1/auth/login", new { userName = "village", password = "Wrong@password1" });
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
            answers.Add((await wrong.JsonAsync()).GetProperty("title").GetString()!);
        }
        // Locked: the right password does not sign in either.
        var right = await client.PostAsJsonAsync("/api/v1/auth/login", new { userName = "village", password = TestDatabase.DemoPassword });
        Assert.Equal(HttpStatusCode.Unauthorized, right.StatusCode);
        answers.Add((await right.JsonAsync()).GetProperty("title").GetString()!);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/v1/me")).StatusCode);
        // An unknown user gets the very same answer as a wrong password and as a locked account: nothing tells which names exist.
        var unknown = await client.PostAsJsonAsync("/api/v1/auth/login", new { userName = "nobody", password = "Wrong@password1" });
        Assert.Equal(HttpStatusCode.Unauthorized, unknown.StatusCode);
        answers.Add((await unknown.JsonAsync()).GetProperty("title").GetString()!);
        Assert.Single(answers.Distinct());

        var command = await app.SignInAsync("command");
        var audit = await (await command.GetAsync("/api/v1/audit?action=account.&pageSize=20")).JsonAsync();
        var actions = audit.GetProperty("items").EnumerateArray().Select(e => e.GetProperty("action").GetString()).ToList();
        Assert.Equal(2, actions.Count(a => a == "account.locked-out"));
        Assert.Equal(4, actions.Count(a => a == "account.sign-in-failed"));

        // It was the lock that refused the right password: unlocked, it signs in.
        var admin = await app.SignInAsync("admin");
        var account = (await (await admin.GetAsync("/api/v1/accounts?q=village")).JsonAsync()).GetProperty("items").EnumerateArray()
            .First(a => a.GetProperty("userName").GetString() == "village");
        Assert.Equal(HttpStatusCode.NoContent, (await admin.PostJsonAsync($"/api/v1/accounts/{account.GetProperty("id").GetInt64()}/unlock", new { reason = "本人确认" })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync("/api/v1/auth/login", new { userName = "village", password = TestDatabase.DemoPassword })).StatusCode);
    }

    /// <summary>Counts password checks: every refused sign-in must cost one, whatever the reason, so timing tells nothing either.</summary>
    private sealed class CountingHasher : IPasswordHasher<AppUser>
    {
        private readonly PasswordHasher<AppUser> _inner = new();
        public int Checks;
        public string HashPassword(AppUser user, string password) => _inner.HashPassword(user, password);
        public PasswordVerificationResult VerifyHashedPassword(AppUser user, string hashedPassword, string providedPassword)
        {
            Interlocked.Increment(ref Checks);
            return _inner.VerifyHashedPassword(user, hashedPassword, providedPassword);
        }
    }

    [Theory, OnSqlite]
    public async Task UnknownUser_LockedAccount_AndWrongPassword_EachCostOnePasswordCheck(Engine engine)
    {
        await using var app = await FangkongApp.StartAsync(engine);
        var hasher = new CountingHasher();
        await using var counted = app.WithWebHostBuilder(b => b.ConfigureTestServices(s => s.AddSingleton<IPasswordHasher<AppUser>>(hasher)));
        var client = counted.CreateClient();
        async Task<int> ChecksOfAsync(string user, string password)
        {
            var before = hasher.Checks;
            var response = await client.PostAsJsonAsync("/api/v1/auth/login", new { userName = user, password });
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            return hasher.Checks - before;
        }

        Assert.Equal(1, await ChecksOfAsync("nobody", "Wrong@password1"));
        for (var i = 0; i < 5; i++) Assert.Equal(1, await ChecksOfAsync("village", "Wrong@password1"));
        Assert.Equal(1, await ChecksOfAsync("village", TestDatabase.DemoPassword));
        Assert.Equal(1, await ChecksOfAsync("village", "Wrong@password1"));
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task Admin_CreatesAnAccount_ThatSeesOnlyItsNode_AndFollowsAReassignmentAtOnce(Engine engine)
    {
        await using var app = await FangkongApp.StartAsync(engine);
        var admin = await app.SignInAsync("admin");
        var village = await app.SignInAsync("village");
        var other = await app.SignInAsync("township2");
        var villageNode = (await (await village.GetAsync("/api/v1/jurisdictions/root")).JsonAsync()).GetProperty("id").GetInt64();
        var otherNode = (await (await other.GetAsync("/api/v1/jurisdictions/root")).JsonAsync()).GetProperty("id").GetInt64();

        var weak = await admin.PostJsonAsync("/api/v1/accounts", new { userName = "gridworker1", displayName = "网格员一", nodeId = villageNode, roles = new[] { "village-cadre" }, password = "short" });
        Assert.Equal(HttpStatusCode.BadRequest, weak.StatusCode);
        Assert.Contains("password.PasswordTooShort", (await weak.Content.ReadAsStringAsync()));

        var created = await admin.PostJsonAsync("/api/v1/accounts", new { userName = "gridworker1", displayName = "网格员一", nodeId = villageNode, roles = new[] { "village-cadre" }, password = "Grid@worker2022" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var accountId = (await created.JsonAsync()).GetProperty("id").GetInt64();

        var worker = await app.SignInAsync("gridworker1", "Grid@worker2022");
        var before = await (await worker.GetAsync("/api/v1/people?pageSize=200")).ReadAsync<Page<PersonListItem>>();
        var villageKey = (await (await village.GetAsync("/api/v1/me")).JsonAsync()).GetProperty("scopeKey").GetString()!;
        Assert.All(before.Items, p => Assert.StartsWith(villageKey, p.ScopeKey));

        // Reassigned to another township: the very next request uses the new scope, with the same cookie.
        var moved = await admin.PutJsonAsync($"/api/v1/accounts/{accountId}", new { userName = "gridworker1", displayName = "网格员一", nodeId = otherNode, roles = new[] { "village-cadre" } });
        Assert.Equal(HttpStatusCode.OK, moved.StatusCode);
        var after = await (await worker.GetAsync("/api/v1/people?pageSize=200")).ReadAsync<Page<PersonListItem>>();
        Assert.DoesNotContain(after.Items, p => p.ScopeKey.StartsWith(villageKey, StringComparison.Ordinal));

        // Locking ends the session at once.
        Assert.Equal(HttpStatusCode.NoContent, (await admin.PostJsonAsync($"/api/v1/accounts/{accountId}/lock", new { reason = "离岗" })).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await worker.GetAsync("/api/v1/people")).StatusCode);
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task NonAdministrators_CannotManageAccountsOrKeys(Engine engine)
    {
        await using var app = await FangkongApp.StartAsync(engine);
        foreach (var user in new[] { "command", "township", "village", "supervisor" })
        {
            var client = await app.SignInAsync(user);
            Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("/api/v1/accounts")).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("/api/v1/api-keys")).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await client.PostJsonAsync("/api/v1/accounts", new { userName = "x", nodeId = 1, roles = new[] { "administrator" } })).StatusCode);
        }
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task ApiKey_ActsWithinItsNodeAndPurpose_AndStopsWhenRevoked(Engine engine)
    {
        await using var app = await FangkongApp.StartAsync(engine);
        var admin = await app.SignInAsync("admin");
        var village = await app.SignInAsync("village");
        var villageMe = await (await village.GetAsync("/api/v1/me")).JsonAsync();
        var created = await admin.PostJsonAsync("/api/v1/api-keys", new { name = "乡镇卫生院系统", nodeId = villageMe.GetProperty("nodeId").GetInt64(), permissions = new[] { "people.read" } });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var body = await created.JsonAsync();
        var key = body.GetProperty("apiKey").GetString()!;
        var keyId = body.GetProperty("key").GetProperty("id").GetInt64();

        var machine = app.Anonymous();
        machine.DefaultRequestHeaders.Add("X-Api-Key", key);
        var people = await (await machine.GetAsync("/api/v1/people?pageSize=200")).ReadAsync<Page<PersonListItem>>();
        Assert.NotEmpty(people.Items);
        Assert.All(people.Items, p => Assert.StartsWith(villageMe.GetProperty("scopeKey").GetString()!, p.ScopeKey));
        Assert.Equal(HttpStatusCode.Forbidden, (await machine.PostJsonAsync($"/api/v1/people/{people.Items[0].Id}/reveal", new { field = "Phone", reason = "x" })).StatusCode);

        var keys = await (await admin.GetAsync("/api/v1/api-keys")).Content.ReadAsStringAsync();
        Assert.DoesNotContain(key, keys); // the secret is never listed

        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/v1/api-keys/{keyId}")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await machine.GetAsync("/api/v1/people")).StatusCode);

        var forged = app.Anonymous();
        forged.DefaultRequestHeaders.Add("X-Api-Key", key[..^4] + "AAAA");
        Assert.Equal(HttpStatusCode.Unauthorized, (await forged.GetAsync("/api/v1/people")).StatusCode);
        var malformed = app.Anonymous();
        malformed.DefaultRequestHeaders.Add("X-Api-Key", "'; DROP TABLE \"ApiKeys\";--");
        Assert.Equal(HttpStatusCode.Unauthorized, (await malformed.GetAsync("/api/v1/people")).StatusCode);
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task AnAccount_ChangesOnlyItsOwnPassword_StaysSignedIn_AndItsOtherSessionsEnd(Engine engine)
    {
        const string newPassword = "Village@2023x";
        await using var app = await FangkongApp.StartAsync(engine);
        var village = await app.SignInAsync("village");
        var villageElsewhere = await app.SignInAsync("village");
        var township = await app.SignInAsync("township");

        // Nobody signed in: refused, nothing changed.
        var anonymous = await app.Anonymous().PostJsonAsync("/api/v1/me/password", new { currentPassword = TestDatabase.DemoPassword, newPassword });
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);

        // A wrong current password and a weak new one: 400 naming the field, with the sentence.
        var wrong = await village.PostJsonAsync("/api/v1/me/password", new { currentPassword = "Wrong@password1", newPassword });
        Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
        var wrongBody = await wrong.JsonAsync();
        Assert.Equal("password.mismatch", wrongBody.GetProperty("codes").GetProperty("currentPassword")[0].GetString());
        Assert.False(string.IsNullOrEmpty(wrongBody.GetProperty("errors").GetProperty("currentPassword")[0].GetString()));
        Assert.NotEqual("password.mismatch", wrongBody.GetProperty("errors").GetProperty("currentPassword")[0].GetString());
        var weak = await village.PostJsonAsync("/api/v1/me/password", new { currentPassword = TestDatabase.DemoPassword, newPassword = "short" });
        Assert.Equal(HttpStatusCode.BadRequest, weak.StatusCode);
        Assert.Contains("password.PasswordTooShort", await weak.Content.ReadAsStringAsync());

        // The endpoint names no account: another user (same demo password) changes their own, never the village's.
        Assert.Equal(HttpStatusCode.NoContent, (await township.PostJsonAsync("/api/v1/me/password", new { currentPassword = TestDatabase.DemoPassword, newPassword })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await app.Anonymous().PostJsonAsync("/api/v1/auth/login", new { userName = "village", password = TestDatabase.DemoPassword })).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.Anonymous().PostJsonAsync("/api/v1/auth/login", new { userName = "township", password = TestDatabase.DemoPassword })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await township.GetAsync("/api/v1/me")).StatusCode);

        // The village changes its own: this session goes on (a fresh cookie), the one elsewhere ends, the old password is gone.
        var changed = await village.PostJsonAsync("/api/v1/me/password", new { currentPassword = TestDatabase.DemoPassword, newPassword });
        Assert.Equal(HttpStatusCode.NoContent, changed.StatusCode);
        Assert.EndsWith("(village)", (await (await village.GetAsync("/api/v1/me")).JsonAsync()).GetProperty("name").GetString());
        Assert.Equal(HttpStatusCode.OK, (await village.GetAsync("/api/v1/people?pageSize=1")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await villageElsewhere.GetAsync("/api/v1/me")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.Anonymous().PostJsonAsync("/api/v1/auth/login", new { userName = "village", password = TestDatabase.DemoPassword })).StatusCode);
        await app.SignInAsync("village", newPassword);

        // Audited with the reason, the password nowhere in the trail.
        var admin = await app.SignInAsync("admin");
        var trail = await (await admin.GetAsync("/api/v1/audit?action=account.&pageSize=50")).Content.ReadAsStringAsync();
        Assert.Contains("password changed by the account holder", trail);
        Assert.Contains("account.password-change-refused", trail);
        Assert.DoesNotContain(newPassword, trail);
        Assert.DoesNotContain(TestDatabase.DemoPassword, trail);
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task Admin_ResetsAPassword_WhichEndsTheAccountsSessions_AndOthersCannot(Engine engine)
    {
        const string newPassword = "Village@2023x";
        await using var app = await FangkongApp.StartAsync(engine);
        var admin = await app.SignInAsync("admin");
        var village = await app.SignInAsync("village");
        var villageId = long.Parse((await (await village.GetAsync("/api/v1/me")).JsonAsync()).GetProperty("id").GetString()!, System.Globalization.CultureInfo.InvariantCulture);

        var township = await app.SignInAsync("township");
        Assert.Equal(HttpStatusCode.Forbidden, (await township.PostJsonAsync($"/api/v1/accounts/{villageId}/password", new { password = newPassword })).StatusCode);
        var weak = await admin.PostJsonAsync($"/api/v1/accounts/{villageId}/password", new { password = "abc" });
        Assert.Equal(HttpStatusCode.BadRequest, weak.StatusCode);
        Assert.Contains("password.PasswordTooShort", await weak.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, (await village.GetAsync("/api/v1/me")).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await admin.PostJsonAsync($"/api/v1/accounts/{villageId}/password", new { password = newPassword })).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await village.GetAsync("/api/v1/me")).StatusCode);
        await app.SignInAsync("village", newPassword);
        var trail = await (await admin.GetAsync("/api/v1/audit?action=account.update&pageSize=50")).Content.ReadAsStringAsync();
        Assert.Contains("password reset by an administrator", trail);
        Assert.DoesNotContain(newPassword, trail);
    }
}
