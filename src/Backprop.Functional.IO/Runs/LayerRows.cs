using System.Globalization;
using Backprop.Functional.IO;
using LanguageExt;
using LanguageExt.Common;

namespace Backprop.Functional.Runs;

/// <summary>
/// One row of a run's layers.csv: layer <see cref="Layer"/>'s statistics during epoch
/// <see cref="Epoch"/> (layer 0 is the input side). A cell that does not apply to the layer
/// (<c>saturated</c> for a relu layer, <c>dead</c> for a sigmoid one) is null; a broken run may
/// hold zeros and non-finite values, which are kept as they are.
/// </summary>
public sealed record LayerReading(
    int Epoch,
    int Layer,
    double? WeightGradNorm,
    double? BiasGradNorm,
    double? WeightNorm,
    double? UpdateNorm,
    double? UpdateRatio,
    double? Saturated,
    double? Dead,
    double? ActivationMean,
    double? ActivationStd);

/// <summary>
/// Reads layers.csv, the per-epoch, per-layer statistics of a run (written as <see cref="LayerRow"/>s):
/// strictly, as rows, for plots, reports and warnings; and as text lines by (epoch, layer), for
/// replay and resume, which compare and keep them as they were written.
/// </summary>
public static class LayerRows
{
    /// <summary>The file's name inside a run directory.</summary>
    public const string FileName = RunDirectory.LayersFileName;

    private static readonly string[] Columns = LayerRow.Header.Split(',');

    /// <summary>The path of layers.csv in the run directory <paramref name="runPath"/>.</summary>
    public static string PathIn(string runPath) => System.IO.Path.Combine(runPath, FileName);

    /// <summary>
    /// The rows of the layers.csv at <paramref name="path"/>. A last line without its line break
    /// is a row still being written (or torn by a crash) and is not a row yet. A missing file
    /// fails with <see cref="FileInput.MissingFileCode"/>.
    /// </summary>
    public static Fin<Arr<LayerReading>> Read(string path) =>
        FileInput.ReadRunFile(path, RunDirectory.MaxLayersBytes).Bind(bytes => Parse(path, Complete(System.Text.Encoding.UTF8.GetString(bytes).TrimStart('\uFEFF'))));

    /// <summary>
    /// <paramref name="text"/> up to its last line break: a last line without one is a row still
    /// being written, or torn by a crash, and not a row yet.
    /// </summary>
    public static string Complete(string text)
    {
        var end = text.LastIndexOf('\n');
        return end < 0 ? text : text[..(end + 1)];
    }

    /// <summary>
    /// The complete lines of layers.csv text after the header, as written, by (epoch, layer); the
    /// first line of a key wins, and a line without an epoch and a layer has none.
    /// </summary>
    public static Dictionary<(int Epoch, int Layer), string> LinesByKey(string text)
    {
        var lines = new Dictionary<(int, int), string>();
        var split = Complete(text).Split('\n');
        for (var i = 1; i < split.Length; i++)
        {
            var line = split[i].TrimEnd('\r');
            var cells = line.Split(',');
            if (cells.Length >= 2 && int.TryParse(cells[0], NumberStyles.None, CultureInfo.InvariantCulture, out var epoch) &&
                int.TryParse(cells[1], NumberStyles.None, CultureInfo.InvariantCulture, out var layer))
                lines.TryAdd((epoch, layer), line);
        }
        return lines;
    }

    /// <summary>Parses layers.csv text; <paramref name="source"/> names the file in refusals.</summary>
    public static Fin<Arr<LayerReading>> Parse(string source, string text)
    {
        var lines = text.Split('\n');
        var header = lines[0].TrimEnd('\r');
        if (header != LayerRow.Header)
        {
            var missing = Columns.FirstOrDefault(c => !header.Split(',').Contains(c));
            return Error.New(missing is null
                ? $"{source}: line 1: the header must be '{LayerRow.Header}' (got '{Shorten(header)}')"
                : $"{source}: line 1: the header has no column '{missing}' (expected '{LayerRow.Header}')");
        }
        var rows = new List<LayerReading>();
        for (var i = 1; i < lines.Length; i++)
        {
            if (lines[i].Length == 0 && i == lines.Length - 1) break;
            if (ParseLine(source, i + 1, lines[i].TrimEnd('\r')).Failed(out var error, out var row)) return error;
            rows.Add(row);
        }
        return rows.ToArr();
    }

    private static Fin<LayerReading> ParseLine(string source, int line, string text)
    {
        var cells = text.Split(',');
        if (cells.Length < Columns.Length)
            return Error.New($"{source}: line {line}: has {cells.Length} cells, missing column '{Columns[cells.Length]}' (the header has {Columns.Length})");
        if (cells.Length > Columns.Length)
            return Error.New($"{source}: line {line}: has {cells.Length} cells, the header has {Columns.Length}");
        if (Count(source, line, 0, cells[0]).Failed(out var epochError, out var epoch)) return epochError;
        if (Count(source, line, 1, cells[1]).Failed(out var layerError, out var layer)) return layerError;
        var values = new double?[Columns.Length];
        for (var c = 2; c < Columns.Length; c++)
        {
            if (cells[c].Length == 0) continue;
            if (!double.TryParse(cells[c], NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
                return Error.New($"{source}: line {line}, column '{Columns[c]}': '{Shorten(cells[c])}' is not a number");
            values[c] = value;
        }
        return new LayerReading(epoch, layer, values[2], values[3], values[4], values[5], values[6], values[7], values[8], values[9], values[10]);
    }

    private static Fin<int> Count(string source, int line, int column, string cell) =>
        int.TryParse(cell, NumberStyles.None, CultureInfo.InvariantCulture, out var value)
            ? value
            : Error.New($"{source}: line {line}, column '{Columns[column]}': '{Shorten(cell)}' is not a whole number ≥ 0");

    private static string Shorten(string text) => text.Length <= 60 ? text : text[..57] + "...";
}
