using System.Collections.Concurrent;
using Fangkong.Core.Jurisdictions;

namespace Fangkong.Data.Jurisdictions;

/// <summary>
/// One address resolver per county, built once from the shipped division data (building the name indexes takes a
/// moment; resolving then takes microseconds). Reference data only: every web node builds the same resolver.
/// </summary>
public sealed class CountyResolvers
{
    private readonly ConcurrentDictionary<string, Lazy<AddressResolver>> _resolvers = new();

    public AddressResolver For(string countyCode) =>
        _resolvers.GetOrAdd(countyCode, code => new Lazy<AddressResolver>(() => new AddressResolver(CountyDivisions.Load(code), NationalDivisions.Shared))).Value;
}
