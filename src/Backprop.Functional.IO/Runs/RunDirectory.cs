using System.Globalization;
using System.Text.RegularExpressions;
using Backprop.Functional.IO;
using LanguageExt;
using LanguageExt.Common;

namespace Backprop.Functional.Runs;

/// <summary>
/// A run directory: <c>run.json</c> (specification and provenance), <c>states/{epoch:D6}.safetensors</c>
/// (000000 is the state before any step), <c>metrics.csv</c>, <c>final.safetensors</c> and the
/// <c>.lock</c> a trainer holds. Everything inside is a regular file written by this tool: nothing
/// inside is ever followed through a symbolic link, and a FIFO or device where a file belongs is
/// refused rather than read (it could block forever) or written through.
/// </summary>
public sealed partial class RunDirectory
{
    /// <summary>The run's specification and provenance.</summary>
    public const string RunFileName = "run.json";

    /// <summary>One row per epoch.</summary>
    public const string MetricsFileName = "metrics.csv";

    /// <summary>One row per epoch and layer (<see cref="LayerRow"/>); absent in runs made before it was recorded.</summary>
    public const string LayersFileName = "layers.csv";

    /// <summary>The largest layers.csv read: a row takes at most about 250 bytes per layer.</summary>
    public const long MaxLayersBytes = 1L << 30;

    /// <summary>The model of the last state, standing on its own.</summary>
    public const string FinalFileName = "final.safetensors";

    /// <summary>
    /// The largest metrics.csv read: a row takes at most about 140 bytes, so this holds
    /// a million epochs, and a file planted to fill memory is refused up front.
    /// </summary>
    public const long MaxMetricsBytes = 256L << 20;

    /// <summary>The folder of state files.</summary>
    public const string StatesFolderName = "states";

    private const string LockFileName = ".lock";

    // The full path, resolved by text once: every later operation (through .NET or libc) then
    // names the same place, whatever links a relative path's "..", or a later change of the
    // current directory, would make of it.
    private RunDirectory(string path) => Path = System.IO.Path.TrimEndingDirectorySeparator(System.IO.Path.GetFullPath(path));

    /// <summary>The directory (a full path).</summary>
    public string Path { get; }

    /// <summary>run.json's path.</summary>
    public string RunFile => System.IO.Path.Combine(Path, RunFileName);

    /// <summary>metrics.csv's path.</summary>
    public string MetricsFile => System.IO.Path.Combine(Path, MetricsFileName);

    /// <summary>layers.csv's path.</summary>
    public string LayersFile => System.IO.Path.Combine(Path, LayersFileName);

    /// <summary>final.safetensors's path.</summary>
    public string FinalFile => System.IO.Path.Combine(Path, FinalFileName);

    /// <summary>The states folder's path.</summary>
    public string StatesFolder => System.IO.Path.Combine(Path, StatesFolderName);

    /// <summary>The path of epoch <paramref name="epoch"/>'s state.</summary>
    public string StatePath(int epoch) => System.IO.Path.Combine(StatesFolder, StateName(epoch));

    /// <summary>"000042.safetensors": a state's file name.</summary>
    public static string StateName(int epoch) => epoch.ToString("D6", CultureInfo.InvariantCulture) + ".safetensors";

    /// <summary>
    /// Creates a run directory at <paramref name="path"/>, which must not exist or be an empty
    /// directory: an existing non-empty directory is never trained into. The run is assembled in
    /// a fresh sibling directory with an unpredictable name, locked, filled by
    /// <paramref name="populate"/> (state 0, metrics.csv, run.json) and then renamed into place,
    /// so a directory at <paramref name="path"/> always holds a complete run, and a creation that
    /// is killed leaves <paramref name="path"/> as it was. The lock is held until disposed.
    /// </summary>
    public static Fin<(RunDirectory Run, IDisposable Lock)> Create(string path, Func<RunDirectory, Fin<Unit>> populate)
    {
        if (string.IsNullOrWhiteSpace(path)) return Error.New("the run directory's path is empty");
        var full = System.IO.Path.TrimEndingDirectorySeparator(System.IO.Path.GetFullPath(path));
        var (parent, name) = (System.IO.Path.GetDirectoryName(full), System.IO.Path.GetFileName(full));
        if (parent is null || name.Length == 0) return Error.New($"{path}: is not a directory a run can be created in");
        if (RefuseExisting(path, full).Failed(out var existingError, out _)) return existingError;
        var here = System.IO.Path.TrimEndingDirectorySeparator(Directory.GetCurrentDirectory());
        if (here == full || here.StartsWith(full + System.IO.Path.DirectorySeparatorChar, StringComparison.Ordinal))
            return Error.New($"{path}: is the current directory or holds it; a run is created in a new directory");

        string? staging = null;
        IDisposable? runLock = null;
        try
        {
            Directory.CreateDirectory(parent);
            // A name within every file system's 255-byte limit, recognisable as the run's.
            var shortName = name.Length > 64 ? name[..64] : name;
            staging = System.IO.Path.Combine(parent, $".{shortName}.{Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(8))}.creating");
            Directory.CreateDirectory(staging);
            Directory.CreateDirectory(System.IO.Path.Combine(staging, StatesFolderName));
            var draft = new RunDirectory(staging);
            if (draft.Lock().Failed(out var lockError, out var held)) return lockError;
            runLock = held;
            if (populate(draft).Failed(out var populateError, out _)) return populateError;
            // An empty directory at the target (mktemp -d) is replaced; rmdir refuses a non-empty one,
            // and Move refuses a target that reappeared meanwhile.
            if (Directory.Exists(full)) Directory.Delete(full);
            Directory.Move(staging, full);
            staging = null;
            AtomicFile.FlushDirectory(parent);
            var created = (new RunDirectory(full), runLock);
            runLock = null;
            return created;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Error.New($"{path}: cannot create the run directory ({Quote.Escape(e.Message, 200)})");
        }
        finally
        {
            runLock?.Dispose();
            if (staging is not null) TryDeleteTree(staging);
        }
    }

    private static Fin<Unit> RefuseExisting(string path, string full)
    {
        if (File.Exists(full) && !Directory.Exists(full)) return Error.New($"{path}: is a file, not a directory");
        if (Entries.KindOf(full) == FileKind.SymbolicLink) return Error.New($"{path}: is a symbolic link; name the directory itself for a new run");
        if (!Directory.Exists(full)) return Unit.Default;
        if (File.Exists(System.IO.Path.Combine(full, RunFileName)))
            return Error.New($"{path}: already holds a run (resume it, or choose another directory)");
        if (Directory.EnumerateFileSystemEntries(full).Any())
            return Error.New($"{path}: exists and is not empty; a run is only created in a new or empty directory");
        return Unit.Default;
    }

    private static void TryDeleteTree(string path)
    {
        try { Directory.Delete(path, recursive: true); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }

    /// <summary>Opens an existing run directory (its run.json and states/ must be what a run writes).</summary>
    public static Fin<RunDirectory> Open(string path)
    {
        if (string.IsNullOrWhiteSpace(path)) return Error.New("the run directory's path is empty");
        if (!Directory.Exists(path)) return Error.New(File.Exists(path) ? $"{path}: is a file, not a run directory" : $"{path}: no such run directory");
        var run = new RunDirectory(path);
        var (runFile, states) = (Entries.KindOf(run.RunFile), Entries.KindOf(run.StatesFolder));
        if (runFile == FileKind.Missing || states == FileKind.Missing)
            return Error.New($"{path}: not a run directory (no {RunFileName} and {StatesFolderName}/; a run made into a directory has both)");
        if (states != FileKind.Directory) return Error.New($"{run.StatesFolder}: {Entries.Problem(states)}; a run's states folder is a real directory");
        if (runFile != FileKind.Regular) return Error.New($"{run.RunFile}: {Entries.Problem(runFile)}");
        return run;
    }

    /// <summary>
    /// Takes the run's exclusive lock, held until disposed (or until the process dies, even by
    /// SIGKILL): a second trainer, or a verify, on the same directory is refused meanwhile.
    /// </summary>
    public Fin<IDisposable> Lock() => Lock(exclusive: true);

    /// <summary>
    /// Takes a shared lock for reading the whole run (verify): refused while a trainer holds the
    /// lock, and keeps trainers out until disposed. It needs no write permission. A run without a
    /// lock file was never trained into by this tool's trainers since it was made, and is read without one.
    /// </summary>
    public Fin<IDisposable> LockForReading() =>
        Lock(exclusive: false).BiBind(
            held => Fin<IDisposable>.Succ(held),
            error => error.Code == FileInput.MissingFileCode ? Fin<IDisposable>.Succ(new NoLock()) : error);

    private Fin<IDisposable> Lock(bool exclusive) =>
        RunLock.Acquire(System.IO.Path.Combine(Path, LockFileName), exclusive).BiBind(
            held => Fin<IDisposable>.Succ(held),
            error => error.Code == RunLock.BusyCode
                ? Error.New(RunLock.BusyCode, exclusive
                    ? $"{Path}: another process is using this run directory (a trainer or a verify holds {LockFileName})"
                    : $"{Path}: is being trained (another process holds {LockFileName}); verify it when training has ended")
                : error);

    private sealed class NoLock : IDisposable
    {
        public void Dispose()
        {
        }
    }

    /// <summary>
    /// What <c>states/</c> holds now: state epochs, temporary files (also those of the files beside
    /// it) and strays (also metrics.csv or final.safetensors when they are not regular files).
    /// </summary>
    public RunListing List()
    {
        var (epochs, temporaries, strays) = (new List<int>(), new List<string>(), new List<StrayEntry>());
        IEnumerable<string> entries;
        try { entries = Directory.EnumerateFileSystemEntries(StatesFolder).ToList(); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Arr.create, not [..]: a collection expression builds LanguageExt 4's Arr through its Add, which returns a new Arr, so the entry would be lost.
            return new RunListing(Arr<int>.Empty, Arr<string>.Empty, Arr.create(new StrayEntry(StatesFolder, $"cannot be listed ({Quote.Escape(e.Message, 200)})")));
        }
        foreach (var entry in entries)
        {
            var name = System.IO.Path.GetFileName(entry);
            var kind = Entries.KindOf(entry);
            if (name.EndsWith(AtomicFile.TemporarySuffix, StringComparison.Ordinal) && kind == FileKind.Regular) temporaries.Add(entry);
            else if (kind != FileKind.Regular) strays.Add(new StrayEntry(entry, Entries.Problem(kind)));
            else if (StateEpoch(name) is { } epoch) epochs.Add(epoch);
            else strays.Add(new StrayEntry(entry, "is not a state of a run (states are named like 000042.safetensors)"));
        }
        // The files beside states/ that a run writes must be regular files too: a link at
        // final.safetensors would otherwise only be found when training ends.
        foreach (var file in new[] { MetricsFile, LayersFile, FinalFile })
            if (Entries.KindOf(file) is not (FileKind.Missing or FileKind.Regular) and var kind) strays.Add(new StrayEntry(file, Entries.Problem(kind)));
        // The temporary files of run.json, metrics.csv and final.safetensors lie beside them.
        foreach (var name in new[] { RunFileName, MetricsFileName, LayersFileName, FinalFileName })
            temporaries.AddRange(Directory.EnumerateFiles(Path, name + ".*" + AtomicFile.TemporarySuffix).Where(t => Entries.KindOf(t) == FileKind.Regular));
        epochs.Sort();
        return new RunListing(epochs.ToArr(), temporaries.ToArr(), strays.OrderBy(s => s.Path, StringComparer.Ordinal).ToArr());
    }

    /// <summary>The epoch a state file name stands for, or null for any other name (also a number beyond an epoch count, or a non-canonical spelling).</summary>
    public static int? StateEpoch(string fileName)
    {
        var match = StatePattern().Match(fileName);
        if (!match.Success || !int.TryParse(match.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var epoch)) return null;
        return StateName(epoch) == fileName ? epoch : null;
    }

    /// <summary>A state file's bytes (strictly: a regular file, never followed through a link, at most the reader's size limit).</summary>
    public Fin<byte[]> ReadStateBytes(int epoch) => FileInput.ReadRunFile(StatePath(epoch));

    /// <summary>
    /// How often a state that vanished while being read (a trainer removing a state it does not
    /// keep, as often as every millisecond) is looked up again.
    /// </summary>
    private const int LookUps = 50;

    /// <summary>
    /// The bytes of state <paramref name="epoch"/> (or of the last state), read strictly. A run
    /// still being trained deletes the state before the one it just wrote when it does not keep
    /// it; the last state is then looked up again.
    /// </summary>
    public Fin<(int Epoch, byte[] Bytes)> ReadKeptState(int? epoch)
    {
        for (var attempt = 1; ; attempt++)
        {
            var kept = List().Epochs;
            if (kept.IsEmpty) return Error.New($"{Path}: holds no saved state");
            var wanted = epoch ?? kept[^1];
            if (wanted < 0) return new OutOfRange(Settings.SavedEpoch, wanted, "≥ 0");
            if (wanted > kept[^1]) return new OutOfRange(Settings.SavedEpoch, wanted, $"≤ {kept[^1]}, the last epoch of {Path}");
            if (!kept.Contains(wanted))
                return new InvalidSetting(Settings.SavedEpoch, $"{wanted}",
                    $"{Path} did not keep it (keep-every); replaying from epoch {kept.Filter(k => k < wanted).LastOrDefault()} rebuilds it, or pick one of {string.Join(", ", kept.Take(8))}{(kept.Count > 8 ? ", ..." : "")}");
            var read = ReadStateBytes(wanted).Map(bytes => (wanted, bytes));
            if (read.IsSucc || attempt == LookUps || ((Error)read).Code != FileInput.MissingFileCode) return read;
        }
    }

    /// <summary>A state, read and decoded (seal checked).</summary>
    public Fin<Checkpoint> ReadState(int epoch) =>
        ReadStateBytes(epoch).Bind(bytes => StateFile.Decode(bytes, StatePath(epoch)));

    /// <summary>run.json's specification (its provenance is ignored).</summary>
    public Fin<RunSpec> ReadSpec() => FileInput.ReadRunFile(RunFile, Runs.RunFile.MaxBytes).Bind(bytes => Runs.RunFile.Parse(RunFile, bytes));

    /// <summary>run.json's text.</summary>
    public Fin<string> ReadRunText() => FileInput.ReadRunFile(RunFile, Runs.RunFile.MaxBytes).Map(bytes => System.Text.Encoding.UTF8.GetString(bytes).TrimStart('\uFEFF'));

    /// <summary>metrics.csv's text ("" when it is missing).</summary>
    public Fin<string> ReadMetricsText() =>
        Entries.KindOf(MetricsFile) == FileKind.Missing
            ? ""
            : FileInput.ReadRunFile(MetricsFile, MaxMetricsBytes).Map(bytes => System.Text.Encoding.UTF8.GetString(bytes));

    /// <summary>
    /// The metrics rows written so far, strictly parsed (none when metrics.csv is missing). A last
    /// line without its line break is a row being written (or torn by a crash) and is not a row yet.
    /// </summary>
    public Fin<Arr<MetricsRow>> ReadMetrics() =>
        ReadMetricsText().Bind(text => text.Length == 0 ? Arr<MetricsRow>.Empty : MetricsRow.Parse(MetricsFile, text[..(text.LastIndexOf('\n') + 1)]));

    /// <summary>layers.csv's text, or none when the run has none (it was made before layers were recorded).</summary>
    public Fin<Option<string>> ReadLayersText() =>
        Entries.KindOf(LayersFile) == FileKind.Missing
            ? Option<string>.None
            : FileInput.ReadRunFile(LayersFile, MaxLayersBytes).Map(bytes => Option<string>.Some(System.Text.Encoding.UTF8.GetString(bytes)));

    [GeneratedRegex(@"^(\d{6,10})\.safetensors$")]
    private static partial Regex StatePattern();
}
