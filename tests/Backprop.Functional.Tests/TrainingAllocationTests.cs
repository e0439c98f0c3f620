using Backprop.Functional.Numerics;
using Backprop.Functional.Tests.Support;

namespace Backprop.Functional.Tests;

/// <summary>
/// What a compute context and one call of <see cref="Training.Epochs"/> reuse, read from the GC's
/// allocation counter (bytes, not time): a context keeps the fused step's workspace from call to
/// call, and a call of many epochs recycles the parameter arrays no returned state holds. None of
/// it changes a bit (other laws say so); without it, every call or epoch allocates afresh. The
/// contexts have one thread, so the calling thread's counter sees everything training allocates
/// (one test's second thread allocates none of the parameter sets it counts: the caller does).
/// </summary>
public sealed class TrainingAllocationTests
{
    [Fact]
    public void A_context_keeps_the_step_workspace_from_one_step_to_the_next()
    {
        // 2,048 rows of a 64-32-2 network: the workspace's z, h, δ and dh hold about 1.6 MB; the step's own
        // new parameters (a network and its arrays) about 20 KB.
        var c = new NetworkCase([64, 32, 2], ["sigmoid", "identity"], 2048, 5);
        var config = new TrainConfig(MeanSquaredError.Instance, new Sgd(new ConstantSchedule(0.1)));
        var (state, data) = (TrainState.Initial(c.Network, config.Optimizer, Rng.FromSeed(1)), c.Data);
        using var compute = new ComputeContext(1);
        Training.Step(config, state, data, compute);
        var allocated = Allocated(() => Training.Step(config, state, data, compute));
        Assert.True(allocated < 256 * 1024, $"the second step allocated {allocated:N0} bytes");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void A_step_in_a_context_allocates_only_the_state_it_returns(int threads)
    {
        // One copy of the parameters (517 KB for this 64-512-64 network) is the returned state's. On one
        // thread the step reads the state's arrays and writes the new state's; on two it splits the
        // first layer (64·64·512 multiply-adds) and runs on two row-major sets, the context's spares
        // from the second call on (three copies a step when they were not kept).
        var c = new NetworkCase([64, 512, 64], ["sigmoid", "identity"], 64, 11);
        var config = new TrainConfig(MeanSquaredError.Instance, new Sgd(new ConstantSchedule(0.01)), 32);
        var (state, data) = (TrainState.Initial(c.Network, config.Optimizer, Rng.FromSeed(11)), c.Data);
        using var compute = new ComputeContext(threads);
        state = Training.Step(config, state, data, compute).State;
        var allocated = Allocated(() => Training.Step(config, state, data, compute));
        var copies = (double)allocated / (8 * state.Network.ParameterCount);
        Assert.True(copies is > 0.99 and < 1.2, $"the second step allocated {copies:F2} copies of the parameters");
    }

    [Fact]
    public void A_context_keeps_the_epoch_workspace_from_one_call_to_the_next()
    {
        // 4,096 rows of 64 inputs in batches of 256: the gathered batches alone are 2.2 MB.
        var c = new NetworkCase([64, 8, 2], ["sigmoid", "identity"], 4096, 6);
        var config = new TrainConfig(MeanSquaredError.Instance, new Sgd(new ConstantSchedule(0.1)), 256);
        var (state, data) = (TrainState.Initial(c.Network, config.Optimizer, Rng.FromSeed(2)), c.Data);
        using var compute = new ComputeContext(1);
        Training.Epochs(config, state, data, 1, compute);
        var allocated = Allocated(() => Training.Epochs(config, state, data, 1, compute));
        Assert.True(allocated < 512 * 1024, $"the second call allocated {allocated:N0} bytes");
    }

    [Fact]
    public void Epochs_in_one_call_recycle_the_parameters_of_the_epochs_before()
    {
        // A call needs about three copies however many epochs it runs; one more per epoch without recycling.
        var copies = CopiesAllocatedBySecondCall(seed: 7, epochs: 12);
        Assert.True(copies < 6, $"12 epochs allocated {copies:F1} parameter copies");
    }

    [Fact]
    public void Skipped_steps_hand_their_parameter_arrays_to_the_next_step()
    {
        // Every row's target is NaN, so every step is skipped: one target set serves them all.
        var c = new NetworkCase([64, 512, 64], ["sigmoid", "identity"], 64, 8);
        var data = new Dataset(c.Data.Inputs, Dense.Matrix(64, 64, Enumerable.Repeat(double.NaN, 64 * 64).ToArray()));
        var config = new TrainConfig(MeanSquaredError.Instance, new Sgd(new ConstantSchedule(0.01)), 8, new NonFinitePolicy.SkipUpdates(1000));
        var state = TrainState.Initial(c.Network, config.Optimizer, Rng.FromSeed(4));
        using var compute = new ComputeContext(1);
        Training.Epochs(config, state, data, 1, compute);
        var copy = 8 * state.Network.ParameterCount;
        var result = default(EpochsResult);
        var allocated = Allocated(() => result = Training.Epochs(config, state, data, 4, compute));
        Assert.Equal(32, result!.State.SkippedSteps);
        Assert.True(allocated < 4 * copy, $"32 skipped steps allocated {allocated:N0} bytes, {(double)allocated / copy:F1} parameter copies");
    }

    [Fact]
    public void A_context_keeps_a_calls_spare_parameter_arrays_for_the_next_call()
    {
        // A call writes two sets in turn and hands out one; the next call in the same context takes the
        // other back, so it allocates only the one its returned state owns (two without the context's spares).
        var copies = CopiesAllocatedBySecondCall(seed: 9, epochs: 1);
        Assert.True(copies < 1.5, $"the second call allocated {copies:F1} parameter copies");
    }

    [Fact]
    public void Clipping_reads_each_step_s_gradient_norm_through_one_reused_copy()
    {
        // The norm is summed over the gradients in a state's layout, copied from the step's own every
        // step: 12 steps, each with a copy of its own, would allocate 12 copies more.
        var clipped = (Optimizer)Optimizer.Create("sgd", new ConstantSchedule(0.01), 0.9, 0.9, 0.999, 1e-8, 0.01, 1.0);
        var copies = CopiesAllocatedBySecondCall(seed: 10, epochs: 6, clipped);
        Assert.True(copies < 3, $"6 epochs with clipping allocated {copies:F1} parameter copies");
    }

    /// <summary>
    /// What a call of <paramref name="epochs"/> allocates after a first call of one epoch in the same
    /// context, in copies of the parameters of a 64-512-64 network (66,112: 517 KB a copy) trained with
    /// SGD on 64 rows in batches of 32 (2 steps an epoch).
    /// </summary>
    private static double CopiesAllocatedBySecondCall(ulong seed, int epochs, Optimizer? optimizer = null)
    {
        var c = new NetworkCase([64, 512, 64], ["sigmoid", "identity"], 64, seed);
        var config = new TrainConfig(MeanSquaredError.Instance, optimizer ?? new Sgd(new ConstantSchedule(0.01)), 32);
        var (state, data) = (TrainState.Initial(c.Network, config.Optimizer, Rng.FromSeed(seed)), c.Data);
        using var compute = new ComputeContext(1);
        Training.Epochs(config, state, data, 1, compute);
        var allocated = Allocated(() => Training.Epochs(config, state, data, epochs, compute));
        return (double)allocated / (8 * state.Network.ParameterCount);
    }

    private static long Allocated(Action train)
    {
        var before = GC.GetAllocatedBytesForCurrentThread();
        train();
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }
}
