using System.Globalization;

namespace Backprop.Cli.Plots;

/// <summary>A tick on a log10 axis: its position (log10 of the value) and its label (the value).</summary>
public readonly record struct LogTick(double Position, string Label, bool Major);

/// <summary>
/// Ticks for a log-scale axis drawn over log10 of the data. Over many decades only the decades
/// are labelled; over about two decades the 2× and 5× steps too; within less than one decade
/// every 1…9 step, so a loss moving from 0.7 to 0.45 still gets numbers. When even that leaves
/// fewer than two labels (a very narrow range), evenly stepped values are placed on the log axis.
/// </summary>
public static class LogTicks
{
    /// <summary>The ticks covering log10 positions [<paramref name="low"/>, <paramref name="high"/>].</summary>
    public static IReadOnlyList<LogTick> For(double low, double high)
    {
        if (!(double.IsFinite(low) && double.IsFinite(high))) return [];
        if (high < low) (low, high) = (high, low);
        var span = high - low;
        var ticks = new List<LogTick>();
        for (var decade = (int)Math.Floor(low); decade <= (int)Math.Ceiling(high); decade++)
        {
            for (var multiple = 1; multiple <= 9; multiple++)
            {
                var position = decade + Math.Log10(multiple);
                if (position < low - 1e-9 || position > high + 1e-9) continue;
                var labelled = multiple == 1 || span < 0.7 || (span < 2.5 && multiple is 2 or 5);
                ticks.Add(new LogTick(position, labelled ? Text(multiple * Math.Pow(10, decade)) : "", labelled));
            }
        }
        return ticks.Count(t => t.Major) >= 2 ? ticks : Linear(Math.Pow(10, low), Math.Pow(10, high));
    }

    /// <summary>About five values at a 1, 2 or 5 × 10^k step between <paramref name="low"/> and <paramref name="high"/>, on the log axis.</summary>
    private static List<LogTick> Linear(double low, double high)
    {
        var raw = (high - low) / 5;
        if (!(raw > 0)) return [new LogTick(Math.Log10(low), Text(low), true)];
        var power = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        var step = new[] { 1.0, 2, 5, 10 }.Select(m => m * power).First(s => s >= raw);
        var ticks = new List<LogTick>();
        for (var value = Math.Ceiling(low / step) * step; value <= high + step * 1e-9; value += step)
            ticks.Add(new LogTick(Math.Log10(value), Text(value), true));
        return ticks;
    }

    private static string Text(double value) => value.ToString(value is >= 1e-4 and < 1e5 ? "0.######" : "0.##E+0", CultureInfo.InvariantCulture);
}
