namespace Fangkong.Core.Tasks;

/// <summary>
/// The cycle thresholds (Ct) a lab reports with a positive PCR result, one per target gene (ORF1ab, N): optional, each
/// from 0 to 45 with at most one decimal, as the lab's report gives them.
/// </summary>
public static class ResultCt
{
    public const decimal Max = 45m;

    public static bool Valid(decimal value) => value is >= 0m and <= Max && decimal.Round(value, 1) == value;
}
