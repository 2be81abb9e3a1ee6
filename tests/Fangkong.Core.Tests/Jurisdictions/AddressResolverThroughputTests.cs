using System.Diagnostics;
using Fangkong.Core.Jurisdictions;
using Xunit.Abstractions;

namespace Fangkong.Core.Tests.Jurisdictions;

/// <summary>
/// Measures resolutions per second on a realistic mix, for the record: an import resolves 600,000–1,000,000
/// addresses. Timing depends on the machine and on what runs beside it, so nothing is asserted about speed.
/// </summary>
public class AddressResolverThroughputTests(ITestOutputHelper output)
{
    private const int AddressCount = 200_000;

    [Fact]
    public void Resolve_200000MixedAddresses_ReportsThroughput()
    {
        var divisions = CountyDivisions.Load("411326");
        var resolver = new AddressResolver(divisions);
        var addresses = MixedAddresses(divisions);

        // One untimed pass first, so that the timed one runs the fully optimised (tier-1) code an import would
        // reach after its first few thousand rows.
        foreach (var address in addresses) resolver.Resolve(address);

        var outcomes = new int[Enum.GetValues<AddressOutcome>().Length];
        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        var clock = Stopwatch.StartNew();
        foreach (var address in addresses) outcomes[(int)resolver.Resolve(address).Outcome]++;
        clock.Stop();
        var allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;

        output.WriteLine($"{addresses.Length:N0} addresses in {clock.Elapsed.TotalMilliseconds:N0} ms: " +
            $"{addresses.Length / clock.Elapsed.TotalSeconds:N0} resolutions/s, " +
            $"{clock.Elapsed.TotalMilliseconds * 1000 / addresses.Length:N2} µs and {allocated / addresses.Length:N0} bytes each");
        output.WriteLine(string.Join(", ", Enum.GetValues<AddressOutcome>().Select(o => $"{o}: {outcomes[(int)o]:N0}")));
        Assert.Equal(addresses.Length, outcomes.Sum());
        Assert.True(outcomes[(int)AddressOutcome.Village] > addresses.Length / 2);
    }

    /// <summary>
    /// Every village of the county in several spellings (full prefix, short township, bare village with group,
    /// community with house number), plus other counties, ambiguous names and junk, repeated to the count.
    /// </summary>
    private static string[] MixedAddresses(CountyDivisions divisions)
    {
        var random = new Random(411326);
        var forms = new List<string>();
        foreach (var village in divisions.Villages)
        {
            var township = divisions.Find(village.ParentCode12)!;
            var kind = village.IsCommunity ? "社区" : "村";
            forms.Add($"{township.Name}{village.ShortName}{kind}{random.Next(1, 15)}组");
            forms.Add($"河南省南阳市淅川县{township.ShortName}{village.Name}{random.Next(1, 200)}号");
            forms.Add($"{village.ShortName}{kind}{random.Next(1, 15)}组");
            forms.Add($"淅川 {township.ShortName} {village.ShortName}{kind} 第{random.Next(1, 10)}村民小组");
        }
        forms.AddRange(["河南省郑州市金水区文化路12号", "西峡县丁河镇", "重庆市酉阳县龙潭镇", "北京朝阳区建国路88号",
            "店子村3组", "荆紫关镇白亭村3组", "不详", "", "'; DROP TABLE households; --"]);
        return [.. Enumerable.Range(0, AddressCount).Select(_ => forms[random.Next(forms.Count)])];
    }
}
