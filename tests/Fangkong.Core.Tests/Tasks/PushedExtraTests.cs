using Fangkong.Core.Tasks;

namespace Fangkong.Core.Tests.Tasks;

public class PushedExtraTests
{
    [Fact]
    public void ExtraColumns_KeepWhatTheListSaid_LeavingOutSerialNumbersAndEmptyCells()
    {
        var columns = PushedExtra.Columns("""{"序号":"12","核查单位":"公安","车牌号":"豫R12345","备注":" "}""");
        Assert.Equal([("核查单位", "公安"), ("车牌号", "豫R12345")], columns);
        Assert.Empty(PushedExtra.Columns(null));
        Assert.Equal([("—", "not json")], PushedExtra.Columns("not json"));
    }
}
