using LanguageExt;
using LanguageExt.Common;

namespace Backprop.Functional;

/// <summary>What early stopping and the best model watch: a validation measurement after each epoch.</summary>
public enum Monitor
{
    /// <summary>The validation loss; lower is better.</summary>
    ValLoss,

    /// <summary>The validation accuracy (classification); higher is better.</summary>
    ValAccuracy,
}

/// <summary>The best epoch seen so far and the value it was measured at.</summary>
/// <param name="Epoch">The epoch (1-based: the epoch that produced state <paramref name="Epoch"/>).</param>
/// <param name="Value">What the monitor measured after it.</param>
public readonly record struct BestEpoch(int Epoch, double Value);

/// <summary>
/// The stopping rule's verdict after <paramref name="Epochs"/> epochs: the best of them (null before
/// the first), and whether training stops here.
/// </summary>
/// <param name="Epochs">How many epochs were seen.</param>
/// <param name="Best">The first epoch with the best value (null when none was seen).</param>
/// <param name="Stop">Whether the run stops after epoch <paramref name="Epochs"/>.</param>
public sealed record StopDecision(int Epochs, BestEpoch? Best, bool Stop)
{
    /// <summary>Before any epoch: nothing seen, nothing to stop.</summary>
    public static StopDecision None { get; } = new(0, null, false);

    /// <summary>How many epochs have passed since the best one.</summary>
    public int SinceBest => Epochs - (Best?.Epoch ?? 0);
}

/// <summary>
/// Early stopping as a pure function of the monitored values, epoch after epoch (Keras'
/// <c>EarlyStopping</c> with <c>min_delta</c> 0): an epoch improves on the best when its value is
/// strictly better (a NaN never is, and anything is better than a NaN); the best epoch is the first
/// with the best value; with a patience of P, training stops after the first epoch that comes P
/// epochs after the best. Train, resume and verify all ask this one rule, so verify recomputes the
/// decision a run took from the values its metrics.csv records.
/// </summary>
public static class EarlyStopping
{
    /// <summary>The names a monitor goes by, as metrics.csv's columns.</summary>
    public const string Names = "val_loss|val_accuracy";

    /// <summary>The monitor a name stands for.</summary>
    public static Fin<Monitor> Parse(string name) => name.Trim().ToLowerInvariant() switch
    {
        "val_loss" => Monitor.ValLoss,
        "val_accuracy" => Monitor.ValAccuracy,
        _ => Error.New($"unknown monitor {Quote.Value(name)} (expected {Names})"),
    };

    /// <summary>The monitor's name, as metrics.csv's column.</summary>
    public static string Name(this Monitor monitor) => monitor == Monitor.ValLoss ? "val_loss" : "val_accuracy";

    /// <summary>Whether <paramref name="candidate"/> is strictly better than <paramref name="best"/> for the monitor.</summary>
    public static bool Improves(Monitor monitor, double candidate, double best) =>
        !double.IsNaN(candidate) && (double.IsNaN(best) || (monitor == Monitor.ValLoss ? candidate < best : candidate > best));

    /// <summary>
    /// The decision after one more epoch measured at <paramref name="value"/>: stop when
    /// <paramref name="patience"/> epochs have passed since the best (null: never stop).
    /// </summary>
    public static StopDecision Next(StopDecision decision, double value, Monitor monitor, int? patience)
    {
        var epoch = decision.Epochs + 1;
        var best = decision.Best is { } b && !Improves(monitor, value, b.Value) ? b : new BestEpoch(epoch, value);
        return new StopDecision(epoch, best, patience is { } p && epoch - best.Epoch >= p);
    }

    /// <summary>The decision after the epochs measured at <paramref name="values"/> (epoch 1 first).</summary>
    public static StopDecision Decide(IEnumerable<double> values, Monitor monitor, int? patience) =>
        values.Aggregate(StopDecision.None, (decision, value) => Next(decision, value, monitor, patience));

    /// <summary>
    /// The epoch after which a run measuring <paramref name="values"/> stops: the first at which
    /// <see cref="Next"/> says stop (null when none does).
    /// </summary>
    public static int? StoppedAt(IEnumerable<double> values, Monitor monitor, int patience)
    {
        var decision = StopDecision.None;
        foreach (var value in values)
        {
            decision = Next(decision, value, monitor, patience);
            if (decision.Stop) return decision.Epochs;
        }
        return null;
    }
}
