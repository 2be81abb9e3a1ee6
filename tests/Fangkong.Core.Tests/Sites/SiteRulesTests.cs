using Fangkong.Core.Sites;
using static Fangkong.Core.Tests.Sites.SiteTestData;

namespace Fangkong.Core.Tests.Sites;

public class SiteRulesTests
{
    // The site record ----------------------------------------------------------------------------------------------

    [Fact]
    public void Validate_CountyAndTownshipSites()
    {
        Assert.Empty(SiteRules.Validate(Site(level: SiteLevel.Township, scope: Township)));
        Assert.Empty(SiteRules.Validate(Site(level: SiteLevel.County, scope: County)));
    }

    [Theory]
    [InlineData(SiteLevel.County, Township, "level", "site.level-scope-mismatch")]
    [InlineData(SiteLevel.Township, County, "level", "site.level-scope-mismatch")]
    [InlineData(SiteLevel.Township, "411326101200", "level", "site.level-scope-mismatch")]
    [InlineData(SiteLevel.Township, "411327101", "scopeKey", "scope.outside-county")]
    public void Validate_ScopeMustFitTheLevel(SiteLevel level, string scope, string field, string code)
    {
        Assert.Equal([new Fangkong.Core.People.FieldError(field, code)], SiteRules.Validate(Site(level: level, scope: scope)));
    }

    [Fact]
    public void Validate_NameAndReserve()
    {
        var site = Site(reserve: -1);
        site.Name = "  ";
        var errors = SiteRules.Validate(site);
        Assert.Contains(errors, e => e.Field == "name" && e.Code == "name.required");
        Assert.Contains(errors, e => e.Field == "reserveRooms" && e.Code == "reserve-rooms.range");
        site.Name = new string('宾', 101);
        Assert.Contains(SiteRules.Validate(site), e => e.Code == "name.too-long");
    }

    public static TheoryData<SiteStatus, SiteStatus, bool> StatusPairs()
    {
        var allowed = new HashSet<(SiteStatus, SiteStatus)>
        {
            (SiteStatus.Preparing, SiteStatus.InService), (SiteStatus.Preparing, SiteStatus.StandbyReserve), (SiteStatus.Preparing, SiteStatus.Closed),
            (SiteStatus.InService, SiteStatus.StandbyReserve), (SiteStatus.InService, SiteStatus.Closed),
            (SiteStatus.StandbyReserve, SiteStatus.InService), (SiteStatus.StandbyReserve, SiteStatus.Closed),
            (SiteStatus.Closed, SiteStatus.Preparing),
        };
        var data = new TheoryData<SiteStatus, SiteStatus, bool>();
        foreach (var from in Enum.GetValues<SiteStatus>())
            foreach (var to in Enum.GetValues<SiteStatus>())
                data.Add(from, to, allowed.Contains((from, to)));
        return data;
    }

    [Theory]
    [MemberData(nameof(StatusPairs))]
    public void Status_EveryPair(SiteStatus from, SiteStatus to, bool allowed)
    {
        var site = Site(status: from);
        var error = SiteRules.ChangeStatus(site, to, Passed(), activeStays: 0, T0);
        Assert.Equal(allowed ? null : "site.status-not-allowed", error);
        Assert.Equal(allowed ? to : from, site.Status);
    }

    private static SiteInspection Passed(bool passed = true) => new() { SiteId = 1, Inspector = "县卫健局", InspectedAt = T0, Passed = passed };

    [Fact]
    public void Status_IntoServiceOnlyAfterAPassedInspection()
    {
        var site = Site(status: SiteStatus.Preparing);
        Assert.Equal("site.inspection-required", SiteRules.ChangeStatus(site, SiteStatus.InService, null, 0, T0));
        Assert.Equal("site.inspection-required", SiteRules.ChangeStatus(site, SiteStatus.StandbyReserve, Passed(false), 0, T0));
        Assert.Equal(SiteStatus.Preparing, site.Status);
        Assert.Null(SiteRules.ChangeStatus(site, SiteStatus.InService, Passed(), 0, T0));
        Assert.Equal(T0, site.UpdatedAt);
        // Closing a site being prepared needs no inspection.
        Assert.Null(SiteRules.ChangeStatus(Site(status: SiteStatus.Preparing), SiteStatus.Closed, null, 0, T0));
    }

    [Fact]
    public void Status_StandbyBackIntoService_NeedsNoNewInspection()
    {
        Assert.Null(SiteRules.ChangeStatus(Site(status: SiteStatus.StandbyReserve), SiteStatus.InService, null, 0, T0));
    }

    [Fact]
    public void Status_ASiteWithPeopleIsNotClosed()
    {
        var site = Site();
        Assert.Equal("site.has-occupants", SiteRules.ChangeStatus(site, SiteStatus.Closed, null, activeStays: 3, T0));
        Assert.Equal(SiteStatus.InService, site.Status);
        // Put on standby with people still in: they stay until they leave.
        Assert.Null(SiteRules.ChangeStatus(site, SiteStatus.StandbyReserve, null, activeStays: 3, T0));
    }

    [Theory]
    [InlineData(SiteStatus.InService, true)]
    [InlineData(SiteStatus.StandbyReserve, false)]
    [InlineData(SiteStatus.Preparing, false)]
    [InlineData(SiteStatus.Closed, false)]
    public void Receives(SiteStatus status, bool expected)
    {
        Assert.Equal(expected, QuarantineSite.Receives(status));
    }

    // Standards and inspections -------------------------------------------------------------------------------------

    [Fact]
    public void DefaultStandards_SixCodesInOrder()
    {
        Assert.Equal(
            ["three-zones-two-channels", "single-room-own-bathroom", "ventilation", "staffing-groups", "waste-handling", "fire-safety"],
            SiteStandards.Default.OrderBy(s => s.Sequence).Select(s => s.Code));
        Assert.Equal(SiteStandards.Default.Count, SiteStandards.Default.Select(s => s.Sequence).Distinct().Count());
    }

    [Fact]
    public void DefaultStandards_SeedACountyWithoutNames()
    {
        var rows = SiteStandards.Seed(County);
        Assert.Equal(6, rows.Count);
        Assert.All(rows, r => Assert.Equal((County, "", true), (r.CountyCode, r.Name, r.Active)));
    }

    private static List<SiteInspectionItem> AllPassed() =>
        SiteStandards.Default.Select(s => new SiteInspectionItem { StandardCode = s.Code, Passed = true }).ToList();

    [Fact]
    public void Evaluate_PassesWhenEveryActiveItemPassed()
    {
        var verdict = InspectionRules.Evaluate(SiteStandards.Seed(County), AllPassed());
        Assert.True(verdict.Passed);
        Assert.Empty(verdict.Failed);
        Assert.Empty(verdict.Missing);
    }

    [Fact]
    public void Evaluate_AFailedItemFails()
    {
        var items = AllPassed();
        items[4].Passed = false;
        var verdict = InspectionRules.Evaluate(SiteStandards.Seed(County), items);
        Assert.False(verdict.Passed);
        Assert.Equal(["waste-handling"], verdict.Failed);
    }

    [Fact]
    public void Evaluate_AMissingItemFails_InChecklistOrder()
    {
        var items = AllPassed().Where(i => i.StandardCode is not ("fire-safety" or "ventilation")).ToList();
        var verdict = InspectionRules.Evaluate(SiteStandards.Seed(County), items);
        Assert.False(verdict.Passed);
        Assert.Equal(["ventilation", "fire-safety"], verdict.Missing);
    }

    [Fact]
    public void Evaluate_RetiredAndUnknownStandardsDoNotCount()
    {
        var standards = SiteStandards.Seed(County).ToList();
        standards.Single(s => s.Code == "fire-safety").Active = false;
        var items = AllPassed().Where(i => i.StandardCode != "fire-safety").ToList();
        items.Add(new SiteInspectionItem { StandardCode = "something-else", Passed = false });
        Assert.True(InspectionRules.Evaluate(standards, items).Passed);
    }

    [Fact]
    public void Evaluate_AStandardReportedTwice_PassesOnlyIfBothPassed()
    {
        var items = AllPassed();
        items.Add(new SiteInspectionItem { StandardCode = "ventilation", Passed = false });
        Assert.Equal(["ventilation"], InspectionRules.Evaluate(SiteStandards.Seed(County), items).Failed);
    }

    [Fact]
    public void ValidateInspection_InspectorKnownStandardsOnceAndNotesOnFailures()
    {
        var inspection = Passed();
        inspection.Inspector = " ";
        inspection.Items =
        [
            new() { StandardCode = "ventilation", Passed = true },
            new() { StandardCode = "ventilation", Passed = true },
            new() { StandardCode = "made-up", Passed = true },
            new() { StandardCode = "fire-safety", Passed = false },
            new() { StandardCode = "waste-handling", Passed = false, Note = "no sealed bins on floor 3" },
        ];
        var errors = InspectionRules.Validate(inspection, SiteStandards.Seed(County));
        Assert.Equal(
            [("inspector", "inspector.required"), ("items.ventilation", "standard.duplicate"), ("items.made-up", "standard.unknown"), ("items.fire-safety", "note.required")],
            errors.Select(e => (e.Field, e.Code)));
    }

    // Small pieces -----------------------------------------------------------------------------------------------------

    [Theory]
    [InlineData("2", "10", -1)]
    [InlineData("302", "1001", -1)]
    [InlineData("A-2", "A-10", -1)]
    [InlineData("a-2", "A-2", 1)]      // equal but for case: still a total order
    [InlineData("B1", "A9", 1)]
    [InlineData("007", "7", 1)]
    [InlineData("301", "301", 0)]
    [InlineData("1号楼", "2号楼", -1)]
    [InlineData("10号楼", "9号楼", 1)]
    [InlineData("30", "301", -1)]
    public void RoomNumbers_OrderAsPeopleReadThem(string a, string b, int sign)
    {
        Assert.Equal(sign, Math.Sign(RoomNumberComparer.Instance.Compare(a, b)));
        Assert.Equal(-sign, Math.Sign(RoomNumberComparer.Instance.Compare(b, a)));
    }

    [Fact]
    public void RoomCapacity_OnlyFamilyRoomsHoldMore()
    {
        Assert.Equal(1, Room(beds: 2).Capacity);
        Assert.Equal(4, Room(family: true, beds: 4).Capacity);
        Assert.Equal(1, Room(family: true, beds: 0).Capacity);
    }

    [Fact]
    public void DurationSummary_OneValueAndTwoValues()
    {
        var one = DurationSummary.Of([TimeSpan.FromMinutes(42)]);
        Assert.Equal((1, TimeSpan.FromMinutes(42), TimeSpan.FromMinutes(42), TimeSpan.FromMinutes(42)), (one.Count, one.Median, one.P90, one.Max));
        var two = DurationSummary.Of([TimeSpan.FromHours(3), TimeSpan.FromHours(1)]);
        Assert.Equal(TimeSpan.FromHours(2), two.Median);
        Assert.Equal(TimeSpan.FromHours(2.8), two.P90);
        Assert.Equal(DurationSummary.Empty, DurationSummary.Of([]));
    }

    [Fact]
    public void RuleResult_OkOnlyWithoutAnError()
    {
        Assert.True(RuleResult<RoomEvent>.Success(null).Ok);
        var failed = RuleResult<RoomEvent>.Fail("room.occupied");
        Assert.False(failed.Ok);
        Assert.Null(failed.Value);
    }
    // The checklist as data ----------------------------------------------------------------------------------------

    [Theory]
    [InlineData("night-watch", "夜间值守", 70, "")]
    [InlineData("ventilation", "", 30, "")]
    [InlineData("a", "名称", 10, "code:standard.code")]
    [InlineData("-lead", "名称", 10, "code:standard.code")]
    [InlineData("Night", "名称", 10, "code:standard.code")]
    [InlineData("夜间", "名称", 10, "code:standard.code")]
    [InlineData("night-watch", "", 10, "name:standard.name-required")]
    [InlineData("night-watch", "名称", -1, "sequence:standard.sequence")]
    [InlineData("night-watch", "名称", 10000, "sequence:standard.sequence")]
    public void StandardRules_CodeNameAndPlace(string code, string name, int sequence, string expected)
    {
        var errors = StandardRules.Validate(new SiteStandard { Code = code, Name = name, Sequence = sequence });
        Assert.Equal(expected, string.Join(",", errors.Select(e => $"{e.Field}:{e.Code}")));
    }

    [Theory]
    [InlineData("Night Watch", 70, "", "night-watch")]
    [InlineData("5S 现场管理", 70, "", "5s")]
    [InlineData("ＡＢＣ　消防", 70, "", "abc")]          // full-width letters read as their ASCII forms
    [InlineData("夜间值守双人在岗", 70, "", "item-70")]     // no Latin letters: its place in the list
    [InlineData("X 光", 70, "", "item-70")]                // one letter is not a code
    [InlineData("夜间值守", 70, "item-70", "item-70-2")]
    [InlineData("Night Watch", 70, "night-watch,night-watch-2", "night-watch-3")]
    public void StandardRules_ACodeLeftOut_IsMadeFromTheName(string name, int sequence, string taken, string expected)
    {
        var code = StandardRules.GenerateCode(name, sequence, taken.Split(',', StringSplitOptions.RemoveEmptyEntries).ToHashSet());
        Assert.Equal(expected, code);
        Assert.Empty(StandardRules.Validate(new SiteStandard { Code = code, Name = name, Sequence = sequence }));
    }

    [Fact]
    public void StandardRules_AGeneratedCode_FitsTheCodeLength()
    {
        var code = StandardRules.GenerateCode(string.Join(" ", Enumerable.Repeat("inspection", 12)), 10, new HashSet<string>());
        Assert.InRange(code.Length, 2, StandardRules.MaxCode - 4);
        Assert.False(code.EndsWith('-'));
        Assert.Empty(StandardRules.Validate(new SiteStandard { Code = code, Name = "x", Sequence = 10 }));
    }

    [Fact]
    public void StandardRules_LongNameRefused_ShippedNamesLocalizedUntilRenamed()
    {
        Assert.Equal("name:standard.name-too-long", string.Join(",", StandardRules.Validate(new SiteStandard { Code = "x1", Name = new string('名', 101) }).Select(e => $"{e.Field}:{e.Code}")));
        Assert.Null(StandardRules.CustomName(new SiteStandard { Code = SiteStandards.Ventilation, Name = SiteStandards.Ventilation }));
        Assert.Null(StandardRules.CustomName(new SiteStandard { Code = SiteStandards.Ventilation, Name = "" }));
        Assert.Equal("分体空调", StandardRules.CustomName(new SiteStandard { Code = SiteStandards.Ventilation, Name = "分体空调" }));
        // An item the county added is named by what it was given, even when that is its code.
        Assert.Equal("night-watch", StandardRules.CustomName(new SiteStandard { Code = "night-watch", Name = "night-watch" }));
    }

    [Fact]
    public void InspectionRules_NotesHaveALimit()
    {
        var inspection = new SiteInspection { Inspector = "县卫健委", Note = new string('注', 501),
            Items = [new SiteInspectionItem { StandardCode = SiteStandards.Ventilation, Passed = false, Note = new string('问', InspectionRules.MaxItemNote + 1) }] };
        var errors = InspectionRules.Validate(inspection, SiteStandards.Seed(County));
        Assert.Equal(["note:note.too-long", "items.ventilation:standard.note-too-long"], errors.Select(e => $"{e.Field}:{e.Code}").ToArray());
    }

    // Bad input or a conflict ---------------------------------------------------------------------------------------

    [Theory]
    [InlineData(SiteErrors.StayBedRange, "bed")]
    [InlineData(SiteErrors.RoomNotFound, "roomId")]
    [InlineData(SiteErrors.StayOutcomeInvalid, "outcome")]
    [InlineData(SiteErrors.RoomCheckInRequired, "state")]
    [InlineData(SiteErrors.RoomReasonRequired, "reason")]
    [InlineData(SiteErrors.StayReasonRequired, "reason")]
    [InlineData(SiteErrors.TripReasonRequired, "reason")]
    [InlineData(SiteErrors.VehicleReasonRequired, "reason")]
    [InlineData(SiteErrors.TripVehicleRequired, "vehicleId")]
    [InlineData(SiteErrors.TripDriverRequired, "driverId")]
    [InlineData(SiteErrors.RoomOccupied, null)]
    [InlineData(SiteErrors.RoomTransitionNotAllowed, null)]
    [InlineData(SiteErrors.RoomCheckOutRequired, null)]
    [InlineData(SiteErrors.StayBedTaken, null)]
    [InlineData(SiteErrors.SiteNotInService, null)]
    [InlineData(SiteErrors.TripTransitionNotAllowed, null)]
    [InlineData(SiteErrors.TripPassengerOnOpenTrip, null)]
    [InlineData(SiteErrors.VehicleNotAvailable, null)]
    public void ARefusal_IsAboutAnInputField_OrTheCurrentState(string code, string? field)
    {
        Assert.Equal(field, SiteErrors.FieldOf(code));
    }
}
