// Written by hand: one column.
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Fangkong.Data.Migrations;

/// <summary>
/// A refused import row keeps the address resolver's note (a code with the places it names) apart from the value, so
/// the page and the error report put it into the reader's language instead of showing the resolver's English.
/// </summary>
[DbContext(typeof(FangkongDb))]
[Migration("20261208000000_ImportRowNote")]
public sealed class ImportRowNote : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder) =>
        migrationBuilder.AddColumn<string>(name: "Note", table: "ImportRowErrors", maxLength: 1000, nullable: true);

    protected override void Down(MigrationBuilder migrationBuilder) =>
        migrationBuilder.DropColumn(name: "Note", table: "ImportRowErrors");
}
