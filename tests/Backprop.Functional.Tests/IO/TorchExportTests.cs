using Backprop.Functional.IO;
using Backprop.Functional.Numerics;
using Backprop.Functional.Tests.Support;
using LanguageExt;

namespace Backprop.Functional.Tests.IO;

/// <summary>A torch export holds nn.Sequential's keys and shapes, in F32 (each value rounded once) or F64 (the bits).</summary>
public sealed class TorchExportTests
{
    private static readonly Network Network = new NetworkCase([3, 4, 4, 2], ["relu", "identity", "softmax"], 1, 9).Network;

    private static readonly DataSchema Schema = new(
        Arr.create("a", "b", "c"), Arr.create("kind"), TaskKind.Classification, Arr.create("x", "y"),
        new Standardization(Arr.create(1.0, 2.0, 3.0), Arr.create(0.5, 4.0, 8.0)));

    private static readonly Model Model = new(Network, CrossEntropy.Instance, Schema, ModelKind.State);

    private static SafeTensorsFile Exported(ExportPrecision precision) =>
        (SafeTensorsFile)TorchExport.Encode(Model, precision).Bind(bytes => SafeTensors.Parse(bytes));

    [Fact]
    public void Linear_layers_take_the_even_indices_and_keep_their_out_in_shape()
    {
        var file = Exported(ExportPrecision.Float64);
        Assert.Equal(["0.weight", "0.bias", "2.weight", "2.bias", "4.weight", "4.bias", "standardization.mean", "standardization.std"], file.Tensors.Map(t => t.Name).ToArray());
        Assert.Equal("[4, 3]", file.Find("0.weight").Map(t => t.ShapeText).IfNone(""));
        Assert.Equal("[2, 4]", file.Find("4.weight").Map(t => t.ShapeText).IfNone(""));
        Assert.Equal("pt", file.Meta("format").IfNone(""));
        Assert.Equal("relu,identity,softmax", file.Meta("activations").IfNone(""));
    }

    [Fact]
    public void F64_keeps_every_bit_and_f32_rounds_each_value_once()
    {
        var expected = Dense.ToRowMajor(Network.Layers[1].Weight);
        Assert.True(Bits.Same(expected, ((Tensor)Exported(ExportPrecision.Float64).Find("2.weight")).Values));
        Assert.Equal(expected.Select(v => (double)(float)v), ((Tensor)Exported(ExportPrecision.Float32).Find("2.weight")).Values);
        var bytes = (byte[])TorchExport.Encode(Model, ExportPrecision.Float32);
        Assert.Contains("\"dtype\":\"F32\"", System.Text.Encoding.UTF8.GetString(bytes));
        Assert.DoesNotContain("\"dtype\":\"F64\"", System.Text.Encoding.UTF8.GetString(bytes));
    }

    [Fact]
    public void The_snippet_builds_the_matching_sequential_in_three_lines()
    {
        var snippet = TorchExport.Snippet(Model, "m.safetensors", ExportPrecision.Float64);
        Assert.Equal("import torch, safetensors.torch", snippet[0]);
        Assert.Equal("model = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.ReLU(), torch.nn.Linear(4, 4), torch.nn.Identity(), torch.nn.Linear(4, 2), torch.nn.Softmax(dim=1)).double()", snippet[1]);
        Assert.Equal("model.load_state_dict({k: v for k, v in safetensors.torch.load_file(\"m.safetensors\").items() if k[0].isdigit()})", snippet[2]);
        Assert.StartsWith("# the input columns (a, b, c) are standardized first", snippet[3]);
        Assert.Equal(4, snippet.Count);
    }

    [Fact]
    public void Every_activation_has_a_module()
    {
        foreach (var activation in Activation.All) Assert.NotNull(TorchExport.Module(activation));
    }
}
