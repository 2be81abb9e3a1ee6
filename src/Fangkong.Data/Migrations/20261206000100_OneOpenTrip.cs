// Written by hand: one column, its backfill and one unique partial index.
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Fangkong.Data.Migrations;

/// <summary>
/// A person is on one open trip at a time, kept by the database: a trip's passengers are marked open while the trip is
/// requested, assigned or departed, and a unique partial index allows one open mark per person in the county. The
/// backfill marks each person's latest open trip only, so a database where two staff already raced still migrates.
/// </summary>
[DbContext(typeof(FangkongDb))]
[Migration("20261206000100_OneOpenTrip")]
public sealed class OneOpenTrip : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.AddColumn<bool>(name: "Open", table: "TripPassengers", nullable: false, defaultValue: false);

        // Trip states 0–2 are requested, assigned and departed (TripStatus).
        migrationBuilder.Sql("""
            UPDATE "TripPassengers" SET "Open" = TRUE
            WHERE "Id" IN (SELECT MAX(p."Id") FROM "TripPassengers" p JOIN "Trips" t ON t."Id" = p."TripId"
                           WHERE t."Status" IN (0, 1, 2) GROUP BY p."CountyCode", p."PersonId")
            """);

        migrationBuilder.CreateIndex(name: "UX_TripPassengers_Open", table: "TripPassengers",
            columns: new[] { "CountyCode", "PersonId" }, unique: true, filter: "\"Open\"");
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropIndex(name: "UX_TripPassengers_Open", table: "TripPassengers");
        migrationBuilder.DropColumn(name: "Open", table: "TripPassengers");
    }
}
