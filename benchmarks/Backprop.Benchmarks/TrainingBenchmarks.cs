using Backprop.Functional;
using BenchmarkDotNet.Attributes;

namespace Backprop.Benchmarks;

/// <summary>
/// Forward, backward and a whole SGD step on one batch of each workload: the step as training
/// runs it (fused, <see cref="Training.Step"/>) and as its definition composes it
/// (<see cref="Training.ReferenceStep"/>: Forward.Run, Backward.Run, Optimizer.Update, Updates.Apply).
/// Forward, backward and the fused step run in a <see cref="ComputeContext"/> of <see cref="Threads"/>
/// threads, as the command line runs them; the reference step runs on the calling thread.
/// </summary>
public class TrainingBenchmarks
{
    private static readonly TrainConfig Config = new(MeanSquaredError.Instance, new Sgd(new ConstantSchedule(0.01)));
    private Network network = null!;
    private Dataset batch = null!;
    private ForwardTrace trace = null!;
    private TrainState state = null!;
    private ComputeContext compute = null!;

    [ParamsSource(nameof(All))]
    public Workload Workload { get; set; } = null!;

    [Params(1, 2)]
    public int Threads { get; set; }

    public static IEnumerable<Workload> All => Workloads.All;

    [GlobalSetup]
    public void Setup()
    {
        compute = new ComputeContext(Threads);
        (network, batch) = Workload.Build();
        trace = Forward.Run(network, batch.Inputs, compute);
        state = TrainState.Initial(network, Config.Optimizer, Rng.FromSeed(1));
    }

    [GlobalCleanup]
    public void Cleanup() => compute.Dispose();

    [Benchmark]
    public ForwardTrace ForwardRun() => Forward.Run(network, batch.Inputs, compute);

    [Benchmark]
    public Gradients BackwardRun() => Backward.Run(network, trace, batch.Targets, MeanSquaredError.Instance, compute);

    [Benchmark]
    public Stepped TrainingStep() => Training.Step(Config, state, batch, compute);

    [Benchmark]
    public Stepped ReferenceStep() => Training.ReferenceStep(Config, state, batch);
}
