using System.Text.Json;
using Backprop.Functional.Numerics;
using Google.Protobuf;
using LanguageExt;
using Onnx;

namespace Backprop.Functional.IO;

/// <summary>
/// A <see cref="Model"/> as one ONNX graph that maps the raw feature columns to what
/// <c>predict</c> writes: the stored standardization ((x − mean) / std), each layer as a Gemm
/// (X·Wᵀ + b, W stored [out, in] as here) and its activation, and either the class probabilities
/// (with the index of the most likely class beside them) or, for a regression, the outputs
/// mapped back through the target standardization (z · std + mean). Feature, target and class
/// names go in the model's metadata as JSON arrays.
/// </summary>
public static class OnnxExport
{
    /// <summary>The ONNX operator set the graph is written against (Softmax along one axis needs 13; LessOrEqual 16).</summary>
    public const long Opset = 17;

    /// <summary>The protobuf format version that goes with <see cref="Opset"/>.</summary>
    public const long IrVersion = 8;

    /// <summary>The input: [batch, features], the feature columns in the order of the <c>feature_names</c> metadata, not standardized.</summary>
    public const string InputName = "features";

    /// <summary>A classifier's output: [batch, classes], as <c>predict</c>'s p_ columns.</summary>
    public const string ProbabilitiesName = "probabilities";

    /// <summary>A classifier's second output: [batch] int64, the index in <c>class_names</c> of the most likely class (the first, on a tie).</summary>
    public const string ClassIndexName = "class_index";

    /// <summary>A regression's output: [batch, targets] in the targets' own units.</summary>
    public const string PredictionsName = "predictions";

    /// <summary>Metadata keys, each a JSON array of strings (absent when the model does not know them).</summary>
    public const string FeatureNamesKey = "feature_names";

    /// <inheritdoc cref="FeatureNamesKey"/>
    public const string TargetNamesKey = "target_names";

    /// <inheritdoc cref="FeatureNamesKey"/>
    public const string ClassNamesKey = "class_names";

    /// <summary>The ONNX graph of <paramref name="model"/>, or why it has none.</summary>
    public static Fin<ModelProto> Build(Model model, ExportPrecision precision)
    {
        var graph = new OnnxGraphBuilder(precision);
        var schema = model.Schema.Case as DataSchema;
        var classifies = schema?.Task == TaskKind.Classification;
        var network = model.Network;
        graph.Graph.Name = "backprop_functional";
        graph.Graph.Input.Add(graph.Matrix(InputName, network.InputWidth));

        var value = InputName;
        if (schema?.Standardization.Case is Standardization s)
        {
            value = graph.Node("Sub", [value, graph.Constant("standardization.mean", s.Means.ToArray(), s.Means.Count)]);
            value = graph.Node("Div", [value, graph.Constant("standardization.std", s.Stds.ToArray(), s.Stds.Count)]);
        }
        for (var i = 0; i < network.Layers.Count; i++)
        {
            var layer = network.Layers[i];
            var weight = graph.Constant($"layers.{i}.weight", Dense.ToRowMajor(layer.Weight), layer.OutputWidth, layer.InputWidth);
            var bias = graph.Constant($"layers.{i}.bias", Dense.Data(layer.Bias), layer.OutputWidth);
            var z = graph.Node("Gemm", [value, weight, bias], null, OnnxGraphBuilder.Int("transB", 1));
            if (OnnxActivations.Apply(graph, layer.Activation, z).Failed(out var error, out value)) return error;
        }
        if (schema?.TargetStandardization.Case is Standardization t)
        {
            value = graph.Node("Mul", [value, graph.Constant("target_standardization.std", t.Stds.ToArray(), t.Stds.Count)]);
            value = graph.Node("Add", [value, graph.Constant("target_standardization.mean", t.Means.ToArray(), t.Means.Count)]);
        }

        var output = classifies ? ProbabilitiesName : PredictionsName;
        graph.Node("Identity", [value], output);
        graph.Graph.Output.Add(graph.Matrix(output, network.OutputWidth));
        if (classifies)
        {
            graph.Node("ArgMax", [output], ClassIndexName, OnnxGraphBuilder.Int("axis", 1), OnnxGraphBuilder.Int("keepdims", 0));
            graph.Graph.Output.Add(OnnxGraphBuilder.Value(ClassIndexName, (int)TensorProto.Types.DataType.Int64, null));
        }

        var result = new ModelProto
        {
            IrVersion = IrVersion,
            ProducerName = "Backprop.Functional",
            ProducerVersion = typeof(OnnxExport).Assembly.GetName().Version?.ToString() ?? "",
            DocString = $"{network.Describe()}, trained with {model.Loss.Name} loss",
            Graph = graph.Graph,
        };
        result.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = Opset });
        foreach (var (key, text) in Metadata(model, schema)) result.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = text });
        return result;
    }

    /// <summary>The bytes of <see cref="Build"/>'s model, as an .onnx file holds them.</summary>
    public static Fin<byte[]> Encode(Model model, ExportPrecision precision) => Build(model, precision).Map(m => m.ToByteArray());

    private static IEnumerable<(string Key, string Value)> Metadata(Model model, DataSchema? schema)
    {
        yield return ("task", (schema?.Task ?? TaskKind.Regression).ToString().ToLowerInvariant());
        yield return (NetworkTensors.WidthsKey, string.Join(",", model.Network.Widths));
        yield return (NetworkTensors.ActivationsKey, string.Join(",", model.Network.Activations.Map(a => a.Name)));
        yield return (NetworkTensors.LossKey, model.Loss.Name);
        if (schema is null) yield break;
        yield return (FeatureNamesKey, JsonSerializer.Serialize(schema.Features.ToArray()));
        if (!schema.Targets.IsEmpty) yield return (TargetNamesKey, JsonSerializer.Serialize(schema.Targets.ToArray()));
        if (schema.Task == TaskKind.Classification) yield return (ClassNamesKey, JsonSerializer.Serialize(schema.Classes.ToArray()));
    }
}
