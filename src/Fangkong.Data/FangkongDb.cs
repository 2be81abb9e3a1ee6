using System.Reflection;
using Fangkong.Core.Accounts;
using Fangkong.Core.Arrivals;
using Fangkong.Core.Orders;
using Fangkong.Core.Policy;
using Fangkong.Core.Tasks;
using Fangkong.Core.Audit;
using Fangkong.Core.Jurisdictions;
using Fangkong.Core.People;
using Fangkong.Core.Security;
using Fangkong.Data.Accounts;
using Fangkong.Data.Audit;
using Fangkong.Data.Imports;
using Fangkong.Data.Infrastructure;
using Fangkong.Data.Security;
using Fangkong.Data.Tasks;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Fangkong.Data;

/// <summary>Which query filters a context's model applies (see <see cref="FangkongDb.FilterModel"/>).</summary>
public enum ScopeModel { Subtree, County, System }

/// <summary>
/// The platform's database. Every context belongs to one <see cref="Actor"/>: the named query filter
/// "Jurisdiction" limits reads to the actor's subtree, "County" to the actor's county; <see cref="SaveChangesAsync(bool, CancellationToken)"/>
/// refuses writes outside that scope and appends every change to the county's audit chain in the same transaction.
/// Build contexts through dependency injection (IDbContextFactory or the scoped context), never with <c>new</c>.
/// </summary>
public sealed class FangkongDb : IdentityDbContext<AppUser, AppRole, long>
{
    public const string JurisdictionFilter = "Jurisdiction";
    public const string CountyFilter = "County";

    private readonly IActorAccessor _actor;

    public FangkongDb(DbContextOptions<FangkongDb> options, IActorAccessor actor, FieldProtector protector) : base(options)
    {
        _actor = actor;
        Protector = protector;
        FilterModel = ModelFor(actor.Current.Scope);
        Audit = new AuditRecorder(this);
    }

    /// <summary>
    /// The filters a context's model applies, chosen when the context is built from the actor then: the system sees
    /// everything (no jurisdiction filters); an account bound to the county node sees its county (a plain county
    /// equality); every other account its subtree (county equality and a key range). Separate models instead of one
    /// filter with "or everything" keep the filters plain equality and range conditions the databases answer from their
    /// indexes — and the county's own model leaves the key range to the query: SQLite, given the filter's range and a
    /// narrower one a page asks for (a township, a village), walks the first range it finds, the whole county.
    /// <see cref="ScopeKindGuard"/> refuses any command whose actor the model does not fit, so a system context cannot
    /// be reused by a person, nor a county context by a township's account.
    /// </summary>
    public ScopeModel FilterModel { get; }

    public bool SystemModel => FilterModel == ScopeModel.System;

    /// <summary>The model a context built for <paramref name="scope"/> uses (nobody yet — <see cref="JurisdictionScope.None"/> — gets the subtree model).</summary>
    public static ScopeModel ModelFor(JurisdictionScope scope) =>
        scope.All ? ScopeModel.System
        : scope.Prefix == scope.CountyCode && scope.CountyCode.Length == ScopeKey.CountyLength ? ScopeModel.County
        : ScopeModel.Subtree;

    /// <summary>Whether a context of this model may run a command for <paramref name="scope"/>: the subtree filter is right for every person (a county account too, only slower); the county filter only for the county's own accounts.</summary>
    public bool Fits(JurisdictionScope scope) => FilterModel switch
    {
        ScopeModel.System => scope.All,
        ScopeModel.County => ModelFor(scope) == ScopeModel.County,
        _ => !scope.All,
    };

    /// <summary>
    /// Read at every query and save, not captured when the context is built: a request's scoped context may be created
    /// by the authentication handlers before the actor of that request is known.
    /// </summary>
    public Actor Actor => _actor.Current;
    public FieldProtector Protector { get; }
    /// <summary>Why the pending changes are made and under which rule; explicit access and security events.</summary>
    public AuditRecorder Audit { get; }

    public DbSet<JurisdictionNode> Nodes => Set<JurisdictionNode>();
    public DbSet<Person> People => Set<Person>();
    public DbSet<KeyPopulationCategory> Categories => Set<KeyPopulationCategory>();
    public DbSet<PersonCategory> PersonCategories => Set<PersonCategory>();
    public DbSet<AuditEntry> AuditEntries => Set<AuditEntry>();
    public DbSet<AuditChainHead> AuditChainHeads => Set<AuditChainHead>();
    public DbSet<ApiKey> ApiKeys => Set<ApiKey>();
    public DbSet<ImportJob> ImportJobs => Set<ImportJob>();
    public DbSet<ImportRowError> ImportRowErrors => Set<ImportRowError>();
    public DbSet<DataProtectionKeyRecord> DataProtectionKeys => Set<DataProtectionKeyRecord>();
    public DbSet<RiskArea> RiskAreas => Set<RiskArea>();
    public DbSet<RulePackVersion> RulePackVersions => Set<RulePackVersion>();
    public DbSet<DutyRole> DutyRoles => Set<DutyRole>();
    public DbSet<Arrival> Arrivals => Set<Arrival>();
    public DbSet<ControlOrder> Orders => Set<ControlOrder>();
    public DbSet<OrderMeasure> OrderMeasures => Set<OrderMeasure>();
    public DbSet<OrderTest> OrderTests => Set<OrderTest>();
    public DbSet<OrderOwner> OrderOwners => Set<OrderOwner>();
    public DbSet<HealthReport> HealthReports => Set<HealthReport>();
    public DbSet<ReportLink> ReportLinks => Set<ReportLink>();
    public DbSet<SpotCheck> SpotChecks => Set<SpotCheck>();
    public DbSet<WorkTask> Tasks => Set<WorkTask>();
    public DbSet<JobLease> JobLeases => Set<JobLease>();
    public DbSet<VerificationBatch> VerificationBatches => Set<VerificationBatch>();
    public DbSet<VerificationCount> VerificationCounts => Set<VerificationCount>();
    public DbSet<Core.Sites.QuarantineSite> QuarantineSites => Set<Core.Sites.QuarantineSite>();
    public DbSet<Core.Sites.SiteStandard> SiteStandards => Set<Core.Sites.SiteStandard>();
    public DbSet<Core.Sites.SiteInspection> SiteInspections => Set<Core.Sites.SiteInspection>();
    public DbSet<Core.Sites.SiteTravelTime> SiteTravelTimes => Set<Core.Sites.SiteTravelTime>();
    public DbSet<Core.Sites.Room> Rooms => Set<Core.Sites.Room>();
    public DbSet<Core.Sites.RoomEvent> RoomEvents => Set<Core.Sites.RoomEvent>();
    public DbSet<Core.Sites.Stay> Stays => Set<Core.Sites.Stay>();
    public DbSet<Core.Sites.Vehicle> Vehicles => Set<Core.Sites.Vehicle>();
    public DbSet<Core.Sites.Driver> Drivers => Set<Core.Sites.Driver>();
    public DbSet<Core.Sites.Trip> Trips => Set<Core.Sites.Trip>();
    public DbSet<VerificationTask> VerificationTasks => Set<VerificationTask>();
    public DbSet<VerificationSourceRow> VerificationSourceRows => Set<VerificationSourceRow>();
    public DbSet<VerificationMiss> VerificationMisses => Set<VerificationMiss>();
    public DbSet<DeadlineProfileVersion> DeadlineProfileVersions => Set<DeadlineProfileVersion>();
    public DbSet<Core.Notifications.Notification> Notifications => Set<Core.Notifications.Notification>();
    public DbSet<Core.Notifications.OutboundSms> OutboundSms => Set<Core.Notifications.OutboundSms>();

    // Read by the query filters; EF turns these into parameters of every query.
    private string ScopeCounty => Actor.Scope.CountyCode;
    private string ScopeLower => Actor.Scope.Lower;
    private string ScopeUpper => Actor.Scope.Upper;

    /// <summary>
    /// Pinned so the model does not depend on whether Identity's options were registered when the context was built
    /// (a context made outside the application's container otherwise silently gets the version-1 schema).
    /// </summary>
    protected override Version SchemaVersion => IdentitySchemaVersions.Version2;

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.ApplyConfigurationsFromAssembly(typeof(FangkongDb).Assembly);

        var utc = new ValueConverter<DateTime, DateTime>(v => v, v => DateTime.SpecifyKind(v, DateTimeKind.Utc));
        var utcNullable = new ValueConverter<DateTime?, DateTime?>(v => v, v => v.HasValue ? DateTime.SpecifyKind(v.Value, DateTimeKind.Utc) : v);
        var protectedString = new ProtectedStringConverter(Protector);

        foreach (var entity in builder.Model.GetEntityTypes())
        {
            var clr = entity.ClrType;
            // Identity's stores look accounts up before anyone is signed in; account services scope them explicitly.
            if (SystemModel) { }
            else if (typeof(IJurisdictionOwned).IsAssignableFrom(clr) && clr != typeof(AppUser))
                ApplyGeneric(FilterModel == ScopeModel.County ? nameof(SetCountyJurisdictionFilter) : nameof(SetJurisdictionFilter), clr, builder);
            else if (typeof(ICountyOwned).IsAssignableFrom(clr))
                ApplyGeneric(nameof(SetCountyFilter), clr, builder);

            foreach (var property in entity.GetProperties())
            {
                if (property.ClrType == typeof(DateTime)) property.SetValueConverter(utc);
                else if (property.ClrType == typeof(DateTime?)) property.SetValueConverter(utcNullable);
                if (property.FindAnnotation(ProtectedAnnotation) is not null) property.SetValueConverter(protectedString);
            }
        }
    }

    /// <summary>Marks a string property as an identifier stored encrypted (see <see cref="ProtectedStringConverter"/>).</summary>
    public const string ProtectedAnnotation = "Fangkong:Protected";

    private void ApplyGeneric(string method, Type clr, ModelBuilder builder) =>
        typeof(FangkongDb).GetMethod(method, BindingFlags.NonPublic | BindingFlags.Instance)!
            .MakeGenericMethod(clr)
            .Invoke(this, [builder]);

    // The filter lambdas read this context's scope properties; EF rebinds them to the context running each query.
    private void SetJurisdictionFilter<T>(ModelBuilder builder) where T : class, IJurisdictionOwned =>
        builder.Entity<T>().HasQueryFilter(JurisdictionFilter, e =>
            e.CountyCode == ScopeCounty
            && string.Compare(e.ScopeKey, ScopeLower) >= 0
            && string.Compare(e.ScopeKey, ScopeUpper) < 0);

    // The county's own accounts: every row of the county lies in its subtree (ScopeGuard keeps writes inside it).
    private void SetCountyJurisdictionFilter<T>(ModelBuilder builder) where T : class, IJurisdictionOwned =>
        builder.Entity<T>().HasQueryFilter(JurisdictionFilter, e => e.CountyCode == ScopeCounty);

    private void SetCountyFilter<T>(ModelBuilder builder) where T : class, ICountyOwned =>
        builder.Entity<T>().HasQueryFilter(CountyFilter, e => e.CountyCode == ScopeCounty);

    public override int SaveChanges(bool acceptAllChangesOnSuccess) =>
        SaveChangesAsync(acceptAllChangesOnSuccess).GetAwaiter().GetResult();

    public override async Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        ChangeTracker.DetectChanges();
        ScopeGuard.Check(this);
        var pending = Audit.Capture();
        var counts = VerificationCounters.Collect(ChangeTracker);
        if (pending.IsEmpty && counts.Count == 0) return await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);

        var ownTransaction = Database.CurrentTransaction is null;
        var transaction = ownTransaction ? await Database.BeginTransactionAsync(cancellationToken) : null;
        try
        {
            var written = await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
            await VerificationCounters.ApplyAsync(this, counts, cancellationToken);
            if (!pending.IsEmpty) await AuditChain.AppendAsync(this, pending.Complete(), cancellationToken);
            if (transaction is not null) await transaction.CommitAsync(cancellationToken);
            return written;
        }
        finally
        {
            if (transaction is not null) await transaction.DisposeAsync();
        }
    }
}
