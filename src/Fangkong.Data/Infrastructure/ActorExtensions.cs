using Fangkong.Core.Accounts;

namespace Fangkong.Data.Infrastructure;

public static class ActorExtensions
{
    /// <summary>Services check permissions again behind the endpoint policies: pages call services directly.</summary>
    public static void Require(this Actor actor, string permission)
    {
        if (!actor.Can(permission)) throw new ForbiddenException(permission);
    }
}
