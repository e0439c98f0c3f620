using Backprop.Functional;
using LanguageExt;

namespace Backprop.Cli;

/// <summary>
/// The machine's side of the memory check: the core estimates what training needs
/// (<see cref="MemoryEstimate"/>) but does not look at the process, so the shell measures what
/// is available and passes it in.
/// </summary>
public static class MachineMemory
{
    /// <summary>
    /// The memory the garbage collector may use: physical memory, or less under a container's
    /// limit or DOTNET_GCHeapHardLimit (known before the first collection).
    /// </summary>
    public static long AvailableBytes => GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;

    /// <summary>The estimate for <paramref name="shape"/> if training it fits here, else a one-line refusal naming the figures.</summary>
    public static Fin<MemoryEstimate> Check(TrainingShape shape) => MemoryEstimate.Check(MemoryEstimate.Of(shape), AvailableBytes);
}
