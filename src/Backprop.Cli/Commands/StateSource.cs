using System.Globalization;
using Backprop.Functional;
using Backprop.Functional.IO;
using LanguageExt;
using LanguageExt.Common;

namespace Backprop.Cli.Commands;

/// <summary>Finds the state file a command names: <c>FILE.safetensors</c>, or <c>DIR</c> with an epoch.</summary>
public static class StateSource
{
    /// <summary>The path of state <paramref name="epoch"/> in run <paramref name="dir"/> (or its last state).</summary>
    public static Fin<string> InRun(string dir, int? epoch)
    {
        if (RunDirectory.Open(dir).Failed(out var error, out var run)) return error;
        var kept = run.KeptEpochs();
        if (kept.IsEmpty) return Error.New($"{dir}: holds no saved state");
        var wanted = epoch ?? kept[^1];
        if (kept.Contains(wanted)) return run.StatePath(wanted);
        return Error.New(wanted > kept[^1]
            ? $"{dir}: epoch {wanted} is beyond the last epoch ({kept[^1]})"
            : $"{dir}: epoch {wanted} was not kept (--keep-every); rebuild it with 'replay {dir} --from {kept.Filter(k => k < wanted).LastOrDefault()} --to {wanted}' or pick one of {string.Join(", ", kept.Take(8))}{(kept.Count > 8 ? ", ..." : "")}");
    }

    /// <summary>A path that is either a file or a run directory (with an epoch).</summary>
    public static Fin<string> Resolve(string path, int? epoch) =>
        // Fin.Succ is spelled out: LanguageExt's Error converts implicitly from string, so a bare
        // path in this conditional would silently become an error.
        Directory.Exists(path) ? InRun(path, epoch) : epoch is null ? Fin<string>.Succ(path) : Error.New($"--epoch needs a run directory, but {path} is a file");

    /// <summary>Text for a number in tables.</summary>
    public static string Number(double value) => value.ToString("G6", CultureInfo.InvariantCulture);
}
