using LanguageExt;

namespace Backprop.Functional.Runs;

/// <summary>Something in a run directory that no run writes there, or that is not what it claims to be.</summary>
/// <param name="Path">The entry.</param>
/// <param name="Problem">What is wrong with it ("is a symbolic link", "is not a state name of this run").</param>
public sealed record StrayEntry(string Path, string Problem)
{
    /// <summary>"path: problem".</summary>
    public override string ToString() => $"{Path}: {Problem}";
}

/// <summary>
/// What a run directory's <c>states/</c> folder held when it was listed: the epochs of its state
/// files, the temporary files of writes in flight (or of a killed writer), and everything that
/// does not belong (symbolic links, FIFOs, devices, names that are not states, and a
/// metrics.csv or final.safetensors that is not a regular file).
/// </summary>
/// <param name="Epochs">The epochs of the regular state files, in order.</param>
/// <param name="Temporaries">Temporary files of atomic writes.</param>
/// <param name="Strays">Entries a run never writes.</param>
public sealed record RunListing(Arr<int> Epochs, Arr<string> Temporaries, Arr<StrayEntry> Strays)
{
    /// <summary>The last epoch with a state file, or null when there is none.</summary>
    public int? Last => Epochs.IsEmpty ? null : Epochs[^1];
}
