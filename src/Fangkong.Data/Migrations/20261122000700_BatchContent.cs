// Written by hand: one column and its index.
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Fangkong.Data.Migrations;

/// <summary>
/// A pushed batch keeps the digest of its rows' content (<c>ContentSha256</c>), so the same batch sent again in another
/// file (xlsx instead of csv, another encoding, another row order) is recognised as a re-import. Batches imported
/// before keep a null digest; their files are still recognised by their hash.
/// </summary>
[DbContext(typeof(FangkongDb))]
[Migration("20261122000700_BatchContent")]
public sealed class BatchContent : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.AddColumn<string>(name: "ContentSha256", table: "VerificationBatches", maxLength: 64, nullable: true);
        migrationBuilder.CreateIndex(name: "IX_VerificationBatches_CountyCode_ContentSha256", table: "VerificationBatches", columns: new[] { "CountyCode", "ContentSha256" });
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropIndex(name: "IX_VerificationBatches_CountyCode_ContentSha256", table: "VerificationBatches");
        migrationBuilder.DropColumn(name: "ContentSha256", table: "VerificationBatches");
    }
}
