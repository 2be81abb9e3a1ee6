using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Xml;

namespace Fangkong.Core.Tabular;

/// <summary>
/// Writes an xlsx workbook row by row straight into the zip (a million-row export holds one row in memory). Text
/// cells are inline strings, never formulas, so a name like "=1+1" stays a name. The header row is bold, frozen and
/// filtered, as county staff expect.
/// </summary>
public sealed class XlsxWriter : IDisposable
{
    private const string MainNs = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
    private readonly ZipArchive _zip;
    private readonly List<string> _sheetNames = [];
    private XmlWriter? _sheet;
    private int _row;
    private int _columns;

    public XlsxWriter(Stream output) => _zip = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true);

    public void AddSheet(string name, IReadOnlyList<string> headers, IReadOnlyList<double>? columnWidths = null)
    {
        CloseSheet();
        var sheetName = UniqueName(name);
        _sheetNames.Add(sheetName);
        var entry = _zip.CreateEntry($"xl/worksheets/sheet{_sheetNames.Count}.xml", CompressionLevel.Fastest);
        _sheet = XmlWriter.Create(entry.Open(), new XmlWriterSettings { Encoding = new UTF8Encoding(false), CloseOutput = true });
        _sheet.WriteStartDocument(true);
        _sheet.WriteStartElement("worksheet", MainNs);
        _sheet.WriteStartElement("sheetViews");
        _sheet.WriteStartElement("sheetView");
        _sheet.WriteAttributeString("workbookViewId", "0");
        _sheet.WriteStartElement("pane");
        _sheet.WriteAttributeString("ySplit", "1");
        _sheet.WriteAttributeString("topLeftCell", "A2");
        _sheet.WriteAttributeString("activePane", "bottomLeft");
        _sheet.WriteAttributeString("state", "frozen");
        _sheet.WriteEndElement();
        _sheet.WriteEndElement();
        _sheet.WriteEndElement();
        _sheet.WriteStartElement("cols");
        for (var i = 0; i < headers.Count; i++)
        {
            _sheet.WriteStartElement("col");
            _sheet.WriteAttributeString("min", (i + 1).ToString(CultureInfo.InvariantCulture));
            _sheet.WriteAttributeString("max", (i + 1).ToString(CultureInfo.InvariantCulture));
            var width = columnWidths is not null && i < columnWidths.Count ? columnWidths[i] : Math.Clamp(Width(headers[i]) + 6, 10, 40);
            _sheet.WriteAttributeString("width", width.ToString(CultureInfo.InvariantCulture));
            _sheet.WriteAttributeString("customWidth", "1");
            _sheet.WriteEndElement();
        }
        _sheet.WriteEndElement();
        _sheet.WriteStartElement("sheetData");
        _row = 0;
        _columns = headers.Count;
        WriteCells(headers.Cast<object?>().ToArray(), style: 1);
    }

    public void WriteRow(params object?[] cells)
    {
        if (_sheet is null) throw new InvalidOperationException("Call AddSheet first.");
        WriteCells(cells, style: 0);
    }

    private void WriteCells(object?[] cells, int style)
    {
        var w = _sheet!;
        _row++;
        w.WriteStartElement("row");
        w.WriteAttributeString("r", _row.ToString(CultureInfo.InvariantCulture));
        for (var i = 0; i < cells.Length; i++)
        {
            var value = cells[i];
            if (value is null || value is string { Length: 0 }) continue;
            w.WriteStartElement("c");
            w.WriteAttributeString("r", ColumnName(i) + _row.ToString(CultureInfo.InvariantCulture));
            switch (value)
            {
                case int or long or short or double or float or decimal:
                    if (style != 0) w.WriteAttributeString("s", style.ToString(CultureInfo.InvariantCulture));
                    w.WriteElementString("v", Convert.ToString(value, CultureInfo.InvariantCulture));
                    break;
                case bool b:
                    w.WriteAttributeString("t", "b");
                    w.WriteElementString("v", b ? "1" : "0");
                    break;
                case DateOnly d:
                    w.WriteAttributeString("s", "2");
                    w.WriteElementString("v", d.ToDateTime(TimeOnly.MinValue).ToOADate().ToString(CultureInfo.InvariantCulture));
                    break;
                case DateTime dt:
                    w.WriteAttributeString("s", "3");
                    w.WriteElementString("v", dt.ToOADate().ToString(CultureInfo.InvariantCulture));
                    break;
                default:
                    w.WriteAttributeString("t", "inlineStr");
                    if (style != 0) w.WriteAttributeString("s", style.ToString(CultureInfo.InvariantCulture));
                    w.WriteStartElement("is");
                    w.WriteStartElement("t");
                    var text = Clean(value.ToString() ?? "");
                    if (text.Length > 0 && (char.IsWhiteSpace(text[0]) || char.IsWhiteSpace(text[^1]))) w.WriteAttributeString("xml", "space", null, "preserve");
                    w.WriteString(text);
                    w.WriteEndElement();
                    w.WriteEndElement();
                    break;
            }
            w.WriteEndElement();
        }
        w.WriteEndElement();
    }

    /// <summary>XML 1.0 forbids most control characters; a stray one from an imported cell must not break the file.</summary>
    private static string Clean(string s)
    {
        foreach (var c in s)
            if (c < 0x20 && c is not ('\t' or '\n' or '\r')) return new string(s.Where(ch => ch >= 0x20 || ch is '\t' or '\n' or '\r').ToArray());
        return s;
    }

    private void CloseSheet()
    {
        if (_sheet is null) return;
        _sheet.WriteEndElement(); // sheetData
        if (_row > 0 && _columns > 0)
        {
            _sheet.WriteStartElement("autoFilter");
            _sheet.WriteAttributeString("ref", $"A1:{ColumnName(_columns - 1)}{Math.Max(_row, 1)}");
            _sheet.WriteEndElement();
        }
        _sheet.WriteEndElement(); // worksheet
        _sheet.WriteEndDocument();
        _sheet.Dispose();
        _sheet = null;
    }

    private string UniqueName(string name)
    {
        var clean = new string(name.Where(c => c is not ('[' or ']' or ':' or '*' or '?' or '/' or '\\')).ToArray()).Trim();
        if (clean.Length == 0) clean = "Sheet";
        if (clean.Length > 31) clean = clean[..31];
        var candidate = clean;
        for (var i = 2; _sheetNames.Contains(candidate, StringComparer.OrdinalIgnoreCase); i++)
        {
            var suffix = $" ({i})";
            candidate = (clean.Length + suffix.Length > 31 ? clean[..(31 - suffix.Length)] : clean) + suffix;
        }
        return candidate;
    }

    internal static string ColumnName(int index)
    {
        var name = "";
        index++;
        while (index > 0)
        {
            var m = (index - 1) % 26;
            name = (char)('A' + m) + name;
            index = (index - 1) / 26;
        }
        return name;
    }

    /// <summary>Rough display width: CJK characters count double.</summary>
    private static double Width(string s) => s.Sum(c => c > 0x2E80 ? 2.0 : 1.0);

    public void Dispose()
    {
        if (_sheetNames.Count == 0) AddSheet("Sheet1", []);
        CloseSheet();
        Write("[Content_Types].xml",
            "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>" +
            "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">" +
            "<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>" +
            "<Default Extension=\"xml\" ContentType=\"application/xml\"/>" +
            "<Override PartName=\"/xl/workbook.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/>" +
            "<Override PartName=\"/xl/styles.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml\"/>" +
            string.Concat(_sheetNames.Select((_, i) => $"<Override PartName=\"/xl/worksheets/sheet{i + 1}.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/>")) +
            "</Types>");
        Write("_rels/.rels",
            "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>" +
            "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">" +
            "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"xl/workbook.xml\"/>" +
            "</Relationships>");
        Write("xl/workbook.xml",
            "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>" +
            $"<workbook xmlns=\"{MainNs}\" xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\"><sheets>" +
            string.Concat(_sheetNames.Select((n, i) => $"<sheet name=\"{System.Security.SecurityElement.Escape(n)}\" sheetId=\"{i + 1}\" r:id=\"rId{i + 1}\"/>")) +
            "</sheets></workbook>");
        Write("xl/_rels/workbook.xml.rels",
            "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>" +
            "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">" +
            string.Concat(_sheetNames.Select((_, i) => $"<Relationship Id=\"rId{i + 1}\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" Target=\"worksheets/sheet{i + 1}.xml\"/>")) +
            $"<Relationship Id=\"rId{_sheetNames.Count + 1}\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" Target=\"styles.xml\"/>" +
            "</Relationships>");
        // Styles: 0 normal, 1 bold header, 2 date, 3 date and time.
        Write("xl/styles.xml",
            "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>" +
            $"<styleSheet xmlns=\"{MainNs}\">" +
            "<numFmts count=\"2\"><numFmt numFmtId=\"164\" formatCode=\"yyyy-mm-dd\"/><numFmt numFmtId=\"165\" formatCode=\"yyyy-mm-dd hh:mm\"/></numFmts>" +
            "<fonts count=\"2\"><font><sz val=\"11\"/><name val=\"等线\"/></font><font><b/><sz val=\"11\"/><name val=\"等线\"/></font></fonts>" +
            "<fills count=\"2\"><fill><patternFill patternType=\"none\"/></fill><fill><patternFill patternType=\"gray125\"/></fill></fills>" +
            "<borders count=\"1\"><border><left/><right/><top/><bottom/><diagonal/></border></borders>" +
            "<cellStyleXfs count=\"1\"><xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\"/></cellStyleXfs>" +
            "<cellXfs count=\"4\">" +
            "<xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\"/>" +
            "<xf numFmtId=\"0\" fontId=\"1\" fillId=\"0\" borderId=\"0\" xfId=\"0\" applyFont=\"1\"/>" +
            "<xf numFmtId=\"164\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\" applyNumberFormat=\"1\"/>" +
            "<xf numFmtId=\"165\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\" applyNumberFormat=\"1\"/>" +
            "</cellXfs></styleSheet>");
        _zip.Dispose();
    }

    private void Write(string path, string content)
    {
        var entry = _zip.CreateEntry(path, CompressionLevel.Fastest);
        using var stream = entry.Open();
        var bytes = Encoding.UTF8.GetBytes(content);
        stream.Write(bytes);
    }
}

/// <summary>
/// Writes csv the way Excel on Chinese Windows reads it: UTF-8 with a BOM by default (or GBK when asked), CRLF,
/// quoting where needed, and a guard against formula injection: text starting with = + - @ is prefixed with an
/// apostrophe so opening the file never runs anything.
/// </summary>
public sealed class CsvWriter : IDisposable
{
    private readonly StreamWriter _writer;

    public CsvWriter(Stream output, Encoding? encoding = null) =>
        _writer = new StreamWriter(output, encoding ?? new UTF8Encoding(encoderShouldEmitUTF8Identifier: true), 1 << 16, leaveOpen: true) { NewLine = "\r\n" };

    public void WriteHeader(IReadOnlyList<string> headers) => WriteRow(headers.Cast<object?>().ToArray());

    public void WriteRow(params object?[] cells)
    {
        for (var i = 0; i < cells.Length; i++)
        {
            if (i > 0) _writer.Write(',');
            var text = cells[i] switch
            {
                null => "",
                DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                DateTime dt => dt.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
                bool b => b ? "TRUE" : "FALSE",
                IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
                var o => Guard(o.ToString() ?? ""),
            };
            if (text.AsSpan().IndexOfAny(",\"\r\n") >= 0)
            {
                _writer.Write('"');
                _writer.Write(text.Replace("\"", "\"\""));
                _writer.Write('"');
            }
            else
            {
                _writer.Write(text);
            }
        }
        _writer.WriteLine();
    }

    private static string Guard(string text) =>
        text.Length > 0 && text[0] is '=' or '+' or '-' or '@' or '\t' or '\r' && !double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out _)
            ? "'" + text
            : text;

    public void Dispose() => _writer.Dispose();
}
