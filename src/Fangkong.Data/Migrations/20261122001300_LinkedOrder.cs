// Written by hand: one column and its index.
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Fangkong.Data.Migrations;

/// <summary>A secondary contact's order names the close contact's order whose first tests decide its release.</summary>
[DbContext(typeof(FangkongDb))]
[Migration("20261122001300_LinkedOrder")]
public sealed class LinkedOrder : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.AddColumn<long>(name: "LinkedOrderId", table: "ControlOrders", nullable: true);
        migrationBuilder.CreateIndex(name: "IX_ControlOrders_LinkedOrderId", table: "ControlOrders", column: "LinkedOrderId", filter: "\"LinkedOrderId\" IS NOT NULL");
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropIndex(name: "IX_ControlOrders_LinkedOrderId", table: "ControlOrders");
        migrationBuilder.DropColumn(name: "LinkedOrderId", table: "ControlOrders");
    }
}
