// Written by hand: one table and its index.
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

namespace Fangkong.Data.Migrations;

/// <summary>
/// The county's duty roles as data the command centre edits: the five-to-one owner roles of a control order and the
/// roles of a township's verification team (until now read from configuration). The starting lists are added by the
/// reference data that runs after every migration.
/// </summary>
[DbContext(typeof(FangkongDb))]
[Migration("20261207000000_DutyRoles")]
public sealed class DutyRoles : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "DutyRoles",
            columns: table => new
            {
                Id = table.Column<long>(nullable: false)
                    .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn)
                    .Annotation("Sqlite:Autoincrement", true),
                CountyCode = table.Column<string>(maxLength: 6, nullable: false),
                Kind = table.Column<int>(nullable: false),
                Code = table.Column<string>(maxLength: 40, nullable: false),
                NameZh = table.Column<string>(maxLength: 20, nullable: false),
                NameEn = table.Column<string>(maxLength: 60, nullable: false),
                SortOrder = table.Column<int>(nullable: false),
                IsActive = table.Column<bool>(nullable: false),
            },
            constraints: table => table.PrimaryKey("PK_DutyRoles", x => x.Id));

        migrationBuilder.CreateIndex(name: "IX_DutyRoles_CountyCode_Kind_Code", table: "DutyRoles", columns: new[] { "CountyCode", "Kind", "Code" }, unique: true);
    }

    protected override void Down(MigrationBuilder migrationBuilder) => migrationBuilder.DropTable(name: "DutyRoles");
}
