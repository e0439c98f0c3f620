using Backprop.Functional.Fast;
using Backprop.Functional.Numerics;
using Backprop.Functional.Tests.Support;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using MathNet.Numerics.LinearAlgebra;

namespace Backprop.Functional.Tests.Fast;

/// <summary>Every registered loss kernel gives the bits of its loss's own value and gradient, beside either width of its output activation's kernel.</summary>
public sealed class LossKernelsTests
{
    /// <summary>A registered loss, an output activation it accepts, a rows × columns batch of logits and targets, and the activation kernel's width.</summary>
    public sealed record LossCase(string Loss, string OutputActivation, int Rows, int Columns, double[] Z, double[] Y, bool EightLanes)
    {
        public override string ToString() =>
            $"{Loss} after {OutputActivation}, {Rows}×{Columns}, {(EightLanes ? "eight" : "four")} lanes: z [{string.Join(", ", Z)}], y [{string.Join(", ", Y)}]";
    }

    public static class Cases
    {
        public static Arbitrary<LossCase> Arbitrary() =>
            (from loss in Gen.Elements(LossKernels.All.Select(r => r.Loss).ToArray())
             from output in loss.RequiredOutputActivation is { } required
                 ? Gen.Constant(required.Name)
                 : Gen.Elements(ActivationKernels.All.Select(r => r.Activation.Name).ToArray())
             from rows in SpecialValues.Rows
             from columns in Gen.Choose(1, 5)
             from nan in Gen.Elements(SpecialValues.NaNs)
             from z in SpecialValues.Values(nan).ArrayOf(rows * columns)
             from y in Gen.Frequency((3, Gen.Elements(0.0, 1.0, 0.25)), (1, SpecialValues.Values(nan))).ArrayOf(rows * columns)
             from eight in Gen.Elements(true, false)
             select new LossCase(loss.Name, output, rows, columns, z, y, eight)).ToArbitrary();
    }

    private const double Marker = -9876.5;

    [Property(MaxTest = 1000, Arbitrary = [typeof(Cases)])]
    public Property Every_registered_kernel_gives_the_bits_of_its_loss_on_special_values(LossCase c)
    {
        var loss = (Loss)Loss.Parse(c.Loss);
        var activation = (Activation)Activation.Parse(c.OutputActivation);
        var kernel = LossKernels.For(loss)!;
        var length = c.Rows * c.Columns;

        Matrix<double> Of(double[] values) => Dense.Matrix(c.Rows, c.Columns, values);
        var z = Of(c.Z);
        var trace = new LayerTrace(z, activation.Apply(z));
        var value = loss.Value(trace, Of(c.Y));
        var gradient = Dense.Data(loss.OutputGradient(trace, activation, Of(c.Y)));

        // z and h as long as the step's workspace holds them: the kernel reads y's length of each.
        double[] zs = [.. c.Z, Marker], hs = [.. Dense.Data(trace.Activation), Marker];
        var delta = new double[length + 2];
        Array.Fill(delta, Marker);
        var kernelValue = kernel.Value(zs, hs, c.Y, c.Rows);
        kernel.OutputDelta(zs, hs, c.Y, c.Rows, ActivationKernels.For(activation, c.EightLanes)!, delta.AsSpan(0, length));

        var sameValue = Bits.Same(kernelValue, value);
        var sameGradient = Bits.Same(delta[..length], gradient) && delta[length..].All(v => Bits.Same(v, Marker));
        return (sameValue && sameGradient).Label($"value {kernelValue:R} vs {value:R}; gradient {(sameGradient ? "same" : "differs")}");
    }

    [Fact]
    public void Every_loss_the_library_names_has_a_kernel() =>
        Assert.All(Loss.All, loss => Assert.NotNull(LossKernels.For(loss)));
}
