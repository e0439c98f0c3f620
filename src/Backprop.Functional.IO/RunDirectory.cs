using System.Globalization;
using System.Text.RegularExpressions;
using LanguageExt;
using LanguageExt.Common;

namespace Backprop.Functional.IO;

/// <summary>
/// A run directory: <c>run.json</c> (configuration and provenance), <c>states/{epoch:D6}.safetensors</c>
/// (000000 is the state before any step), <c>metrics.csv</c> and <c>final.safetensors</c>.
/// </summary>
public sealed partial class RunDirectory
{
    /// <summary>The run's configuration and provenance.</summary>
    public const string RunFileName = "run.json";

    /// <summary>One row per epoch.</summary>
    public const string MetricsFileName = "metrics.csv";

    /// <summary>The last state's weights as a plain weights file.</summary>
    public const string FinalFileName = "final.safetensors";

    private const string StatesFolderName = "states";
    private const string LockFileName = ".lock";

    private RunDirectory(string path) => Path = path;

    /// <summary>The directory.</summary>
    public string Path { get; }

    /// <summary>run.json's path.</summary>
    public string RunFile => System.IO.Path.Combine(Path, RunFileName);

    /// <summary>metrics.csv's path.</summary>
    public string MetricsFile => System.IO.Path.Combine(Path, MetricsFileName);

    /// <summary>final.safetensors's path.</summary>
    public string FinalFile => System.IO.Path.Combine(Path, FinalFileName);

    /// <summary>The path of epoch <paramref name="epoch"/>'s state.</summary>
    public string StatePath(int epoch) => System.IO.Path.Combine(Path, StatesFolderName, epoch.ToString("D6", CultureInfo.InvariantCulture) + ".safetensors");

    /// <summary>
    /// Creates a new run directory and takes its lock. An existing directory holding anything
    /// else is refused (it may be someone's work); one left behind by a creation that was killed
    /// before its run.json was written is cleaned and reused. An unwritable location is reported
    /// now, before any training. run.json is written last by the caller: it marks a complete run.
    /// </summary>
    public static Fin<(RunDirectory Run, IDisposable Lock)> Create(string path)
    {
        try
        {
            if (File.Exists(path)) return Error.New($"{path}: is a file, not a directory");
            if (File.Exists(System.IO.Path.Combine(path, RunFileName)))
                return Error.New($"{path}: already holds a run (use 'train --resume {path}' to continue it, or another --out)");
            if (Directory.Exists(path) && !IsAbandonedCreation(path))
                return Error.New($"{path}: exists and is not empty; choose a new directory for --out");
            Directory.CreateDirectory(System.IO.Path.Combine(path, StatesFolderName));
            var run = new RunDirectory(path);
            if (run.Lock().Failed(out var lockError, out var runLock)) return lockError;
            foreach (var file in Directory.EnumerateFiles(System.IO.Path.Combine(path, StatesFolderName))) File.Delete(file);
            var probe = System.IO.Path.Combine(path, ".write-test");
            File.WriteAllBytes(probe, [0]);
            File.Delete(probe);
            return (run, runLock);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Error.New($"{path}: cannot create the run directory ({e.Message})");
        }
    }

    /// <summary>Empty, or holding only what a killed creation leaves (no run.json yet).</summary>
    private static bool IsAbandonedCreation(string path)
    {
        foreach (var entry in Directory.EnumerateFileSystemEntries(path))
        {
            var name = System.IO.Path.GetFileName(entry);
            if (name == StatesFolderName && Directory.Exists(entry))
            {
                if (Directory.EnumerateFileSystemEntries(entry).Any(e => !(StateName().IsMatch(System.IO.Path.GetFileName(e)) || e.EndsWith(AtomicFile.TemporarySuffix, StringComparison.Ordinal))))
                    return false;
            }
            else if (name is not (LockFileName or MetricsFileName or ".write-test") && !name.EndsWith(AtomicFile.TemporarySuffix, StringComparison.Ordinal))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>Opens an existing run directory.</summary>
    public static Fin<RunDirectory> Open(string path)
    {
        if (!Directory.Exists(path)) return Error.New($"{path}: no such run directory");
        if (!File.Exists(System.IO.Path.Combine(path, RunFileName)) || !Directory.Exists(System.IO.Path.Combine(path, StatesFolderName)))
            return Error.New($"{path}: not a run directory (no {RunFileName} and {StatesFolderName}/; runs are made by 'train --out')");
        return new RunDirectory(path);
    }

    /// <summary>
    /// Takes the run's exclusive lock, held until disposed (or until the process dies, even by
    /// SIGKILL). A second trainer on the same directory is refused.
    /// </summary>
    public Fin<IDisposable> Lock()
    {
        var lockPath = System.IO.Path.Combine(Path, LockFileName);
        try
        {
            var stream = new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            stream.SetLength(0);
            stream.Write(System.Text.Encoding.ASCII.GetBytes($"{Environment.ProcessId}\n"));
            stream.Flush();
            return stream;
        }
        catch (IOException)
        {
            return Error.New($"{Path}: another process is training into this run directory (it holds {LockFileName})");
        }
        catch (UnauthorizedAccessException e)
        {
            return Error.New($"{Path}: cannot lock the run directory ({e.Message})");
        }
    }

    /// <summary>The epochs whose state files are present and complete (in-flight temporary files are ignored), in order.</summary>
    public Arr<int> KeptEpochs()
    {
        var folder = System.IO.Path.Combine(Path, StatesFolderName);
        if (!Directory.Exists(folder)) return Arr<int>.Empty;
        return Directory.EnumerateFiles(folder)
            .Select(f => StateName().Match(System.IO.Path.GetFileName(f)))
            .Where(m => m.Success)
            .Select(m => int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture))
            .OrderBy(e => e)
            .ToArr();
    }

    /// <summary>The metrics rows written so far (none when metrics.csv is missing).</summary>
    public Fin<Arr<MetricsRow>> ReadMetrics() =>
        File.Exists(MetricsFile)
            ? FileInput.ReadAllBytes(MetricsFile).Bind(bytes => MetricsRow.Parse(MetricsFile, System.Text.Encoding.UTF8.GetString(bytes)))
            : Arr<MetricsRow>.Empty;

    [GeneratedRegex(@"^(\d{6,})\.safetensors$")]
    private static partial Regex StateName();
}
