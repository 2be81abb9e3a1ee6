using Fangkong.Core.Identifiers;
using Fangkong.Core.Security;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Fangkong.Data.Security;

/// <summary>
/// The value converter that stores identifiers encrypted (bw's DataProtectionConverter idea, with AES-GCM):
/// the entity holds plain text, the column holds ciphertext. Ciphertext cannot be compared, so queries use the
/// blind-index columns instead.
/// </summary>
public sealed class ProtectedStringConverter(FieldProtector protector)
    : ValueConverter<string?, byte[]?>(v => protector.Encrypt(v), v => protector.Decrypt(v));

/// <summary>Blind-index purposes: a phone and an ID number with the same digits never share an index value.</summary>
public static class BlindIndex
{
    public const string Phone = "T";

    public static string DocumentPurpose(DocumentType type) => type switch
    {
        DocumentType.ResidentId => "R",
        DocumentType.Passport => "P",
        DocumentType.HkMacaoPermit => "H",
        DocumentType.TaiwanPermit => "W",
        DocumentType.ForeignPermanentId => "F",
        _ => "O",
    };
}
