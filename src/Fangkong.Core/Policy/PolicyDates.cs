using Fangkong.Core.People;

namespace Fangkong.Core.Policy;

/// <summary>
/// The dates a policy evaluation can be asked about: from the start of the outbreak (2019-12-01) to a year after
/// today. Outside that range a date is a typing mistake (9999-12-31, 0001-01-01), not a question the rules answer,
/// and laying out measures from it would run past the calendar.
/// </summary>
public static class PolicyDates
{
    public static readonly DateOnly Earliest = new(2019, 12, 1);
    public const int MaxYearsAhead = 1;

    /// <summary>The error of one date field ("date.too-early" / "date.too-far-ahead"), or null when it is in range.</summary>
    public static FieldError? Check(string field, DateOnly date, DateOnly today) =>
        date < Earliest ? new FieldError(field, "date.too-early")
        : date > today.AddYears(MaxYearsAhead) ? new FieldError(field, "date.too-far-ahead")
        : null;

    /// <summary>The errors of an evaluation's exposure date and its optional "rules in force on" date.</summary>
    public static IReadOnlyList<FieldError> CheckEvaluation(DateOnly exposureDate, DateOnly? on, DateOnly today) =>
        new[] { Check("exposureDate", exposureDate, today), on is { } o ? Check("on", o, today) : null }
            .OfType<FieldError>().ToList();
}
