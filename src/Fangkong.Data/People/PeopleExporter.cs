using System.Globalization;
using System.Text;
using Fangkong.Core;
using Fangkong.Core.Accounts;
using Fangkong.Core.Audit;
using Fangkong.Core.People;
using Fangkong.Core.Tabular;
using Fangkong.Data.Infrastructure;
using Fangkong.Data.Jurisdictions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Fangkong.Data.People;

public enum ExportFormat { Xlsx, Csv, CsvGbk }

/// <summary>
/// Exports the registry as the counties' own sheet layout (the same headers the importer reads). Identifiers are
/// masked unless the actor may reveal them and gives a reason; such an export is one access-log entry naming how
/// many people it revealed. Rows stream from the database to the file; nothing is held in memory.
/// </summary>
public sealed class PeopleExporter(IDbContextFactory<FangkongDb> factory, IActorAccessor actor, JurisdictionDirectory directory, IOptions<FangkongOptions> options, TimeProvider time)
{
    public static readonly string[] Headers =
        ["姓名", "证件类型", "身份证号", "性别", "出生日期", "年龄", "手机号", "乡镇", "村(社区)", "户号", "现住址", "与户主关系", "居住状态", "外出地点", "职业", "工作单位", "人员类别", "弱势群体", "备注"];

    public static (string ContentType, string Extension) Describe(ExportFormat format) => format switch
    {
        ExportFormat.Xlsx => ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
        _ => ("text/csv", "csv"),
    };

    public async Task<int> ExportAsync(Stream output, PersonQuery query, ExportFormat format, bool reveal, string? reason, CancellationToken ct = default)
    {
        var a = actor.Current;
        a.Require(Permissions.PeopleExport);
        if (reveal)
        {
            a.Require(Permissions.PeopleReveal);
            if (Text.Tidy(reason) is not { Length: >= 2 }) throw new ValidationFailedException([new FieldError("reason", "reason.required")]);
        }
        await using var db = await factory.CreateDbContextAsync(ct);
        var people = await PeopleService.FilterAsync(db, query, ct);
        var categories = await db.Categories.AsNoTracking().ToDictionaryAsync(c => c.Id, c => c.NameZh, ct);
        // Read once, not joined per row: a joined collection would make the streamed export query materialize.
        var links = (await db.PersonCategories.AsNoTracking().Select(c => new { c.PersonId, c.CategoryId }).ToListAsync(ct))
            .ToLookup(l => l.PersonId, l => l.CategoryId);
        // The county's today (an exercise runs on its own date): ages in the file agree with the pages.
        var today = CountyClock.Today(time, options.Value.TimeZone);

        using var sheet = OpenWriter(output, format);
        sheet.Header(Headers);
        var count = 0;
        var rows = people.OrderBy(p => p.ScopeKey).ThenBy(p => p.Id).Select(p => new
        {
            p.Id, p.Name, p.DocumentType, p.DocumentMasked, p.IdValid, p.Sex, p.BirthDate, p.PhoneMasked, p.ScopeKey, p.Relation, p.Residence,
            p.AwayLocation, p.Occupation, p.Workplace, p.Vulnerable, p.Note,
            NodeName = p.Node != null ? p.Node.Name : null,
            NodeLevel = p.Node != null ? p.Node.Level : (Core.Jurisdictions.JurisdictionLevel?)null,
            Document = reveal ? p.DocumentNumber : null,
            Phone = reveal ? p.Phone : null,
            Address = reveal ? p.AddressText : null,
        }).AsAsyncEnumerable();
        await foreach (var p in rows.WithCancellation(ct))
        {
            count++;
            var place = directory.PlaceLabel(p.ScopeKey)?.Split(' ');
            sheet.Row(
                p.Name,
                DocumentName(p.DocumentType),
                reveal ? p.Document : p.DocumentMasked,
                p.Sex switch { "M" => "男", "F" => "女", _ => null },
                p.BirthDate,
                p.BirthDate is { } b ? PersonRules.AgeOn(b, today) : null,
                reveal ? p.Phone : p.PhoneMasked,
                place?.ElementAtOrDefault(0),
                place?.ElementAtOrDefault(1),
                p.NodeLevel == Core.Jurisdictions.JurisdictionLevel.Household ? p.NodeName : null,
                reveal ? p.Address : null,
                p.Relation,
                ResidenceName(p.Residence),
                p.AwayLocation,
                p.Occupation,
                p.Workplace,
                string.Join("、", links[p.Id].Select(id => categories.GetValueOrDefault(id, ""))),
                VulnerableNames(p.Vulnerable),
                p.Note);
        }
        if (reveal)
        {
            db.Audit.Record(AuditKind.Access, "people.export-revealed", a.Scope.CountyCode, a.Scope.Prefix, "Person", null,
                new AuditChanges().Set("People", null, count.ToString(CultureInfo.InvariantCulture)).Set("Filter", null, Describe(query)),
                reason: Text.Tidy(reason), rule: "reveal");
            await db.SaveChangesAsync(ct);
        }
        return count;
    }

    private static string Describe(PersonQuery q) =>
        $"q={q.Text};node={q.NodeId};category={q.Category};residence={q.Residence};idInvalid={q.IdInvalid}";

    public static string DocumentName(Core.Identifiers.DocumentType type) => type switch
    {
        Core.Identifiers.DocumentType.ResidentId => "身份证",
        Core.Identifiers.DocumentType.Passport => "护照",
        Core.Identifiers.DocumentType.HkMacaoPermit => "港澳居民来往内地通行证",
        Core.Identifiers.DocumentType.TaiwanPermit => "台湾居民来往大陆通行证",
        Core.Identifiers.DocumentType.ForeignPermanentId => "外国人永久居留身份证",
        Core.Identifiers.DocumentType.None => "无",
        _ => "其他",
    };

    public static string ResidenceName(ResidenceStatus r) => r switch
    {
        ResidenceStatus.Away => "外出",
        ResidenceStatus.Incoming => "流入",
        ResidenceStatus.Visitor => "来访",
        _ => "常住",
    };

    private static string VulnerableNames(VulnerableFlags v)
    {
        var names = new List<string>();
        if (v.HasFlag(VulnerableFlags.Elderly80Plus)) names.Add("80岁以上");
        if (v.HasFlag(VulnerableFlags.LivesAlone)) names.Add("独居");
        if (v.HasFlag(VulnerableFlags.Pregnant)) names.Add("孕妇");
        if (v.HasFlag(VulnerableFlags.Disabled)) names.Add("残疾");
        if (v.HasFlag(VulnerableFlags.ChronicIllness)) names.Add("慢性病");
        if (v.HasFlag(VulnerableFlags.Infant)) names.Add("婴幼儿");
        if (v.HasFlag(VulnerableFlags.BedRidden)) names.Add("卧床");
        return string.Join("、", names);
    }

    /// <summary>One interface over the xlsx and csv writers.</summary>
    internal sealed class SheetWriter(XlsxWriter? xlsx, CsvWriter? csv) : IDisposable
    {
        public void Header(IReadOnlyList<string> headers)
        {
            xlsx?.AddSheet("人员名册", headers);
            csv?.WriteHeader(headers);
        }

        public void Row(params object?[] cells)
        {
            xlsx?.WriteRow(cells);
            csv?.WriteRow(cells);
        }

        public void Dispose()
        {
            xlsx?.Dispose();
            csv?.Dispose();
        }
    }

    internal static SheetWriter OpenWriter(Stream output, ExportFormat format) => format switch
    {
        ExportFormat.Xlsx => new SheetWriter(new XlsxWriter(output), null),
        ExportFormat.CsvGbk => new SheetWriter(null, new CsvWriter(output, Gbk())),
        _ => new SheetWriter(null, new CsvWriter(output)),
    };

    private static Encoding Gbk()
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        return Encoding.GetEncoding(936);
    }
}
