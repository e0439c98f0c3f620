using Backprop.Functional.Tests.Support;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Backprop.Functional.Tests;

/// <summary>Forward, backward and step are pure: inputs untouched, equal inputs give equal bits.</summary>
public sealed class PurityTests
{
    private static readonly TrainConfig Config = new(MeanSquaredError.Instance, new Sgd(new ConstantSchedule(0.1)));

    [Property(MaxTest = 200, Arbitrary = [typeof(SmoothNetworks)])]
    public Property Forward_backward_and_step_leave_their_inputs_unchanged(NetworkCase c)
    {
        var (network, data) = (c.Network, c.Data);
        var (networkBits, inputBits, targetBits) = (Bits.Of(network), Bits.Of(data.Inputs), Bits.Of(data.Targets));

        var trace = Forward.Run(network, data.Inputs);
        var traceBits = Bits.Of(trace);
        var gradients = Backward.Run(network, trace, data.Targets, c.Loss);
        var gradientBits = Bits.Of(gradients);
        var state = TrainState.Initial(network, Config.Optimizer, Rng.FromSeed(3));
        Training.Step(Config, state, data);
        Training.Epoch(Config with { BatchSize = 2 }, state, data);

        return (Bits.Same(networkBits, Bits.Of(network)) && Bits.Same(inputBits, Bits.Of(data.Inputs)) &&
                Bits.Same(targetBits, Bits.Of(data.Targets)) && Bits.Same(traceBits, Bits.Of(trace)) &&
                Bits.Same(gradientBits, Bits.Of(gradients)) && Bits.Same(networkBits, Bits.Of(state.Network)))
            .Label("an input or an earlier result was written to");
    }

    [Property(MaxTest = 200, Arbitrary = [typeof(SmoothNetworks)])]
    public Property Equal_inputs_give_bit_identical_outputs(NetworkCase c)
    {
        // Two independently built (equal, not shared) copies of the same inputs.
        var (first, second) = (Run(c), Run(c));
        return (Bits.Same(first.Trace, second.Trace) && Bits.Same(first.Gradients, second.Gradients) && Bits.Same(first.Stepped, second.Stepped))
            .Label("two runs on equal inputs differ");

        static (double[] Trace, double[] Gradients, double[] Stepped) Run(NetworkCase c)
        {
            var (network, data) = (c.Network, c.Data);
            var trace = Forward.Run(network, data.Inputs);
            var gradients = Backward.Run(network, trace, data.Targets, c.Loss);
            var stepped = Training.Step(Config, TrainState.Initial(network, Config.Optimizer, Rng.FromSeed(3)), data).State.Network;
            return (Bits.Of(trace), Bits.Of(gradients), Bits.Of(stepped));
        }
    }
}
