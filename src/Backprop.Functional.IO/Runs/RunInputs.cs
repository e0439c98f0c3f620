using Backprop.Functional.IO;
using LanguageExt;
using LanguageExt.Common;

namespace Backprop.Functional.Runs;

/// <summary>The rows a run trains on, as read from a CSV file or a shipped data set.</summary>
/// <param name="Rows">Every row, features and (encoded) targets.</param>
/// <param name="Schema">Column names, task and classes.</param>
/// <param name="Description">Where the rows came from, for people.</param>
/// <param name="Path">The CSV file's full path (null for a shipped data set).</param>
public sealed record LoadedData(Dataset Rows, DataSchema Schema, string Description, string? Path)
{
    /// <summary>
    /// Why the target was taken for class labels when its numbers decided it (no <c>--task</c>
    /// given): "'digit' holds 10 distinct whole numbers"; null otherwise.
    /// </summary>
    public string? TaskNote { get; init; }
}

/// <summary>The weights file a run starts from: its contents and the SHA-256 of its bytes, which identifies it.</summary>
/// <param name="Path">The file's full path.</param>
/// <param name="File">Its tensors and metadata.</param>
/// <param name="Sha256">The SHA-256 of its bytes.</param>
public sealed record InitWeights(string Path, SafeTensorsFile File, string Sha256);

/// <summary>
/// What a run reads from outside itself: its data (none for the seed demo, which draws its one
/// sample) and the weights file it starts from (none when they are drawn). Reading them is the
/// only effect of preparing a run; <see cref="RunPlan.Resolve"/> does the rest as a pure function.
/// </summary>
/// <param name="Data">The loaded data, or null for the seed demo.</param>
/// <param name="Init">The starting weights file, or null for drawn weights.</param>
/// <param name="Parent">The parent state a fork starts from, or null for a run that is not a fork.</param>
public sealed record RunInputs(LoadedData? Data, InitWeights? Init, ParentState? Parent = null)
{
    /// <summary>
    /// Reads the data file (or shipped data set), the init file and the parent state a spec names.
    /// A parent that cannot be read or is not the one recorded is refused, unless
    /// <paramref name="standIn"/> offers a state to stand in for it (a fork's own state 0, when the
    /// fork is read back), given why the parent could not be used.
    /// </summary>
    public static Fin<RunInputs> Load(RunSpec spec, Func<Error, Fin<ParentState>>? standIn = null)
    {
        if (RunPlan.CheckRanges(spec).Failed(out var rangeError, out _)) return rangeError;
        if (LoadData(spec).Failed(out var dataError, out var data)) return dataError;
        if (LoadInit(spec).Failed(out var initError, out var init)) return initError;
        ParentState? parent = null;
        if (spec.Parent is not null)
        {
            var loaded = Fork.Load(spec);
            if (loaded.IsFail && standIn is not null) loaded = standIn((Error)loaded);
            if (loaded.Failed(out var parentError, out var value)) return parentError;
            parent = value;
        }
        return new RunInputs(data.Case as LoadedData, init.Case as InitWeights, parent);
    }

    private static Fin<Option<LoadedData>> LoadData(RunSpec spec)
    {
        TaskKind? task = null;
        if (spec.Task is { } taskName)
        {
            if (!Enum.TryParse<TaskKind>(taskName, ignoreCase: true, out var parsed) || !Enum.IsDefined(parsed) || taskName.Trim().All(char.IsDigit))
                return new UnknownName(Settings.Task, taskName, ["regression", "classification"]);
            task = parsed;
        }

        if (spec.Dataset is { } name)
        {
            if (BuiltInDatasets.Load(name).Failed(out var error, out var builtIn)) return error;
            var targets = spec.Target is { Length: > 0 } chosen ? chosen : [builtIn.Dataset.Target];
            return TabularData.Load(builtIn.Table, targets, task ?? (spec.Target is null ? builtIn.Dataset.Task : null), spec.Features)
                .Map(d => Option<LoadedData>.Some(new LoadedData(d.Data, d.Schema, $"{builtIn.Dataset.Name} (built in, {builtIn.Table.RowCount} rows)", null)
                {
                    TaskNote = task is null ? TaskNote(d.Schema) : null,
                }));
        }

        if (spec.Data is { } path)
        {
            var fullPath = System.IO.Path.GetFullPath(path);
            var loaded = LoadTable(path, spec, task);
            if (loaded.Cells >= 1 << 20) ReleaseTable();
            return loaded.Data.Map(d => Option<LoadedData>.Some(new LoadedData(d.Data, d.Schema, $"{fullPath} ({loaded.Rows} rows)", fullPath)
            {
                TaskNote = task is null ? TaskNote(d.Schema) : null,
            }));
        }
        return Option<LoadedData>.None;
    }

    /// <summary>
    /// A large table's columns are garbage once they are the data set's matrices: collected here,
    /// before training allocates its standardized copies, they do not add a third copy of the
    /// doubles to the peak (large arrays are only reclaimed by a full collection, which the
    /// allocations that follow would not wait for).
    /// </summary>
    private static void ReleaseTable() => GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: false);

    /// <summary>Reads and converts a data file in a frame of its own, so that nothing holds the table once it returns.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static (Fin<(Dataset Data, DataSchema Schema)> Data, int Rows, long Cells) LoadTable(string path, RunSpec spec, TaskKind? task)
    {
        if (FileInput.ReadTable(path, spec.DialectOf(path)).Failed(out var error, out var table)) return (error, 0, 0);
        return (TabularData.Load(table, spec.Target!, task, spec.Features), table.RowCount, (long)table.RowCount * table.Header.Count);
    }

    /// <summary>For a classification whose labels are all numbers, what made them labels.</summary>
    private static string? TaskNote(DataSchema schema) =>
        schema.Task == TaskKind.Classification && schema.Classes.ForAll(c => double.TryParse(c, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out _))
            ? $"{Quote.Value(schema.Targets[0])} holds {schema.Classes.Count} distinct whole numbers"
            : null;

    private static Fin<Option<InitWeights>> LoadInit(RunSpec spec)
    {
        if (spec.Init is not { } path) return Option<InitWeights>.None;
        if (FileInput.ReadAllBytes(path).Failed(out var readError, out var bytes)) return readError;
        var sha = Fingerprint.Of(bytes);
        if (spec.InitSha256 is { } recorded && !string.Equals(recorded, sha, StringComparison.OrdinalIgnoreCase))
            return Error.New($"{path}: its SHA-256 is {sha[..12]}… but the run recorded {Quote.Escape(recorded, 64)} for its init file (the file changed since)");
        if (SafeTensors.Parse(bytes).Within(path).Failed(out var parseError, out var file)) return parseError;
        return Option<InitWeights>.Some(new InitWeights(System.IO.Path.GetFullPath(path), file, sha));
    }
}
