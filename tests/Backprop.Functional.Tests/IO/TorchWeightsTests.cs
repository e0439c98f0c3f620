using Backprop.Functional.IO;
using Backprop.Functional.Numerics;
using Backprop.Functional.Tests.Support;
using LanguageExt.Common;

namespace Backprop.Functional.Tests.IO;

/// <summary>PyTorch's files read as weights: nn.Sequential keys, "pt" metadata, F16 and BF16 widened exactly; stray tensors refused by name.</summary>
public sealed class TorchWeightsTests
{
    private const string Source = "torch.safetensors";

    // Exact in F16 and BF16 alike: a few bits of mantissa, small exponents.
    private static readonly double[] W0 = [0.5, -1.25, 2, 0.125, -0.375, 1.5];
    private static readonly double[] B0 = [0.25, -0.5];
    private static readonly double[] W1 = [1, -0.75];
    private static readonly double[] B1 = [-3];

    /// <summary>Linear(3, 2), ReLU, Dropout, Linear(2, 1): the Linears are modules 0 and 3.</summary>
    private static byte[] File(string dtype, bool ptMetadata, params (string Name, long[] Shape, double[] Values)[] extra) =>
        TorchFile.Of(dtype, ptMetadata, [("0.weight", [2, 3], W0), ("0.bias", [2], B0), ("3.weight", [1, 2], W1), ("3.bias", [1], B1), .. extra]);

    private static readonly WeightsAssumptions ReluIdentity = new(Relu.Instance, Identity.Instance, null);

    [Theory]
    [InlineData("F32")]
    [InlineData("F16")]
    [InlineData("BF16")]
    public void A_sequential_state_dict_in_any_float_type_reads_with_its_linears_in_index_order_and_exact_values(string dtype)
    {
        var model = (Model)ModelReader.Decode(File(dtype, ptMetadata: true), Source, ReluIdentity);
        Assert.Equal([3, 2, 1], model.Network.Widths.ToArray());
        Assert.Equal(W0, Dense.ToRowMajor(model.Network.Layers[0].Weight));
        Assert.Equal(B1, Dense.Data(model.Network.Layers[1].Bias));
        Assert.Equal(["relu", "identity"], model.Network.Activations.Map(a => a.Name).ToArray());
        Assert.Equal(ModelKind.BareWeights, model.Kind);
    }

    [Fact]
    public void Without_named_activations_a_state_dict_is_refused_with_the_settings_to_give()
    {
        var refused = ModelReader.Decode(File("F32", ptMetadata: true), Source);
        var message = ReaderRefusal.Expect(refused, Source, "has no activations metadata");
        Assert.Contains("output activation", message);
    }

    [Fact]
    public void A_tensor_that_belongs_to_no_linear_is_refused_by_name()
    {
        ReaderRefusal.Expect(ModelReader.Decode(File("F32", true, ("1.bias", [2], [0.0, 0.0])), Source, ReluIdentity), Source, "tensor '1.bias' is not part of a torch.nn.Sequential network");
        ReaderRefusal.Expect(ModelReader.Decode(File("F32", false, ("running_mean", [2], [0.0, 0.0])), Source, ReluIdentity), Source, "tensor 'running_mean'");
    }

    [Fact]
    public void A_state_files_optimizer_and_standardization_tensors_are_not_strays()
    {
        var network = new NetworkCase([2, 3, 1], ["tanh", "identity"], 1, 4).Network;
        var tensors = NetworkTensors.ToTensors(network)
            .Concat(NetworkTensors.ToTensors(Updates.ParametersOf(network), "optimizer.m."))
            .Append(Tensor.Vector(SchemaMetadata.MeanTensor, [0, 0]));
        var file = new SafeTensorsFile(tensors.ToArr(), LanguageExt.Map<LanguageExt.ClassInstances.OrdString, string, string>.Empty);
        Assert.True(NetworkTensors.FromFile(file, Source, Tanh.Instance, Identity.Instance).IsSucc);
        var stray = file with { Tensors = file.Tensors.Add(Tensor.Vector("notes", [1])) };
        Assert.Equal($"{Source}: tensor 'notes' is not part of a layers.{{i}} network (its layers are layers.0.weight, layers.1.weight and their biases)",
            ((Error)NetworkTensors.FromFile(stray, Source, Tanh.Instance, Identity.Instance)).Message);
    }

    [Fact]
    public void An_unknown_format_is_still_refused_but_pt_is_not() =>
        ReaderRefusal.Expect(ModelReader.Decode(SafeTensors.Serialize(new SafeTensorsFile(
            NetworkTensors.ToTensors(new NetworkCase([2, 1], ["identity"], 1, 4).Network).ToArr(), LanguageExt.Map<LanguageExt.ClassInstances.OrdString, string, string>.Empty.Add("format", "tf"))), Source, ReluIdentity),
            Source, "format 'tf' is none of");
}
