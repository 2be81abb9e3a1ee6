using Fangkong.Core.Orders;
using Fangkong.Core.Tasks;

namespace Fangkong.Core.Tests.Orders;

public class FeverTasksTests
{
    [Theory]
    [InlineData(false, false, FeverTaskAction.None)]
    [InlineData(false, true, FeverTaskAction.None)]   // a normal reading never touches the open task
    [InlineData(true, false, FeverTaskAction.Raise)]  // no open task (none yet, or the last one handled): a new one
    [InlineData(true, true, FeverTaskAction.Attach)]  // an open task: the reading joins it, no second task
    public void AnAlarmingReading_JoinsTheOpenTask_OrRaisesOne(bool alarming, bool open, FeverTaskAction expected) =>
        Assert.Equal(expected, FeverTasks.Decide(alarming, open));

    [Fact]
    public void Attach_KeepsTheHighestTemperature_AndEverySymptomSoFar()
    {
        var morning = TaskTitle.Fever(38.0m, Symptoms.DryCough).Format();
        var evening = FeverTasks.Attach(morning, 38.4m, Symptoms.Fatigue);
        Assert.Equal(TaskTitle.Fever(38.4m, Symptoms.DryCough | Symptoms.Fatigue), evening);
        // A lower reading later keeps 38.4 and still adds its symptom.
        var later = FeverTasks.Attach(evening.Format(), 37.5m, Symptoms.SoreThroat);
        Assert.Equal("fever?temperature=38.4&symptoms=DryCough,Fatigue,SoreThroat", later.Format());
        // A symptom-only reading keeps the fever's temperature.
        Assert.Equal("fever?temperature=38.4&symptoms=DryCough,Fatigue", FeverTasks.Attach(evening.Format(), 36.5m, Symptoms.DryCough).Format());
    }

    [Fact]
    public void Attach_ToATitleThatIsNotAFevers_GivesTheReadingsOwn() =>
        Assert.Equal(TaskTitle.Fever(37.6m, Symptoms.None), FeverTasks.Attach("spot-check?outcome=Unwell", 37.6m, Symptoms.None));

    [Fact]
    public void Key_IsTheSlotsForTheFirstReading_AndCarriesTheSequenceOfARemeasurement()
    {
        Assert.Equal("fever:7:20220901:Morning", FeverTasks.Key(7, new DateOnly(2022, 9, 1), ReportSlot.Morning, 0));
        Assert.Equal("fever:7:20220901:Evening:2", FeverTasks.Key(7, new DateOnly(2022, 9, 1), ReportSlot.Evening, 2));
    }
}
