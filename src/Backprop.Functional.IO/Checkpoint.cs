namespace Backprop.Functional.IO;

/// <summary>What an epoch measured: its training loss (before its steps) and, with a validation split, the loss and accuracy after it.</summary>
public sealed record EpochMetrics(double Loss, double? ValidationLoss, double? ValidationAccuracy)
{
    /// <summary>Whether <paramref name="other"/> holds the same measurements bit for bit (record equality would call two NaNs equal and 0.0 and −0.0 too).</summary>
    public bool SameBits(EpochMetrics other) =>
        Same(Loss, other.Loss) && Same(ValidationLoss, other.ValidationLoss) && Same(ValidationAccuracy, other.ValidationAccuracy);

    private static bool Same(double? a, double? b) =>
        a is null ? b is null : b is not null && BitConverter.DoubleToInt64Bits(a.Value) == BitConverter.DoubleToInt64Bits(b.Value);
}

/// <summary>
/// Everything one state file holds: the training state itself and what makes it verifiable
/// and usable on its own (the loss, the data schema with preprocessing and classes, the full
/// configuration, the data fingerprint and the previous state's hash).
/// </summary>
/// <param name="State">Epoch, step, network, optimizer state, generator.</param>
/// <param name="Loss">The loss the run trains with.</param>
/// <param name="Schema">Feature and target names, classes, standardization.</param>
/// <param name="Config">The run's resolved configuration as JSON (as run.json records it).</param>
/// <param name="DataSha256">The fingerprint of the training data.</param>
/// <param name="PreviousSha256">The SHA-256 of the previous epoch's state file; null for epoch 0.</param>
/// <param name="Metrics">What the epoch that produced this state measured; null for epoch 0.</param>
public sealed record Checkpoint(
    TrainState State,
    Loss Loss,
    DataSchema Schema,
    string Config,
    string DataSha256,
    string? PreviousSha256,
    EpochMetrics? Metrics);
