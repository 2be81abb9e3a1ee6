using Fangkong.Core.Accounts;

namespace Fangkong.Data.Infrastructure;

/// <summary>
/// Who the current unit of work acts for. The web host fills it per request and per circuit activity from the
/// signed-in account (re-read from the database, so a reassignment takes effect at once); the CLI sets it from its
/// options. A context built without one sees nothing.
/// </summary>
public interface IActorAccessor
{
    Actor Current { get; }
}

/// <summary>A settable accessor, registered scoped.</summary>
public sealed class ActorAccessor : IActorAccessor
{
    public Actor Current { get; set; } = Actor.Anonymous;
}

/// <summary>
/// An actor fixed for one unit of work: used where a right over one row carries a right over another outside the
/// actor's own subtree (site staff record a report on the order of a person staying at their site — the order is the
/// village's). The name and id stay the actor's, so the audit trail shows who did it.
/// </summary>
public sealed class FixedActorAccessor(Actor actor) : IActorAccessor
{
    public Actor Current { get; } = actor;
}
