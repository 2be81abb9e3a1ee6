using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Xml;

namespace Fangkong.Core.Tabular;

/// <summary>
/// Streams the sheets of an xlsx workbook with a forward-only XML reader: the shared strings and styles are loaded,
/// each sheet's rows are read one at a time. No spreadsheet library: an xlsx file is a zip of XML parts.
/// </summary>
internal sealed class XlsxReader : ITabularSource
{
    private const string MainNs = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
    private const string RelNs = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
    private readonly ZipArchive _zip;
    private readonly Stream _stream;
    private readonly List<string> _sharedStrings = [];
    private readonly List<bool> _dateStyles = [];
    private readonly List<Sheet> _sheets = [];
    private readonly long _limit;
    private long _read;
    private bool _date1904;

    private XlsxReader(Stream stream, ZipArchive zip, long limit)
    {
        _stream = stream;
        _zip = zip;
        _limit = limit;
    }

    public string Format => "xlsx";
    public string EncodingName => "xlsx";
    public IEnumerable<ITabularSheet> Sheets => _sheets;

    public static XlsxReader Open(Stream stream, TabularReadOptions options)
    {
        if (!stream.CanSeek)
        {
            // The zip directory sits at the end of the file: a stream we cannot seek goes to a temporary file first.
            var temp = new FileStream(Path.GetTempFileName(), FileMode.Create, FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.DeleteOnClose);
            stream.CopyTo(temp);
            stream.Dispose();
            temp.Position = 0;
            stream = temp;
        }
        ZipArchive zip;
        try
        {
            zip = new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: false);
        }
        catch (InvalidDataException e)
        {
            throw new TabularFormatException(TabularError.CorruptXlsx, "The xlsx file is damaged (not a readable zip archive): " + e.Message);
        }
        var reader = new XlsxReader(stream, zip, options.MaxUncompressedBytes);
        try
        {
            reader.LoadWorkbook();
            reader.LoadSharedStrings();
            reader.LoadStyles();
        }
        catch (Exception e) when (e is XmlException or InvalidDataException)
        {
            reader.Dispose();
            throw new TabularFormatException(TabularError.CorruptXlsx, "The xlsx file is damaged: " + e.Message);
        }
        return reader;
    }

    private Stream OpenPart(string path)
    {
        var entry = _zip.GetEntry(path) ?? _zip.Entries.FirstOrDefault(e => string.Equals(e.FullName, path, StringComparison.OrdinalIgnoreCase));
        if (entry is null) throw new TabularFormatException(TabularError.CorruptXlsx, $"The xlsx file has no part {path}.");
        if (entry.Length > 10 * 1024 * 1024 && entry.CompressedLength > 0 && entry.Length / entry.CompressedLength > 200)
            throw new TabularFormatException(TabularError.TooLarge, $"The part {path} expands {entry.Length / Math.Max(1, entry.CompressedLength)} times: refused as a zip bomb.");
        return new CountingStream(entry.Open(), this);
    }

    private bool HasPart(string path) => _zip.GetEntry(path) is not null;

    private static XmlReader Xml(Stream stream) => XmlReader.Create(stream, new XmlReaderSettings
    {
        IgnoreComments = true,
        IgnoreProcessingInstructions = true,
        IgnoreWhitespace = false,
        DtdProcessing = DtdProcessing.Prohibit,
        CloseInput = true,
    });

    private void LoadWorkbook()
    {
        if (!HasPart("xl/workbook.xml")) throw new TabularFormatException(TabularError.CorruptXlsx, "The file is a zip archive but not an Excel workbook.");
        var targets = new Dictionary<string, string>(StringComparer.Ordinal);
        if (HasPart("xl/_rels/workbook.xml.rels"))
        {
            using var rels = Xml(OpenPart("xl/_rels/workbook.xml.rels"));
            while (rels.Read())
                if (rels.NodeType == XmlNodeType.Element && rels.LocalName == "Relationship")
                    targets[rels.GetAttribute("Id") ?? ""] = rels.GetAttribute("Target") ?? "";
        }
        using var xml = Xml(OpenPart("xl/workbook.xml"));
        var index = 0;
        while (xml.Read())
        {
            if (xml.NodeType != XmlNodeType.Element) continue;
            if (xml.LocalName == "workbookPr") _date1904 = xml.GetAttribute("date1904") is "1" or "true";
            if (xml.LocalName != "sheet") continue;
            index++;
            var id = xml.GetAttribute("id", RelNs) ?? "";
            var target = targets.GetValueOrDefault(id) ?? $"worksheets/sheet{index}.xml";
            var path = target.StartsWith('/') ? target.TrimStart('/') : "xl/" + target;
            _sheets.Add(new Sheet(this, xml.GetAttribute("name") ?? $"Sheet{index}", path, xml.GetAttribute("state") is "hidden" or "veryHidden"));
        }
    }

    private void LoadSharedStrings()
    {
        if (!HasPart("xl/sharedStrings.xml")) return;
        using var xml = Xml(OpenPart("xl/sharedStrings.xml"));
        var text = new StringBuilder();
        var depthOfPhonetic = -1;
        xml.Read();
        while (!xml.EOF)
        {
            if (xml.NodeType == XmlNodeType.Element)
            {
                if (xml.LocalName == "si") text.Clear();
                else if (xml.LocalName == "rPh" && !xml.IsEmptyElement) depthOfPhonetic = xml.Depth;
                else if (xml.LocalName == "t" && depthOfPhonetic < 0)
                {
                    // Leaves the reader on the node after </t>, which the loop must see: no extra Read().
                    text.Append(xml.ReadElementContentAsString());
                    continue;
                }
            }
            else if (xml.NodeType == XmlNodeType.EndElement)
            {
                if (xml.LocalName == "rPh" && xml.Depth == depthOfPhonetic) depthOfPhonetic = -1;
                else if (xml.LocalName == "si") _sharedStrings.Add(text.ToString());
            }
            xml.Read();
        }
    }

    private void LoadStyles()
    {
        if (!HasPart("xl/styles.xml")) return;
        var custom = new Dictionary<int, string>();
        using var xml = Xml(OpenPart("xl/styles.xml"));
        var inCellXfs = false;
        while (xml.Read())
        {
            if (xml.NodeType == XmlNodeType.Element)
            {
                switch (xml.LocalName)
                {
                    case "numFmt":
                        if (int.TryParse(xml.GetAttribute("numFmtId"), CultureInfo.InvariantCulture, out var id)) custom[id] = xml.GetAttribute("formatCode") ?? "";
                        break;
                    case "cellXfs":
                        inCellXfs = !xml.IsEmptyElement;
                        break;
                    case "xf" when inCellXfs:
                        var numFmt = int.TryParse(xml.GetAttribute("numFmtId"), CultureInfo.InvariantCulture, out var n) ? n : 0;
                        _dateStyles.Add(IsDateFormat(numFmt, custom.GetValueOrDefault(numFmt)));
                        break;
                }
            }
            else if (xml.NodeType == XmlNodeType.EndElement && xml.LocalName == "cellXfs")
            {
                inCellXfs = false;
            }
        }
    }

    /// <summary>Built-in date formats 14–22 and 45–47, or a custom format with date letters outside quotes and brackets.</summary>
    internal static bool IsDateFormat(int id, string? code)
    {
        if (id is >= 14 and <= 22 or >= 45 and <= 47) return true;
        if (string.IsNullOrEmpty(code)) return false;
        var quoted = false;
        var bracket = false;
        foreach (var c in code)
        {
            if (c == '"') quoted = !quoted;
            else if (!quoted && c == '[') bracket = true;
            else if (!quoted && c == ']') bracket = false;
            else if (!quoted && !bracket && c is 'y' or 'Y' or 'm' or 'M' or 'd' or 'D' or 'h' or 'H' or 's' or 'S') return true;
        }
        return false;
    }

    private IEnumerable<TabularRow> ReadSheet(Sheet sheet)
    {
        using var xml = Xml(OpenPart(sheet.Path));
        var row = new TabularRow(sheet.Name);
        var rowNumber = 0;
        var inRow = false;
        var column = -1;
        string? type = null;
        var style = 0;
        var inline = new StringBuilder();
        xml.Read();
        while (!xml.EOF)
        {
            if (xml.NodeType == XmlNodeType.Element)
            {
                switch (xml.LocalName)
                {
                    case "row":
                        rowNumber = int.TryParse(xml.GetAttribute("r"), CultureInfo.InvariantCulture, out var r) ? r : rowNumber + 1;
                        row.Reset(rowNumber);
                        inRow = true;
                        column = -1;
                        if (xml.IsEmptyElement) { inRow = false; yield return row; }
                        break;
                    case "c" when inRow:
                        var reference = xml.GetAttribute("r");
                        column = reference is null ? column + 1 : ColumnIndex(reference);
                        type = xml.GetAttribute("t");
                        style = int.TryParse(xml.GetAttribute("s"), CultureInfo.InvariantCulture, out var s) ? s : 0;
                        inline.Clear();
                        break;
                    case "v" when inRow:
                        // ReadElementContentAsString leaves the reader on the node after </v>: the loop must see it.
                        Store(row, column, type, style, xml.ReadElementContentAsString());
                        continue;
                    case "t" when inRow && type == "inlineStr":
                        inline.Append(xml.ReadElementContentAsString());
                        continue;
                }
            }
            else if (xml.NodeType == XmlNodeType.EndElement)
            {
                if (xml.LocalName == "c" && inRow && type == "inlineStr") row.Set(column, inline.Length == 0 ? null : inline.ToString());
                else if (xml.LocalName == "row" && inRow)
                {
                    inRow = false;
                    yield return row;
                }
                else if (xml.LocalName == "sheetData") yield break;
            }
            xml.Read();
        }
    }

    private void Store(TabularRow row, int column, string? type, int style, string raw)
    {
        switch (type)
        {
            case "s":
                var index = int.Parse(raw, CultureInfo.InvariantCulture);
                row.Set(column, index >= 0 && index < _sharedStrings.Count ? _sharedStrings[index] : null);
                break;
            case "str":
                row.Set(column, raw);
                break;
            case "b":
                row.Set(column, raw is "1" or "true" ? "TRUE" : "FALSE", CellKind.Boolean);
                break;
            case "e":
                row.Set(column, raw, CellKind.Error);
                break;
            case "d":
                row.Set(column, DateTime.TryParse(raw, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var d) ? DateText(d) : raw, CellKind.Date);
                break;
            default:
                if (!double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out var number)) { row.Set(column, raw); break; }
                if (style < _dateStyles.Count && _dateStyles[style] && number is > -1 and < 2958466)
                {
                    var date = _date1904 ? new DateTime(1904, 1, 1).AddDays(number) : DateTime.FromOADate(number);
                    row.Set(column, DateText(date), CellKind.Date);
                    break;
                }
                row.Set(column, NumberText(number), CellKind.Number, lossy: Math.Abs(number) >= 1e15 && Math.Floor(number) == number);
                break;
        }
    }

    private static string DateText(DateTime d) =>
        d.TimeOfDay == TimeSpan.Zero ? d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : d.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    /// <summary>Plain digits without an exponent, the way the cell looks in Excel (4.11326198001011E+17 → 411326198001011000).</summary>
    internal static string NumberText(double number)
    {
        if (Math.Floor(number) == number && Math.Abs(number) < 7.9e28)
            return ((decimal)number).ToString("0", CultureInfo.InvariantCulture);
        return number.ToString("0.###############", CultureInfo.InvariantCulture);
    }

    /// <summary>"C7" → 2, "AA10" → 26.</summary>
    internal static int ColumnIndex(string reference)
    {
        var index = 0;
        foreach (var c in reference)
        {
            if (c is >= 'A' and <= 'Z') index = index * 26 + (c - 'A' + 1);
            else if (c is >= 'a' and <= 'z') index = index * 26 + (c - 'a' + 1);
            else break;
        }
        return index - 1;
    }

    public void Dispose()
    {
        _zip.Dispose();
        _stream.Dispose();
    }

    private sealed record Sheet(XlsxReader Owner, string Name, string Path, bool IsHidden) : ITabularSheet
    {
        public IEnumerable<TabularRow> Rows => Owner.ReadSheet(this);
    }

    /// <summary>Counts uncompressed bytes across all parts: the zip-bomb guard.</summary>
    private sealed class CountingStream(Stream inner, XlsxReader owner) : ForwardStream(inner)
    {
        public override int Read(Span<byte> buffer)
        {
            var n = Inner.Read(buffer);
            owner._read += n;
            if (owner._read > owner._limit)
                throw new TabularFormatException(TabularError.TooLarge, $"The workbook expands to more than {owner._limit / (1024 * 1024)} MB: refused.");
            return n;
        }
    }
}
