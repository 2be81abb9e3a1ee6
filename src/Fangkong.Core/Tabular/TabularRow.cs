namespace Fangkong.Core.Tabular;

/// <summary>
/// One row of a sheet. Readers reuse the object for the next row (a million-row file allocates no row objects);
/// <see cref="Clone"/> keeps a copy.
/// </summary>
public sealed class TabularRow
{
    private string?[] _cells;
    private CellKind[]? _kinds;
    private bool[]? _lossy;

    internal TabularRow(string sheetName, int capacity = 16)
    {
        SheetName = sheetName;
        _cells = new string?[capacity];
    }

    /// <summary>1-based: the row number Excel shows, or the csv line where the record starts.</summary>
    public int RowNumber { get; internal set; }
    public string SheetName { get; }
    /// <summary>Cells up to the last one present; later columns read as null.</summary>
    public int Count { get; private set; }

    public string? this[int column] => (uint)column < (uint)Count ? _cells[column] : null;

    public CellKind Kind(int column) =>
        (uint)column >= (uint)Count || _cells[column] is null ? CellKind.Empty : _kinds?[column] ?? CellKind.Text;

    /// <summary>
    /// True when an xlsx cell holds a number of 16 or more significant digits: Excel keeps only 15, so an ID number
    /// typed into a numeric cell has lost its last digits and must not be trusted.
    /// </summary>
    public bool IsLossyNumber(int column) => _lossy is not null && (uint)column < (uint)Count && _lossy[column];

    public bool IsBlank
    {
        get
        {
            for (var i = 0; i < Count; i++)
                if (!string.IsNullOrWhiteSpace(_cells[i])) return false;
            return true;
        }
    }

    public TabularRow Clone()
    {
        var copy = new TabularRow(SheetName, Math.Max(Count, 1)) { RowNumber = RowNumber };
        for (var i = 0; i < Count; i++) copy.Set(i, _cells[i], Kind(i), IsLossyNumber(i));
        return copy;
    }

    internal void Reset(int rowNumber)
    {
        Array.Clear(_cells, 0, Count);
        if (_kinds is not null) Array.Clear(_kinds, 0, Count);
        if (_lossy is not null) Array.Clear(_lossy, 0, Count);
        Count = 0;
        RowNumber = rowNumber;
    }

    internal void Set(int column, string? value, CellKind kind = CellKind.Text, bool lossy = false)
    {
        if (column >= _cells.Length)
        {
            var size = Math.Max(column + 1, _cells.Length * 2);
            Array.Resize(ref _cells, size);
            if (_kinds is not null) Array.Resize(ref _kinds, size);
            if (_lossy is not null) Array.Resize(ref _lossy, size);
        }
        _cells[column] = value;
        if (kind != CellKind.Text || _kinds is not null)
        {
            _kinds ??= new CellKind[_cells.Length];
            _kinds[column] = kind;
        }
        if (lossy)
        {
            _lossy ??= new bool[_cells.Length];
            _lossy[column] = true;
        }
        if (column >= Count) Count = column + 1;
    }

    public override string ToString() => $"{SheetName}!{RowNumber}: {string.Join(" | ", _cells.Take(Count))}";
}
