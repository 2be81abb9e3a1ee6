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

    [Theory]
    [InlineData("v", 36.5, 0, "v", 36.5, 9, true)]    // the same reading within minutes: a resend
    [InlineData("v", 36.5, 0, "v", 36.5, 10, false)]  // ten minutes on: a re-measurement
    [InlineData("v", 36.5, 0, "s", 36.5, 1, false)]   // another reporter
    [InlineData("v", 36.5, 0, "v", 36.6, 1, false)]   // another value
    public void IsResend_OnlyTheSameReading_FromTheSameReporter_WithinMinutes(string storedBy, double storedT, int storedMinute, string by, double t, int minute, bool expected)
    {
        var at = new DateTime(2022, 9, 1, 8, 0, 0, DateTimeKind.Utc);
        Assert.Equal(expected, MonitoringRules.IsResend(storedBy, (decimal)storedT, Symptoms.None, null, at.AddMinutes(storedMinute), by, (decimal)t, Symptoms.None, null, at.AddMinutes(minute)));
    }
}
