using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Fangkong.Core;
using Fangkong.Core.Accounts;
using Fangkong.Core.Audit;
using Fangkong.Core.Identifiers;
using Fangkong.Core.Jurisdictions;
using Fangkong.Core.People;
using Fangkong.Core.Tabular;
using Fangkong.Core.Tasks;
using Fangkong.Data.Imports;
using Fangkong.Data.Infrastructure;
using Fangkong.Data.Jurisdictions;
using Fangkong.Data.People;
using Fangkong.Data.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Options;

namespace Fangkong.Data.Tasks;

/// <summary>The figures of one pushed-list import, named as the CLI prints them.</summary>
public sealed record VerificationImportSummary(
    string Batch,
    long BatchId,
    long JobId,
    string? Format,
    int Rows,
    int Rejected,
    int IdInvalid,
    int DuplicatesInFile,
    int AlreadyOpen,
    int MatchedById,
    int MatchedByPhone,
    int NewPersons,
    int OutsideCounty,
    int Unroutable,
    IReadOnlyDictionary<string, int> Routed,
    int TasksCreated,
    long ElapsedMs,
    bool Reimported,
    IReadOnlyList<ImportRejection> FirstRejections,
    IReadOnlyList<string> UnknownColumns,
    string? Error = null)
{
    /// <summary>
    /// The batches the file was split into by its 推送批次 values, in file order (one unless the file carries several and
    /// no batch name was given). <see cref="Batch"/> joins their names with "、", <see cref="BatchId"/> is the first's.
    /// </summary>
    public IReadOnlyList<ImportedBatch> Batches { get; init; } = [];
}

/// <summary>One batch of an import: its rows (refused ones included) and the tasks its rows opened.</summary>
public sealed record ImportedBatch(string Name, long Id, int Rows, int TasksCreated);

public sealed record VerificationImportOptions(string? Batch = null, DateTime? PushedAt = null);

/// <summary>
/// Imports a pushed list (协查名单) and turns it into verification tasks with deadlines, by the issue's exact rules:
/// refuse only rows with no identity; keep invalid IDs flagged; merge duplicates inside the file; attach a person's
/// row to the task still open from an earlier batch; match by ID, else by name and phone, else create an
/// unregistered person; route by the person's household, else by the address text; the same file again changes
/// nothing. Streaming: rows are read one by one, normalised in parallel batches and written by the bulk writer, so a
/// million rows never sit in memory as objects (only the look-up keys do). The whole import is one transaction under
/// a per-county lock: a process killed half-way leaves nothing, and the next import simply runs again.
/// </summary>
public sealed class VerificationImporter(IDbContextFactory<FangkongDb> factory, IActorAccessor actorAccessor, IOptions<FangkongOptions> options,
    CountyResolvers resolvers, Core.Security.FieldProtector protector, TimeProvider time)
{
    public const int BatchSize = 5000;
    public const int SummaryRejections = 20;
    /// <summary>The kind of this importer's jobs in the shared import-job table.</summary>
    public const string JobKind = "verification";
    /// <summary>The field of a row refused for having no identity at all: 姓名, 身份证号 and 手机号 together.</summary>
    public const string IdentityField = "identity";
    /// <summary>The field of a failure of the whole file (unreadable, no header) that names no column.</summary>
    public const string FileField = "file";

    public static readonly TabularSchema Schema = new(
    [
        new TabularField("name", false, "姓名", "名字", "人员姓名", "name", "fullName"),
        new TabularField("idNumber", false, "身份证号", "身份证号码", "公民身份号码", "证件号码", "证件号", "idNumber", "id_number", "idCard"),
        new TabularField("phone", false, "手机号", "手机号码", "联系电话", "电话", "phone", "mobile", "tel"),
        new TabularField("address", false, "现住址", "现居住地址", "居住地址", "住址", "地址", "address"),
        new TabularField("origin", false, "来源地", "来自", "来源", "出发地", "origin"),
        new TabularField("reason", false, "推送原因", "原因", "协查原因", "风险类型", "reason"),
        new TabularField("pushedAt", false, "推送时间", "下发时间", "pushedAt", "pushed_at"),
        new TabularField("batch", false, "推送批次", "批次", "批次号", "batch"),
    ]);

    private FangkongOptions Settings => options.Value;
    private AddressResolver ResolverFor(string county) => resolvers.For(county);
    private Core.Security.FieldProtector Protector => protector;
    private TimeProvider Time => time;
    private TimeZoneInfo Zone => TimeZoneInfo.FindSystemTimeZoneById(Settings.TimeZone);

    /// <summary>Imports a file (xlsx or csv in UTF-8, UTF-8 with BOM or GBK).</summary>
    public async Task<VerificationImportSummary> ImportFileAsync(string path, string fileName, VerificationImportOptions? importOptions = null,
        IProgress<int>? progress = null, CancellationToken ct = default)
    {
        var sha = await HashFileAsync(path, ct);
        var bytes = new FileInfo(path).Length;
        return await RunAsync(fileName, sha, bytes, ImportOptions.EstimatedRows(bytes), importOptions ?? new(), batchRequired: false, async run =>
        {
            await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
            using var source = TabularFile.Open(file, fileName);
            await run.ConsumeAsync(FileRows(source, run), source.Format == "xlsx" ? "xlsx" : $"csv/{source.EncodingName}", ct);
        }, progress, ct);
    }

    /// <summary>Imports rows pushed by a machine (the HTTP endpoint), with the same rules and figures; a push names its batch.</summary>
    public Task<VerificationImportSummary> ImportRowsAsync(string sourceName, IReadOnlyList<PushedRow> rows, VerificationImportOptions? importOptions = null,
        CancellationToken ct = default)
    {
        var sha = Convert.ToHexString(SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(rows))).ToLowerInvariant();
        return RunAsync(sourceName, sha, 0, rows.Count, importOptions ?? new(), batchRequired: true, run => run.ConsumeAsync(rows, "json", ct), null, ct);
    }

    private static async Task<string> HashFileAsync(string path, CancellationToken ct)
    {
        await using var stream = File.OpenRead(path);
        return Convert.ToHexString(await SHA256.HashDataAsync(stream, ct)).ToLowerInvariant();
    }

    private async Task<VerificationImportSummary> RunAsync(string fileName, string sha, long bytes, int estimatedRows, VerificationImportOptions importOptions,
        bool batchRequired, Func<Run, Task> consume, IProgress<int>? progress, CancellationToken ct)
    {
        var actor = actorAccessor.Current;
        actor.Require(Permissions.VerificationManage);
        if (actor.Scope.All || actor.Scope.Prefix != actor.Scope.CountyCode)
            throw new ForbiddenException(Permissions.VerificationManage + " at county level");
        // The request's own values are refused before anything is written (a row's are row errors, see Run.Prepare).
        var pushedAt = PushedTimeRules.Of(importOptions.PushedAt, time.GetUtcNow().UtcDateTime, Zone);
        ValidationFailedException.ThrowIfAny(PushedTimeRules.RequestErrors(importOptions.Batch, batchRequired, pushedAt));
        importOptions = importOptions with { PushedAt = pushedAt.Utc };
        var clock = Stopwatch.StartNew();
        var county = actor.Scope.CountyCode;
        var name = Path.GetFileName(fileName);
        if (name.Length > 260) name = name[..260];

        // The job row is written first, outside the import's transaction: it survives a rollback and tells what happened.
        var job = await CreateJobAsync(actor, name, sha, bytes, ct);
        await using var db = await factory.CreateDbContextAsync(ct);
        db.Database.SetCommandTimeout(TimeSpan.FromMinutes(30));
        var transaction = await db.Database.BeginTransactionAsync(ct);
        try
        {
            // One import per county at a time: the duplicate and open-task look-ups assume nobody else adds tasks
            // meanwhile. The lock lives as long as the transaction, so a killed process releases it with its connection.
            await CountyLockAsync(db, county, ct);
            // Imports interrupted earlier (the process died inside its transaction) left only their job row: say so.
            await db.ImportJobs.Where(j => j.CountyCode == county && j.Kind == "verification" && j.Status == ImportStatus.Running && j.Id != job.Id)
                .ExecuteUpdateAsync(s => s.SetProperty(j => j.Status, ImportStatus.Failed)
                    .SetProperty(j => j.Error, "interrupted: the import stopped before it finished and kept nothing; import the file again"), ct);

            var earlier = await db.VerificationBatches.AsNoTracking()
                .Where(b => b.CountyCode == county && b.FileSha256 == sha && (importOptions.Batch == null || b.Name == importOptions.Batch))
                .OrderBy(b => b.Id).FirstOrDefaultAsync(ct);
            if (earlier is not null)
            {
                await transaction.CommitAsync(ct);
                var stored = ReadSummary(earlier.Summary);
                await MarkJobAsync(job.Id, j => { j.Status = ImportStatus.Completed; j.Format = stored.Format; j.Rows = stored.Rows; j.Error = $"reimported: batch {earlier.Id} already holds this file"; j.ElapsedMs = clock.ElapsedMilliseconds; });
                return stored with { Reimported = true, ElapsedMs = clock.ElapsedMilliseconds };
            }

            var now = WholeSeconds(time.GetUtcNow().UtcDateTime);
            var (profile, profileVersion) = await DeadlineProfiles.CurrentAsync(db, county, ct);
            var run = new Run(this, db, actor, job, importOptions, name, now, profile, profileVersion, progress, lookUp: estimatedRows <= Settings.Import.LookUpRowLimit);
            await run.PrepareAsync(ct);
            await consume(run);
            // The same rows in another file (xlsx instead of csv, another encoding or order): nothing of this run is kept.
            if (await run.SameContentAsAsync(ct) is { } same)
            {
                await transaction.DisposeAsync();
                var stored = ReadSummary(same.Summary);
                await MarkJobAsync(job.Id, j => { j.Status = ImportStatus.Completed; j.Format = run.Format; j.Rows = stored.Rows; j.Error = $"reimported: batch {same.Id} already holds these rows"; j.ElapsedMs = clock.ElapsedMilliseconds; });
                return stored with { Reimported = true, ElapsedMs = clock.ElapsedMilliseconds };
            }
            var summary = await run.FinishAsync(clock, ct);
            await transaction.CommitAsync(ct);
            await transaction.DisposeAsync();
            if (summary.TasksCreated > 10_000) await BulkWriter.AnalyzeAsync(db, ct, "VerificationTasks");
            await MarkJobAsync(job.Id, j =>
            {
                j.Status = ImportStatus.Completed;
                j.Format = summary.Format;
                j.Rows = summary.Rows;
                j.Imported = summary.TasksCreated;
                j.Updated = summary.DuplicatesInFile + summary.AlreadyOpen;
                j.Rejected = summary.Rejected;
                j.ElapsedMs = clock.ElapsedMilliseconds;
            });
            return summary;
        }
        catch (Exception e) when (e is TabularFormatException or InvalidDataException or IOException)
        {
            await transaction.DisposeAsync();
            var message = e is TabularFormatException t ? $"{t.Code}: {t.Message}" : e.Message;
            await MarkJobAsync(job.Id, j => { j.Status = ImportStatus.Failed; j.Error = message.Length > 2000 ? message[..2000] : message; j.ElapsedMs = clock.ElapsedMilliseconds; });
            var tf = e as TabularFormatException;
            return new VerificationImportSummary(importOptions.Batch ?? "", 0, job.Id, null, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, new Dictionary<string, int>(), 0,
                clock.ElapsedMilliseconds, false, [new ImportRejection(null, tf?.RowNumber ?? 0, tf?.Column ?? FileField, TabularFormatException.CodeOf(e), message, null)], [], message);
        }
        catch (Exception e)
        {
            await transaction.DisposeAsync();
            var message = e.GetType().Name + ": " + e.Message;
            await MarkJobAsync(job.Id, j => { j.Status = ImportStatus.Failed; j.Error = message.Length > 2000 ? message[..2000] : message; });
            throw;
        }
    }

    /// <summary>Clocks count from whole seconds: deadlines read 00:10, not 00:10:00.0147.</summary>
    internal static DateTime WholeSeconds(DateTime utc) => new(utc.Ticks - utc.Ticks % TimeSpan.TicksPerSecond, DateTimeKind.Utc);

    private static async Task CountyLockAsync(FangkongDb db, string county, CancellationToken ct)
    {
        if (db.Database.IsNpgsql())
            await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock(4004, {int.Parse(county, CultureInfo.InvariantCulture)})", ct);
        // SQLite: the transaction already holds the database's write lock (BEGIN IMMEDIATE).
    }

    /// <summary>The job row is written outside the import's transaction, so it survives a rollback and tells what happened.</summary>
    private async Task<ImportJob> CreateJobAsync(Actor actor, string fileName, string sha, long bytes, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var job = new ImportJob
        {
            CountyCode = actor.Scope.CountyCode, ScopeKey = actor.Scope.Prefix, Kind = JobKind, FileName = fileName, FileSha256 = sha,
            FileBytes = bytes, Status = ImportStatus.Running, ActorId = actor.Id, ActorName = actor.Name, StartedAt = time.GetUtcNow().UtcDateTime,
        };
        db.ImportJobs.Add(job);
        await db.SaveChangesAsync(ct);
        return job;
    }

    private async Task MarkJobAsync(long id, Action<ImportJob> change)
    {
        await using var db = await factory.CreateDbContextAsync();
        var job = await db.ImportJobs.FirstAsync(j => j.Id == id);
        change(job);
        job.FinishedAt = time.GetUtcNow().UtcDateTime;
        await db.SaveChangesAsync();
    }

    private static IEnumerable<PushedRow> FileRows(ITabularSource source, Run run)
    {
        foreach (var sheet in source.Sheets)
        {
            using var rows = sheet.Rows.GetEnumerator();
            HeaderMap header;
            try { header = HeaderMap.Detect(rows, Schema); }
            catch (TabularFormatException e) when (e.Code == TabularError.NoHeader && source.Format == "xlsx") { continue; }
            if (header["name"] is null && header["idNumber"] is null && header["phone"] is null)
                throw new TabularFormatException(TabularError.NoHeader, "no 姓名, 身份证号 or 手机号 column: this is not a list of people", header.HeaderRowNumber);
            run.NoteHeader(header);
            var unknown = header.Unknown;
            foreach (var row in header.Pending.Concat(Remaining(rows)))
            {
                if (row.IsBlank) continue;
                List<KeyValuePair<string, string>>? extra = null;
                foreach (var (column, title) in unknown)
                    if (Text.Tidy(row[column]) is { } value) (extra ??= []).Add(new(title, value.Length > 500 ? value[..500] : value));
                var idColumn = header["idNumber"];
                yield return new PushedRow(row.RowNumber, header.Get(row, "name"), header.Get(row, "idNumber"), header.Get(row, "phone"), header.Get(row, "address"),
                    header.Get(row, "origin"), header.Get(row, "reason"), header.Get(row, "pushedAt"), header.Get(row, "batch"), extra,
                    idColumn is { } c && row.IsLossyNumber(c));
            }
        }
    }

    private static IEnumerable<TabularRow> Remaining(IEnumerator<TabularRow> rows)
    {
        while (rows.MoveNext()) yield return rows.Current;
    }

    internal static readonly JsonSerializerOptions SummaryJson = new(JsonSerializerDefaults.Web);

    /// <summary>A stored summary (every batch of a file holds the file's); one stored before files were split names its one batch.</summary>
    internal static VerificationImportSummary ReadSummary(string json)
    {
        var s = JsonSerializer.Deserialize<VerificationImportSummary>(json, SummaryJson)!;
        return s.Batches.Count > 0 ? s : s with { Batches = [new ImportedBatch(s.Batch, s.BatchId, s.Rows, s.TasksCreated)] };
    }

    /// <summary>A byte[] hash as a dictionary key.</summary>
    private readonly record struct HashKey(byte[] Bytes)
    {
        public bool Equals(HashKey other) => Bytes.AsSpan().SequenceEqual(other.Bytes);
        public override int GetHashCode() => BitConverter.ToInt32(Bytes, 0);
    }

    /// <summary>A registry person (or one created by this import: its id is set when the batch is written).</summary>
    private sealed class PersonRef(long id, string scopeKey)
    {
        public long Id = id;
        public readonly string ScopeKey = scopeKey;
        /// <summary>The task this import opened for the person, if any.</summary>
        public TaskRef? TaskThisFile;
    }

    /// <summary>A task of this import (its id is set when its batch is written) or an open one of an earlier batch.</summary>
    private sealed class TaskRef(long id, string scopeKey)
    {
        public long Id = id;
        public string ScopeKey = scopeKey;
    }

    /// <summary>A normalised row with its hashes, its resolved address, its encrypted-to-be cells and its push time (or why it has none).</summary>
    private sealed record Prepared(NormalizedPushedRow Row, byte[]? IdHash, byte[]? PhoneHash, AddressResolution? Address, string Cells, PushedTime Pushed,
        PushedListDigest.RowHash Content, BatchOfFile Batch)
    {
        /// <summary>A time that cannot be read or lies in the future is not the row's push time (the row itself is kept).</summary>
        public DateTime? PushedAt => Pushed.Error is null ? Pushed.Utc : null;
    }

    /// <summary>One batch of the file being imported (a distinct 推送批次, or the one named by the caller) and its figures.</summary>
    private sealed class BatchOfFile(VerificationBatch entity)
    {
        public readonly VerificationBatch Entity = entity;
        public long Id => Entity.Id;
        public int Rows, TasksCreated;
        /// <summary>Tasks written without a push time of their own: they take the batch's once it is known (the earliest of its rows).</summary>
        public int TasksWithoutTime;
        public DateTime? Earliest;
    }

    /// <summary>The state of one import: counters, look-ups, and the rows refused.</summary>
    private sealed class Run(VerificationImporter owner, FangkongDb db, Actor actor, ImportJob job, VerificationImportOptions importOptions,
        string fileName, DateTime now, DeadlineProfile profile, int profileVersion, IProgress<int>? progress, bool lookUp)
    {
        /// <summary>Look up the people and open tasks each chunk names (a short list), rather than reading them all first.</summary>
        private readonly bool _lookUp = lookUp;
        /// <summary>Keys already asked for (found or not): each is looked up once per import.</summary>
        private readonly HashSet<HashKey> _askedIds = [], _askedPhones = [];
        private readonly string _county = actor.Scope.CountyCode;
        private readonly BulkWriter _writer = new(db);
        private readonly List<ImportRowError> _errors = [];
        private readonly SortedSet<string> _unknownColumns = new(StringComparer.Ordinal);
        private readonly Dictionary<HashKey, PersonRef> _byId = [];
        private readonly Dictionary<(string Name, HashKey Phone), PersonRef> _byNamePhone = [];
        private readonly Dictionary<long, TaskRef> _openTaskByPerson = [];
        private readonly Dictionary<string, TaskRef> _taskByKey = new(StringComparer.Ordinal);
        private readonly Dictionary<string, long> _nodeIds = new(StringComparer.Ordinal);
        private readonly Dictionary<string, int> _routed = new(StringComparer.Ordinal);
        private readonly System.Collections.Concurrent.ConcurrentDictionary<string, AddressResolution> _addresses = new(StringComparer.Ordinal);
        private AddressResolver _resolver = null!;
        private DateOnly _today;
        private TimeZoneInfo _zone = null!;
        /// <summary>The batches of this file by (tidied) name, and in file order.</summary>
        private readonly Dictionary<string, BatchOfFile> _batchByName = new(StringComparer.Ordinal);
        private readonly List<BatchOfFile> _batches = [];
        private string? _format;
        private readonly PushedListDigest _digest = new();
        public string? Format => _format;
        private int _rows, _rejected, _idInvalid, _duplicates, _alreadyOpen, _byIdCount, _byPhoneCount, _newPersons, _outside, _unroutable, _created;
        /// <summary>Tasks created per (batch, board unit, state), applied to the board counts when the import finishes.</summary>
        private readonly Dictionary<(long, string, VerificationStatus), int> _counts = [];

        public void NoteHeader(HeaderMap header)
        {
            foreach (var (_, title) in header.Unknown) _unknownColumns.Add(title);
            foreach (var duplicate in header.DuplicateKeys) Error(header.HeaderRowNumber, duplicate, "header.duplicate-column", null);
        }

        public async Task PrepareAsync(CancellationToken ct)
        {
            _resolver = owner.ResolverFor(_county);
            _today = CountyClock.Today(owner.Time, owner.Settings.TimeZone);
            _zone = owner.Zone;
            foreach (var n in await db.Nodes.AsNoTracking().Where(n => n.CountyCode == _county && n.Level <= JurisdictionLevel.Village)
                         .Select(n => new { n.ScopeKey, n.Id }).ToListAsync(ct))
                _nodeIds[n.ScopeKey] = n.Id;
            // The registry's look-up keys only (the blind indexes, the name, the node): 600,000 people in ~100 MB.
            if (!_lookUp) await ReadRegistryAsync(ct);
            // The first list of a deployment builds its indexes once at the end instead of row by row.
            _suspended.Add(await _writer.SuspendIndexesIfEmptyAsync<VerificationSourceRow>(ct));
            _suspended.Add(await _writer.SuspendIndexesIfEmptyAsync<VerificationTask>(ct));
        }

        private async Task ReadRegistryAsync(CancellationToken ct)
        {
            await foreach (var p in db.People.AsNoTracking().Where(p => p.CountyCode == _county)
                               .Select(p => new { p.Id, p.DocumentHash, p.PhoneHash, p.Name, p.ScopeKey }).AsAsyncEnumerable().WithCancellation(ct))
            {
                var r = new PersonRef(p.Id, p.ScopeKey);
                if (p.DocumentHash is { } d) _byId.TryAdd(new HashKey(d), r);
                if (p.PhoneHash is { } h && p.Name.Length > 0) _byNamePhone.TryAdd((p.Name, new HashKey(h)), r);
            }
            await foreach (var t in db.VerificationTasks.AsNoTracking()
                               .Where(t => t.CountyCode == _county && t.PersonId != null && t.Status >= VerificationStatus.Routing && t.Status <= VerificationStatus.Resulted)
                               .Select(t => new { t.Id, t.PersonId, t.ScopeKey }).AsAsyncEnumerable().WithCancellation(ct))
                _openTaskByPerson.TryAdd(t.PersonId!.Value, new TaskRef(t.Id, t.ScopeKey));
        }

        /// <summary>
        /// A short list's chunk: the registry people its valid IDs and its (name, phone) pairs name, and their open tasks,
        /// read through the blind-index indexes into the same look-ups the full read fills (a person found twice keeps
        /// the lowest id, as the full read does) — so the rules decide exactly as they do for a long list.
        /// </summary>
        private async Task LookUpAsync(List<Prepared> prepared, CancellationToken ct)
        {
            var ids = new List<byte[]>();
            var phones = new List<byte[]>();
            foreach (var item in prepared)
            {
                if (item.Row.Rejection is not null) continue;
                if (item.Row.IdValid && item.IdHash is { } id && _askedIds.Add(new HashKey(id))) ids.Add(id);
                if (item.Row.Name is { Length: > 0 } && item.PhoneHash is { } phone && _askedPhones.Add(new HashKey(phone))) phones.Add(phone);
            }
            var found = new List<long>();
            foreach (var (column, keys) in new[] { ("DocumentHash", ids), ("PhoneHash", phones) })
                await KeyLookUp.ReadAsync(db, "\"Id\", \"DocumentHash\", \"PhoneHash\", \"Name\", \"ScopeKey\"", "People", _county, column, keys, null, reader =>
                {
                    var r = new PersonRef(reader.GetInt64(0), reader.GetString(4));
                    var name = reader.GetString(3);
                    if (!reader.IsDBNull(1) && _byId.TryAdd(new HashKey((byte[])reader.GetValue(1)), r)) found.Add(r.Id);
                    if (!reader.IsDBNull(2) && name.Length > 0 && _byNamePhone.TryAdd((name, new HashKey((byte[])reader.GetValue(2))), r)) found.Add(r.Id);
                }, ct);
            await KeyLookUp.ReadAsync(db, "\"Id\", \"PersonId\", \"ScopeKey\"", "VerificationTasks", _county, "PersonId", found.Distinct().ToList(),
                $"\"Status\" >= {(int)VerificationStatus.Routing} AND \"Status\" <= {(int)VerificationStatus.Resulted}",
                reader => _openTaskByPerson.TryAdd(reader.GetInt64(1), new TaskRef(reader.GetInt64(0), reader.GetString(2))), ct);
        }


        private readonly List<IAsyncDisposable?> _suspended = [];

        public async Task ConsumeAsync(IEnumerable<PushedRow> rows, string format, CancellationToken ct)
        {
            _format = format;
            Task? writing = null;
            var chunk = new List<(PushedRow Row, BatchOfFile Batch)>(BatchSize);
            foreach (var row in rows)
            {
                var name = BatchName(row);
                if (!_batchByName.TryGetValue(name, out var batch))
                {
                    // A batch is created when its first row is seen; the write of the previous chunk uses the same context.
                    if (writing is not null) await writing;
                    batch = await CreateBatchAsync(name, ct);
                }
                chunk.Add((row, batch));
                if (chunk.Count == BatchSize)
                {
                    writing = await NextAsync(chunk, writing, ct);
                    chunk = new List<(PushedRow, BatchOfFile)>(BatchSize);
                }
            }
            if (chunk.Count > 0) writing = await NextAsync(chunk, writing, ct);
            if (writing is not null) await writing;
            // A file without rows still leaves its batch (holding its figures, so the same file again is recognised).
            if (_batches.Count == 0) await CreateBatchAsync(BatchName(null), ct);
        }

        /// <summary>
        /// The batch a row belongs to: the name given for the whole import, else the row's 推送批次 (a consolidated list
        /// carries several), else the file's name.
        /// </summary>
        private string BatchName(PushedRow? row)
        {
            var name = Text.Tidy(importOptions.Batch) ?? Text.Tidy(row?.Batch) ?? Path.GetFileNameWithoutExtension(fileName);
            return name.Length > 200 ? name[..200] : name;
        }

        private async Task<BatchOfFile> CreateBatchAsync(string name, CancellationToken ct)
        {
            var entity = new VerificationBatch
            {
                CountyCode = _county, Name = name, PushedAt = importOptions.PushedAt, FileSha256 = job.FileSha256,
                ImportJobId = job.Id, CreatedAt = now, CreatedBy = actor.Name,
            };
            db.VerificationBatches.Add(entity);
            await db.SaveChangesAsync(ct);
            db.ChangeTracker.Clear();
            var batch = new BatchOfFile(entity);
            _batchByName.Add(name, batch);
            _batches.Add(batch);
            return batch;
        }

        /// <summary>Starts normalising a chunk in parallel, waits for the previous write, and returns the write of this chunk.</summary>
        private async Task<Task> NextAsync(List<(PushedRow Row, BatchOfFile Batch)> chunk, Task? previous, CancellationToken ct)
        {
            var normalizing = Task.Run(() => chunk.AsParallel().AsOrdered().Select(x => Prepare(x.Row, x.Batch)).ToList(), ct);
            if (previous is not null) await previous;
            return WriteAsync(normalizing, ct);
        }

        private Prepared Prepare(PushedRow raw, BatchOfFile batch)
        {
            var row = PushedListRules.Normalize(raw, _today, NationalDivisions.Shared.IsKnownAddressCode);
            var p = owner.Protector;
            byte[]? idHash = row.IdNumber is { } id ? p.Hash(BlindIndex.DocumentPurpose(DocumentType.ResidentId), id) : null;
            byte[]? phoneHash = row.Phone is { } phone ? p.Hash(BlindIndex.Phone, phone) : null;
            AddressResolution? address = null;
            if (row.Rejection is null && Text.Tidy(raw.Address) is { } text)
            {
                if (!_addresses.TryGetValue(text, out address))
                {
                    address = _resolver.Resolve(text);
                    if (_addresses.Count < 200_000) _addresses.TryAdd(text, address);
                }
            }
            return new Prepared(row, idHash, phoneHash, address, CellsJson(raw), PushedTimeRules.Read(raw.PushedAt, now, _zone), PushedListDigest.Hash(raw), batch);
        }

        private async Task WriteAsync(Task<List<Prepared>> normalizing, CancellationToken ct)
        {
            var prepared = await normalizing;
            if (_lookUp) await LookUpAsync(prepared, ct);
            var newPeople = new List<Person>();
            var tasks = new List<VerificationTask>();
            var sources = new List<VerificationSourceRow>(prepared.Count);
            // Ids are handed out after the decisions, so count what is needed first: one pass decides, one pass builds.
            var decisions = new List<(Prepared P, Decision D)>(prepared.Count);
            foreach (var item in prepared)
            {
                _digest.Add(item.Content);
                item.Batch.Rows++;
                if (item.PushedAt is { } at && (item.Batch.Earliest is not { } earliest || at < earliest)) item.Batch.Earliest = at;
                decisions.Add((item, Decide(item)));
            }

            var taskIds = new Queue<long>(await _writer.AllocateIdsAsync<VerificationTask>(decisions.Count(d => d.D.Kind == DecisionKind.Create), ct));
            var personIds = new Queue<long>(await _writer.AllocateIdsAsync<Person>(decisions.Count(d => d.D.Kind == DecisionKind.Create && d.D.NewPerson), ct));
            foreach (var (item, d) in decisions)
            {
                var row = item.Row;
                var source = new VerificationSourceRow
                {
                    CountyCode = _county, ScopeKey = _county, BatchId = item.Batch.Id, ImportJobId = job.Id, RowNumber = row.Raw.RowNumber, Cells = item.Cells,
                };
                sources.Add(source);
                switch (d.Kind)
                {
                    case DecisionKind.Reject:
                        source.Disposition = SourceRowDisposition.Rejected;
                        continue;
                    case DecisionKind.Duplicate:
                    case DecisionKind.AlreadyOpen:
                        // The task was decided earlier in the file (its id is set by now: rows are built in file order).
                        source.Disposition = d.Kind == DecisionKind.Duplicate ? SourceRowDisposition.DuplicateInFile : SourceRowDisposition.AlreadyOpen;
                        source.TaskId = d.Task!.Id;
                        source.ScopeKey = d.Task.ScopeKey;
                        continue;
                }
                var person = d.Person!;
                if (d.NewPerson)
                {
                    person.Id = personIds.Dequeue();
                    newPeople.Add(NewPerson(person.Id, item, d.Route!));
                }
                d.Task!.Id = taskIds.Dequeue();
                var task = NewTask(d.Task.Id, item, d.Route!, person.Id, d.Flags);
                tasks.Add(task);
                source.TaskId = task.Id;
                source.ScopeKey = task.ScopeKey;
                source.Disposition = SourceRowDisposition.Created;
            }
            await _writer.InsertAsync(newPeople, ct);
            await _writer.InsertAsync(tasks, ct);
            var sourceIds = await _writer.AllocateIdsAsync<VerificationSourceRow>(sources.Count, ct);
            for (var i = 0; i < sources.Count; i++) sources[i].Id = sourceIds[i];
            await _writer.InsertAsync(sources, ct);
            progress?.Report(_rows);
        }

        private enum DecisionKind { Reject, Duplicate, AlreadyOpen, Create }

        private sealed record Decision(DecisionKind Kind, TaskRef? Task = null, PersonRef? Person = null, bool NewPerson = false, Route? Route = null,
            VerificationFlags Flags = VerificationFlags.None);

        /// <summary>The issue's rules 1–6 for one row, in file order; counts are kept here and nowhere else.</summary>
        private Decision Decide(Prepared item)
        {
            var row = item.Row;
            _rows++;
            if (row.Rejection is { } code)
            {
                _rejected++;
                // Every refused row names its field: the phone given but unreadable (phone.invalid, with what was
                // written), else the identity as a whole (none of 姓名, 身份证号, 手机号).
                if (row.PhoneInvalid) Error(row.Raw.RowNumber, "phone", code, Text.Tidy(row.Raw.Phone));
                else Error(row.Raw.RowNumber, IdentityField, code, null);
                return new Decision(DecisionKind.Reject);
            }
            // A push time that cannot be read or lies in the future: reported on its row, the row itself is still worked
            // (a row is refused only without any identity), taking its batch's time.
            if (item.Pushed.Error is { } timeError) Error(row.Raw.RowNumber, "pushedAt", timeError, Text.Tidy(row.Raw.PushedAt));
            var flags = VerificationFlags.None;
            if (row.IdInvalid) { _idInvalid++; flags |= VerificationFlags.IdInvalid; }
            // Rule 3: duplicates inside the file (same valid ID; or no valid ID, same name and phone).
            if (row.DedupKey is { } key && _taskByKey.TryGetValue(key, out var same))
            {
                _duplicates++;
                return new Decision(DecisionKind.Duplicate, same);
            }
            // Rule 5: match — a valid ID in the registry, else name and phone (people created earlier in this file included).
            PersonRef? match = null;
            if (row.IdValid && item.IdHash is { } idHash && _byId.TryGetValue(new HashKey(idHash), out var byId)) { match = byId; flags |= VerificationFlags.MatchedById; }
            else if (row.Name is { } name && item.PhoneHash is { } phoneHash && _byNamePhone.TryGetValue((name, new HashKey(phoneHash)), out var byPhone)) { match = byPhone; flags |= VerificationFlags.MatchedByPhone; }
            if (match is not null)
            {
                // The same person reached by another key earlier in this file: one task, merged.
                if (match.TaskThisFile is { } mine)
                {
                    _duplicates++;
                    if (row.DedupKey is { } k) _taskByKey[k] = mine;
                    return new Decision(DecisionKind.Duplicate, mine);
                }
                // Rule 4: the person's task from an earlier batch is still open.
                if (match.Id > 0 && _openTaskByPerson.TryGetValue(match.Id, out var open))
                {
                    _alreadyOpen++;
                    Count(flags);
                    if (row.DedupKey is { } k) _taskByKey[k] = open;
                    match.TaskThisFile = open;
                    return new Decision(DecisionKind.AlreadyOpen, open);
                }
            }
            // Rule 6: route by the household, else by the address text.
            var route = VerificationRouting.Route(_county, match?.ScopeKey, () => item.Address ?? _resolver.Resolve(null));
            var isNew = match is null;
            if (isNew) flags |= VerificationFlags.NewPerson;
            if (route.ByHousehold) flags |= VerificationFlags.RoutedByHousehold;
            switch (route.Outcome)
            {
                case RouteOutcome.OutsideCounty: flags |= VerificationFlags.OutsideCounty; _outside++; break;
                case RouteOutcome.Unroutable: flags |= VerificationFlags.Unroutable; _unroutable++; break;
                case RouteOutcome.Township: flags |= VerificationFlags.TownshipOnly; goto default;
                default: _routed[route.Township12!] = _routed.GetValueOrDefault(route.Township12!) + 1; break;
            }
            Count(flags);
            _created++;
            var person = match ?? new PersonRef(0, route.ScopeKey);
            if (isNew)
            {
                // Later rows of this file find the new person as they would a registered one.
                if (row.IdValid && item.IdHash is { } id) _byId.TryAdd(new HashKey(id), person);
                if (row.Name is { } n && item.PhoneHash is { } phone) _byNamePhone.TryAdd((n, new HashKey(phone)), person);
            }
            var task = new TaskRef(0, route.ScopeKey);
            person.TaskThisFile = task;
            if (row.DedupKey is { } dk) _taskByKey[dk] = task;
            return new Decision(DecisionKind.Create, task, person, isNew, route, flags);
        }

        private void Count(VerificationFlags flags)
        {
            if (flags.HasFlag(VerificationFlags.MatchedById)) _byIdCount++;
            else if (flags.HasFlag(VerificationFlags.MatchedByPhone)) _byPhoneCount++;
            else _newPersons++;
        }

        private Person NewPerson(long id, Prepared item, Route route)
        {
            var row = item.Row;
            var person = new Person
            {
                Id = id, CountyCode = _county, ScopeKey = route.ScopeKey, NodeId = NodeFor(route.ScopeKey),
                Name = row.Name ?? "", DocumentType = row.IdNumber is null ? DocumentType.None : DocumentType.ResidentId, DocumentNumber = row.IdNumber,
                // An invalid number is kept for the team but not indexed: two mistyped rows must not collide on it.
                DocumentHash = row.IdValid ? item.IdHash : null, DocumentMasked = Masking.IdNumber(row.IdNumber), IdValid = row.IdValid, IdIssue = row.IdIssue,
                AddressText = Text.Tidy(row.Raw.Address), Residence = ResidenceStatus.Incoming, Unregistered = true,
                Note = "协查推送", CreatedAt = now, UpdatedAt = now, ImportJobId = job.Id, Version = 1,
            };
            if (row.IdValid && ResidentId.Check(row.IdNumber, _today) is { Valid: true } check)
            {
                person.BirthDate = check.BirthDate;
                person.Sex = check.Sex?.ToString();
            }
            person.SetPhone(row.Phone, item.PhoneHash);
            return person;
        }

        private long NodeFor(string scopeKey) =>
            _nodeIds.TryGetValue(scopeKey, out var id) ? id
            : _nodeIds.TryGetValue(scopeKey[..Math.Min(scopeKey.Length, ScopeKey.TownshipLength)], out id) ? id
            : _nodeIds[_county];

        private VerificationTask NewTask(long id, Prepared item, Route route, long personId, VerificationFlags flags)
        {
            var row = item.Row;
            var status = route.Outcome switch
            {
                RouteOutcome.OutsideCounty => VerificationStatus.Upstream,
                RouteOutcome.Unroutable => VerificationStatus.Routing,
                _ => VerificationStatus.Dispatched,
            };
            var task = new VerificationTask
            {
                Id = id, CountyCode = _county, ScopeKey = route.ScopeKey, Township = route.Township, BatchId = item.Batch.Id, PersonId = personId,
                Name = row.Name ?? "", IdNumber = row.IdNumber, IdMasked = Masking.IdNumber(row.IdNumber), IdHash = item.IdHash,
                Phone = row.Phone ?? (row.PhoneInvalid ? Text.Tidy(row.Raw.Phone) : null), PhoneMasked = Masking.Phone(row.Phone ?? Text.Tidy(row.Raw.Phone)),
                Address = Text.Tidy(row.Raw.Address), Origin = Cap(row.Raw.Origin, 200), Reason = Cap(row.Raw.Reason, 200),
                PushedAt = item.PushedAt ?? importOptions.PushedAt, Flags = flags, Status = status,
                DeadlineProfileId = profile.Id, DeadlineProfileVersion = profileVersion, DispatchedAt = now,
                Extra = row.Raw.Extra is { Count: > 0 } extra ? Cap(JsonSerializer.Serialize(extra.ToDictionary(e => e.Key, e => e.Value)), 4000) : null,
                CreatedAt = now, UpdatedAt = now, Version = 1,
            };
            VerificationClock.Refresh(task, profile);
            item.Batch.TasksCreated++;
            if (task.PushedAt is null) item.Batch.TasksWithoutTime++;
            var key = (task.BatchId, VerificationTask.CountScope(task.Township, task.ScopeKey), status);
            _counts[key] = _counts.GetValueOrDefault(key) + 1;
            return task;
        }

        private static string? Cap(string? s, int max) => Text.Tidy(s) is { } t ? (t.Length > max ? t[..max] : t) : null;

        private static string CellsJson(PushedRow raw)
        {
            var buffer = new ArrayBufferWriter<byte>(256);
            using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
            {
                w.WriteStartObject();
                void Put(string name, string? value) { if (value is not null) w.WriteString(name, value.Length > 500 ? value[..500] : value); }
                Put("name", raw.Name); Put("idNumber", raw.IdNumber); Put("phone", raw.Phone); Put("address", raw.Address); Put("origin", raw.Origin);
                Put("reason", raw.Reason); Put("pushedAt", raw.PushedAt); Put("batch", raw.Batch);
                if (raw.Extra is { } extra) foreach (var (k, v) in extra) Put(k, v);
                w.WriteEndObject();
            }
            return Encoding.UTF8.GetString(buffer.WrittenSpan);
        }

        private void Error(int row, string? field, string code, string? value)
        {
            if (_errors.Count < owner.Settings.Import.MaxRowErrors)
                _errors.Add(new ImportRowError { RowNumber = row, Field = field, Code = code, Message = ErrorText.For(code), Value = value is { Length: > 200 } ? value[..200] : value });
        }

        /// <summary>An earlier batch of the county holding exactly these rows (whatever file carried them), or null.</summary>
        public async Task<VerificationBatch?> SameContentAsAsync(CancellationToken ct)
        {
            if (_digest.Rows == 0) return null;
            var digest = _digest.Value;
            return await db.VerificationBatches.AsNoTracking()
                .Where(b => b.CountyCode == _county && b.ContentSha256 == digest && b.ImportJobId != job.Id)
                .OrderBy(b => b.Id).FirstOrDefaultAsync(ct);
        }

        public async Task<VerificationImportSummary> FinishAsync(Stopwatch clock, CancellationToken ct)
        {
            // Tasks first (the source rows' foreign key points at them).
            foreach (var s in Enumerable.Reverse(_suspended)) if (s is not null) await s.DisposeAsync();
            foreach (var e in _errors) { e.ImportJobId = job.Id; e.CountyCode = _county; e.ScopeKey = _county; }
            var ids = await _writer.AllocateIdsAsync<ImportRowError>(_errors.Count, ct);
            for (var i = 0; i < _errors.Count; i++) _errors[i].Id = ids[i];
            await _writer.InsertAsync(_errors, ct);

            var first = _batches[0];
            var summary = new VerificationImportSummary(string.Join("、", _batches.Select(b => b.Entity.Name)), first.Id, job.Id, _format, _rows, _rejected, _idInvalid,
                _duplicates, _alreadyOpen, _byIdCount, _byPhoneCount, _newPersons, _outside, _unroutable, new SortedDictionary<string, int>(_routed, StringComparer.Ordinal),
                _created, clock.ElapsedMilliseconds, false,
                _errors.Take(SummaryRejections).Select(e => new ImportRejection(null, e.RowNumber, e.Field, e.Code, e.Message, e.Value)).ToList(),
                _unknownColumns.ToList())
            {
                Batches = _batches.Select(b => new ImportedBatch(b.Entity.Name, b.Id, b.Rows, b.TasksCreated)).ToList(),
            };
            await VerificationCounters.ApplyAsync(db, VerificationCounters.Merge(_counts.Select(c => new CountDelta(_county, c.Key.Item1, c.Key.Item2, c.Key.Item3, false, c.Value))), ct);
            // Every batch of the file holds the file's figures and content, so a look-up by any of them recognises the file again.
            var json = JsonSerializer.Serialize(summary, SummaryJson);
            var content = _digest.Value;
            var batchIds = _batches.Select(b => b.Id).ToList();
            var entities = await db.VerificationBatches.Where(b => batchIds.Contains(b.Id)).ToDictionaryAsync(b => b.Id, ct);
            foreach (var b in _batches)
            {
                var batch = entities[b.Id];
                batch.Summary = json;
                batch.ContentSha256 = content;
                // Pushed: when the caller says, else the earliest push time of the batch's rows; its tasks without a time of their own take it.
                batch.PushedAt = importOptions.PushedAt ?? b.Earliest;
                if (batch.PushedAt is { } pushed && b.TasksWithoutTime > 0)
                {
                    var id = b.Id;
                    await db.VerificationTasks.Where(t => t.BatchId == id && t.PushedAt == null).ExecuteUpdateAsync(u => u.SetProperty(t => t.PushedAt, pushed), ct);
                }
                db.Audit.Record(AuditKind.System, "verification.import", _county, _county, "VerificationBatch", batch.Id.ToString(CultureInfo.InvariantCulture),
                    new AuditChanges()
                        .Set("Batch", null, batch.Name)
                        .Set("File", null, fileName)
                        .Set("Sha256", null, job.FileSha256)
                        .Set("Rows", null, b.Rows.ToString(CultureInfo.InvariantCulture))
                        .Set("TasksCreated", null, b.TasksCreated.ToString(CultureInfo.InvariantCulture))
                        .Set("DeadlineProfile", null, $"{profile.Id} v{profileVersion}"),
                    reason: $"pushed list {batch.Name} imported and dispatched", rule: $"deadline#{profile.Id}-v{profileVersion}");
            }
            await db.SaveChangesAsync(ct);
            return summary;
        }
    }
}
