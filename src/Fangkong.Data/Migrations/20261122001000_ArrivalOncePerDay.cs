// Written by hand: one index made unique, after folding the duplicates it would refuse.
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Fangkong.Data.Migrations;

/// <summary>
/// One live registration per person, county and arrival day, enforced by the database: two registrations of one
/// person sent at the same moment (two codes scanned, a double tap) used to both be inserted. Duplicates already
/// stored are cancelled, keeping the first one, before the index is built.
/// </summary>
[DbContext(typeof(FangkongDb))]
[Migration("20261122001000_ArrivalOncePerDay")]
public sealed class ArrivalOncePerDay : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("""
            UPDATE "Arrivals" SET "Status" = 4, "DecisionNote" = 'duplicate registration of the same day (folded when the database began to refuse them)'
            WHERE "Status" <> 4 AND EXISTS (
                SELECT 1 FROM "Arrivals" AS "First"
                WHERE "First"."CountyCode" = "Arrivals"."CountyCode" AND "First"."DocumentHash" = "Arrivals"."DocumentHash"
                  AND "First"."ArrivalDate" = "Arrivals"."ArrivalDate" AND "First"."Status" <> 4 AND "First"."Id" < "Arrivals"."Id")
            """);
        migrationBuilder.DropIndex(name: "IX_Arrivals_CountyCode_DocumentHash_ArrivalDate", table: "Arrivals");
        migrationBuilder.CreateIndex(name: "UX_Arrivals_Document_Day", table: "Arrivals", columns: new[] { "CountyCode", "DocumentHash", "ArrivalDate" },
            unique: true, filter: "\"Status\" <> 4");
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropIndex(name: "UX_Arrivals_Document_Day", table: "Arrivals");
        migrationBuilder.CreateIndex(name: "IX_Arrivals_CountyCode_DocumentHash_ArrivalDate", table: "Arrivals", columns: new[] { "CountyCode", "DocumentHash", "ArrivalDate" });
    }
}
