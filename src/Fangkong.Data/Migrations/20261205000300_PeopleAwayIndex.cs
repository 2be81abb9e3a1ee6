// Written by hand: one partial index.
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Fangkong.Data.Migrations;

/// <summary>The locals away (外出) of a unit, counted on every ledger page: a partial index holding only them.</summary>
[DbContext(typeof(FangkongDb))]
[Migration("20261205000300_PeopleAwayIndex")]
public sealed class PeopleAwayIndex : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder) =>
        migrationBuilder.CreateIndex(name: "IX_People_Away", table: "People", columns: ["CountyCode", "ScopeKey"], filter: "\"Residence\" = 1");

    protected override void Down(MigrationBuilder migrationBuilder) =>
        migrationBuilder.DropIndex(name: "IX_People_Away", table: "People");
}
