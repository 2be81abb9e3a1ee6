using Fangkong.Core.Tasks;

namespace Fangkong.Core.Tests.Tasks;

public class PushedListDigestTests
{
    private static PushedRow Row(int number, string name, string? phone = null, string? batch = "沪协1110", IReadOnlyList<KeyValuePair<string, string>>? extra = null) =>
        new(number, name, null, phone, "上集村", "上海", "密接", null, batch, extra);

    private static string Digest(params PushedRow[] rows)
    {
        var digest = new PushedListDigest();
        foreach (var r in rows) digest.Add(r);
        return digest.Value;
    }

    [Fact]
    public void SameRows_InAnotherOrder_WithOtherRowNumbersAndSpaces_GiveTheSameDigest()
    {
        var first = Digest(Row(2, "钱七", "13700001111"), Row(3, "孙八"), Row(4, "周九"));
        Assert.Equal(first, Digest(Row(9, "周九"), Row(7, " 钱七 ", "13700001111"), Row(8, "孙八")));
        Assert.Equal(64, first.Length);
        // A numbering column of the file (序号) is not content.
        Assert.Equal(Digest(Row(2, "钱七", extra: [new("序号", "1"), new("核查单位", "公安")])), Digest(Row(5, "钱七", extra: [new("序号", "9"), new("核查单位", "公安")])));
    }

    [Fact]
    public void AnyChangedCell_AnExtraRow_OrAnExtraColumn_GivesAnotherDigest()
    {
        var first = Digest(Row(2, "钱七", "13700001111"), Row(3, "孙八"));
        Assert.NotEqual(first, Digest(Row(2, "钱七", "13700001112"), Row(3, "孙八")));
        Assert.NotEqual(first, Digest(Row(2, "钱七", "13700001111"), Row(3, "孙八"), Row(4, "孙八")));
        Assert.NotEqual(first, Digest(Row(2, "钱七", "13700001111"), Row(3, "孙八", batch: "沪协1111")));
        Assert.NotEqual(first, Digest(Row(2, "钱七", "13700001111", extra: [new("核查单位", "公安")]), Row(3, "孙八")));
        // A value moved to the neighbouring cell is another row, not the same text.
        Assert.NotEqual(Digest(new PushedRow(1, "钱七", null, "1", null, null, null, null, null)), Digest(new PushedRow(1, "钱七", "1", null, null, null, null, null, null)));
    }

    [Fact]
    public void TheSameRowTwice_CountsTwice()
    {
        Assert.NotEqual(Digest(Row(2, "钱七")), Digest(Row(2, "钱七"), Row(3, "钱七")));
        Assert.Equal(2, new[] { Row(2, "钱七"), Row(3, "钱七") }.Aggregate(new PushedListDigest(), (d, r) => { d.Add(r); return d; }).Rows);
    }
}
