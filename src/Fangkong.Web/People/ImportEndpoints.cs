using Fangkong.Core.Accounts;
using Fangkong.Core.Jurisdictions;
using Fangkong.Core.People;
using Fangkong.Data;
using Fangkong.Data.Imports;
using Fangkong.Data.Infrastructure;
using Fangkong.Data.People;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Fangkong.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;

namespace Fangkong.Web.People;

public sealed record ImportJobItem(long Id, string FileName, string? Format, long FileBytes, ImportStatus Status, int Rows, int Imported, int Updated,
    int Unchanged, int Rejected, string ActorName, DateTime StartedAt, DateTime? FinishedAt, long ElapsedMs, string? Error);

public sealed record ImportJobDetail(ImportJobItem Job, Page<ImportRejection> Rejections);

public static partial class PeopleModule
{
    private static void AddImports(IServiceCollection services)
    {
        services.AddScoped<PeopleImporter>();
        services.AddScoped<PeopleExporter>();
        services.AddScoped<ImportUploads>();
    }

    private static void MapImportEndpoints(RouteGroupBuilder people)
    {
        people.MapPost("/import", Import).RequireAuthorization(Permissions.PeopleImport).DisableAntiforgery().WithName("People_Import")
            .WithSummary("Import the registry from an xlsx or csv file (UTF-8, UTF-8 with BOM or GBK; census sheets too). Multipart field \"file\".");
        people.MapGet("/imports", Imports).RequireAuthorization(Permissions.PeopleImport).WithName("People_Imports");
        people.MapGet("/imports/{id:long}", ImportJob).RequireAuthorization(Permissions.PeopleImport).WithName("People_ImportJob")
            .WithSummary("One import with its refused rows (row, field, reason).");
        people.MapGet("/imports/{id:long}/errors.xlsx", ImportErrors).RequireAuthorization(Permissions.PeopleImport).WithName("People_ImportErrors")
            .WithSummary("Every refused row of an import as an xlsx report, to fix and import again.");
        people.MapGet("/export", Export).RequireAuthorization(Permissions.PeopleExport).WithName("People_Export")
            .WithSummary("Export the registry (xlsx, csv or csv-gbk) with masked identifiers; reveal=true with a reason exports them in full and is logged.");
    }

    public static async Task<Results<Ok<ImportSummary>, ProblemHttpResult>> Import(HttpContext http, ImportUploads uploads, PeopleImporter importer,
        InvalidIdPolicy invalidIds = InvalidIdPolicy.Reject, CancellationToken ct = default)
    {
        var saved = await uploads.ReceiveAsync(http, ct);
        if (saved.Problem is { } problem) return problem;
        try
        {
            return TypedResults.Ok(await importer.ImportAsync(saved.Path!, saved.FileName!, invalidIds, null, ct));
        }
        finally
        {
            File.Delete(saved.Path!);
        }
    }

    public static async Task<Ok<Page<ImportJobItem>>> Imports(IDbContextFactory<FangkongDb> factory, int page = 1, int pageSize = 20)
    {
        await using var db = await factory.CreateDbContextAsync();
        pageSize = Math.Clamp(pageSize, 1, 100);
        page = Math.Max(1, page);
        var query = db.ImportJobs.AsNoTracking();
        var total = await query.CountAsync();
        var rows = await query.OrderByDescending(j => j.Id).Skip((page - 1) * pageSize).Take(pageSize).ToListAsync();
        return TypedResults.Ok(new Page<ImportJobItem>(rows.Select(ToItem).ToList(), total, page, pageSize));
    }

    public static async Task<Results<Ok<ImportJobDetail>, NotFound>> ImportJob(long id, IDbContextFactory<FangkongDb> factory, int page = 1, int pageSize = 100)
    {
        await using var db = await factory.CreateDbContextAsync();
        var job = await db.ImportJobs.AsNoTracking().FirstOrDefaultAsync(j => j.Id == id);
        if (job is null) return TypedResults.NotFound();
        pageSize = Math.Clamp(pageSize, 1, 1000);
        page = Math.Max(1, page);
        var errors = db.ImportRowErrors.AsNoTracking().Where(e => e.ImportJobId == id);
        var total = await errors.CountAsync();
        var rows = (await errors.OrderBy(e => e.Id).Skip((page - 1) * pageSize).Take(pageSize).ToListAsync()).Select(ToRejection).ToList();
        return TypedResults.Ok(new ImportJobDetail(ToItem(job), new Page<ImportRejection>(rows, total, page, pageSize)));
    }

    /// <summary>
    /// The refused rows as a workbook in the reader's language: field names and reasons in words (with the address
    /// resolver's note), the stable code kept in its own column for whoever sorts or filters by it.
    /// </summary>
    public static async Task<Results<FileStreamHttpResult, NotFound>> ImportErrors(long id, IDbContextFactory<FangkongDb> factory,
        IStringLocalizer<PeopleStrings> people, IStringLocalizer<ErrorStrings> errors, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var job = await db.ImportJobs.AsNoTracking().FirstOrDefaultAsync(j => j.Id == id, ct);
        if (job is null) return TypedResults.NotFound();
        return await TemporaryFileAsync(async file =>
        {
            using var xlsx = new Core.Tabular.XlsxWriter(file);
            xlsx.AddSheet(people["RejectionSheet"], [people["Sheet"], people["Row"], people["Field"], people["ErrorCode"], people["Problem"], people["Value"]]);
            await foreach (var e in db.ImportRowErrors.AsNoTracking().Where(e => e.ImportJobId == id).OrderBy(e => e.Id).AsAsyncEnumerable().WithCancellation(ct))
                xlsx.WriteRow(e.Sheet, e.RowNumber, RejectionText.Field(people, e.Field), e.Code, RejectionText.Reason(errors, e.Code, AddressNote.Read(e.Note)), e.Value);
        }, PeopleExporter.Describe(ExportFormat.Xlsx).ContentType, string.Format(people["RejectionFile"], job.Id));
    }

    private static ImportRejection ToRejection(ImportRowError e) =>
        new(e.Sheet, e.RowNumber, e.Field, e.Code, e.Message, e.Value, AddressNote.Read(e.Note));

    /// <summary>The registry as a file named in the reader's language ("人员名册-20221110-2200.xlsx", "people-….xlsx").</summary>
    public static async Task<Results<FileStreamHttpResult, EmptyHttpResult>> Export(HttpContext http, PeopleExporter exporter, IStringLocalizer<PeopleStrings> people,
        CountyTime time, string? format, string? q, long? nodeId, string? category, ResidenceStatus? residence, bool? idInvalid, VulnerableFlags? vulnerable,
        bool reveal = false, string? reason = null)
    {
        var kind = ParseFormat(format);
        var (contentType, extension) = PeopleExporter.Describe(kind);
        var query = new PersonQuery(q, nodeId, category, residence, idInvalid, vulnerable);
        return await TemporaryFileAsync(stream => exporter.ExportAsync(stream, query, kind, reveal, reason, http.RequestAborted),
            contentType, string.Format(people["PeopleExportFile"], time.FileStamp, extension));
    }

    public static async Task<Results<FileStreamHttpResult, EmptyHttpResult>> ExportHouseholds(HttpContext http, HouseholdService households,
        IStringLocalizer<PeopleStrings> people, CountyTime time, string? format, long? nodeId)
    {
        var kind = ParseFormat(format);
        var (contentType, extension) = PeopleExporter.Describe(kind);
        return await TemporaryFileAsync(stream => households.ExportAsync(stream, nodeId, kind, http.RequestAborted),
            contentType, string.Format(people["HouseholdsExportFile"], time.FileStamp, extension));
    }

    private static ExportFormat ParseFormat(string? format) =>
        format?.ToLowerInvariant() switch { "csv" => ExportFormat.Csv, "csv-gbk" or "gbk" => ExportFormat.CsvGbk, _ => ExportFormat.Xlsx };

    /// <summary>
    /// Written to a temporary file first: a validation or scope error still becomes a clean problem response, and the
    /// download starts only once the file is complete. The file deletes itself when the response is done.
    /// </summary>
    internal static async Task<FileStreamHttpResult> TemporaryFileAsync(Func<Stream, Task> write, string contentType, string name)
    {
        var file = new FileStream(Path.GetTempFileName(), FileMode.Create, FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.DeleteOnClose);
        try
        {
            await write(file);
        }
        catch
        {
            await file.DisposeAsync();
            throw;
        }
        file.Position = 0;
        return TypedResults.File(file, contentType, name);
    }

    private static ImportJobItem ToItem(ImportJob j) => new(j.Id, j.FileName, j.Format, j.FileBytes, j.Status, j.Rows, j.Imported, j.Updated,
        j.Unchanged, j.Rejected, j.ActorName, j.StartedAt, j.FinishedAt, j.ElapsedMs, j.Error);
}

/// <summary>
/// Receives an uploaded file into a temporary file, refusing it before it is read when it is larger than
/// Fangkong:Import:MaxUploadBytes, so a 50 MB (or 5 GB) junk upload never fills memory.
/// </summary>
public sealed class ImportUploads(IOptions<FangkongOptions> options)
{
    public sealed record Saved(string? Path, string? FileName, ProblemHttpResult? Problem);

    public long Limit => options.Value.Import.MaxUploadBytes;

    public async Task<Saved> ReceiveAsync(HttpContext http, CancellationToken ct)
    {
        var feature = http.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (feature is { IsReadOnly: false }) feature.MaxRequestBodySize = Limit + 64 * 1024;
        if (http.Request.ContentLength > Limit + 64 * 1024) return TooLarge();
        if (!http.Request.HasFormContentType)
            return new Saved(null, null, TypedResults.Problem(title: "Send the file as multipart/form-data in the field \"file\".", statusCode: 400));
        IFormCollection form;
        try
        {
            form = await http.Request.ReadFormAsync(new FormOptions { MultipartBodyLengthLimit = Limit, ValueLengthLimit = 1 << 20 }, ct);
        }
        catch (Exception e) when (e is InvalidDataException or BadHttpRequestException)
        {
            return TooLarge();
        }
        var upload = form.Files.GetFile("file") ?? form.Files.FirstOrDefault();
        if (upload is null || upload.Length == 0)
            return new Saved(null, null, TypedResults.Problem(title: "No file was uploaded (multipart field \"file\").", statusCode: 400));
        if (upload.Length > Limit) return TooLarge();
        var path = Path.GetTempFileName();
        await using (var target = File.Create(path))
            await upload.CopyToAsync(target, ct);
        return new Saved(path, upload.FileName, null);
    }

    private Saved TooLarge() => new(null, null, TypedResults.Problem(
        title: $"The file is larger than the {Limit / (1024 * 1024)} MB an import accepts. Split it, or ask the administrator to raise Fangkong:Import:MaxUploadBytes.",
        statusCode: StatusCodes.Status413PayloadTooLarge));
}
