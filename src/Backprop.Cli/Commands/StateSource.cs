using System.Globalization;
using Backprop.Functional.IO;
using Backprop.Functional.Runs;
using LanguageExt;
using LanguageExt.Common;

namespace Backprop.Cli.Commands;

/// <summary>A state file's bytes and where they came from.</summary>
/// <param name="Path">The file.</param>
/// <param name="Bytes">Its contents.</param>
public sealed record StateBytes(string Path, byte[] Bytes);

/// <summary>Reads the state a command names: <c>FILE.safetensors</c>, or <c>DIR</c> with an epoch (default: its last).</summary>
public static class StateSource
{
    /// <summary>The bytes of state <paramref name="epoch"/> of run <paramref name="dir"/> (or of its last state), read strictly.</summary>
    public static Fin<StateBytes> InRun(string dir, int? epoch) =>
        from run in RunDirectory.Open(dir)
        from state in run.ReadKeptState(epoch)
        select new StateBytes(run.StatePath(state.Epoch), state.Bytes);

    /// <summary>A path that is either a state/weights file (read as a person names it) or a run directory (with an epoch).</summary>
    public static Fin<StateBytes> Read(string path, int? epoch) =>
        Directory.Exists(path)
            ? InRun(path, epoch)
            : epoch is not null
                ? Error.New($"--epoch needs a run directory, but {path} is a file")
                : FileInput.ReadAllBytes(path).Map(bytes => new StateBytes(path, bytes));

    /// <summary>Text for a number in tables.</summary>
    public static string Number(double value) => value.ToString("G6", CultureInfo.InvariantCulture);
}
