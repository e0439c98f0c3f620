using LanguageExt;

namespace Backprop.Functional.Runs;

/// <summary>
/// What a run may use of the machine: the memory available to the process, and whether it saves
/// states (a writer holds states while they are written, and a state must fit the readers'
/// limit). <see cref="RunPlan.Resolve"/> checks a run against it before anything is allocated.
/// </summary>
/// <param name="AvailableBytes">The memory the process may use.</param>
/// <param name="SavesStates">Whether every epoch's state is written to a run directory.</param>
public sealed record RunResources(long AvailableBytes, bool SavesStates)
{
    /// <summary>
    /// This process's memory: physical memory, or less under a container's limit or
    /// DOTNET_GCHeapHardLimit (what the garbage collector may use).
    /// </summary>
    public static RunResources ThisProcess(bool savesStates) => new(GC.GetGCMemoryInfo().TotalAvailableMemoryBytes, savesStates);

    /// <summary>The estimate for training <paramref name="shape"/> if it fits (and its states can be saved and read back), else a one-line refusal naming the figures.</summary>
    public Fin<MemoryEstimate> Check(TrainingShape shape) =>
        MemoryEstimate.Check(MemoryEstimate.Of(shape with { SavedStates = SavesStates ? 2 : 0 }), AvailableBytes)
            .Bind(estimate => SavesStates ? MemoryEstimate.CheckSaving(estimate) : estimate);
}
