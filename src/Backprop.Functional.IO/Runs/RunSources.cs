using LanguageExt;
using LanguageExt.Common;

namespace Backprop.Functional.Runs;

/// <summary>
/// Where a run's inputs are now, when they moved since it was made: a data file (or a shipped
/// data set) and the weights file it started from. A path is provenance; what decides is the
/// data's fingerprint and the init file's SHA-256, which every state and run.json record.
/// </summary>
/// <param name="Data">The CSV file now holding the run's data.</param>
/// <param name="Dataset">The shipped data set now standing for the run's data.</param>
/// <param name="Init">The weights file the run started from, now.</param>
/// <param name="Parent">The run directory a fork's parent state is in, now.</param>
public sealed record RunSources(string? Data = null, string? Dataset = null, string? Init = null, string? Parent = null)
{
    /// <summary>The inputs where run.json says they are.</summary>
    public static RunSources AsRecorded { get; } = new();

    /// <summary>The spec with its input locations replaced by these.</summary>
    public Fin<RunSpec> Apply(RunSpec spec)
    {
        if (Data is not null && Dataset is not null) return Error.New("give --data or --dataset, not both");
        if (Init is not null && spec.Init is null && spec.InitSha256 is null) return Error.New("--init: the run did not start from a weights file");
        if (Parent is not null && spec.Parent is null) return Error.New("--parent: the run is not a fork (it has no parent run)");
        return spec with
        {
            Data = Data ?? (Dataset is null ? spec.Data : null),
            Dataset = Dataset ?? (Data is null ? spec.Dataset : null),
            Init = Init ?? spec.Init,
            Parent = Parent is null ? spec.Parent : System.IO.Path.GetFullPath(Parent),
        };
    }
}
