using System.Text.Json;
using System.Net;
using System.Text;
using Fangkong.Testing;

namespace Fangkong.Web.Tests.Sites;

/// <summary>
/// Quarantine sites over HTTP: a township's site, rooms, stays and trips are worked there and by the county; another
/// township gets 404 (or 403) for every one of them and never sees them in its lists.
/// </summary>
public class SitesApiTests
{
    private static readonly Dictionary<string, string?> Drill = new() { ["Fangkong:Clock:ExerciseDate"] = "2022-10-05" };

    [Theory, OnSqlite, OnPostgres]
    public async Task ATownshipsSite_IsWorkedThere_AndInvisibleToAnotherTownship(Engine engine)
    {
        await using var app = await FangkongApp.StartAsync(engine, Drill);
        var command = await app.SignInAsync("command");
        var township = await app.SignInAsync("township");
        var other = await app.SignInAsync("township2");
        var root = await (await township.GetAsync("/api/v1/jurisdictions/root")).JsonAsync();
        var key = root.GetProperty("scopeKey").GetString();

        // The county sets the township's site up: rooms, inspection, in service.
        Assert.Equal(HttpStatusCode.Forbidden, (await township.PostJsonAsync("/api/v1/sites", new { name = "镇隔离点", level = "Township", scopeKey = key })).StatusCode);
        var site = (await (await command.PostJsonAsync("/api/v1/sites", new { name = "镇隔离点", level = "Township", scopeKey = key, reserveRooms = 0 })).JsonAsync()).GetProperty("id").GetInt64();
        var rooms = new MultipartFormDataContent { { new ByteArrayContent(Encoding.UTF8.GetBytes("楼栋,楼层,房号,单人间,独立卫生间\nA,1,101,是,是\nA,1,102,是,是\n")), "file", "rooms.csv" } };
        var imported = await (await command.PostAsync($"/api/v1/sites/{site}/rooms/import", rooms)).JsonAsync();
        Assert.Equal(2, imported.GetProperty("imported").GetInt32());
        // One more typed in; the same number again is refused naming the field; another township cannot add any.
        Assert.Equal(HttpStatusCode.OK, (await command.PostJsonAsync($"/api/v1/sites/{site}/rooms", new { building = "A", floor = 1, number = "103", accessible = true })).StatusCode);
        var twice = await command.PostJsonAsync($"/api/v1/sites/{site}/rooms", new { building = "A", floor = 1, number = "103" });
        Assert.Equal(HttpStatusCode.BadRequest, twice.StatusCode);
        Assert.Equal("number.exists-in-site:A-103", (await twice.JsonAsync()).GetProperty("codes").GetProperty("number")[0].GetString()); // the room named
        var noFloor = await command.PostJsonAsync($"/api/v1/sites/{site}/rooms", new { building = "A", number = "104" });
        Assert.Equal(HttpStatusCode.BadRequest, noFloor.StatusCode);
        Assert.Contains("floor", await noFloor.Content.ReadAsStringAsync());
        await Refused(other.PostJsonAsync($"/api/v1/sites/{site}/rooms", new { building = "B", floor = 1, number = "101" }));
        // A room corrected: its number and beds; a number already used is refused; only those who manage sites, in scope.
        var typed = (await (await command.GetAsync($"/api/v1/sites/{site}/board")).JsonAsync()).GetProperty("rooms").EnumerateArray()
            .First(r => r.GetProperty("number").GetString() == "103").GetProperty("id").GetInt64();
        var correction = new { room = new { building = "A", floor = 1, number = "105", single = false, accessible = true, beds = 2 } };
        Assert.Equal(HttpStatusCode.Forbidden, (await township.PutJsonAsync($"/api/v1/sites/rooms/{typed}", correction)).StatusCode);
        await Refused(other.PutJsonAsync($"/api/v1/sites/rooms/{typed}", correction));
        var taken = await command.PutJsonAsync($"/api/v1/sites/rooms/{typed}", new { room = new { building = "A", floor = 1, number = "101" } });
        Assert.Equal(HttpStatusCode.BadRequest, taken.StatusCode);
        Assert.Contains("number.exists-in-site", await taken.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.NoContent, (await command.PutJsonAsync($"/api/v1/sites/rooms/{typed}", correction)).StatusCode);
        var corrected = (await (await command.GetAsync($"/api/v1/sites/{site}/board")).JsonAsync()).GetProperty("rooms").EnumerateArray().Single(r => r.GetProperty("id").GetInt64() == typed);
        Assert.Equal(("105", 2), (corrected.GetProperty("number").GetString(), corrected.GetProperty("beds").GetInt32()));
        var standards = await (await command.GetAsync("/api/v1/sites/standards")).JsonAsync();
        var items = standards.EnumerateArray().Select(s => new { code = s.GetProperty("code").GetString(), passed = true }).ToArray();
        Assert.True((await (await command.PostJsonAsync($"/api/v1/sites/{site}/inspections", new { items, note = "验收" })).JsonAsync()).GetProperty("passed").GetBoolean());
        Assert.Equal(HttpStatusCode.NoContent, (await command.PostJsonAsync($"/api/v1/sites/{site}/status", new { status = "InService" })).StatusCode);
        // The site's details: the county changes the lead; a township account cannot.
        Assert.Equal(HttpStatusCode.Forbidden, (await township.PutJsonAsync($"/api/v1/sites/{site}", new { name = "镇隔离点", leadName = "钱院长" })).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await command.PutJsonAsync($"/api/v1/sites/{site}", new { name = "镇隔离点", leadName = "钱院长", leadPhone = "13903770001", reserveRooms = 0 })).StatusCode);
        var details = (await (await township.GetAsync($"/api/v1/sites/{site}/board")).JsonAsync()).GetProperty("site");
        Assert.Equal(("钱院长", "139****0001"), (details.GetProperty("leadName").GetString(), details.GetProperty("leadPhoneMasked").GetString()));
        // The checklist is the county's: the command centre adds and retires items, a township reads them.
        Assert.Equal(HttpStatusCode.Forbidden, (await township.PostJsonAsync("/api/v1/sites/standards", new { code = "night-watch", name = "夜间值守" })).StatusCode);
        var standard = (await (await command.PostJsonAsync("/api/v1/sites/standards", new { code = "night-watch", name = "夜间值守" })).JsonAsync()).GetProperty("id").GetInt64();
        var dup = await command.PostJsonAsync("/api/v1/sites/standards", new { code = "night-watch", name = "夜间值守" });
        Assert.Equal(HttpStatusCode.BadRequest, dup.StatusCode);
        Assert.Contains("standard.code-taken", await dup.Content.ReadAsStringAsync());
        // An item named without a code gets one made from its name (a Chinese name: "item-" and its place).
        var named = (await (await command.PostJsonAsync("/api/v1/sites/standards", new { name = "消毒记录" })).JsonAsync()).GetProperty("id").GetInt64();
        Assert.Equal("item-80", (await (await command.GetAsync("/api/v1/sites/standards")).JsonAsync()).EnumerateArray().Single(x => x.GetProperty("id").GetInt64() == named).GetProperty("code").GetString());
        Assert.Contains((await (await township.GetAsync("/api/v1/sites/standards")).JsonAsync()).EnumerateArray(), x => x.GetProperty("code").GetString() == "night-watch");
        Assert.Equal(HttpStatusCode.Forbidden, (await township.PutJsonAsync($"/api/v1/sites/standards/{standard}", new { active = false })).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await command.PutJsonAsync($"/api/v1/sites/standards/{standard}", new { active = false })).StatusCode);
        Assert.DoesNotContain((await (await township.GetAsync("/api/v1/sites/standards")).JsonAsync()).EnumerateArray(), x => x.GetProperty("code").GetString() == "night-watch");
        Assert.Contains((await (await township.GetAsync("/api/v1/sites/standards?all=true")).JsonAsync()).EnumerateArray(), x => x.GetProperty("code").GetString() == "night-watch");
        Assert.Equal(HttpStatusCode.NotFound, (await command.PutJsonAsync("/api/v1/sites/standards/999999", new { active = false })).StatusCode);
        // The inspection is on the site's record, for those who see the site.
        var inspections = await (await township.GetAsync($"/api/v1/sites/{site}/inspections")).JsonAsync();
        Assert.True(inspections[0].GetProperty("passed").GetBoolean());
        Assert.Equal(items.Length, inspections[0].GetProperty("items").GetArrayLength());

        // The township works it: an order, a room, check-in, a trip.
        var listed = (await (await township.GetAsync("/api/v1/people?pageSize=2")).JsonAsync()).GetProperty("items");
        var (person, neighbour) = (listed[0].GetProperty("id").GetInt64(), listed[1].GetProperty("id").GetInt64());
        var order = (await (await township.PostJsonAsync("/api/v1/orders", new { personId = person, reasons = new[] { "close-contact" }, exposureDate = "2022-10-04" })).JsonAsync())
            .GetProperty("id").GetInt64();
        // Waiting for a room until one is allocated: in the township's list, never in another township's.
        static async Task<bool> Waits(HttpClient client, long order) =>
            (await (await client.GetAsync("/api/v1/sites/waiting")).JsonAsync()).EnumerateArray().Any(w => w.GetProperty("orderId").GetInt64() == order);
        Assert.True(await Waits(township, order));
        Assert.True(await Waits(command, order));
        Assert.False(await Waits(other, order));
        // Two suggestions: the accessible room typed in is kept for someone who needs it.
        Assert.Equal(2, (await (await township.GetAsync($"/api/v1/sites/suggestions?orderId={order}")).JsonAsync()).GetArrayLength());
        var stay = (await (await township.PostJsonAsync("/api/v1/sites/stays", new { orderId = order })).JsonAsync()).GetProperty("id").GetInt64();
        Assert.False(await Waits(township, order));
        var board = await (await township.GetAsync($"/api/v1/sites/{site}/board")).JsonAsync();
        var roomId = board.GetProperty("rooms")[0].GetProperty("id").GetInt64();
        // A trip is refused with the field named when it carries someone with another person's order, or goes from a site to itself.
        await FieldError(township.PostJsonAsync("/api/v1/sites/trips", new { fromKind = "Home", fromText = "家中", toKind = "Site", toSiteId = site,
            passengers = new[] { new { personId = neighbour, orderId = order } } }), "passengers[0].orderId", "trip.order-not-passengers");
        await FieldError(township.PostJsonAsync("/api/v1/sites/trips", new { fromKind = "Site", fromSiteId = site, toKind = "Site", toSiteId = site,
            passengers = new[] { new { personId = neighbour } } }), "toSiteId", "trip.same-site");
        var trip = (await (await township.PostJsonAsync("/api/v1/sites/trips", new
        {
            fromKind = "Home", fromText = "家中", toKind = "Site", toSiteId = site, passengers = new[] { new { personId = neighbour } },
        })).JsonAsync()).GetProperty("id").GetInt64();
        // No vehicle yet: the open trip says so; with one that seats its passenger, it says nothing.
        async Task<JsonElement> Blocker(long id) => (await (await command.GetAsync("/api/v1/sites/trips")).JsonAsync()).GetProperty("trips").EnumerateArray()
            .Single(t => t.GetProperty("id").GetInt64() == id).GetProperty("vehicleBlocker");
        Assert.Equal("trip.no-vehicles", (await Blocker(trip)).GetString());
        var vehicle = (await (await command.PostJsonAsync("/api/v1/sites/vehicles", new { plate = "豫R·A1234", seats = 4, kind = "Minibus" })).JsonAsync()).GetProperty("id").GetInt64();
        Assert.Equal(JsonValueKind.Null, (await Blocker(trip)).ValueKind);
        // The same plate written another way is the same vehicle; a plate of the wrong shape is named.
        await FieldError(command.PostJsonAsync("/api/v1/sites/vehicles", new { plate = "豫ｒ a1234", seats = 4, kind = "Car" }), "plate", "plate.taken");
        await FieldError(command.PostJsonAsync("/api/v1/sites/vehicles", new { plate = "豫R·A12", seats = 4, kind = "Car" }), "plate", "plate.invalid");
        var driver = (await (await command.PostJsonAsync("/api/v1/sites/drivers", new { name = "赵师傅", phone = "13800002222", testCadenceDays = 1, lastTestAt = "2022-10-04T16:00:00Z", lastTestNegative = true })).JsonAsync())
            .GetProperty("id").GetInt64();
        // The allocated person's pick-up from home: a trip to the site with the stay's person on board.
        var pickUp = (await (await township.PostJsonAsync($"/api/v1/sites/stays/{stay}/pick-up", new { })).JsonAsync()).GetProperty("id").GetInt64();
        // On that open trip the person is not put on a second one: a conflict naming the trip.
        var second = await township.PostJsonAsync("/api/v1/sites/trips", new { fromKind = "Home", fromText = "家中", toKind = "Site", toSiteId = site,
            passengers = new[] { new { personId = person, orderId = order } } });
        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
        var secondBody = await second.JsonAsync();
        Assert.Equal("trip.passenger-on-open-trip", secondBody.GetProperty("code").GetString());
        Assert.EndsWith($"#{pickUp}", secondBody.GetProperty("detail").GetString());
        // Bad input values answer 400 naming the field, not 409: a room out of service without a reason, a trip
        // cancelled without one, a vehicle that is not there.
        var freeRoom = (await (await township.GetAsync($"/api/v1/sites/{site}/board")).JsonAsync()).GetProperty("rooms").EnumerateArray()
            .First(r => r.GetProperty("occupants").GetArrayLength() == 0).GetProperty("id").GetInt64();
        await FieldError(township.PostJsonAsync($"/api/v1/sites/rooms/{freeRoom}/state", new { state = "OutOfService", reason = " " }), "reason", "room.reason-required");
        await FieldError(township.PostJsonAsync($"/api/v1/sites/rooms/{freeRoom}/state", new { state = "Occupied" }), "state", "room.check-in-required");
        await FieldError(township.PostJsonAsync($"/api/v1/sites/trips/{pickUp}/cancel", new { reason = "" }), "reason", "trip.reason-required");
        await FieldError(command.PostJsonAsync($"/api/v1/sites/trips/{pickUp}/assign", new { vehicleId = 999_999, driverId = driver }), "vehicleId", "trip.vehicle-required");

        // Another township: nothing of it.
        var otherSites = await (await other.GetAsync("/api/v1/sites")).JsonAsync();
        Assert.True(otherSites.GetProperty("sites").GetArrayLength() == 0, otherSites.ToString());
        Assert.Equal(0, (await (await other.GetAsync("/api/v1/sites/stays")).JsonAsync()).GetArrayLength());
        Assert.Equal(0, (await (await other.GetAsync("/api/v1/sites/trips")).JsonAsync()).GetProperty("trips").GetArrayLength());
        var otherFleet = await (await other.GetAsync("/api/v1/sites/fleet")).JsonAsync();
        Assert.Equal((0, 0), (otherFleet.GetProperty("vehicles").GetArrayLength(), otherFleet.GetProperty("drivers").GetArrayLength()));
        foreach (var url in new[] { $"/api/v1/sites/{site}/board", $"/api/v1/sites/{site}/roster", $"/api/v1/sites/suggestions?orderId={order}", $"/api/v1/sites/{site}/inspections" })
            await Refused(other.GetAsync(url));
        foreach (var (url, body) in new (string, object)[]
        {
            ($"/api/v1/sites/{site}/status", new { status = "Closed" }), ($"/api/v1/sites/{site}/inspections", new { items }),
            ($"/api/v1/sites/rooms/{roomId}/state", new { state = "OutOfService", reason = "x" }), ("/api/v1/sites/stays", new { orderId = order }),
            ($"/api/v1/sites/stays/{stay}/check-in", new { }), ($"/api/v1/sites/stays/{stay}/check-out", new { outcome = "Released" }),
            ($"/api/v1/sites/stays/{stay}/cancel", new { reason = "x" }), ($"/api/v1/sites/trips/{trip}/assign", new { vehicleId = vehicle, driverId = driver }),
            ($"/api/v1/sites/trips/{trip}/depart", new { }), ($"/api/v1/sites/trips/{trip}/arrive", new { }), ($"/api/v1/sites/trips/{trip}/cancel", new { reason = "x" }),
            ($"/api/v1/sites/trips/{trip}/emergency-service", new { }),
            ($"/api/v1/sites/drivers/{driver}/test", new { at = "2022-10-04T12:00:00Z", negative = true }),
            ($"/api/v1/sites/stays/{stay}/pick-up", new { }), ($"/api/v1/sites/vehicles/{vehicle}/disinfected", new { }),
            ($"/api/v1/sites/vehicles/{vehicle}/service", new { inService = false, reason = "x" }), ($"/api/v1/sites/drivers/{driver}/active", new { active = false }),
        })
            await Refused(other.PostJsonAsync(url, body));
        // Its own team may hand only a transfer to hospital to 120: a trip to a site is a conflict, named.
        var notHospital = await township.PostJsonAsync($"/api/v1/sites/trips/{trip}/emergency-service", new { });
        Assert.Equal(HttpStatusCode.Conflict, notHospital.StatusCode);
        Assert.Contains("trip.emergency-service-hospital-only", await notHospital.Content.ReadAsStringAsync());
        // A trip for someone it cannot see: the person is "not found", as for an order.
        var foreign = await other.PostJsonAsync("/api/v1/sites/trips", new { fromKind = "Home", toKind = "Hospital", toText = "县人民医院", passengers = new[] { new { personId = person } } });
        Assert.Equal(HttpStatusCode.BadRequest, foreign.StatusCode);
        Assert.Contains("person.not-found", await foreign.Content.ReadAsStringAsync());
        await Refused(other.PostAsync($"/api/v1/sites/{site}/rooms/import", new MultipartFormDataContent { { new ByteArrayContent(Encoding.UTF8.GetBytes("楼栋,楼层,房号\nB,1,1\n")), "file", "r.csv" } }));
        await Refused(other.PostJsonAsync("/api/v1/sites/vehicles", new { plate = "豫R·B0000", seats = 4, kind = "Car" }));
        await Refused(other.PostJsonAsync("/api/v1/sites/drivers", new { name = "钱师傅" }));
        Assert.Equal(HttpStatusCode.OK, (await other.GetAsync("/api/v1/sites/standards")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await other.GetAsync("/api/v1/sites/forecast")).StatusCode);

        // Temperature rounds: nobody to take before the check-in; another township sees neither the round nor the stay.
        Assert.Equal(HttpStatusCode.Conflict, (await township.PostJsonAsync($"/api/v1/sites/stays/{stay}/reports", new { slot = "Morning", temperature = 36.5 })).StatusCode);
        await Refused(other.GetAsync($"/api/v1/sites/{site}/rounds"));
        await Refused(other.PostJsonAsync($"/api/v1/sites/stays/{stay}/reports", new { slot = "Morning", temperature = 36.5 }));

        // And it works where it belongs.
        Assert.Equal(HttpStatusCode.NoContent, (await township.PostJsonAsync($"/api/v1/sites/stays/{stay}/check-in", new { })).StatusCode);
        await FieldError(township.PostJsonAsync($"/api/v1/sites/stays/{stay}/check-out", new { outcome = "None" }), "outcome", "stay.outcome-invalid");
        // To hospital names the hospital, the trip's destination.
        await FieldError(township.PostJsonAsync($"/api/v1/sites/stays/{stay}/check-out", new { outcome = "TransferredToHospital" }), "hospital", "trip.hospital-required");
        await FieldError(township.PostJsonAsync($"/api/v1/sites/stays/{stay}/check-out", new { outcome = "TransferredToHospital", hospital = new string('院', 201) }), "hospital", "trip.hospital-too-long");
        var round = await (await township.GetAsync($"/api/v1/sites/{site}/rounds?slot=Evening")).JsonAsync();
        Assert.Equal((1, 0), (round.GetProperty("items").GetArrayLength(), round.GetProperty("done").GetInt32()));
        Assert.Equal(JsonValueKind.Null, round.GetProperty("items")[0].GetProperty("temperature").ValueKind);
        var fever = await (await township.PostJsonAsync($"/api/v1/sites/stays/{stay}/reports", new { slot = "Evening", temperature = 38.2 })).JsonAsync();
        Assert.True(fever.GetProperty("alarming").GetBoolean());
        Assert.NotEqual(JsonValueKind.Null, fever.GetProperty("taskId").ValueKind);
        round = await (await township.GetAsync($"/api/v1/sites/{site}/rounds?slot=Evening")).JsonAsync();
        Assert.Equal((1, 1, 38.2m), (round.GetProperty("done").GetInt32(), round.GetProperty("alarming").GetInt32(), round.GetProperty("items")[0].GetProperty("temperature").GetDecimal()));
        // The report is the order's own, as if taken at home: the order's page lists it.
        var orderView = await (await township.GetAsync($"/api/v1/orders/{order}")).JsonAsync();
        Assert.Contains(orderView.GetProperty("reports").EnumerateArray(), r => r.GetProperty("temperature").GetDecimal() == 38.2m && r.GetProperty("slot").GetString() == "Evening");
        await Refused(other.GetAsync($"/api/v1/sites/{site}/rounds?slot=Evening"));
        // Out of range: refused with the field named, nothing stored.
        var hot = await township.PostJsonAsync($"/api/v1/sites/stays/{stay}/reports", new { slot = "Morning", temperature = 45 });
        Assert.Equal(HttpStatusCode.BadRequest, hot.StatusCode);
        Assert.Contains("temperature", await hot.Content.ReadAsStringAsync());
        Assert.Equal(0, (await (await township.GetAsync($"/api/v1/sites/{site}/rounds?slot=Morning")).JsonAsync()).GetProperty("done").GetInt32());
        var assigned = await command.PostJsonAsync($"/api/v1/sites/trips/{trip}/assign", new { vehicleId = vehicle, driverId = driver });
        Assert.True(assigned.StatusCode == HttpStatusCode.NoContent, await assigned.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.NoContent, (await command.PostJsonAsync($"/api/v1/sites/trips/{trip}/depart", new { })).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await command.PostJsonAsync($"/api/v1/sites/trips/{trip}/arrive", new { })).StatusCode);
        var trips = (await (await township.GetAsync("/api/v1/sites/trips")).JsonAsync()).GetProperty("trips").EnumerateArray().ToDictionary(t => t.GetProperty("id").GetInt64());
        Assert.Equal("Arrived", trips[trip].GetProperty("status").GetString());
        Assert.Equal(("Requested", "Site", 1), (trips[pickUp].GetProperty("status").GetString(), trips[pickUp].GetProperty("toKind").GetString(), trips[pickUp].GetProperty("passengers").GetInt32()));
        // The vehicle must be disinfected after the trip before it is available again.
        Assert.Equal("AwaitingDisinfection", (await (await command.GetAsync("/api/v1/sites/fleet")).JsonAsync()).GetProperty("vehicles")[0].GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.NoContent, (await command.PostJsonAsync($"/api/v1/sites/vehicles/{vehicle}/disinfected", new { })).StatusCode);
        Assert.Equal("Available", (await (await command.GetAsync("/api/v1/sites/fleet")).JsonAsync()).GetProperty("vehicles")[0].GetProperty("status").GetString());
        // A checked-in stay needs no pick-up.
        Assert.Equal(HttpStatusCode.Conflict, (await township.PostJsonAsync($"/api/v1/sites/stays/{stay}/pick-up", new { })).StatusCode);
        Assert.Equal(1, (await (await township.GetAsync("/api/v1/sites")).JsonAsync()).GetProperty("sites").GetArrayLength());
        var roster = await township.GetAsync($"/api/v1/sites/{site}/roster");
        Assert.Equal(HttpStatusCode.OK, roster.StatusCode);
        // The roster names the person with the ID number and phone masked.
        using (var file = Core.Tabular.TabularFile.Open(new MemoryStream(await roster.Content.ReadAsByteArrayAsync()), "roster.xlsx"))
        {
            var cells = string.Join("|", file.Sheets.SelectMany(sh => sh.Rows).SelectMany(r => Enumerable.Range(0, r.Count).Select(i => r[i])));
            var who = await (await township.GetAsync($"/api/v1/people/{person}")).JsonAsync();
            Assert.Contains(who.GetProperty("name").GetString()!, cells);
            var fullId = (await (await township.PostJsonAsync($"/api/v1/people/{person}/reveal", new { field = "DocumentNumber", reason = "核对花名册" })).JsonAsync()).GetProperty("value").GetString()!;
            var fullPhone = (await (await township.PostJsonAsync($"/api/v1/people/{person}/reveal", new { field = "Phone", reason = "核对花名册" })).JsonAsync()).GetProperty("value").GetString()!;
            Assert.DoesNotContain(fullId, cells);
            if (fullPhone.Length > 0) Assert.DoesNotContain(fullPhone, cells);
            Assert.Contains(Core.Identifiers.Masking.IdNumber(fullId)!, cells);
        }
        // Occupancy over time: the night of the check-in counts one person, at the site and in the township; nothing for the other.
        var nights = await (await township.GetAsync($"/api/v1/sites/occupancy?siteId={site}&days=7")).JsonAsync();
        Assert.Equal(7, nights.GetArrayLength());
        Assert.Equal((1, 1, 3), (nights[6].GetProperty("occupied").GetInt32(), nights[6].GetProperty("checkedIn").GetInt32(), nights[6].GetProperty("capacity").GetInt32()));
        Assert.Equal(1, (await (await township.GetAsync("/api/v1/sites/occupancy")).JsonAsync())[29].GetProperty("occupied").GetInt32());
        Assert.All((await (await other.GetAsync("/api/v1/sites/occupancy")).JsonAsync()).EnumerateArray(), d => Assert.Equal(0, d.GetProperty("occupied").GetInt32()));
        await Refused(other.GetAsync($"/api/v1/sites/occupancy?siteId={site}"));
        // The site's own 7-day forecast: its person there now, against its two rooms; nothing for the other township.
        var siteForecast = await (await township.GetAsync($"/api/v1/sites/forecast?siteId={site}")).JsonAsync();
        Assert.Equal((7, 3, 1), (siteForecast.GetArrayLength(), siteForecast[0].GetProperty("capacity").GetInt32(), siteForecast[0].GetProperty("expectedCurrent").GetInt32()));
        await Refused(other.GetAsync($"/api/v1/sites/forecast?siteId={site}"));
        var conflict = await township.PostJsonAsync($"/api/v1/sites/rooms/{roomId}/state", new { state = "Ready" });
        Assert.Equal(HttpStatusCode.Conflict, conflict.StatusCode);
    }

    /// <summary>
    /// A township's site takes a person of another township (allocated by the county): the site's staff take the
    /// person's temperature on their round although the order belongs to the other township's village; the report and
    /// a fever's task land there, written in the staff member's name, and the village is told. The order itself stays
    /// out of the site's sight.
    /// </summary>
    [Theory, OnSqlite, OnPostgres]
    public async Task ASiteRound_ReportsForAPersonOfAnotherTownship_OnTheStaysAuthority(Engine engine)
    {
        await using var app = await FangkongApp.StartAsync(engine, Drill);
        var command = await app.SignInAsync("command");
        var township = await app.SignInAsync("township");
        var siteTeam = await app.SignInAsync("township2");
        var siteKey = (await (await siteTeam.GetAsync("/api/v1/jurisdictions/root")).JsonAsync()).GetProperty("scopeKey").GetString();
        var site = (await (await command.PostJsonAsync("/api/v1/sites", new { name = "二镇隔离点", level = "Township", scopeKey = siteKey, reserveRooms = 0 })).JsonAsync()).GetProperty("id").GetInt64();
        var rooms = new MultipartFormDataContent { { new ByteArrayContent(Encoding.UTF8.GetBytes("楼栋,楼层,房号,单人间,独立卫生间\nA,2,201,是,是\n")), "file", "rooms.csv" } };
        Assert.Equal(HttpStatusCode.OK, (await command.PostAsync($"/api/v1/sites/{site}/rooms/import", rooms)).StatusCode);
        var items = (await (await command.GetAsync("/api/v1/sites/standards")).JsonAsync()).EnumerateArray().Select(x => new { code = x.GetProperty("code").GetString(), passed = true }).ToArray();
        await command.PostJsonAsync($"/api/v1/sites/{site}/inspections", new { items });
        Assert.Equal(HttpStatusCode.NoContent, (await command.PostJsonAsync($"/api/v1/sites/{site}/status", new { status = "InService" })).StatusCode);

        var person = (await (await township.GetAsync("/api/v1/people?pageSize=1")).JsonAsync()).GetProperty("items")[0].GetProperty("id").GetInt64();
        var order = (await (await township.PostJsonAsync("/api/v1/orders", new { personId = person, reasons = new[] { "close-contact" }, exposureDate = "2022-10-04" })).JsonAsync()).GetProperty("id").GetInt64();
        var room = (await (await command.GetAsync($"/api/v1/sites/{site}/board")).JsonAsync()).GetProperty("rooms")[0].GetProperty("id").GetInt64();
        var stay = (await (await command.PostJsonAsync("/api/v1/sites/stays", new { orderId = order, roomId = room })).JsonAsync()).GetProperty("id").GetInt64();
        Assert.Equal(HttpStatusCode.NoContent, (await siteTeam.PostJsonAsync($"/api/v1/sites/stays/{stay}/check-in", new { })).StatusCode);

        var round = await (await siteTeam.GetAsync($"/api/v1/sites/{site}/rounds?slot=Morning")).JsonAsync();
        Assert.Equal(1, round.GetProperty("items").GetArrayLength());
        var fever = await siteTeam.PostJsonAsync($"/api/v1/sites/stays/{stay}/reports", new { slot = "Morning", temperature = 37.6, symptoms = "SoreThroat" });
        Assert.True(fever.StatusCode == HttpStatusCode.OK, await fever.Content.ReadAsStringAsync());
        Assert.True((await fever.JsonAsync()).GetProperty("alarming").GetBoolean());
        // The order stays the village's: the site's team cannot open it; the township sees the report in the staff member's name.
        Assert.Equal(HttpStatusCode.NotFound, (await siteTeam.GetAsync($"/api/v1/orders/{order}")).StatusCode);
        var report = (await (await township.GetAsync($"/api/v1/orders/{order}")).JsonAsync()).GetProperty("reports")[0];
        Assert.Equal(37.6m, report.GetProperty("temperature").GetDecimal());
        Assert.StartsWith("乡镇专班(二)", report.GetProperty("reportedBy").GetString());
        // The fever's task is the village's, and the village was told at once (the township sees its villages' notices).
        var tasks = await (await township.GetAsync("/api/v1/tasks?kind=fever-transfer")).Content.ReadAsStringAsync();
        Assert.Contains("37.6", tasks);
        var notices = (await (await township.GetAsync("/api/v1/notifications?below=true")).JsonAsync()).GetProperty("items").EnumerateArray().ToList();
        Assert.Contains(notices, n => n.GetProperty("kind").GetString() == "task.raised" && n.TryGetProperty("detail", out var d) && d.GetString() == "fever-transfer");
        Assert.DoesNotContain((await (await siteTeam.GetAsync("/api/v1/notifications?below=true")).JsonAsync()).GetProperty("items").EnumerateArray(),
            n => n.GetProperty("kind").GetString() == "task.raised");
    }

    /// <summary>
    /// A site's travel times from the county's townships: read by whoever sees the site, saved at once by its editors,
    /// every bad entry named by its township, the suggestion saying the time; another township's accounts, even one
    /// that edits sites, neither read nor write them.
    /// </summary>
    [Theory, OnSqlite, OnPostgres]
    public async Task TravelTimes_AreSavedByTheSitesEditors_NamedByTownship_AndShownOnTheSuggestion(Engine engine)
    {
        await using var app = await FangkongApp.StartAsync(engine, Drill);
        var command = await app.SignInAsync("command");
        var township = await app.SignInAsync("township");
        var other = await app.SignInAsync("township2");
        var admin = await app.SignInAsync("admin");
        var key = (await (await township.GetAsync("/api/v1/jurisdictions/root")).JsonAsync()).GetProperty("scopeKey").GetString()!;
        var otherRoot = await (await other.GetAsync("/api/v1/jurisdictions/root")).JsonAsync();
        var otherKey = otherRoot.GetProperty("scopeKey").GetString()!;
        var site = (await (await command.PostJsonAsync("/api/v1/sites", new { name = "镇隔离点", level = "Township", scopeKey = key, reserveRooms = 0 })).JsonAsync()).GetProperty("id").GetInt64();
        var rooms = new MultipartFormDataContent { { new ByteArrayContent(Encoding.UTF8.GetBytes("楼栋,楼层,房号,单人间,独立卫生间\nA,1,101,是,是\n")), "file", "rooms.csv" } };
        Assert.Equal(HttpStatusCode.OK, (await command.PostAsync($"/api/v1/sites/{site}/rooms/import", rooms)).StatusCode);
        var items = (await (await command.GetAsync("/api/v1/sites/standards")).JsonAsync()).EnumerateArray().Select(x => new { code = x.GetProperty("code").GetString(), passed = true }).ToArray();
        await command.PostJsonAsync($"/api/v1/sites/{site}/inspections", new { items });
        Assert.Equal(HttpStatusCode.NoContent, (await command.PostJsonAsync($"/api/v1/sites/{site}/status", new { status = "InService" })).StatusCode);
        var url = $"/api/v1/sites/{site}/travel-times";

        // Every township of the county, none with a time yet; the township's team reads them too.
        async Task<Dictionary<string, int?>> TimesAsync(HttpClient client) => (await (await client.GetAsync(url)).JsonAsync()).EnumerateArray().ToDictionary(
            t => t.GetProperty("township").GetString()!, t => t.GetProperty("minutes").ValueKind == JsonValueKind.Null ? null : (int?)t.GetProperty("minutes").GetInt32());
        var empty = await TimesAsync(command);
        Assert.Contains(key, empty.Keys);
        Assert.Contains(otherKey, empty.Keys);
        Assert.All(empty.Keys, k => Assert.Equal(9, k.Length));
        Assert.All(empty.Values, Assert.Null);
        Assert.Equal(empty.Keys, (await TimesAsync(township)).Keys);

        // Only the site's editors save them; another township neither reads nor writes, even with an account that edits sites.
        var body = new object[] { new { township = key, minutes = 25 }, new { township = otherKey, minutes = 40 } };
        Assert.Equal(HttpStatusCode.Forbidden, (await township.PutJsonAsync(url, body)).StatusCode);
        await Refused(other.GetAsync(url));
        await Refused(other.PutJsonAsync(url, body));
        var created = await admin.PostJsonAsync("/api/v1/accounts", new { userName = "command2", displayName = "二镇指挥", nodeId = otherRoot.GetProperty("id").GetInt64(),
            roles = new[] { "command-centre" }, password = "Command@2022town" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var otherEditor = await app.SignInAsync("command2", "Command@2022town");
        Assert.Equal(HttpStatusCode.NotFound, (await otherEditor.GetAsync(url)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await otherEditor.PutJsonAsync(url, body)).StatusCode);

        // Bad entries: each named by its township, nothing saved.
        var foreignTownship = (key[..6] == "411326" ? "411327" : "411326") + "101";
        var bad = new object[] { new { township = key, minutes = 0 }, new { township = otherKey, minutes = 601 }, new { township = foreignTownship, minutes = 10 } };
        await FieldError(command.PutJsonAsync(url, bad), key, "travel-time.minutes-range");
        await FieldError(command.PutJsonAsync(url, bad), otherKey, "travel-time.minutes-range");
        await FieldError(command.PutJsonAsync(url, bad), foreignTownship, "travel-time.township-unknown");
        await FieldError(command.PutJsonAsync(url, new object[] { new { township = key, minutes = 5 }, new { township = key, minutes = 6 } }), key, "travel-time.township-twice");
        Assert.All((await TimesAsync(command)).Values, Assert.Null);

        // Saved at once; the suggestion for a person of the township says how far the site is.
        Assert.Equal(HttpStatusCode.NoContent, (await command.PutJsonAsync(url, body)).StatusCode);
        var saved = await TimesAsync(township);
        Assert.Equal((25, 40), (saved[key], saved[otherKey]));
        Assert.Equal(2, saved.Values.Count(v => v is not null));
        var person = (await (await township.GetAsync("/api/v1/people?pageSize=1")).JsonAsync()).GetProperty("items")[0].GetProperty("id").GetInt64();
        var order = (await (await township.PostJsonAsync("/api/v1/orders", new { personId = person, reasons = new[] { "close-contact" }, exposureDate = "2022-10-04" })).JsonAsync())
            .GetProperty("id").GetInt64();
        var suggestion = (await (await township.GetAsync($"/api/v1/sites/suggestions?orderId={order}")).JsonAsync())[0].GetProperty("suggestion");
        Assert.Equal((site, 25), (suggestion.GetProperty("siteId").GetInt64(), suggestion.GetProperty("travelMinutes").GetInt32()));

        // A township left out (or sent without minutes) has no time any more.
        Assert.Equal(HttpStatusCode.NoContent, (await command.PutJsonAsync(url, new object[] { new { township = otherKey, minutes = (int?)null } })).StatusCode);
        Assert.All((await TimesAsync(command)).Values, Assert.Null);
        suggestion = (await (await township.GetAsync($"/api/v1/sites/suggestions?orderId={order}")).JsonAsync())[0].GetProperty("suggestion");
        Assert.Equal(JsonValueKind.Null, suggestion.GetProperty("travelMinutes").ValueKind);
    }

    /// <summary>A 400 problem naming the field with the code.</summary>
    private static async Task FieldError(Task<HttpResponseMessage> call, string field, string code)
    {
        var response = await call;
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{response.RequestMessage?.RequestUri}: {(int)response.StatusCode} {body}");
        var codes = JsonDocument.Parse(body).RootElement.GetProperty("codes");
        Assert.True(codes.TryGetProperty(field, out var named), body);
        Assert.Contains(code, named.EnumerateArray().Select(c => c.GetString()));
    }

    private static async Task Refused(Task<HttpResponseMessage> call)
    {
        var response = await call;
        Assert.True(response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Forbidden, $"{response.RequestMessage?.RequestUri}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }
}
