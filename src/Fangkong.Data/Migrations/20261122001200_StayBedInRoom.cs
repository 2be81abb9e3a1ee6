using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Fangkong.Data.Migrations;

/// <summary>
/// A room never holds more people than it has beds, enforced by the database: a stay holding a room must hold one of
/// its beds (1 … the room's beds), and a room's beds cannot be cut below a bed that is held. With the unique index on
/// (room, bed) of the stays that hold one, that is at most "beds" people per room — whatever the code does.
/// </summary>
[DbContext(typeof(FangkongDb))]
[Migration("20261122001200_StayBedInRoom")]
public sealed class StayBedInRoom : Migration
{
    public const string BedOutsideRoom = "stay.bed-outside-room";
    public const string BedsBelowHeld = "room.beds-below-held";

    protected override void Up(MigrationBuilder migrationBuilder)
    {
        if (migrationBuilder.IsNpgsql())
        {
            migrationBuilder.Sql($$"""
                CREATE OR REPLACE FUNCTION fangkong_stay_bed_in_room() RETURNS trigger AS $$
                BEGIN
                    IF NEW."OccupiedRoomId" IS NOT NULL AND (NEW."Bed" < 1 OR NEW."Bed" > (SELECT "Beds" FROM "Rooms" WHERE "Id" = NEW."OccupiedRoomId")) THEN
                        RAISE EXCEPTION '{{BedOutsideRoom}}' USING ERRCODE = '23514';
                    END IF;
                    RETURN NEW;
                END;
                $$ LANGUAGE plpgsql;
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER stays_bed_in_room BEFORE INSERT OR UPDATE OF "OccupiedRoomId", "Bed" ON "Stays"
                FOR EACH ROW EXECUTE FUNCTION fangkong_stay_bed_in_room();
                """);
            migrationBuilder.Sql($$"""
                CREATE OR REPLACE FUNCTION fangkong_room_beds_hold_stays() RETURNS trigger AS $$
                BEGIN
                    IF EXISTS (SELECT 1 FROM "Stays" WHERE "OccupiedRoomId" = NEW."Id" AND "Bed" > NEW."Beds") THEN
                        RAISE EXCEPTION '{{BedsBelowHeld}}' USING ERRCODE = '23514';
                    END IF;
                    RETURN NEW;
                END;
                $$ LANGUAGE plpgsql;
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER rooms_beds_hold_stays BEFORE UPDATE OF "Beds" ON "Rooms"
                FOR EACH ROW EXECUTE FUNCTION fangkong_room_beds_hold_stays();
                """);
        }
        else
        {
            const string outside = """NEW."OccupiedRoomId" IS NOT NULL AND (NEW."Bed" < 1 OR NEW."Bed" > (SELECT "Beds" FROM "Rooms" WHERE "Id" = NEW."OccupiedRoomId"))""";
            migrationBuilder.Sql($"""
                CREATE TRIGGER stays_bed_in_room_insert BEFORE INSERT ON "Stays" WHEN {outside}
                BEGIN SELECT RAISE(ABORT, '{BedOutsideRoom}'); END;
                """);
            migrationBuilder.Sql($"""
                CREATE TRIGGER stays_bed_in_room_update BEFORE UPDATE OF "OccupiedRoomId", "Bed" ON "Stays" WHEN {outside}
                BEGIN SELECT RAISE(ABORT, '{BedOutsideRoom}'); END;
                """);
            migrationBuilder.Sql($"""
                CREATE TRIGGER rooms_beds_hold_stays BEFORE UPDATE OF "Beds" ON "Rooms"
                WHEN EXISTS (SELECT 1 FROM "Stays" WHERE "OccupiedRoomId" = NEW."Id" AND "Bed" > NEW."Beds")
                BEGIN SELECT RAISE(ABORT, '{BedsBelowHeld}'); END;
                """);
        }
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        if (migrationBuilder.IsNpgsql())
        {
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS stays_bed_in_room ON \"Stays\";");
            migrationBuilder.Sql("DROP FUNCTION IF EXISTS fangkong_stay_bed_in_room();");
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS rooms_beds_hold_stays ON \"Rooms\";");
            migrationBuilder.Sql("DROP FUNCTION IF EXISTS fangkong_room_beds_hold_stays();");
        }
        else
        {
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS stays_bed_in_room_insert;");
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS stays_bed_in_room_update;");
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS rooms_beds_hold_stays;");
        }
    }
}
