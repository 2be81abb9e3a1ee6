using Fangkong.Core.Audit;

namespace Fangkong.Core.Tests.Audit;

public class AuditChangesTests
{
    [Fact]
    public void Changes_ReadBack_FieldByField()
    {
        var json = new AuditChanges().Set("Status", "Proposed", "Active").Set("EndDate", null, "2022-10-12").Set("Note", "a \"quoted\" 值", null).ToJson();
        Assert.Equal([("EndDate", null, "2022-10-12"), ("Note", "a \"quoted\" 值", null), ("Status", "Proposed", "Active")], AuditChanges.Parse(json));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("not json")]
    [InlineData("[1,2]")]
    [InlineData("{\"Status\":\"only one value\"}")]
    public void Unreadable_OrEmpty_IsNoChange(string? json) => Assert.Empty(AuditChanges.Parse(json));

    /// <summary>The platform's bookkeeping (ids, county and scope codes, other records' ids) is told apart from what people work with.</summary>
    [Theory]
    [InlineData("Id", true)]
    [InlineData("CountyCode", true)]
    [InlineData("ScopeKey", true)]
    [InlineData("OriginalScopeKey", true)]
    [InlineData("AreaCountyCode", true)]
    [InlineData("PersonId", true)]
    [InlineData("OrderId", true)]
    [InlineData("RulePackId", true)]
    [InlineData("LinkedOrderId", true)]
    [InlineData("Status", false)]
    [InlineData("IdValid", false)]
    [InlineData("IdIssue", false)]
    [InlineData("AreaCountyName", false)]
    [InlineData("RuleReference", false)]
    [InlineData("RulePackVersion", false)]
    [InlineData("Date", false)]
    public void InternalFields_AreIdsAndCodes(string field, bool expected) => Assert.Equal(expected, AuditChanges.IsInternal(field));

    [Fact]
    public void AuditTrailEntries_ChainAndDetectAnAlteration()
    {
        var genesis = AuditHasher.Genesis("411326");
        var entries = new[]
        {
            new AuditEntry { CountyCode = "411326", Sequence = 1, At = new DateTime(2022, 10, 5, 1, 0, 0, DateTimeKind.Utc), Action = "order.update", Changes = new AuditChanges().Set("Status", "Proposed", "Active").ToJson(), ActorName = "镇专班", Reason = "核实无误", Rule = "cn-9th#high-risk-area" },
            new AuditEntry { CountyCode = "411326", Sequence = 2, At = new DateTime(2022, 10, 5, 1, 5, 0, DateTimeKind.Utc), Action = "person.reveal", ActorName = "村干部", Reason = "电话联系", Rule = "reveal" },
        };
        var head = AuditHasher.Link(entries, genesis);
        Assert.Equal(entries[1].Hash, head);
        Assert.Equal(entries[0].Hash, entries[1].PreviousHash);
        Assert.Equal(entries[1].Hash, AuditHasher.Compute(entries[1], entries[0].Hash));
        // Changing the reason after the fact breaks the entry's own hash.
        entries[0].Reason = "改过";
        Assert.NotEqual(entries[0].Hash, AuditHasher.Compute(entries[0], genesis));
    }
}
