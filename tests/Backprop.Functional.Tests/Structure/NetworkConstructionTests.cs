using Backprop.Functional.Numerics;
using Backprop.Functional.Tests.Support;
using LanguageExt;
using MathNet.Numerics.LinearAlgebra;

namespace Backprop.Functional.Tests.Structure;

/// <summary>
/// Layers, networks and the factory that builds them: what they accept, what they refuse (and
/// the words of the refusal), and what they say about themselves.
/// </summary>
public sealed class NetworkConstructionTests
{
    private static Layer LayerOf(int inputs, int outputs, string activation = "tanh") =>
        new(Dense.Matrix(outputs, inputs, Enumerable.Range(1, inputs * outputs).Select(v => (double)v).ToArray()),
            Dense.Vector(Enumerable.Range(1, outputs).Select(v => -v / 10.0).ToArray()), (Activation)Activation.Parse(activation));

    [Fact]
    public void A_layer_whose_bias_does_not_match_its_weights_rows_is_refused()
    {
        var weight = Dense.Matrix(3, 2, new double[6]);
        Assert.Equal("bias has 4 entries but the weight has 3 rows", Failure.Message(Layer.Create(weight, Dense.Vector(new double[4]), Identity.Instance)));
        Assert.Equal("bias has 2 entries but the weight has 3 rows", Failure.Message(Layer.Create(weight, Dense.Vector(new double[2]), Identity.Instance)));
        var layer = (Layer)Layer.Create(weight, Dense.Vector(new double[3]), Identity.Instance);
        Assert.Equal((2, 3), (layer.InputWidth, layer.OutputWidth));
    }

    [Fact]
    public void A_network_needs_a_layer_and_layers_whose_widths_chain()
    {
        Assert.Equal("a network needs at least one layer", Failure.Message(Network.Create([])));
        Assert.Equal("layer 1 reads 4 inputs but layer 0 writes 3", Failure.Message(Network.Create([LayerOf(2, 3), LayerOf(4, 1)])));
        Assert.Equal("layer 2 reads 2 inputs but layer 1 writes 5", Failure.Message(Network.Create([LayerOf(2, 3), LayerOf(3, 5), LayerOf(2, 1)])));
    }

    [Fact]
    public void Softmax_is_refused_on_every_hidden_layer_and_accepted_on_the_output()
    {
        Assert.Equal("softmax may only be the output activation (layer 0 is hidden)", Failure.Message(Network.Create([LayerOf(2, 3, "softmax"), LayerOf(3, 2)])));
        Assert.Equal("softmax may only be the output activation (layer 1 is hidden)",
            Failure.Message(Network.Create([LayerOf(2, 3), LayerOf(3, 3, "softmax"), LayerOf(3, 2, "softmax")])));
        Assert.True(Network.Create([LayerOf(2, 3), LayerOf(3, 2, "softmax")]).IsSucc);
        Assert.All(Activation.All, a => Assert.Equal(a.Name != "softmax", a.AllowedOnHiddenLayers));
    }

    [Fact]
    public void A_network_knows_its_widths_parameters_and_description()
    {
        var network = (Network)Network.Create([LayerOf(4, 3, "relu"), LayerOf(3, 5, "sigmoid"), LayerOf(5, 2, "softmax")]);
        Assert.Equal([4, 3, 5, 2], network.Widths.ToArray());
        Assert.Equal((4, 2), (network.InputWidth, network.OutputWidth));
        Assert.Equal(4 * 3 + 3 + 3 * 5 + 5 + 5 * 2 + 2, network.ParameterCount);
        Assert.Equal(["relu", "sigmoid", "softmax"], network.Activations.Map(a => a.Name).ToArray());
        Assert.Equal("4-3-5-2 (relu, sigmoid, softmax)", network.Describe());
    }

    [Fact]
    public void The_parameter_count_does_not_overflow_an_int()
    {
        // 3 layers of 2^15 × 2^14 weights: 3·2^29 + biases, past int.MaxValue. Only the shapes are read.
        var big = new Layer(Matrix<double>.Build.Sparse(1 << 14, 1 << 15), Dense.Vector(new double[1 << 14]), Identity.Instance);
        var square = new Layer(Matrix<double>.Build.Sparse(1 << 15, 1 << 14), Dense.Vector(new double[1 << 15]), Identity.Instance);
        var network = new Network(Arr.create(big, square, big));
        Assert.Equal(3L * (1 << 29) + (1 << 14) + (1 << 15) + (1 << 14), network.ParameterCount);
    }

    [Fact]
    public void The_factory_puts_the_hidden_activation_on_every_layer_but_the_last_and_draws_weights_in_order()
    {
        var rng = Rng.FromSeed(9);
        var (network, next) = ((Network, Rng))NetworkFactory.Create([3, 4, 5, 2], Relu.Instance, Softmax.Instance, new XavierUniform(), rng);
        Assert.Equal(["relu", "relu", "softmax"], network.Activations.Map(a => a.Name).ToArray());
        Assert.Equal([3, 4, 5, 2], network.Widths.ToArray());
        var expected = rng;
        for (var i = 0; i < 3; i++)
        {
            var layer = network.Layers[i];
            (var weights, expected) = new XavierUniform().Sample(expected, layer.InputWidth, layer.OutputWidth);
            Assert.True(Bits.Same(weights, Bits.Of(layer.Weight.Transpose())), $"layer {i}'s weights, row-major");
            Assert.All(layer.Bias, b => Assert.Equal(0.0, b));
        }
        Assert.Equal(expected, next);
    }

    [Fact]
    public void The_factory_with_two_widths_builds_one_output_layer()
    {
        var (network, _) = ((Network, Rng))NetworkFactory.Create([3, 2], Relu.Instance, Sigmoid.Instance, new HeNormal(), Rng.FromSeed(1));
        Assert.Equal("3-2 (sigmoid)", network.Describe());
    }

    [Theory]
    [InlineData(new int[0], "layer widths : needs at least two widths (inputs and outputs)")]
    [InlineData(new[] { 5 }, "layer widths 5: needs at least two widths (inputs and outputs)")]
    [InlineData(new[] { 5, 0, 2 }, "layer widths 5,0,2: every width must be at least 1 (got 0)")]
    [InlineData(new[] { 5, 3, -2, -7 }, "layer widths 5,3,-2,-7: every width must be at least 1 (got -2)")]
    [InlineData(new[] { (1 << 14) + 1, 1 << 14, 1 }, "layer widths 16385,16384,1: a layer would hold more than 268435456 weights")]
    [InlineData(new[] { 3, 2, 1 << 14, (1 << 14) + 1 }, "layer widths 3,2,16384,16385: a layer would hold more than 268435456 weights")]
    public void Widths_that_cannot_be_a_network_are_refused_with_the_reason(int[] widths, string message)
    {
        var refusal = Assert.IsType<InvalidSetting>(NetworkFactory.CheckWidths(widths).Match(_ => null!, e => e));
        Assert.Equal(Settings.LayerWidths, refusal.Setting);
        Assert.Equal(message, refusal.Message);
        Assert.Equal(message, Failure.Message(NetworkFactory.Create(widths, Relu.Instance, Identity.Instance, new HeNormal(), Rng.FromSeed(1))));
    }

    [Theory]
    [InlineData(new[] { 1, 1 })]
    [InlineData(new[] { 1 << 14, 1 << 14 })] // exactly the largest layer: 2^28 weights
    [InlineData(new[] { 1 << 28, 1 })]
    [InlineData(new[] { 1, 1 << 28, 1 })]
    public void Widths_at_the_limits_are_accepted(int[] widths) =>
        Assert.True(NetworkFactory.CheckWidths(widths).IsSucc);

    [Fact]
    public void The_seed_notebooks_widths()
    {
        Assert.Equal([10, 32, 32, 32, 32, 32, 32, 2], NetworkFactory.SeedWidths);
        NetworkFactory.SeedWidths[0] = 99;
        Assert.Equal(10, NetworkFactory.SeedWidths[0]);
    }
}
