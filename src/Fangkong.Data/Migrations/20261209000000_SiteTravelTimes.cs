// Written by hand: one table, its check and its index.
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

namespace Fangkong.Data.Migrations;

/// <summary>
/// Travel times by road from each township of the county to each site (转运车程), in whole minutes: allocation suggests
/// the nearest site by them where the county has entered them. Scoped like the site's other rows (the site's scope key).
/// </summary>
[DbContext(typeof(FangkongDb))]
[Migration("20261209000000_SiteTravelTimes")]
public sealed class SiteTravelTimes : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "SiteTravelTimes",
            columns: table => new
            {
                Id = table.Column<long>(nullable: false)
                    .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn)
                    .Annotation("Sqlite:Autoincrement", true),
                CountyCode = table.Column<string>(maxLength: 6, nullable: false),
                ScopeKey = table.Column<string>(maxLength: 32, nullable: false),
                SiteId = table.Column<long>(nullable: false),
                TownshipKey = table.Column<string>(maxLength: 9, nullable: false),
                Minutes = table.Column<int>(nullable: false),
                UpdatedAt = table.Column<System.DateTime>(nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_SiteTravelTimes", x => x.Id);
                table.ForeignKey(name: "FK_SiteTravelTimes_QuarantineSites_SiteId", column: x => x.SiteId, principalTable: "QuarantineSites", principalColumn: "Id", onDelete: ReferentialAction.Restrict);
                table.CheckConstraint("CK_SiteTravelTimes_Minutes", "\"Minutes\" BETWEEN 1 AND 600");
            });

        migrationBuilder.CreateIndex(name: "IX_SiteTravelTimes_SiteId_TownshipKey", table: "SiteTravelTimes", columns: new[] { "SiteId", "TownshipKey" }, unique: true);
    }

    protected override void Down(MigrationBuilder migrationBuilder) => migrationBuilder.DropTable(name: "SiteTravelTimes");
}
