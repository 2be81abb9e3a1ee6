using Fangkong.Core.Identifiers;
using Fangkong.Core.People;

namespace Fangkong.Core.Demo;

/// <summary>A village or community the demo county fills with households.</summary>
public sealed record DemoVillage(string Code12, string Name, string ShortName, string TownshipCode12, string TownshipName, bool IsCommunity);

public sealed record DemoCountyOptions
{
    public required string CountyCode { get; init; }
    public required IReadOnlyList<DemoVillage> Villages { get; init; }
    public int People { get; init; } = 6000;
    public int Seed { get; init; } = 2022;
    /// <summary>The reference date ages are computed against (the seeds are from 2022).</summary>
    public DateOnly Today { get; init; } = new(2022, 3, 17);
    public string ProvinceName { get; init; } = "河南省";
    public string CityName { get; init; } = "南阳市";
    public string CountyName { get; init; } = "淅川县";
    /// <summary>Other address codes of the same province for people born elsewhere (IDs issued there).</summary>
    public IReadOnlyList<string> NearbyAddressCodes { get; init; } = ["411302", "411303", "411323", "411325", "410102", "410105", "411381"];
    /// <summary>Address codes of other provinces, for incoming residents.</summary>
    public IReadOnlyList<string> FarAddressCodes { get; init; } = ["420106", "610113", "500242", "320803", "141022", "340104", "430102"];
}

public sealed record DemoPerson(
    string Name,
    string IdNumber,
    DateOnly BirthDate,
    char Sex,
    string? Phone,
    string Relation,
    ResidenceStatus Residence,
    string? AwayLocation,
    string? Occupation,
    IReadOnlyList<string> Categories,
    VulnerableFlags Vulnerable);

/// <summary>
/// A household as a county sheet lists it. <see cref="Grid"/> numbers the grid inside its village;
/// <see cref="Building"/> and <see cref="Unit"/> are 0 in rural villages; <see cref="Number"/> is the room
/// (302) in a community building or the door number in a village group.
/// </summary>
public sealed record DemoHousehold(
    DemoVillage Village,
    int Grid,
    int Building,
    int Unit,
    int Group,
    int Number,
    string Label,
    string Address,
    IReadOnlyList<DemoPerson> Members);

/// <summary>
/// Generates a realistic, deterministic county: the same options give the same people on every machine (its own
/// PRNG, not System.Random). Households stream out one by one, so 600,000 people never sit in memory at once.
/// </summary>
public static class DemoCounty
{
    public const int HouseholdsPerGrid = 220;

    public static IEnumerable<DemoHousehold> Generate(DemoCountyOptions options)
    {
        if (options.Villages.Count == 0) yield break;
        var rng = new SplitMix64((ulong)options.Seed * 0x9E3779B97F4A7C15UL + 17);
        var ids = new IdRegistry();
        var phones = new HashSet<long>();
        var weights = options.Villages.Select(v => v.IsCommunity ? 3.0 + rng.NextDouble() * 3 : 0.6 + rng.NextDouble() * 1.4).ToArray();
        var total = weights.Sum();
        var cumulative = new double[weights.Length];
        var acc = 0.0;
        for (var i = 0; i < weights.Length; i++) { acc += weights[i] / total; cumulative[i] = acc; }
        var counters = new VillageCounter[options.Villages.Count];

        var produced = 0;
        while (produced < options.People)
        {
            var index = Array.BinarySearch(cumulative, rng.NextDouble());
            if (index < 0) index = ~index;
            index = Math.Min(index, options.Villages.Count - 1);
            var village = options.Villages[index];
            ref var counter = ref counters[index];
            var household = NextHousehold(options, village, ref counter, rng, ids, phones, options.People - produced);
            produced += household.Members.Count;
            yield return household;
        }
    }

    private struct VillageCounter
    {
        public int Households;
        public int Building;
        public int Unit;
        public int Floor;
        public int Door;
        public int Group;
        public int GroupDoor;
    }

    private static DemoHousehold NextHousehold(DemoCountyOptions o, DemoVillage village, ref VillageCounter c, SplitMix64 rng,
        IdRegistry ids, HashSet<long> phones, int remaining)
    {
        c.Households++;
        var grid = (c.Households - 1) / HouseholdsPerGrid + 1;
        int building = 0, unit = 0, group = 0, number;
        string label, place;
        var prefix = $"{o.ProvinceName}{o.CityName}{o.CountyName}{village.TownshipName}{village.Name.Replace("居民委员会", "").Replace("村民委员会", "村")}";
        if (village.IsCommunity)
        {
            // Six floors, two units, two doors a floor: 24 households a building.
            if (c.Building == 0 || c.Door == 2) { c.Door = 0; c.Floor++; }
            if (c.Floor > 6) { c.Floor = 1; c.Unit++; }
            if (c.Building == 0 || c.Unit > 2) { c.Unit = 1; c.Building++; c.Floor = Math.Max(c.Floor, 1); }
            c.Door++;
            building = c.Building;
            unit = c.Unit;
            number = c.Floor * 100 + c.Door;
            var compound = Compounds[(int)(StableHash(village.Code12) % (ulong)Compounds.Length)];
            label = $"{building}号楼{unit}单元{number}室";
            place = $"{prefix}{compound}{label}";
        }
        else
        {
            if (c.Group == 0 || c.GroupDoor >= 25 + (int)(StableHash(village.Code12 + c.Group) % 20)) { c.Group++; c.GroupDoor = 0; }
            c.GroupDoor++;
            group = c.Group;
            number = c.GroupDoor;
            label = $"{group}组{number}号";
            place = $"{prefix}{label}";
        }

        var members = Members(o, rng, ids, phones, Math.Max(1, remaining));
        return new DemoHousehold(village, grid, building, unit, group, number, label, place, members);
    }

    private static List<DemoPerson> Members(DemoCountyOptions o, SplitMix64 rng, IdRegistry ids, HashSet<long> phones, int remaining)
    {
        var size = Math.Min(remaining, HouseholdSize(rng));
        var members = new List<DemoPerson>(size);
        var surname = Surname(rng);
        // The head: 25–85, the age structure of a county whose young adults work elsewhere.
        var headAge = size == 1 && rng.NextDouble() < 0.6 ? 62 + rng.Next(25) : 25 + Skewed(rng, 60);
        var headSex = size == 1 && headAge > 70 ? (rng.NextDouble() < 0.6 ? 'F' : 'M') : (rng.NextDouble() < 0.85 ? 'M' : 'F');
        members.Add(Person(o, rng, ids, phones, surname, headAge, headSex, "户主", size == 1));
        if (members.Count < size)
        {
            var spouseAge = Math.Clamp(headAge + rng.Next(-4, 5) + (headSex == 'M' ? -2 : 2), 20, 95);
            members.Add(Person(o, rng, ids, phones, headSex == 'M' ? Surname(rng) : surname, spouseAge, headSex == 'M' ? 'F' : 'M', "配偶", false));
        }
        var children = 0;
        while (members.Count < size)
        {
            var roll = rng.NextDouble();
            if (headAge > 50 && roll < 0.35)
            {
                // Three generations: a grandchild of the head (the child's surname is the head's when the head is a man).
                var age = rng.Next(Math.Max(0, headAge - 70), Math.Max(1, headAge - 42));
                var sex = rng.NextDouble() < 0.52 ? 'M' : 'F';
                members.Add(Person(o, rng, ids, phones, surname, Math.Max(0, age), sex, sex == 'M' ? "孙子" : "孙女", false));
            }
            else if (headAge < 50 && roll < 0.15)
            {
                var age = Math.Min(100, headAge + 24 + rng.Next(10));
                var sex = rng.NextDouble() < 0.5 ? 'M' : 'F';
                members.Add(Person(o, rng, ids, phones, sex == 'M' ? surname : Surname(rng), age, sex, sex == 'M' ? "父亲" : "母亲", false));
            }
            else
            {
                children++;
                var age = Math.Max(0, headAge - 22 - rng.Next(14) - children);
                var sex = rng.NextDouble() < 0.52 ? 'M' : 'F';
                members.Add(Person(o, rng, ids, phones, surname, age, sex, sex == 'M' ? "子" : "女", false));
            }
        }
        return members;

        // Ages spread toward the younger end of the range.
        static int Skewed(SplitMix64 r, int span) => (int)(span * Math.Pow(r.NextDouble(), 1.15));
    }

    private static int HouseholdSize(SplitMix64 rng)
    {
        var r = rng.NextDouble();
        return r switch { < 0.16 => 1, < 0.40 => 2, < 0.63 => 3, < 0.82 => 4, < 0.93 => 5, < 0.98 => 6, _ => 7 };
    }

    private static DemoPerson Person(DemoCountyOptions o, SplitMix64 rng, IdRegistry ids, HashSet<long> phones,
        string surname, int age, char sex, string relation, bool alone)
    {
        var birth = o.Today.AddYears(-age).AddDays(-rng.Next(365));
        if (birth > o.Today) birth = o.Today.AddDays(-rng.Next(1, 200));
        var residence = ResidenceStatus.Resident;
        var roll = rng.NextDouble();
        string addressCode;
        if (roll < 0.02 && age >= 18) { residence = ResidenceStatus.Incoming; addressCode = o.FarAddressCodes[rng.Next(o.FarAddressCodes.Count)]; }
        else if (roll < 0.10) addressCode = o.NearbyAddressCodes[rng.Next(o.NearbyAddressCodes.Count)];
        else addressCode = o.CountyCode;
        string? away = null;
        if (residence == ResidenceStatus.Resident && age is >= 18 and <= 55 && rng.NextDouble() < 0.15)
        {
            residence = ResidenceStatus.Away;
            away = AwayCities[rng.Next(AwayCities.Length)];
        }
        var id = ids.Allocate(addressCode, birth, sex, rng);
        string? phone = null;
        if (age >= 14 && rng.NextDouble() < 0.86) phone = NewPhone(rng, phones);
        var (occupation, categories) = Work(rng, age, residence);
        var vulnerable = VulnerableFlags.None;
        if (age >= 80) vulnerable |= VulnerableFlags.Elderly80Plus;
        if (age < 3) vulnerable |= VulnerableFlags.Infant;
        if (alone && age >= 60) vulnerable |= VulnerableFlags.LivesAlone;
        if (sex == 'F' && age is >= 20 and <= 42 && rng.NextDouble() < 0.04) vulnerable |= VulnerableFlags.Pregnant;
        if (rng.NextDouble() < 0.015) vulnerable |= VulnerableFlags.Disabled;
        if (age >= 55 && rng.NextDouble() < 0.12) vulnerable |= VulnerableFlags.ChronicIllness;
        return new DemoPerson(surname + GivenName(rng, sex), id, birth, sex, phone, relation, residence,
            away is null ? null : $"{away}（{AwayReasons[rng.Next(AwayReasons.Length)]}）", occupation, categories, vulnerable);
    }

    private static (string? Occupation, IReadOnlyList<string> Categories) Work(SplitMix64 rng, int age, ResidenceStatus residence)
    {
        if (age < 6) return (null, []);
        if (age < 19) return ("学生", ["student"]);
        if (age >= 65) return (rng.NextDouble() < 0.3 ? "退休" : "农民", []);
        if (residence == ResidenceStatus.Away) return ("务工", []);
        var r = rng.NextDouble();
        return r switch
        {
            < 0.035 => ("医生", ["medical-staff"]),
            < 0.06 => ("护士", ["medical-staff"]),
            < 0.09 => ("教师", ["teacher"]),
            < 0.11 => ("司机", ["driver"]),
            < 0.125 => ("快递员", ["delivery"]),
            < 0.145 => ("超市员工", ["supermarket"]),
            < 0.150 => ("冷库工人", ["cold-chain"]),
            < 0.156 => ("养老院护工", ["elderly-care-staff"]),
            < 0.18 => ("公务员", ["public-servant"]),
            < 0.22 => ("个体", []),
            < 0.30 => ("务工", []),
            _ => ("农民", []),
        };
    }

    private static string NewPhone(SplitMix64 rng, HashSet<long> used)
    {
        while (true)
        {
            var prefix = PhonePrefixes[rng.Next(PhonePrefixes.Length)];
            var number = prefix * 100_000_000L + rng.Next(100_000_000);
            if (used.Add(number)) return number.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
    }

    private static string Surname(SplitMix64 rng)
    {
        if (rng.NextDouble() < 0.015) return CompoundSurnames[rng.Next(CompoundSurnames.Length)];
        var r = rng.NextDouble() * SurnameTotal;
        var index = Array.BinarySearch(SurnameCumulative, r);
        if (index < 0) index = ~index;
        return Surnames[Math.Min(index, Surnames.Length - 1)].Name;
    }

    private static string GivenName(SplitMix64 rng, char sex)
    {
        var chars = sex == 'M' ? MaleChars : FemaleChars;
        var first = chars[rng.Next(chars.Length)];
        if (rng.NextDouble() < 0.22) return first.ToString();
        var pool = rng.NextDouble() < 0.3 ? CommonChars : chars;
        var second = pool[rng.Next(pool.Length)];
        return second == first ? first.ToString() : $"{first}{second}";
    }

    private static ulong StableHash(string s)
    {
        var h = 1469598103934665603UL;
        foreach (var ch in s) { h ^= ch; h *= 1099511628211UL; }
        return h;
    }

    /// <summary>Hands out unique sequence codes per (address code, birth date), odd for men and even for women.</summary>
    private sealed class IdRegistry
    {
        private readonly Dictionary<(string, DateOnly), int> _next = [];

        public string Allocate(string addressCode, DateOnly birth, char sex, SplitMix64 rng)
        {
            while (true)
            {
                var key = (addressCode, birth);
                _next.TryGetValue(key, out var used);
                // Sequence codes of a date are spread out as a police station issues them: start at a random offset.
                var sequence = used == 0 ? rng.Next(1, 200) : used + 1 + rng.Next(3);
                if ((sequence % 2 == 1) != (sex == 'M')) sequence++;
                if (sequence <= 999)
                {
                    _next[key] = sequence;
                    return ResidentId.Compose(addressCode, birth, sequence);
                }
                birth = birth.AddDays(1); // a full day: very rare; move to the next date
            }
        }
    }

    private sealed class SplitMix64(ulong seed)
    {
        private ulong _state = seed;

        public ulong NextUInt64()
        {
            var z = _state += 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }

        public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));
        public int Next(int maxExclusive) => maxExclusive <= 0 ? 0 : (int)(NextUInt64() % (ulong)maxExclusive);
        public int Next(int minInclusive, int maxExclusive) => minInclusive + Next(maxExclusive - minInclusive);
    }

    // Surnames by frequency (per 10,000, approximately the 2020 household-registration figures).
    private static readonly (string Name, double Weight)[] Surnames =
    [
        ("王", 739), ("李", 718), ("张", 689), ("刘", 547), ("陈", 541), ("杨", 313), ("赵", 202), ("黄", 199), ("周", 187), ("吴", 183),
        ("徐", 132), ("孙", 126), ("胡", 123), ("朱", 118), ("高", 114), ("林", 113), ("何", 110), ("郭", 107), ("马", 102), ("罗", 93),
        ("梁", 80), ("宋", 70), ("郑", 68), ("谢", 62), ("韩", 60), ("唐", 59), ("冯", 58), ("于", 55), ("董", 54), ("萧", 50),
        ("程", 49), ("曹", 48), ("袁", 47), ("邓", 47), ("许", 46), ("傅", 44), ("沈", 43), ("曾", 42), ("彭", 41), ("吕", 40),
        ("苏", 39), ("卢", 39), ("蒋", 38), ("蔡", 37), ("贾", 36), ("丁", 35), ("魏", 35), ("薛", 34), ("叶", 33), ("阎", 32),
        ("余", 32), ("潘", 31), ("杜", 31), ("戴", 30), ("夏", 30), ("钟", 29), ("汪", 28), ("田", 28), ("任", 27), ("姜", 27),
        ("范", 26), ("方", 26), ("石", 25), ("姚", 25), ("谭", 24), ("廖", 24), ("邹", 23), ("熊", 23), ("金", 22), ("陆", 22),
        ("郝", 21), ("孔", 21), ("白", 21), ("崔", 20), ("康", 20), ("毛", 20), ("邱", 19), ("秦", 19), ("江", 19), ("史", 18),
        ("顾", 18), ("侯", 17), ("邵", 17), ("孟", 17), ("龙", 16), ("万", 16), ("段", 16), ("雷", 15), ("钱", 15), ("汤", 15),
        ("尹", 14), ("黎", 14), ("易", 14), ("常", 14), ("武", 13), ("乔", 13), ("贺", 13), ("赖", 12), ("龚", 12), ("文", 12),
        ("庞", 11), ("樊", 11), ("兰", 11), ("殷", 10), ("施", 10), ("陶", 10), ("洪", 10), ("翟", 9), ("安", 9), ("颜", 9),
    ];

    private static readonly double[] SurnameCumulative = BuildCumulative();
    private static readonly double SurnameTotal = Surnames.Sum(s => s.Weight);

    private static double[] BuildCumulative()
    {
        var result = new double[Surnames.Length];
        var acc = 0.0;
        for (var i = 0; i < Surnames.Length; i++) { acc += Surnames[i].Weight; result[i] = acc; }
        return result;
    }

    private static readonly string[] CompoundSurnames = ["欧阳", "司马", "诸葛", "上官", "皇甫", "东方", "令狐", "慕容"];
    private static readonly char[] MaleChars = "伟强磊军勇杰涛斌超明刚平辉鹏华飞鑫波宇浩凯健俊帆帅旭宁龙林阳建国志坤峰海东亮成松文博晨家豪子轩俊杰宏振兴德胜永福贵".ToCharArray();
    private static readonly char[] FemaleChars = "芳娜敏静丽艳娟霞秀玲桂英华红梅琳燕莉兰凤洁萍雪琴颖倩婷慧玉晶欣怡佳悦梦涵雨嘉琪丹蕾月春秋菊珍".ToCharArray();
    private static readonly char[] CommonChars = "晓小振新文建永金海春明玉德志国红子思雨".ToCharArray();
    private static readonly int[] PhonePrefixes = [130, 131, 132, 134, 135, 136, 137, 138, 139, 150, 151, 152, 155, 156, 157, 158, 159, 166, 173, 175, 176, 177, 180, 181, 182, 183, 185, 186, 187, 188, 189, 191, 198, 199];
    private static readonly string[] AwayCities = ["郑州市", "深圳市", "上海市", "北京市", "武汉市", "广州市", "西安市", "杭州市", "苏州市", "南阳市", "东莞市", "宁波市"];
    private static readonly string[] AwayReasons = ["务工", "务工", "务工", "经商", "上学"];
    private static readonly string[] Compounds = ["幸福小区", "丹江花园", "楚都嘉园", "滨河小区", "龙城名苑", "商圣苑", "春风家园", "金河湾小区"];
}
