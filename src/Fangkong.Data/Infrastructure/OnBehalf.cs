using Fangkong.Core.Accounts;
using Fangkong.Core.Jurisdictions;
using Fangkong.Core.Security;
using Microsoft.EntityFrameworkCore;

namespace Fangkong.Data.Infrastructure;

/// <summary>
/// The one way a write reaches beyond the actor's own subtree. A right over one row can carry a right over another
/// outside it: site staff record a report on the order of a person staying at their site (the order is the person's
/// village's), a township hands a verification task back to the county or over to another township. The caller checks
/// that right first; the context it then gets keeps the actor's id and name (so the audit trail says who did it) with
/// exactly the scope the right grants, and the query filters and the scope guard hold inside that scope as always.
/// </summary>
public sealed class OnBehalf(DbContextOptions<FangkongDb> options, FieldProtector protector)
{
    public FangkongDb Context(Actor actor, JurisdictionScope scope) => new(options, new FixedActorAccessor(actor with { Scope = scope }), protector);
}
