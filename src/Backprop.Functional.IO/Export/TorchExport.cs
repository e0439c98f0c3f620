using System.Globalization;
using LanguageExt;
using LanguageExt.Common;

namespace Backprop.Functional.IO;

/// <summary>
/// A <see cref="Model"/> as PyTorch loads it: a safetensors file whose tensors are named as
/// <c>torch.nn.Sequential(Linear, activation, Linear, activation, …)</c> names its state dict
/// (layer i's Linear is module 2i: <c>{2i}.weight</c> [out, in], as Linear stores it and as this
/// library does, and <c>{2i}.bias</c>; its activation, identity included, is module 2i + 1), with
/// <c>{"format": "pt"}</c> metadata as Hugging Face's tools write. The stored standardization
/// rides along as the tensors a state holds (<see cref="SchemaMetadata"/>), and the metadata keeps
/// this library's architecture and schema, so the file reads back here as the model it was.
/// </summary>
public static class TorchExport
{
    /// <summary>The <c>format</c> metadata of a PyTorch state dict saved as safetensors.</summary>
    public const string Format = "pt";

    /// <summary>The Sequential index of layer <paramref name="layer"/>'s Linear module.</summary>
    public static int LinearIndex(int layer) => 2 * layer;

    /// <summary>The file's bytes, every tensor in <paramref name="precision"/>.</summary>
    public static Fin<byte[]> Encode(Model model, ExportPrecision precision)
    {
        if (model.Network.Layers.Find(l => Module(l.Activation) is null).Case is Layer unknown)
            return Error.New($"activation {Quote.Value(unknown.Activation.Name)} has no PyTorch module; the model cannot be exported");
        var tensors = model.Network.Layers.SelectMany((layer, i) => new[]
        {
            Tensor.Matrix($"{LinearIndex(i)}.weight", layer.OutputWidth, layer.InputWidth, Numerics.Dense.ToRowMajor(layer.Weight)),
            Tensor.Vector($"{LinearIndex(i)}.bias", (double[])Numerics.Dense.Data(layer.Bias).Clone()),
        });
        var metadata = NetworkTensors.ArchitectureMetadata(model.Network, model.Loss).Add("format", Format);
        if (model.Schema.Case is DataSchema schema)
        {
            tensors = tensors.Concat(SchemaMetadata.Tensors(schema));
            metadata = metadata.Add(SchemaMetadata.Key, SchemaMetadata.ToJson(schema));
        }
        return SafeTensors.TrySerialize(new SafeTensorsFile(tensors.ToArr(), metadata), precision);
    }

    /// <summary>
    /// Python that builds the matching model and loads <paramref name="path"/> into it (three
    /// lines), then, when the model standardizes, a comment saying how its inputs and outputs are scaled.
    /// </summary>
    public static IReadOnlyList<string> Snippet(Model model, string path, ExportPrecision precision)
    {
        var modules = model.Network.Layers.SelectMany(l => new[]
        {
            $"torch.nn.Linear({l.InputWidth.ToString(CultureInfo.InvariantCulture)}, {l.OutputWidth.ToString(CultureInfo.InvariantCulture)})",
            Module(l.Activation) ?? "?",
        });
        var lines = new List<string>
        {
            "import torch, safetensors.torch",
            $"model = torch.nn.Sequential({string.Join(", ", modules)}){(precision == ExportPrecision.Float64 ? ".double()" : "")}",
            // The file also holds the standardization tensors, which are no module's: only the numbered keys are the state dict.
            $"model.load_state_dict({{k: v for k, v in safetensors.torch.load_file({PythonString(path)}).items() if k[0].isdigit()}})",
        };
        if (model.Schema.Case is DataSchema schema)
        {
            var file = $"safetensors.torch.load_file({PythonString(path)})";
            if (schema.Standardization.IsSome)
                lines.Add($"# the input columns ({string.Join(", ", schema.Features)}) are standardized first: (x - {file}[\"{SchemaMetadata.MeanTensor}\"]) / ...[\"{SchemaMetadata.StdTensor}\"]");
            if (schema.TargetStandardization.IsSome)
                lines.Add($"# the outputs are standardized targets: y * {file}[\"{SchemaMetadata.TargetStdTensor}\"] + ...[\"{SchemaMetadata.TargetMeanTensor}\"] is in the target's own units");
        }
        return lines;
    }

    /// <summary>The PyTorch module computing <paramref name="activation"/>, or null when there is none.</summary>
    public static string? Module(Activation activation) => activation switch
    {
        Sigmoid => "torch.nn.Sigmoid()",
        Tanh => "torch.nn.Tanh()",
        Relu => "torch.nn.ReLU()",
        LeakyRelu => $"torch.nn.LeakyReLU({LeakyRelu.NegativeSlope.ToString(CultureInfo.InvariantCulture)})",
        // PyTorch's Softplus turns linear above z = 20, where log(1 + e^z) differs from z by under 2.1e-9.
        Softplus => "torch.nn.Softplus()",
        Identity => "torch.nn.Identity()",
        Softmax => "torch.nn.Softmax(dim=1)",
        _ => null,
    };

    private static string PythonString(string text) => "\"" + text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
}
