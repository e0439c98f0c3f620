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

    /// <summary>The epochs whose states the run keeps: 0, every <c>keep-every</c>-th, and the last one written.</summary>
    public bool Keeps(int epoch, int last) => epoch == 0 || epoch == last || epoch % Spec.KeepEvery == 0;
}
