// Written by hand: three columns.
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Fangkong.Data.Migrations;

/// <summary>
/// A verification task keeps the Ct values a lab reports with a positive result (ORF1ab and N gene, one decimal) and
/// the closing note, whatever the measure (a task closed with no measure kept none before).
/// </summary>
[DbContext(typeof(FangkongDb))]
[Migration("20261210000000_VerificationCtAndCloseNote")]
public sealed class VerificationCtAndCloseNote : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.AddColumn<decimal>(name: "Orf1abCt", table: "VerificationTasks", precision: 4, scale: 1, nullable: true);
        migrationBuilder.AddColumn<decimal>(name: "NCt", table: "VerificationTasks", precision: 4, scale: 1, nullable: true);
        migrationBuilder.AddColumn<string>(name: "CloseNote", table: "VerificationTasks", maxLength: 500, nullable: true);
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropColumn(name: "CloseNote", table: "VerificationTasks");
        migrationBuilder.DropColumn(name: "NCt", table: "VerificationTasks");
        migrationBuilder.DropColumn(name: "Orf1abCt", table: "VerificationTasks");
    }
}
