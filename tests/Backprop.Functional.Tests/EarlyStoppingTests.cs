using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Backprop.Functional.Tests;

/// <summary>The stopping rule's laws: what the best epoch is, and when a run stops.</summary>
public sealed class EarlyStoppingTests
{
    /// <summary>Monitored values with ties and an occasional NaN, a monitor and a patience.</summary>
    public sealed class Histories
    {
        public static Arbitrary<(double[] Values, Monitor Monitor, int Patience)> Cases() => Arb.From(
            from values in Gen.ArrayOf(Gen.Frequency((9, Gen.Choose(0, 12).Select(i => i / 4.0)), (1, Gen.Constant(double.NaN))))
            from monitor in Gen.Elements(Monitor.ValLoss, Monitor.ValAccuracy)
            from patience in Gen.Choose(1, 6)
            select (values, monitor, patience));
    }

    private static IEnumerable<StopDecision> Prefixes(double[] values, Monitor monitor, int patience)
    {
        var decision = StopDecision.None;
        foreach (var value in values) yield return decision = EarlyStopping.Next(decision, value, monitor, patience);
    }

    [Property(MaxTest = 500, Arbitrary = [typeof(Histories)])]
    public Property A_run_stops_exactly_patience_epochs_after_its_best_and_never_sooner((double[] Values, Monitor Monitor, int Patience) c)
    {
        var prefixes = Prefixes(c.Values, c.Monitor, c.Patience).ToList();
        var stoppedAt = EarlyStopping.StoppedAt(c.Values, c.Monitor, c.Patience);
        var first = prefixes.FirstOrDefault(d => d.Stop);
        return (prefixes.All(d => d.Stop == (d.Epochs - d.Best!.Value.Epoch >= c.Patience))
                && stoppedAt == first?.Epochs
                && (first is null || first.Epochs - first.Best!.Value.Epoch == c.Patience)
                && prefixes.TakeWhile(d => !d.Stop).All(d => d.SinceBest < c.Patience)).ToProperty();
    }

    [Property(MaxTest = 500, Arbitrary = [typeof(Histories)])]
    public Property The_best_epoch_has_the_best_value_seen_and_is_the_first_to_reach_it((double[] Values, Monitor Monitor, int Patience) c)
    {
        var decision = EarlyStopping.Decide(c.Values, c.Monitor, c.Patience);
        if (c.Values.Length == 0) return (decision.Best is null && !decision.Stop).ToProperty();
        var best = decision.Best!.Value;
        double Better(double a, double b) => c.Monitor == Monitor.ValLoss ? Math.Min(a, b) : Math.Max(a, b);
        var finite = c.Values.Where(v => !double.IsNaN(v)).ToList();
        var optimum = finite.Count == 0 ? double.NaN : finite.Aggregate(Better);
        var firstAtOptimum = Array.FindIndex(c.Values, v => v.Equals(optimum)) + 1;
        return (best.Value.Equals(optimum) && best.Value.Equals(c.Values[best.Epoch - 1]) && best.Epoch == firstAtOptimum)
            .Label($"best {best}, optimum {optimum} first at {firstAtOptimum}");
    }

    [Fact]
    public void Validation_loss_must_fall_and_accuracy_must_rise_strictly_to_improve()
    {
        double[] losses = [3, 2, 2.5, 2, 2.6];
        Assert.Equal(new StopDecision(5, new BestEpoch(2, 2), true), EarlyStopping.Decide(losses, Monitor.ValLoss, 3));
        Assert.Equal(5, EarlyStopping.StoppedAt(losses, Monitor.ValLoss, 3));
        Assert.Null(EarlyStopping.StoppedAt(losses, Monitor.ValLoss, 4));
        Assert.Equal(new BestEpoch(1, 3), EarlyStopping.Decide(losses, Monitor.ValAccuracy, null).Best);
        Assert.False(EarlyStopping.Decide(losses, Monitor.ValLoss, null).Stop);
    }

    [Fact]
    public void Monitors_are_named_as_metrics_csv_names_their_columns()
    {
        Assert.Equal(Monitor.ValAccuracy, EarlyStopping.Parse("val_accuracy").Case);
        Assert.Equal(Monitor.ValLoss, EarlyStopping.Parse(" VAL_LOSS ").Case);
        Assert.Equal("val_loss", Monitor.ValLoss.Name());
        Assert.Equal("val_accuracy", Monitor.ValAccuracy.Name());
        var refusal = Assert.IsType<UnknownName>(EarlyStopping.Parse("accuracy").Match(_ => null!, e => e));
        Assert.Equal((Settings.Monitor, "unknown monitored metric 'accuracy' (expected val_loss|val_accuracy)"), (refusal.Setting, refusal.Message));
    }
}
