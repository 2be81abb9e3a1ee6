// Written by hand: one column.
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Fangkong.Data.Migrations;

/// <summary>
/// A transfer to hospital may be taken by the emergency centre's ambulance (120) instead of a county vehicle: the trip
/// says so, with no vehicle or driver of the county's on it.
/// </summary>
[DbContext(typeof(FangkongDb))]
[Migration("20261215000000_TripByEmergencyService")]
public sealed class TripByEmergencyService : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder) =>
        migrationBuilder.AddColumn<bool>(name: "ByEmergencyService", table: "Trips", nullable: false, defaultValue: false);

    protected override void Down(MigrationBuilder migrationBuilder) =>
        migrationBuilder.DropColumn(name: "ByEmergencyService", table: "Trips");
}
