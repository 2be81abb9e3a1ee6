using System.Diagnostics;
using System.IO.Compression;
using System.Text;
using Fangkong.Core.Tabular;
using Xunit.Abstractions;

namespace Fangkong.Core.Tests.Tabular;

public class TabularTests(ITestOutputHelper output)
{
    private static readonly TabularSchema Schema = new(
    [
        new TabularField("name", true, "姓名", "name"),
        new TabularField("idNumber", false, "身份证号", "身份证号码", "idNumber"),
        new TabularField("phone", false, "手机号", "联系电话", "phone"),
        new TabularField("address", false, "现住址", "address"),
        new TabularField("township", false, "乡镇"),
        new TabularField("village", false, "村"),
    ]);

    private static List<TabularRow> Rows(byte[] bytes, string name = "t.csv", Encoding? forced = null)
    {
        using var source = TabularFile.Open(new MemoryStream(bytes), name, new TabularReadOptions { Encoding = forced });
        return source.Sheets.SelectMany(s => s.Rows.Select(r => r.Clone())).ToList();
    }

    private static string Encoding(byte[] bytes)
    {
        using var source = TabularFile.Open(new MemoryStream(bytes), "t.csv");
        return source.EncodingName;
    }

    [Fact]
    public void Csv_Utf8WithAndWithoutBom_AndGbk_ReadTheSameChinese()
    {
        const string text = "姓名,现住址\r\n张三,河南省南阳市淅川县\r\n";
        var plain = System.Text.Encoding.UTF8.GetBytes(text);
        var bom = new byte[] { 0xEF, 0xBB, 0xBF }.Concat(plain).ToArray();
        var gbk = TabularFile.Gbk.GetBytes(text);
        var utf16 = System.Text.Encoding.Unicode.GetPreamble().Concat(System.Text.Encoding.Unicode.GetBytes(text)).ToArray();

        foreach (var (bytes, expected) in new[] { (plain, "utf-8"), (bom, "utf-8-bom"), (gbk, "gbk"), (utf16, "utf-16") })
        {
            Assert.Equal(expected, Encoding(bytes));
            var rows = Rows(bytes);
            Assert.Equal("姓名", rows[0][0]);
            Assert.Equal("河南省南阳市淅川县", rows[1][1]);
        }
    }

    [Fact]
    public void Csv_QuotedFieldsWithNewlines_KeepTheirRowNumbers()
    {
        var rows = Rows("a,b,c\n\"x, y\",\"line1\nline2\",\"say \"\"hi\"\"\"\nlast,row,\n"u8.ToArray());
        Assert.Equal(3, rows.Count);
        Assert.Equal("x, y", rows[1][0]);
        Assert.Equal("line1\nline2", rows[1][1]);
        Assert.Equal("say \"hi\"", rows[1][2]);
        Assert.Equal(2, rows[1].RowNumber);
        Assert.Equal(4, rows[2].RowNumber); // the quoted newline took line 3
        Assert.Null(rows[2][2]);
    }

    [Theory]
    [InlineData("姓名\t手机号\n张三\t13800001234\n")]
    [InlineData("姓名，手机号\n张三，13800001234\n")]
    [InlineData("姓名;手机号\r\n张三;13800001234\r\n")]
    [InlineData("姓名|手机号\r张三|13800001234\r")]
    public void Csv_OtherDelimitersAndLineEnds_AreDetected(string text)
    {
        var rows = Rows(System.Text.Encoding.UTF8.GetBytes(text));
        Assert.Equal("13800001234", rows[1][1]);
    }

    [Fact]
    public void Csv_UnclosedQuote_NamesTheRowWhereItStarts()
    {
        var e = Assert.Throws<TabularFormatException>(() => Rows("a,b\nok,1\n\"broken,2\nmore\n"u8.ToArray()));
        Assert.Equal(TabularError.UnclosedQuote, e.Code);
        Assert.Equal(3, e.RowNumber);
    }

    [Fact]
    public void Junk_OldXls_AndEmptyFiles_GetClearErrors()
    {
        var random = new byte[1 << 20];
        new Random(42).NextBytes(random);
        Assert.Equal(TabularError.NotTabular, Assert.Throws<TabularFormatException>(() => Rows(random)).Code);
        var xls = new byte[] { 0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0 };
        Assert.Equal(TabularError.XlsNotSupported, Assert.Throws<TabularFormatException>(() => Rows(xls)).Code);
        Assert.Equal(TabularError.Empty, Assert.Throws<TabularFormatException>(() => Rows([])).Code);
        var fakeZip = "PK\u0003\u0004garbage"u8.ToArray();
        Assert.Equal(TabularError.CorruptXlsx, Assert.Throws<TabularFormatException>(() => Rows(fakeZip)).Code);
    }

    [Fact]
    public void Xlsx_WriterOutput_ReadsBackExactly()
    {
        var stream = new MemoryStream();
        using (var writer = new XlsxWriter(stream))
        {
            writer.AddSheet("人员名册", ["姓名", "身份证号", "出生日期", "人数", "公式"]);
            writer.WriteRow("张三", "41132619800101001X", new DateOnly(1980, 1, 1), 3, "=1+1");
            writer.WriteRow("李四", null, null, 2.5, "@SUM(A1)");
            writer.AddSheet("第二页", ["姓名"]);
            writer.WriteRow("王五");
        }
        using var source = TabularFile.Open(new MemoryStream(stream.ToArray()), "x.xlsx");
        Assert.Equal("xlsx", source.Format);
        var sheets = source.Sheets.ToList();
        Assert.Equal(["人员名册", "第二页"], sheets.Select(s => s.Name));
        var rows = sheets[0].Rows.Select(r => r.Clone()).ToList();
        Assert.Equal("41132619800101001X", rows[1][1]);
        Assert.Equal("1980-01-01", rows[1][2]);
        Assert.Equal(CellKind.Date, rows[1].Kind(2));
        Assert.Equal("3", rows[1][3]);
        Assert.Equal("=1+1", rows[1][4]);
        Assert.Equal(CellKind.Text, rows[1].Kind(4));
        Assert.Null(rows[2][1]);
        Assert.Equal("2.5", rows[2][3]);
        Assert.Equal("王五", sheets[1].Rows.Skip(1).First()[0]);
    }

    /// <summary>An xlsx as Excel writes a census sheet: title row, merged two-level header, shared strings, a numeric ID.</summary>
    internal static byte[] CensusWorkbook()
    {
        var stream = new MemoryStream();
        using (var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true))
        {
            void Part(string path, string xml)
            {
                using var w = new StreamWriter(zip.CreateEntry(path).Open(), new UTF8Encoding(false));
                w.Write(xml);
            }
            const string ns = "xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\"";
            Part("[Content_Types].xml", "<?xml version=\"1.0\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"/>");
            Part("xl/workbook.xml", $"<workbook {ns}><sheets><sheet name=\"幸福小区\" sheetId=\"1\" r:id=\"rId1\"/><sheet name=\"滨河小区\" sheetId=\"2\" r:id=\"rId2\" state=\"hidden\"/></sheets></workbook>");
            Part("xl/_rels/workbook.xml.rels", "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\" Target=\"worksheets/a.xml\" Type=\"x\"/><Relationship Id=\"rId2\" Target=\"/xl/worksheets/b.xml\" Type=\"x\"/></Relationships>");
            Part("xl/sharedStrings.xml", $"<sst {ns}>" +
                "<si><t>常住人口信息汇总表</t></si>" +              // 0
                "<si><t>姓名</t></si>" +                            // 1
                "<si><r><t>身份证</t></r><r><rPr/><t>号码</t></r></si>" + // 2 rich text
                "<si><t>现住址</t></si>" +                          // 3
                "<si><t>乡镇</t></si>" +                            // 4
                "<si><t>村</t><rPh><t>cun</t></rPh></si>" +        // 5 with phonetic run
                "<si><t>张三</t></si>" +                            // 6
                "<si><t>滔河乡</t></si>" +                          // 7
                "<si><t>白亭村</t></si>" +                          // 8
                "<si><t>联系电话</t></si>" +                        // 9
                "</sst>");
            Part("xl/styles.xml", $"<styleSheet {ns}><cellXfs count=\"2\"><xf numFmtId=\"0\"/><xf numFmtId=\"14\"/></cellXfs></styleSheet>");
            Part("xl/worksheets/a.xml", $"<worksheet {ns}><sheetData>" +
                "<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c></row>" +
                "<row r=\"2\"><c r=\"A2\" t=\"s\"><v>1</v></c><c r=\"B2\" t=\"s\"><v>2</v></c><c r=\"C2\" t=\"s\"><v>9</v></c><c r=\"D2\" t=\"s\"><v>3</v></c></row>" +
                "<row r=\"3\"><c r=\"D3\" t=\"s\"><v>4</v></c><c r=\"E3\" t=\"s\"><v>5</v></c></row>" +
                "<row r=\"4\"><c r=\"A4\" t=\"s\"><v>6</v></c><c r=\"B4\"><v>4.11326198001011E+17</v></c><c r=\"C4\"><v>13800001234</v></c><c r=\"D4\" t=\"s\"><v>7</v></c><c r=\"E4\" t=\"s\"><v>8</v></c><c r=\"F4\" s=\"1\"><v>44637</v></c></row>" +
                "<row r=\"6\"><c r=\"C6\" t=\"inlineStr\"><is><t>只有电话</t></is></c></row>" +
                "</sheetData><mergeCells count=\"3\"><mergeCell ref=\"A2:A3\"/><mergeCell ref=\"B2:B3\"/><mergeCell ref=\"D2:E2\"/></mergeCells></worksheet>");
            Part("xl/worksheets/b.xml", $"<worksheet {ns}><sheetData><row r=\"1\"><c r=\"A1\" t=\"s\"><v>1</v></c></row><row r=\"2\"><c r=\"A2\" t=\"inlineStr\"><is><t>李四</t></is></c></row></sheetData></worksheet>");
        }
        return stream.ToArray();
    }

    [Fact]
    public void Xlsx_CensusSheet_MergedHeaderAndLossyIdAreUnderstood()
    {
        using var source = TabularFile.Open(new MemoryStream(CensusWorkbook()), "census.xlsx");
        var sheets = source.Sheets.ToList();
        Assert.True(sheets[1].IsHidden);
        using var rows = sheets[0].Rows.GetEnumerator();
        var header = HeaderMap.Detect(rows, Schema);
        Assert.Equal(3, header.HeaderRowNumber); // the lower header row matched more fields
        Assert.Equal(0, header["name"]);          // 姓名 merged down from row 2
        Assert.Equal(1, header["idNumber"]);      // rich text "身份证"+"号码"
        Assert.Equal(2, header["phone"]);
        Assert.Equal(3, header["township"]);
        Assert.Equal(4, header["village"]);       // phonetic run ignored
        Assert.True(rows.MoveNext());
        var row = rows.Current;
        Assert.Equal(4, row.RowNumber);
        Assert.Equal("张三", header.Get(row, "name"));
        Assert.Equal("411326198001011000", row[1]);
        Assert.True(row.IsLossyNumber(1));
        Assert.False(row.IsLossyNumber(2));
        Assert.Equal("13800001234", header.Get(row, "phone"));
        Assert.Equal("2022-03-17", row[5]);
        Assert.True(rows.MoveNext());
        Assert.Equal(6, rows.Current.RowNumber);
        Assert.Null(rows.Current[0]);
        Assert.Equal("只有电话", rows.Current[2]);
    }

    [Fact]
    public void Header_TitleRowsAliasesMarksAndUnknownColumns()
    {
        var csv = "XX村常住人口信息汇总表,,,\n填报单位：白亭村,,,\n姓名*,身份证号码（必填）,ＰＨＯＮＥ,民族\n张三,1,2,汉\n";
        using var source = TabularFile.Open(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(csv)), "t.csv");
        using var rows = source.Sheets.Single().Rows.GetEnumerator();
        var header = HeaderMap.Detect(rows, Schema);
        Assert.Equal(3, header.HeaderRowNumber);
        Assert.Equal(0, header["name"]);
        Assert.Equal(1, header["idNumber"]);
        Assert.Equal(2, header["phone"]);
        Assert.Equal([(3, "民族")], header.Unknown);
        var data = header.Pending.Concat(Remaining(rows)).ToList();
        Assert.Equal("张三", header.Get(data[0], "name"));
    }

    [Fact]
    public void Header_MissingRequiredOrNone_AndDuplicates_AreReported()
    {
        var none = Assert.Throws<TabularFormatException>(() => Detect("a,b,c\n1,2,3\n"));
        Assert.Equal(TabularError.NoHeader, none.Code);
        Assert.Contains("姓名", none.Message);
        Assert.Equal(TabularError.NoHeader, Assert.Throws<TabularFormatException>(() => Detect("身份证号,手机号\n1,2\n")).Code);
        var duplicate = Detect("姓名,手机号,联系电话\n张三,1,2\n");
        Assert.Equal(["phone"], duplicate.DuplicateKeys);
    }

    private static HeaderMap Detect(string csv)
    {
        using var source = TabularFile.Open(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(csv)), "t.csv");
        using var rows = source.Sheets.Single().Rows.GetEnumerator();
        return HeaderMap.Detect(rows, Schema);
    }

    private static IEnumerable<TabularRow> Remaining(IEnumerator<TabularRow> rows)
    {
        while (rows.MoveNext()) yield return rows.Current;
    }

    [Fact]
    public void CsvWriter_GuardsAgainstFormulas_AndWritesGbk()
    {
        var stream = new MemoryStream();
        using (var writer = new CsvWriter(stream, TabularFile.Gbk))
        {
            writer.WriteHeader(["姓名", "备注"]);
            writer.WriteRow("=HYPERLINK(\"http://x\")", "-12.5");
            writer.WriteRow("@cmd", "a,b");
        }
        var rows = Rows(stream.ToArray());
        Assert.Equal("gbk", Encoding(stream.ToArray()));
        Assert.Equal("'=HYPERLINK(\"http://x\")", rows[1][0]);
        Assert.Equal("-12.5", rows[1][1]);
        Assert.Equal("'@cmd", rows[2][0]);
        Assert.Equal("a,b", rows[2][1]);
        var utf8 = new MemoryStream();
        using (var writer = new CsvWriter(utf8)) writer.WriteHeader(["姓名"]);
        Assert.Equal(new byte[] { 0xEF, 0xBB, 0xBF }, utf8.ToArray()[..3]);
    }

    [Fact]
    public void Csv_600kRows_StreamsWithBoundedMemory()
    {
        var path = Path.GetTempFileName();
        try
        {
            using (var w = new StreamWriter(path, false, new UTF8Encoding(false)))
            {
                w.WriteLine("姓名,身份证号,手机号,现住址,与户主关系,职业,工作单位,备注");
                for (var i = 0; i < 600_000; i++)
                    w.WriteLine($"张{i % 1000},41132619800101{i % 10000:D4},138{i:D8},河南省南阳市淅川县滔河乡白亭村{i % 12}组{i % 90}号,户主,农民,\"白亭村, 合作社\",");
            }
            GC.Collect();
            var before = GC.GetTotalMemory(true);
            var clock = Stopwatch.StartNew();
            var count = 0;
            var cells = 0L;
            using (var stream = File.OpenRead(path))
            using (var source = TabularFile.Open(stream, "big.csv"))
            {
                foreach (var row in source.Sheets.Single().Rows)
                {
                    count++;
                    cells += row.Count;
                }
            }
            clock.Stop();
            var after = GC.GetTotalMemory(false);
            output.WriteLine($"600,000 rows ({new FileInfo(path).Length / 1024 / 1024} MB): {clock.ElapsedMilliseconds} ms, {count / clock.Elapsed.TotalSeconds:N0} rows/s, heap {(after - before) / 1024 / 1024} MB after");
            Assert.Equal(600_001, count);
            Assert.Equal(600_001L * 8, cells);
        }
        finally { File.Delete(path); }
    }
}
