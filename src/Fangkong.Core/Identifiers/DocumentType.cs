namespace Fangkong.Core.Identifiers;

/// <summary>The identity document a person is registered with. Only resident ID numbers carry a checksum.</summary>
public enum DocumentType
{
    ResidentId = 0,
    Passport = 1,
    HkMacaoPermit = 2,      // 港澳居民来往内地通行证
    TaiwanPermit = 3,       // 台湾居民来往大陆通行证
    ForeignPermanentId = 4, // 外国人永久居留身份证
    Other = 9,
    None = 99,              // nothing shown yet: a visitor registered by name and phone
}

public static class DocumentTypes
{
    /// <summary>Reads the Chinese and English spellings counties put in a 证件类型 column.</summary>
    public static DocumentType? Parse(string? text)
    {
        var t = Text.Compact(text).ToLowerInvariant();
        return t switch
        {
            "" => null,
            "身份证" or "居民身份证" or "身份证号" or "二代身份证" or "id" or "idcard" or "residentid" => DocumentType.ResidentId,
            "护照" or "passport" => DocumentType.Passport,
            "港澳通行证" or "港澳居民来往内地通行证" or "回乡证" or "hkmacaopermit" => DocumentType.HkMacaoPermit,
            "台胞证" or "台湾居民来往大陆通行证" or "taiwanpermit" => DocumentType.TaiwanPermit,
            "外国人永久居留身份证" or "永居证" or "foreignpermanentid" => DocumentType.ForeignPermanentId,
            "无" or "none" => DocumentType.None,
            "其他" or "other" => DocumentType.Other,
            _ => null,
        };
    }
}
