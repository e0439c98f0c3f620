using System.Globalization;

namespace Backprop.Functional;

/// <summary>Sizes and counts as people read them in messages: "8.6 GiB", "268.5M".</summary>
public static class ByteSize
{
    private static readonly string[] Units = ["bytes", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];

    /// <summary>
    /// A byte count in binary units with one decimal ("1.1 GiB", "512 bytes"). Binary units,
    /// because every limit it is compared with is a power of two ("the 8 GiB limit").
    /// </summary>
    public static string Text(long bytes)
    {
        // A long is below 8 EiB: the units never run out.
        var (value, unit) = ((double)bytes, 0);
        while (value >= 1024) (value, unit) = (value / 1024, unit + 1);
        // 8 GiB, not 8.0 GiB: the limits are round and read better that way.
        var format = value == Math.Floor(value) ? "0" : "0.0";
        return $"{value.ToString(format, CultureInfo.InvariantCulture)} {Units[unit]}";
    }

    /// <summary>A count with a metric suffix and one decimal ("268.5M", "4.2K", "950").</summary>
    public static string Count(long count) => count switch
    {
        >= 1_000_000_000 => Scaled(count / 1e9, "G"),
        >= 1_000_000 => Scaled(count / 1e6, "M"),
        >= 10_000 => Scaled(count / 1e3, "K"),
        _ => count.ToString("N0", CultureInfo.InvariantCulture),
    };

    private static string Scaled(double value, string suffix) => value.ToString("0.#", CultureInfo.InvariantCulture) + suffix;
}
