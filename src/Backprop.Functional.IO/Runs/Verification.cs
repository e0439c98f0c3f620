using LanguageExt;

namespace Backprop.Functional.Runs;

/// <summary>What verifying a run found.</summary>
/// <param name="Breaks">Every break in the chain of evidence (<see cref="ChainCheck"/>).</param>
/// <param name="Epochs">Every epoch rebuilt from state 0 and compared with what the run saved.</param>
/// <param name="Kept">How many states the run keeps.</param>
/// <param name="LastStateSha256">
/// The SHA-256 of the last state's file. Through the hash chain it stands for the whole run:
/// record it somewhere you trust to know later that the run is the one you verified.
/// </param>
public sealed record VerifyReport(Arr<ChainBreak> Breaks, Arr<ReplayLine> Epochs, int Kept, string? LastStateSha256)
{
    /// <summary>
    /// A fork's parent state (null for a run that is not a fork). When its <see cref="ParentState.Problem"/>
    /// is null, state 0 was rebuilt from it; otherwise the problem is among the breaks.
    /// </summary>
    public ParentState? Parent { get; init; }

    /// <summary>True when the chain is intact and every epoch replayed to the saved bits.</summary>
    public bool Proven => Breaks.IsEmpty && Epochs.ForAll(e => e.Identical);
}

/// <summary>
/// Verifying a run proves it whole: the chain check (state 0 rebuilt from run.json and its
/// inputs, seals, links, metrics, configurations, kept states), then a replay of every epoch
/// from state 0. A run still being trained is refused: its states change while they are read.
/// </summary>
public static class Verification
{
    /// <summary>
    /// Verifies the run at <paramref name="path"/>, reporting the chain's breaks (none when it is
    /// intact) once it is checked, then each replayed epoch as it is rebuilt (in
    /// <paramref name="compute"/>, see <see cref="Replay.Run"/>).
    /// </summary>
    public static Fin<VerifyReport> Run(string path, RunSources sources, Action<Arr<ChainBreak>> onChain, Action<ReplayLine> onEpoch, ComputeContext? compute = null)
    {
        if (RunDirectory.Open(path).Failed(out var openError, out var directory)) return openError;
        if (directory.LockForReading().Failed(out var lockError, out var held)) return lockError;
        using (held)
        {
            if (OpenedRun.Open(directory, sources).Failed(out var error, out var run)) return error;
            var (breaks, end) = ChainCheck.Run(run, MetricsReading.Strict);
            onChain(breaks);
            var parent = run.Plan.Fork?.Parent;
            if (run.Listing.Epochs.IsEmpty || run.Listing.Epochs[0] != 0) return new VerifyReport(breaks, [], run.Listing.Epochs.Count, end?.LastSha256) { Parent = parent };
            // A state 0 that does not belong cannot be replayed from: that is a finding, not a failure to verify.
            return Replay.Run(run, 0, null, onEpoch, compute).Match(
                lines => new VerifyReport(breaks, lines, run.Listing.Epochs.Count, end?.LastSha256) { Parent = parent },
                failure => new VerifyReport(breaks.Add(new ChainBreak("replay", failure.Message)), [], run.Listing.Epochs.Count, end?.LastSha256) { Parent = parent });
        }
    }
}
