using System.Text;

namespace Fangkong.Core.Tabular;

public enum TabularError { Empty, NotTabular, XlsNotSupported, CorruptXlsx, UnclosedQuote, NoHeader, TooLarge }

/// <summary>A file that cannot be read as a table; <see cref="Code"/> is stable, the message is English.</summary>
public sealed class TabularFormatException(TabularError code, string message, int? rowNumber = null, string? column = null) : Exception(message)
{
    public TabularError Code { get; } = code;
    public int? RowNumber { get; } = rowNumber;
    public string? Column { get; } = column;

    /// <summary>The stable error code every importer reports for this file: file.empty, file.not-tabular, ….</summary>
    public string ErrorCode => CodeOf(Code);

    public static string CodeOf(TabularError code) => code switch
    {
        TabularError.Empty => "file.empty",
        TabularError.NotTabular => "file.not-tabular",
        TabularError.XlsNotSupported => "file.xls-not-supported",
        TabularError.CorruptXlsx => "file.corrupt-xlsx",
        TabularError.UnclosedQuote => "file.unclosed-quote",
        TabularError.NoHeader => "file.no-header",
        TabularError.TooLarge => "file.too-large",
        _ => "file.unreadable",
    };

    /// <summary>The code for any failure reading an uploaded table (a broken stream or archive is file.unreadable).</summary>
    public static string CodeOf(Exception e) => e is TabularFormatException t ? t.ErrorCode : "file.unreadable";
}

public enum CellKind { Empty, Text, Number, Date, Boolean, Error }

public sealed record TabularReadOptions
{
    /// <summary>Forces a text encoding for csv instead of detecting it.</summary>
    public Encoding? Encoding { get; init; }
    /// <summary>Zip-bomb guard for xlsx: the most uncompressed bytes read.</summary>
    public long MaxUncompressedBytes { get; init; } = 2L << 30;
}

/// <summary>A workbook or a csv file: one or more sheets of rows, read lazily.</summary>
public interface ITabularSource : IDisposable
{
    /// <summary>"csv" or "xlsx".</summary>
    string Format { get; }
    /// <summary>utf-8, utf-8-bom, gbk, utf-16 for csv; xlsx for workbooks.</summary>
    string EncodingName { get; }
    IEnumerable<ITabularSheet> Sheets { get; }
}

public interface ITabularSheet
{
    string Name { get; }
    bool IsHidden { get; }
    /// <summary>Rows in file order. A row object may be reused by the next MoveNext; call Clone to keep one.</summary>
    IEnumerable<TabularRow> Rows { get; }
}

/// <summary>
/// Opens csv and xlsx files by their content, not their extension: counties rename files freely, and a ".csv" that is
/// really an old .xls must get a clear answer instead of garbage rows.
/// </summary>
public static class TabularFile
{
    private const int SniffBytes = 64 * 1024;

    static TabularFile() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    /// <summary>GBK (code page 936), the encoding of csv files saved by Excel on Chinese Windows.</summary>
    public static Encoding Gbk => Encoding.GetEncoding(936);

    public static ITabularSource Open(Stream stream, string? fileName, TabularReadOptions? options = null)
    {
        options ??= new TabularReadOptions();
        var head = new byte[SniffBytes];
        var length = ReadFully(stream, head);
        if (length == 0) throw new TabularFormatException(TabularError.Empty, "The file is empty.");
        var prefix = head.AsSpan(0, length);
        if (prefix.StartsWith("PK\u0003\u0004"u8))
            return XlsxReader.Open(Rejoin(stream, head, length), options);
        if (prefix.StartsWith(new byte[] { 0xD0, 0xCF, 0x11, 0xE0 }))
            throw new TabularFormatException(TabularError.XlsNotSupported, "This is an old Excel .xls file: save it as .xlsx or .csv and import that.");
        var (encoding, name, bomLength) = DetectEncoding(prefix, options.Encoding);
        if (name != "utf-16" && LooksBinary(prefix))
            throw new TabularFormatException(TabularError.NotTabular, "The file is neither a csv nor an xlsx file (it holds binary data).");
        var sheetName = Path.GetFileNameWithoutExtension(fileName ?? "sheet");
        return new CsvSource(Rejoin(stream, head, length), encoding, name, bomLength, sheetName);
    }

    private static int ReadFully(Stream stream, byte[] buffer)
    {
        var total = 0;
        while (total < buffer.Length)
        {
            var n = stream.Read(buffer, total, buffer.Length - total);
            if (n == 0) break;
            total += n;
        }
        return total;
    }

    /// <summary>The sniffed bytes followed by the rest of the stream, without requiring a seekable stream.</summary>
    private static Stream Rejoin(Stream stream, byte[] head, int length) =>
        stream.CanSeek ? Seek(stream, length) : new PrefixedStream(head.AsMemory(0, length), stream);

    private static Stream Seek(Stream stream, int length)
    {
        stream.Seek(-length, SeekOrigin.Current);
        return stream;
    }

    internal static (Encoding Encoding, string Name, int BomLength) DetectEncoding(ReadOnlySpan<byte> head, Encoding? forced)
    {
        if (head.StartsWith(new byte[] { 0xEF, 0xBB, 0xBF })) return (new UTF8Encoding(false), "utf-8-bom", 3);
        if (head.StartsWith(new byte[] { 0xFF, 0xFE })) return (Encoding.Unicode, "utf-16", 2);
        if (head.StartsWith(new byte[] { 0xFE, 0xFF })) return (Encoding.BigEndianUnicode, "utf-16", 2);
        if (forced is not null) return (forced, forced.WebName, 0);
        if (IsUtf8(head)) return (new UTF8Encoding(false), "utf-8", 0);
        if (IsPlausibleGbk(head)) return (Gbk, "gbk", 0);
        throw new TabularFormatException(TabularError.NotTabular, "The file is neither UTF-8 nor GBK text, nor an xlsx workbook.");
    }

    /// <summary>Strict UTF-8 check of the sniffed bytes; a sequence cut off at the end of the buffer is allowed.</summary>
    internal static bool IsUtf8(ReadOnlySpan<byte> bytes)
    {
        var i = 0;
        while (i < bytes.Length)
        {
            var b = bytes[i];
            if (b < 0x80) { i++; continue; }
            int extra;
            if (b is >= 0xC2 and <= 0xDF) extra = 1;
            else if (b is >= 0xE0 and <= 0xEF) extra = 2;
            else if (b is >= 0xF0 and <= 0xF4) extra = 3;
            else return false;
            if (i + extra >= bytes.Length) return bytes.Length == SniffBytes; // cut at the buffer's end
            for (var k = 1; k <= extra; k++)
                if ((bytes[i + k] & 0xC0) != 0x80) return false;
            i += extra + 1;
        }
        return true;
    }

    /// <summary>GBK: lead bytes 0x81–0xFE, trail bytes 0x40–0xFE except 0x7F.</summary>
    private static bool IsPlausibleGbk(ReadOnlySpan<byte> bytes)
    {
        var i = 0;
        while (i < bytes.Length)
        {
            var b = bytes[i];
            if (b < 0x80) { i++; continue; }
            if (b is < 0x81 or > 0xFE) return false;
            if (i + 1 >= bytes.Length) return true;
            var t = bytes[i + 1];
            if (t is < 0x40 or > 0xFE || t == 0x7F) return false;
            i += 2;
        }
        return true;
    }

    private static bool LooksBinary(ReadOnlySpan<byte> bytes)
    {
        var control = 0;
        foreach (var b in bytes)
        {
            if (b == 0) return true;
            if (b < 0x20 && b is not ((byte)'\r' or (byte)'\n' or (byte)'\t' or 0x0C)) control++;
        }
        return control > bytes.Length / 100 + 8;
    }

    /// <summary>A read-only stream: some bytes already read, then the rest of the inner stream.</summary>
    private sealed class PrefixedStream(ReadOnlyMemory<byte> prefix, Stream inner) : ForwardStream(inner)
    {
        private ReadOnlyMemory<byte> _prefix = prefix;

        public override int Read(Span<byte> buffer)
        {
            if (_prefix.Length == 0) return Inner.Read(buffer);
            var n = Math.Min(buffer.Length, _prefix.Length);
            _prefix.Span[..n].CopyTo(buffer);
            _prefix = _prefix[n..];
            return n;
        }
    }
}
