using Fangkong.Core.Jurisdictions;
using Fangkong.Core.People;

namespace Fangkong.Core.Sites;

/// <summary>Who runs a site: the county (or city) or a township (9th-edition guide: both levels run sites).</summary>
public enum SiteLevel
{
    County = 0,
    Township = 1,
}

/// <summary>Where a site stands. Only <see cref="InService"/> sites take people.</summary>
public enum SiteStatus
{
    /// <summary>Being set up: rooms entered, not yet inspected against the standards.</summary>
    Preparing = 0,
    /// <summary>Taking people in.</summary>
    InService = 1,
    /// <summary>Ready but held back: takes nobody until it is put in service (its staff called in).</summary>
    StandbyReserve = 2,
    /// <summary>No longer used; kept for its history.</summary>
    Closed = 3,
}

/// <summary>
/// A centralized quarantine site (集中隔离点): who runs it, where it is, its lead, its status, and how many rooms it
/// holds back as a reserve. A county site is scoped on the county node, a township site on its township, so a
/// township sees its own sites and the county sees all of them.
/// </summary>
public sealed class QuarantineSite : IJurisdictionOwned
{
    public long Id { get; set; }
    public string CountyCode { get; set; } = "";
    /// <summary>The county key (6 digits) for a county site, the township key (9 digits) for a township site.</summary>
    public string ScopeKey { get; set; } = "";
    public string Name { get; set; } = "";
    public SiteLevel Level { get; set; }
    /// <summary>The unit running the site (a hotel's owner, the health bureau, the township government).</summary>
    public string? OperatorUnit { get; set; }
    public string? LeadName { get; set; }
    public string? LeadPhone { get; set; }
    /// <summary>The jurisdiction node the site stands in (a village or community), when known.</summary>
    public long? AddressNodeId { get; set; }
    public string? Address { get; set; }
    /// <summary>The duty phone or contact line of the site.</summary>
    public string? Contact { get; set; }
    public SiteStatus Status { get; set; }
    /// <summary>
    /// Rooms held back: allocation does not take the site's last <see cref="ReserveRooms"/> ready rooms unless
    /// nothing else is free, and capacity does not count them as free. A count, not a list of rooms, so any ready
    /// room can serve as the reserve.
    /// </summary>
    public int ReserveRooms { get; set; }
    public string? Note { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
    public int Version { get; set; }

    /// <summary>
    /// Sites that may receive people: in service only. A standby site is put in service first (a decision, with its
    /// staff called in), never filled by an allocation; one preparing has not passed its inspection; one closed is closed.
    /// </summary>
    public static bool Receives(SiteStatus status) => status == SiteStatus.InService;
}

/// <summary>The rules of a site's own record and of its status.</summary>
public static class SiteRules
{
    public const int MaxNameLength = 100;
    public const int MaxReserveRooms = 10_000;

    /// <summary>
    /// Field errors of a site: a name, a scope key inside the county whose length fits the level (a county site on
    /// the 6-digit county key, a township site on a 9-digit township key), a reserve that is not negative.
    /// </summary>
    public static IReadOnlyList<FieldError> Validate(QuarantineSite site)
    {
        var errors = new List<FieldError>();
        var name = Text.Tidy(site.Name);
        if (name is null) errors.Add(new("name", "name.required"));
        else if (name.Length > MaxNameLength) errors.Add(new("name", "name.too-long"));
        if (site.CountyCode.Length != ScopeKey.CountyLength || !site.ScopeKey.StartsWith(site.CountyCode, StringComparison.Ordinal))
            errors.Add(new("scopeKey", "scope.outside-county"));
        else if (site.ScopeKey.Length != (site.Level == SiteLevel.County ? ScopeKey.CountyLength : ScopeKey.TownshipLength))
            errors.Add(new("level", "site.level-scope-mismatch"));
        if (site.ReserveRooms is < 0 or > MaxReserveRooms) errors.Add(new("reserveRooms", "reserve-rooms.range"));
        foreach (var (field, value, max) in new[] { ("operatorUnit", site.OperatorUnit, 100), ("leadName", site.LeadName, 50), ("address", site.Address, 200), ("contact", site.Contact, 100) })
            if (value is { } v && v.Length > max) errors.Add(new(field, "site.text-too-long"));
        return errors;
    }

    /// <summary>
    /// The status changes a site may make. Preparing → in service needs a passed inspection; a closed site is
    /// reopened by preparing it again (so it is inspected again before it takes people).
    /// </summary>
    public static bool Allowed(SiteStatus from, SiteStatus to) => (from, to) switch
    {
        (SiteStatus.Preparing, SiteStatus.InService) => true,
        (SiteStatus.Preparing, SiteStatus.StandbyReserve) => true,
        (SiteStatus.Preparing, SiteStatus.Closed) => true,
        (SiteStatus.InService, SiteStatus.StandbyReserve) => true,
        (SiteStatus.InService, SiteStatus.Closed) => true,
        (SiteStatus.StandbyReserve, SiteStatus.InService) => true,
        (SiteStatus.StandbyReserve, SiteStatus.Closed) => true,
        (SiteStatus.Closed, SiteStatus.Preparing) => true,
        _ => false,
    };

    /// <summary>
    /// Changes a site's status, or says why not: the change must be allowed; leaving preparation for service or
    /// standby needs the latest inspection passed; a site with people still allocated or checked in is not closed.
    /// </summary>
    public static string? ChangeStatus(QuarantineSite site, SiteStatus to, SiteInspection? latestInspection, int activeStays, DateTime at)
    {
        if (!Allowed(site.Status, to)) return SiteErrors.SiteStatusNotAllowed;
        if (site.Status == SiteStatus.Preparing && (to is SiteStatus.InService or SiteStatus.StandbyReserve) && latestInspection is not { Passed: true })
            return SiteErrors.SiteInspectionRequired;
        if (to == SiteStatus.Closed && activeStays > 0) return SiteErrors.SiteHasOccupants;
        site.Status = to;
        site.UpdatedAt = at;
        return null;
    }
}
