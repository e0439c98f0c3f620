using Backprop.Functional.IO;
using Backprop.Functional.Tests.Support;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using LanguageExt;
using LanguageExt.ClassInstances;
using LanguageExt.Common;

namespace Backprop.Functional.Tests.IO;

/// <summary>The safetensors codec: exact round trips and clear refusals.</summary>
public sealed class SafeTensorsTests
{
    [Property(MaxTest = 200, Arbitrary = [typeof(SmoothNetworks)])]
    public Property A_network_survives_a_safetensors_round_trip_bit_for_bit(NetworkCase c)
    {
        var network = c.Network;
        var bytes = SafeTensors.Serialize(NetworkTensors.ToFile(network, MeanSquaredError.Instance, Map<OrdString, string, string>.Empty));
        var back = (Network)SafeTensors.Parse(bytes).Bind(f => NetworkTensors.FromFile(f, "memory", Identity.Instance, Identity.Instance));
        var again = SafeTensors.Serialize(NetworkTensors.ToFile(back, MeanSquaredError.Instance, Map<OrdString, string, string>.Empty));
        return Bits.Same(Bits.Of(network), Bits.Of(back)).Label("the values changed")
            .And(back.Activations.SequenceEqual(network.Activations).Label("the activations changed"))
            .And(bytes.AsSpan().SequenceEqual(again).Label("writing the read-back network gave other bytes"));
    }

    [Fact]
    public void Special_values_survive_the_round_trip_with_their_exact_bits()
    {
        double[] values = [double.NaN, -0.0, double.Epsilon, double.MaxValue, double.NegativeInfinity, BitConverter.Int64BitsToDouble(0x7FF8_0000_DEAD_BEEF)];
        var file = new SafeTensorsFile(Arr.create(Tensor.Vector("v", values)), Map<OrdString, string, string>.Empty.Add("k", "ü\"\n"));
        var back = (SafeTensorsFile)SafeTensors.Parse(SafeTensors.Serialize(file));
        Assert.True(Bits.Same(values, back.Find("v").Map(t => t.Values).IfNone([])));
        Assert.Equal("ü\"\n", back.Meta("k").IfNone(""));
    }

    [Fact]
    public void The_seed_fixture_reads_with_the_expected_tensors()
    {
        var file = SeedFixtureTests.Fixture();
        var network = (Network)NetworkTensors.FromFile(SeedFixtureTests.InitialWeights(file), "fixture", Sigmoid.Instance, Sigmoid.Instance);
        Assert.Equal([10, 32, 32, 32, 32, 32, 32, 2], network.Widths.ToArray());
        Assert.Equal(10, file.Find("x").Map(t => t.Values.Length).IfNone(0));
    }

    [Fact]
    public void The_header_is_padded_to_eight_bytes_with_spaces()
    {
        var bytes = SafeTensors.Serialize(new SafeTensorsFile(Arr.create(Tensor.Vector("a", [1.0])), Map<OrdString, string, string>.Empty));
        var headerLength = BitConverter.ToInt64(bytes, 0);
        Assert.Equal(0, headerLength % 8);
        Assert.Equal((byte)'}', bytes[8 + (int)headerLength - 1 - bytes.Skip(8).Take((int)headerLength).Reverse().TakeWhile(b => b == ' ').Count()]);
    }

    [Property(MaxTest = 100, Arbitrary = [typeof(SmoothNetworks)])]
    public Property Measure_gives_the_length_of_what_is_written(NetworkCase c)
    {
        var file = NetworkTensors.ToFile(c.Network, MeanSquaredError.Instance, Map<OrdString, string, string>.Empty.Add("note", "é\n"));
        var measured = SafeTensors.Measure(file.Tensors.Map(t => (t.Name, t.Shape)), file.Metadata);
        return (measured == SafeTensors.TrySerialize(file).Map(bytes => (long)bytes.Length)).Label($"measured {measured}");
    }

    [Fact]
    public void A_header_over_the_readers_limit_is_refused_instead_of_written()
    {
        // 17 million 'é', each written as the six-byte escape \u00E9: a 102 MB header from a 34 MB string.
        var file = new SafeTensorsFile(Arr.create(Tensor.Vector("a", [1.0])), Map<OrdString, string, string>.Empty.Add("note", new string('é', 17_000_000)));
        var refused = SafeTensors.TrySerialize(file);
        Assert.True(refused.IsFail);
        var message = ((Error)refused).Message;
        Assert.Contains("its header would take 102,000,", message);
        Assert.Contains("more than the 100,000,000 a reader accepts", message);
    }

    [Fact]
    public void A_file_over_the_readers_limit_is_refused_before_its_values_exist()
    {
        Arr<long> Shape(long n) => Arr.create(n);
        var refused = SafeTensors.Measure([("w", Shape(1L << 27))], Map<OrdString, string, string>.Empty);
        Assert.Contains("it would take 1.0 GiB (1,073,741,9", ((Error)refused).Message);
        Assert.Contains("more than the 1 GiB a reader accepts", ((Error)refused).Message);
        Assert.True(SafeTensors.Measure([("w", Shape((1L << 27) - 16))], Map<OrdString, string, string>.Empty).IsSucc);
    }

    [Fact]
    public void A_file_of_exactly_the_readers_limit_is_measured_and_one_value_more_is_refused()
    {
        var none = Map<OrdString, string, string>.Empty;
        var near = (1L << 27) - 16;
        var size = (long)SafeTensors.Measure([("w", Arr.create(near))], none);
        var exact = near + ((1L << 30) - size) / 8; // as many digits as near: the same header length
        Assert.Equal(1L << 30, (long)SafeTensors.Measure([("w", Arr.create(exact))], none));
        Assert.True(SafeTensors.Measure([("w", Arr.create(exact + 1))], none).IsFail);
    }

    [Fact]
    public void A_header_of_exactly_the_readers_limit_is_measured_and_eight_bytes_more_are_refused()
    {
        Arr<(string, Arr<long>)> tensors = Arr.create(("w", Arr.create(1L)));
        Map<OrdString, string, string> Note(int length) => Map<OrdString, string, string>.Empty.Add("note", new string('n', length));
        // The unpadded header's length without the note's characters: where padding to 8 first grows by a step.
        var padded = SafeTensors.Measure(tensors, Note(0)).Map(size => size - 16).IfFail(0);
        var step = Enumerable.Range(1, 8).First(n => SafeTensors.Measure(tensors, Note(n)).Map(size => size - 16).IfFail(0) > padded);
        var bare = padded + 1 - step;
        var fits = (int)(SafeTensors.MaxHeaderBytes - bare);
        Assert.Equal(8 + SafeTensors.MaxHeaderBytes + 8, (long)SafeTensors.Measure(tensors, Note(fits)));
        Assert.Contains("its header would take 100,000,008 bytes", ((Error)SafeTensors.Measure(tensors, Note(fits + 1))).Message);
    }

    [Fact]
    public void Shapes_whose_elements_overflow_a_long_are_refused_not_wrapped() =>
        Assert.Contains("more than the 1 GiB a reader accepts", ((Error)SafeTensors.Measure([("w", Arr.create(1L << 62, 4))], Map<OrdString, string, string>.Empty)).Message);

    [Fact]
    public void Tensors_no_reader_could_tell_apart_or_size_are_a_bug_of_the_caller()
    {
        var none = Map<OrdString, string, string>.Empty;
        Assert.Equal("duplicate or reserved tensor name 'a'",
            Assert.Throws<ArgumentException>(() => SafeTensors.TrySerialize(new SafeTensorsFile(Arr.create(Tensor.Vector("a", [1.0]), Tensor.Vector("a", [2.0])), none))).Message);
        Assert.Equal("duplicate or reserved tensor name '__metadata__'",
            Assert.Throws<ArgumentException>(() => SafeTensors.TrySerialize(new SafeTensorsFile(Arr.create(Tensor.Vector("__metadata__", [1.0])), none))).Message);
        Assert.Equal("tensor 'a' shape [2, 2] does not match its 3 values",
            Assert.Throws<ArgumentException>(() => SafeTensors.TrySerialize(new SafeTensorsFile(Arr.create(new Tensor("a", Arr.create(2L, 2), [1.0, 2, 3])), none))).Message);
    }
}
