// Written by hand: two columns.
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Fangkong.Data.Migrations;

/// <summary>An arrival's landing test (落地检) keeps its result and when it came back, not only when it was sampled.</summary>
[DbContext(typeof(FangkongDb))]
[Migration("20261122001100_LandingTestResult")]
public sealed class LandingTestResult : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.AddColumn<string>(name: "LandingTestResult", table: "Arrivals", maxLength: 10, nullable: true);
        migrationBuilder.AddColumn<System.DateTime>(name: "LandingTestResultAt", table: "Arrivals", nullable: true);
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropColumn(name: "LandingTestResult", table: "Arrivals");
        migrationBuilder.DropColumn(name: "LandingTestResultAt", table: "Arrivals");
    }
}
