// Written by hand: one column with its backfill.
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Fangkong.Data.Migrations;

/// <summary>
/// An order keeps how it may end (<c>ReleaseCondition</c>), from the rule that required it: every test negative (the
/// default, as before), or the end of the assignment for closed-loop workers — the only rule of the shipped packs that
/// names it, so orders already open under it are set from their rule reference.
/// </summary>
[DbContext(typeof(FangkongDb))]
[Migration("20261122000800_ReleaseCondition")]
public sealed class ReleaseCondition : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.AddColumn<string>(name: "ReleaseCondition", table: "ControlOrders", maxLength: 40, nullable: false, defaultValue: "all-tests-negative");
        migrationBuilder.Sql("""UPDATE "ControlOrders" SET "ReleaseCondition" = 'end-of-assignment' WHERE "RuleReference" LIKE '%#closed-loop-worker'""");
    }

    protected override void Down(MigrationBuilder migrationBuilder) =>
        migrationBuilder.DropColumn(name: "ReleaseCondition", table: "ControlOrders");
}
