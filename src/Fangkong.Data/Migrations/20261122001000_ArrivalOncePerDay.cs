// Written by hand: one index made unique, after folding the duplicates it would refuse.
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Fangkong.Data.Migrations;

/// <summary>
/// One live registration per person, county and arrival day, enforced by the database: two registrations of one
/// person sent at the same moment (two codes scanned, a double tap) used to both be inserted. Duplicates already
/// stored are cancelled, keeping the first one, before the index is built.
/// </summary>
[DbContext(typeof(FangkongDb))]
[Migration("20261122001000_ArrivalOncePerDay")]
public sealed class ArrivalOncePerDay : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        foreach (var sql in FoldDuplicates) migrationBuilder.Sql(sql);
        migrationBuilder.DropIndex(name: "IX_Arrivals_CountyCode_DocumentHash_ArrivalDate", table: "Arrivals");
        migrationBuilder.CreateIndex(name: "UX_Arrivals_Document_Day", table: "Arrivals", columns: new[] { "CountyCode", "DocumentHash", "ArrivalDate" },
            unique: true, filter: "\"Status\" <> 4");
    }

    /// <summary>
    /// Which registration of a person's day stays: a decided one (order confirmed, release confirmed) before an
    /// undecided one, then the first. The proposals of the folded ones are withdrawn with them (orders first: the
    /// condition reads the arrivals before they are folded).
    /// </summary>
    public static IReadOnlyList<string> FoldDuplicates { get; } = Fold();

    private static string[] Fold()
    {
        const string rank = """(CASE WHEN "{0}"."Status" IN (2, 3) THEN 0 ELSE 1 END)""";
        static string Folded(string alias)
        {
            string Rank(string a) => string.Format(System.Globalization.CultureInfo.InvariantCulture, rank, a);
            return $"""
                "{alias}"."Status" <> 4 AND EXISTS (
                    SELECT 1 FROM "Arrivals" AS "Kept"
                    WHERE "Kept"."CountyCode" = "{alias}"."CountyCode" AND "Kept"."DocumentHash" = "{alias}"."DocumentHash"
                      AND "Kept"."ArrivalDate" = "{alias}"."ArrivalDate" AND "Kept"."Status" <> 4 AND "Kept"."Id" <> "{alias}"."Id"
                      AND ({Rank("Kept")} < {Rank(alias)} OR ({Rank("Kept")} = {Rank(alias)} AND "Kept"."Id" < "{alias}"."Id")))
                """;
        }
        return
        [
            $"""
            UPDATE "ControlOrders" SET "Status" = 6, "StatusReason" = 'duplicate registration of the same day withdrawn'
            WHERE "Status" = 0 AND "Id" IN (SELECT "Dup"."OrderId" FROM "Arrivals" AS "Dup" WHERE "Dup"."OrderId" IS NOT NULL AND {Folded("Dup")})
            """,
            $"""
            UPDATE "Arrivals" SET "Status" = 4, "DecisionNote" = 'duplicate registration of the same day (folded when the database began to refuse them)'
            WHERE {Folded("Arrivals")}
            """,
        ];
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropIndex(name: "UX_Arrivals_Document_Day", table: "Arrivals");
        migrationBuilder.CreateIndex(name: "IX_Arrivals_CountyCode_DocumentHash_ArrivalDate", table: "Arrivals", columns: new[] { "CountyCode", "DocumentHash", "ArrivalDate" });
    }
}
