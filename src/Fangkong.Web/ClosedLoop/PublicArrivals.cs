using Fangkong.Core.Accounts;
using Fangkong.Core.Arrivals;
using Fangkong.Core.Jurisdictions;
using Fangkong.Data.Arrivals;
using Fangkong.Data.Infrastructure;
using Fangkong.Data.Orders;
using Microsoft.Extensions.Options;

namespace Fangkong.Web.ClosedLoop;

public enum PublicRefusal { None, Challenge, TooMany }

/// <summary>
/// What the public pages (self-registration, the person's reporting link) may do, as a county-wide actor that holds
/// only the registration permission: the challenge, the per-address limit (counted in the database, so it holds
/// across nodes), then the same service staff use.
/// </summary>
public sealed class PublicArrivals(ActorAccessor actor, ArrivalService arrivals, PublicChallenge challenge, IOptions<FangkongOptions> options, TimeProvider time)
{
    public void ActAsPublic(string? clientAddress)
    {
        var county = options.Value.County;
        actor.Current = new Actor(null, "self-registration", JurisdictionScope.Of(county, county),
            new HashSet<string> { Permissions.ArrivalsRegister }, ClientAddress: clientAddress);
    }

    public async Task<(PublicRefusal Refusal, ArrivalReceipt? Receipt)> RegisterAsync(ArrivalInput input, string point, string? token, string? answer, string? clientAddress, CancellationToken ct = default)
    {
        ActAsPublic(clientAddress);
        if (!challenge.Verify(token, answer)) return (PublicRefusal.Challenge, null);
        var limit = options.Value.Arrivals.PublicPerAddressPerHour;
        if (clientAddress is not null && await arrivals.CountFromAddressAsync(clientAddress, time.GetUtcNow().UtcDateTime.AddHours(-1), ct) >= limit)
            return (PublicRefusal.TooMany, null);
        return (PublicRefusal.None, await arrivals.RegisterAsync(input, ArrivalChannel.Self, point, ct));
    }
}
