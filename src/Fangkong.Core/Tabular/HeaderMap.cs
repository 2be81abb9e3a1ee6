using System.Text;

namespace Fangkong.Core.Tabular;

/// <summary>A column an importer understands, with every header text counties put on it (Chinese and English).</summary>
public sealed record TabularField(string Key, bool Required, params string[] Aliases);

public sealed class TabularSchema
{
    private readonly Dictionary<string, string> _byAlias = new(StringComparer.Ordinal);

    public TabularSchema(IEnumerable<TabularField> fields)
    {
        Fields = fields.ToList();
        foreach (var field in Fields)
            foreach (var alias in field.Aliases.Append(field.Key))
                _byAlias.TryAdd(HeaderMap.Fold(alias), field.Key);
    }

    public IReadOnlyList<TabularField> Fields { get; }

    internal string? KeyOf(string? header) => header is null ? null : _byAlias.GetValueOrDefault(HeaderMap.Fold(header));
}

/// <summary>
/// Finds the header row of a sheet and maps its columns to field keys. County sheets put title rows above the header
/// ("XX村常住人口信息汇总表", "填报单位：…") and often two-level headers with merged cells, so the header is the row among
/// the first rows that matches the most known headers, and an empty or unknown cell borrows the label above it.
/// </summary>
public sealed class HeaderMap
{
    private readonly Dictionary<string, int> _columns;

    private HeaderMap(Dictionary<string, int> columns, int headerRow, List<(int, string)> unknown, List<string> missing, List<string> duplicates, List<TabularRow> pending)
    {
        _columns = columns;
        Pending = pending;
        HeaderRowNumber = headerRow;
        Unknown = unknown;
        MissingRequired = missing;
        DuplicateKeys = duplicates;
    }

    public int? this[string key] => _columns.TryGetValue(key, out var c) ? c : null;
    public int HeaderRowNumber { get; }
    public IReadOnlyList<(int Column, string Header)> Unknown { get; }
    public IReadOnlyList<string> MissingRequired { get; }
    public IReadOnlyList<string> DuplicateKeys { get; }
    /// <summary>
    /// Data rows the scan read past the header (when a better header row came before them): process these first,
    /// then continue with the enumerator.
    /// </summary>
    public IReadOnlyList<TabularRow> Pending { get; }

    /// <summary>The trimmed text of a field in a row, or null when the column is absent or the cell empty.</summary>
    public string? Get(TabularRow row, string key)
    {
        if (!_columns.TryGetValue(key, out var column)) return null;
        var value = row[column];
        if (value is null) return null;
        var trimmed = value.AsSpan().Trim();
        if (trimmed.IsEmpty) return null;
        return trimmed.Length == value.Length ? value : trimmed.ToString();
    }

    /// <summary>
    /// Reads rows until the header is found among the first <paramref name="scanRows"/>. Data rows read during the
    /// scan are in <see cref="Pending"/>; the enumerator's next MoveNext yields the row after them.
    /// </summary>
    public static HeaderMap Detect(IEnumerator<TabularRow> rows, TabularSchema schema, int scanRows = 20)
    {
        var scanned = new List<TabularRow>();
        var bestIndex = -1;
        var bestScore = 0;
        while (scanned.Count < scanRows && rows.MoveNext())
        {
            var row = rows.Current.Clone();
            scanned.Add(row);
            var score = Score(row, schema);
            if (score > bestScore)
            {
                bestScore = score;
                bestIndex = scanned.Count - 1;
            }
            // A row matching most of what it holds is the header; read no further, the data rows follow.
            if (score >= 3 && score * 2 >= NonEmpty(row)) { bestIndex = scanned.Count - 1; break; }
        }
        if (bestIndex < 0)
            throw new TabularFormatException(TabularError.NoHeader,
                "No header row was found. Expected headers such as: " + string.Join(", ", schema.Fields.Select(f => f.Aliases.FirstOrDefault() ?? f.Key)));

        // A two-level header: the row after the best one also names fields (乡镇, 村 under a merged 现住址); the
        // header then spans both rows and the data starts after the lower one.
        if (bestIndex == scanned.Count - 1 && rows.MoveNext()) scanned.Add(rows.Current.Clone());
        var lowerIndex = bestIndex + 1 < scanned.Count && Score(scanned[bestIndex + 1], schema) > 0 ? bestIndex + 1 : bestIndex;
        var header = scanned[lowerIndex];
        var above = lowerIndex > 0 ? scanned[lowerIndex - 1] : null;
        var columns = new Dictionary<string, int>(StringComparer.Ordinal);
        var unknown = new List<(int, string)>();
        var duplicates = new List<string>();
        string? groupLabel = null;
        var groupUsed = false;
        for (var c = 0; c < Math.Max(header.Count, above?.Count ?? 0); c++)
        {
            var own = header[c];
            var over = above?[c];
            if (!string.IsNullOrWhiteSpace(over)) { groupLabel = over; groupUsed = false; }
            var key = schema.KeyOf(own);
            if (key is null && string.IsNullOrWhiteSpace(own) && !string.IsNullOrWhiteSpace(over))
            {
                // A label merged vertically over two header rows sits in the upper cell only.
                key = schema.KeyOf(over);
            }
            else if (key is null && groupLabel is not null && !groupUsed && schema.KeyOf(groupLabel) is { } groupKey && !columns.ContainsKey(groupKey))
            {
                // A group label ("现住址" over "详细地址/备注") stands for the first column under it that is not a field of its own.
                key = groupKey;
                groupUsed = true;
            }
            if (key is null)
            {
                var label = string.IsNullOrWhiteSpace(own) ? over : own;
                if (!string.IsNullOrWhiteSpace(label)) unknown.Add((c, label.Trim()));
                continue;
            }
            if (!columns.TryAdd(key, c) && !duplicates.Contains(key)) duplicates.Add(key);
        }
        var lacking = schema.Fields.Where(f => f.Required && !columns.ContainsKey(f.Key)).ToList();
        var missing = lacking.Select(f => f.Aliases.FirstOrDefault() ?? f.Key).ToList();
        // The exception's column names the missing fields by key ("designated,lifted"), so an importer can list each one.
        if (missing.Count > 0)
            throw new TabularFormatException(TabularError.NoHeader, $"The header row (row {header.RowNumber}) lacks required columns: {string.Join(", ", missing)}.",
                header.RowNumber, string.Join(",", lacking.Select(f => f.Key)));

        return new HeaderMap(columns, header.RowNumber, unknown, missing, duplicates, scanned.Skip(lowerIndex + 1).ToList());
    }

    private static int Score(TabularRow row, TabularSchema schema)
    {
        var score = 0;
        for (var c = 0; c < row.Count; c++) if (schema.KeyOf(row[c]) is not null) score++;
        return score;
    }

    private static int NonEmpty(TabularRow row)
    {
        var n = 0;
        for (var c = 0; c < row.Count; c++) if (!string.IsNullOrWhiteSpace(row[c])) n++;
        return n;
    }

    /// <summary>Header comparison form: full-width folded, no white space, no "*" or "(必填)" marks, Latin lower-cased.</summary>
    internal static string Fold(string header)
    {
        var sb = new StringBuilder(header.Length);
        foreach (var raw in header)
        {
            var c = Text.FoldWidth(raw);
            if (char.IsWhiteSpace(c) || c is '*' or '\u200B' or '\uFEFF' or ':' or '：') continue;
            sb.Append(char.ToLowerInvariant(c));
        }
        var s = sb.ToString();
        foreach (var mark in new[] { "(必填)", "(选填)", "(必须)" })
            if (s.EndsWith(mark, StringComparison.Ordinal)) s = s[..^mark.Length];
        return s.Replace("_", "").Replace("-", "");
    }
}
