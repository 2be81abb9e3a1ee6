// Written by hand: one column.
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Fangkong.Data.Migrations;

/// <summary>
/// A job lease remembers what its job last worked from: the closed loop checks recent arrivals again only when the
/// risk-area list or the rule packs changed since.
/// </summary>
[DbContext(typeof(FangkongDb))]
[Migration("20261216000000_JobLeaseState")]
public sealed class JobLeaseState : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder) =>
        migrationBuilder.AddColumn<string>(name: "State", table: "JobLeases", maxLength: 200, nullable: true);

    protected override void Down(MigrationBuilder migrationBuilder) =>
        migrationBuilder.DropColumn(name: "State", table: "JobLeases");
}
