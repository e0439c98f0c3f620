using LanguageExt;

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
    /// <summary>
    /// Reads run.json, loads its inputs (from where <paramref name="sources"/> says, else where
    /// run.json says) and lists the states; <paramref name="savesStates"/> when the run is to be
    /// trained on (resumed), which the memory check counts.
    /// </summary>
    public static Fin<OpenedRun> Open(RunDirectory directory, RunSources sources, bool savesStates = false) =>
        from recorded in directory.ReadSpec()
        from spec in sources.Apply(recorded.AsRecordedRun())
        from plan in RunPlan.Prepare(spec, savesStates).InFile(directory.RunFile)
        select new OpenedRun(directory, recorded, plan, directory.List());

    /// <summary>Opens the run directory at <paramref name="path"/> for reading.</summary>
    public static Fin<OpenedRun> Open(string path, RunSources sources) => RunDirectory.Open(path).Bind(directory => Open(directory, sources));
}
