using System.Globalization;

namespace Backprop.Cli.Plots;

/// <summary>A tick on a log10 axis: its position (log10 of the value) and its label (the value).</summary>
public readonly record struct LogTick(double Position, string Label, bool Major);

/// <summary>
/// Ticks for a log-scale axis drawn over log10 of the data. Decades are labelled; over a narrow
/// range (less than about two decades) the 2× and 5× steps are labelled too, so a loss that
/// moves from 0.3 to 0.06 still gets readable numbers; the rest of 1…9 are unlabelled minor ticks.
/// </summary>
public static class LogTicks
{
    /// <summary>The ticks covering log10 positions [<paramref name="low"/>, <paramref name="high"/>].</summary>
    public static IReadOnlyList<LogTick> For(double low, double high)
    {
        if (!(double.IsFinite(low) && double.IsFinite(high))) return [];
        if (high < low) (low, high) = (high, low);
        var labelSteps = high - low < 2.5;
        var ticks = new List<LogTick>();
        for (var decade = (int)Math.Floor(low); decade <= (int)Math.Ceiling(high); decade++)
        {
            for (var multiple = 1; multiple <= 9; multiple++)
            {
                var position = decade + Math.Log10(multiple);
                if (position < low - 1e-9 || position > high + 1e-9) continue;
                var labelled = multiple == 1 || (labelSteps && multiple is 2 or 5);
                ticks.Add(new LogTick(position, labelled ? Text(multiple * Math.Pow(10, decade)) : "", labelled));
            }
        }
        return ticks;
    }

    private static string Text(double value) => value.ToString(value is >= 1e-4 and < 1e5 ? "0.#####" : "0.#E+0", CultureInfo.InvariantCulture);
}
