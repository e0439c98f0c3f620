using LanguageExt;
using LanguageExt.Common;

namespace Backprop.Functional.Runs;

/// <summary>
/// A run directory read back: the specification run.json records, the run it describes rebuilt
/// from its inputs (so state 0 can be rebuilt and any epoch replayed), and what its states
/// folder holds. Replay, verify and resume all start here, so they check the same things.
/// </summary>
/// <param name="Directory">The run directory.</param>
/// <param name="Recorded">The specification run.json records, as it reads.</param>
/// <param name="Plan">The run rebuilt from run.json (read as a run's, <see cref="RunSpec.AsRecordedRun"/>) and the inputs.</param>
/// <param name="Listing">What states/ held when the run was opened.</param>
public sealed record OpenedRun(RunDirectory Directory, RunSpec Recorded, PreparedRun Plan, RunListing Listing)
{
    /// <summary>How the run ended, as run.json records it (null when it records nothing: see <see cref="RunOutcome"/>).</summary>
    public RunOutcome? Outcome { get; init; }

    /// <summary>
    /// Reads run.json, loads its inputs (from where <paramref name="sources"/> says, else where
    /// run.json says) and lists the states; <paramref name="savesStates"/> when the run is to be
    /// trained on (resumed), which the memory check counts.
    /// </summary>
    public static Fin<OpenedRun> Open(RunDirectory directory, RunSources sources, bool savesStates = false) =>
        from recorded in directory.ReadSpec()
        from spec in sources.Apply(recorded.AsRecordedRun())
        from inputs in RunInputs.Load(spec, problem => OwnStateZero(directory, spec, problem))
        from plan in RunPlan.Resolve(spec, inputs, RunResources.ThisProcess(savesStates)).InFile(directory.RunFile)
        from text in directory.ReadRunText()
        from outcome in RunFile.ParseOutcome(directory.RunFile, text)
        select new OpenedRun(directory, recorded, plan, directory.List()) { Outcome = outcome.Case as RunOutcome };

    /// <summary>
    /// A fork whose parent state is absent or not the one recorded stands on its own state 0: it
    /// still replays, and <see cref="ChainCheck"/> reports the parent's <paramref name="problem"/>.
    /// </summary>
    private static Fin<ParentState> OwnStateZero(RunDirectory directory, RunSpec spec, Error problem)
    {
        if (directory.ReadState(0).Failed(out _, out var own)) return problem;
        var absent = Fork.IsAbsent(spec);
        var text = absent
            ? $"is absent, so state 0 is not proven to be epoch {spec.ParentEpoch} of the parent run (recorded SHA-256 {Short(spec.ParentSha256)}…); " +
              $"every epoch from state 0 on is checked (name the {Settings.Parent} where it is now to check state 0 as well)"
            : problem.Message;
        var subject = spec.Parent is { } parent ? Path.Combine(parent, RunDirectory.StatesFolderName, RunDirectory.StateName(spec.ParentEpoch ?? 0)) : directory.StatePath(0);
        return Fork.StandIn(spec, subject, own, text.StartsWith(subject + ": ", StringComparison.Ordinal) ? text[(subject.Length + 2)..] : text, absent);
    }

    private static string Short(string? sha) => sha is null ? "(none)" : sha[..Math.Min(12, sha.Length)];

    /// <summary>Opens the run directory at <paramref name="path"/> for reading.</summary>
    public static Fin<OpenedRun> Open(string path, RunSources sources) => RunDirectory.Open(path).Bind(directory => Open(directory, sources));
}
