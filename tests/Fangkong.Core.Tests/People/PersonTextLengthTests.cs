using Fangkong.Core.People;

namespace Fangkong.Core.Tests.People;

public class PersonTextLengthTests
{
    [Fact]
    public void TextsAtTheirLimits_Pass_AsDoEmptyOnes()
    {
        Assert.Empty(PersonRules.CheckTextLengths(new string('户', 20), new string('地', 100), new string('职', 50), new string('单', 100), new string('注', 500)));
        Assert.Empty(PersonRules.CheckTextLengths(null, null, null, null, null));
        // Measured as stored: surrounding spaces do not count.
        Assert.Empty(PersonRules.CheckTextLengths("  " + new string('户', 20) + "  ", null, null, null, null));
    }

    [Fact]
    public void EachTextOverItsLimit_IsNamed()
    {
        var errors = PersonRules.CheckTextLengths(new string('户', 21), new string('地', 101), new string('职', 51), new string('单', 101), new string('注', 501));
        Assert.Equal(
            [new FieldError("relation", "field.too-long"), new FieldError("awayLocation", "field.too-long"), new FieldError("occupation", "field.too-long"),
             new FieldError("workplace", "field.too-long"), new FieldError("note", "note.too-long")],
            errors);
        Assert.Equal([new FieldError("occupation", "field.too-long")], PersonRules.CheckTextLengths(null, null, new string('x', 60), null, null));
    }
}
