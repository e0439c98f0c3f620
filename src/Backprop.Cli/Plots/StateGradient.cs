using System.Globalization;
using Backprop.Functional.IO;
using Backprop.Functional.Runs;
using LanguageExt;

namespace Backprop.Cli.Plots;

/// <summary>
/// The gradient drawn beside a state's weights. State files hold weights and optimizer moments,
/// never gradients, so it is recomputed: the gradient of the mean loss over every training row
/// at the state's weights, on the run's own data rebuilt from run.json (the same split and
/// preprocessing, checked against the state's data fingerprint). With full-batch training this
/// is exactly the gradient of the step that follows state K; with mini-batches it is the
/// full-batch gradient at those weights, which is what each mini-batch gradient estimates.
/// </summary>
public static class StateGradient
{
    /// <summary>Recomputes the gradient at <paramref name="checkpoint"/>'s weights.</summary>
    public static Fin<GradientPanel> Recompute(RunDirectory run, Checkpoint checkpoint, string statePath)
    {
        using var compute = Commands.SharedOptions.AllCores();
        return from opened in OpenedRun.Open(run, RunSources.AsRecorded)
               let prepared = opened.Plan
               from _ in ChainCheck.Foreign(prepared, checkpoint, checkpoint.State.Epoch).FirstOrDefault() is { } foreign
                   ? Fin<Unit>.Fail(LanguageExt.Common.Error.New($"{statePath}: {foreign}"))
                   : Fin<Unit>.Succ(Unit.Default)
               let train = prepared.Data.Train
               let gradients = Functional.Training.Gradient(checkpoint.State.Network, prepared.Config.Loss, train, compute)
               let batch = prepared.Config.BatchRows(train.Rows)
               select new GradientPanel(gradients,
                   $"mean {prepared.Config.Loss.Name} over {(train.Rows == 1 ? "the one training row" : $"all {Text(train.Rows)} training rows")} at these weights" +
                   (batch < train.Rows ? $" (full batch; training stepped on batches of {Text(batch)})" : ""));
    }

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
}
