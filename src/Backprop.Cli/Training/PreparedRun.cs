using Backprop.Functional;

namespace Backprop.Cli.Training;

/// <summary>Everything a run needs before its first step, derived from a <see cref="TrainSpec"/>.</summary>
/// <param name="Spec">The spec with every default resolved (what run.json records).</param>
/// <param name="Data">Training rows and the held-out parts, preprocessed.</param>
/// <param name="Schema">Column meaning, classes and standardization.</param>
/// <param name="Config">Loss, optimizer and batch size.</param>
/// <param name="Initial">The state before any step (epoch 0).</param>
/// <param name="DataFingerprint">SHA-256 of the whole loaded data set before splitting.</param>
/// <param name="DataDescription">Where the data came from, for people.</param>
public sealed record PreparedRun(
    TrainSpec Spec,
    DataSplit Data,
    DataSchema Schema,
    TrainConfig Config,
    TrainState Initial,
    string DataFingerprint,
    string DataDescription);
