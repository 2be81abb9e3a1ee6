using Microsoft.Extensions.Localization;

namespace Fangkong.Web.ClosedLoop;

/// <summary>Task titles are stored as neutral data ("38.2°C DryCough", "2022-10-05 evening report missing"); these put them in the UI language.</summary>
public static class TaskWords
{
    public static string Title(IStringLocalizer<ClosedLoopStrings> c, string title)
    {
        foreach (var s in Enum.GetValues<Core.Orders.Symptoms>().Where(s => s != Core.Orders.Symptoms.None))
            title = title.Replace(s.ToString(), c["Symptom_" + s].Value, StringComparison.Ordinal);
        foreach (var o in Enum.GetValues<Core.Orders.SpotCheckOutcome>())
            title = title.Replace("spot check: " + o, c["SpotCheckTitle"].Value + c["Outcome_" + o].Value, StringComparison.Ordinal);
        return title.Replace("morning report missing", c["MorningMissing"].Value, StringComparison.Ordinal)
            .Replace("evening report missing", c["EveningMissing"].Value, StringComparison.Ordinal)
            .Replace(", ", System.Globalization.CultureInfo.CurrentUICulture.Name.StartsWith("zh", StringComparison.Ordinal) ? "、" : ", ", StringComparison.Ordinal);
    }
}
