// Written by hand: two tables and their indexes.
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

namespace Fangkong.Data.Migrations;

/// <summary>
/// Notifications to units (missed deadlines, escalations, urgent tasks) and the text-message outbox they fan out to.
/// </summary>
[DbContext(typeof(FangkongDb))]
[Migration("20261122000900_Notifications")]
public sealed class NotificationsAndOutbox : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "Notifications",
            columns: table => new
            {
                Id = table.Column<long>(nullable: false)
                    .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn)
                    .Annotation("Sqlite:Autoincrement", true),
                CountyCode = table.Column<string>(maxLength: 6, nullable: false),
                ScopeKey = table.Column<string>(maxLength: 32, nullable: false),
                Kind = table.Column<string>(maxLength: 64, nullable: false),
                Level = table.Column<int>(nullable: false),
                Count = table.Column<int>(nullable: false),
                Detail = table.Column<string>(maxLength: 64, nullable: true),
                Subject = table.Column<string>(maxLength: 200, nullable: true),
                Link = table.Column<string>(maxLength: 200, nullable: true),
                DedupKey = table.Column<string>(maxLength: 200, nullable: false),
                CreatedAt = table.Column<System.DateTime>(nullable: false),
                ReadAt = table.Column<System.DateTime>(nullable: true),
                ReadBy = table.Column<string>(maxLength: 100, nullable: true),
                FannedOutAt = table.Column<System.DateTime>(nullable: true),
            },
            constraints: table => table.PrimaryKey("PK_Notifications", x => x.Id));

        migrationBuilder.CreateTable(
            name: "OutboundSms",
            columns: table => new
            {
                Id = table.Column<long>(nullable: false)
                    .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn)
                    .Annotation("Sqlite:Autoincrement", true),
                CountyCode = table.Column<string>(maxLength: 6, nullable: false),
                ScopeKey = table.Column<string>(maxLength: 32, nullable: false),
                NotificationId = table.Column<long>(nullable: false),
                AccountId = table.Column<long>(nullable: false),
                PhoneMasked = table.Column<string>(maxLength: 32, nullable: false),
                Text = table.Column<string>(maxLength: 500, nullable: false),
                Status = table.Column<int>(nullable: false),
                Attempts = table.Column<int>(nullable: false),
                NextAttemptAt = table.Column<System.DateTime>(nullable: false),
                LeaseHolder = table.Column<string>(maxLength: 100, nullable: true),
                LeaseUntil = table.Column<System.DateTime>(nullable: true),
                CreatedAt = table.Column<System.DateTime>(nullable: false),
                SentAt = table.Column<System.DateTime>(nullable: true),
                Gateway = table.Column<string>(maxLength: 64, nullable: true),
                GatewayReference = table.Column<string>(maxLength: 128, nullable: true),
                Error = table.Column<string>(maxLength: 500, nullable: true),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_OutboundSms", x => x.Id);
                table.ForeignKey(name: "FK_OutboundSms_Notifications_NotificationId", column: x => x.NotificationId, principalTable: "Notifications", principalColumn: "Id", onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateIndex(name: "IX_Notifications_CountyCode_DedupKey", table: "Notifications", columns: new[] { "CountyCode", "DedupKey" }, unique: true);
        migrationBuilder.CreateIndex(name: "IX_Notifications_CountyCode_ScopeKey_CreatedAt", table: "Notifications", columns: new[] { "CountyCode", "ScopeKey", "CreatedAt" });
        migrationBuilder.CreateIndex(name: "IX_Notifications_CountyCode_FannedOutAt", table: "Notifications", columns: new[] { "CountyCode", "FannedOutAt" });
        migrationBuilder.CreateIndex(name: "IX_OutboundSms_NotificationId_AccountId", table: "OutboundSms", columns: new[] { "NotificationId", "AccountId" }, unique: true);
        migrationBuilder.CreateIndex(name: "IX_OutboundSms_Status_NextAttemptAt", table: "OutboundSms", columns: new[] { "Status", "NextAttemptAt" });
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropTable(name: "OutboundSms");
        migrationBuilder.DropTable(name: "Notifications");
    }
}
