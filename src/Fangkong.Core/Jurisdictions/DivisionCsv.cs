using System.Reflection;
using System.Text;

namespace Fangkong.Core.Jurisdictions;

/// <summary>
/// Reads the division tables embedded in this assembly (see Resources/Divisions/SOURCE.md). The files are small,
/// fixed and written by us, so a minimal RFC 4180 reader (quoted fields, doubled quotes, CRLF or LF) is enough and
/// keeps Fangkong.Core free of packages.
/// </summary>
internal static class DivisionCsv
{
    /// <summary>Prefix of every embedded resource's logical name (see Fangkong.Core.csproj).</summary>
    public const string ResourcePrefix = "Fangkong.Core.Resources.";

    private static Assembly Assembly => typeof(DivisionCsv).Assembly;

    /// <summary>File names (without the prefix) of every embedded resource.</summary>
    public static IEnumerable<string> ResourceFileNames() =>
        Assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal))
            .Select(n => n[ResourcePrefix.Length..]);

    /// <summary>
    /// The data rows of an embedded csv file, header checked and skipped. Each row is returned with its 1-based line
    /// number so that a malformed file names the line at fault.
    /// </summary>
    /// <exception cref="FileNotFoundException">the resource is not embedded</exception>
    /// <exception cref="InvalidDataException">the header differs from <paramref name="expectedHeader"/> or a row has
    /// the wrong number of fields</exception>
    public static List<(int Line, string[] Fields)> ReadRows(string fileName, params string[] expectedHeader)
    {
        using var stream = Assembly.GetManifestResourceStream(ResourcePrefix + fileName)
            ?? throw new FileNotFoundException($"Embedded division file '{fileName}' is missing from Fangkong.Core.", fileName);
        using var reader = new StreamReader(stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        var rows = new List<(int, string[])>();
        var lineNumber = 0;
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            if (line.Length == 0) continue;
            var fields = SplitLine(line);
            if (lineNumber == 1)
            {
                if (!fields.SequenceEqual(expectedHeader, StringComparer.Ordinal))
                    throw new InvalidDataException(
                        $"{fileName}: expected header '{string.Join(',', expectedHeader)}', found '{line}'.");
                continue;
            }
            if (fields.Length != expectedHeader.Length)
                throw new InvalidDataException(
                    $"{fileName} line {lineNumber}: expected {expectedHeader.Length} fields, found {fields.Length}.");
            rows.Add((lineNumber, fields));
        }
        return rows;
    }

    private static string[] SplitLine(string line)
    {
        var fields = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quoted)
            {
                if (c != '"') field.Append(c);
                else if (i + 1 < line.Length && line[i + 1] == '"') { field.Append('"'); i++; }
                else quoted = false;
            }
            else if (c == '"') quoted = true;
            else if (c == ',') { fields.Add(field.ToString().Trim()); field.Clear(); }
            else field.Append(c);
        }
        fields.Add(field.ToString().Trim());
        return [.. fields];
    }
}
