namespace Fangkong.Core.People;

/// <summary>
/// Where inside a village a person lives, as far as a sheet says: grid, building, unit, room, villagers' group and
/// door number, and a household label ("5号楼2单元302室", "3组18号", or the sheet's own 户号).
/// </summary>
public sealed record Dwelling(int? Grid, int? Building, int? Unit, int? Room, int? Group, int? Door, string? HouseholdLabel)
{
    public static readonly Dwelling None = new(null, null, null, null, null, null, null);

    /// <summary>A label that names the household inside its village, or null when the sheet gives none.</summary>
    public string? Label => HouseholdLabel
        ?? (Building is { } b && Room is { } r ? $"{b}号楼{(Unit is { } u ? u + "单元" : "")}{r}室"
            : Group is { } g && Door is { } d ? $"{g}组{d}号"
            : Door is { } door ? $"{door}号"
            : null);

    /// <summary>
    /// The nodes below the village this dwelling names, outermost first: a grid, a building and its unit (only with a
    /// room), and the household (numbered by its room inside a building). Empty when it names none. Every place that
    /// puts a person in a household from an address (the registry import, an arrival) walks these steps.
    /// </summary>
    public IReadOnlyList<DwellingStep> Steps()
    {
        var steps = new List<DwellingStep>(4);
        if (Grid is { } grid and > 0 and < 1000) steps.Add(new(Jurisdictions.JurisdictionLevel.Grid, grid, $"第{grid}网格"));
        var inBuilding = Building is { } b and > 0 and < 1000 && Room is not null;
        if (inBuilding)
        {
            steps.Add(new(Jurisdictions.JurisdictionLevel.Building, Building, $"{Building}号楼"));
            if (Unit is { } unit and > 0 and < 100) steps.Add(new(Jurisdictions.JurisdictionLevel.Unit, unit, $"{unit}单元"));
        }
        if (Label is { } label)
            steps.Add(new(Jurisdictions.JurisdictionLevel.Household, inBuilding && Room is { } r and > 0 and < 10000 ? r : null, label));
        return steps;
    }

    /// <summary>
    /// Reads the dwelling from the parts of an address after the village ("幸福小区5号楼2单元302室", "3组18号",
    /// "东街28号"), completed by explicit columns when the sheet has them (they win).
    /// </summary>
    public static Dwelling Parse(string? remainder, int? group, string? gridText, string? buildingText, string? unitText, string? roomText, string? householdText)
    {
        var text = Text.Compact(remainder);
        int? building = Number(buildingText) ?? After(text, "号楼", "栋", "幢", "号院");
        int? unit = Number(unitText) ?? After(text, "单元");
        int? room = Number(roomText) ?? After(text, "室", "号房");
        int? groupNumber = group ?? After(text, "组", "队", "社");
        int? door = null;
        if (room is null)
        {
            // The last "N号" that is not part of "N号楼" is a door number.
            var at = text.LastIndexOf('号');
            while (at > 0)
            {
                if (at + 1 >= text.Length || text[at + 1] != '楼')
                {
                    door = DigitsBefore(text, at);
                    if (door is not null) break;
                }
                at = text.LastIndexOf('号', at - 1);
            }
        }
        var label = Text.Tidy(householdText);
        return new Dwelling(Number(gridText), building, unit, room, groupNumber, door, label);
    }

    private static int? After(string text, params string[] markers)
    {
        foreach (var marker in markers)
        {
            var at = text.IndexOf(marker, StringComparison.Ordinal);
            while (at > 0)
            {
                var n = DigitsBefore(text, at);
                if (n is not null) return n;
                at = text.IndexOf(marker, at + marker.Length, StringComparison.Ordinal);
            }
        }
        return null;
    }

    private static int? DigitsBefore(string text, int end)
    {
        var start = end;
        while (start > 0 && char.IsAsciiDigit(text[start - 1]) && end - start < 6) start--;
        if (start == end) return ChineseNumber(text, end);
        return int.Parse(text.AsSpan(start, end - start), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>"三组", "十二组": small Chinese numerals before a marker.</summary>
    private static int? ChineseNumber(string text, int end)
    {
        const string digits = "零一二三四五六七八九";
        var start = end;
        while (start > 0 && (digits.Contains(text[start - 1]) || text[start - 1] == '十') && end - start < 3) start--;
        if (start == end) return null;
        var span = text.AsSpan(start, end - start);
        var value = 0;
        var current = 0;
        foreach (var c in span)
        {
            if (c == '十') { value += (current == 0 ? 1 : current) * 10; current = 0; }
            else current = digits.IndexOf(c);
        }
        return value + current;
    }

    /// <summary>The first run of ASCII digits in a cell ("第3网格" → 3, "5栋" → 5), or null.</summary>
    public static int? Number(string? cell)
    {
        var text = Text.Compact(cell);
        var start = -1;
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsAsciiDigit(text[i])) { if (start < 0) start = i; }
            else if (start >= 0) return Parse(text, start, i);
        }
        return start >= 0 ? Parse(text, start, text.Length) : null;

        static int? Parse(string t, int from, int to) =>
            to - from <= 6 ? int.Parse(t.AsSpan(from, to - from), System.Globalization.CultureInfo.InvariantCulture) : null;
    }
}

/// <summary>One node of a dwelling below its village: its level, the number it should have if free, its name.</summary>
public sealed record DwellingStep(Jurisdictions.JurisdictionLevel Level, int? Number, string Name);
