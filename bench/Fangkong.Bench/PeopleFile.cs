using System.Diagnostics;
using Fangkong.Core.Demo;
using Fangkong.Core.Jurisdictions;
using Fangkong.Core.Tabular;

namespace Fangkong.Bench;

/// <summary>A county people sheet as a csv (UTF-8 with BOM), generated from the deterministic demo county.</summary>
public static class PeopleFile
{
    public static readonly string[] Headers = ["姓名", "身份证号", "手机号", "现住址", "与户主关系", "居住状态", "职业", "人员类别"];

    public static Task GenerateAsync(string path, int people, int seed)
    {
        var clock = Stopwatch.StartNew();
        var divisions = CountyDivisions.Load("411326");
        var villages = divisions.Villages.Select(v =>
        {
            var township = divisions.Find(v.ParentCode12)!;
            return new DemoVillage(v.Code12, v.Name, v.ShortName, township.Code12, township.Name, v.IsCommunity);
        }).ToList();
        var categories = Fangkong.Core.People.DefaultCategories.All.ToDictionary(c => c.Code, c => c.NameZh);
        var rows = 0;
        using (var stream = File.Create(path))
        using (var csv = new CsvWriter(stream))
        {
            csv.WriteHeader(Headers);
            foreach (var household in DemoCounty.Generate(new DemoCountyOptions { CountyCode = "411326", Villages = villages, People = people, Seed = seed }))
            {
                foreach (var m in household.Members)
                {
                    csv.WriteRow(m.Name, m.IdNumber, m.Phone, household.Address, m.Relation,
                        m.Residence switch { Core.People.ResidenceStatus.Away => "外出", Core.People.ResidenceStatus.Incoming => "流入", _ => "常住" },
                        m.Occupation, string.Join("、", m.Categories.Select(c => categories[c])));
                    rows++;
                }
            }
        }
        Console.WriteLine($"generated {rows:N0} rows into {path} ({new FileInfo(path).Length / 1024 / 1024} MB) in {clock.ElapsedMilliseconds:N0} ms");
        return Task.CompletedTask;
    }
}
