using System.Globalization;
using LanguageExt;

namespace Backprop.Functional.IO;

/// <summary>One row of a run's layers.csv: what epoch k's first step did to one layer (<see cref="LayerStatistics"/>).</summary>
/// <param name="Epoch">The epoch (1 is the first).</param>
/// <param name="Layer">The layer, 0 on the input side.</param>
/// <param name="Statistics">Its statistics.</param>
public sealed record LayerRow(int Epoch, int Layer, LayerStatistics Statistics)
{
    /// <summary>The header line.</summary>
    public const string Header = "epoch,layer,weight_grad_norm,bias_grad_norm,weight_norm,update_norm,update_ratio,saturated,dead,activation_mean,activation_std";

    /// <summary>The rows of one epoch, input side first.</summary>
    public static Arr<LayerRow> Of(int epoch, Arr<LayerStatistics> layers) => layers.Map((i, s) => new LayerRow(epoch, i, s)).ToArr();

    /// <summary>The row as a CSV line: every number in round-trip ("R") form, empty where a column does not apply.</summary>
    public string ToCsv()
    {
        var s = Statistics;
        return string.Join(",",
            Epoch.ToString(CultureInfo.InvariantCulture), Layer.ToString(CultureInfo.InvariantCulture),
            Text(s.WeightGradNorm), Text(s.BiasGradNorm), Text(s.WeightNorm), Text(s.UpdateNorm), Text(s.UpdateRatio),
            Text(s.Saturated), Text(s.Dead), Text(s.ActivationMean), Text(s.ActivationStd));
    }

    /// <summary>The row as the reader gives it back (<see cref="Runs.LayerRows"/>).</summary>
    public Runs.LayerReading ToReading()
    {
        var s = Statistics;
        return new Runs.LayerReading(Epoch, Layer, s.WeightGradNorm, s.BiasGradNorm, s.WeightNorm, s.UpdateNorm, s.UpdateRatio, s.Saturated, s.Dead, s.ActivationMean, s.ActivationStd);
    }

    private static string Text(double? value) => value?.ToString("R", CultureInfo.InvariantCulture) ?? "";
}
