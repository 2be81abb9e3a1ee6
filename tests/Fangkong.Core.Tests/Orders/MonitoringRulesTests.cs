using Fangkong.Core.Orders;

namespace Fangkong.Core.Tests.Orders;

public class MonitoringRulesTests
{
    [Theory]
    [InlineData("36.5", Symptoms.None, false)]
    [InlineData("37.2", Symptoms.None, false)]
    [InlineData("37.3", Symptoms.None, true)]   // the fever threshold itself raises the transfer task
    [InlineData("39.0", Symptoms.None, true)]
    [InlineData("36.5", Symptoms.DryCough, true)] // a symptom alone, without fever
    [InlineData("36.2", Symptoms.LossOfSmell | Symptoms.Fatigue, true)]
    public void AReport_IsAlarming_AtTheThresholdOrWithAnySymptom(string temperature, Symptoms symptoms, bool alarming) =>
        Assert.Equal(alarming, MonitoringRules.IsAlarming(decimal.Parse(temperature, System.Globalization.CultureInfo.InvariantCulture), symptoms));

    [Fact]
    public void ReportsAreDue_InTheMorningAndTheEvening() =>
        Assert.Equal((new TimeOnly(11, 0), new TimeOnly(21, 0)), (MonitoringRules.DefaultDeadline(ReportSlot.Morning), MonitoringRules.DefaultDeadline(ReportSlot.Evening)));
}
