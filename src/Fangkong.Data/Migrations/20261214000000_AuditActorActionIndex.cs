// Written by hand: one index.
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Fangkong.Data.Migrations;

/// <summary>
/// The access log read by account, action and time: how many close-contact look-ups an account made in the last ten
/// minutes (the limit on probing who is under control across the county) and which orders its look-ups of the last
/// day returned (what it may link a secondary contact to), without scanning the county's whole log.
/// </summary>
[DbContext(typeof(FangkongDb))]
[Migration("20261214000000_AuditActorActionIndex")]
public sealed class AuditActorActionIndex : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder) =>
        migrationBuilder.CreateIndex(name: "IX_AuditEntries_ActorId_Action_At", table: "AuditEntries", columns: new[] { "ActorId", "Action", "At" });

    protected override void Down(MigrationBuilder migrationBuilder) =>
        migrationBuilder.DropIndex(name: "IX_AuditEntries_ActorId_Action_At", table: "AuditEntries");
}
