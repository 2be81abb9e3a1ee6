using Fangkong.Core.Sites;
using Fangkong.Core.People;
using static Fangkong.Core.Tests.Sites.SiteTestData;

namespace Fangkong.Core.Tests.Sites;

public class TripRulesTests
{
    private static TripPassenger P(long person, string? household = "hh-1") => new() { PersonId = person, HouseholdKey = household };

    private static Trip NewTrip(int passengers = 2, TripStatus status = TripStatus.Requested, bool pointToPoint = false) => new()
    {
        Id = 1,
        CountyCode = County,
        ScopeKey = Township,
        FromKind = TripPlaceKind.Home,
        FromText = "青山村3组12号",
        ToKind = TripPlaceKind.Site,
        ToSiteId = 1,
        Status = status,
        RequestedAt = T0,
        IsPointToPoint = pointToPoint,
        Passengers = Enumerable.Range(1, passengers).Select(i => P(i)).ToList(),
    };

    private static Vehicle Van(int seats = 4, VehicleStatus status = VehicleStatus.Available) => new() { Id = 7, Plate = "豫R·12345", Seats = seats, Status = status };

    private static Driver Driver(double testedHoursAgo = 10, bool negative = true, int cadence = 1, bool active = true) => new()
    {
        Id = 9,
        Name = "李师傅",
        TestCadenceDays = cadence,
        LastTestAt = T0.AddMinutes(30).AddHours(-testedHoursAgo),
        LastTestNegative = negative,
        Active = active,
    };

    private static readonly DateTime AssignAt = T0.AddMinutes(30);

    // Requests and passengers --------------------------------------------------------------------------------------

    [Fact]
    public void ValidateRequest_AGoodRequestHasNoErrors()
    {
        Assert.Empty(TripRules.ValidateRequest(NewTrip()));
    }

    [Fact]
    public void ValidateRequest_PlaceTextsFitTheirColumns()
    {
        var fits = NewTrip();
        fits.FromText = new string('村', TripRules.MaxPlaceTextLength);
        fits.ToText = new string('院', TripRules.MaxPlaceTextLength);
        Assert.Empty(TripRules.ValidateRequest(fits));
        var over = NewTrip();
        over.FromText = new string('村', TripRules.MaxPlaceTextLength + 1);
        over.ToText = new string('院', TripRules.MaxPlaceTextLength + 1);
        Assert.Equal([new FieldError("fromText", "field.too-long"), new FieldError("toText", "field.too-long")], TripRules.ValidateRequest(over));
    }

    [Theory]
    [InlineData(TripPlaceKind.Checkpoint)]
    [InlineData(TripPlaceKind.Station)]
    public void ValidateRequest_DestinationIsASiteAHospitalOrHome(TripPlaceKind to)
    {
        var trip = NewTrip();
        trip.ToKind = to;
        Assert.Contains(TripRules.ValidateRequest(trip), e => e.Field == "toKind" && e.Code == "trip.destination-kind");
    }

    [Theory]
    [InlineData(TripPlaceKind.Hospital)]
    [InlineData(TripPlaceKind.Home)]
    public void ValidateRequest_HospitalAndHomeNeedNoSite(TripPlaceKind to)
    {
        var trip = NewTrip();
        trip.ToKind = to;
        trip.ToSiteId = null;
        trip.ToText = to == TripPlaceKind.Hospital ? "县人民医院" : null;
        Assert.Empty(TripRules.ValidateRequest(trip));
    }

    [Fact]
    public void ValidateRequest_AHospitalIsNamed_AHomeNeedNotBe()
    {
        var trip = NewTrip();
        (trip.ToKind, trip.ToSiteId, trip.ToText) = (TripPlaceKind.Hospital, null, "  ");
        Assert.Equal([new FieldError("toText", "trip.hospital-required")], TripRules.ValidateRequest(trip));
        trip.ToText = new string('院', TripRules.MaxPlaceTextLength + 1);
        Assert.Equal([new FieldError("toText", "trip.hospital-too-long")], TripRules.ValidateRequest(trip));
        // Home without an address on record: the kind says it.
        (trip.ToKind, trip.ToText) = (TripPlaceKind.Home, null);
        Assert.Empty(TripRules.ValidateRequest(trip));
    }

    [Theory]
    [InlineData(null, null, "trip.hospital-required")]
    [InlineData(" \t ", null, "trip.hospital-required")]
    [InlineData("  县人民医院 ", "县人民医院", null)]
    public void HospitalName_IsRequiredAndTidied(string? typed, string? kept, string? error)
    {
        Assert.Equal(kept, TripRules.HospitalName(typed, "hospital", out var refused));
        Assert.Equal(error is null ? null : new FieldError("hospital", error), refused);
    }

    [Fact]
    public void HospitalName_FitsTheTripsDestinationColumn()
    {
        var longest = new string('院', TripRules.MaxPlaceTextLength);
        Assert.Equal(longest, TripRules.HospitalName(longest, "hospital", out var fits));
        Assert.Null(fits);
        Assert.Null(TripRules.HospitalName(longest + "院", "hospital", out var over));
        Assert.Equal(new FieldError("hospital", "trip.hospital-too-long"), over);
    }

    [Fact]
    public void ValidateRequest_ASiteMustBeNamed()
    {
        var trip = NewTrip();
        trip.ToSiteId = null;
        Assert.Contains(TripRules.ValidateRequest(trip), e => e.Field == "toSiteId" && e.Code == "trip.site-required");
        trip = NewTrip();
        trip.FromKind = TripPlaceKind.Site;
        Assert.Contains(TripRules.ValidateRequest(trip), e => e.Field == "fromSiteId");
    }

    [Fact]
    public void ValidateRequest_FromASiteToTheSameSite_IsRefused()
    {
        var trip = NewTrip();
        (trip.FromKind, trip.FromSiteId, trip.FromText) = (TripPlaceKind.Site, 1, null);
        Assert.Equal([new FieldError("toSiteId", "trip.same-site")], TripRules.ValidateRequest(trip));
        // From one site to another is a transfer between sites.
        trip.FromSiteId = 2;
        Assert.Empty(TripRules.ValidateRequest(trip));
        // A site to a hospital names no destination site (the hospital by name).
        (trip.FromSiteId, trip.ToKind, trip.ToSiteId, trip.ToText) = (1, TripPlaceKind.Hospital, null, "县人民医院");
        Assert.Empty(TripRules.ValidateRequest(trip));
    }

    [Fact]
    public void ValidateOrders_AnOrderMustBeThePassengersOwn()
    {
        TripPassenger[] passengers = [new() { PersonId = 1, OrderId = 11 }, new() { PersonId = 2, OrderId = 11 }, new() { PersonId = 3, OrderId = 99 }, new() { PersonId = 4 }];
        var owners = new Dictionary<long, long> { [11] = 1 };
        // Person 2 names person 1's order; person 3 an order not found (refused alike); person 4 none, which is fine.
        Assert.Equal([new FieldError("passengers[1].orderId", "trip.order-not-passengers"), new FieldError("passengers[2].orderId", "trip.order-not-passengers")],
            TripRules.ValidateOrders(passengers, owners));
        Assert.Empty(TripRules.ValidateOrders(passengers[..1], owners));
    }

    [Fact]
    public void ValidateRequest_NeedsAnOriginAndPassengers()
    {
        var trip = NewTrip(passengers: 0);
        trip.FromText = "  ";
        var errors = TripRules.ValidateRequest(trip);
        Assert.Contains(errors, e => e.Field == "from" && e.Code == "trip.origin-required");
        Assert.Contains(errors, e => e.Field == "passengers" && e.Code == "trip.passengers-required");
        trip.FromNodeId = 5;
        Assert.DoesNotContain(TripRules.ValidateRequest(trip), e => e.Field == "from");
    }

    [Fact]
    public void Passengers_OneHousehold_IsFine()
    {
        Assert.Null(TripRules.ValidatePassengers([P(1), P(2), P(3)], pointToPoint: false));
        Assert.Null(TripRules.ValidatePassengers([P(1, household: null)], pointToPoint: false));
    }

    [Fact]
    public void Passengers_TwoHouseholds_AreNotMixed()
    {
        Assert.Equal("trip.mixed-households", TripRules.ValidatePassengers([P(1, "hh-1"), P(2, "hh-2")], pointToPoint: false));
        // Without household keys two people are two households.
        Assert.Equal("trip.mixed-households", TripRules.ValidatePassengers([P(1, null), P(2, null)], pointToPoint: false));
        Assert.Equal("trip.mixed-households", TripRules.ValidatePassengers([P(1, "hh-1"), P(2, null)], pointToPoint: false));
    }

    [Fact]
    public void Passengers_APointToPointPickUp_MayCarrySeveralHouseholds()
    {
        Assert.Null(TripRules.ValidatePassengers([P(1, "hh-1"), P(2, "hh-2"), P(3, null)], pointToPoint: true));
    }

    [Fact]
    public void Passengers_EachPersonOnce_AndAtLeastOne()
    {
        Assert.Equal("trip.duplicate-passenger", TripRules.ValidatePassengers([P(1), P(1)], pointToPoint: true));
        Assert.Equal("trip.passengers-required", TripRules.ValidatePassengers([], pointToPoint: true));
    }

    // Assignment ---------------------------------------------------------------------------------------------------

    [Fact]
    public void Assign_NamesVehicleAndDriver_AndPutsTheVehicleOnTheTrip()
    {
        var trip = NewTrip();
        var van = Van();
        Assert.Null(TripRules.Assign(trip, van, Driver(), AssignAt));
        Assert.Equal(TripStatus.Assigned, trip.Status);
        Assert.Equal((AssignAt, 7L, 9L), (trip.AssignedAt!.Value, trip.VehicleId!.Value, trip.DriverId!.Value));
        Assert.Equal(VehicleStatus.OnTrip, van.Status);
    }

    [Fact]
    public void Assign_NeedsAVehicleAndADriver()
    {
        Assert.Equal("trip.vehicle-required", TripRules.Assign(NewTrip(), null, Driver(), AssignAt));
        Assert.Equal("trip.driver-required", TripRules.Assign(NewTrip(), Van(), null, AssignAt));
    }

    [Theory]
    [InlineData(VehicleStatus.OnTrip)]
    [InlineData(VehicleStatus.AwaitingDisinfection)]
    [InlineData(VehicleStatus.OutOfService)]
    public void Assign_VehicleMustBeAvailable(VehicleStatus status)
    {
        var trip = NewTrip();
        Assert.Equal("vehicle.not-available", TripRules.Assign(trip, Van(status: status), Driver(), AssignAt));
        Assert.Equal(TripStatus.Requested, trip.Status);
        Assert.Null(trip.VehicleId);
    }

    [Theory]
    [InlineData(3, 4, null)]
    [InlineData(4, 4, null)]
    [InlineData(5, 4, "vehicle.seats")]
    [InlineData(2, 1, "vehicle.seats")]
    public void Assign_SeatsMustFitThePassengers(int passengers, int seats, string? expected)
    {
        var van = Van(seats: seats);
        Assert.Equal(expected, TripRules.Assign(NewTrip(passengers), van, Driver(), AssignAt));
        Assert.Equal(expected is null ? VehicleStatus.OnTrip : VehicleStatus.Available, van.Status);
    }

    [Theory]
    [InlineData(1, 10, null)]
    [InlineData(1, 24, null)]
    [InlineData(1, 24.01, "driver.test-overdue")]
    [InlineData(1, 25, "driver.test-overdue")]
    [InlineData(2, 30, null)]
    [InlineData(2, 49, "driver.test-overdue")]
    [InlineData(3, 71, null)]
    [InlineData(0, 23, null)] // a cadence under a day counts as daily
    [InlineData(0, 25, "driver.test-overdue")]
    public void Assign_DriverTestedOnTheirOwnCadence(int cadenceDays, double hoursAgo, string? expected)
    {
        var trip = NewTrip();
        Assert.Equal(expected, TripRules.Assign(trip, Van(), Driver(hoursAgo, cadence: cadenceDays), AssignAt));
        Assert.Equal(expected is null ? TripStatus.Assigned : TripStatus.Requested, trip.Status);
    }

    [Fact]
    public void Assign_DriverNeverTested_IsOverdue()
    {
        var driver = Driver();
        driver.LastTestAt = null;
        Assert.Equal("driver.test-overdue", TripRules.Assign(NewTrip(), Van(), driver, AssignAt));
    }

    [Fact]
    public void Assign_DriverWhoseLastTestIsNotNegative_IsRefused()
    {
        Assert.Equal("driver.test-not-negative", TripRules.Assign(NewTrip(), Van(), Driver(negative: false), AssignAt));
    }

    [Fact]
    public void Assign_InactiveDriver_IsRefused()
    {
        Assert.Equal("driver.inactive", TripRules.Assign(NewTrip(), Van(), Driver(active: false), AssignAt));
    }

    [Fact]
    public void Assign_NotBeforeTheRequest()
    {
        Assert.Equal("trip.time-order", TripRules.Assign(NewTrip(), Van(), Driver(), T0.AddMinutes(-1)));
    }

    [Fact]
    public void Assign_WithoutPassengers_IsRefused()
    {
        Assert.Equal("trip.passengers-required", TripRules.Assign(NewTrip(passengers: 0), Van(), Driver(), AssignAt));
    }

    [Theory]
    [InlineData("", 1, "trip.no-vehicles")]
    [InlineData("Available:4", 4, "")]
    [InlineData("Available:4", 5, "trip.vehicles-too-few-seats")]
    [InlineData("AwaitingDisinfection:7", 2, "trip.vehicles-awaiting-disinfection")]
    [InlineData("OnTrip:7", 2, "trip.vehicles-on-trip")]
    [InlineData("OutOfService:7", 2, "trip.vehicles-out-of-service")]
    // The reason is about the vehicles big enough: a small free car does not hide that the van waits for disinfection.
    [InlineData("Available:1,AwaitingDisinfection:7", 2, "trip.vehicles-awaiting-disinfection")]
    // The reason the staff can act on soonest first: disinfect one, then wait for one back, then out of service.
    [InlineData("OutOfService:7,OnTrip:7,AwaitingDisinfection:7", 2, "trip.vehicles-awaiting-disinfection")]
    [InlineData("OutOfService:7,OnTrip:7", 2, "trip.vehicles-on-trip")]
    [InlineData("OutOfService:7,Available:7", 2, "")]
    [InlineData("OutOfService:2,AwaitingDisinfection:3", 4, "trip.vehicles-too-few-seats")]
    public void VehicleBlocker_SaysWhyNoVehicleCanGo(string fleet, int passengers, string expected)
    {
        var vehicles = fleet.Split(',', StringSplitOptions.RemoveEmptyEntries)
            .Select(v => v.Split(':') switch { var p => (Enum.Parse<VehicleStatus>(p[0]), int.Parse(p[1], System.Globalization.CultureInfo.InvariantCulture)) });
        Assert.Equal(expected, TripRules.VehicleBlocker(vehicles, passengers) ?? "");
    }

    // A transfer to hospital: an ambulance, or the emergency centre's (120) ------------------------------------------

    [Theory]
    [InlineData(TripPlaceKind.Hospital, VehicleKind.Ambulance, true)]
    [InlineData(TripPlaceKind.Hospital, VehicleKind.NegativePressureAmbulance, true)]
    [InlineData(TripPlaceKind.Hospital, VehicleKind.Minibus, false)]
    [InlineData(TripPlaceKind.Hospital, VehicleKind.Car, false)]
    [InlineData(TripPlaceKind.Site, VehicleKind.Minibus, true)]
    [InlineData(TripPlaceKind.Site, VehicleKind.NegativePressureAmbulance, true)]
    [InlineData(TripPlaceKind.Home, VehicleKind.Car, true)]
    public void OnlyAnAmbulance_TakesATripToHospital(TripPlaceKind to, VehicleKind kind, bool suits) =>
        Assert.Equal(suits, TripRules.Suits(to, kind));

    [Theory]
    // A free van does not take the feverish person to hospital; with no ambulance at all the staff are told to call 120.
    [InlineData("Available:7:Minibus", TripPlaceKind.Hospital, "trip.no-ambulance")]
    [InlineData("Available:7:Minibus", TripPlaceKind.Site, "")]
    [InlineData("Available:7:Minibus,Available:3:Ambulance", TripPlaceKind.Hospital, "")]
    // The county's ambulance waits for its disinfection: that is the reason, not the free van.
    [InlineData("Available:7:Minibus,AwaitingDisinfection:3:NegativePressureAmbulance", TripPlaceKind.Hospital, "trip.vehicles-awaiting-disinfection")]
    [InlineData("", TripPlaceKind.Hospital, "trip.no-vehicles")]
    public void VehicleBlocker_ForAHospitalTrip_CountsAmbulancesOnly(string fleet, TripPlaceKind to, string expected)
    {
        var vehicles = fleet.Split(',', StringSplitOptions.RemoveEmptyEntries)
            .Select(v => v.Split(':') switch { var p => (Enum.Parse<VehicleStatus>(p[0]), int.Parse(p[1], System.Globalization.CultureInfo.InvariantCulture), Enum.Parse<VehicleKind>(p[2])) });
        Assert.Equal(expected, TripRules.VehicleBlocker(vehicles, 1, to) ?? "");
    }

    [Fact]
    public void Assign_AVanToATripToHospital_IsRefused_AndAnAmbulanceTakesIt()
    {
        var trip = NewTrip(passengers: 1);
        trip.ToKind = TripPlaceKind.Hospital;
        trip.ToText = "县人民医院";
        var van = Van();
        Assert.Equal("vehicle.not-ambulance", TripRules.Assign(trip, van, Driver(), AssignAt));
        Assert.Equal((TripStatus.Requested, VehicleStatus.Available), (trip.Status, van.Status));
        var ambulance = Van();
        ambulance.Kind = VehicleKind.NegativePressureAmbulance;
        Assert.Null(TripRules.Assign(trip, ambulance, Driver(), AssignAt));
        Assert.Equal(TripStatus.Assigned, trip.Status);
    }

    [Fact]
    public void HandToEmergencyService_OnlyATripToHospitalStillRequested_AndItsStepsFollowWithoutACountyVehicle()
    {
        var toSite = NewTrip(passengers: 1);
        Assert.Equal("trip.emergency-service-hospital-only", TripRules.HandToEmergencyService(toSite, AssignAt));
        Assert.Equal(TripStatus.Requested, toSite.Status);

        var trip = NewTrip(passengers: 1);
        trip.ToKind = TripPlaceKind.Hospital;
        trip.ToText = "县人民医院";
        Assert.Equal("trip.time-order", TripRules.HandToEmergencyService(trip, trip.RequestedAt.AddMinutes(-1)));
        Assert.Null(TripRules.HandToEmergencyService(trip, AssignAt));
        Assert.Equal((TripStatus.Assigned, true, (long?)null, (long?)null, (DateTime?)AssignAt), (trip.Status, trip.ByEmergencyService, trip.VehicleId, trip.DriverId, trip.AssignedAt));
        Assert.Equal("trip.transition-not-allowed", TripRules.HandToEmergencyService(trip, AssignAt));
        Assert.Null(TripRules.Depart(trip, AssignAt.AddMinutes(5)));
        Assert.Null(TripRules.Arrive(trip, null, AssignAt.AddMinutes(40)));
        Assert.Equal(TripStatus.Arrived, trip.Status);
        Assert.All(trip.Passengers, p => Assert.False(p.Open));
    }

    // The steps ------------------------------------------------------------------------------------------------------

    public static TheoryData<TripStatus, string, bool> Steps => new()
    {
        { TripStatus.Requested, "assign", true },
        { TripStatus.Requested, "depart", false },
        { TripStatus.Requested, "arrive", false },
        { TripStatus.Requested, "cancel", true },
        { TripStatus.Assigned, "assign", false },
        { TripStatus.Assigned, "depart", true },
        { TripStatus.Assigned, "arrive", false },
        { TripStatus.Assigned, "cancel", true },
        { TripStatus.Departed, "assign", false },
        { TripStatus.Departed, "depart", false },
        { TripStatus.Departed, "arrive", true },
        { TripStatus.Departed, "cancel", true },
        { TripStatus.Arrived, "assign", false },
        { TripStatus.Arrived, "depart", false },
        { TripStatus.Arrived, "arrive", false },
        { TripStatus.Arrived, "cancel", false },
        { TripStatus.Cancelled, "assign", false },
        { TripStatus.Cancelled, "depart", false },
        { TripStatus.Cancelled, "arrive", false },
        { TripStatus.Cancelled, "cancel", false },
    };

    [Theory]
    [MemberData(nameof(Steps))]
    public void EveryStepFromEveryStatus(TripStatus from, string step, bool allowed)
    {
        var trip = NewTrip(status: from);
        trip.AssignedAt = T0;
        trip.DepartedAt = T0;
        var at = T0.AddHours(1);
        var error = step switch
        {
            "assign" => TripRules.Assign(trip, Van(), Driver(), at),
            "depart" => TripRules.Depart(trip, at),
            "arrive" => TripRules.Arrive(trip, Van(status: VehicleStatus.OnTrip), at),
            _ => TripRules.Cancel(trip, null, "family refused", at),
        };
        Assert.Equal(allowed ? null : "trip.transition-not-allowed", error);
        if (!allowed) Assert.Equal(from, trip.Status);
    }

    [Fact]
    public void FullTrip_RequestAssignDepartArrive_WithDurations()
    {
        var trip = NewTrip();
        var van = Van();
        Assert.Null(TripRules.Assign(trip, van, Driver(), AssignAt));
        Assert.Null(TripRules.Depart(trip, T0.AddMinutes(50)));
        Assert.Equal(TripStatus.Departed, trip.Status);
        Assert.Null(TripRules.RequestToArrival(trip));
        Assert.Null(TripRules.Arrive(trip, van, T0.AddMinutes(95)));
        Assert.Equal(TripStatus.Arrived, trip.Status);
        Assert.Equal(T0.AddMinutes(95), trip.ArrivedAt);
        Assert.Equal(VehicleStatus.AwaitingDisinfection, van.Status);
        Assert.Equal(TimeSpan.FromMinutes(30), TripRules.RequestToAssignment(trip));
        Assert.Equal(TimeSpan.FromMinutes(95), TripRules.RequestToArrival(trip));
    }

    [Fact]
    public void Steps_CannotGoBackInTime()
    {
        var trip = NewTrip();
        TripRules.Assign(trip, Van(), Driver(), AssignAt);
        Assert.Equal("trip.time-order", TripRules.Depart(trip, AssignAt.AddMinutes(-1)));
        TripRules.Depart(trip, AssignAt.AddMinutes(10));
        Assert.Equal("trip.time-order", TripRules.Arrive(trip, null, AssignAt.AddMinutes(5)));
        Assert.Equal(TripStatus.Departed, trip.Status);
    }

    [Fact]
    public void Vehicle_IsDisinfectedBeforeItCarriesAgain()
    {
        var van = Van();
        var first = NewTrip();
        TripRules.Assign(first, van, Driver(), AssignAt);
        TripRules.Depart(first, AssignAt.AddMinutes(5));
        TripRules.Arrive(first, van, AssignAt.AddMinutes(40));
        Assert.Equal("vehicle.not-available", TripRules.Assign(NewTrip(), van, Driver(), AssignAt.AddMinutes(45)));
        Assert.Null(TripRules.VehicleDisinfected(van, AssignAt.AddMinutes(60)));
        Assert.Equal(VehicleStatus.Available, van.Status);
        Assert.Equal(AssignAt.AddMinutes(60), van.LastDisinfectedAt);
        Assert.Null(TripRules.Assign(NewTrip(), van, Driver(), AssignAt.AddMinutes(65)));
        Assert.Equal("vehicle.not-awaiting-disinfection", TripRules.VehicleDisinfected(van, AssignAt.AddMinutes(70)));
    }

    // Cancellation ---------------------------------------------------------------------------------------------------

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    public void Cancel_NeedsAReason(string? reason)
    {
        var trip = NewTrip();
        Assert.Equal("trip.reason-required", TripRules.Cancel(trip, null, reason, AssignAt));
        Assert.Equal(TripStatus.Requested, trip.Status);
    }

    [Fact]
    public void Cancel_BeforeDeparture_FreesTheVehicle()
    {
        var trip = NewTrip();
        var van = Van();
        TripRules.Assign(trip, van, Driver(), AssignAt);
        Assert.Null(TripRules.Cancel(trip, van, " person not at home ", AssignAt.AddMinutes(5)));
        Assert.Equal(TripStatus.Cancelled, trip.Status);
        Assert.Equal("person not at home", trip.CancelReason);
        Assert.Equal(AssignAt.AddMinutes(5), trip.CancelledAt);
        Assert.Equal(VehicleStatus.Available, van.Status);
    }

    [Fact]
    public void Cancel_AfterDeparture_TheVehicleMustBeDisinfected()
    {
        var trip = NewTrip();
        var van = Van();
        TripRules.Assign(trip, van, Driver(), AssignAt);
        TripRules.Depart(trip, AssignAt.AddMinutes(5));
        Assert.Null(TripRules.Cancel(trip, van, "passenger taken ill: ambulance instead", AssignAt.AddMinutes(20)));
        Assert.Equal(VehicleStatus.AwaitingDisinfection, van.Status);
    }

    [Fact]
    public void Cancel_LeavesAnotherVehicleAlone()
    {
        var trip = NewTrip();
        TripRules.Assign(trip, Van(), Driver(), AssignAt);
        var other = new Vehicle { Id = 8, Status = VehicleStatus.OnTrip, Seats = 4 };
        TripRules.Cancel(trip, other, "duplicate request", AssignAt.AddMinutes(1));
        Assert.Equal(VehicleStatus.OnTrip, other.Status);
    }

    [Fact]
    public void Summarize_TheBoardsDurations()
    {
        Trip Done(int assignMinutes, int arriveMinutes)
        {
            var t = NewTrip();
            t.Status = TripStatus.Arrived;
            t.AssignedAt = T0.AddMinutes(assignMinutes);
            t.ArrivedAt = T0.AddMinutes(arriveMinutes);
            return t;
        }
        var waiting = NewTrip();
        var (toAssignment, toArrival) = TripRules.Summarize([Done(10, 60), Done(20, 90), Done(30, 120), waiting]);
        Assert.Equal(3, toAssignment.Count);
        Assert.Equal(TimeSpan.FromMinutes(20), toAssignment.Median);
        Assert.Equal(TimeSpan.FromMinutes(90), toArrival.Median);
        Assert.Equal(TimeSpan.FromMinutes(120), toArrival.Max);
    }
}
