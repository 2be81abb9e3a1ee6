using Fangkong.Data.Infrastructure;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server.Circuits;

namespace Fangkong.Web.Infrastructure;

/// <summary>
/// Interactive pages run in a circuit, outside any HTTP request. Before each piece of inbound activity (a click, a
/// render) the circuit's actor is reloaded from the database, at most every few seconds, so the query filters of the
/// contexts the page creates always follow the account's current node and roles.
/// </summary>
public sealed class ActorCircuitHandler(ActorAccessor accessor, ActorLoader loader, AuthenticationStateProvider authentication, TimeProvider time) : CircuitHandler
{
    private static readonly TimeSpan Freshness = TimeSpan.FromSeconds(5);
    private DateTimeOffset _loadedAt = DateTimeOffset.MinValue;

    public override Func<CircuitInboundActivityContext, Task> CreateInboundActivityHandler(Func<CircuitInboundActivityContext, Task> next) =>
        async context =>
        {
            if (time.GetUtcNow() - _loadedAt > Freshness)
            {
                var state = await authentication.GetAuthenticationStateAsync();
                accessor.Current = await loader.LoadAsync(state.User, accessor.Current.ClientAddress);
                _loadedAt = time.GetUtcNow();
            }
            await next(context);
        };
}
