using Fangkong.Core.Sites;
using static Fangkong.Core.Tests.Sites.SiteTestData;

namespace Fangkong.Core.Tests.Sites;

public class RoomImportRulesTests
{
    private static RoomImportRow Row(int n, string? building = "1号楼", string? floor = "3", string? number = "301", string? single = "是",
        string? bath = "是", string? accessible = "否", string? family = "否", string? beds = "1", string? negative = "") =>
        new(n, building, floor, number, single, bath, accessible, family, beds, negative);

    [Theory]
    [InlineData("是", true)]
    [InlineData("否", false)]
    [InlineData("有", true)]
    [InlineData("无", false)]
    [InlineData("√", true)]
    [InlineData("×", false)]
    [InlineData("yes", true)]
    [InlineData("No", false)]
    [InlineData("Y", true)]
    [InlineData("n", false)]
    [InlineData("1", true)]
    [InlineData("0", false)]
    [InlineData("TRUE", true)]
    [InlineData("false", false)]
    [InlineData(" 是 ", true)]
    [InlineData("１", true)]
    public void YesNo_TheWaysSheetsWriteIt(string raw, bool expected)
    {
        Assert.True(RoomImportRules.TryParseYesNo(raw, out var value));
        Assert.Equal(expected, value);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    public void YesNo_EmptyIsNoAnswer(string? raw)
    {
        Assert.True(RoomImportRules.TryParseYesNo(raw, out var value));
        Assert.Null(value);
    }

    [Theory]
    [InlineData("maybe")]
    [InlineData("2")]
    [InlineData("是的吧")]
    public void YesNo_AnythingElseIsAnError(string raw)
    {
        Assert.False(RoomImportRules.TryParseYesNo(raw, out _));
    }

    [Theory]
    [InlineData("3", 3)]
    [InlineData(" 12 ", 12)]
    [InlineData("3F", 3)]
    [InlineData("3层", 3)]
    [InlineData("3楼", 3)]
    [InlineData("-1", -1)]
    [InlineData("B2", -2)]
    [InlineData("３", 3)]
    [InlineData("三", null)]
    [InlineData("3.5", null)]
    [InlineData("B", null)]
    [InlineData("abc", null)]
    public void ParseFloor(string raw, int? expected)
    {
        Assert.Equal(expected, RoomImportRules.ParseFloor(raw));
    }

    [Fact]
    public void AValidRow_BecomesARoom()
    {
        var result = RoomImportRules.Validate([Row(2, building: " 1号楼 ", floor: "3F", number: "301", single: "√", bath: "有", accessible: "无", beds: "1", negative: "否")]);
        Assert.Empty(result.Errors);
        var room = Assert.Single(result.Rooms);
        Assert.Equal(new ImportedRoom(2, "1号楼", 3, "301", true, true, false, false, 1, false), room);
    }

    [Fact]
    public void EmptyAttributes_AreNo_AndEmptyBedsAreOne()
    {
        var result = RoomImportRules.Validate([new RoomImportRow(2, null, "2", "201")]);
        Assert.Equal(new ImportedRoom(2, "", 2, "201", false, false, false, false, 1, false), Assert.Single(result.Rooms));
    }

    [Fact]
    public void FamilyRoom_WithItsBeds()
    {
        var result = RoomImportRules.Validate([Row(2, single: "否", family: "是", beds: "3张")]);
        var room = Assert.Single(result.Rooms);
        Assert.True(room.FamilyRoom);
        Assert.Equal(3, room.Beds);
    }

    public static TheoryData<RoomImportRow, string, string> BadRows => new()
    {
        { Row(5, floor: ""), "floor", "floor.required" },
        { Row(5, floor: "三楼"), "floor", "floor.not-integer" },
        { Row(5, floor: "3.5"), "floor", "floor.not-integer" },
        { Row(5, floor: "0"), "floor", "floor.range" },
        { Row(5, floor: "300"), "floor", "floor.range" },
        { Row(5, floor: "-10"), "floor", "floor.range" },
        { Row(5, number: " "), "number", "number.required" },
        { Row(5, number: new string('9', 21)), "number", "number.too-long" },
        { Row(5, building: new string('楼', 51)), "building", "building.too-long" },
        { Row(5, beds: "0"), "beds", "beds.range" },
        { Row(5, beds: "-1"), "beds", "beds.range" },
        { Row(5, beds: "21"), "beds", "beds.range" },
        { Row(5, beds: "two"), "beds", "beds.not-integer" },
        { Row(5, beds: "2"), "beds", "beds.single-room" },
        { Row(5, single: "否", family: "是", beds: ""), "beds", "beds.required" },
        { Row(5, single: "否", family: "是", beds: "1"), "beds", "beds.family-room" },
        { Row(5, single: "是", family: "是", beds: "2"), "familyRoom", "family-room.single" },
        { Row(5, single: "maybe"), "single", "yes-no.invalid" },
        { Row(5, bath: "?"), "ownBathroom", "yes-no.invalid" },
        { Row(5, accessible: "部分"), "accessible", "yes-no.invalid" },
        { Row(5, family: "2"), "familyRoom", "yes-no.invalid" },
        { Row(5, negative: "unknown"), "negativePressure", "yes-no.invalid" },
    };

    [Theory]
    [MemberData(nameof(BadRows))]
    public void BadRows_AreReportedWithRowAndField(RoomImportRow row, string field, string code)
    {
        var result = RoomImportRules.Validate([Row(4, number: "999"), row]);
        Assert.Contains(result.Errors, e => e.RowNumber == 5 && e.Field == field && e.Code == code);
        Assert.All(result.Errors, e => Assert.Equal(5, e.RowNumber));
        Assert.Equal(4, Assert.Single(result.Rooms).RowNumber);
        Assert.Equal(1, result.RejectedRows);
    }

    [Fact]
    public void ARowWithSeveralProblems_ReportsThemAll_WithTheValuesAsWritten()
    {
        var result = RoomImportRules.Validate([Row(7, floor: "x", number: "", beds: "0", single: "?")]);
        Assert.Equal(["floor", "number", "single", "beds"], result.Errors.Select(e => e.Field));
        Assert.Equal("x", result.Errors[0].Value);
        Assert.Empty(result.Rooms);
        Assert.Equal(1, result.RejectedRows);
    }

    [Fact]
    public void Duplicates_InTheFile_NameTheOtherRows_AndAreAllRefused()
    {
        var result = RoomImportRules.Validate([
            Row(2, number: "301"),
            Row(3, number: "302"),
            Row(4, building: "１号楼", number: "３０１"),   // the same room written in full-width characters
            Row(5, building: "2号楼", number: "301"),      // another building: a different room
            Row(6, building: "1 号楼", number: "301 "),
        ]);
        Assert.Equal([3, 5], result.Rooms.Select(r => r.RowNumber));
        Assert.Equal(
            [(2, "number.duplicate-in-file:4,6"), (4, "number.duplicate-in-file:2,6"), (6, "number.duplicate-in-file:2,4")],
            result.Errors.Select(e => (e.RowNumber, e.Code)));
        Assert.All(result.Errors, e => Assert.Equal("number", e.Field));
        Assert.Equal(3, result.RejectedRows);
    }

    [Fact]
    public void Duplicates_AreFoundEvenWhenOneOfTheRowsHasAnotherError()
    {
        var result = RoomImportRules.Validate([Row(2, number: "A-12"), Row(3, number: "a-12", floor: "x")]);
        Assert.Empty(result.Rooms);
        Assert.Contains(result.Errors, e => e.RowNumber == 2 && e.Code == "number.duplicate-in-file:3");
        Assert.Contains(result.Errors, e => e.RowNumber == 3 && e.Code == "floor.not-integer");
        Assert.Contains(result.Errors, e => e.RowNumber == 3 && e.Code == "number.duplicate-in-file:2");
    }

    [Fact]
    public void BlankRows_AreSkipped()
    {
        var result = RoomImportRules.Validate([Row(2), new RoomImportRow(3, " ", null, ""), Row(4, number: "302")]);
        Assert.Empty(result.Errors);
        Assert.Equal(2, result.Rooms.Count);
    }

    [Fact]
    public void ErrorsComeInRowOrder()
    {
        var result = RoomImportRules.Validate([Row(9, floor: ""), Row(3, number: "302", beds: "0"), Row(5, number: "302")]);
        Assert.Equal([3, 3, 5, 9], result.Errors.Select(e => e.RowNumber));
    }

    [Fact]
    public void ImportedRoom_BecomesAReadyRoomOfTheSite()
    {
        var site = Site(id: 4);
        var room = new ImportedRoom(2, "A", 2, "201", false, true, true, true, 3, true).ToRoom(site, T0);
        Assert.Equal((County, Township, 4L), (room.CountyCode, room.ScopeKey, room.SiteId));
        Assert.Equal(("A", 2, "201", 3), (room.Building, room.Floor, room.Number, room.Beds));
        Assert.True(room.Accessible && room.FamilyRoom && room.NegativePressure && room.OwnBathroom && !room.Single);
        Assert.Equal(RoomState.Ready, room.State);
        Assert.Equal(T0, room.StateChangedAt);
        Assert.Equal(3, room.Capacity);
    }

    [Fact]
    public void Schema_KnowsTheColumns()
    {
        var keys = RoomImportRules.Schema.Fields.Select(f => f.Key).ToList();
        Assert.Equal(["building", "floor", "number", "single", "ownBathroom", "accessible", "familyRoom", "beds", "negativePressure"], keys);
        Assert.Equal(["floor", "number"], RoomImportRules.Schema.Fields.Where(f => f.Required).Select(f => f.Key));
    }
}
