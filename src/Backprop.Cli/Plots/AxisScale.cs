using System.Globalization;

namespace Backprop.Cli.Plots;

/// <summary>
/// A power of ten to divide an axis's values by, so tick labels stay short and distinct:
/// gradients of deep sigmoid layers are around 1e-11, where plain labels all read "0".
/// </summary>
public readonly record struct AxisScale(int Exponent)
{
    /// <summary>The scale for values whose largest magnitude is <paramref name="largest"/>: none between 1e-3 and 1e4.</summary>
    public static AxisScale For(double largest) =>
        largest is > 0 and (< 1e-3 or >= 1e4) && double.IsFinite(largest)
            ? new AxisScale((int)Math.Floor(Math.Log10(largest)))
            : new AxisScale(0);

    /// <summary>The scale for <paramref name="values"/>.</summary>
    public static AxisScale For(IEnumerable<double> values) =>
        For(values.Where(double.IsFinite).Select(Math.Abs).DefaultIfEmpty(0).Max());

    /// <summary>A value in axis units.</summary>
    public double Apply(double value) => Exponent == 0 ? value : value / Math.Pow(10, Exponent);

    /// <summary>The axis label with the scale said, e.g. "gradient value (×1e-11)".</summary>
    public string Label(string label) => Exponent == 0 ? label : $"{label} (×1e{Exponent.ToString(CultureInfo.InvariantCulture)})";
}
