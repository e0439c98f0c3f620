using Backprop.Functional.IO;
using LanguageExt;

namespace Backprop.Functional.Runs;

/// <summary>
/// Everything a run needs before its first step, derived from a <see cref="RunSpec"/> by
/// <see cref="RunPlan.Resolve"/>, and what every state of the run must therefore look like:
/// the checkpoint of epoch k is a function of epoch k's result and state k−1's hash.
/// </summary>
/// <param name="Spec">The spec with every default resolved (what run.json records).</param>
/// <param name="Data">Training rows and the held-out parts, preprocessed.</param>
/// <param name="Schema">Column meaning, classes and standardization.</param>
/// <param name="Config">Loss, optimizer and batch size.</param>
/// <param name="Initial">The state before any step (epoch 0).</param>
/// <param name="DataFingerprint">SHA-256 of the whole loaded data set before splitting.</param>
/// <param name="DataDescription">Where the data came from, for people.</param>
public sealed record PreparedRun(
    RunSpec Spec,
    DataSplit Data,
    DataSchema Schema,
    TrainConfig Config,
    TrainState Initial,
    string DataFingerprint,
    string DataDescription)
{
    /// <summary>
    /// The spec keys (run.json's names, e.g. <c>layers</c>, <c>optimizer</c>) that no one chose
    /// and that took a default for real data; empty for the seed demo and for a resolved spec.
    /// </summary>
    public Arr<string> DataDefaults { get; init; }

    /// <summary>The parent a fork starts from and what it carried over (null for a run that is not a fork).</summary>
    public ForkOrigin? Fork { get; init; }

    /// <summary>Why a numeric target is taken for class labels, when the task was inferred (null otherwise).</summary>
    public string? TaskNote { get; init; }

    /// <summary>
    /// The same rows as <see cref="Data"/> with the targets in their own units, when the targets are
    /// standardized (null when they are not: then <see cref="Data"/> is in the targets' units).
    /// </summary>
    public DataSplit? InTargetUnits { get; init; }

    /// <summary>The epochs the run trains in total (its resolved spec's).</summary>
    public int Epochs => Spec.Epochs ?? SeedDemo.Epochs;

    /// <summary>The configuration every state of this run records (<see cref="RunFile.StateConfig"/>).</summary>
    public string StateConfig { get; } = RunFile.StateConfig(Spec);

    /// <summary>State 0: the initial state, linked to nothing, measured by nothing.</summary>
    public Checkpoint InitialCheckpoint() => CheckpointOf(Initial, null, null);

    /// <summary>The checkpoint of a state of this run, linked to the previous state's file hash.</summary>
    public Checkpoint CheckpointOf(TrainState state, EpochMetrics? metrics, string? previousSha256) =>
        new(state, Config.Loss, Schema, StateConfig, DataFingerprint, previousSha256, metrics);

    /// <summary>
    /// The state file of epoch <paramref name="result"/> after the state whose file hashes to
    /// <paramref name="previousSha256"/>, measured in <paramref name="compute"/> (see <see cref="Measure"/>).
    /// </summary>
    public Checkpoint CheckpointAfter(EpochResult result, string previousSha256, ComputeContext? compute = null) =>
        CheckpointOf(result.State, Measure(result, compute), previousSha256);

    /// <summary>
    /// The epoch's training loss and, when there is a validation split, the validation loss and
    /// accuracy after it, evaluated in <paramref name="compute"/> (without one, on the calling
    /// thread; the same bits either way).
    /// </summary>
    public EpochMetrics Measure(EpochResult result, ComputeContext? compute = null)
    {
        if (Data.Validation is not { } validation) return new EpochMetrics(result.Loss, null, null);
        var evaluation = Evaluation.Of(result.State.Network, Config.Loss, validation, Schema.Task, compute);
        return new EpochMetrics(result.Loss, evaluation.Loss, evaluation.Accuracy);
    }

    /// <summary>
    /// The layers.csv rows of the epoch that starts from <paramref name="start"/>: the statistics
    /// of its first step (<see cref="LayerStatistics.OfEpoch"/>), products in <paramref name="compute"/>.
    /// </summary>
    public Arr<LayerRow> LayersOf(TrainState start, ComputeContext? compute = null) =>
        LayerRow.Of(start.Epoch + 1, LayerStatistics.OfEpoch(Config, start, Data.Train, compute));

    /// <summary>
    /// The same rows from <paramref name="result"/>, the epoch from <paramref name="start"/>: the
    /// statistics it measured (<see cref="Functional.Training.MeasuredEpoch"/>), else measured apart.
    /// </summary>
    public Arr<LayerRow> LayersOf(TrainState start, EpochResult result, ComputeContext? compute = null) =>
        result.Layers is { } measured ? LayerRow.Of(start.Epoch + 1, measured) : LayersOf(start, compute);

    /// <summary>The epoch from <paramref name="start"/>, measuring its first step when <paramref name="measureLayers"/> (for layers.csv).</summary>
    public EpochResult Epoch(TrainState start, bool measureLayers, ComputeContext? compute = null) =>
        measureLayers
            ? Functional.Training.MeasuredEpoch(Config, start, Data.Train, compute)
            : Functional.Training.Epoch(Config, start, Data.Train, compute);

    /// <summary>
    /// The epochs whose states the run keeps when <paramref name="last"/> is the last one written
    /// and <paramref name="best"/> the best so far: 0, the last, every <c>keep-every</c>-th (with
    /// <c>keep-last N</c>, only those within the last N·K epochs, so the N most recent of them),
    /// and the best when the run keeps it (<see cref="KeepsBest"/>).
    /// </summary>
    public bool Keeps(int epoch, int last, int? best = null) =>
        epoch == 0 || epoch == last || (KeepsBest && epoch == best) ||
        (epoch % Spec.KeepEvery == 0 && (Spec.KeepLast is not { } n || epoch > (long)last - (long)n * Spec.KeepEvery));

    /// <summary>The first <c>keep-every</c> multiple the run keeps when <paramref name="last"/> is the last state (the window of <c>keep-last</c>).</summary>
    public long FirstKeptMultiple(int last)
    {
        long every = Spec.KeepEvery;
        return Spec.KeepLast is { } n ? Math.Max(every, (last / every - n + 1) * every) : every;
    }

    /// <summary>How many states <see cref="Keeps"/> keeps up to <paramref name="last"/> (counted, never listed: <paramref name="last"/> may be huge).</summary>
    public long KeptCount(int last, int? best = null)
    {
        long every = Spec.KeepEvery;
        var multiples = last / every;
        if (Spec.KeepLast is { } n) multiples = Math.Min(multiples, n);
        var count = 1 + multiples + (last % every != 0 ? 1 : 0);
        return count + (KeepsBest && best is { } b && b > 0 && b <= last && !Keeps(b, last) ? 1 : 0);
    }

    /// <summary>Whether the best epoch's state is always kept: <c>keep-best</c>, or <c>restore-best</c>, whose final model it is.</summary>
    public bool KeepsBest => Spec.KeepBest == true || Spec.RestoreBest == true;

    /// <summary>What <c>patience</c>, <c>keep-best</c> and <c>restore-best</c> watch (null when the run gives none of them).</summary>
    public Monitor? Monitor => Spec.Monitor is { } name && EarlyStopping.Parse(name).Case is Monitor monitor ? monitor : null;

    /// <summary>The monitored value of an epoch's metrics (NaN when it measured none).</summary>
    public double Monitored(EpochMetrics metrics) =>
        (Monitor == Functional.Monitor.ValAccuracy ? metrics.ValidationAccuracy : metrics.ValidationLoss) ?? double.NaN;

    /// <summary>The stopping rule's decision after one more epoch (unchanged when the run monitors nothing).</summary>
    public StopDecision Stopping(StopDecision decision, EpochMetrics metrics) =>
        Monitor is { } monitor ? EarlyStopping.Next(decision, Monitored(metrics), monitor, Spec.Patience) : decision;

    /// <summary>The stopping rule's decision after the epochs <paramref name="metrics"/> measured (epoch 1 first).</summary>
    public StopDecision Stopping(IEnumerable<EpochMetrics> metrics) => metrics.Aggregate(StopDecision.None, Stopping);

    /// <summary>
    /// The states a run of <see cref="Epochs"/> epochs keeps and what they take on disk: each is at
    /// most the size of the widest state (every parameter and optimizer slot as 8-byte doubles, the
    /// standardization and the header), measured without encoding one. With <c>keep-best</c> the
    /// best may be one more; with <c>patience</c> the run may stop sooner.
    /// </summary>
    public Fin<StateStorage> Storage() =>
        StateFile.CheckWritable(InitialCheckpoint()).Map(bytes =>
            new StateStorage(Math.Min(Epochs + 1L, KeptCount(Epochs) + (KeepsBest ? 1 : 0)), Epochs + 1L, bytes));
}

/// <summary>The states a run keeps on disk, and their size.</summary>
/// <param name="Kept">States kept (at most).</param>
/// <param name="Written">States written (state 0 and one per epoch).</param>
/// <param name="BytesPerState">The largest a state file of the run can be.</param>
public sealed record StateStorage(long Kept, long Written, long BytesPerState)
{
    /// <summary>Above this a run says how much it will write before it starts: 1 GiB.</summary>
    public const long Large = 1L << 30;

    /// <summary>What the kept states take in all.</summary>
    public long Bytes => Kept * BytesPerState;

    /// <summary>"states: 201 kept of 201, about 2.3 MiB".</summary>
    public override string ToString() => $"states: {Kept:N0} kept of {Written:N0}, about {ByteSize.Text(Bytes)} ({ByteSize.Text(BytesPerState)} each)";
}
