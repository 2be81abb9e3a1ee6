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
