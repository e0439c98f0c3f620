using System.Globalization;
using Backprop.Functional.IO;

namespace Backprop.Functional.Runs;

/// <summary>Where two state files first differ: a tensor and its largest absolute difference, or a metadata key.</summary>
public static class StateDifference
{
    /// <summary>Where two encoded state files differ (both must parse as safetensors; otherwise "the bytes differ").</summary>
    public static string Describe(byte[] expected, byte[] actual) =>
        SafeTensors.Parse(expected).Case is SafeTensorsFile a && SafeTensors.Parse(actual).Case is SafeTensorsFile b
            ? Describe(a, b)
            : "the bytes differ";

    /// <summary>"layers.2.weight, largest absolute difference 1.2e-17" or "metadata 'epoch' (3 vs 4)".</summary>
    public static string Describe(SafeTensorsFile expected, SafeTensorsFile actual)
    {
        foreach (var tensor in expected.Tensors)
        {
            if (actual.Find(tensor.Name).Case is not Tensor other) return $"tensor {tensor.Name} is missing from the saved state";
            if (!Enumerable.SequenceEqual(tensor.Shape, other.Shape)) return $"tensor {tensor.Name} has shape {other.ShapeText}, rebuilt {tensor.ShapeText}";
            var largest = LargestDifference(tensor.Values, other.Values);
            if (largest is { } d) return $"first differing tensor {tensor.Name}, largest absolute difference {d.ToString("G6", CultureInfo.InvariantCulture)}";
        }
        foreach (var tensor in actual.Tensors)
            if (expected.Find(tensor.Name).IsNone) return $"the saved state has an extra tensor {tensor.Name}";
        foreach (var (key, value) in expected.Metadata)
            if (key != "seal" && actual.Meta(key).IfNone("") != value) return $"metadata '{key}' differs";
        foreach (var (key, _) in actual.Metadata)
            if (expected.Meta(key).IsNone) return $"the saved state has an extra metadata key '{key}'";
        return "the bytes differ (metadata layout)";
    }

    /// <summary>The largest |a − b| where the bits differ, or null when every element has the same bits.</summary>
    public static double? LargestDifference(double[] a, double[] b)
    {
        double? largest = null;
        for (var i = 0; i < a.Length; i++)
            if (BitConverter.DoubleToInt64Bits(a[i]) != BitConverter.DoubleToInt64Bits(b[i]))
            {
                var d = Math.Abs(a[i] - b[i]);
                largest = largest is { } l ? Math.Max(l, double.IsNaN(d) ? double.PositiveInfinity : d) : d;
            }
        return largest;
    }
}
