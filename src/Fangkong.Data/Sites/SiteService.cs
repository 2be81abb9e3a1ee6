using System.Globalization;
using Fangkong.Core;
using Fangkong.Core.Accounts;
using Fangkong.Core.Jurisdictions;
using Fangkong.Core.People;
using Fangkong.Core.Sites;
using Fangkong.Core.Tabular;
using Fangkong.Data.Infrastructure;
using Fangkong.Data.Jurisdictions;
using Microsoft.EntityFrameworkCore;

namespace Fangkong.Data.Sites;

public sealed record SiteInput(string? Name, SiteLevel Level, string? ScopeKey, string? OperatorUnit = null, string? LeadName = null, string? LeadPhone = null,
    string? Address = null, string? Contact = null, int ReserveRooms = 0, long? AddressNodeId = null);
public sealed record SiteItem(long Id, string Name, SiteLevel Level, SiteStatus Status, string ScopeKey, string? Place, string? OperatorUnit, string? LeadName,
    string? Address, int ReserveRooms, SiteCapacity Capacity, int Version, string? LeadPhoneMasked = null, string? Contact = null,
    long? AddressNodeId = null, string? Location = null);
/// <summary>A site's details as its managers change them (a new lead at a rotation, a duty number, more reserve rooms); level and place stay. A null lead phone keeps the one on record.</summary>
/// <param name="AddressNodeId">The village (or township) the site stands in: nearer sites are suggested first. Null keeps the one on record; 0 clears it.</param>
public sealed record SiteEdit(string? Name, string? OperatorUnit, string? LeadName, string? LeadPhone, string? Address, string? Contact, int ReserveRooms, int? Version = null,
    long? AddressNodeId = null);
/// <summary>A township of the county and the minutes by road from it to the site, when entered.</summary>
public sealed record TravelTimeItem(string Township, string Name, int? Minutes);
public sealed record CapacityView(CountyCapacity County, IReadOnlyList<SiteItem> Sites, bool BelowThreshold, CapacityThreshold Threshold);
public sealed record RoomOccupant(long StayId, long OrderId, long PersonId, string Name, StayStatus Status, int Bed, DateOnly? LeaveOn);
public sealed record BoardRoom(long Id, string Building, int Floor, string Number, RoomState State, bool Single, bool OwnBathroom, bool Accessible,
    bool FamilyRoom, int Beds, bool NegativePressure, string? OutOfServiceReason, DateTime StateChangedAt, int Version, IReadOnlyList<RoomOccupant> Occupants);
public sealed record RoomDetail(long SiteId, string SiteName, BoardRoom Room, int Holders);
public sealed record RoomBoard(SiteItem Site, IReadOnlyList<BoardRoom> Rooms, TurnoverSummary Turnover, long ElapsedMs);
public sealed record RoomImportSummary(int Rows, int Imported, IReadOnlyList<RoomImportError> Errors);
/// <summary>One room typed in: building, floor, number and its attributes (beds for a family room).</summary>
public sealed record RoomInput(string? Building, int? Floor, string? Number, bool Single = true, bool OwnBathroom = true, bool Accessible = false, bool FamilyRoom = false,
    int? Beds = null, bool NegativePressure = false);
/// <summary>A checklist item as the county edits it: retired items included, and how many inspection results used it.</summary>
public sealed record StandardItem(long Id, string Code, string? Name, int Sequence, bool Active, bool Shipped, int Results);
/// <summary>An item added (code required) or edited (code ignored; null fields unchanged).</summary>
public sealed record StandardInput(string? Code, string? Name, int? Sequence = null, bool? Active = null);
/// <summary>A recorded inspection with its results, newest first on the site's page.</summary>
public sealed record InspectionRecord(long Id, DateTime InspectedAt, string Inspector, string? Note, bool Passed, IReadOnlyList<InspectionItemRecord> Items);
public sealed record InspectionItemRecord(string Code, bool Passed, string? Note);
public sealed record InspectionInput(IReadOnlyList<InspectionItemInput> Items, string? Note);
public sealed record InspectionItemInput(string Code, bool Passed, string? Note);

/// <summary>
/// Quarantine sites (集中隔离点): set-up (site, standards, inspection, status), rooms (file import, one board per site,
/// turnover steps) and capacity for the county. Jurisdiction-scoped like every other read: a township team sees its
/// township's sites, the county sees all.
/// </summary>
public sealed class SiteService(IDbContextFactory<FangkongDb> factory, IActorAccessor actor, JurisdictionDirectory directory, TimeProvider time,
    Microsoft.Extensions.Options.IOptions<FangkongOptions> options)
{
    private TimeZoneInfo Zone => TimeZoneInfo.FindSystemTimeZoneById(options.Value.TimeZone);
    private Actor Actor => actor.Current;
    private DateTime Now => time.GetUtcNow().UtcDateTime;

    public async Task<long> CreateAsync(SiteInput input, CancellationToken ct = default)
    {
        Actor.Require(Permissions.SitesManage);
        var key = Text.Tidy(input.ScopeKey) ?? Actor.Scope.Prefix;
        if (!Actor.Scope.Contains(Actor.Scope.CountyCode, key) || directory.Official(key) is null) throw new ValidationFailedException([new FieldError("scopeKey", "scope.outside")]);
        var site = new QuarantineSite
        {
            CountyCode = Actor.Scope.CountyCode, ScopeKey = key, Name = Text.Tidy(input.Name) ?? "", Level = input.Level,
            Status = SiteStatus.Preparing, CreatedAt = Now, UpdatedAt = Now, Version = 1,
        };
        Apply(site, new SiteEdit(input.Name, input.OperatorUnit, input.LeadName, input.LeadPhone, input.Address, input.Contact, input.ReserveRooms));
        site.AddressNodeId = Location(input.AddressNodeId, site.CountyCode);
        await using var db = await factory.CreateDbContextAsync(ct);
        if (await db.QuarantineSites.AnyAsync(s => s.ScopeKey == key && s.Name == site.Name, ct))
            throw new ValidationFailedException([new FieldError("name", "site.name-taken")]);
        await EnsureStandardsAsync(db, site.CountyCode, ct);
        db.QuarantineSites.Add(site);
        db.Audit.Reason = "site set up";
        await db.SaveChangesAsync(ct);
        return site.Id;
    }

    /// <summary>Sets a site's details from what was typed, or throws naming every bad field (a lead phone that is not a phone number included).</summary>
    private static void Apply(QuarantineSite site, SiteEdit input)
    {
        site.Name = Text.Tidy(input.Name) ?? "";
        site.OperatorUnit = Text.Tidy(input.OperatorUnit);
        site.LeadName = Text.Tidy(input.LeadName);
        site.LeadPhone = PersonRules.NormalizePhone(input.LeadPhone, out var phoneError);
        site.Address = Text.Tidy(input.Address);
        site.Contact = Text.Tidy(input.Contact);
        site.ReserveRooms = input.ReserveRooms;
        var errors = SiteRules.Validate(site).ToList();
        if (phoneError is not null && Text.Tidy(input.LeadPhone) is not null) errors.Add(new FieldError("leadPhone", phoneError));
        if (errors.Count > 0) throw new ValidationFailedException(errors);
    }

    /// <summary>Changes a site's details (not its level or place). False when the site is not visible.</summary>
    public async Task<bool> UpdateAsync(long siteId, SiteEdit input, CancellationToken ct = default)
    {
        Actor.Require(Permissions.SitesManage);
        await using var db = await factory.CreateDbContextAsync(ct);
        var site = await db.QuarantineSites.FirstOrDefaultAsync(s => s.Id == siteId, ct);
        if (site is null) return false;
        if (input.Version is { } v && v != site.Version) throw new ConflictException("site.version", "the site was changed by someone else; reload");
        var name = site.Name;
        // The lead's phone is shown masked: leaving it out keeps the one on record.
        Apply(site, input with { LeadPhone = input.LeadPhone ?? site.LeadPhone });
        site.AddressNodeId = input.AddressNodeId == 0 ? null : Location(input.AddressNodeId, site.CountyCode) ?? site.AddressNodeId;
        if (site.Name != name && await db.QuarantineSites.AnyAsync(s => s.Id != siteId && s.ScopeKey == site.ScopeKey && s.Name == site.Name, ct))
            throw new ValidationFailedException([new FieldError("name", "site.name-taken")]);
        site.Version++;
        site.UpdatedAt = Now;
        db.Audit.Reason = "site details edited";
        await db.SaveChangesAsync(ct);
        return true;
    }

    /// <summary>
    /// The site's travel-time table: every township of its county in key order with its minutes by road to the site,
    /// null where none is entered. Null when the site is not visible.
    /// </summary>
    public async Task<IReadOnlyList<TravelTimeItem>?> TravelTimesAsync(long siteId, CancellationToken ct = default)
    {
        Actor.Require(Permissions.SitesRead);
        await using var db = await factory.CreateDbContextAsync(ct);
        var site = await db.QuarantineSites.AsNoTracking().FirstOrDefaultAsync(s => s.Id == siteId, ct);
        if (site is null) return null;
        var times = await db.SiteTravelTimes.AsNoTracking().Where(t => t.SiteId == siteId).ToDictionaryAsync(t => t.TownshipKey, t => t.Minutes, ct);
        return TownshipsOf(site.CountyCode).Select(t => new TravelTimeItem(t.ScopeKey, t.Name, times.TryGetValue(t.ScopeKey, out var m) ? m : null)).ToList();
    }

    /// <summary>
    /// Saves the site's whole travel-time table at once: the townships listed with minutes get them, a township listed
    /// without minutes or left out has none. Every bad entry is refused naming its township, and nothing is saved; each
    /// time added, changed or removed is in the audit trail on the site. False when the site is not visible.
    /// </summary>
    public async Task<bool> SetTravelTimesAsync(long siteId, IReadOnlyList<TravelTimeEntry>? entries, CancellationToken ct = default)
    {
        Actor.Require(Permissions.SitesManage);
        await using var db = await factory.CreateDbContextAsync(ct);
        var site = await db.QuarantineSites.AsNoTracking().FirstOrDefaultAsync(s => s.Id == siteId, ct);
        if (site is null) return false;
        var (wanted, errors) = TravelTimeRules.Validate(entries ?? [], TownshipsOf(site.CountyCode).Select(t => t.ScopeKey).ToHashSet(StringComparer.Ordinal));
        ValidationFailedException.ThrowIfAny(errors);
        var rows = await db.SiteTravelTimes.Where(t => t.SiteId == siteId).ToDictionaryAsync(t => t.TownshipKey, ct);
        var changes = TravelTimeRules.Diff(rows.ToDictionary(r => r.Key, r => r.Value.Minutes), wanted);
        if (changes.IsEmpty) return true;
        foreach (var (township, minutes) in changes.Added)
            db.SiteTravelTimes.Add(new SiteTravelTime { CountyCode = site.CountyCode, ScopeKey = site.ScopeKey, SiteId = site.Id, TownshipKey = township, Minutes = minutes, UpdatedAt = Now });
        foreach (var (township, (_, to)) in changes.Changed)
        {
            rows[township].Minutes = to;
            rows[township].UpdatedAt = Now;
        }
        foreach (var township in changes.Removed) db.SiteTravelTimes.Remove(rows[township]);
        db.Audit.Reason = "travel times edited";
        try { await db.SaveChangesAsync(ct); }
        catch (DbUpdateException e) when (DbErrors.IsUniqueViolation(e))
        {
            // Another editor added a time for the same township meanwhile.
            throw new ConflictException("site.travel-times-changed", "the travel times were changed by someone else; reload");
        }
        return true;
    }

    /// <summary>The county's townships from the directory of official places, in key order.</summary>
    private IEnumerable<PlaceStep> TownshipsOf(string county) =>
        directory.Officials().Where(p => p.Level == JurisdictionLevel.Township && p.ScopeKey.StartsWith(county, StringComparison.Ordinal));

    /// <summary>The node a site stands in: a township or village of its county, or a clear error naming the field.</summary>
    private long? Location(long? nodeId, string county)
    {
        if (nodeId is not { } id) return null;
        var place = directory.Official(id);
        if (place is null || place.Level is not (JurisdictionLevel.Township or JurisdictionLevel.Village) || !place.ScopeKey.StartsWith(county, StringComparison.Ordinal))
            throw new ValidationFailedException([new FieldError("addressNodeId", "site.location-unknown")]);
        return id;
    }

    private static async Task EnsureStandardsAsync(FangkongDb db, string county, CancellationToken ct)
    {
        if (await db.SiteStandards.AnyAsync(s => s.CountyCode == county, ct)) return;
        foreach (var s in SiteStandards.Seed(county)) { s.Name = s.Code; db.SiteStandards.Add(s); }
    }

    public async Task<IReadOnlyList<SiteStandard>> StandardsAsync(CancellationToken ct = default)
    {
        Actor.Require(Permissions.SitesRead);
        await using var db = await factory.CreateDbContextAsync(ct);
        var list = await db.SiteStandards.AsNoTracking().Where(s => s.Active).OrderBy(s => s.Sequence).ToListAsync(ct);
        return list.Count > 0 ? list : SiteStandards.Seed(Actor.Scope.CountyCode);
    }

    /// <summary>The whole checklist of the county, retired items included, with how often each was inspected.</summary>
    public async Task<IReadOnlyList<StandardItem>> ChecklistAsync(CancellationToken ct = default)
    {
        Actor.Require(Permissions.SitesRead);
        await using var db = await factory.CreateDbContextAsync(ct);
        var rows = await db.SiteStandards.AsNoTracking().OrderBy(s => s.Sequence).ThenBy(s => s.Code).ToListAsync(ct);
        if (rows.Count == 0) rows = SiteStandards.Seed(Actor.Scope.CountyCode).ToList();
        // Counted through the inspections the actor can see (a township's account: its own sites).
        var used = await db.Set<SiteInspectionItem>().GroupBy(i => i.StandardCode).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(x => x.Key, x => x.Count, ct);
        return rows.Select(s => new StandardItem(s.Id, s.Code, StandardRules.CustomName(s), s.Sequence, s.Active, StandardRules.IsShipped(s.Code), used.GetValueOrDefault(s.Code))).ToList();
    }

    /// <summary>Adds an item to the county's checklist: every inspection from now on must answer it.</summary>
    public async Task<long> AddStandardAsync(StandardInput input, CancellationToken ct = default)
    {
        RequireCountyChecklist();
        await using var db = await factory.CreateDbContextAsync(ct);
        await EnsureStandardsAsync(db, Actor.Scope.CountyCode, ct);
        var sequence = input.Sequence ?? ((await db.SiteStandards.MaxAsync(s => (int?)s.Sequence, ct) ?? 0) + 10);
        var typed = Text.Compact(input.Code).ToLowerInvariant();
        // Cadres name the item; a code left out is made from the name (the code is the item's id in inspections).
        var code = typed.Length > 0 ? typed
            : StandardRules.GenerateCode(input.Name, sequence, (await db.SiteStandards.Select(s => s.Code).ToListAsync(ct)).Concat(db.SiteStandards.Local.Select(s => s.Code)).ToHashSet());
        var standard = new SiteStandard
        {
            CountyCode = Actor.Scope.CountyCode, Code = code, Name = Text.Tidy(input.Name) ?? "", Sequence = sequence, Active = input.Active ?? true,
        };
        if (StandardRules.Validate(standard) is { Count: > 0 } errors) throw new ValidationFailedException(errors);
        if (await db.SiteStandards.AnyAsync(s => s.Code == standard.Code, ct) || db.SiteStandards.Local.Any(s => s.Code == standard.Code))
            throw new ValidationFailedException([new FieldError("code", "standard.code-taken")]);
        db.SiteStandards.Add(standard);
        db.Audit.Reason = "standard added";
        await db.SaveChangesAsync(ct);
        return standard.Id;
    }

    /// <summary>Renames, reorders, retires or brings back an item. Its code stays: past inspections refer to it.</summary>
    public async Task<bool> UpdateStandardAsync(long id, StandardInput input, CancellationToken ct = default)
    {
        RequireCountyChecklist();
        await using var db = await factory.CreateDbContextAsync(ct);
        var standard = await db.SiteStandards.FirstOrDefaultAsync(s => s.Id == id, ct);
        if (standard is null) return false;
        var wasActive = standard.Active;
        if (input.Name is not null) standard.Name = Text.Tidy(input.Name) ?? (StandardRules.IsShipped(standard.Code) ? standard.Code : "");
        if (input.Sequence is { } sequence) standard.Sequence = sequence;
        if (input.Active is { } active) standard.Active = active;
        if (StandardRules.Validate(standard) is { Count: > 0 } errors) throw new ValidationFailedException(errors);
        db.Audit.Reason = wasActive && !standard.Active ? "standard retired" : !wasActive && standard.Active ? "standard restored" : "standard edited";
        await db.SaveChangesAsync(ct);
        return true;
    }

    /// <summary>The checklist is the county's: only a county-level account that sets sites up edits it.</summary>
    private void RequireCountyChecklist()
    {
        Actor.Require(Permissions.SitesManage);
        if (!Actor.Scope.All && Actor.Scope.Prefix != Actor.Scope.CountyCode) throw new ForbiddenException(Permissions.SitesManage + "@county");
        if (Actor.Scope.All) throw new ValidationFailedException([new FieldError("code", "standard.county-only")]);
    }

    /// <summary>The site's inspections, newest first, with every result; null when the site is not visible.</summary>
    public async Task<IReadOnlyList<InspectionRecord>?> InspectionsAsync(long siteId, int take = 20, CancellationToken ct = default)
    {
        Actor.Require(Permissions.SitesRead);
        await using var db = await factory.CreateDbContextAsync(ct);
        if (!await db.QuarantineSites.AnyAsync(s => s.Id == siteId, ct)) return null;
        var list = await db.SiteInspections.AsNoTracking().Where(i => i.SiteId == siteId).OrderByDescending(i => i.InspectedAt).ThenByDescending(i => i.Id)
            .Take(Math.Clamp(take, 1, 200)).Include(i => i.Items).AsSplitQuery().ToListAsync(ct);
        return list.Select(i => new InspectionRecord(i.Id, i.InspectedAt, i.Inspector, i.Note, i.Passed,
            i.Items.OrderBy(x => x.Id).Select(x => new InspectionItemRecord(x.StandardCode, x.Passed, x.Note)).ToList())).ToList();
    }

    /// <summary>Records an inspection against the standards in force; the verdict is computed, never typed in.</summary>
    public async Task<InspectionVerdict?> InspectAsync(long siteId, InspectionInput input, CancellationToken ct = default)
    {
        Actor.Require(Permissions.SitesManage);
        await using var db = await factory.CreateDbContextAsync(ct);
        var site = await db.QuarantineSites.FirstOrDefaultAsync(s => s.Id == siteId, ct);
        if (site is null) return null;
        await EnsureStandardsAsync(db, site.CountyCode, ct);
        await db.SaveChangesAsync(ct);
        var standards = await db.SiteStandards.AsNoTracking().Where(s => s.Active).ToListAsync(ct);
        var inspection = new SiteInspection
        {
            CountyCode = site.CountyCode, ScopeKey = site.ScopeKey, SiteId = site.Id, InspectedAt = Now, Inspector = Actor.Name, Note = Text.Tidy(input.Note),
            CreatedAt = Now,
            Items = input.Items.Select(i => new SiteInspectionItem { CountyCode = site.CountyCode, ScopeKey = site.ScopeKey, StandardCode = i.Code, Passed = i.Passed, Note = Text.Tidy(i.Note) }).ToList(),
        };
        var problems = InspectionRules.Validate(inspection, standards);
        if (problems.Count > 0) throw new ValidationFailedException(problems);
        var verdict = InspectionRules.Evaluate(standards, inspection.Items);
        inspection.Passed = verdict.Passed;
        db.SiteInspections.Add(inspection);
        db.Audit.Reason = verdict.Passed ? "inspection passed" : "inspection failed: " + string.Join(", ", verdict.Failed.Concat(verdict.Missing));
        await db.SaveChangesAsync(ct);
        return verdict;
    }

    public async Task<bool> ChangeStatusAsync(long siteId, SiteStatus to, int? version, CancellationToken ct = default)
    {
        Actor.Require(Permissions.SitesManage);
        await using var db = await factory.CreateDbContextAsync(ct);
        var site = await db.QuarantineSites.FirstOrDefaultAsync(s => s.Id == siteId, ct);
        if (site is null) return false;
        if (version is { } v && v != site.Version) throw new ConflictException("site.version", "the site was changed by someone else; reload");
        var latest = await db.SiteInspections.AsNoTracking().Where(i => i.SiteId == siteId).OrderByDescending(i => i.InspectedAt).FirstOrDefaultAsync(ct);
        var occupants = await db.Stays.CountAsync(s => s.SiteId == siteId && s.OccupiedRoomId != null, ct);
        var from = site.Status;
        if (SiteRules.ChangeStatus(site, to, latest, occupants, Now) is { } error) throw SiteRefusal.Of(error);
        site.Version++;
        db.Audit.Reason = $"site {from} → {to}";
        db.Audit.Rule = to == SiteStatus.InService ? "site#inspection-passed" : null;
        await db.SaveChangesAsync(ct);
        return true;
    }

    /// <summary>
    /// Imports a rooms file (xlsx / csv) into a site. All or nothing: a file with any bad row (a duplicate room number,
    /// a floor that is not a number, a number already used in the site) changes nothing and names every row.
    /// </summary>
    public async Task<RoomImportSummary?> ImportRoomsAsync(long siteId, Stream file, string fileName, CancellationToken ct = default)
    {
        Actor.Require(Permissions.SitesManage);
        await using var db = await factory.CreateDbContextAsync(ct);
        var site = await db.QuarantineSites.AsNoTracking().FirstOrDefaultAsync(s => s.Id == siteId, ct);
        if (site is null) return null;
        List<RoomImportRow> rows;
        try
        {
            using var source = TabularFile.Open(file, fileName);
            rows = ReadRows(source).ToList();
        }
        catch (TabularFormatException e)
        {
            return new RoomImportSummary(0, 0, [new RoomImportError(e.RowNumber ?? 0, e.Column ?? "file", e.ErrorCode, null)]);
        }
        var result = RoomImportRules.Validate(rows);
        var errors = result.Errors.ToList();
        var existing = (await db.Rooms.AsNoTracking().Where(r => r.SiteId == siteId).Select(r => new { r.Building, r.Number }).ToListAsync(ct))
            .Select(r => (r.Building, r.Number)).ToHashSet();
        foreach (var room in result.Rooms.Where(r => existing.Contains((r.Building, r.Number))))
            errors.Add(new RoomImportError(room.RowNumber, "number", "number.exists-in-site", room.Number));
        if (errors.Count > 0) return new RoomImportSummary(rows.Count, 0, errors.OrderBy(e => e.RowNumber).ToList());
        foreach (var room in result.Rooms)
        {
            var r = room.ToRoom(site, Now);
            r.StateChangedBy = Actor.Name;
            r.Version = 1;
            db.Rooms.Add(r);
        }
        db.Audit.Reason = $"rooms file {fileName}: {result.Rooms.Count} rooms";
        await db.SaveChangesAsync(ct);
        return new RoomImportSummary(rows.Count, result.Rooms.Count, []);
    }

    /// <summary>
    /// Adds one room typed in on the board (a room found during an inspection, a floor fitted later): the same rules as a
    /// rooms file, a number already used in the site refused. Null when the site is not the actor's.
    /// </summary>
    public async Task<long?> AddRoomAsync(long siteId, RoomInput input, CancellationToken ct = default)
    {
        Actor.Require(Permissions.SitesManage);
        await using var db = await factory.CreateDbContextAsync(ct);
        var site = await db.QuarantineSites.AsNoTracking().FirstOrDefaultAsync(s => s.Id == siteId, ct);
        if (site is null) return null;
        var (result, errors) = CheckRoom(input);
        if (errors.Count == 0)
        {
            var room = result.Rooms[0];
            if (await db.Rooms.AnyAsync(r => r.SiteId == siteId && r.Building == room.Building && r.Number == room.Number, ct))
                errors.Add(NumberTaken(room.Building, room.Number));
        }
        ValidationFailedException.ThrowIfAny(errors);
        var added = result.Rooms[0].ToRoom(site, Now);
        added.StateChangedBy = Actor.Name;
        added.Version = 1;
        db.Rooms.Add(added);
        db.Audit.Reason = $"room {added.Building}-{added.Number} added";
        try { await db.SaveChangesAsync(ct); }
        catch (DbUpdateException e) when (DbErrors.IsUniqueViolation(e))
        {
            throw new ValidationFailedException([NumberTaken(added.Building, added.Number)]); // typed twice at once
        }
        return added.Id;
    }

    /// <summary>
    /// Corrects a room's number or attributes (a bathroom fitted, a room made accessible, a bed added): the same rules
    /// as a rooms file, the number unique in the site, never fewer beds than people holding one. Null when the room is
    /// not the actor's; a stale version is refused.
    /// </summary>
    public async Task<bool?> UpdateRoomAsync(long roomId, RoomInput input, int? version, CancellationToken ct = default)
    {
        Actor.Require(Permissions.SitesManage);
        await using var db = await factory.CreateDbContextAsync(ct);
        var room = await db.Rooms.FirstOrDefaultAsync(r => r.Id == roomId, ct);
        if (room is null) return null;
        if (version is { } v && v != room.Version) throw new ConflictException("room.version", "the room was changed by someone else; reload");
        var (result, errors) = CheckRoom(input);
        if (errors.Count == 0)
        {
            var checkedRoom = result.Rooms[0];
            if (await db.Rooms.AnyAsync(r => r.SiteId == room.SiteId && r.Id != room.Id && r.Building == checkedRoom.Building && r.Number == checkedRoom.Number, ct))
                errors.Add(NumberTaken(checkedRoom.Building, checkedRoom.Number));
            // Fewer beds than people, or fewer than the highest bed someone holds (beds 3 and 4 of a room cut to 2).
            if (checkedRoom.Beds < room.Holders || await db.Stays.AnyAsync(x => x.OccupiedRoomId == room.Id && x.Bed > checkedRoom.Beds, ct))
                errors.Add(new FieldError("beds", "room.beds-below-holders"));
        }
        ValidationFailedException.ThrowIfAny(errors);
        var edited = result.Rooms[0].ToRoom(new QuarantineSite { Id = room.SiteId, CountyCode = room.CountyCode, ScopeKey = room.ScopeKey }, Now);
        (room.Building, room.Floor, room.Number, room.Single, room.OwnBathroom, room.Accessible, room.FamilyRoom, room.Beds, room.NegativePressure) =
            (edited.Building, edited.Floor, edited.Number, edited.Single, edited.OwnBathroom, edited.Accessible, edited.FamilyRoom, edited.Beds, edited.NegativePressure);
        room.UpdatedAt = Now;
        room.Version++;
        db.Audit.Reason = $"room {room.Building}-{room.Number} corrected";
        try { await db.SaveChangesAsync(ct); }
        catch (DbUpdateConcurrencyException) { throw new ConflictException("room.version", "the room was changed by someone else; reload"); }
        catch (DbUpdateException e) when (DbErrors.IsUniqueViolation(e)) { throw new ValidationFailedException([NumberTaken(room.Building, room.Number)]); }
        // Someone moved into a higher bed between the check above and this save: the database keeps the beds.
        catch (DbUpdateException e) when (DbErrors.IsRuleViolation(e, Migrations.StayBedInRoom.BedsBelowHeld))
        {
            throw new ValidationFailedException([new FieldError("beds", "room.beds-below-holders")]);
        }
        return true;
    }

    /// <summary>A room number already used in the site, naming the room ("number.exists-in-site:A-101"), as a rooms file names its row.</summary>
    private static FieldError NumberTaken(string building, string number) => new("number", $"number.exists-in-site:{building}-{number}");

    /// <summary>A room typed in checked by the rules of a rooms file (one row), its errors as field errors.</summary>
    private static (RoomImportResult Result, List<FieldError> Errors) CheckRoom(RoomInput input)
    {
        static string Flag(bool b) => b ? "true" : "false";
        var row = new RoomImportRow(1, input.Building, input.Floor?.ToString(CultureInfo.InvariantCulture), input.Number, Flag(input.Single), Flag(input.OwnBathroom),
            Flag(input.Accessible), Flag(input.FamilyRoom), input.Beds?.ToString(CultureInfo.InvariantCulture), Flag(input.NegativePressure));
        var result = RoomImportRules.Validate([row]);
        return (result, result.Errors.Select(e => new FieldError(e.Field, e.Code)).ToList());
    }

    private static IEnumerable<RoomImportRow> ReadRows(ITabularSource source)
    {
        foreach (var sheet in source.Sheets)
        {
            using var rows = sheet.Rows.GetEnumerator();
            HeaderMap header;
            try { header = HeaderMap.Detect(rows, RoomImportRules.Schema); }
            catch (TabularFormatException e) when (e.Code == TabularError.NoHeader && source.Format == "xlsx") { continue; }
            foreach (var row in header.Pending.Concat(Remaining(rows)))
            {
                if (row.IsBlank) continue;
                yield return new RoomImportRow(row.RowNumber, header.Get(row, "building"), header.Get(row, "floor"), header.Get(row, "number"), header.Get(row, "single"),
                    header.Get(row, "ownBathroom"), header.Get(row, "accessible"), header.Get(row, "familyRoom"), header.Get(row, "beds"), header.Get(row, "negativePressure"));
            }
        }
    }

    private static IEnumerable<TabularRow> Remaining(IEnumerator<TabularRow> rows)
    {
        while (rows.MoveNext()) yield return rows.Current;
    }

    /// <summary>A turnover step or taking a room out of (or back into) service; check-in and check-out go through stays.</summary>
    public async Task<bool> MoveRoomAsync(long roomId, RoomState to, string? reason, int? version, CancellationToken ct = default)
    {
        Actor.Require(Permissions.SitesWork);
        await using var db = await factory.CreateDbContextAsync(ct);
        var room = await db.Rooms.FirstOrDefaultAsync(r => r.Id == roomId, ct);
        if (room is null) return false;
        if (version is { } v && v != room.Version) throw new ConflictException("room.version", "the room was changed by someone else; reload");
        if (to is RoomState.Occupied) throw SiteRefusal.Of(SiteErrors.RoomCheckInRequired);
        if (to is RoomState.OutOfService or RoomState.Ready && await db.Stays.AnyAsync(s => s.OccupiedRoomId == roomId, ct))
            throw new ConflictException(SiteErrors.RoomOccupied, SiteErrors.RoomOccupied);
        var from = room.State;
        var moved = RoomRules.Transition(room, to, Actor.Name, Now, reason);
        if (!moved.Ok) throw SiteRefusal.Of(moved.Error!);
        room.UpdatedAt = Now;
        room.Version++;
        db.RoomEvents.Add(moved.Value!);
        db.Audit.Reason = Text.Tidy(reason) ?? $"room {from} → {to}";
        db.Audit.Rule = "room#turnover";
        try { await db.SaveChangesAsync(ct); }
        catch (DbUpdateConcurrencyException) { throw new ConflictException("room.version", "the room was changed by someone else; reload"); }
        return true;
    }

    /// <summary>Every site the actor sees with its rooms by state, and the county's totals against the alert threshold.</summary>
    public async Task<CapacityView> CapacityAsync(CapacityThreshold threshold, CancellationToken ct = default)
    {
        Actor.Require(Permissions.SitesRead);
        await using var db = await factory.CreateDbContextAsync(ct);
        var sites = await db.QuarantineSites.AsNoTracking().OrderBy(s => s.Level).ThenBy(s => s.Name).ToListAsync(ct);
        var byState = (await db.Rooms.AsNoTracking().GroupBy(r => new { r.SiteId, r.State }).Select(g => new { g.Key.SiteId, g.Key.State, Count = g.Count() }).ToListAsync(ct))
            .ToLookup(x => x.SiteId);
        var held = await HeldAsync(db, null, ct);
        var items = sites.Select(s => Item(s, CapacityRules.Summarize(s, byState[s.Id].ToDictionary(x => x.State, x => x.Count), held.GetValueOrDefault(s.Id)))).ToList();
        var county = CapacityRules.Summarize(items.Select(i => i.Capacity));
        return new CapacityView(county, items, CapacityRules.IsBelow(county, threshold), threshold);
    }

    /// <summary>
    /// Room turnover (check-out to ready) of every site the actor sees over the last <paramref name="days"/> days, so the
    /// county compares its sites' turnover side by side. Only the two kinds of event a turnover is made of are read.
    /// </summary>
    public async Task<IReadOnlyDictionary<long, TurnoverSummary>> TurnoverBySiteAsync(int days = 14, CancellationToken ct = default)
    {
        Actor.Require(Permissions.SitesRead);
        await using var db = await factory.CreateDbContextAsync(ct);
        var since = Now.AddDays(-Math.Clamp(days, 1, 90));
        var sites = await db.QuarantineSites.AsNoTracking().Select(s => s.Id).ToListAsync(ct);
        var events = await db.RoomEvents.AsNoTracking()
            .Where(e => sites.Contains(e.SiteId) && e.At >= since && ((e.From == RoomState.Occupied && e.To == RoomState.AwaitingDisinfection) || e.To == RoomState.Ready))
            .ToListAsync(ct);
        return events.GroupBy(e => e.SiteId).ToDictionary(g => g.Key, g => RoomRules.Summarize(g));
    }

    /// <summary>
    /// The low-capacity alert as a notice to the county command centre: when the county's free rooms fall under the
    /// threshold, once a county day while they stay under (run by the sweep with the county's scope). True when told.
    /// </summary>
    public async Task<bool> WatchCapacityAsync(CapacityThreshold threshold, DateOnly today, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var county = Actor.Scope.CountyCode;
        var key = $"capacity-low:{today:yyyyMMdd}";
        // Told already today: nothing to compute (every node runs this on every sweep).
        if (await db.Notifications.AnyAsync(n => n.CountyCode == county && n.DedupKey == key, ct)) return false;
        var view = await CapacityAsync(threshold, ct);
        if (!view.BelowThreshold || view.County.Usable == 0 && view.Sites.Count == 0) return false;
        Notifications.Notifier.Add(db, county, county, Core.Notifications.NotificationKinds.CapacityLow, 0, view.County.Free, null,
            $"{view.County.Free}/{view.County.Usable}", "/sites", key, Now);
        try { await db.SaveChangesAsync(ct); }
        catch (DbUpdateException) { return false; } // another node told the county first
        return true;
    }

    /// <summary>
    /// The next 7 days of demand: people at the sites now until the day they leave (from their stays), people whose order
    /// sends them to a site and who wait for a room (until their site phase ends), plus new
    /// centralized orders at the recent daily rate (last 7 days) for as long as a stay lasts under the rules in force.
    /// For one site (<paramref name="siteId"/>): the people at that site, and its share of the new demand in proportion to
    /// its usable rooms; null when the actor does not see the site.
    /// </summary>
    public async Task<IReadOnlyList<ForecastDay>?> ForecastAsync(CapacityThreshold threshold, DateOnly today, long? siteId = null, CancellationToken ct = default)
    {
        Actor.Require(Permissions.SitesRead);
        var view = await CapacityAsync(threshold, ct);
        var usable = view.County.Usable;
        var share = 1m;
        if (siteId is { } id)
        {
            if (view.Sites.FirstOrDefault(s => s.Id == id) is not { } site) return null;
            share = usable == 0 ? 0m : (decimal)site.Capacity.Usable / usable;
            usable = site.Capacity.Usable;
        }
        await using var db = await factory.CreateDbContextAsync(ct);
        var leaving = await db.Stays.AsNoTracking().Where(s => s.OccupiedRoomId != null && (siteId == null || s.SiteId == siteId)).Select(s => s.LeaveOn).ToListAsync(ct);
        var from = today.AddDays(-7);
        var measures = await db.Orders.AsNoTracking().SelectMany(o => o.Measures)
            .Where(m => m.Kind == Core.Policy.MeasureKinds.CentralizedQuarantine && m.From >= from && m.From < today)
            .Select(m => new { m.From, m.To }).ToListAsync(ct);
        var daily = Enumerable.Range(0, 7).Select(i => measures.Count(m => m.From == from.AddDays(i))).ToList();
        var days = measures.Count == 0 ? 7 : (int)Math.Round(measures.Average(m => m.To.DayNumber - m.From.DayNumber + 1));
        var waiting = (await StayService.WaitingOrdersAsync(db, ct)).Select(o => StayRules.SitePhaseOf(o, today)?.LeaveOn).ToList();
        return CapacityRules.Forecast(new ForecastInput(today, leaving, daily, share, Math.Max(1, days), usable, threshold, WaitingLeaveOn: waiting));
    }

    /// <summary>
    /// Occupancy over the <paramref name="days"/> days up to <paramref name="today"/>: people at the sites the actor sees
    /// (or at one site) each night, admissions and discharges per day, against the rooms the sites run with now. Only
    /// the stays that overlap the window are read, two dates each.
    /// </summary>
    public async Task<IReadOnlyList<OccupancyDay>?> OccupancyAsync(DateOnly today, int days = 30, long? siteId = null, CancellationToken ct = default)
    {
        Actor.Require(Permissions.SitesRead);
        days = Math.Clamp(days, 1, 366);
        var from = today.AddDays(1 - days);
        var zone = Zone;
        var start = CountyClock.StartOfDay(from, zone);
        var end = CountyClock.StartOfDay(today.AddDays(1), zone);
        int capacity;
        await using var db = await factory.CreateDbContextAsync(ct);
        var stays = db.Stays.AsNoTracking().Where(s => s.CheckedInAt != null && s.CheckedInAt < end && (s.CheckedOutAt == null || s.CheckedOutAt >= start));
        if (siteId is { } id)
        {
            var site = await db.QuarantineSites.AsNoTracking().FirstOrDefaultAsync(s => s.Id == id, ct);
            if (site is null) return null;
            capacity = Math.Max(0, await db.Rooms.AsNoTracking().CountAsync(r => r.SiteId == id && r.State != RoomState.OutOfService, ct) - site.ReserveRooms);
            stays = stays.Where(s => s.SiteId == id);
        }
        else capacity = (await CapacityAsync(new CapacityThreshold(), ct)).County.Usable;
        var rows = await stays.Select(s => new { s.CheckedInAt, s.CheckedOutAt }).ToListAsync(ct);
        return OccupancyRules.Daily(from, today,
            rows.Select(r => new StayDays(CountyClock.DateOf(r.CheckedInAt!.Value, zone), r.CheckedOutAt is { } o ? CountyClock.DateOf(o, zone) : null)), capacity);
    }

    /// <summary>A site's roster as xlsx (who is in which room, identifiers masked), or false when the site is not visible.</summary>
    public async Task<bool> RosterAsync(long siteId, Stream output, CancellationToken ct = default)
    {
        Actor.Require(Permissions.SitesRead);
        await using var db = await factory.CreateDbContextAsync(ct);
        var site = await db.QuarantineSites.AsNoTracking().FirstOrDefaultAsync(s => s.Id == siteId, ct);
        if (site is null) return false;
        var stays = await (from s in db.Stays.AsNoTracking()
                           join r in db.Rooms.AsNoTracking() on s.RoomId equals r.Id
                           where s.SiteId == siteId && s.OccupiedRoomId != null
                           orderby r.Building, r.Floor, r.Number, s.Bed
                           select new { r.Building, r.Floor, r.Number, s.Bed, s.PersonId, s.Status, s.AllocatedAt, s.CheckedInAt, s.LeaveOn, s.OrderId }).ToListAsync(ct);
        var ids = stays.Select(s => s.PersonId).Distinct().ToList();
        var people = await db.People.IgnoreQueryFilters().AsNoTracking().Where(p => ids.Contains(p.Id) && p.CountyCode == site.CountyCode)
            .ToDictionaryAsync(p => p.Id, p => new { p.Name, p.DocumentMasked, p.PhoneMasked }, ct);
        var rows = stays.Select(s => new { s.Building, s.Floor, s.Number, s.Bed, people[s.PersonId].Name, people[s.PersonId].DocumentMasked, people[s.PersonId].PhoneMasked,
            s.Status, s.AllocatedAt, s.CheckedInAt, s.LeaveOn, s.OrderId }).ToList();
        var zone = Zone;
        string Local(DateTime? utc) => utc is { } u ? TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(u, DateTimeKind.Utc), zone).ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture) : "";
        using var xlsx = new XlsxWriter(output);
        xlsx.AddSheet("隔离人员名册", ["楼栋", "楼层", "房号", "床位", "姓名", "身份证号", "手机号", "状态", "分配时间", "入住时间", "预计离点", "管控措施编号"],
            [10, 6, 8, 6, 10, 22, 16, 10, 18, 18, 12, 12]);
        foreach (var r in rows)
            xlsx.WriteRow(r.Building, r.Floor, r.Number, r.Bed, r.Name, r.DocumentMasked, r.PhoneMasked, r.Status == StayStatus.CheckedIn ? "已入住" : "已分配",
                Local(r.AllocatedAt), Local(r.CheckedInAt), r.LeaveOn?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), r.OrderId);
        db.Audit.Record(Core.Audit.AuditKind.Access, "site.roster", site.CountyCode, site.ScopeKey, "QuarantineSite", site.Id.ToString(System.Globalization.CultureInfo.InvariantCulture),
            reason: "roster export (masked)", rule: "export");
        await db.SaveChangesAsync(ct);
        return true;
    }

    /// <summary>Ready rooms held by an allocation not yet checked in, per site.</summary>
    private static async Task<Dictionary<long, int>> HeldAsync(FangkongDb db, long? siteId, CancellationToken ct)
    {
        var q = from s in db.Stays.AsNoTracking()
                join r in db.Rooms.AsNoTracking() on s.RoomId equals r.Id
                where s.OccupiedRoomId != null && r.State == RoomState.Ready
                select new { s.SiteId, s.RoomId };
        if (siteId is { } id) q = q.Where(x => x.SiteId == id);
        return (await q.Distinct().GroupBy(x => x.SiteId).Select(g => new { g.Key, Count = g.Count() }).ToListAsync(ct)).ToDictionary(x => x.Key, x => x.Count);
    }

    private SiteItem Item(QuarantineSite s, SiteCapacity capacity) =>
        new(s.Id, s.Name, s.Level, s.Status, s.ScopeKey, directory.PlaceLabel(s.ScopeKey), s.OperatorUnit, s.LeadName, s.Address, s.ReserveRooms, capacity, s.Version,
            Core.Identifiers.Masking.Phone(s.LeadPhone), s.Contact, s.AddressNodeId,
            s.AddressNodeId is { } node && directory.Official(node) is { } place ? directory.PlaceLabel(place.ScopeKey) : null);

    /// <summary>One room as its edit form shows it (who is in it left out): null when the room is not the actor's.</summary>
    public async Task<RoomDetail?> RoomAsync(long roomId, CancellationToken ct = default)
    {
        Actor.Require(Permissions.SitesRead);
        await using var db = await factory.CreateDbContextAsync(ct);
        var r = await db.Rooms.AsNoTracking().FirstOrDefaultAsync(x => x.Id == roomId, ct);
        if (r is null) return null;
        var siteName = await db.QuarantineSites.AsNoTracking().Where(x => x.Id == r.SiteId).Select(x => x.Name).FirstOrDefaultAsync(ct) ?? "";
        return new RoomDetail(r.SiteId, siteName, new BoardRoom(r.Id, r.Building, r.Floor, r.Number, r.State, r.Single, r.OwnBathroom, r.Accessible, r.FamilyRoom,
            r.Beds, r.NegativePressure, r.OutOfServiceReason, r.StateChangedAt, r.Version, []), r.Holders);
    }

    /// <summary>One site's rooms floor by floor with who is in them (names only; identifiers stay on the order page).</summary>
    public async Task<RoomBoard?> BoardAsync(long siteId, CancellationToken ct = default)
    {
        Actor.Require(Permissions.SitesRead);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await using var db = await factory.CreateDbContextAsync(ct);
        var site = await db.QuarantineSites.AsNoTracking().FirstOrDefaultAsync(s => s.Id == siteId, ct);
        if (site is null) return null;
        var rooms = await db.Rooms.AsNoTracking().Where(r => r.SiteId == siteId).ToListAsync(ct);
        var stays = await db.Stays.AsNoTracking().Where(s => s.SiteId == siteId && s.OccupiedRoomId != null)
            .Select(s => new { s.Id, s.RoomId, s.OrderId, s.PersonId, s.Status, s.Bed, s.LeaveOn }).ToListAsync(ct);
        var names = await StayService.NamesAsync(db, site.CountyCode, stays.Select(s => s.PersonId), ct);
        var occupants = stays.ToLookup(o => o.RoomId, o => new RoomOccupant(o.Id, o.OrderId, o.PersonId, names.GetValueOrDefault(o.PersonId, ""), o.Status, o.Bed, o.LeaveOn));
        var since = Now.AddDays(-14);
        var events = await db.RoomEvents.AsNoTracking().Where(e => e.SiteId == siteId && e.At >= since).OrderBy(e => e.At).ToListAsync(ct);
        var held = rooms.Where(r => r.State == RoomState.Ready && occupants[r.Id].Any()).Select(r => r.Id).ToHashSet();
        var capacity = CapacityRules.Summarize(site, rooms, held);
        var board = rooms.OrderBy(r => r.Building, StringComparer.Ordinal).ThenBy(r => r.Floor).ThenBy(r => r.Number, RoomNumberComparer.Instance)
            .Select(r => new BoardRoom(r.Id, r.Building, r.Floor, r.Number, r.State, r.Single, r.OwnBathroom, r.Accessible, r.FamilyRoom, r.Beds, r.NegativePressure,
                r.OutOfServiceReason, r.StateChangedAt, r.Version, occupants[r.Id].OrderBy(o => o.Bed).ToList()))
            .ToList();
        return new RoomBoard(Item(site, capacity), board, RoomRules.Summarize(events), clock.ElapsedMilliseconds);
    }
}
