using System.Globalization;
using Fangkong.Core;
using Fangkong.Core.Jurisdictions;
using Fangkong.Core.Accounts;
using Fangkong.Core.Arrivals;
using Fangkong.Core.Audit;
using Fangkong.Core.Orders;
using Fangkong.Core.People;
using Fangkong.Core.Tabular;
using Fangkong.Data.Infrastructure;
using Fangkong.Data.Jurisdictions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using TaskStatus = Fangkong.Core.Tasks.TaskStatus;

namespace Fangkong.Data.Orders;

/// <summary>The ledger counts of a node (the dashboard cards and the ledger page).</summary>
public sealed record LedgerCounts(int ArrivalsToday, int PendingDecisions, int UnderMeasure, int Monitoring, int TestsDueToday, int ReleasesDue, int OverdueReports, int OpenTasks, int Away);
/// <summary>
/// The same counts for one unit one level below the viewer (the county's townships, a township's villages).
/// <paramref name="ByKind"/> counts the people under each measure by the order's current kind (only kinds with
/// someone under them); <paramref name="OverdueReports"/> the twice-daily reports due and not received (open
/// missed-report tasks, as the missed-report sheet of the workbook lists them).
/// </summary>
public sealed record LedgerUnit(string Unit, string? Name, int ArrivalsToday, int UnderMeasure, int Monitoring, int TestsDueToday, int ReleasesDue,
    IReadOnlyDictionary<string, int> ByKind, int OverdueReports);

/// <summary>
/// One row of the people-under-measures ledger (管控人员台账), in the columns a county's ledger has: the person (ID number
/// and phone masked unless revealed), where the order is kept and, revealed, the person's address; where they came from
/// and when they arrived (the order's arrival, if it came from one); the reasons; the measure in force today (the last one
/// past the end, the kind the order names before its start); the period; the five-to-one owners by name; the tests
/// (negative of all not cancelled, overdue); the status. The page and the workbook read the same rows.
/// </summary>
public sealed record ControlLedgerRow(int Number, long OrderId, long PersonId, string Name, string? Document, string? Phone, string? Place, string? Address,
    string? Origin, DateOnly? ArrivalDate, string Reasons, string Measure, DateOnly StartDate, DateOnly EndDate, IReadOnlyList<string> Owners,
    int TestsNegative, int TestsTotal, int TestsOverdue, OrderStatus Status, DateOnly ExposureDate, string RuleReference, bool Local);

/// <summary>
/// The ledgers (台账) a township or village keeps, from the live records: arrivals, people under each measure, tests
/// due, releases due, overdue reports, and the two ledgers of seed 003 (locals outside the county; arrivals from key
/// areas). One xlsx workbook, one sheet per ledger, in the column layout counties use; identifiers masked unless
/// the role may reveal and a reason is given (then the export is in the access log).
/// </summary>
public sealed class LedgerService(IDbContextFactory<FangkongDb> factory, IActorAccessor actor, JurisdictionDirectory directory, IOptions<FangkongOptions> options, TimeProvider time)
{
    private Actor Actor => actor.Current;
    private DateOnly Today => CountyClock.Today(time, options.Value.TimeZone);

    /// <summary>
    /// Reports due and not received: the missed-report tasks the sweeper raises for a slot with no report by its deadline,
    /// still open or being worked on. The one definition the counts, the units and the workbook's 漏报人员 sheet share.
    /// </summary>
    private static IQueryable<Core.Tasks.WorkTask> MissedReports(FangkongDb db) =>
        db.Tasks.Where(t => t.Kind == "missed-report" && (t.Status == TaskStatus.Open || t.Status == TaskStatus.InProgress));

    /// <summary>
    /// Orders whose measures are being carried out (active, converted, extended, or past their end awaiting release),
    /// each counted under the measure it is in now (<see cref="ControlOrder.CurrentKind"/>): a converted order under its
    /// home measure.
    /// </summary>
    private static IQueryable<ControlOrder> InForce(FangkongDb db) => db.Orders.WhereInForce();

    public async Task<LedgerCounts> CountsAsync(CancellationToken ct = default)
    {
        Actor.Require(Permissions.OrdersRead);
        await using var db = await factory.CreateDbContextAsync(ct);
        var today = Today;
        var now = time.GetUtcNow().UtcDateTime;
        var inForce = InForce(db);
        var kinds = await inForce.GroupBy(o => o.CurrentKind).Select(g => new { g.Key, Count = g.Count() }).ToListAsync(ct);
        var confined = kinds.Where(k => Core.Policy.MeasureKinds.Confines(k.Key)).Sum(k => k.Count);
        return new LedgerCounts(
            await db.Arrivals.CountAsync(a => a.ArrivalDate == today, ct),
            await db.Arrivals.CountAsync(a => a.Status == ArrivalStatus.OrderProposed || a.Status == ArrivalStatus.ReleaseProposed, ct),
            confined,
            kinds.Sum(k => k.Count) - confined,
            // The people with a test today and no result yet: the orders list's 今日待检 filter lists exactly these.
            await db.Orders.WhereTestAwaitingOn(db.OrderTests, today).CountAsync(ct),
            await inForce.CountAsync(o => o.EndDate <= today, ct),
            await MissedReports(db).CountAsync(ct),
            await db.Tasks.CountAsync(t => (t.Status == TaskStatus.Open || t.Status == TaskStatus.InProgress), ct),
            await db.People.CountAsync(p => p.Residence == ResidenceStatus.Away, ct));
    }

    /// <summary>
    /// The day's figures per unit one level below the viewer — the county sees its townships, a township its villages —
    /// so the command centre sees where the arrivals, the people under each measure, today's tests, the releases and the
    /// missed reports are. Each figure is one grouped query under the viewer's filter (the per-kind counts and the
    /// confined/monitoring split come from the same grouped query over the orders). A missed report is placed by the
    /// order's place (<c>OriginalScopeKey</c>), not by the level its task was escalated to.
    /// </summary>
    public async Task<IReadOnlyList<LedgerUnit>> ByUnitAsync(CancellationToken ct = default)
    {
        Actor.Require(Permissions.OrdersRead);
        await using var db = await factory.CreateDbContextAsync(ct);
        var today = Today;
        var length = ScopeKey.UnitLengthBelow(Actor.Scope.Prefix);
        var inForce = InForce(db);
        var arrivals = (await db.Arrivals.Where(a => a.ArrivalDate == today && a.ScopeKey.Length >= length)
            .GroupBy(a => a.ScopeKey.Substring(0, length)).Select(g => new { g.Key, Count = g.Count() }).ToListAsync(ct)).ToDictionary(x => x.Key, x => x.Count);
        var orders = await inForce.Where(o => o.ScopeKey.Length >= length)
            .GroupBy(o => new { Unit = o.ScopeKey.Substring(0, length), o.CurrentKind, Due = o.EndDate <= today }).Select(g => new { g.Key.Unit, g.Key.CurrentKind, g.Key.Due, Count = g.Count() }).ToListAsync(ct);
        var tests = (await db.OrderTests.Where(t => t.Date == today && (t.Status == TestStatus.Due || t.Status == TestStatus.Sampled) && t.ScopeKey.Length >= length
                && inForce.Any(o => o.Id == t.OrderId))
            .GroupBy(t => t.ScopeKey.Substring(0, length)).Select(g => new { g.Key, Count = g.Count() }).ToListAsync(ct)).ToDictionary(x => x.Key, x => x.Count);
        var missed = (await MissedReports(db).Where(t => t.OriginalScopeKey.Length >= length)
            .GroupBy(t => t.OriginalScopeKey.Substring(0, length)).Select(g => new { g.Key, Count = g.Count() }).ToListAsync(ct)).ToDictionary(x => x.Key, x => x.Count);
        return arrivals.Keys.Concat(orders.Select(o => o.Unit)).Concat(tests.Keys).Concat(missed.Keys).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)
            .Select(unit =>
            {
                var mine = orders.Where(o => o.Unit == unit).ToList();
                var confined = mine.Where(o => Core.Policy.MeasureKinds.Confines(o.CurrentKind)).Sum(o => o.Count);
                var byKind = mine.GroupBy(o => o.CurrentKind, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Sum(o => o.Count), StringComparer.Ordinal);
                return new LedgerUnit(unit, directory.PlaceLabel(unit), arrivals.GetValueOrDefault(unit), confined, mine.Sum(o => o.Count) - confined,
                    tests.GetValueOrDefault(unit), mine.Where(o => o.Due).Sum(o => o.Count), byKind, missed.GetValueOrDefault(unit));
            }).ToList();
    }

    /// <summary>
    /// The people-under-measures ledger (open orders, the ones ending first first), a page at a time, masked: the table
    /// on the ledger page, the same rows as the workbook's 管控人员台账 sheet.
    /// </summary>
    public async Task<Page<ControlLedgerRow>> ControlLedgerAsync(int page = 1, int size = 50, CancellationToken ct = default)
    {
        Actor.Require(Permissions.OrdersRead);
        await using var db = await factory.CreateDbContextAsync(ct);
        size = Math.Clamp(size, 1, 200);
        page = Math.Max(1, page);
        var open = db.Orders.AsNoTracking().WhereOpen();
        var total = await open.CountAsync(ct);
        var orders = await open.OrderBy(o => o.EndDate).ThenBy(o => o.Id).Skip((page - 1) * size).Take(size).ToListAsync(ct);
        return new Page<ControlLedgerRow>(await ControlRowsAsync(db, orders, false, (page - 1) * size, ct), total, page, size);
    }

    /// <summary>
    /// The ledger rows of these orders (all of one county, read by the caller under the actor's filter). Their measures,
    /// tests and owners are the order's own rows (same place, same filter); the person and the arrival are read by id
    /// across the county, the order being the authority to list them (an order opened by a verification task is kept by
    /// the unit that found the person, wherever the registry keeps them). Masked unless <paramref name="reveal"/>: then only
    /// the stored masks are read, nothing is decrypted.
    /// </summary>
    private async Task<List<ControlLedgerRow>> ControlRowsAsync(FangkongDb db, IReadOnlyList<ControlOrder> orders, bool reveal, int numberFrom, CancellationToken ct)
    {
        if (orders.Count == 0) return [];
        var today = Today;
        var county = orders[0].CountyCode;
        var ids = orders.Select(o => o.Id).ToList();
        var personIds = orders.Select(o => o.PersonId).Distinct().ToList();
        var arrivalIds = orders.Select(o => o.ArrivalId).OfType<long>().Distinct().ToList();
        var people = reveal
            ? (await db.People.IgnoreQueryFilters().AsNoTracking().Where(p => p.CountyCode == county && personIds.Contains(p.Id)).ToListAsync(ct))
                .ToDictionary(p => p.Id, p => (p.Name, Document: p.DocumentNumber ?? p.DocumentMasked, Phone: p.Phone ?? p.PhoneMasked, Address: p.AddressText))
            : (await db.People.IgnoreQueryFilters().AsNoTracking().Where(p => p.CountyCode == county && personIds.Contains(p.Id))
                .Select(p => new { p.Id, p.Name, p.DocumentMasked, p.PhoneMasked }).ToListAsync(ct))
                .ToDictionary(p => p.Id, p => (p.Name, Document: p.DocumentMasked, Phone: p.PhoneMasked, Address: (string?)null));
        var arrivals = arrivalIds.Count == 0 ? [] : await db.Arrivals.IgnoreQueryFilters().AsNoTracking().Where(a => a.CountyCode == county && arrivalIds.Contains(a.Id))
            .Select(a => new { a.Id, Origin = a.OriginCountyName ?? a.OriginText, a.ArrivalDate }).ToDictionaryAsync(a => a.Id, ct);
        var measures = (await db.OrderMeasures.AsNoTracking().Where(m => ids.Contains(m.OrderId)).ToListAsync(ct)).ToLookup(m => m.OrderId);
        var tests = (await db.OrderTests.AsNoTracking().Where(t => ids.Contains(t.OrderId)).ToListAsync(ct)).ToLookup(t => t.OrderId);
        var owners = (await db.OrderOwners.AsNoTracking().Where(w => ids.Contains(w.OrderId)).OrderBy(w => w.Id).Select(w => new { w.OrderId, w.Name }).ToListAsync(ct))
            .ToLookup(w => w.OrderId, w => w.Name);
        var rows = new List<ControlLedgerRow>(orders.Count);
        foreach (var o in orders)
        {
            o.Measures = [.. measures[o.Id].OrderBy(m => m.Sequence)];
            o.Tests = [.. tests[o.Id]];
            var (name, document, phone, address) = people.TryGetValue(o.PersonId, out var p) ? p : ("?", null, null, null);
            var arrival = o.ArrivalId is { } a ? arrivals.GetValueOrDefault(a) : null;
            // Today's measure: past the end (awaiting release) still the last one, before the start the kind the order names.
            var measure = OrderRules.MeasureOn(o, today) ?? (today > o.EndDate ? o.Measures.LastOrDefault() : null);
            rows.Add(new ControlLedgerRow(numberFrom + rows.Count + 1, o.Id, o.PersonId, name, document, phone, directory.PlaceLabel(o.ScopeKey), address,
                arrival?.Origin, arrival?.ArrivalDate, o.Reasons, measure?.Kind ?? o.CurrentKind, o.StartDate, o.EndDate, [.. owners[o.Id]],
                o.Tests.Count(t => t.Status == TestStatus.Negative), o.Tests.Count(t => t.Status != TestStatus.Cancelled), OrderRules.OverdueTests(o, today),
                o.Status, o.ExposureDate, o.RuleReference, o.Local));
        }
        return rows;
    }

    /// <summary>
    /// The ledgers as one workbook. <paramref name="label"/> names codes in the reader's language (keys as in the
    /// closed-loop resources: <c>Channel_Checkpoint</c>, <c>OrderStatus_Active</c>, <c>Kind_home-quarantine</c>,
    /// <c>Reason_close-contact</c>, <c>Test_Due</c>, <c>Status_Open</c>, a task title's <c>TaskTitle_missed-report</c>); without it
    /// the codes are written as they are.
    /// </summary>
    public async Task ExportAsync(Stream output, DateOnly? from, DateOnly? to, bool reveal, string? reason, CancellationToken ct = default, Func<string, string?>? label = null)
    {
        Actor.Require(Permissions.LedgersExport);
        if (reveal)
        {
            Actor.Require(Permissions.PeopleReveal);
            if (Text.Tidy(reason) is not { Length: >= 2 }) throw new ValidationFailedException([new FieldError("reason", "reason.required")]);
        }
        await using var db = await factory.CreateDbContextAsync(ct);
        var today = Today;
        var start = from ?? today.AddDays(-13);
        var end = to ?? today;
        string? Id(string? plain, string? masked) => reveal ? plain : masked;
        string? Phone(string? plain, string? masked) => reveal ? plain : masked;
        string Date(DateOnly? d) => d?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "";
        string Name(string prefix, object? code) => code?.ToString() is { Length: > 0 } c ? label?.Invoke($"{prefix}_{c}") ?? c : "";
        string Names(string prefix, string? codes) => string.Join("、", (codes ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(c => Name(prefix, c)));

        using var xlsx = new XlsxWriter(output);
        xlsx.AddSheet("外来人员台账", ["序号", "报备编号", "姓名", "身份证号", "联系电话", "来源地", "途经地", "抵达日期", "目的地（乡镇 村）", "交通工具", "报备方式", "判定原因", "依据", "状态"]);
        var n = 0;
        await foreach (var a in db.Arrivals.AsNoTracking().Where(a => a.ArrivalDate >= start && a.ArrivalDate <= end).OrderBy(a => a.ArrivalDate).ThenBy(a => a.Id).AsAsyncEnumerable().WithCancellation(ct))
            xlsx.WriteRow(++n, a.Reference, a.Name, Id(a.DocumentNumber, a.DocumentMasked), Phone(a.Phone, a.PhoneMasked), a.OriginCountyName ?? a.OriginText,
                Stops(a.TravelJson), Date(a.ArrivalDate), directory.PlaceLabel(a.ScopeKey), a.Vehicle, Name("Channel", a.Channel), Names("Reason", a.Reasons), a.RuleReference,
                Name("ArrivalStatus", a.Status));

        // The arrivals the classification found a risk for (a risk area, a code, the county's own layer): the
        // 重点地区来返人员 ledger the townships report every day.
        xlsx.AddSheet("重点地区来返人员", ["序号", "报备编号", "姓名", "身份证号", "联系电话", "来源地", "抵达日期", "目的地（乡镇 村）", "判定原因", "依据", "状态"]);
        n = 0;
        await foreach (var a in db.Arrivals.AsNoTracking().Where(a => a.ArrivalDate >= start && a.ArrivalDate <= end && a.Reasons != null && a.Status != ArrivalStatus.Cancelled)
            .OrderBy(a => a.ArrivalDate).ThenBy(a => a.Id).AsAsyncEnumerable().WithCancellation(ct))
            xlsx.WriteRow(++n, a.Reference, a.Name, Id(a.DocumentNumber, a.DocumentMasked), Phone(a.Phone, a.PhoneMasked), a.OriginCountyName ?? a.OriginText,
                Date(a.ArrivalDate), directory.PlaceLabel(a.ScopeKey), Names("Reason", a.Reasons), a.RuleReference, Name("ArrivalStatus", a.Status));

        var inForce = db.Orders.AsNoTracking().WhereOpen();
        var people = db.People.AsNoTracking();
        // The people of the orders and tasks this unit keeps are read apart, wherever the registry keeps them (an order
        // opened by a verification task is the finding unit's): the order or task is the authority to list its person.
        // Never by a join with the jurisdiction filter left off, which would leave it off for the orders too.
        var county = Actor.Scope.All ? options.Value.County : Actor.Scope.CountyCode;
        await using var lookup = await factory.CreateDbContextAsync(ct);
        async IAsyncEnumerable<(T Row, Person Person)> WithPeople<T>(IQueryable<T> rows, Func<T, long?> personOf)
        {
            var batch = new List<T>(1000);
            await foreach (var r in rows.AsAsyncEnumerable().WithCancellation(ct))
            {
                batch.Add(r);
                if (batch.Count < 1000) continue;
                foreach (var x in await ResolveAsync(batch)) yield return x;
                batch.Clear();
            }
            foreach (var x in await ResolveAsync(batch)) yield return x;

            async Task<List<(T, Person)>> ResolveAsync(List<T> chunk)
            {
                var ids = chunk.Select(personOf).OfType<long>().Distinct().ToList();
                var found = ids.Count == 0 ? [] : await lookup.People.IgnoreQueryFilters().AsNoTracking().Where(p => p.CountyCode == county && ids.Contains(p.Id)).ToDictionaryAsync(p => p.Id, ct);
                return chunk.Select(r => (r, personOf(r) is { } id ? found.GetValueOrDefault(id) : null)).Where(x => x.Item2 is not null).Select(x => (x.r, x.Item2!)).ToList();
            }
        }

        // The county's ledger layout (序号 … 状态), then what the platform adds: the exposure date, the rule, the local layer.
        xlsx.AddSheet("管控人员台账", ["序号", "姓名", "身份证号", "联系电话", "现住址/属地", "来源地", "抵达日期", "管控原因", "管控措施", "起止日期", "包保责任人", "核酸检测", "状态",
            "暴露日期", "规则依据", "本地加严"]);
        n = 0;
        var listSeparator = label?.Invoke("ListSeparator") ?? "、";
        string Tests(ControlLedgerRow r)
        {
            var text = string.Format(CultureInfo.InvariantCulture, label?.Invoke("TestsNegativeOf") ?? "{0}/{1}", r.TestsNegative, r.TestsTotal);
            return r.TestsOverdue > 0 ? text + listSeparator + string.Format(CultureInfo.InvariantCulture, label?.Invoke("TestsOverdueN") ?? "overdue {0}", r.TestsOverdue) : text;
        }
        var chunk = new List<ControlOrder>(1000);
        async Task WriteControlRowsAsync()
        {
            foreach (var r in await ControlRowsAsync(lookup, chunk, reveal, n, ct))
                xlsx.WriteRow(++n, r.Name, r.Document, r.Phone, r.Address is null ? r.Place : $"{r.Place} {r.Address}", r.Origin, Date(r.ArrivalDate),
                    Names("Reason", r.Reasons), Name("Kind", r.Measure), $"{Date(r.StartDate)} — {Date(r.EndDate)}", string.Join(listSeparator, r.Owners), Tests(r),
                    Name("OrderStatus", r.Status), Date(r.ExposureDate), r.RuleReference, r.Local ? "是" : "");
            chunk.Clear();
        }
        await foreach (var o in inForce.OrderBy(o => o.EndDate).ThenBy(o => o.Id).AsAsyncEnumerable().WithCancellation(ct))
        {
            chunk.Add(o);
            if (chunk.Count == 1000) await WriteControlRowsAsync();
        }
        await WriteControlRowsAsync();

        xlsx.AddSheet("今日应检", ["序号", "姓名", "身份证号", "乡镇 村", "第几天", "应检日期", "状态"]);
        n = 0;
        var tests = db.OrderTests.AsNoTracking().Where(t => t.Date <= today && (t.Status == TestStatus.Due || t.Status == TestStatus.Sampled))
            .Join(inForce, t => t.OrderId, o => o.Id, (t, o) => new { t, o });
        await foreach (var (row, p) in WithPeople(tests.OrderBy(x => x.t.Date).ThenBy(x => x.t.Id), x => x.o.PersonId))
            xlsx.WriteRow(++n, p.Name, Id(p.DocumentNumber, p.DocumentMasked), directory.PlaceLabel(row.o.ScopeKey), row.t.Day, Date(row.t.Date), Name("Test", row.t.Status));

        xlsx.AddSheet("到期解除", ["序号", "姓名", "身份证号", "乡镇 村", "解除日期", "状态", "说明"]);
        n = 0;
        await foreach (var (o, p) in WithPeople(inForce.Where(o => o.EndDate <= today).OrderBy(o => o.EndDate).ThenBy(o => o.Id), o => o.PersonId))
            xlsx.WriteRow(++n, p.Name, Id(p.DocumentNumber, p.DocumentMasked), directory.PlaceLabel(o.ScopeKey), Date(o.EndDate), Name("OrderStatus", o.Status), o.StatusReason);

        // Who missed a report, how to reach them, and by when it was due (county time, as the cadres read clocks).
        xlsx.AddSheet("漏报人员", ["序号", "姓名", "身份证号", "联系电话", "乡镇 村", "事项", "应报时间", "升级", "状态"]);
        n = 0;
        var zone = TimeZoneInfo.FindSystemTimeZoneById(options.Value.TimeZone);
        var missed = MissedReports(db).AsNoTracking()
            .OrderBy(t => t.DueAt).ThenBy(t => t.Id);
        await foreach (var (t, p) in WithPeople(missed, t => t.PersonId))
            xlsx.WriteRow(++n, p.Name, Id(p.DocumentNumber, p.DocumentMasked), Phone(p.Phone, p.PhoneMasked), directory.PlaceLabel(t.OriginalScopeKey),
                label is not null && Core.Tasks.TaskTitle.Parse(t.Title) is { } title ? title.Render(label) : t.Title, TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(t.DueAt, DateTimeKind.Utc), zone).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture),
                t.EscalationLevel, Name("Status", t.Status));

        xlsx.AddSheet("外出人员台账", ["序号", "姓名", "身份证号", "联系电话", "乡镇 村", "外出地点"]);
        n = 0;
        await foreach (var p in people.Where(p => p.Residence == ResidenceStatus.Away).OrderBy(p => p.ScopeKey).ThenBy(p => p.Id).AsAsyncEnumerable().WithCancellation(ct))
            xlsx.WriteRow(++n, p.Name, Id(p.DocumentNumber, p.DocumentMasked), Phone(p.Phone, p.PhoneMasked), directory.PlaceLabel(p.ScopeKey), p.AwayLocation);

        if (reveal)
        {
            db.Audit.Record(AuditKind.Access, "ledger.export-revealed", Actor.Scope.CountyCode, Actor.Scope.Prefix, reason: Text.Tidy(reason), rule: "reveal");
            await db.SaveChangesAsync(ct);
        }
    }

    /// <summary>The places stayed, one after the other: "郑州市金水区 锦绣小区 09-28—10-04；…" (the stored list is JSON).</summary>
    internal static string Stops(string? travelJson)
    {
        if (string.IsNullOrWhiteSpace(travelJson) || travelJson == "[]") return "";
        try
        {
            var stops = System.Text.Json.JsonSerializer.Deserialize<List<Fangkong.Core.Arrivals.TravelStop>>(travelJson, new System.Text.Json.JsonSerializerOptions(System.Text.Json.JsonSerializerDefaults.Web)) ?? [];
            return string.Join("；", stops.Select(s =>
            {
                var county = Fangkong.Core.Jurisdictions.NationalDivisions.Shared.County(s.CountyCode)?.FullName ?? s.CountyCode;
                var place = string.IsNullOrWhiteSpace(s.Place) ? county : $"{county} {s.Place}";
                return $"{place} {s.From.ToString("MM-dd", CultureInfo.InvariantCulture)}—{s.To.ToString("MM-dd", CultureInfo.InvariantCulture)}";
            }));
        }
        catch (System.Text.Json.JsonException)
        {
            return travelJson;
        }
    }
}
