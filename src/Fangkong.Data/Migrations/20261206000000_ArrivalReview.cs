// Written by hand: two columns.
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Fangkong.Data.Migrations;

/// <summary>
/// An arrival carries flags for the township (a name that is not the registry's, a resubmission with different data)
/// and keeps differing same-day resubmissions as sent (encrypted), instead of letting them rewrite the arrival.
/// </summary>
[DbContext(typeof(FangkongDb))]
[Migration("20261206000000_ArrivalReview")]
public sealed class ArrivalReview : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.AddColumn<string>(name: "Flags", table: "Arrivals", maxLength: 100, nullable: true);
        migrationBuilder.AddColumn<byte[]>(name: "ResubmissionsJson", table: "Arrivals", nullable: true);
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropColumn(name: "Flags", table: "Arrivals");
        migrationBuilder.DropColumn(name: "ResubmissionsJson", table: "Arrivals");
    }
}
