using Backprop.Functional.IO;
using Backprop.Functional.Tests.Support;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using LanguageExt;

namespace Backprop.Functional.Tests.IO;

/// <summary>The safetensors codec: exact round trips and clear refusals.</summary>
public sealed class SafeTensorsTests
{
    [Property(MaxTest = 200, Arbitrary = [typeof(SmoothNetworks)])]
    public Property A_network_survives_a_safetensors_round_trip_bit_for_bit(NetworkCase c)
    {
        var network = c.Network;
        var bytes = SafeTensors.Serialize(NetworkTensors.ToFile(network, MeanSquaredError.Instance, Map<string, string>.Empty));
        var back = (Network)SafeTensors.Parse(bytes).Bind(f => NetworkTensors.FromFile(f, "memory", Identity.Instance, Identity.Instance));
        var again = SafeTensors.Serialize(NetworkTensors.ToFile(back, MeanSquaredError.Instance, Map<string, string>.Empty));
        return Bits.Same(Bits.Of(network), Bits.Of(back)).Label("the values changed")
            .And(back.Activations.SequenceEqual(network.Activations).Label("the activations changed"))
            .And(bytes.AsSpan().SequenceEqual(again).Label("writing the read-back network gave other bytes"));
    }

    [Fact]
    public void Special_values_survive_the_round_trip_with_their_exact_bits()
    {
        double[] values = [double.NaN, -0.0, double.Epsilon, double.MaxValue, double.NegativeInfinity, BitConverter.Int64BitsToDouble(0x7FF8_0000_DEAD_BEEF)];
        var file = new SafeTensorsFile(Arr.create(Tensor.Vector("v", values)), Map<string, string>.Empty.Add("k", "ü\"\n"));
        var back = (SafeTensorsFile)SafeTensors.Parse(SafeTensors.Serialize(file));
        Assert.True(Bits.Same(values, back.Find("v").Map(t => t.Values).IfNone([])));
        Assert.Equal("ü\"\n", back.Meta("k").IfNone(""));
    }

    [Fact]
    public void The_seed_fixture_reads_with_the_expected_tensors()
    {
        var file = SeedFixtureTests.Fixture();
        var network = (Network)NetworkTensors.FromFile(file, "fixture", Sigmoid.Instance, Sigmoid.Instance);
        Assert.Equal([10, 32, 32, 32, 32, 32, 32, 2], network.Widths.ToArray());
        Assert.Equal(10, file.Find("x").Map(t => t.Values.Length).IfNone(0));
    }

    [Fact]
    public void The_header_is_padded_to_eight_bytes_with_spaces()
    {
        var bytes = SafeTensors.Serialize(new SafeTensorsFile(Arr.create(Tensor.Vector("a", [1.0])), Map<string, string>.Empty));
        var headerLength = BitConverter.ToInt64(bytes, 0);
        Assert.Equal(0, headerLength % 8);
        Assert.Equal((byte)'}', bytes[8 + (int)headerLength - 1 - bytes.Skip(8).Take((int)headerLength).Reverse().TakeWhile(b => b == ' ').Count()]);
    }
}
