using Backprop.Functional;
using Backprop.Functional.Numerics;
using BenchmarkDotNet.Attributes;

namespace Backprop.Benchmarks;

/// <summary>
/// Forward, backward and a whole SGD step on one batch of each workload: the step as training
/// runs it (fused, <see cref="Training.Step"/>) and as its definition composes it
/// (<see cref="Training.ReferenceStep"/>: Forward.Run, Backward.Run, Optimizer.Update, Updates.Apply).
/// </summary>
public class TrainingBenchmarks
{
    private static readonly TrainConfig Config = new(MeanSquaredError.Instance, new Sgd(new ConstantSchedule(0.01)));
    private Network network = null!;
    private Dataset batch = null!;
    private ForwardTrace trace = null!;
    private TrainState state = null!;

    [ParamsSource(nameof(All))]
    public Workload Workload { get; set; } = null!;

    [Params(1, 2)]
    public int Threads { get; set; }

    public static IEnumerable<Workload> All => Workloads.All;

    [GlobalSetup]
    public void Setup()
    {
        ComputeThreads.Count = Threads;
        (network, batch) = Workload.Build();
        trace = Forward.Run(network, batch.Inputs);
        state = TrainState.Initial(network, Config.Optimizer, Rng.FromSeed(1));
    }

    [Benchmark]
    public ForwardTrace ForwardRun() => Forward.Run(network, batch.Inputs);

    [Benchmark]
    public Gradients BackwardRun() => Backward.Run(network, trace, batch.Targets, MeanSquaredError.Instance);

    [Benchmark]
    public Stepped TrainingStep() => Training.Step(Config, state, batch);

    [Benchmark]
    public Stepped ReferenceStep() => Training.ReferenceStep(Config, state, batch);
}
