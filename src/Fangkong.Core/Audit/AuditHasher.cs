using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Fangkong.Core.Audit;

/// <summary>Computes and checks the hash chain of <see cref="AuditEntry"/> rows.</summary>
public static class AuditHasher
{
    /// <summary>The hash before the first entry of every chain.</summary>
    public static byte[] Genesis(string countyCode) =>
        SHA256.HashData(Encoding.UTF8.GetBytes("fangkong-audit-genesis:" + countyCode));

    /// <summary>
    /// Audit times are kept to whole microseconds, the precision PostgreSQL stores, so the hash computed before
    /// the insert is the hash recomputed after reading the row back on either engine.
    /// </summary>
    public static DateTime TruncateToMicroseconds(DateTime utc) =>
        new(utc.Ticks - utc.Ticks % 10, DateTimeKind.Utc);

    public static byte[] Compute(AuditEntry e, ReadOnlySpan<byte> previousHash)
    {
        // Length-prefixed fields: no separator can be forged by putting it inside a value.
        var buffer = new ArrayBufferWriterLite();
        buffer.Write(previousHash);
        buffer.Write(e.CountyCode);
        buffer.Write(e.Sequence);
        buffer.Write(e.At.Ticks);
        buffer.Write((long)e.Kind);
        buffer.Write(e.Action);
        buffer.Write(e.EntityType);
        buffer.Write(e.EntityId);
        buffer.Write(e.ScopeKey);
        buffer.Write(e.ActorId);
        buffer.Write(e.ActorName);
        buffer.Write(e.Changes);
        buffer.Write(e.Reason);
        buffer.Write(e.Rule);
        buffer.Write(e.ClientAddress);
        return SHA256.HashData(buffer.Span);
    }

    /// <summary>Links entries (already numbered) to the chain after <paramref name="previousHash"/>; returns the new head hash.</summary>
    public static byte[] Link(IEnumerable<AuditEntry> entries, byte[] previousHash)
    {
        var previous = previousHash;
        foreach (var e in entries)
        {
            e.PreviousHash = previous;
            e.Hash = Compute(e, previous);
            previous = e.Hash;
        }
        return previous;
    }

    private sealed class ArrayBufferWriterLite
    {
        private byte[] _buffer = new byte[512];
        private int _length;
        public ReadOnlySpan<byte> Span => _buffer.AsSpan(0, _length);

        public void Write(ReadOnlySpan<byte> bytes)
        {
            Write((long)bytes.Length);
            Ensure(bytes.Length);
            bytes.CopyTo(_buffer.AsSpan(_length));
            _length += bytes.Length;
        }

        public void Write(string? s)
        {
            if (s is null) { Write(-1L); return; }
            var count = Encoding.UTF8.GetByteCount(s);
            Write((long)count);
            Ensure(count);
            _length += Encoding.UTF8.GetBytes(s, _buffer.AsSpan(_length));
        }

        public void Write(long value)
        {
            Ensure(8);
            BinaryPrimitives.WriteInt64LittleEndian(_buffer.AsSpan(_length), value);
            _length += 8;
        }

        private void Ensure(int more)
        {
            if (_length + more <= _buffer.Length) return;
            Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _length + more));
        }
    }
}

/// <summary>Builds the canonical changes JSON: sorted keys, [old, new] pairs, no white space.</summary>
public sealed class AuditChanges
{
    private static readonly System.Text.Json.JsonSerializerOptions Json = new()
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private readonly SortedDictionary<string, (string? Old, string? New)> _fields = new(StringComparer.Ordinal);

    public bool IsEmpty => _fields.Count == 0;

    public AuditChanges Set(string field, string? oldValue, string? newValue)
    {
        if (oldValue != newValue) _fields[field] = (oldValue, newValue);
        return this;
    }

    /// <summary>The changes of a stored entry, field by field (old, new), in the order written; empty for none or unreadable text.</summary>
    public static IReadOnlyList<(string Field, string? Old, string? New)> Parse(string? json)
    {
        if (string.IsNullOrWhiteSpace(json)) return [];
        try
        {
            using var doc = System.Text.Json.JsonDocument.Parse(json);
            if (doc.RootElement.ValueKind != System.Text.Json.JsonValueKind.Object) return [];
            var list = new List<(string, string?, string?)>();
            foreach (var p in doc.RootElement.EnumerateObject())
            {
                if (p.Value.ValueKind != System.Text.Json.JsonValueKind.Array || p.Value.GetArrayLength() != 2) continue;
                static string? Text(System.Text.Json.JsonElement e) => e.ValueKind == System.Text.Json.JsonValueKind.Null ? null : e.ValueKind == System.Text.Json.JsonValueKind.String ? e.GetString() : e.GetRawText();
                list.Add((p.Name, Text(p.Value[0]), Text(p.Value[1])));
            }
            return list;
        }
        catch (System.Text.Json.JsonException)
        {
            return [];
        }
    }

    /// <summary>
    /// Whether a field is the platform's own bookkeeping rather than something people work with: the record's id, its
    /// county and scope key (codes), and the ids of other records ("PersonId", "OrderId", "RulePackId"). A record's
    /// history for the people who work it leaves them out; the audit page keeps every field for auditors.
    /// </summary>
    public static bool IsInternal(string field) =>
        field is "Id" or "CountyCode" or "ScopeKey"
        || field.EndsWith("ScopeKey", StringComparison.Ordinal)
        || field.EndsWith("CountyCode", StringComparison.Ordinal)
        || (field.Length > 2 && field.EndsWith("Id", StringComparison.Ordinal) && char.IsLower(field[^3]));

    public string? ToJson()
    {
        if (_fields.Count == 0) return null;
        var sb = new StringBuilder("{");
        var first = true;
        foreach (var (key, (o, n)) in _fields)
        {
            if (!first) sb.Append(',');
            first = false;
            sb.Append(System.Text.Json.JsonSerializer.Serialize(key, Json)).Append(":[")
              .Append(o is null ? "null" : System.Text.Json.JsonSerializer.Serialize(o, Json)).Append(',')
              .Append(n is null ? "null" : System.Text.Json.JsonSerializer.Serialize(n, Json)).Append(']');
        }
        return sb.Append('}').ToString();
    }
}
