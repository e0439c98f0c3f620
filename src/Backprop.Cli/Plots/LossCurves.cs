using Backprop.Functional.IO;
using LanguageExt;

namespace Backprop.Cli.Plots;

/// <summary>One named curve: y against epoch.</summary>
public sealed record Curve(string Name, double[] Epochs, double[] Values)
{
    /// <summary>Whether the curve has any point to draw.</summary>
    public bool IsEmpty => Epochs.Length == 0;
}

/// <summary>
/// The curves of a run's metrics.csv: the training loss (each epoch's mean batch loss, measured
/// before its steps), and, with a validation split, the validation loss and accuracy after each
/// epoch. Epochs without a finite value are left out of that curve rather than drawn as zero.
/// </summary>
public sealed record LossCurves(Curve Loss, Curve ValidationLoss, Curve ValidationAccuracy)
{
    /// <summary>Whether the run measured validation accuracy (a classification run with a validation split).</summary>
    public bool HasAccuracy => !ValidationAccuracy.IsEmpty;

    /// <summary>The curves of <paramref name="rows"/>.</summary>
    public static LossCurves Of(Arr<MetricsRow> rows) => new(
        Select("training loss", rows, m => m.Loss),
        Select("validation loss", rows, m => m.ValidationLoss),
        Select("validation accuracy", rows, m => m.ValidationAccuracy));

    /// <summary>
    /// The same curves for a log-scale axis: the losses as log10, with the points a log axis
    /// cannot show (zero or negative) left out. Accuracy stays linear.
    /// </summary>
    public LossCurves Log10() => this with { Loss = Log10(Loss), ValidationLoss = Log10(ValidationLoss) };

    private static Curve Log10(Curve curve)
    {
        var kept = Enumerable.Range(0, curve.Epochs.Length).Where(i => curve.Values[i] > 0).ToArray();
        return curve with { Epochs = kept.Select(i => curve.Epochs[i]).ToArray(), Values = kept.Select(i => Math.Log10(curve.Values[i])).ToArray() };
    }

    private static Curve Select(string name, Arr<MetricsRow> rows, Func<EpochMetrics, double?> value)
    {
        var points = rows.Select(r => (Epoch: (double)r.Epoch, Value: value(r.Metrics)))
            .Where(p => p.Value is { } v && double.IsFinite(v))
            .ToArray();
        return new Curve(name, points.Select(p => p.Epoch).ToArray(), points.Select(p => p.Value!.Value).ToArray());
    }
}
