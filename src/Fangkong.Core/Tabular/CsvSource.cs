using System.Text;

namespace Fangkong.Core.Tabular;

/// <summary>
/// An RFC 4180 reader over a char buffer: quoted fields, doubled quotes, newlines inside quotes, CRLF / LF / CR line
/// ends, and the delimiter counties actually use (comma, tab, semicolon, full-width comma, bar), detected from the
/// first line. One pass, one reused row, strings allocated only for the cells themselves.
/// </summary>
internal sealed class CsvSource : ITabularSource, ITabularSheet
{
    private const int BufferSize = 64 * 1024;
    private readonly Stream _stream;
    private readonly Encoding _encoding;
    private readonly int _bomLength;
    private bool _consumed;

    public CsvSource(Stream stream, Encoding encoding, string encodingName, int bomLength, string sheetName)
    {
        _stream = stream;
        _encoding = encoding;
        EncodingName = encodingName;
        _bomLength = bomLength;
        Name = sheetName;
    }

    public string Format => "csv";
    public string EncodingName { get; }
    public string Name { get; }
    public bool IsHidden => false;
    public IEnumerable<ITabularSheet> Sheets { get { yield return this; } }

    public IEnumerable<TabularRow> Rows
    {
        get
        {
            if (_consumed) throw new InvalidOperationException("A csv file is read once.");
            _consumed = true;
            return Read();
        }
    }

    private IEnumerable<TabularRow> Read()
    {
        using var reader = new StreamReader(_stream, _encoding, detectEncodingFromByteOrderMarks: false, BufferSize, leaveOpen: true);
        if (_bomLength > 0 && reader.Peek() == '\uFEFF') reader.Read();
        var buffer = new char[BufferSize];
        var length = 0;
        var position = 0;
        var end = false;

        bool Fill()
        {
            if (end) return false;
            if (position > 0)
            {
                Array.Copy(buffer, position, buffer, 0, length - position);
                length -= position;
                position = 0;
            }
            if (length == buffer.Length) Array.Resize(ref buffer, buffer.Length * 2);
            var n = reader.Read(buffer, length, buffer.Length - length);
            if (n == 0) { end = true; return false; }
            length += n;
            return true;
        }

        Fill();
        var delimiter = DetectDelimiter(buffer.AsSpan(0, length));
        var row = new TabularRow(Name);
        var field = new StringBuilder();
        var line = 1;
        while (true)
        {
            if (position >= length && !Fill()) yield break;
            var rowStart = line;
            row.Reset(rowStart);
            var column = 0;
            var rowDone = false;
            while (!rowDone)
            {
                // One field.
                if (position >= length && !Fill()) { row.Set(column, null); break; }
                if (buffer[position] == '"')
                {
                    position++;
                    field.Clear();
                    var fieldLine = line;
                    while (true)
                    {
                        if (position >= length && !Fill())
                            throw new TabularFormatException(TabularError.UnclosedQuote, $"A quoted field that starts on line {fieldLine} is never closed.", fieldLine);
                        var c = buffer[position++];
                        if (c == '"')
                        {
                            if (position >= length && !Fill()) break;
                            if (buffer[position] == '"') { field.Append('"'); position++; continue; }
                            break;
                        }
                        if (c == '\n') line++;
                        else if (c == '\r' && (position < length || Fill()) && buffer[position] != '\n') line++;
                        field.Append(c);
                    }
                    // Anything between the closing quote and the delimiter is kept, as Excel does.
                    while (position < length || Fill())
                    {
                        var c = buffer[position];
                        if (c == delimiter || c is '\r' or '\n') break;
                        field.Append(c);
                        position++;
                    }
                    row.Set(column, field.ToString());
                }
                else
                {
                    var start = position;
                    var spanned = false;
                    field.Clear();
                    while (true)
                    {
                        if (position >= length)
                        {
                            field.Append(buffer, start, position - start);
                            spanned = true;
                            if (!Fill()) break;
                            start = position;
                            continue;
                        }
                        var c = buffer[position];
                        if (c == delimiter || c is '\r' or '\n') break;
                        position++;
                    }
                    if (!spanned)
                    {
                        // The common case: the field lies inside the buffer; one string, no copying through the builder.
                        row.Set(column, position == start ? null : new string(buffer, start, position - start));
                    }
                    else
                    {
                        if (position > start) field.Append(buffer, start, position - start);
                        row.Set(column, field.Length == 0 ? null : field.ToString());
                    }
                }
                // After the field: a delimiter, a line end, or the end of the file.
                if (position >= length && !Fill()) { rowDone = true; break; }
                var next = buffer[position];
                if (next == delimiter) { position++; column++; continue; }
                if (next == '\r') { position++; if ((position < length || Fill()) && buffer[position] == '\n') position++; }
                else if (next == '\n') position++;
                line++;
                rowDone = true;
            }
            yield return row;
        }
    }

    /// <summary>The candidate that occurs most often on the first line, outside quotes; comma by default.</summary>
    private static char DetectDelimiter(ReadOnlySpan<char> text)
    {
        ReadOnlySpan<char> candidates = [',', '\t', ';', '，', '|'];
        Span<int> counts = stackalloc int[candidates.Length];
        var quoted = false;
        foreach (var c in text)
        {
            if (c == '"') quoted = !quoted;
            else if (!quoted && c is '\r' or '\n') break;
            else if (!quoted)
            {
                var i = candidates.IndexOf(c);
                if (i >= 0) counts[i]++;
            }
        }
        var best = 0;
        for (var i = 1; i < counts.Length; i++) if (counts[i] > counts[best]) best = i;
        return counts[best] == 0 ? ',' : candidates[best];
    }

    public void Dispose() => _stream.Dispose();
}
