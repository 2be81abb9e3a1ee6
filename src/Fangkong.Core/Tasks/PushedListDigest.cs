using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Fangkong.Core.Tasks;

/// <summary>
/// The content of a pushed list, whatever file carried it: the same rows sent again as xlsx instead of csv, in GBK
/// instead of UTF-8, in another order or with other row numbers give the same digest, so the batch is recognised
/// and not imported twice. Each row's cells (tidied; the row number, a numbering column such as 序号 and blank rows
/// left out) are hashed, and the row hashes are added up (a sum does not depend on the order) together with the
/// number of rows.
/// </summary>
public sealed class PushedListDigest
{
    /// <summary>Columns that only number the rows of one file.</summary>
    private static readonly HashSet<string> Numbering = new(["序号", "行号", "编号", "No", "No.", "#"], StringComparer.OrdinalIgnoreCase);

    private ulong _a, _b, _c, _d;
    private long _rows;

    /// <summary>Adds a row (its hash may be computed elsewhere, in parallel, with <see cref="Hash"/>).</summary>
    public void Add(PushedRow row) => Add(Hash(row));

    public void Add(RowHash hash)
    {
        _a += hash.A;
        _b += hash.B;
        _c += hash.C;
        _d += hash.D;
        _rows++;
    }

    /// <summary>One row's hash; independent of the other rows, so rows can be hashed on every core.</summary>
    public static RowHash Hash(PushedRow row)
    {
        var text = new StringBuilder(160);
        void Cell(string? value) => text.Append(Text.Tidy(value)).Append('\u001f');
        Cell(row.Name); Cell(row.IdNumber); Cell(row.Phone); Cell(row.Address); Cell(row.Origin); Cell(row.Reason); Cell(row.PushedAt); Cell(row.Batch);
        if (row.Extra is { } extra)
            foreach (var (key, value) in extra.Where(e => !Numbering.Contains(e.Key.Trim())).OrderBy(e => e.Key, StringComparer.Ordinal)) { Cell(key); Cell(value); }
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString()), hash);
        return new RowHash(BinaryPrimitives.ReadUInt64LittleEndian(hash), BinaryPrimitives.ReadUInt64LittleEndian(hash[8..]),
            BinaryPrimitives.ReadUInt64LittleEndian(hash[16..]), BinaryPrimitives.ReadUInt64LittleEndian(hash[24..]));
    }

    public readonly record struct RowHash(ulong A, ulong B, ulong C, ulong D);

    public long Rows => _rows;

    /// <summary>64 hexadecimal characters: the four sums and the count, hashed once more.</summary>
    public string Value
    {
        get
        {
            Span<byte> state = stackalloc byte[40];
            BinaryPrimitives.WriteUInt64LittleEndian(state, _a);
            BinaryPrimitives.WriteUInt64LittleEndian(state[8..], _b);
            BinaryPrimitives.WriteUInt64LittleEndian(state[16..], _c);
            BinaryPrimitives.WriteUInt64LittleEndian(state[24..], _d);
            BinaryPrimitives.WriteInt64LittleEndian(state[32..], _rows);
            return Convert.ToHexString(SHA256.HashData(state)).ToLowerInvariant();
        }
    }
}
