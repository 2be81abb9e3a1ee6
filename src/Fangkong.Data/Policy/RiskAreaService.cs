using System.Globalization;
using Fangkong.Core;
using Fangkong.Core.Accounts;
using Fangkong.Core.Jurisdictions;
using Fangkong.Core.People;
using Fangkong.Core.Policy;
using Fangkong.Core.Tabular;
using Fangkong.Data.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Fangkong.Data.Policy;

public sealed record RiskAreaInput(string? AreaCounty, string? Place, RiskLevel Level, DateOnly? DesignatedOn, DateOnly? LiftedOn = null, string? Source = null, string? LocalReason = null);
/// <param name="Stamp">The version read (the period's last change, in ticks); a correction sends it back so one made meanwhile is not overwritten.</param>
public sealed record RiskAreaItem(long Id, string AreaCountyCode, string AreaCountyName, string Place, RiskLevel Level, DateOnly DesignatedOn, DateOnly? LiftedOn, string? Source, string? LocalReason, bool ActiveToday, long Stamp);
/// <param name="On">Only the periods in force on that day.</param>
/// <param name="AreaCounty">Only the areas of one county, as typed ("郑州市金水区", "金水区") or its six digits; resolved like the list's county column.</param>
/// <param name="From">With <paramref name="To"/>: only the periods in force at some time during [From, To]; either end may be left open.</param>
public sealed record RiskAreaQuery(string? Text = null, RiskLevel? Level = null, bool ActiveOnly = false, DateOnly? On = null, int Page = 1, int PageSize = 50,
    string? AreaCounty = null, DateOnly? From = null, DateOnly? To = null);
/// <summary>A county the area lies in, resolved from what was typed; <see cref="Error"/> says why not ("required", "place.unknown", "place.ambiguous").</summary>
/// <param name="Remainder">what followed the county in the text ("郑州市金水区锦绣小区" → "锦绣小区"), or null</param>
public sealed record AreaCountyResolution(string? Code, string? FullName, string? Remainder, string? Error);
/// <summary>
/// The answer to "was place P (in county C) listed on date D": every listing of that place in force that day (none:
/// not listed on that date).
/// </summary>
public sealed record RiskAreaCheck(string CountyCode, string CountyName, string Place, DateOnly Date, IReadOnlyList<RiskAreaItem> Listings)
{
    public bool Listed => Listings.Count > 0;
    public bool WasAtLevel(RiskLevel level) => Listings.Any(l => l.Level == level);
}
public sealed record RiskAreaImportResult(int Rows, int Added, int Updated, int Rejected, IReadOnlyList<RowError> Errors);
public sealed record RowError(int Row, string Field, string Code, string? Value);
/// <summary>A correction of one period (a wrong date, a missing source); a change of level is a new period, not an edit.</summary>
/// <param name="Stamp">The <see cref="RiskAreaItem.Stamp"/> the correction was made against; left out, the correction applies to whatever is stored.</param>
public sealed record RiskAreaEdit(DateOnly? DesignatedOn, DateOnly? LiftedOn, string? Source, string? LocalReason, string? Reason, long? Stamp = null);

/// <summary>
/// The risk-area list: every period a place had a level, imported from the published lists or edited by hand. A
/// change of level closes the current period and opens the next, so history is kept row by row.
/// </summary>
public sealed class RiskAreaService(IDbContextFactory<FangkongDb> factory, IActorAccessor actor, PolicyCache cache, IOptions<FangkongOptions> options, TimeProvider time)
{
    public const int MaxErrors = 1000;
    private Actor Actor => actor.Current;
    private string County => Actor.Scope.All ? options.Value.County : Actor.Scope.CountyCode;
    private DateOnly Today => CountyClock.Today(time, options.Value.TimeZone);

    public static readonly TabularSchema Schema = new(
    [
        new TabularField("county", true, "所在县区", "所在地区", "地区", "县区", "区县", "所属地区", "county", "area"),
        new TabularField("place", true, "风险区", "风险地区", "具体地点", "地点", "小区", "区域", "place", "name"),
        new TabularField("level", true, "风险等级", "等级", "级别", "level"),
        new TabularField("designated", true, "划定日期", "划定时间", "公布日期", "开始日期", "designatedOn", "from"),
        new TabularField("lifted", false, "解除日期", "解封日期", "结束日期", "liftedOn", "to"),
        new TabularField("source", false, "来源", "发布来源", "依据", "source"),
        new TabularField("localReason", false, "本地原因", "本地规则", "localReason"),
    ]);

    /// <summary>The index used to classify arrivals: cached per county, rebuilt when the list changed.</summary>
    public async Task<RiskAreaIndex> IndexAsync(CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        return await IndexAsync(db, County, cache, ct);
    }

    internal static async Task<RiskAreaIndex> IndexAsync(FangkongDb db, string county, PolicyCache cache, CancellationToken ct)
    {
        var rows = db.RiskAreas.Where(a => a.CountyCode == county);
        // One round trip decides whether the cached index is still the list's.
        var (count, stamp) = await ShapeAsync(db, county, ct);
        if (cache.Areas.TryGetValue(county, out var cached) && cached.Stamp == stamp) return cached.Index;
        var index = count == 0 ? RiskAreaIndex.Empty : new RiskAreaIndex(await rows.AsNoTracking().ToListAsync(ct));
        cache.Areas[county] = (stamp, index);
        return index;
    }

    /// <summary>The list's size and a stamp that changes with any period added, edited or lifted (the index cache and the arrivals' re-check key on it).</summary>
    internal static async Task<(int Count, string Stamp)> ShapeAsync(FangkongDb db, string county, CancellationToken ct)
    {
        var shape = await db.RiskAreas.Where(a => a.CountyCode == county).GroupBy(_ => 1)
            .Select(g => new { Count = g.Count(), MaxId = g.Max(a => a.Id), Last = g.Max(a => a.UpdatedAt) }).FirstOrDefaultAsync(ct);
        var count = shape?.Count ?? 0;
        return (count, $"{count}:{shape?.MaxId}:{shape?.Last.Ticks}");
    }

    public async Task<Page<RiskAreaItem>> SearchAsync(RiskAreaQuery query, CancellationToken ct = default)
    {
        Actor.Require(Permissions.PolicyRead);
        await using var db = await factory.CreateDbContextAsync(ct);
        var q = db.RiskAreas.AsNoTracking();
        if (Text.Tidy(query.Text) is { } text)
            q = text.All(char.IsAsciiDigit) ? q.Where(a => a.AreaCountyCode.StartsWith(text)) : q.Where(a => a.Place.Contains(text) || a.AreaCountyName.Contains(text));
        if (query.Level is { } level) q = q.Where(a => a.Level == level);
        var errors = new List<FieldError>();
        if (Text.Tidy(query.AreaCounty) is { } countyText)
        {
            var county = ResolveAreaCounty(countyText);
            if (county.Error is { } error) errors.Add(new FieldError("areaCounty", error));
            else q = q.Where(a => a.AreaCountyCode == county.Code);
        }
        if (query.From is { } f && query.To is { } t && t < f) errors.Add(new FieldError("to", "date.before-from"));
        ValidationFailedException.ThrowIfAny(errors);
        var on = query.On ?? Today;
        if (query.ActiveOnly || query.On is not null) q = q.Where(a => a.DesignatedOn <= on && (a.LiftedOn == null || a.LiftedOn >= on));
        // In force at some time during [from, to]: designated by its end and not lifted before its start (the indexes on
        // the county, area county and designation date, and on the county and lifted date, serve both ends).
        if (query.To is { } to) q = q.Where(a => a.DesignatedOn <= to);
        if (query.From is { } from) q = q.Where(a => a.LiftedOn == null || a.LiftedOn >= from);
        var size = Math.Clamp(query.PageSize, 1, 200);
        var page = Math.Max(1, query.Page);
        var total = await q.CountAsync(ct);
        var rows = await q.OrderByDescending(a => a.DesignatedOn).ThenBy(a => a.Id).Skip((page - 1) * size).Take(size).ToListAsync(ct);
        var today = Today;
        return new Page<RiskAreaItem>(rows.Select(a => Item(a, today)).ToList(), total, page, size);
    }

    /// <summary>
    /// Was place P (in county C, typed as on the list: "郑州市金水区", "金水区" or six digits) listed on date D, and at which
    /// level? Answered from the same index that classifies arrivals; the place may also follow the county in the
    /// county text ("郑州市金水区锦绣小区"). Every listing of the place in force that day is returned (none: not listed).
    /// </summary>
    public async Task<RiskAreaCheck> CheckAsync(string? county, string? place, DateOnly? date, CancellationToken ct = default)
    {
        Actor.Require(Permissions.PolicyRead);
        var errors = new List<FieldError>();
        var resolved = ResolveAreaCounty(county);
        // Named as the check's API asks for it (GET /risk-areas/check?county=…), not as a risk area's field.
        if (resolved.Error is { } error) errors.Add(new FieldError("county", error));
        var name = Text.Tidy(place) ?? Text.Tidy(resolved.Remainder);
        var key = RiskAreaIndex.PlaceKey(name, resolved.FullName);
        if (name is null || key.Length < 2) errors.Add(new FieldError("place", "required"));
        else if (name.Length > 200) errors.Add(new FieldError("place", "too-long"));
        if (date is null) errors.Add(new FieldError("date", "required"));
        ValidationFailedException.ThrowIfAny(errors);
        var index = await IndexAsync(ct);
        var today = Today;
        var listings = index.ListedOn(resolved.Code!, key, date!.Value).Select(a => Item(a, today)).ToList();
        return new RiskAreaCheck(resolved.Code!, resolved.FullName!, name!, date.Value, listings);
    }

    /// <summary>
    /// The county an area lies in, from what was typed: six digits of a known county, or a name the national
    /// divisions resolve to one county ("河南省郑州市金水区", "郑州市金水区", "金水区"). The list's county column, the
    /// search's county filter and the check all read it this way.
    /// </summary>
    public static AreaCountyResolution ResolveAreaCounty(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return new(null, null, null, "required");
        if (text.Trim() is { Length: 6 } code && code.All(char.IsAsciiDigit) && NationalDivisions.Shared.County(code) is { } known)
            return new(code, known.FullName, null, null);
        var resolution = NationalDivisions.Shared.ResolvePlace(text);
        if (resolution.IsAmbiguous) return new(null, null, resolution.Remainder, "place.ambiguous");
        if (resolution.CountyCode6 is not { } county) return new(null, null, resolution.Remainder, "place.unknown");
        return new(county, NationalDivisions.Shared.County(county)!.FullName, resolution.Remainder, null);
    }

    /// <summary>All the periods of one place (the history shown on the edit page).</summary>
    public async Task<IReadOnlyList<RiskAreaItem>> HistoryAsync(long id, CancellationToken ct = default)
    {
        Actor.Require(Permissions.PolicyRead);
        await using var db = await factory.CreateDbContextAsync(ct);
        var area = await db.RiskAreas.AsNoTracking().FirstOrDefaultAsync(a => a.Id == id, ct);
        if (area is null) return [];
        var rows = await db.RiskAreas.AsNoTracking().Where(a => a.AreaCountyCode == area.AreaCountyCode && a.PlaceKey == area.PlaceKey)
            .OrderBy(a => a.DesignatedOn).ToListAsync(ct);
        var today = Today;
        return rows.Select(a => Item(a, today)).ToList();
    }

    public async Task<RiskAreaItem?> GetAsync(long id, CancellationToken ct = default)
    {
        Actor.Require(Permissions.PolicyRead);
        await using var db = await factory.CreateDbContextAsync(ct);
        var area = await db.RiskAreas.AsNoTracking().FirstOrDefaultAsync(a => a.Id == id, ct);
        return area is null ? null : Item(area, Today);
    }

    /// <summary>
    /// Corrects one period: its dates, source or local reason, with the reason for the correction (required). A period
    /// may not overlap another period of the same place; the arrivals classified from now on see the corrected list.
    /// False when there is no such period.
    /// </summary>
    public async Task<bool> UpdateAsync(long id, RiskAreaEdit edit, CancellationToken ct = default)
    {
        Actor.Require(Permissions.PolicyManage);
        await using var db = await factory.CreateDbContextAsync(ct);
        var area = await db.RiskAreas.FirstOrDefaultAsync(a => a.Id == id, ct);
        if (area is null) return false;
        if (edit.Stamp is { } stamp && stamp != area.UpdatedAt.Ticks) throw StaleEdit();
        var errors = new List<FieldError>();
        if (Text.Tidy(edit.Reason) is null) errors.Add(new FieldError("reason", "required"));
        else if (edit.Reason!.Length > 500) errors.Add(new FieldError("reason", "too-long"));
        var checkedArea = Validate(new RiskAreaInput(area.AreaCountyCode, area.Place, area.Level, edit.DesignatedOn, edit.LiftedOn, edit.Source, edit.LocalReason), errors, f => f);
        if (checkedArea is not null)
        {
            var others = await db.RiskAreas.AsNoTracking()
                .Where(a => a.AreaCountyCode == area.AreaCountyCode && a.PlaceKey == area.PlaceKey && a.Id != area.Id).ToListAsync(ct);
            if (others.Any(o => o.Overlaps(checkedArea.DesignatedOn, checkedArea.LiftedOn ?? DateOnly.MaxValue)))
                errors.Add(new FieldError("designatedOn", "risk-area.overlap"));
        }
        ValidationFailedException.ThrowIfAny(errors);
        area.DesignatedOn = checkedArea!.DesignatedOn;
        area.LiftedOn = checkedArea.LiftedOn;
        area.Source = checkedArea.Source;
        area.LocalReason = checkedArea.LocalReason;
        area.UpdatedAt = DateTime.UtcNow;
        db.Audit.Reason = Text.Tidy(edit.Reason);
        db.Audit.Rule = "risk-area-list";
        try { await db.SaveChangesAsync(ct); }
        catch (DbUpdateConcurrencyException) { throw StaleEdit(); }
        return true;
    }

    private static ConflictException StaleEdit() => new("risk-area.version", "the risk area was changed by someone else; reload and correct again");

    public async Task<long> CreateAsync(RiskAreaInput input, string? reason, CancellationToken ct = default)
    {
        Actor.Require(Permissions.PolicyManage);
        await using var db = await factory.CreateDbContextAsync(ct);
        var errors = new List<FieldError>();
        var area = Validate(input, errors, f => f);
        ValidationFailedException.ThrowIfAny(errors);
        var (row, _) = await ApplyAsync(db, area!, ct);
        db.Audit.Reason = Text.Tidy(reason) ?? area!.Source ?? "risk area listed";
        db.Audit.Rule = "risk-area-list";
        await db.SaveChangesAsync(ct);
        return row.Id;
    }

    /// <summary>
    /// Ends a period: the place is no longer at that level after <paramref name="liftedOn"/> (the last day at the level).
    /// A lift rests on a notice (<paramref name="basis"/>: "郑州市疫情防控指挥部通告…", required) and its date is neither in the
    /// future nor before the designation. The basis is written into the period's audit entry (its history). With
    /// <paramref name="apply"/> false the lift is only checked (the page's confirmation step) and nothing is saved.
    /// False when there is no such period.
    /// </summary>
    public async Task<bool> LiftAsync(long id, DateOnly? liftedOn, string? basis, string? reason = null, bool apply = true, CancellationToken ct = default)
    {
        Actor.Require(Permissions.PolicyManage);
        await using var db = await factory.CreateDbContextAsync(ct);
        var area = await db.RiskAreas.FirstOrDefaultAsync(a => a.Id == id, ct);
        if (area is null) return false;
        var errors = new List<FieldError>();
        // Kept as typed (a notice's title keeps its full-width brackets), only trimmed.
        var notice = string.IsNullOrWhiteSpace(basis) ? null : basis.Trim();
        if (notice is null) errors.Add(new FieldError("basis", "required"));
        else if (notice.Length > 300) errors.Add(new FieldError("basis", "too-long"));
        if (liftedOn is not { } day) errors.Add(new FieldError("liftedOn", "required"));
        else if (day > Today) errors.Add(new FieldError("liftedOn", "date.future"));
        else if (day < area.DesignatedOn) errors.Add(new FieldError("liftedOn", "date.before-designated"));
        if (Text.Tidy(reason) is { Length: > 500 }) errors.Add(new FieldError("reason", "too-long"));
        ValidationFailedException.ThrowIfAny(errors);
        if (!apply) return true;
        area.LiftedOn = liftedOn;
        area.UpdatedAt = DateTime.UtcNow;
        db.Audit.Reason = LiftReason(notice!, Text.Tidy(reason));
        db.Audit.Rule = "risk-area-list";
        await db.SaveChangesAsync(ct);
        return true;
    }

    /// <summary>The audit reason of a lift: the notice it rests on, then the staff's note if any.</summary>
    public static string LiftReason(string basis, string? note) => note is null ? $"lift basis: {basis}" : $"lift basis: {basis}; {note}";

    /// <summary>
    /// Imports a published list (xlsx or csv, Chinese headers or English). A row equal to a listed period is left
    /// alone; a new level for a place closes its open period the day before; bad rows are reported by row and field.
    /// </summary>
    public async Task<RiskAreaImportResult> ImportAsync(Stream stream, string fileName, string? reason, CancellationToken ct = default)
    {
        Actor.Require(Permissions.PolicyManage);
        await using var db = await factory.CreateDbContextAsync(ct);
        var errors = new List<RowError>();
        int rows = 0, added = 0, updated = 0, rejected = 0;
        // A list is applied whole or not at all when the file itself cannot be read (damaged, not a table, no header):
        // the answer names the row and column where reading stopped, and no area is half-imported.
        try
        {
            using var source = TabularFile.Open(stream, fileName);
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            var read = false;
            foreach (var sheet in source.Sheets)
            {
                using var enumerator = sheet.Rows.GetEnumerator();
                HeaderMap header;
                try { header = HeaderMap.Detect(enumerator, Schema); }
                // A sheet of a workbook without a header is another table (a cover sheet); one whose header lacks
                // required columns is the list, and is refused naming them.
                catch (TabularFormatException e) when (e.Code == TabularError.NoHeader && source.Format == "xlsx" && e.Column is null) { continue; }
                read = true;
                foreach (var row in header.Pending.Concat(Rest(enumerator)))
                {
                    if (row.IsBlank) continue;
                    rows++;
                    var rowErrors = new List<FieldError>();
                    var input = new RiskAreaInput(header.Get(row, "county"), header.Get(row, "place"), ParseLevel(header.Get(row, "level"), rowErrors),
                        ParseDate(header.Get(row, "designated"), "designated", rowErrors), ParseDate(header.Get(row, "lifted"), "lifted", rowErrors),
                        header.Get(row, "source"), header.Get(row, "localReason"));
                    var area = rowErrors.Count == 0 ? Validate(input, rowErrors, ColumnOf) : null;
                    if (area is null)
                    {
                        rejected++;
                        foreach (var e in rowErrors.Take(3))
                            if (errors.Count < MaxErrors) errors.Add(new RowError(row.RowNumber, e.Field, e.Code, Cut(header.Get(row, e.Field))));
                        continue;
                    }
                    var (_, outcome) = await ApplyAsync(db, area, ct);
                    if (outcome == Applied.Added) added++;
                    else if (outcome == Applied.Updated) updated++;
                    if (db.ChangeTracker.Entries().Count() >= 500) await db.SaveChangesAsync(ct);
                }
            }
            if (!read) return Refused([new RowError(0, "file", TabularFormatException.CodeOf(TabularError.NoHeader), null)]);
            db.Audit.Reason = Text.Tidy(reason) ?? $"imported {fileName}";
            db.Audit.Rule = "risk-area-list";
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
        }
        catch (Exception e) when (e is TabularFormatException or InvalidDataException or IOException && !ct.IsCancellationRequested)
        {
            var t = e as TabularFormatException;
            // A header without some required columns: each missing column is named on the header's row.
            if (t is { Code: TabularError.NoHeader, Column: { } lacking })
                return Refused(lacking.Split(',').Select(f => new RowError(t.RowNumber ?? 0, f, "header.missing", null)));
            return Refused([new RowError(t?.RowNumber ?? 0, t?.Column ?? "file", TabularFormatException.CodeOf(e), null)]);
        }
        return new RiskAreaImportResult(rows, added, updated, rejected, errors);

        static RiskAreaImportResult Refused(IEnumerable<RowError> why) => new(0, 0, 0, 0, why.ToList());
    }

    /// <summary>The list column a field of the form or the API stands for (areaCounty → county): how a page names it.</summary>
    public static string ColumnOf(string field) => field switch
    {
        "areaCounty" => "county",
        "designatedOn" => "designated",
        "liftedOn" => "lifted",
        _ => field,
    };

    private static string? Cut(string? v) => v is { Length: > 100 } ? v[..100] : v;

    private static IEnumerable<TabularRow> Rest(IEnumerator<TabularRow> e)
    {
        while (e.MoveNext()) yield return e.Current;
    }

    private RiskArea? Validate(RiskAreaInput input, List<FieldError> errors, Func<string, string> field)
    {
        var resolution = ResolveAreaCounty(input.AreaCounty);
        if (resolution.Error is { } countyError) errors.Add(new FieldError(field("areaCounty"), countyError));
        var (countyCode, countyName) = (resolution.Code, resolution.FullName);
        // The place may repeat the county ("郑州市金水区XX小区"), or be given in the county column's remainder.
        var place = Text.Tidy(input.Place) ?? Text.Tidy(resolution.Remainder);
        var key = RiskAreaIndex.PlaceKey(place, countyName);
        if (place is null || key.Length < 2) errors.Add(new FieldError(field("place"), "required"));
        else if (place.Length > 200) errors.Add(new FieldError(field("place"), "too-long"));
        if (!Enum.IsDefined(input.Level)) errors.Add(new FieldError(field("level"), "risk-level.unknown"));
        if (input.DesignatedOn is null) errors.Add(new FieldError(field("designatedOn"), "required"));
        else if (input.DesignatedOn > Today) errors.Add(new FieldError(field("designatedOn"), "date.future"));
        else if (input.DesignatedOn < new DateOnly(2019, 12, 1)) errors.Add(new FieldError(field("designatedOn"), "date.too-early"));
        if (input.LiftedOn is { } lifted && input.DesignatedOn is { } from && lifted < from) errors.Add(new FieldError(field("liftedOn"), "date.before-designated"));
        var local = Text.Tidy(input.LocalReason);
        if (local is not null && (local.Length > 60 || !local.All(c => c is >= 'a' and <= 'z' or '-'))) errors.Add(new FieldError(field("localReason"), "reason.invalid"));
        if (Text.Tidy(input.Source) is { Length: > 300 }) errors.Add(new FieldError(field("source"), "too-long"));
        if (errors.Count > 0) return null;
        var now = DateTime.UtcNow;
        return new RiskArea
        {
            CountyCode = County, AreaCountyCode = countyCode!, AreaCountyName = countyName!, Place = place!, PlaceKey = key, Level = input.Level,
            DesignatedOn = input.DesignatedOn!.Value, LiftedOn = input.LiftedOn, Source = Text.Tidy(input.Source), LocalReason = local,
            CreatedAt = now, UpdatedAt = now,
        };
    }

    /// <summary>
    /// Adds a period, or recognises one already listed (same place, level and designation date: the lifted date and
    /// source are updated). An open period of the same place at another level is closed the day before. Returns the
    /// row the period ended up in and what happened.
    /// </summary>
    private enum Applied { Added, Updated, Unchanged }

    private static async Task<(RiskArea Row, Applied Outcome)> ApplyAsync(FangkongDb db, RiskArea area, CancellationToken ct)
    {
        var same = await db.RiskAreas.Where(a => a.AreaCountyCode == area.AreaCountyCode && a.PlaceKey == area.PlaceKey).ToListAsync(ct);
        same.AddRange(db.ChangeTracker.Entries<RiskArea>().Where(e => e.State == EntityState.Added).Select(e => e.Entity)
            .Where(a => a.AreaCountyCode == area.AreaCountyCode && a.PlaceKey == area.PlaceKey));
        var match = same.FirstOrDefault(a => a.Level == area.Level && a.DesignatedOn == area.DesignatedOn);
        if (match is not null)
        {
            // An empty lifted date in a file means "not lifted as far as this list knows": it never reopens a period
            // that a later level (or an edit) closed.
            if ((area.LiftedOn is not null && match.LiftedOn != area.LiftedOn) || (area.Source is not null && match.Source != area.Source))
            {
                match.LiftedOn = area.LiftedOn ?? match.LiftedOn;
                match.Source = area.Source ?? match.Source;
                match.UpdatedAt = DateTime.UtcNow;
                return (match, Applied.Updated);
            }
            return (match, Applied.Unchanged);
        }
        foreach (var open in same.Where(a => a.LiftedOn is null && a.DesignatedOn < area.DesignatedOn))
        {
            open.LiftedOn = area.DesignatedOn.AddDays(-1);
            open.UpdatedAt = DateTime.UtcNow;
        }
        db.RiskAreas.Add(area);
        return (area, Applied.Added);
    }

    private static RiskLevel ParseLevel(string? text, List<FieldError> errors)
    {
        switch (Text.Compact(text).ToLowerInvariant())
        {
            case "高" or "高风险" or "高风险区" or "high" or "3": return RiskLevel.High;
            case "中" or "中风险" or "中风险区" or "medium" or "2": return RiskLevel.Medium;
            case "低" or "低风险" or "低风险区" or "low" or "1": return RiskLevel.Low;
            default:
                errors.Add(new FieldError("level", "risk-level.unknown"));
                return 0;
        }
    }

    private static DateOnly? ParseDate(string? text, string field, List<FieldError> errors)
    {
        var t = Text.Compact(text);
        if (t.Length == 0) return null;
        string[] formats = ["yyyy-MM-dd", "yyyy/M/d", "yyyy-M-d", "yyyy.M.d", "yyyyMMdd", "yyyy年M月d日"];
        if (DateOnly.TryParseExact(t, formats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)) return d;
        if (t.Length > 10 && DateTime.TryParse(t, CultureInfo.InvariantCulture, DateTimeStyles.None, out var dt)) return DateOnly.FromDateTime(dt);
        errors.Add(new FieldError(field, "date.invalid"));
        return null;
    }

    private static RiskAreaItem Item(RiskArea a, DateOnly today) =>
        new(a.Id, a.AreaCountyCode, a.AreaCountyName, a.Place, a.Level, a.DesignatedOn, a.LiftedOn, a.Source, a.LocalReason, a.ActiveOn(today), a.UpdatedAt.Ticks);
}
