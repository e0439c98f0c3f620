using Backprop.Functional.IO;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Backprop.Functional.Tests.Support;

/// <summary>Runs an exported ONNX model in ONNX Runtime on raw feature rows, in the model's own number type.</summary>
public static class OnnxRun
{
    /// <summary>Every output by name, as doubles (float32 outputs widened), row-major; <paramref name="rows"/> row-major too.</summary>
    public static Dictionary<string, double[]> Outputs(byte[] model, double[] rows, int features, ExportPrecision precision)
    {
        using var options = new SessionOptions { IntraOpNumThreads = 1, InterOpNumThreads = 1 };
        using var session = new InferenceSession(model, options);
        var count = rows.Length / features;
        var input = precision == ExportPrecision.Float64
            ? NamedOnnxValue.CreateFromTensor(OnnxExport.InputName, new DenseTensor<double>(rows, [count, features]))
            : NamedOnnxValue.CreateFromTensor(OnnxExport.InputName, new DenseTensor<float>(rows.Select(v => (float)v).ToArray(), [count, features]));
        using var results = session.Run([input]);
        return results.ToDictionary(r => r.Name, r => r.Value switch
        {
            Tensor<double> d => d.ToArray(),
            Tensor<float> f => f.ToArray().Select(v => (double)v).ToArray(),
            Tensor<long> l => l.ToArray().Select(v => (double)v).ToArray(),
            var other => throw new InvalidOperationException($"output {r.Name} is a {other?.GetType().Name}"),
        });
    }

    /// <summary>The model's custom metadata (metadata_props).</summary>
    public static Dictionary<string, string> Metadata(byte[] model)
    {
        using var session = new InferenceSession(model);
        return new Dictionary<string, string>(session.ModelMetadata.CustomMetadataMap);
    }

    /// <summary>The largest |a − b| / |b| over the elements (0 where both are 0).</summary>
    public static double LargestRelativeError(double[] actual, double[] expected)
    {
        Assert.Equal(expected.Length, actual.Length);
        var largest = 0.0;
        for (var i = 0; i < expected.Length; i++)
        {
            var difference = Math.Abs(actual[i] - expected[i]);
            if (difference == 0) continue;
            largest = Math.Max(largest, difference / Math.Abs(expected[i]));
        }
        return largest;
    }
}
