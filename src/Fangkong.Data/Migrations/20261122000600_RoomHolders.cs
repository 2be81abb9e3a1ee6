// Written by hand: one column, its backfill and one partial index.
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Fangkong.Data.Migrations;

/// <summary>
/// Rooms count the active stays holding them (<c>Holders</c>), filled from the stays already there, and the free rooms
/// of each site get a partial index ordered as allocation ranks them (kind, own bathroom and single first, then
/// building, floor and number).
/// </summary>
[DbContext(typeof(FangkongDb))]
[Migration("20261122000600_RoomHolders")]
public sealed class RoomHolders : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.AddColumn<int>(name: "Holders", table: "Rooms", nullable: false, defaultValue: 0);

        migrationBuilder.Sql("""
            UPDATE "Rooms" SET "Holders" = (SELECT COUNT(*) FROM "Stays" s WHERE s."OccupiedRoomId" = "Rooms"."Id")
            WHERE EXISTS (SELECT 1 FROM "Stays" s WHERE s."OccupiedRoomId" = "Rooms"."Id")
            """);

        migrationBuilder.CreateIndex(name: "IX_Rooms_Free", table: "Rooms",
            columns: new[] { "SiteId", "Accessible", "FamilyRoom", "OwnBathroom", "Single", "Building", "Floor", "Number" },
            descending: new[] { false, false, false, true, true, false, false, false },
            filter: "\"State\" = 0 AND \"Holders\" = 0");
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropIndex(name: "IX_Rooms_Free", table: "Rooms");
        migrationBuilder.DropColumn(name: "Holders", table: "Rooms");
    }
}
