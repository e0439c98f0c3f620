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

    /// <summary>
    /// The complete rows of layers.csv text (a line without its line break, torn by a crash, is
    /// dropped; so is any line that does not parse, which <see cref="Runs.Replay"/> then finds missing).
    /// </summary>
    public static Arr<LayerRow> ParseLines(string text)
    {
        var lines = text.Split('\n');
        var rows = new List<LayerRow>();
        for (var i = 1; i < lines.Length - 1; i++)
            if (ParseLine(lines[i]) is { } row) rows.Add(row);
        return rows.ToArr();
    }

    /// <summary>The lines of layers.csv text after the header, by (epoch, layer); the first line wins.</summary>
    public static Dictionary<(int Epoch, int Layer), string> Lines(string text)
    {
        var lines = new Dictionary<(int, int), string>();
        var split = text.Split('\n');
        for (var i = 1; i < split.Length - 1; i++)
        {
            var line = split[i].TrimEnd('\r');
            var cells = line.Split(',');
            if (cells.Length >= 2 && int.TryParse(cells[0], NumberStyles.None, CultureInfo.InvariantCulture, out var epoch) &&
                int.TryParse(cells[1], NumberStyles.None, CultureInfo.InvariantCulture, out var layer))
                lines.TryAdd((epoch, layer), line);
        }
        return lines;
    }

    private static LayerRow? ParseLine(string line)
    {
        var cells = line.TrimEnd('\r').Split(',');
        if (cells.Length != 11 ||
            !int.TryParse(cells[0], NumberStyles.None, CultureInfo.InvariantCulture, out var epoch) ||
            !int.TryParse(cells[1], NumberStyles.None, CultureInfo.InvariantCulture, out var layer))
            return null;
        var values = new double?[9];
        for (var i = 0; i < 9; i++)
        {
            if (cells[i + 2].Length == 0) continue;
            if (!double.TryParse(cells[i + 2], NumberStyles.Float, CultureInfo.InvariantCulture, out var v)) return null;
            values[i] = v;
        }
        if (values[0] is not { } wg || values[1] is not { } bg || values[2] is not { } wn || values[3] is not { } un || values[4] is not { } ur ||
            values[7] is not { } mean || values[8] is not { } std)
            return null;
        return new LayerRow(epoch, layer, new LayerStatistics(wg, bg, wn, un, ur, values[5], values[6], mean, std));
    }

    private static string Text(double? value) => value?.ToString("R", CultureInfo.InvariantCulture) ?? "";
}
