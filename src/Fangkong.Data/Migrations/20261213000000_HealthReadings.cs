// Written by hand: one column, and the slot's unique index widened by it.
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Fangkong.Data.Migrations;

/// <summary>
/// Every temperature reading of a slot is kept: a second entry for the same order, day and slot (a staff
/// re-measurement after the person's own report) used to overwrite the first, so a later "36.5, none" could hide a
/// reported 38.2 °C with a cough. Stored reports become the first reading (0) of their slot.
/// </summary>
[DbContext(typeof(FangkongDb))]
[Migration("20261213000000_HealthReadings")]
public sealed class HealthReadings : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.AddColumn<int>(name: "Sequence", table: "HealthReports", nullable: false, defaultValue: 0);
        migrationBuilder.DropIndex(name: "IX_HealthReports_OrderId_Date_Slot", table: "HealthReports");
        migrationBuilder.CreateIndex(name: "IX_HealthReports_OrderId_Date_Slot_Sequence", table: "HealthReports", columns: new[] { "OrderId", "Date", "Slot", "Sequence" }, unique: true);
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        // Back to one report per slot: the first reading of each stays.
        migrationBuilder.Sql("""DELETE FROM "HealthReports" WHERE "Sequence" > 0""");
        migrationBuilder.DropIndex(name: "IX_HealthReports_OrderId_Date_Slot_Sequence", table: "HealthReports");
        migrationBuilder.DropColumn(name: "Sequence", table: "HealthReports");
        migrationBuilder.CreateIndex(name: "IX_HealthReports_OrderId_Date_Slot", table: "HealthReports", columns: new[] { "OrderId", "Date", "Slot" }, unique: true);
    }
}
