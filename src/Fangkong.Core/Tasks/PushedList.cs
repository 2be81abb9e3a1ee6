using Fangkong.Core.Identifiers;
using Fangkong.Core.Jurisdictions;
using Fangkong.Core.People;

namespace Fangkong.Core.Tasks;

/// <summary>One row of a pushed list as read (cells copied out of the reader), before any rule.</summary>
public sealed record PushedRow(int RowNumber, string? Name, string? IdNumber, string? Phone, string? Address, string? Origin,
    string? Reason, string? PushedAt, string? Batch, IReadOnlyList<KeyValuePair<string, string>>? Extra = null, bool IdLossy = false);

/// <summary>The columns of a pushed list the platform has no field for, kept on the task as JSON.</summary>
public static class PushedExtra
{
    /// <summary>A row's serial number in the sender's sheet: not information about the person.</summary>
    private static readonly HashSet<string> SerialColumns = new(StringComparer.OrdinalIgnoreCase) { "序号", "编号", "No", "No.", "#" };

    /// <summary>Column → value as the list wrote them, serial numbers and empty cells left out; unreadable JSON is shown whole.</summary>
    public static IReadOnlyList<(string Column, string Value)> Columns(string? json)
    {
        if (string.IsNullOrWhiteSpace(json)) return [];
        try
        {
            return (System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, string?>>(json) ?? [])
                .Where(kv => !string.IsNullOrWhiteSpace(kv.Value) && !SerialColumns.Contains(kv.Key.Trim())).Select(kv => (kv.Key, kv.Value!)).ToList();
        }
        catch (System.Text.Json.JsonException) { return [("—", json)]; }
    }
}

/// <summary>A pushed row after normalisation: the identity to find and the key that merges duplicates.</summary>
public sealed record NormalizedPushedRow(PushedRow Raw)
{
    /// <summary>
    /// Why the row is refused, or null: "identity.missing" (none of name, ID number and phone) or "phone.invalid" (the
    /// only identity given is a phone that cannot be read: the row has a phone, it is the phone that is wrong).
    /// </summary>
    public string? Rejection { get; init; }
    public string? Name { get; init; }
    /// <summary>The ID number normalised as in the registry (or cleaned, when it fails validation).</summary>
    public string? IdNumber { get; init; }
    public bool IdValid { get; init; }
    /// <summary>Present but failing validation: the row is kept and handled as an identity to verify.</summary>
    public bool IdInvalid { get; init; }
    public string? IdIssue { get; init; }
    public string? Phone { get; init; }
    /// <summary>A phone that is present but unreadable (kept as written for the team; not used to match).</summary>
    public bool PhoneInvalid { get; init; }
    /// <summary>The duplicate key inside a file ("id:…" or "np:name|phone"), null when the row can merge with nothing.</summary>
    public string? DedupKey { get; init; }
}

/// <summary>
/// The rules of a pushed list, exactly as the issue states them so counts are comparable between counties:
/// a row is refused only when it has none of name, ID number and phone; ID numbers are normalised as in the registry
/// and an invalid one is kept and flagged; duplicates are rows with the same valid ID, or without a valid ID, with
/// the same name and phone.
/// </summary>
public static class PushedListRules
{
    public static NormalizedPushedRow Normalize(PushedRow raw, DateOnly today, Func<string, bool>? addressKnown = null)
    {
        // Names are kept as written when unusual (a pushed list is not a registry form): tidy, width-folded, capped.
        var name = Text.Tidy(raw.Name);
        if (name is { Length: > PersonRules.MaxNameLength }) name = name[..PersonRules.MaxNameLength];
        string? id = null;
        var valid = false;
        string? issue = null;
        if (!string.IsNullOrWhiteSpace(raw.IdNumber))
        {
            if (raw.IdLossy)
            {
                id = ResidentId.Clean(raw.IdNumber);
                issue = id is null ? null : "id.lossy-number";
            }
            else
            {
                var doc = PersonRules.NormalizeDocument(DocumentType.ResidentId, raw.IdNumber, today, addressKnown);
                id = doc.Number;
                valid = doc.Valid;
                issue = doc.Issue;
            }
            if (id is { Length: > 30 }) id = id[..30];
        }
        var phone = PersonRules.NormalizePhone(raw.Phone, out var phoneError);
        var phoneInvalid = phoneError is not null;
        if (name is null && id is null && phone is null && !phoneInvalid)
            return new NormalizedPushedRow(raw) { Rejection = "identity.missing" };
        if (name is null && id is null && phone is null)
            return new NormalizedPushedRow(raw) { Rejection = "phone.invalid", PhoneInvalid = true };
        return new NormalizedPushedRow(raw)
        {
            Name = name,
            IdNumber = id,
            IdValid = valid,
            IdInvalid = id is not null && !valid,
            IdIssue = valid || id is null ? null : issue,
            Phone = phone,
            PhoneInvalid = phoneInvalid,
            DedupKey = DedupKey(valid ? id : null, name, phone),
        };
    }

    /// <summary>"id:{number}" for a valid ID; else "np:{name}|{phone}" when both are known; else null (nothing to merge on).</summary>
    public static string? DedupKey(string? validId, string? name, string? phone) =>
        validId is not null ? "id:" + validId
        : name is not null && phone is not null ? "np:" + name + "|" + phone
        : null;
}

/// <summary>Where a pushed task goes.</summary>
public enum RouteOutcome
{
    /// <summary>A village (or community) of the county.</summary>
    Village,
    /// <summary>A township of the county, village unknown: the township routes it inside.</summary>
    Township,
    /// <summary>Another county: back upstream, not to a township.</summary>
    OutsideCounty,
    /// <summary>No township of ours recognised: the command centre's manual routing queue.</summary>
    Unroutable,
}

public sealed record Route(RouteOutcome Outcome, string ScopeKey, string Township, bool ByHousehold)
{
    /// <summary>The township's 12-digit code (the key of the import summary's "routed" counts).</summary>
    public string? Township12 => Township.Length == Jurisdictions.ScopeKey.TownshipLength ? Township + "000" : null;
}

/// <summary>
/// Routing: a matched person's household decides the township and village; otherwise the address text is parsed
/// against the county's division names. Another county's address is outside; an address naming no township of
/// ours is unroutable (the county's queue).
/// </summary>
public static class VerificationRouting
{
    public static Route Route(string countyCode, string? personScopeKey, Func<AddressResolution> resolveAddress)
    {
        if (personScopeKey is { Length: >= ScopeKey.TownshipLength } key && key.StartsWith(countyCode, StringComparison.Ordinal))
        {
            return key.Length >= ScopeKey.VillageLength
                ? new Route(RouteOutcome.Village, key[..ScopeKey.VillageLength], key[..ScopeKey.TownshipLength], true)
                : new Route(RouteOutcome.Township, key[..ScopeKey.TownshipLength], key[..ScopeKey.TownshipLength], true);
        }
        var address = resolveAddress();
        return address.Outcome switch
        {
            AddressOutcome.Village => new Route(RouteOutcome.Village, address.VillageCode12!, address.VillageCode12![..ScopeKey.TownshipLength], false),
            AddressOutcome.TownshipOnly => new Route(RouteOutcome.Township, address.TownshipCode12![..ScopeKey.TownshipLength], address.TownshipCode12![..ScopeKey.TownshipLength], false),
            AddressOutcome.OtherCounty => new Route(RouteOutcome.OutsideCounty, countyCode, "", false),
            _ => new Route(RouteOutcome.Unroutable, countyCode, "", false),
        };
    }
}
