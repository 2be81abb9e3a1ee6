using Fangkong.Core.Identifiers;
using Fangkong.Core.Jurisdictions;

namespace Fangkong.Core.People;

/// <summary>Where a registered person actually is (for the ledger of locals outside the county).</summary>
public enum ResidenceStatus
{
    Resident = 0,   // 常住: registered and living here
    Away = 1,       // 外出: a local currently outside the county
    Incoming = 2,   // 流入: a non-local living here
    Visitor = 3,    // 来访: a short stay
}

/// <summary>Vulnerable-group flags: people who need help first in a lockdown or a sweep.</summary>
[Flags]
public enum VulnerableFlags
{
    None = 0,
    Elderly80Plus = 1,
    LivesAlone = 2,
    Pregnant = 4,
    Disabled = 8,
    ChronicIllness = 16,
    Infant = 32,
    BedRidden = 64,
}

/// <summary>
/// A person in the county registry. Identifiers (document number, phone, address text) are held in plain text in
/// memory only; the database stores them encrypted, with a keyed hash for exact look-up and a masked form for lists.
/// </summary>
public sealed class Person : IJurisdictionOwned
{
    public long Id { get; set; }
    public string CountyCode { get; set; } = "";
    /// <summary>The scope key of <see cref="NodeId"/>: who may see this person.</summary>
    public string ScopeKey { get; set; } = "";
    /// <summary>The person's current address node: a household, or a grid or village when no household is known.</summary>
    public long? NodeId { get; set; }
    public JurisdictionNode? Node { get; set; }

    public string Name { get; set; } = "";
    public DocumentType DocumentType { get; set; }
    /// <summary>Normalised document number (encrypted at rest).</summary>
    public string? DocumentNumber { get; set; }
    /// <summary>Keyed hash of type + normalised number (blind index).</summary>
    public byte[]? DocumentHash { get; set; }
    public string? DocumentMasked { get; set; }
    /// <summary>False for a resident ID that failed validation; such people are kept and flagged.</summary>
    public bool IdValid { get; set; }
    /// <summary>Why the ID number is not valid (a <see cref="ResidentIdIssue"/> name), or null.</summary>
    public string? IdIssue { get; set; }
    public DateOnly? BirthDate { get; set; }
    /// <summary>"M" or "F", derived from the ID number when there is one.</summary>
    public string? Sex { get; set; }

    public string? Phone { get; set; }
    public byte[]? PhoneHash { get; set; }
    public string? PhoneMasked { get; set; }
    /// <summary>The last four digits (already visible in the mask), indexed: cadres search by them.</summary>
    public string? PhoneTail { get; set; }
    /// <summary>The current address as written (现住址), encrypted at rest.</summary>
    public string? AddressText { get; set; }

    /// <summary>Relation to the household head (户主, 配偶, 子, …).</summary>
    public string? Relation { get; set; }
    public ResidenceStatus Residence { get; set; }
    /// <summary>For <see cref="ResidenceStatus.Away"/>: where the person is now.</summary>
    public string? AwayLocation { get; set; }
    public string? Occupation { get; set; }
    public string? Workplace { get; set; }
    public VulnerableFlags Vulnerable { get; set; }
    /// <summary>Created from a pushed list or an arrival, not from the registry: still to be registered.</summary>
    public bool Unregistered { get; set; }
    public string? Note { get; set; }

    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
    public long? ImportJobId { get; set; }
    /// <summary>Optimistic concurrency: two cadres editing one person do not overwrite each other silently.</summary>
    public int Version { get; set; }

    public List<PersonCategory> Categories { get; set; } = [];

    /// <summary>Sets the phone with its blind index and its derived forms, so they never disagree.</summary>
    public void SetPhone(string? normalized, byte[]? hash)
    {
        Phone = normalized;
        PhoneHash = hash;
        PhoneMasked = Masking.Phone(normalized);
        var digits = normalized?.Where(char.IsAsciiDigit).ToArray();
        PhoneTail = digits is { Length: >= 4 } ? new string(digits[^4..]) : null;
    }
}

/// <summary>Key-population categories (重点人群) as data: each county edits its own list.</summary>
public sealed class KeyPopulationCategory : ICountyOwned
{
    public long Id { get; set; }
    public string CountyCode { get; set; } = "";
    /// <summary>A stable slug used by imports, exports and rules (e.g. medical-staff).</summary>
    public string Code { get; set; } = "";
    public string NameZh { get; set; } = "";
    public string NameEn { get; set; } = "";
    public string? Description { get; set; }
    public int SortOrder { get; set; }
    public bool IsActive { get; set; } = true;
}

public sealed class PersonCategory : ICountyOwned
{
    public long PersonId { get; set; }
    public long CategoryId { get; set; }
    public string CountyCode { get; set; } = "";
    public KeyPopulationCategory? Category { get; set; }
}
