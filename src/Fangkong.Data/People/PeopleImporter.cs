using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using Fangkong.Core;
using Fangkong.Core.Accounts;
using Fangkong.Core.Audit;
using Fangkong.Core.Identifiers;
using Fangkong.Core.Jurisdictions;
using Fangkong.Core.People;
using Fangkong.Core.Tabular;
using Fangkong.Data.Imports;
using Fangkong.Data.Infrastructure;
using Fangkong.Data.Jurisdictions;
using Fangkong.Data.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Fangkong.Data.People;

/// <summary>
/// A refused row: where, the stable code of why (put into words by the page), the English sentence for logs and the
/// command line, the value as the row had it (identifiers masked), and for an address the resolver's note.
/// </summary>
public sealed record ImportRejection(string? Sheet, int Row, string? Field, string Code, string Reason, string? Value, AddressNote? Note = null);

public sealed record ImportSummary(
    long JobId,
    string FileName,
    string? Format,
    int Rows,
    int Imported,
    int Updated,
    int Unchanged,
    int Rejected,
    IReadOnlyList<ImportRejection> FirstRejections,
    IReadOnlyList<string> UnknownColumns,
    long ElapsedMs,
    string Status,
    string? Error);

public sealed record ImportProgress(int Rows, int Imported, int Updated, int Rejected);

/// <summary>What to do with a row whose resident ID number is present but invalid.</summary>
public enum InvalidIdPolicy
{
    /// <summary>Refuse the row with the reason (a registry stays clean; the cadre fixes the row and imports again).</summary>
    Reject,
    /// <summary>Keep the person, flagged, for lists where everyone must be found even with a mistyped ID.</summary>
    Flag,
}

/// <summary>
/// Imports the people registry (and with it households) from xlsx or csv (UTF-8, UTF-8 with BOM, GBK), census sheets
/// included. Streaming and set-based: rows are read one by one, normalised in parallel, matched against the registry
/// by blind index, and written by the bulk writer in batches — all in one transaction, so a failure leaves nothing
/// half-written while every refused row is reported with its row number, field and reason.
/// Reads across the county to find people already registered, and enforces the importer's own jurisdiction on every
/// row itself: a row outside it is refused, and nobody registered elsewhere is moved.
/// </summary>
public sealed class PeopleImporter(IServiceScopeFactory scopes, IActorAccessor actorAccessor, IOptions<FangkongOptions> options, CountyResolvers resolvers, Core.Security.FieldProtector protector)
{
    public const int BatchSize = 5000;
    private FangkongOptions Settings => options.Value;
    private AddressResolver ResolverFor(string county) => resolvers.For(county);
    private Core.Security.FieldProtector Protector => protector;
    public const int SummaryRejections = 20;

    public static readonly TabularSchema Schema = new(
    [
        new TabularField("name", true, "姓名", "名字", "人员姓名", "居民姓名", "name", "fullName", "full_name"),
        new TabularField("documentType", false, "证件类型", "documentType", "document_type", "idType"),
        new TabularField("idNumber", false, "身份证号", "身份证号码", "公民身份号码", "证件号码", "证件号", "身份证", "idNumber", "id_number", "idCard", "ID"),
        new TabularField("phone", false, "手机号", "手机号码", "联系电话", "电话", "联系方式", "电话号码", "phone", "mobile", "tel"),
        new TabularField("address", false, "现住址", "现居住地址", "现居住地", "居住地址", "住址", "家庭住址", "详细地址", "现住地址", "address"),
        new TabularField("township", false, "乡镇", "乡镇(街道)", "乡镇（街道）", "乡镇街道", "街道", "township"),
        new TabularField("village", false, "村", "村(社区)", "村（社区）", "村社区", "社区", "村居", "行政村", "所属村", "所属社区", "village", "community"),
        new TabularField("group", false, "组", "村民小组", "小组", "group"),
        new TabularField("grid", false, "网格", "所属网格", "网格号", "grid"),
        new TabularField("building", false, "楼栋", "楼号", "栋", "楼栋号", "building"),
        new TabularField("unit", false, "单元", "单元号", "unit"),
        new TabularField("room", false, "房号", "门牌号", "房间号", "室", "room", "door"),
        new TabularField("household", false, "户号", "户编号", "户编码", "household", "householdNo"),
        new TabularField("relation", false, "与户主关系", "与户主的关系", "关系", "relation"),
        new TabularField("sex", false, "性别", "sex", "gender"),
        new TabularField("birthDate", false, "出生日期", "出生年月", "birthDate", "birth_date"),
        new TabularField("residence", false, "居住状态", "人员状态", "常住类型", "在家情况", "residence"),
        new TabularField("awayLocation", false, "外出地点", "现所在地", "外出去向", "外出地址", "awayLocation"),
        new TabularField("occupation", false, "职业", "occupation"),
        new TabularField("workplace", false, "工作单位", "单位", "就读学校", "workplace"),
        new TabularField("categories", false, "人员类别", "重点人群", "类别", "重点人员类别", "categories"),
        new TabularField("note", false, "备注", "note", "remarks"),
    ]);

    public async Task<ImportSummary> ImportAsync(string path, string fileName, InvalidIdPolicy invalidIds = InvalidIdPolicy.Reject,
        IProgress<ImportProgress>? progress = null, CancellationToken ct = default)
    {
        var actor = actorAccessor.Current;
        actor.Require(Permissions.PeopleImport);
        if (actor.Scope.All) throw new InvalidOperationException("An import acts for a county: give the actor a county scope.");
        var clock = Stopwatch.StartNew();
        var fileBytes = new FileInfo(path).Length;
        var sha = await HashAsync(path, ct);

        var job = await CreateJobAsync(actor, fileName, sha, fileBytes, ct);
        try
        {
            await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
            using var source = TabularFile.Open(file, fileName);
            var run = new ImportRun(this, actor, job, invalidIds, progress, lookUp: ImportOptions.EstimatedRows(fileBytes) <= Settings.Import.LookUpRowLimit);
            await run.ExecuteAsync(source, ct);
            return run.Summary(clock.ElapsedMilliseconds);
        }
        catch (Exception e) when (e is TabularFormatException or InvalidDataException or IOException)
        {
            var message = e is TabularFormatException t ? $"{t.Code}: {t.Message}" : e.Message;
            await FailJobAsync(job.Id, message, clock.ElapsedMilliseconds);
            return new ImportSummary(job.Id, fileName, null, 0, 0, 0, 0, 0,
                [new ImportRejection(null, (e as TabularFormatException)?.RowNumber ?? 0, (e as TabularFormatException)?.Column, TabularFormatException.CodeOf(e), message, null)],
                [], clock.ElapsedMilliseconds, ImportStatus.Failed.ToString(), message);
        }
        catch (Exception e)
        {
            await FailJobAsync(job.Id, e.GetType().Name + ": " + e.Message, clock.ElapsedMilliseconds);
            throw;
        }
    }

    private static async Task<string> HashAsync(string path, CancellationToken ct)
    {
        await using var stream = File.OpenRead(path);
        return Convert.ToHexString(await SHA256.HashDataAsync(stream, ct)).ToLowerInvariant();
    }

    private AsyncServiceScope SystemScope(Actor actor, out FangkongDb db)
    {
        var scope = scopes.CreateAsyncScope();
        // The real actor's name and id (the audit trail says who imported), with a county-wide read scope so people
        // registered anywhere in the county are found; the import enforces the actor's own scope row by row.
        scope.ServiceProvider.GetRequiredService<ActorAccessor>().Current = actor with { Scope = JurisdictionScope.Of(actor.Scope.CountyCode, actor.Scope.CountyCode) };
        db = scope.ServiceProvider.GetRequiredService<IDbContextFactory<FangkongDb>>().CreateDbContext();
        return scope;
    }

    private async Task<ImportJob> CreateJobAsync(Actor actor, string fileName, string sha, long bytes, CancellationToken ct)
    {
        await using var scope = SystemScope(actor, out var db);
        await using var _ = db;
        var job = new ImportJob
        {
            CountyCode = actor.Scope.CountyCode,
            ScopeKey = actor.Scope.Prefix,
            Kind = "people",
            FileName = Path.GetFileName(fileName).Length > 260 ? Path.GetFileName(fileName)[..260] : Path.GetFileName(fileName),
            FileSha256 = sha,
            FileBytes = bytes,
            Status = ImportStatus.Running,
            ActorId = actor.Id,
            ActorName = actor.Name,
            StartedAt = DateTime.UtcNow,
        };
        db.ImportJobs.Add(job);
        await db.SaveChangesAsync(ct);
        return job;
    }

    private async Task FailJobAsync(long jobId, string error, long elapsed)
    {
        await using var scope = SystemScope(actorAccessor.Current, out var db);
        await using var _ = db;
        await db.ImportJobs.Where(j => j.Id == jobId).ExecuteUpdateAsync(s => s
            .SetProperty(j => j.Status, ImportStatus.Failed)
            .SetProperty(j => j.Error, error.Length > 2000 ? error[..2000] : error)
            .SetProperty(j => j.FinishedAt, DateTime.UtcNow)
            .SetProperty(j => j.ElapsedMs, elapsed));
    }

    /// <summary>The state of one import: counters, rejected rows, and the caches of households created on the way.</summary>
    private sealed class ImportRun(PeopleImporter owner, Actor actor, ImportJob job, InvalidIdPolicy invalidIds, IProgress<ImportProgress>? progress, bool lookUp)
    {
        /// <summary>A short file looks up only the registered people its rows name (see <see cref="ImportOptions.LookUpRowLimit"/>).</summary>
        private readonly bool _lookUp = lookUp;
        private readonly HashSet<HashKey> _asked = [];
        private readonly List<ImportRowError> _errors = [];
        private readonly HashSet<string> _unknownColumns = [];
        private readonly Dictionary<HashKey, int> _seenIds = [];
        private int _rows, _imported, _updated, _unchanged, _rejected;
        private string? _format;
        private DateOnly _today;
        private AddressResolver _resolver = null!;
        private Dictionary<string, long> _categories = null!;
        private Dictionary<string, JurisdictionNode> _nodes = null!;
        private readonly Dictionary<string, Dictionary<(JurisdictionLevel, string), JurisdictionNode>> _childrenByParent = new(StringComparer.Ordinal);
        private readonly Dictionary<JurisdictionNode, JurisdictionNode> _newParents = new(ReferenceEqualityComparer.Instance);
        private readonly Dictionary<string, int> _nextNumber = new(StringComparer.Ordinal);
        private readonly int _maxErrors = owner.Settings.Import.MaxRowErrors;
        private Dictionary<HashKey, ExistingPerson>? _registered;
        private readonly System.Collections.Concurrent.ConcurrentDictionary<string, AddressResolution> _resolved = new(StringComparer.Ordinal);

        public async Task ExecuteAsync(ITabularSource source, CancellationToken ct)
        {
            var county = actor.Scope.CountyCode;
            _format = source.Format == "xlsx" ? "xlsx" : $"csv/{source.EncodingName}";
            _today = CountyClock.Today(TimeProvider.System, owner.Settings.TimeZone);
            _resolver = owner.ResolverFor(county);
            await using var scope = owner.SystemScope(actor, out var db);
            await using var _ = db;
            _categories = (await db.Categories.AsNoTracking().ToListAsync(ct))
                .SelectMany(c => new[] { (c.Code, c.Id), (c.NameZh, c.Id), (c.NameEn.ToLowerInvariant(), c.Id) })
                .GroupBy(x => x.Item1).ToDictionary(g => g.Key, g => g.First().Id, StringComparer.Ordinal);
            _nodes = await db.Nodes.AsNoTracking().Where(n => n.Level <= JurisdictionLevel.Village).ToDictionaryAsync(n => n.ScopeKey, ct);

            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            var writer = new BulkWriter(db);
            // The first load of a registry builds the people indexes once at the end instead of row by row.
            var suspended = await writer.SuspendIndexesIfEmptyAsync<Person>(ct);
            var suspendedLinks = await writer.SuspendIndexesIfEmptyAsync<PersonCategory>(ct);
            foreach (var sheet in source.Sheets)
            {
                using var rows = sheet.Rows.GetEnumerator();
                HeaderMap header;
                try
                {
                    header = HeaderMap.Detect(rows, Schema);
                }
                catch (TabularFormatException e) when (e.Code == TabularError.NoHeader && source.Format == "xlsx")
                {
                    continue; // a census workbook may hold cover or summary sheets without a people list
                }
                foreach (var unknown in header.Unknown) _unknownColumns.Add(unknown.Header);
                foreach (var duplicate in header.DuplicateKeys)
                    Reject(sheet.Name, header.HeaderRowNumber, duplicate, "header.duplicate-column", null);
                // Three stages overlap: this thread reads rows, the thread pool normalises the previous batch, and the
                // batch before that is written. Only the writing stage touches the database.
                Task? writing = null;
                var batch = new List<RawRow>(BatchSize);
                foreach (var row in header.Pending.Concat(Remaining(rows)))
                {
                    if (row.IsBlank) continue;
                    batch.Add(RawRow.From(row, header, source.Format == "xlsx"));
                    if (batch.Count == BatchSize)
                    {
                        writing = await NextAsync(db, writer, batch, writing, ct);
                        batch = new List<RawRow>(BatchSize);
                    }
                }
                if (batch.Count > 0) writing = await NextAsync(db, writer, batch, writing, ct);
                if (writing is not null) await writing;
            }

            if (suspended is not null) await suspended.DisposeAsync();
            if (suspendedLinks is not null) await suspendedLinks.DisposeAsync();
            var saved = _errors.Take(_maxErrors).ToList();
            foreach (var e in saved) { e.ImportJobId = job.Id; e.CountyCode = county; e.ScopeKey = job.ScopeKey; }
            var ids = await writer.AllocateIdsAsync<ImportRowError>(saved.Count, ct);
            for (var i = 0; i < saved.Count; i++) saved[i].Id = ids[i];
            await writer.InsertAsync(saved, ct);

            var tracked = await db.ImportJobs.FirstAsync(j => j.Id == job.Id, ct);
            tracked.Status = ImportStatus.Completed;
            tracked.Format = _format;
            tracked.Rows = _rows;
            tracked.Imported = _imported;
            tracked.Updated = _updated;
            tracked.Unchanged = _unchanged;
            tracked.Rejected = _rejected;
            tracked.FinishedAt = DateTime.UtcNow;
            db.Audit.Record(AuditKind.System, "people.import", county, job.ScopeKey, "ImportJob", job.Id.ToString(CultureInfo.InvariantCulture),
                new AuditChanges()
                    .Set("File", null, job.FileName)
                    .Set("Sha256", null, job.FileSha256)
                    .Set("Rows", null, _rows.ToString(CultureInfo.InvariantCulture))
                    .Set("Imported", null, _imported.ToString(CultureInfo.InvariantCulture))
                    .Set("Updated", null, _updated.ToString(CultureInfo.InvariantCulture))
                    .Set("Rejected", null, _rejected.ToString(CultureInfo.InvariantCulture)),
                reason: "registry import", rule: $"import:{job.Id}");
            db.Audit.Rule = $"import:{job.Id}";
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
            if (_imported + _updated > 10_000) await BulkWriter.AnalyzeAsync(db, ct);
        }

        private static IEnumerable<TabularRow> Remaining(IEnumerator<TabularRow> rows)
        {
            while (rows.MoveNext()) yield return rows.Current;
        }

        public ImportSummary Summary(long elapsed)
        {
            var first = _errors.Take(SummaryRejections).Select(e => new ImportRejection(e.Sheet, e.RowNumber, e.Field, e.Code, e.Message, e.Value, AddressNote.Read(e.Note))).ToList();
            return new ImportSummary(job.Id, job.FileName, _format, _rows, _imported, _updated, _unchanged, _rejected, first,
                _unknownColumns.Order().ToList(), elapsed, ImportStatus.Completed.ToString(), null);
        }

        private void Reject(string? sheet, int row, string? field, string code, string? value, AddressNote? note = null)
        {
            _rejected++;
            if (_errors.Count < _maxErrors)
                _errors.Add(new ImportRowError
                {
                    Sheet = sheet, RowNumber = row, Field = field, Code = code, Message = ErrorText.For(code), Value = value is { Length: > 200 } ? value[..200] : value,
                    Note = AddressNote.Store(note, ImportRowError.NoteMaxLength),
                });
        }

        /// <summary>Starts normalising a batch, waits for the previous write, and returns the write of this batch.</summary>
        private async Task<Task> NextAsync(FangkongDb db, BulkWriter writer, List<RawRow> batch, Task? previous, CancellationToken ct)
        {
            // Normalising, validating and hashing are pure and run in parallel; everything after is ordered.
            var normalizing = Task.Run(() => batch.AsParallel().AsOrdered().Select(Normalize).ToList(), ct);
            if (previous is not null) await previous;
            return WriteAsync(db, writer, batch.Count, normalizing, ct);
        }

        private async Task WriteAsync(FangkongDb db, BulkWriter writer, int rowCount, Task<List<Candidate>> normalizing, CancellationToken ct)
        {
            var candidates = await normalizing;
            _rows += rowCount;
            var existing = _lookUp ? await LookUpAsync(db, candidates, ct) : _registered ??= await RegisteredAsync(db, actor.Scope.CountyCode, ct);

            var newNodes = new List<JurisdictionNode>();
            var inserts = new List<(Candidate Candidate, JurisdictionNode Node)>();
            var updates = new List<(Candidate Candidate, JurisdictionNode Node, long PersonId)>();
            foreach (var c in candidates)
            {
                if (c.Error is { } error) { Reject(c.Raw.Sheet, c.Raw.Row, error.Field, error.Code, error.Value, error.Note); continue; }
                if (c.DocumentHash is not null)
                {
                    var key = new HashKey(c.DocumentHash);
                    if (_seenIds.TryGetValue(key, out var firstRow))
                    {
                        Reject(c.Raw.Sheet, c.Raw.Row, "idNumber", "id.duplicate-in-file:" + firstRow.ToString(CultureInfo.InvariantCulture), c.Document?.Masked);
                        continue;
                    }
                    _seenIds[key] = c.Raw.Row;
                }
                var village = _nodes[c.VillageKey!];
                if (!actor.Scope.Contains(village.CountyCode, village.ScopeKey))
                {
                    Reject(c.Raw.Sheet, c.Raw.Row, "address", "address.outside-scope", c.Raw.Address ?? c.Raw.Village);
                    continue;
                }
                ExistingPerson? found = c.DocumentHash is null ? null : existing.GetValueOrDefault(new HashKey(c.DocumentHash));
                if (found is not null && !actor.Scope.Contains(found.CountyCode, found.ScopeKey))
                {
                    Reject(c.Raw.Sheet, c.Raw.Row, "idNumber", "person.outside-scope", c.Document?.Masked);
                    continue;
                }
                var node = await PlaceAsync(db, village, c.Dwelling, c.Raw.Address, newNodes, ct);
                if (found is null) inserts.Add((c, node));
                else updates.Add((c, node, found.Id));
            }

            var nodeIds = await writer.AllocateIdsAsync<JurisdictionNode>(newNodes.Count, ct);
            for (var i = 0; i < newNodes.Count; i++) newNodes[i].Id = nodeIds[i];
            foreach (var node in newNodes)
                if (node.ParentId is null) node.ParentId = _newParents[node].Id; // parents precede children: keyed already
            _newParents.Clear();
            await writer.InsertAsync(newNodes, ct);

            var people = inserts.Select(x => ToPerson(db, x.Candidate, x.Node)).ToList();
            var personIds = await writer.AllocateIdsAsync<Person>(people.Count, ct);
            var links = new List<PersonCategory>();
            for (var i = 0; i < people.Count; i++)
            {
                people[i].Id = personIds[i];
                links.AddRange(inserts[i].Candidate.CategoryIds.Select(id => new PersonCategory { PersonId = people[i].Id, CategoryId = id, CountyCode = people[i].CountyCode }));
            }
            await writer.InsertAsync(people, ct);
            await writer.InsertAsync(links, ct);
            _imported += people.Count;

            if (updates.Count > 0) await UpdateAsync(db, updates, ct);
            progress?.Report(new ImportProgress(_rows, _imported, _updated, _rejected));
        }

        private sealed record ExistingPerson(long Id, string CountyCode, string ScopeKey);

        /// <summary>
        /// The county's registered people by blind index, read once per import in one ordered scan: far cheaper than a
        /// look-up per batch, and a county's registry (600,000 people ≈ 50 MB here) fits in memory comfortably.
        /// </summary>
        private static async Task<Dictionary<HashKey, ExistingPerson>> RegisteredAsync(FangkongDb db, string county, CancellationToken ct)
        {
            var result = new Dictionary<HashKey, ExistingPerson>();
            await foreach (var r in db.People.AsNoTracking().Where(p => p.CountyCode == county && p.DocumentHash != null)
                               .Select(p => new { p.Id, p.CountyCode, p.ScopeKey, p.DocumentHash }).AsAsyncEnumerable().WithCancellation(ct))
                result[new HashKey(r.DocumentHash!)] = new ExistingPerson(r.Id, r.CountyCode, r.ScopeKey);
            return result;
        }

        /// <summary>The registered people a short file's chunk names by their ID numbers, added to those found for earlier chunks.</summary>
        private async Task<Dictionary<HashKey, ExistingPerson>> LookUpAsync(FangkongDb db, List<Candidate> candidates, CancellationToken ct)
        {
            var registered = _registered ??= [];
            var keys = candidates.Where(c => c.Error is null && c.DocumentHash is not null && _asked.Add(new HashKey(c.DocumentHash))).Select(c => c.DocumentHash!).ToList();
            await KeyLookUp.ReadAsync(db, "\"Id\", \"CountyCode\", \"ScopeKey\", \"DocumentHash\"", "People", actor.Scope.CountyCode, "DocumentHash", keys, null,
                r => registered[new HashKey((byte[])r.GetValue(3))] = new ExistingPerson(r.GetInt64(0), r.GetString(1), r.GetString(2)), ct);
            return registered;
        }

        /// <summary>Updates registered people with the non-empty cells of their rows; each change is audited with old → new.</summary>
        private async Task UpdateAsync(FangkongDb db, List<(Candidate Candidate, JurisdictionNode Node, long PersonId)> updates, CancellationToken ct)
        {
            var ids = updates.Select(u => u.PersonId).ToList();
            var people = await db.People.Include(p => p.Categories).Where(p => ids.Contains(p.Id)).ToDictionaryAsync(p => p.Id, ct);
            foreach (var (c, node, id) in updates)
            {
                var p = people[id];
                if (c.Phone is not null && c.Phone != p.Phone) p.SetPhone(c.Phone, c.PhoneHash);
                p.Name = c.Name!;
                if (c.AddressText is not null) p.AddressText = c.AddressText;
                // Only a more precise place moves a person: a row that names just the village keeps their household.
                if (p.NodeId != node.Id && !(node.Level == JurisdictionLevel.Village && p.ScopeKey.StartsWith(node.ScopeKey, StringComparison.Ordinal)))
                {
                    p.NodeId = node.Id;
                    p.ScopeKey = node.ScopeKey;
                }
                if (c.Raw.Relation is not null) p.Relation = c.Raw.Relation;
                if (c.Residence is { } residence) p.Residence = residence;
                if (c.Raw.AwayLocation is not null) p.AwayLocation = c.Raw.AwayLocation;
                if (c.Raw.Occupation is not null) p.Occupation = c.Raw.Occupation;
                if (c.Raw.Workplace is not null) p.Workplace = c.Raw.Workplace;
                if (c.Raw.Note is not null) p.Note = c.Raw.Note;
                foreach (var categoryId in c.CategoryIds.Where(k => p.Categories.All(x => x.CategoryId != k)))
                    p.Categories.Add(new PersonCategory { PersonId = p.Id, CategoryId = categoryId, CountyCode = p.CountyCode });
                var changed = db.Entry(p).Properties.Any(x => x.IsModified) || db.ChangeTracker.Entries<PersonCategory>().Any(x => x.State == EntityState.Added && x.Entity.PersonId == p.Id);
                if (changed)
                {
                    p.UpdatedAt = DateTime.UtcNow;
                    p.Version++;
                    _updated++;
                }
                else
                {
                    _unchanged++;
                }
            }
            db.Audit.Reason = $"registry import {job.FileName}";
            db.Audit.Rule = $"import:{job.Id}";
            await db.SaveChangesAsync(ct);
            db.ChangeTracker.Clear();
        }

        private Person ToPerson(FangkongDb db, Candidate c, JurisdictionNode node)
        {
            var now = DateTime.UtcNow;
            var person = new Person
            {
                CountyCode = node.CountyCode,
                ScopeKey = node.ScopeKey,
                NodeId = node.Id,
                Name = c.Name!,
                DocumentType = c.Document?.Type ?? DocumentType.None,
                DocumentNumber = c.Document?.Number,
                DocumentHash = c.DocumentHash,
                DocumentMasked = c.Document?.Masked,
                IdValid = c.Document?.Valid ?? false,
                IdIssue = c.Document?.Issue,
                BirthDate = c.BirthDate,
                Sex = c.Sex,
                AddressText = c.AddressText,
                Relation = c.Raw.Relation,
                Residence = c.Residence ?? ResidenceStatus.Resident,
                AwayLocation = c.Raw.AwayLocation,
                Occupation = c.Raw.Occupation,
                Workplace = c.Raw.Workplace,
                Vulnerable = PersonRules.AgeFlags(c.BirthDate, _today),
                Note = c.Raw.Note,
                CreatedAt = now,
                UpdatedAt = now,
                ImportJobId = job.Id,
                Version = 1,
            };
            person.SetPhone(c.Phone, c.PhoneHash);
            return person;
        }

        // ---- Normalisation (pure, parallel) -----------------------------------------------------------------------

        private sealed record RowError(string Field, string Code, string? Value, AddressNote? Note = null);

        private sealed record Candidate(RawRow Raw)
        {
            public RowError? Error { get; init; }
            public string? Name { get; init; }
            public NormalizedDocument? Document { get; init; }
            public byte[]? DocumentHash { get; init; }
            public string? Phone { get; init; }
            public byte[]? PhoneHash { get; init; }
            public string? AddressText { get; init; }
            public string? VillageKey { get; init; }
            public Dwelling Dwelling { get; init; } = Dwelling.None;
            public DateOnly? BirthDate { get; init; }
            public string? Sex { get; init; }
            public ResidenceStatus? Residence { get; init; }
            public IReadOnlyList<long> CategoryIds { get; init; } = [];
        }

        private Candidate Normalize(RawRow raw)
        {
            var fail = (string field, string code, string? value) => new Candidate(raw) { Error = new RowError(field, code, value) };
            var name = PersonRules.NormalizeName(raw.Name, out var nameError);
            if (nameError is not null) return fail("name", nameError, raw.Name);

            NormalizedDocument? document = null;
            if (raw.IdLossy) return fail("idNumber", "id.lossy-number", raw.IdNumber);
            var type = DocumentType.ResidentId;
            if (raw.DocumentType is not null)
            {
                if (DocumentTypes.Parse(raw.DocumentType) is not { } parsed) return fail("documentType", "document-type.unknown", raw.DocumentType);
                type = parsed;
            }
            if (raw.IdNumber is not null)
            {
                document = PersonRules.NormalizeDocument(type, raw.IdNumber, _today, NationalDivisions.Shared.IsKnownAddressCode);
                if (document.Number is not null && !document.Valid && (invalidIds == InvalidIdPolicy.Reject || document.Issue == "document.format"))
                    return fail("idNumber", document.Issue ?? "id.invalid", Masking.IdNumber(document.Number));
            }
            var phone = PersonRules.NormalizePhone(raw.Phone, out var phoneError);
            if (phoneError is not null) return fail("phone", phoneError, Masking.Phone(raw.Phone));

            var sex = document?.Sex;
            if (raw.Sex is not null)
            {
                var stated = PersonRules.ParseSex(raw.Sex);
                if (stated is null) return fail("sex", "sex.invalid", raw.Sex);
                if (sex is not null && stated != sex) return fail("sex", "sex.mismatch", raw.Sex);
                sex ??= stated;
            }
            var birth = document?.BirthDate;
            if (raw.BirthDate is not null)
            {
                if (!TryDate(raw.BirthDate, out var stated) || stated > _today) return fail("birthDate", "birth-date.invalid", raw.BirthDate);
                if (birth is not null && stated != birth) return fail("birthDate", "birth-date.mismatch", raw.BirthDate);
                birth ??= stated;
            }
            if (!PersonRules.TryParseResidence(raw.Residence, out var residence)) return fail("residence", "residence.unknown", raw.Residence);

            var categories = new List<long>();
            foreach (var part in (raw.Categories ?? "").Split([',', '，', '、', ';', '；', '/', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (_categories.TryGetValue(part, out var id) || _categories.TryGetValue(part.ToLowerInvariant(), out id)) categories.Add(id);
                else return fail("categories", "category.unknown:" + part, raw.Categories);
            }
            foreach (var (field, value, max) in new[] { ("relation", raw.Relation, PersonRules.MaxRelationLength), ("awayLocation", raw.AwayLocation, PersonRules.MaxAwayLocationLength), ("occupation", raw.Occupation, PersonRules.MaxOccupationLength), ("workplace", raw.Workplace, PersonRules.MaxWorkplaceLength), ("note", raw.Note, PersonRules.MaxNoteLength) })
                if (value is { } v && v.Length > max) return fail(field, "field.too-long", v[..Math.Min(v.Length, 40)]);

            // The place: the village or community named by the columns, else by the address text.
            var placeText = string.Concat(raw.Township, raw.Village);
            var resolution = Resolve(placeText.Length > 0 ? placeText + (raw.Address ?? "") : raw.Address);
            // The value shown is the address as written (the place columns when it has none); why, in the note.
            var failAddress = (string code, AddressNote? note) => new Candidate(raw) { Error = new RowError("address", code, raw.Address ?? (placeText.Length > 0 ? placeText : null), note) };
            string? villageKey = null;
            switch (resolution.Outcome)
            {
                case AddressOutcome.Village:
                    villageKey = resolution.VillageCode12;
                    break;
                case AddressOutcome.Empty:
                    return fail("address", "address.required", null);
                case AddressOutcome.OtherCounty:
                    return failAddress("address.other-county", resolution.Note);
                case AddressOutcome.TownshipOnly:
                    return failAddress("address.township-only", resolution.Note);
                default:
                    return failAddress("address.unresolved", resolution.Note);
            }
            var dwelling = Dwelling.Parse(resolution.Remainder, resolution.GroupNumber, raw.Grid, raw.Building, raw.Unit, raw.Room, raw.Household);
            var protector = owner.Protector;
            return new Candidate(raw)
            {
                Name = name,
                Document = document,
                DocumentHash = document?.Number is { } number ? protector.Hash(BlindIndex.DocumentPurpose(document.Type), number) : null,
                Phone = phone,
                PhoneHash = protector.Hash(BlindIndex.Phone, phone),
                AddressText = Text.Tidy(raw.Address),
                VillageKey = villageKey,
                Dwelling = dwelling,
                BirthDate = birth,
                Sex = sex,
                Residence = residence,
                CategoryIds = categories,
            };
        }

        /// <summary>Household members share an address: each distinct text is resolved once per import.</summary>
        private AddressResolution Resolve(string? text)
        {
            if (text is null) return _resolver.Resolve(text);
            if (_resolved.TryGetValue(text, out var known)) return known;
            var resolution = _resolver.Resolve(text);
            if (_resolved.Count < 200_000) _resolved.TryAdd(text, resolution);
            return resolution;
        }

        private static bool TryDate(string text, out DateOnly date) =>
            DateOnly.TryParseExact(Text.Compact(text).Replace('/', '-').Replace('.', '-'), ["yyyy-MM-dd", "yyyy-M-d", "yyyyMMdd", "yyyy-MM-dd HH:mm:ss"],
                CultureInfo.InvariantCulture, DateTimeStyles.None, out date);

        // ---- Places: grids, buildings, units and households created as rows need them --------------------------

        private async Task<JurisdictionNode> PlaceAsync(FangkongDb db, JurisdictionNode village, Dwelling d, string? address, List<JurisdictionNode> created, CancellationToken ct)
        {
            var parent = village;
            foreach (var step in d.Steps())
                parent = await ChildAsync(db, parent, step.Level, step.Number, step.Name, step.Level == JurisdictionLevel.Household ? Text.Tidy(address) : null, created, ct);
            return parent;
        }

        /// <summary>Finds a child by name (or by number when the sheet gives one) or creates it with the next free number.</summary>
        private async Task<JurisdictionNode> ChildAsync(FangkongDb db, JurisdictionNode parent, JurisdictionLevel level, int? number, string name, string? address,
            List<JurisdictionNode> created, CancellationToken ct)
        {
            var children = await ChildrenAsync(db, parent, ct);
            var key = (level, name);
            if (children.TryGetValue(key, out var existing)) return existing;
            var width = ScopeKey.SegmentWidth(level);
            var max = (int)Math.Pow(10, width) - 1;
            string scopeKey;
            if (number is { } n && n <= max && !_nodes.ContainsKey(ScopeKey.Child(parent.ScopeKey, level, n)))
            {
                scopeKey = ScopeKey.Child(parent.ScopeKey, level, n);
            }
            else
            {
                var next = _nextNumber.GetValueOrDefault(parent.ScopeKey + ":" + level, 0);
                do { next++; scopeKey = ScopeKey.Child(parent.ScopeKey, level, Math.Min(next, max)); }
                while (_nodes.ContainsKey(scopeKey) && next < max);
                if (_nodes.ContainsKey(scopeKey)) throw new InvalidOperationException($"no free {level} number under {parent.Name}");
                _nextNumber[parent.ScopeKey + ":" + level] = next;
            }
            var node = new JurisdictionNode
            {
                CountyCode = parent.CountyCode, ParentId = parent.Id == 0 ? null : parent.Id, Level = level, ScopeKey = scopeKey, Code = scopeKey,
                Name = name, ShortName = name, Address = address, Source = "import", CreatedAt = DateTime.UtcNow,
            };
            created.Add(node);
            if (node.ParentId is null) _newParents[node] = parent;
            _nodes[scopeKey] = node;
            children[key] = node;
            return node;
        }

        private async Task<Dictionary<(JurisdictionLevel, string), JurisdictionNode>> ChildrenAsync(FangkongDb db, JurisdictionNode parent, CancellationToken ct)
        {
            if (_childrenByParent.TryGetValue(parent.ScopeKey, out var children)) return children;
            children = [];
            if (parent.Id != 0)
            {
                var rows = await db.Nodes.AsNoTracking().Where(n => n.ParentId == parent.Id).ToListAsync(ct);
                foreach (var row in rows)
                {
                    children.TryAdd((row.Level, row.Name), row);
                    _nodes.TryAdd(row.ScopeKey, row);
                }
            }
            _childrenByParent[parent.ScopeKey] = children;
            return children;
        }
    }

    /// <summary>The cells of one row, copied out of the reader (rows are reused) before parallel normalisation.</summary>
    private sealed record RawRow(string? Sheet, int Row, string? Name, string? DocumentType, string? IdNumber, bool IdLossy, string? Phone,
        string? Address, string? Township, string? Village, string? Group, string? Grid, string? Building, string? Unit, string? Room,
        string? Household, string? Relation, string? Sex, string? BirthDate, string? Residence, string? AwayLocation, string? Occupation,
        string? Workplace, string? Categories, string? Note)
    {
        /// <summary>Copies the cells; the sheet name is kept for workbooks only (a csv has one "sheet", its file).</summary>
        public static RawRow From(TabularRow row, HeaderMap h, bool workbook)
        {
            var idColumn = h["idNumber"];
            return new RawRow(workbook ? row.SheetName : null, row.RowNumber, h.Get(row, "name"), h.Get(row, "documentType"), h.Get(row, "idNumber"),
                idColumn is { } c && row.IsLossyNumber(c), h.Get(row, "phone"), h.Get(row, "address"), h.Get(row, "township"),
                h.Get(row, "village"), h.Get(row, "group"), h.Get(row, "grid"), h.Get(row, "building"), h.Get(row, "unit"), h.Get(row, "room"),
                h.Get(row, "household"), h.Get(row, "relation"), h.Get(row, "sex"), h.Get(row, "birthDate"), h.Get(row, "residence"),
                h.Get(row, "awayLocation"), h.Get(row, "occupation"), h.Get(row, "workplace"), h.Get(row, "categories"), h.Get(row, "note"));
        }
    }

    /// <summary>A byte[] hash as a dictionary key.</summary>
    private readonly record struct HashKey(byte[] Bytes)
    {
        public bool Equals(HashKey other) => Bytes.AsSpan().SequenceEqual(other.Bytes);
        public override int GetHashCode() => BitConverter.ToInt32(Bytes, 0);
    }
}
