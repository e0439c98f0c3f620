using Backprop.Functional.Fast;
using Backprop.Functional.Numerics;
using Backprop.Functional.Tests.Support;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Backprop.Functional.Tests.Fast;

/// <summary>Every registered activation kernel gives the bits of its activation's own methods, on four lanes and on eight.</summary>
public sealed class ActivationKernelsTests
{
    /// <summary>A registered activation, a column-major rows × columns batch (z, bias, dL/dh) and the kernel's width.</summary>
    public sealed record KernelCase(string Activation, int Rows, int Columns, double[] Z, double[] Bias, double[] Dh, bool KeepPreActivation, bool EightLanes)
    {
        public override string ToString() =>
            $"{Activation}, {Rows}×{Columns}, {(EightLanes ? "eight" : "four")} lanes, keep z {KeepPreActivation}: z [{string.Join(", ", Z)}], b [{string.Join(", ", Bias)}], dh [{string.Join(", ", Dh)}]";
    }

    public static class Cases
    {
        public static Arbitrary<KernelCase> Arbitrary() =>
            (from activation in Gen.Elements(ActivationKernels.All.Select(r => r.Activation.Name).ToArray())
             from rows in SpecialValues.Rows
             from columns in Gen.Choose(1, 7)
             from nan in Gen.Elements(SpecialValues.NaNs)
             from z in SpecialValues.Values(nan).ArrayOf(rows * columns)
             from bias in SpecialValues.Values(nan).ArrayOf(columns)
             from dh in SpecialValues.Values(nan).ArrayOf(rows * columns)
             from keep in Gen.Elements(true, false)
             from eight in Gen.Elements(true, false)
             select new KernelCase(activation, rows, columns, z, bias, dh, keep, eight)).ToArbitrary();
    }

    private const double Marker = 12345.678;

    [Property(MaxTest = 1500, Arbitrary = [typeof(Cases)])]
    public Property Every_registered_kernel_gives_the_bits_of_its_activation_on_special_values(KernelCase c)
    {
        var activation = (Activation)Activation.Parse(c.Activation);
        var kernel = ActivationKernels.For(activation, c.EightLanes)!;
        var length = c.Rows * c.Columns;

        // The reference: z + b as Forward.PreActivation adds it, then Apply and Backpropagate.
        var zb = (double[])c.Z.Clone();
        Elementwise.AddBias(zb, c.Bias, c.Rows);
        var z = Dense.Matrix(c.Rows, c.Columns, zb);
        var h = Dense.Data(activation.Apply(z));
        var dz = Dense.Data(activation.Backpropagate(z, Dense.Matrix(c.Rows, c.Columns, h), Dense.Matrix(c.Rows, c.Columns, c.Dh)));

        // The kernel, in buffers longer than the batch (as the step's workspace is), whose tails it must not touch.
        var zs = Padded(c.Z);
        var hs = Padded(new double[length]);
        kernel.AddBiasAndApply(zs, c.Bias, hs, c.Rows, c.KeepPreActivation);
        var forward = Bits.Same(hs[..length], h) && (!c.KeepPreActivation || Bits.Same(zs[..length], zb)) && Untouched(zs, length) && Untouched(hs, length);

        // A kernel that does not read z must give the same dL/dz whatever z holds.
        var zRead = kernel.ReadsPreActivation ? zb : Enumerable.Repeat(BitConverter.Int64BitsToDouble(0x7FF8_0000_0000_0BAD), length).ToArray();
        var dhs = Padded(c.Dh);
        kernel.Backpropagate(zRead, h, dhs, c.Rows, c.Columns);
        var backward = Bits.Same(dhs[..length], dz) && Untouched(dhs, length);

        return (forward && backward).Label($"forward {(forward ? "same" : "differs")}, backward {(backward ? "same" : "differs")}");
    }

    [Fact]
    public void Every_activation_the_library_names_has_a_kernel_on_both_widths()
    {
        foreach (var activation in Activation.All)
        {
            Assert.NotNull(ActivationKernels.For(activation, eightLanes: false));
            Assert.NotNull(ActivationKernels.For(activation, eightLanes: true));
        }
    }

    [Fact]
    public void A_machine_without_eight_lanes_gets_the_four_lane_kernel()
    {
        foreach (var (activation, four, eight) in ActivationKernels.All)
        {
            Assert.Same(four, ActivationKernels.For(activation, eightLanes: false));
            Assert.Same(eight, ActivationKernels.For(activation, eightLanes: true));
        }
    }

    [Fact]
    public void Sigmoid_and_tanh_layers_do_not_keep_their_pre_activation()
    {
        // Their slopes are h(1 − h) and 1 − h²: a hidden layer of either saves its z buffer in the fused step.
        foreach (var eight in new[] { false, true })
        {
            Assert.False(ActivationKernels.For(Sigmoid.Instance, eight)!.ReadsPreActivation);
            Assert.False(ActivationKernels.For(Tanh.Instance, eight)!.ReadsPreActivation);
        }
    }

    /// <summary>A subclass of a library activation is a different activation: it has no kernel until one is registered for it.</summary>
    private sealed record SteepSigmoid : ElementwiseActivation<Sigmoid.Function>
    {
        public override string Name => "steep-sigmoid";
    }

    [Fact]
    public void An_activation_that_is_not_registered_has_no_kernel()
    {
        Assert.Null(ActivationKernels.For(new Cube()));
        Assert.Null(ActivationKernels.For(new SteepSigmoid()));
    }

    private static double[] Padded(double[] values) => [.. values, Marker, Marker, Marker];

    private static bool Untouched(double[] padded, int length) => padded[length..].All(v => Bits.Same(v, Marker));

    [Theory]
    [InlineData(5, 6)]
    [InlineData(6, 5)]
    public void An_elementwise_kernel_refuses_a_buffer_shorter_than_the_batch(int zLength, int hLength)
    {
        // 3 rows × 2 columns need 6 elements in z and in h.
        foreach (var eight in new[] { false, true })
        {
            var kernel = ActivationKernels.For(Tanh.Instance, eight)!;
            Assert.Equal($"z holds {zLength} and h {hLength} values, fewer than the batch's 6", Assert.Throws<ArgumentException>(() =>
                kernel.AddBiasAndApply(new double[zLength], new double[2], new double[hLength], 3, keepPreActivation: true)).Message);
        }
    }
}
