using System.Globalization;
using Fangkong.Core.Tabular;

namespace Fangkong.Core.Sites;

/// <summary>One row of a rooms file as read (cells copied out of the reader), before any rule.</summary>
public sealed record RoomImportRow(
    int RowNumber,
    string? Building,
    string? Floor,
    string? Number,
    string? Single = null,
    string? OwnBathroom = null,
    string? Accessible = null,
    string? FamilyRoom = null,
    string? Beds = null,
    string? NegativePressure = null);

/// <summary>A valid row: a room ready to be added to a site.</summary>
public sealed record ImportedRoom(
    int RowNumber,
    string Building,
    int Floor,
    string Number,
    bool Single,
    bool OwnBathroom,
    bool Accessible,
    bool FamilyRoom,
    int Beds,
    bool NegativePressure)
{
    /// <summary>The room for a site: scoped with the site's key, ready.</summary>
    public Room ToRoom(QuarantineSite site, DateTime now) => new()
    {
        CountyCode = site.CountyCode,
        ScopeKey = site.ScopeKey,
        SiteId = site.Id,
        Building = Building,
        Floor = Floor,
        Number = Number,
        Single = Single,
        OwnBathroom = OwnBathroom,
        Accessible = Accessible,
        FamilyRoom = FamilyRoom,
        Beds = Beds,
        NegativePressure = NegativePressure,
        State = RoomState.Ready,
        StateChangedAt = now,
        CreatedAt = now,
        UpdatedAt = now,
    };
}

/// <summary>A problem of one row: the row number as the user sees it, the field, a stable code, the value as written.</summary>
public sealed record RoomImportError(int RowNumber, string Field, string Code, string? Value);

/// <summary>The valid rooms and every row error, in row order.</summary>
public sealed record RoomImportResult(IReadOnlyList<ImportedRoom> Rooms, IReadOnlyList<RoomImportError> Errors)
{
    public int RejectedRows => Errors.Select(e => e.RowNumber).Distinct().Count();
}

/// <summary>
/// Validates a site's rooms file: one row per room with building, floor, number and yes/no attributes written the
/// way county sheets write them (是/否, 有/无, √/×, yes/no, 1/0). Rows with errors are reported with every error
/// they have; the other rows are kept.
/// </summary>
public static class RoomImportRules
{
    public const int MaxBuildingLength = 30; // the Rooms.Building column
    public const int MaxNumberLength = 20;
    public const int MinFloor = -9;
    public const int MaxFloor = 200;
    public const int MaxBeds = 20;

    /// <summary>The columns of a rooms file with the headers counties use.</summary>
    public static readonly TabularSchema Schema = new(
    [
        new TabularField("building", false, "楼栋", "楼号", "栋", "楼宇", "building"),
        new TabularField("floor", true, "楼层", "层", "所在楼层", "floor"),
        new TabularField("number", true, "房号", "房间号", "房间", "门牌号", "room", "roomNumber"),
        new TabularField("single", false, "单人间", "单间", "single"),
        new TabularField("ownBathroom", false, "独立卫生间", "独卫", "卫生间", "bathroom"),
        new TabularField("accessible", false, "无障碍", "无障碍房间", "无障碍设施"),
        new TabularField("familyRoom", false, "家庭房", "陪护房", "亲子房", "family", "familyroom"),
        new TabularField("beds", false, "床位", "床位数", "床数", "bedCount"),
        new TabularField("negativePressure", false, "负压", "负压病房", "负压房间"),
    ]);

    private static readonly HashSet<string> Yes = new(StringComparer.OrdinalIgnoreCase) { "是", "有", "对", "√", "✓", "✔", "y", "yes", "true", "1" };
    private static readonly HashSet<string> No = new(StringComparer.OrdinalIgnoreCase) { "否", "无", "没有", "不是", "×", "✗", "✘", "x", "n", "no", "false", "0" };

    /// <summary>Reads a yes/no cell: true or false, null when empty; false from the method when the text is neither.</summary>
    public static bool TryParseYesNo(string? raw, out bool? value)
    {
        var text = Text.Compact(raw);
        value = null;
        if (text.Length == 0) return true;
        if (Yes.Contains(text)) { value = true; return true; }
        if (No.Contains(text)) { value = false; return true; }
        return false;
    }

    /// <summary>
    /// Reads a floor: "3", "3F", "3层", "3楼", "-1", "B1" (a basement, -1). Null when it is not a whole number.
    /// </summary>
    public static int? ParseFloor(string? raw)
    {
        var text = Text.Compact(raw).TrimEnd('F', 'f', '层', '楼');
        var basement = text.Length > 1 && text[0] is 'B' or 'b';
        if (basement) text = text[1..];
        if (!int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var floor)) return null;
        if (basement) return floor > 0 ? -floor : null;
        return floor;
    }

    /// <summary>Checks every row and the file as a whole (no building and number twice).</summary>
    public static RoomImportResult Validate(IEnumerable<RoomImportRow> rows)
    {
        var errors = new List<RoomImportError>();
        var parsed = new List<(RoomImportRow Row, ImportedRoom? Room, string? Key)>();
        foreach (var row in rows)
        {
            if (IsBlank(row)) continue;
            var (room, key, rowErrors) = Parse(row);
            errors.AddRange(rowErrors);
            parsed.Add((row, room, key));
        }

        // A building and number twice: it cannot be known which row is right, so every row of the group is refused,
        // each naming the other rows.
        var duplicates = new HashSet<int>();
        foreach (var group in parsed.Where(p => p.Key is not null).GroupBy(p => p.Key, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            var numbers = group.Select(p => p.Row.RowNumber).ToList();
            foreach (var p in group)
            {
                var others = string.Join(",", numbers.Where(n => n != p.Row.RowNumber).Select(n => n.ToString(CultureInfo.InvariantCulture)));
                errors.Add(new RoomImportError(p.Row.RowNumber, "number", "number.duplicate-in-file:" + others, p.Row.Number));
                duplicates.Add(p.Row.RowNumber);
            }
        }

        var rooms = parsed.Where(p => p.Room is not null && !duplicates.Contains(p.Row.RowNumber)).Select(p => p.Room!).ToList();
        var ordered = errors.Select((e, i) => (e, i)).OrderBy(x => x.e.RowNumber).ThenBy(x => x.i).Select(x => x.e).ToList();
        return new RoomImportResult(rooms, ordered);
    }

    /// <summary>
    /// One row on its own: the room (null when the row has an error), the key it is unique on (building and number
    /// folded, null without a usable number), and its errors.
    /// </summary>
    public static (ImportedRoom? Room, string? Key, IReadOnlyList<RoomImportError> Errors) Parse(RoomImportRow row)
    {
        var errors = new List<RoomImportError>();
        void Error(string field, string code, string? value) => errors.Add(new RoomImportError(row.RowNumber, field, code, value));

        var building = Text.Tidy(row.Building) ?? "";
        if (building.Length > MaxBuildingLength) Error("building", "building.too-long", row.Building);

        int floor = 0;
        if (Text.Tidy(row.Floor) is null) Error("floor", "floor.required", row.Floor);
        else if (ParseFloor(row.Floor) is not { } f) Error("floor", "floor.not-integer", row.Floor);
        else if (f is < MinFloor or > MaxFloor or 0) Error("floor", "floor.range", row.Floor);
        else floor = f;

        var number = Text.Tidy(row.Number);
        string? key = null;
        if (number is null) Error("number", "number.required", row.Number);
        else if (number.Length > MaxNumberLength) Error("number", "number.too-long", row.Number);
        else key = Text.Compact(building).ToUpperInvariant() + "\u001F" + Text.Compact(number).ToUpperInvariant();

        bool Flag(string field, string? raw)
        {
            if (TryParseYesNo(raw, out var value)) return value ?? false;
            Error(field, "yes-no.invalid", raw);
            return false;
        }
        var single = Flag("single", row.Single);
        var ownBathroom = Flag("ownBathroom", row.OwnBathroom);
        var accessible = Flag("accessible", row.Accessible);
        var family = Flag("familyRoom", row.FamilyRoom);
        var negativePressure = Flag("negativePressure", row.NegativePressure);
        if (single && family) Error("familyRoom", "family-room.single", row.FamilyRoom);

        var beds = 1;
        var bedsText = Text.Compact(row.Beds).TrimEnd('张', '床', '个');
        if (bedsText.Length == 0)
        {
            // A family room is for several people: how many must be written, not guessed.
            if (family) Error("beds", "beds.required", row.Beds);
        }
        else if (!int.TryParse(bedsText, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out beds)) Error("beds", "beds.not-integer", row.Beds);
        else if (beds is < 1 or > MaxBeds) Error("beds", "beds.range", row.Beds);
        else if (family && beds < 2) Error("beds", "beds.family-room", row.Beds);
        else if (single && beds > 1) Error("beds", "beds.single-room", row.Beds);

        var room = errors.Count > 0 ? null
            : new ImportedRoom(row.RowNumber, building, floor, number!, single, ownBathroom, accessible, family, beds, negativePressure);
        return (room, key, errors);
    }

    private static bool IsBlank(RoomImportRow r) =>
        Text.Tidy(r.Building) is null && Text.Tidy(r.Floor) is null && Text.Tidy(r.Number) is null && Text.Tidy(r.Single) is null
        && Text.Tidy(r.OwnBathroom) is null && Text.Tidy(r.Accessible) is null && Text.Tidy(r.FamilyRoom) is null
        && Text.Tidy(r.Beds) is null && Text.Tidy(r.NegativePressure) is null;
}
