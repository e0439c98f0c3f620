using Backprop.Functional.Numerics;
using Backprop.Functional.Numerics.Gemm;
using Backprop.Functional.Tests.Support;

namespace Backprop.Functional.Tests;

/// <summary>
/// A compute context changes how fast, never what: training and products in any context (any
/// thread count, scratch left by other shapes, one context shared by several threads at once)
/// give the bits of the same call without one.
/// </summary>
public sealed class ComputeContextTests
{
    [Fact]
    public void A_context_has_at_least_one_thread()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new ComputeContext(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new GemmWorkers(0));
        using var compute = new ComputeContext(3);
        Assert.Equal(3, compute.Threads);
    }

    [Fact]
    public void A_disposed_context_is_refused()
    {
        var c = new NetworkCase([3, 4, 2], ["tanh", "identity"], 6, 1);
        var config = new TrainConfig(MeanSquaredError.Instance, new Sgd(new ConstantSchedule(0.1)), 2);
        var state = TrainState.Initial(c.Network, config.Optimizer, Rng.FromSeed(0));
        var compute = new ComputeContext(2);
        Training.Epoch(config, state, c.Data, compute);
        compute.Dispose();
        Assert.Throws<ObjectDisposedException>(() => Training.Epoch(config, state, c.Data, compute));
        Assert.Throws<ObjectDisposedException>(() => MatrixProduct.Multiply(c.Data.Inputs, c.Network.Layers[0].Weight.Transpose(), compute));
    }

    /// <summary>Shapes that take turns in one context: each finds the scratch space another one left (bigger, smaller, other widths).</summary>
    private static readonly (NetworkCase Network, int? Batch, string Optimizer)[] Workloads =
    [
        (new NetworkCase([5, 9, 3], ["sigmoid", "identity"], 40, 1), 8, "adam"),
        (new NetworkCase([130, 40, 10], ["relu", "softmax"], 200, 2, "cross-entropy"), 64, "momentum"),
        (new NetworkCase([5, 9, 3], ["tanh", "identity"], 17, 3), null, "sgd"),
        (new NetworkCase([128, 128, 96, 10], ["tanh", "relu", "identity"], 150, 4), 128, "adamw"),
        (new NetworkCase([2, 3, 1], ["leaky-relu", "sigmoid"], 1, 5, "binary-cross-entropy"), 1, "nesterov"),
    ];

    private static (TrainConfig Config, TrainState Start, Dataset Data) Setup((NetworkCase Network, int? Batch, string Optimizer) w)
    {
        var optimizer = (Optimizer)Optimizer.Create(w.Optimizer, new ConstantSchedule(0.01), 0.9, 0.9, 0.999, 1e-8, 0.01);
        var config = new TrainConfig(w.Network.Loss, optimizer, w.Batch);
        return (config, TrainState.Initial(w.Network.Network, optimizer, Rng.FromSeed(w.Network.Seed)), w.Network.Data);
    }

    /// <summary>Network and optimizer slots, the generator and every loss of two epochs then one step, as bits.</summary>
    private static string Fingerprint(EpochsResult epochs, Stepped step) =>
        string.Join(",", Bits.Of(step.State.Network).Concat(step.State.Optimizer.Slots.Values.SelectMany(Bits.Of)).Concat(epochs.Losses).Append(step.Loss)
            .Select(v => BitConverter.DoubleToInt64Bits(v).ToString("x"))) + $"/{step.State.Rng}/{step.State.Step}";

    private static string Train((NetworkCase Network, int? Batch, string Optimizer) w, ComputeContext? compute)
    {
        var (config, start, data) = Setup(w);
        var epochs = Training.Epochs(config, start, data, 2, compute);
        return Fingerprint(epochs, Training.Step(config, epochs.State, data, compute));
    }

    [Fact]
    public void Workloads_taking_turns_in_one_context_give_the_bits_of_no_context()
    {
        var expected = Workloads.Select(w => Train(w, null)).ToArray();
        foreach (var threads in new[] { 1, 2, 3 })
        {
            using var compute = new ComputeContext(threads);
            // Twice round, so that every workload also meets scratch space left by the others.
            for (var round = 0; round < 2; round++)
                for (var i = 0; i < Workloads.Length; i++)
                    Assert.True(expected[i] == Train(Workloads[i], compute), $"workload {i}, {threads} threads, round {round}");
        }
    }

    [Fact]
    public void One_context_shared_by_threads_training_at_once_gives_each_the_bits_of_no_context()
    {
        var expected = Workloads.Select(w => Train(w, null)).ToArray();
        using var compute = new ComputeContext(2);
        var results = new string[4 * Workloads.Length];
        Parallel.For(0, results.Length, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i => results[i] = Train(Workloads[i % Workloads.Length], compute));
        for (var i = 0; i < results.Length; i++)
            Assert.True(expected[i % Workloads.Length] == results[i], $"run {i} (workload {i % Workloads.Length}) differs");
    }

    [Fact]
    public void Forward_backward_and_evaluation_give_the_same_bits_in_a_context()
    {
        var c = new NetworkCase([130, 128, 96, 10], ["tanh", "relu", "softmax"], 300, 8, "cross-entropy");
        using var compute = new ComputeContext(3);
        var (network, data) = (c.Network, c.Data);
        Assert.True(Bits.Same(Bits.Of(Forward.Run(network, data.Inputs)), Bits.Of(Forward.Run(network, data.Inputs, compute))));
        Assert.True(Bits.Same(Bits.Of(Training.Gradient(network, c.Loss, data)), Bits.Of(Training.Gradient(network, c.Loss, data, compute))));
        Assert.Equal(Evaluation.Of(network, c.Loss, data, TaskKind.Classification), Evaluation.Of(network, c.Loss, data, TaskKind.Classification, compute), EvaluationComparer.Instance);
    }

    private sealed class EvaluationComparer : IEqualityComparer<Evaluation>
    {
        public static readonly EvaluationComparer Instance = new();

        public bool Equals(Evaluation? a, Evaluation? b) =>
            a is not null && b is not null && Bits.Same(a.Loss, b.Loss) && a.Accuracy == b.Accuracy &&
            a.Confusion.Map(r => string.Join(",", r)).SequenceEqual(b.Confusion.Map(r => string.Join(",", r)));

        public int GetHashCode(Evaluation e) => 0;
    }
}
