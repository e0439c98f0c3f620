using Backprop.Functional;
using Backprop.Functional.IO;
using LanguageExt;
using LanguageExt.Common;

namespace Backprop.Cli.Training;

/// <summary>
/// Rebuilds what a saved state was trained with (for resume, replay and verify) and refuses a
/// state that does not belong: other data, another architecture or another loss.
/// </summary>
public static class RunReload
{
    /// <summary>Prepares the run described by <paramref name="spec"/> around a reloaded checkpoint.</summary>
    public static Fin<PreparedRun> Prepare(TrainSpec spec, Checkpoint checkpoint, string statePath)
    {
        if (RunSetup.Prepare(spec, checkpoint.State.Network).Failed(out var error, out var run)) return error;
        if (run.DataFingerprint != checkpoint.DataSha256)
            return Error.New($"{statePath}: was trained on data with fingerprint {checkpoint.DataSha256[..12]}… but {run.DataDescription} now has {run.DataFingerprint[..12]}… (another or changed data set)");
        var network = checkpoint.State.Network;
        if (spec.Layers is { } layers && !layers.SequenceEqual(network.Widths))
            return Error.New($"{statePath}: holds a {string.Join(",", network.Widths)} network but the run is {string.Join(",", layers)} (a state of another architecture)");
        var expected = Enumerable.Range(0, network.Layers.Count).Select(i => i == network.Layers.Count - 1 ? run.Spec.OutputActivation ?? "" : run.Spec.Activation);
        if (!network.Activations.Map(a => a.Name).ToArray().SequenceEqual(expected))
            return Error.New($"{statePath}: its activations ({string.Join(",", network.Activations)}) are not the run's (a state of another architecture)");
        if (checkpoint.Loss != run.Config.Loss)
            return Error.New($"{statePath}: was trained with loss {checkpoint.Loss.Name} but the run uses {run.Config.Loss.Name}");
        return run;
    }
}
