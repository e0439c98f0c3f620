using Backprop.Functional.IO;
using Backprop.Functional.Numerics;
using Backprop.Functional.Tests.Support;
using LanguageExt;
using LanguageExt.ClassInstances;

namespace Backprop.Functional.Tests.IO;

/// <summary>Reading a network from safetensors that parse but do not describe a usable network.</summary>
public sealed class NetworkTensorsTests
{
    private const string Source = "w.safetensors";

    /// <summary>A 3-2-1 tanh/identity network, written as the train command writes it.</summary>
    private static SafeTensorsFile Valid()
    {
        var hidden = new Layer(Dense.FromRowMajor(2, 3, [0.1, 0.2, 0.3, 0.4, 0.5, 0.6]), Dense.Vector([0.1, -0.1]), Tanh.Instance);
        var output = new Layer(Dense.FromRowMajor(1, 2, [1.0, -1.0]), Dense.Vector([0.5]), Identity.Instance);
        return NetworkTensors.ToFile((Network)Network.Create([hidden, output]), MeanSquaredError.Instance, Map<OrdString, string, string>.Empty);
    }

    private static Fin<Network> Read(SafeTensorsFile file) => NetworkTensors.FromFile(file, Source, Sigmoid.Instance, Sigmoid.Instance);

    private static SafeTensorsFile Replace(SafeTensorsFile file, Tensor tensor) =>
        file with { Tensors = file.Tensors.Map(t => t.Name == tensor.Name ? tensor : t).ToArr() };

    private static SafeTensorsFile Without(SafeTensorsFile file, string name) =>
        file with { Tensors = file.Tensors.Filter(t => t.Name != name).ToArr() };

    [Fact]
    public void The_valid_file_reads_back_with_its_widths_and_activations()
    {
        var network = (Network)Read(Valid());
        Assert.Equal([3, 2, 1], network.Widths.ToArray());
        Assert.Equal(["tanh", "identity"], network.Activations.Map(a => a.Name).ToArray());
    }

    [Fact]
    public void A_file_without_layer_tensors_is_refused() =>
        ReaderRefusal.Expect(Read(new SafeTensorsFile(Arr.create(Tensor.Vector("x", [1.0])), Map<OrdString, string, string>.Empty)), Source, "no tensor named layers.0.weight");

    [Fact]
    public void A_missing_bias_is_refused() => ReaderRefusal.Expect(Read(Without(Valid(), "layers.1.bias")), Source, "missing tensor layers.1.bias");

    [Fact]
    public void A_bias_without_its_weight_is_refused() =>
        ReaderRefusal.Expect(Read(Without(Valid(), "layers.1.weight") with { Metadata = Map<OrdString, string, string>.Empty }), Source, "layers.1.bias has no layers.1.weight");

    [Fact]
    public void A_zero_sized_weight_is_refused() =>
        ReaderRefusal.Expect(Read(Replace(Valid(), new Tensor("layers.0.weight", Arr.create(0L, 3L), []))), Source, "layers.0.weight has shape [0, 3]; expected [out, in]");

    [Fact]
    public void A_bias_of_the_wrong_length_is_refused() =>
        ReaderRefusal.Expect(Read(Replace(Valid(), Tensor.Vector("layers.0.bias", [1.0, 2.0, 3.0]))), Source, "layers.0.bias has shape [3]; expected [2]");

    [Fact]
    public void Layers_whose_widths_do_not_chain_are_refused() =>
        ReaderRefusal.Expect(Read(Replace(Valid(), Tensor.Matrix("layers.1.weight", 1, 3, [1.0, 2.0, 3.0]))), Source, "layer 1 reads 3 inputs but layer 0 writes 2");

    [Theory]
    [InlineData(double.NaN, "NaN")]
    [InlineData(double.PositiveInfinity, "Infinity")]
    public void A_parameter_that_is_not_finite_is_refused(double value, string shown)
    {
        ReaderRefusal.Expect(Read(Replace(Valid(), Tensor.Matrix("layers.0.weight", 2, 3, [0, 0, 0, 0, value, 0]))), Source, $"layers.0.weight element 4 is {shown}");
        ReaderRefusal.Expect(Read(Replace(Valid(), Tensor.Vector("layers.1.bias", [value]))), Source, $"layers.1.bias element 0 is {shown}");
    }

    [Fact]
    public void An_unknown_activation_in_the_metadata_is_refused_and_quoted_on_one_line()
    {
        var file = Valid() with { Metadata = Valid().Metadata.SetItem(NetworkTensors.ActivationsKey, "tanh,sig\nmoid") };
        ReaderRefusal.Expect(Read(file), Source, "metadata activations", "unknown activation 'sig\\nmoid'");
    }

    [Fact]
    public void Metadata_listing_more_activations_than_layers_is_refused()
    {
        var file = Valid() with { Metadata = Valid().Metadata.SetItem(NetworkTensors.ActivationsKey, "tanh,tanh,identity") };
        ReaderRefusal.Expect(Read(file), Source, "lists 3 activations but the file has 2 layers");
    }

    [Fact]
    public void Softmax_on_a_hidden_layer_is_refused()
    {
        var file = Valid() with { Metadata = Valid().Metadata.SetItem(NetworkTensors.ActivationsKey, "softmax,identity") };
        ReaderRefusal.Expect(Read(file), Source, "softmax may only be the output activation");
    }

    [Fact]
    public void Metadata_widths_that_disagree_with_the_tensors_are_refused()
    {
        var file = Valid() with { Metadata = Valid().Metadata.SetItem(NetworkTensors.WidthsKey, "3,5,1") };
        ReaderRefusal.Expect(Read(file), Source, "metadata widths '3,5,1' disagrees with the tensors' widths 3,2,1");
    }

    [Fact]
    public void Optimizer_moments_are_read_under_their_prefix_and_must_have_the_network_s_shapes()
    {
        var file = Valid();
        var network = (Network)Read(file);
        var moments = NetworkTensors.ToTensors(Updates.ParametersOf(network), "optimizer.m.").ToArr();
        var withMoments = file with { Tensors = file.Tensors + moments };
        var read = (Gradients)NetworkTensors.GradientsFromFile(withMoments, Source, "optimizer.m.", network);
        Assert.True(Bits.Same(Bits.Of(Updates.ParametersOf(network)), Bits.Of(read)));
        var transposed = Replace(Replace(withMoments, Tensor.Matrix("optimizer.m.layers.0.weight", 3, 2, [0.1, 0.2, 0.3, 0.4, 0.5, 0.6])), Tensor.Vector("optimizer.m.layers.0.bias", [0, 0, 0]));
        ReaderRefusal.Expect(NetworkTensors.GradientsFromFile(transposed, Source, "optimizer.m.", network), Source,
            "optimizer.m.layers.0.weight is [3, 2] but the network's is [2, 3]");
        var narrow = Replace(Replace(withMoments, Tensor.Matrix("optimizer.m.layers.1.weight", 1, 1, [1.0])), Tensor.Vector("optimizer.m.layers.1.bias", [0.5]));
        ReaderRefusal.Expect(NetworkTensors.GradientsFromFile(narrow, Source, "optimizer.m.", network), Source,
            "optimizer.m.layers.1.weight is [1, 1] but the network's is [1, 2]");
    }

    [Fact]
    public void Sequential_modules_are_layers_in_the_order_of_their_numbers_not_of_the_file()
    {
        Tensor Weight(int k, int rows, int columns) => Tensor.Matrix($"{k}.weight", rows, columns, new double[rows * columns]);
        Tensor Bias(int k, int rows) => Tensor.Vector($"{k}.bias", new double[rows]);
        var file = new SafeTensorsFile(Arr.create(Weight(10, 2, 5), Bias(10, 2), Weight(2, 5, 4), Bias(2, 5), Weight(0, 4, 3), Bias(0, 4)), Map<OrdString, string, string>.Empty);
        Assert.Equal([3, 4, 5, 2], ((Network)Read(file)).Widths.ToArray());
    }

    [Fact]
    public void The_first_stray_tensor_in_name_order_is_named()
    {
        var file = Valid() with { Tensors = Valid().Tensors.Add(Tensor.Vector("b", [1.0])).Add(Tensor.Vector("a", [1.0])) };
        ReaderRefusal.Expect(Read(file), Source, "tensor 'a' is not part of a layers.{i} network");
    }

    [Theory]
    [InlineData("extra.m.layers.0.weight")]
    [InlineData("optimizer.m.layers.0x.weight")]
    [InlineData("optimizer..layers.0.weight")]
    public void Only_an_optimizer_s_moments_may_sit_beside_the_layers(string name)
    {
        var file = Valid() with { Tensors = Valid().Tensors.Add(Tensor.Vector(name, [1.0])) };
        ReaderRefusal.Expect(Read(file), Source, $"tensor '{name}' is not part of a layers.{{i}} network");
    }

    [Fact]
    public void A_weight_and_a_bias_both_not_finite_are_refused_at_the_weight() =>
        ReaderRefusal.Expect(Read(Replace(Replace(Valid(), Tensor.Vector("layers.1.bias", [double.NaN])), Tensor.Matrix("layers.1.weight", 1, 2, [1.0, double.NaN]))), Source,
            "layers.1.weight element 1 is NaN; parameters must be finite");

    [Fact]
    public void A_missing_moment_is_refused_by_name()
    {
        var network = (Network)Read(Valid());
        var moments = NetworkTensors.ToTensors(Updates.ParametersOf(network), "optimizer.v.").Where(t => t.Name != "optimizer.v.layers.1.weight").ToArr();
        ReaderRefusal.Expect(NetworkTensors.GradientsFromFile(Valid() with { Tensors = Valid().Tensors + moments }, Source, "optimizer.v.", network), Source, "missing tensor optimizer.v.layers.1.weight");
    }

    [Fact]
    public void A_file_of_many_layers_reads_in_time_linear_in_its_size()
    {
        // Before tensors were looked up by name in a dictionary this took about n² string comparisons.
        const int layers = 20_000;
        var tensors = Enumerable.Range(0, layers).SelectMany(i => new[] { Tensor.Matrix($"layers.{i}.weight", 1, 1, [1.0]), Tensor.Vector($"layers.{i}.bias", [0.0]) });
        var network = (Network)Read(new SafeTensorsFile(tensors.ToArr(), Map<OrdString, string, string>.Empty));
        Assert.Equal(layers, network.Layers.Count);
    }
}
