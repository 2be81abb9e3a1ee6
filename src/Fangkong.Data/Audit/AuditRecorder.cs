using System.Globalization;
using Fangkong.Core.Accounts;
using Fangkong.Core.Arrivals;
using Fangkong.Core.Orders;
using Fangkong.Core.Policy;
using Fangkong.Core.Tasks;
using Fangkong.Core.Audit;
using Fangkong.Core.Jurisdictions;
using Fangkong.Core.People;
using Fangkong.Data.Accounts;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;

namespace Fangkong.Data.Audit;

/// <summary>
/// Turns the changes a context is about to save into audit entries: who (the context's actor), when, what
/// (old → new per audited field, identifiers masked), why (<see cref="Reason"/>) and under which rule
/// (<see cref="Rule"/>). Explicit events (reveals, sign-in failures, bulk operations) are queued with
/// <see cref="Record"/> and written with the next save.
/// </summary>
public sealed class AuditRecorder(FangkongDb db)
{
    private readonly List<AuditEntry> _queued = [];

    /// <summary>Why the pending changes are made (shown in the audit viewer). Kept until changed.</summary>
    public string? Reason { get; set; }
    /// <summary>The rule or procedure that required them; "manual" when a person decided.</summary>
    public string? Rule { get; set; }

    /// <summary>
    /// Queues an explicit event, written with the next <c>SaveChanges</c>. <paramref name="at"/>: when it happened by
    /// the platform's clock, for an event a rule later counts by that clock (the close-contact look-ups an account made
    /// in the last minutes); by default the time of writing.
    /// </summary>
    public void Record(AuditKind kind, string action, string countyCode, string scopeKey,
        string? entityType = null, string? entityId = null, AuditChanges? changes = null, string? reason = null, string? rule = null, DateTime? at = null)
    {
        _queued.Add(new AuditEntry
        {
            At = at is { } when ? AuditHasher.TruncateToMicroseconds(when) : default,
            Kind = kind,
            Action = action,
            CountyCode = countyCode,
            ScopeKey = scopeKey,
            EntityType = entityType,
            EntityId = entityId,
            Changes = changes?.ToJson(),
            Reason = reason ?? Reason,
            Rule = rule ?? Rule,
        });
    }

    internal PendingAudit Capture()
    {
        var captured = new List<CapturedChange>();
        foreach (var entry in db.ChangeTracker.Entries())
        {
            if (entry.State is not (EntityState.Added or EntityState.Modified or EntityState.Deleted)) continue;
            var policy = AuditPolicies.For(entry.Entity);
            if (policy is null) continue;
            var changes = new AuditChanges();
            foreach (var property in entry.Properties)
            {
                var name = property.Metadata.Name;
                if (!policy.Audits(name)) continue;
                if (entry.State == EntityState.Modified && !property.IsModified) continue;
                // A new row's generated key is a temporary value here; the entry's EntityId carries the real one.
                if (entry.State == EntityState.Added && property.Metadata.IsPrimaryKey() && property.IsTemporary) continue;
                // A secret shows no value, so its old and new sides would read alike: compare the values themselves.
                if (entry.State == EntityState.Modified && policy.IsSecret(name)
                    && property.Metadata.GetValueComparer().Equals(property.OriginalValue, property.CurrentValue)) continue;
                var oldValue = entry.State == EntityState.Added ? null : policy.Show(entry, name, original: true);
                var newValue = entry.State == EntityState.Deleted ? null : policy.Show(entry, name, original: false);
                changes.Set(name, oldValue, newValue);
            }
            if (entry.State == EntityState.Modified && changes.IsEmpty) continue;
            captured.Add(new CapturedChange(entry, entry.State, policy, changes));
        }
        var queued = _queued.ToList();
        _queued.Clear();
        return new PendingAudit(db, captured, queued, Reason, Rule);
    }

    internal sealed record CapturedChange(EntityEntry Entry, EntityState State, AuditPolicy Policy, AuditChanges Changes);

    internal sealed class PendingAudit(FangkongDb db, List<CapturedChange> captured, List<AuditEntry> queued, string? reason, string? rule)
    {
        public bool IsEmpty => captured.Count == 0 && queued.Count == 0;

        /// <summary>Builds the entries once the rows are written (database-generated keys are known by then).</summary>
        public List<AuditEntry> Complete()
        {
            var actor = db.Actor;
            var now = AuditHasher.TruncateToMicroseconds(DateTime.UtcNow);
            var entries = new List<AuditEntry>(captured.Count + queued.Count);
            foreach (var c in captured)
            {
                var (county, scopeKey) = c.Policy.ScopeOf(c.Entry, actor);
                var verb = c.State switch { EntityState.Added => "create", EntityState.Deleted => "delete", _ => "update" };
                entries.Add(new AuditEntry
                {
                    Kind = c.Policy.Kind,
                    Action = $"{c.Policy.Name}.{verb}",
                    EntityType = c.Policy.EntityType,
                    EntityId = c.Policy.IdOf(c.Entry),
                    CountyCode = county,
                    ScopeKey = scopeKey,
                    Changes = c.Changes.ToJson(),
                    Reason = reason,
                    Rule = rule ?? "manual",
                });
            }
            entries.AddRange(queued);
            foreach (var e in entries)
            {
                if (e.At == default) e.At = now;
                e.ActorId = actor.Id;
                e.ActorName = actor.Name;
                e.ClientAddress = actor.ClientAddress;
                e.Reason = AuditEntry.ClipReason(e.Reason);
                if (string.IsNullOrEmpty(e.CountyCode)) e.CountyCode = actor.Scope.All ? "000000" : actor.Scope.CountyCode;
                if (string.IsNullOrEmpty(e.ScopeKey)) e.ScopeKey = e.CountyCode;
            }
            return entries;
        }
    }
}

/// <summary>How one entity type appears in the audit trail.</summary>
internal sealed class AuditPolicy
{
    public required string Name { get; init; }
    public required string EntityType { get; init; }
    public AuditKind Kind { get; init; } = AuditKind.Change;
    /// <summary>Properties never written to the trail (hashes, stamps, bookkeeping).</summary>
    public IReadOnlySet<string> Ignored { get; init; } = new HashSet<string>();
    /// <summary>Properties shown through a mask (identifiers): property → function of the plain value.</summary>
    public IReadOnlyDictionary<string, Func<string?, string?>> Masks { get; init; } = new Dictionary<string, Func<string?, string?>>();
    /// <summary>Properties whose values are secret: the trail says only that they changed.</summary>
    public IReadOnlySet<string> Secret { get; init; } = new HashSet<string>();
    public Func<EntityEntry, string?> IdOf { get; init; } = e => KeyOf(e);
    public Func<EntityEntry, Actor, (string County, string ScopeKey)> ScopeOf { get; init; } = DefaultScope;

    public bool Audits(string property) => !Ignored.Contains(property);

    public bool IsSecret(string property) => Secret.Contains(property);

    /// <summary>
    /// A field's value as the trail shows it. A secret shows only that it had a value before ("(set)") and that it
    /// has a new one ("(changed)"): a reset password reads "(set)" → "(changed)", never a hash.
    /// </summary>
    public string? Show(EntityEntry entry, string property, bool original)
    {
        var p = entry.Property(property);
        var value = original ? p.OriginalValue : p.CurrentValue;
        if (Secret.Contains(property)) return value is null ? null : original ? "(set)" : "(changed)";
        var text = Format(value);
        return Masks.TryGetValue(property, out var mask) ? mask(text) : text;
    }

    private static string? Format(object? value) => value switch
    {
        null => null,
        DateTime d => d.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
        DateTimeOffset d => d.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        byte[] b => Convert.ToHexString(b.AsSpan(0, Math.Min(b.Length, 4))) + "…",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString(),
    };

    internal static string? KeyOf(EntityEntry entry)
    {
        var key = entry.Metadata.FindPrimaryKey();
        if (key is null) return null;
        return string.Join("/", key.Properties.Select(p => Format(entry.Property(p.Name).CurrentValue)));
    }

    private static (string, string) DefaultScope(EntityEntry entry, Actor actor) => entry.Entity switch
    {
        IJurisdictionOwned owned => (owned.CountyCode, owned.ScopeKey),
        ICountyOwned county => (county.CountyCode, county.CountyCode),
        _ => ("", ""),
    };
}

internal static class AuditPolicies
{
    private static readonly Dictionary<Type, AuditPolicy> Policies = new()
    {
        [typeof(Person)] = new AuditPolicy
        {
            Name = "person",
            EntityType = "Person",
            Ignored = new HashSet<string> { nameof(Person.DocumentHash), nameof(Person.PhoneHash), nameof(Person.DocumentMasked), nameof(Person.PhoneMasked), nameof(Person.PhoneTail), nameof(Person.Version), nameof(Person.CreatedAt), nameof(Person.UpdatedAt) },
            Masks = new Dictionary<string, Func<string?, string?>>
            {
                [nameof(Person.DocumentNumber)] = Core.Identifiers.Masking.IdNumber,
                [nameof(Person.Phone)] = Core.Identifiers.Masking.Phone,
            },
            Secret = new HashSet<string> { nameof(Person.AddressText) },
        },
        [typeof(JurisdictionNode)] = new AuditPolicy { Name = "node", EntityType = "JurisdictionNode" },
        [typeof(KeyPopulationCategory)] = new AuditPolicy { Name = "category", EntityType = "KeyPopulationCategory" },
        [typeof(DutyRole)] = new AuditPolicy { Name = "duty-role", EntityType = "DutyRole" },
        [typeof(PersonCategory)] = new AuditPolicy
        {
            Name = "person.category",
            EntityType = "Person",
            Ignored = new HashSet<string> { nameof(PersonCategory.PersonId), nameof(PersonCategory.CountyCode) },
            IdOf = e => ((PersonCategory)e.Entity).PersonId.ToString(CultureInfo.InvariantCulture),
            ScopeOf = (e, actor) => PersonScope(e, ((PersonCategory)e.Entity).PersonId, actor),
        },
        [typeof(ApiKey)] = new AuditPolicy
        {
            Name = "api-key",
            EntityType = "ApiKey",
            Kind = AuditKind.Security,
            Ignored = new HashSet<string> { nameof(ApiKey.SecretHash), nameof(ApiKey.LastUsedAt) },
        },
        [typeof(AppUser)] = new AuditPolicy
        {
            Name = "account",
            EntityType = "Account",
            Kind = AuditKind.Security,
            Ignored = new HashSet<string>
            {
                nameof(AppUser.NormalizedEmail), nameof(AppUser.NormalizedUserName), nameof(AppUser.ConcurrencyStamp),
                nameof(AppUser.SecurityStamp), nameof(AppUser.LastSignInAt), nameof(AppUser.AccessFailedCount),
            },
            Masks = new Dictionary<string, Func<string?, string?>> { [nameof(AppUser.PhoneNumber)] = Core.Identifiers.Masking.Phone },
            Secret = new HashSet<string> { nameof(AppUser.PasswordHash) },
        },
        [typeof(IdentityUserRole<long>)] = new AuditPolicy
        {
            Name = "account.role",
            EntityType = "Account",
            Kind = AuditKind.Security,
            Ignored = new HashSet<string> { nameof(IdentityUserRole<long>.UserId) },
            IdOf = e => ((IdentityUserRole<long>)e.Entity).UserId.ToString(CultureInfo.InvariantCulture),
            ScopeOf = (e, actor) => AccountScope(e, ((IdentityUserRole<long>)e.Entity).UserId, actor),
        },
    };

    private static readonly Dictionary<Type, AuditPolicy> ClosedLoop = new()
    {
        [typeof(RiskArea)] = new AuditPolicy { Name = "risk-area", EntityType = "RiskArea", Ignored = new HashSet<string> { nameof(RiskArea.PlaceKey), nameof(RiskArea.CreatedAt), nameof(RiskArea.UpdatedAt) } },
        [typeof(RulePackVersion)] = new AuditPolicy { Name = "rule-pack", EntityType = "RulePackVersion", Ignored = new HashSet<string> { nameof(RulePackVersion.CreatedAt) } },
        [typeof(Arrival)] = new AuditPolicy
        {
            Name = "arrival",
            EntityType = "Arrival",
            Ignored = new HashSet<string> { nameof(Arrival.DocumentHash), nameof(Arrival.PhoneHash), nameof(Arrival.DocumentMasked), nameof(Arrival.PhoneMasked), nameof(Arrival.Version), nameof(Arrival.UpdatedAt) },
            Masks = new Dictionary<string, Func<string?, string?>>
            {
                [nameof(Arrival.DocumentNumber)] = Core.Identifiers.Masking.IdNumber,
                [nameof(Arrival.Phone)] = Core.Identifiers.Masking.Phone,
            },
            Secret = new HashSet<string> { nameof(Arrival.DestinationText), nameof(Arrival.TravelJson) },
        },
        [typeof(ControlOrder)] = new AuditPolicy { Name = "order", EntityType = "ControlOrder", Ignored = new HashSet<string> { nameof(ControlOrder.Version), nameof(ControlOrder.UpdatedAt), nameof(ControlOrder.CreatedAt) } },
        [typeof(OrderMeasure)] = OrderPart<OrderMeasure>("order.measure", m => m.OrderId),
        [typeof(OrderTest)] = OrderPart<OrderTest>("order.test", t => t.OrderId),
        [typeof(OrderOwner)] = OrderPart<OrderOwner>("order.owner", o => o.OrderId, nameof(OrderOwner.Phone)),
        // A reading's place in its slot is told by the entry's reason (report / re-measurement), not as a field.
        [typeof(HealthReport)] = new AuditPolicy { Name = "health-report", EntityType = "ControlOrder", IdOf = e => Id(((HealthReport)e.Entity).OrderId), Ignored = new HashSet<string> { nameof(HealthReport.Sequence) } },
        [typeof(ReportLink)] = new AuditPolicy { Name = "report-link", EntityType = "ControlOrder", Kind = AuditKind.Security, Ignored = new HashSet<string> { nameof(ReportLink.TokenHash) }, IdOf = e => Id(((ReportLink)e.Entity).OrderId) },
        [typeof(SpotCheck)] = new AuditPolicy { Name = "spot-check", EntityType = "ControlOrder", IdOf = e => Id(((SpotCheck)e.Entity).OrderId) },
        [typeof(WorkTask)] = new AuditPolicy { Name = "task", EntityType = "WorkTask", Ignored = new HashSet<string> { nameof(WorkTask.Version), nameof(WorkTask.DedupKey) } },
        [typeof(VerificationTask)] = new AuditPolicy
        {
            Name = "verification",
            EntityType = "VerificationTask",
            Ignored = new HashSet<string> { nameof(VerificationTask.Version), nameof(VerificationTask.UpdatedAt), nameof(VerificationTask.IdHash), nameof(VerificationTask.IdMasked), nameof(VerificationTask.PhoneMasked) },
            Masks = new Dictionary<string, Func<string?, string?>>
            {
                [nameof(VerificationTask.IdNumber)] = Core.Identifiers.Masking.IdNumber,
                [nameof(VerificationTask.Phone)] = Core.Identifiers.Masking.Phone,
            },
            Secret = new HashSet<string> { nameof(VerificationTask.Address), nameof(VerificationTask.Team) },
        },
        [typeof(Core.Sites.QuarantineSite)] = new AuditPolicy
        {
            Name = "site", EntityType = "QuarantineSite",
            Ignored = new HashSet<string> { nameof(Core.Sites.QuarantineSite.Version), nameof(Core.Sites.QuarantineSite.CreatedAt), nameof(Core.Sites.QuarantineSite.UpdatedAt) },
            Masks = new Dictionary<string, Func<string?, string?>> { [nameof(Core.Sites.QuarantineSite.LeadPhone)] = Core.Identifiers.Masking.Phone },
        },
        [typeof(Core.Sites.SiteStandard)] = new AuditPolicy { Name = "site.standard", EntityType = "SiteStandard" },
        // A travel time is a line of the site's record: the trail shows it on the site, township and minutes old → new.
        [typeof(Core.Sites.SiteTravelTime)] = new AuditPolicy
        {
            Name = "site.travel-time", EntityType = "QuarantineSite", IdOf = e => Id(((Core.Sites.SiteTravelTime)e.Entity).SiteId),
            Ignored = new HashSet<string> { nameof(Core.Sites.SiteTravelTime.Id), nameof(Core.Sites.SiteTravelTime.UpdatedAt) },
        },
        [typeof(Core.Sites.SiteInspection)] = new AuditPolicy { Name = "site.inspection", EntityType = "QuarantineSite", IdOf = e => Id(((Core.Sites.SiteInspection)e.Entity).SiteId), Ignored = new HashSet<string> { nameof(Core.Sites.SiteInspection.CreatedAt) } },
        [typeof(Core.Sites.Room)] = new AuditPolicy { Name = "room", EntityType = "Room", Ignored = new HashSet<string> { nameof(Core.Sites.Room.Version), nameof(Core.Sites.Room.CreatedAt), nameof(Core.Sites.Room.UpdatedAt), nameof(Core.Sites.Room.StateChangedAt), nameof(Core.Sites.Room.StateChangedBy) } },
        [typeof(Core.Sites.Stay)] = new AuditPolicy { Name = "stay", EntityType = "Stay", Ignored = new HashSet<string> { nameof(Core.Sites.Stay.Version), nameof(Core.Sites.Stay.CreatedAt), nameof(Core.Sites.Stay.UpdatedAt) } },
        [typeof(Core.Sites.Vehicle)] = new AuditPolicy { Name = "vehicle", EntityType = "Vehicle", Ignored = new HashSet<string> { nameof(Core.Sites.Vehicle.Version), nameof(Core.Sites.Vehicle.CreatedAt), nameof(Core.Sites.Vehicle.UpdatedAt) } },
        [typeof(Core.Sites.Driver)] = new AuditPolicy { Name = "driver", EntityType = "Driver", Ignored = new HashSet<string> { nameof(Core.Sites.Driver.Version), nameof(Core.Sites.Driver.CreatedAt), nameof(Core.Sites.Driver.UpdatedAt) } },
        [typeof(Core.Sites.Trip)] = new AuditPolicy { Name = "trip", EntityType = "Trip", Ignored = new HashSet<string> { nameof(Core.Sites.Trip.Version), nameof(Core.Sites.Trip.CreatedAt), nameof(Core.Sites.Trip.UpdatedAt) } },
        [typeof(VerificationBatch)] = new AuditPolicy { Name = "verification.batch", EntityType = "VerificationBatch", Ignored = new HashSet<string> { nameof(VerificationBatch.Summary) } },
        [typeof(DeadlineProfileVersion)] = new AuditPolicy { Name = "deadline-profile", EntityType = "DeadlineProfileVersion", Ignored = new HashSet<string> { nameof(DeadlineProfileVersion.CreatedAt) } },
    };

    private static string Id(long id) => id.ToString(CultureInfo.InvariantCulture);

    /// <summary>A part of an order (measure, test, owner) appears in the trail under its order.</summary>
    private static AuditPolicy OrderPart<T>(string name, Func<T, long> orderId, string? phone = null) => new()
    {
        Name = name,
        EntityType = "ControlOrder",
        Ignored = new HashSet<string> { "OrderId", "CountyCode", "ScopeKey" },
        IdOf = e => Id(orderId((T)e.Entity)),
        Masks = phone is null ? new Dictionary<string, Func<string?, string?>>() : new Dictionary<string, Func<string?, string?>> { [phone] = Core.Identifiers.Masking.Phone },
    };

    public static AuditPolicy? For(object entity) => Policies.GetValueOrDefault(entity.GetType()) ?? ClosedLoop.GetValueOrDefault(entity.GetType());

    private static (string, string) PersonScope(EntityEntry entry, long personId, Actor actor)
    {
        var person = entry.Context.ChangeTracker.Entries<Person>().FirstOrDefault(p => p.Entity.Id == personId)?.Entity;
        return person is not null ? (person.CountyCode, person.ScopeKey) : (actor.Scope.CountyCode, actor.Scope.Prefix);
    }

    private static (string, string) AccountScope(EntityEntry entry, long userId, Actor actor)
    {
        var user = entry.Context.ChangeTracker.Entries<AppUser>().FirstOrDefault(u => u.Entity.Id == userId)?.Entity;
        return user is not null ? (user.CountyCode, user.ScopeKey) : (actor.Scope.CountyCode, actor.Scope.Prefix);
    }
}
