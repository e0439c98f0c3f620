using System.Globalization;
using Backprop.Functional.Numerics;
using LanguageExt;
using LanguageExt.ClassInstances;
using LanguageExt.Common;

namespace Backprop.Functional.IO;

/// <summary>
/// A network as safetensors tensors: <c>layers.{i}.weight</c> [out, in] and <c>layers.{i}.bias</c>
/// [out], i from the input side, F64 row-major; metadata <c>widths</c>, <c>activations</c> and
/// <c>loss</c> rebuild it. Files without that metadata (PyTorch, numpy) are read from the tensor
/// shapes, with the activations supplied by the caller.
/// </summary>
public static class NetworkTensors
{
    /// <summary>The metadata key naming each layer's activation, comma-separated, input side first.</summary>
    public const string ActivationsKey = "activations";

    /// <summary>The metadata key naming the loss.</summary>
    public const string LossKey = "loss";

    /// <summary>The metadata key listing every width, input first.</summary>
    public const string WidthsKey = "widths";

    /// <summary>The network's tensors, prefixed (e.g. "" or "optimizer.m.").</summary>
    public static IEnumerable<Tensor> ToTensors(Gradients values, string prefix = "") =>
        values.Layers.SelectMany((l, i) => new[]
        {
            Tensor.Matrix($"{prefix}layers.{i}.weight", l.Weight.RowCount, l.Weight.ColumnCount, Dense.ToRowMajor(l.Weight)),
            Tensor.Vector($"{prefix}layers.{i}.bias", (double[])Dense.Data(l.Bias).Clone()),
        });

    /// <summary>The names and shapes of <see cref="ToTensors(Gradients, string)"/>, without copying the values.</summary>
    public static IEnumerable<(string Name, Arr<long> Shape)> Shapes(Gradients values, string prefix = "") =>
        values.Layers.SelectMany((l, i) => new[]
        {
            ($"{prefix}layers.{i}.weight", Arr.create((long)l.Weight.RowCount, l.Weight.ColumnCount)),
            ($"{prefix}layers.{i}.bias", Arr.create((long)l.Bias.Count)),
        });

    /// <summary>The network's tensors.</summary>
    public static IEnumerable<Tensor> ToTensors(Network network) => ToTensors(Updates.ParametersOf(network));

    /// <summary>The metadata that rebuilds the network's architecture (and names the loss, when given).</summary>
    public static Map<OrdString, string, string> ArchitectureMetadata(Network network, Loss? loss)
    {
        var map = Map<OrdString, string, string>.Empty
            .Add(WidthsKey, string.Join(",", network.Widths.Map(w => w.ToString(CultureInfo.InvariantCulture))))
            .Add(ActivationsKey, string.Join(",", network.Activations.Map(a => a.Name)));
        return loss is null ? map : map.Add(LossKey, loss.Name);
    }

    /// <summary>A whole weights file for the network.</summary>
    public static SafeTensorsFile ToFile(Network network, Loss? loss, Map<OrdString, string, string> extraMetadata) =>
        new(ToTensors(network).ToArr(), extraMetadata + ArchitectureMetadata(network, loss));

    /// <summary>How many layers the file holds (consecutive <c>layers.{i}.weight</c> from 0).</summary>
    public static int CountLayers(SafeTensorsFile file, string prefix = "") => CountLayers(ByName(file), prefix);

    private static int CountLayers(Dictionary<string, Tensor> tensors, string prefix)
    {
        var count = 0;
        while (tensors.ContainsKey($"{prefix}layers.{count}.weight")) count++;
        return count;
    }

    // Looking tensors up by name in a list would make reading a file of n layers take n² steps.
    private static Dictionary<string, Tensor> ByName(SafeTensorsFile file)
    {
        var byName = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var t in file.Tensors) byName.TryAdd(t.Name, t);
        return byName;
    }

    /// <summary>
    /// Reads the network. Activations come from the file's metadata when it has them, else
    /// from <paramref name="hidden"/>/<paramref name="output"/>. Layers are named as this library
    /// names them (<c>layers.{i}.weight</c>) or as <c>torch.nn.Sequential</c> names its Linear
    /// modules (<c>{k}.weight</c>, k ascending, whatever modules sit between); any other tensor is
    /// refused by name, unless it is one a state or model file holds beside its layers.
    /// </summary>
    public static Fin<Network> FromFile(SafeTensorsFile file, string source, Activation hidden, Activation output)
    {
        var tensors = ByName(file);
        var names = LayerNames(tensors);
        var count = names.Count;
        if (count == 0) return Error.New($"{source}: no tensor named layers.0.weight or 0.weight (expected layers.{{i}}.weight [out, in] and layers.{{i}}.bias [out], or torch.nn.Sequential's {{k}}.weight and {{k}}.bias)");
        Arr<Activation> activations;
        if (file.Meta(ActivationsKey).Case is string activationNames)
        {
            var parsed = new List<Activation>();
            foreach (var name in activationNames.Split(','))
            {
                if (Activation.Parse(name).Within($"{source}: metadata {ActivationsKey}").Failed(out var error, out var activation)) return error;
                parsed.Add(activation);
            }
            if (parsed.Count != count) return Error.New($"{source}: metadata lists {parsed.Count} activations but the file has {count} layers");
            activations = parsed.ToArr();
        }
        else activations = Enumerable.Range(0, count).Select(i => i == count - 1 ? output : hidden).ToArr();

        var layers = new List<Layer>();
        for (var i = 0; i < count; i++)
        {
            if (Layer(tensors, source, names[i].Weight, names[i].Bias, activations[i]).Failed(out var error, out var layer)) return error;
            layers.Add(layer);
        }
        if (tensors.ContainsKey($"layers.{count}.bias")) return Error.New($"{source}: layers.{count}.bias has no layers.{count}.weight");
        if (Stray(tensors.Keys, names) is { } stray)
            return Error.New($"{source}: tensor {Quote.Value(stray)} is not part of a {(names[0].Weight.StartsWith("layers.", StringComparison.Ordinal) ? "layers.{i}" : "torch.nn.Sequential")} network (its layers are {string.Join(", ", names.Select(n => n.Weight))} and their biases)");
        if (Network.Create(layers).Within(source).Failed(out var networkError, out var network)) return networkError;
        if (file.Meta(WidthsKey).Case is string widths && widths != string.Join(",", network.Widths))
            return Error.New($"{source}: metadata {WidthsKey} {Quote.Value(widths)} disagrees with the tensors' widths {string.Join(",", network.Widths)}");
        return network;
    }

    /// <summary>Each layer's weight and bias names, input side first: this library's when it has layers.0.weight, else nn.Sequential's.</summary>
    private static List<(string Weight, string Bias)> LayerNames(Dictionary<string, Tensor> tensors)
    {
        var count = CountLayers(tensors, "");
        if (count > 0) return [.. Enumerable.Range(0, count).Select(i => ($"layers.{i}.weight", $"layers.{i}.bias"))];
        var modules = new List<int>();
        foreach (var name in tensors.Keys)
            if (name.EndsWith(".weight", StringComparison.Ordinal) && name[..^".weight".Length] is { Length: > 0 and < 10 } index &&
                index.All(char.IsAsciiDigit) && (index == "0" || index[0] != '0'))
                modules.Add(int.Parse(index, System.Globalization.CultureInfo.InvariantCulture));
        modules.Sort();
        return [.. modules.Select(k => ($"{k}.weight", $"{k}.bias"))];
    }

    // A state holds optimizer moments and standardization beside its layers; anything else would be silently dropped.
    private static string? Stray(IEnumerable<string> tensorNames, List<(string Weight, string Bias)> layers)
    {
        var known = new System.Collections.Generic.HashSet<string>(SchemaMetadata.TensorNames, StringComparer.Ordinal);
        foreach (var (weight, bias) in layers) known.UnionWith([weight, bias]);
        return tensorNames.Where(n => !known.Contains(n) && !IsOptimizerTensor(n)).Order(StringComparer.Ordinal).FirstOrDefault();
    }

    private static bool IsOptimizerTensor(string name) =>
        name.StartsWith("optimizer.", StringComparison.Ordinal) && name.Split('.') is [_, { Length: > 0 }, "layers", var i, "weight" or "bias"] && i.All(char.IsAsciiDigit);

    /// <summary>Reads gradient-shaped tensors (e.g. optimizer moments) under a prefix, checking them against a network's shapes.</summary>
    public static Fin<Gradients> GradientsFromFile(SafeTensorsFile file, string source, string prefix, Network shape)
    {
        var tensors = ByName(file);
        var layers = new List<LayerGradients>();
        for (var i = 0; i < shape.Layers.Count; i++)
        {
            if (Layer(tensors, source, $"{prefix}layers.{i}.weight", $"{prefix}layers.{i}.bias", shape.Layers[i].Activation).Failed(out var error, out var layer)) return error;
            if (layer.InputWidth != shape.Layers[i].InputWidth || layer.OutputWidth != shape.Layers[i].OutputWidth)
                return Error.New($"{source}: {prefix}layers.{i}.weight is [{layer.OutputWidth}, {layer.InputWidth}] but the network's is [{shape.Layers[i].OutputWidth}, {shape.Layers[i].InputWidth}]");
            layers.Add(new LayerGradients(layer.Weight, layer.Bias));
        }
        return new Gradients(layers.ToArr());
    }

    private static Fin<Layer> Layer(Dictionary<string, Tensor> tensors, string source, string weightName, string biasName, Activation activation)
    {
        if (!tensors.TryGetValue(weightName, out var weight)) return Error.New($"{source}: missing tensor {weightName}");
        if (!tensors.TryGetValue(biasName, out var bias)) return Error.New($"{source}: missing tensor {biasName}");
        if (weight.Shape.Count != 2 || weight.Shape[0] == 0 || weight.Shape[1] == 0)
            return Error.New($"{source}: {weightName} has shape {weight.ShapeText}; expected [out, in]");
        if (bias.Shape.Count != 1 || bias.Shape[0] != weight.Shape[0])
            return Error.New($"{source}: {biasName} has shape {bias.ShapeText}; expected [{weight.Shape[0]}] to match {weightName} {weight.ShapeText}");
        if ((NonFinite(weightName, weight.Values) ?? NonFinite(biasName, bias.Values)) is string problem) return Error.New($"{source}: {problem}");
        var (rows, columns) = ((int)weight.Shape[0], (int)weight.Shape[1]);
        return new Layer(Dense.FromRowMajor(rows, columns, weight.Values), Dense.Vector((double[])bias.Values.Clone()), activation);
    }

    // A NaN or infinite parameter would not fail loudly: it would quietly turn every loss into NaN.
    private static string? NonFinite(string name, double[] values)
    {
        var at = Array.FindIndex(values, v => !double.IsFinite(v));
        return at < 0 ? null : $"{name} element {at} is {values[at].ToString(CultureInfo.InvariantCulture)}; parameters must be finite";
    }
}
