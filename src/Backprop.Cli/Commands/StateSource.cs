using System.Globalization;
using Backprop.Functional;
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
    /// <summary>
    /// How often a state that vanished while being read (a trainer removing a state it does not
    /// keep, as often as every millisecond) is looked up again.
    /// </summary>
    private const int Attempts = 50;

    /// <summary>
    /// The bytes of state <paramref name="epoch"/> of run <paramref name="dir"/> (or of its last
    /// state), read strictly. A run still being trained deletes the state before the one it just
    /// wrote when it does not keep it; the last state is then looked up again.
    /// </summary>
    public static Fin<StateBytes> InRun(string dir, int? epoch)
    {
        if (RunDirectory.Open(dir).Failed(out var error, out var run)) return error;
        for (var attempt = 1; ; attempt++)
        {
            var kept = run.List().Epochs;
            if (kept.IsEmpty) return Error.New($"{dir}: holds no saved state");
            var wanted = epoch ?? kept[^1];
            if (!kept.Contains(wanted))
                return Error.New(wanted > kept[^1]
                    ? $"{dir}: epoch {wanted} is beyond the last epoch ({kept[^1]})"
                    : $"{dir}: epoch {wanted} was not kept (--keep-every); rebuild it with 'replay {dir} --from {kept.Filter(k => k < wanted).LastOrDefault()} --to {wanted}' or pick one of {string.Join(", ", kept.Take(8))}{(kept.Count > 8 ? ", ..." : "")}");
            var read = run.ReadStateBytes(wanted).Map(bytes => new StateBytes(run.StatePath(wanted), bytes));
            if (read.IsSucc || attempt == Attempts || run.List().Epochs.Contains(wanted)) return read;
        }
    }

    /// <summary>A path that is either a state/weights file (read as a person names it) or a run directory (with an epoch).</summary>
    public static Fin<StateBytes> Read(string path, int? epoch) =>
        Directory.Exists(path)
            ? InRun(path, epoch)
            : epoch is not null
                ? Error.New($"--epoch needs a run directory, but {path} is a file")
                : FileInput.ReadAllBytes(path).Map(bytes => new StateBytes(path, bytes));

    /// <summary>A state of run <paramref name="dir"/>, decoded.</summary>
    public static Fin<Checkpoint> Decoded(string dir, int? epoch) =>
        InRun(dir, epoch).Bind(s => StateFile.Decode(s.Bytes, s.Path));

    /// <summary>Text for a number in tables.</summary>
    public static string Number(double value) => value.ToString("G6", CultureInfo.InvariantCulture);
}
