using System.Globalization;
using LanguageExt;
using LanguageExt.Common;

namespace Backprop.Functional.IO;

/// <summary>One row of a run's metrics.csv: epoch k's measurements and the hash of the state it produced.</summary>
public sealed record MetricsRow(int Epoch, EpochMetrics Metrics, string StateSha256)
{
    /// <summary>The header line.</summary>
    public const string Header = "epoch,loss,val_loss,val_accuracy,state_sha256";

    /// <summary>The row as a CSV line (empty cells where nothing was measured).</summary>
    public string ToCsv() => string.Join(",",
        Epoch.ToString(CultureInfo.InvariantCulture), Text(Metrics.Loss), Text(Metrics.ValidationLoss), Text(Metrics.ValidationAccuracy), StateSha256);

    /// <summary>
    /// Parses metrics.csv text strictly: every row complete and in order from epoch 1.
    /// </summary>
    public static Fin<Arr<MetricsRow>> Parse(string source, string text)
    {
        var lines = text.Split('\n');
        if (lines[0].TrimEnd('\r') != Header) return Error.New($"{source}: does not start with the header '{Header}'");
        var rows = new List<MetricsRow>();
        for (var i = 1; i < lines.Length; i++)
        {
            if (lines[i].Length == 0 && i == lines.Length - 1) break;
            if (ParseLine(lines[i], rows.Count + 1) is not { } row) return Error.New($"{source}: line {i + 1} is not the metrics row of epoch {rows.Count + 1}");
            rows.Add(row);
        }
        return rows.ToArr();
    }

    /// <summary>
    /// The longest run of complete, in-order rows at the start of metrics.csv text: what
    /// survives a crash (a torn last line is dropped).
    /// </summary>
    public static Arr<MetricsRow> ParseValidPrefix(string text)
    {
        var lines = text.Split('\n');
        var rows = new List<MetricsRow>();
        for (var i = 1; i < lines.Length - 1 && ParseLine(lines[i], rows.Count + 1) is { } row; i++) rows.Add(row);
        return rows.ToArr();
    }

    private static MetricsRow? ParseLine(string line, int expectedEpoch)
    {
        var cells = line.TrimEnd('\r').Split(',');
        if (cells.Length != 5 || !int.TryParse(cells[0], NumberStyles.None, CultureInfo.InvariantCulture, out var epoch) || epoch != expectedEpoch ||
            !double.TryParse(cells[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var loss) || !IsSha256(cells[4]) ||
            !TryOptional(cells[2], out var validationLoss) || !TryOptional(cells[3], out var validationAccuracy))
            return null;
        return new MetricsRow(epoch, new EpochMetrics(loss, validationLoss, validationAccuracy), cells[4]);
    }

    // An empty cell means "not measured"; anything else must be a number (text is not quietly "not measured").
    private static bool TryOptional(string cell, out double? value)
    {
        value = null;
        if (cell.Length == 0) return true;
        if (!double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out var number)) return false;
        value = number;
        return true;
    }

    private static bool IsSha256(string cell) => cell.Length == 64 && cell.All(c => char.IsAsciiDigit(c) || c is >= 'a' and <= 'f');

    private static string Text(double? value) => value?.ToString("R", CultureInfo.InvariantCulture) ?? "";
}
