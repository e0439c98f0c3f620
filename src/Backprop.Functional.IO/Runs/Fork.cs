using Backprop.Functional.IO;
using LanguageExt;
using LanguageExt.Common;

namespace Backprop.Functional.Runs;

/// <summary>
/// The parent state a fork starts from (<see cref="RunSpec.Parent"/>): the state file of another
/// run at some epoch, identified by its SHA-256 and by the SHA-256 of that run's state 0.
/// </summary>
/// <param name="Run">The parent run directory (a full path).</param>
/// <param name="Epoch">The parent's epoch.</param>
/// <param name="Path">The parent state's file (where it is, or where it should be when the fork's own state 0 stands in for it).</param>
/// <param name="State">The state, decoded (seal checked).</param>
/// <param name="Sha256">The SHA-256 of the parent state's file.</param>
/// <param name="RunSha256">The SHA-256 of the parent run's state 0 file.</param>
public sealed record ParentState(string Run, int Epoch, string Path, Checkpoint State, string Sha256, string RunSha256)
{
    /// <summary>
    /// Why the parent could not be checked, when the fork's own state 0 stands in for it (null when
    /// the parent was read and is the one run.json records). A run read with a stand-in still
    /// replays from its state 0; only the link to the parent is unproven.
    /// </summary>
    public string? Problem { get; init; }

    /// <summary>Whether the problem is that the parent state is not there at all (moved or deleted), rather than changed.</summary>
    public bool Absent { get; init; }
}

/// <summary>What a fork carries over from its parent: the parent, and whether the optimizer's state came with it.</summary>
/// <param name="Parent">The parent state.</param>
/// <param name="OptimizerCarried">True when the fork's optimizer has the parent's slots, so its moments and count carry over; false when it starts fresh.</param>
/// <param name="ParentOptimizer">The optimizer the parent trained with (its configuration's name).</param>
public sealed record ForkOrigin(ParentState Parent, bool OptimizerCarried, string ParentOptimizer);

/// <summary>
/// Forks of a run (<c>train --from DIR --epoch K</c>): a new run whose state 0 is DIR's state K
/// with its epoch counter set to 0. Everything else in the state carries over (weights, step
/// counter, generator, skipped steps, standardization and schema), and so does the optimizer's
/// state when the fork's optimizer has the same slots (else it starts fresh, count 0). State 0 is
/// therefore a function of the fork's run.json and the parent state file, which is how
/// <see cref="ChainCheck"/> proves it.
/// </summary>
public static class Fork
{
    /// <summary>
    /// The spec of a fork of the run at <paramref name="path"/> from its state <paramref name="epoch"/>,
    /// before any option is changed: the parent's run.json (read as a run's) without its init file
    /// or its own parent, naming the new parent, and training the epochs the parent had left
    /// (0 when <paramref name="epoch"/> is the parent's last: then the caller must choose).
    /// </summary>
    public static Fin<RunSpec> SpecOf(string path, int epoch)
    {
        if (RunDirectory.Open(path).Failed(out var openError, out var directory)) return openError;
        if (directory.ReadSpec().Failed(out var specError, out var recorded)) return specError;
        if (KeptEpoch(directory, epoch).Failed(out var keptError, out _)) return keptError;
        var remaining = Math.Max(0, (recorded.Epochs ?? SeedDemo.Epochs) - epoch);
        return recorded.AsRecordedRun() with
        {
            Init = null,
            InitSha256 = null,
            Parent = directory.Path,
            ParentEpoch = epoch,
            ParentSha256 = null,
            ParentRunSha256 = null,
            Epochs = remaining,
        };
    }

    /// <summary>Refuses an epoch whose state the run did not keep, naming those it did.</summary>
    private static Fin<Unit> KeptEpoch(RunDirectory directory, int epoch)
    {
        var listing = directory.List();
        var kept = listing.Epochs;
        if (kept.Contains(epoch)) return Unit.Default;
        // A FIFO, link or folder in the state's place is not "not kept": say what is there.
        if (listing.Strays.Find(s => s.Path == directory.StatePath(epoch)).Case is StrayEntry stray) return Error.New(stray.ToString());
        var list = kept.Count <= 12 ? string.Join(", ", kept) : $"{string.Join(", ", kept.Take(10))}, ..., {kept[^1]}";
        if (kept.IsEmpty) return Error.New($"{directory.Path}: holds no saved state");
        return Error.New(epoch > kept[^1]
            ? $"{directory.Path}: epoch {epoch} is beyond its last state (epoch {kept[^1]}); it keeps epochs {list}"
            : $"{directory.Path}: epoch {epoch} was not kept; a fork starts from a kept state: {list}");
    }

    /// <summary>
    /// Reads the parent state a fork's spec names and checks it is the one recorded: its file's
    /// SHA-256 (when recorded), its seal, its epoch, that it belongs to the parent's run.json, and
    /// that the parent run's state 0 hashes to the recorded run SHA-256 (when recorded).
    /// </summary>
    public static Fin<ParentState> Load(RunSpec spec)
    {
        if (spec.Parent is not { } path || spec.ParentEpoch is not { } epoch) return Error.New("the run is not a fork (no 'parent' and 'parent-epoch')");
        if (RunDirectory.Open(path).Failed(out var openError, out var directory)) return openError;
        if (KeptEpoch(directory, epoch).Failed(out var keptError, out _)) return keptError;
        var statePath = directory.StatePath(epoch);
        if (directory.ReadStateBytes(epoch).Failed(out var readError, out var bytes)) return readError;
        var sha = Fingerprint.Of(bytes);
        if (spec.ParentSha256 is { } recorded && !string.Equals(recorded, sha, StringComparison.OrdinalIgnoreCase))
            return Error.New($"{statePath}: its SHA-256 is {sha[..12]}… but the fork recorded {Quote.Escape(recorded, 64)} for its parent state (the file changed since)");
        if (StateFile.Decode(bytes, statePath).Failed(out var decodeError, out var state)) return decodeError;
        if (state.State.Epoch != epoch) return Error.New($"{statePath}: holds epoch {state.State.Epoch}, not the {epoch} its name says");
        if (directory.ReadSpec().Failed(out var specError, out var parentSpec)) return specError;
        if (RunFile.FirstDifference(RunFile.StateConfig(parentSpec.AsRecordedRun()), state.Config) is var (key, expected, actual))
            return Error.New(key == "config"
                ? $"{statePath}: its configuration is not {directory.RunFile}'s (not a state of that run)"
                : $"{statePath}: was trained with '{key}' {actual} but {directory.RunFile} says {expected} (not a state of that run)");
        if (directory.ReadStateBytes(0).Failed(out var zeroError, out var zero)) return zeroError;
        var runSha = Fingerprint.Of(zero);
        if (spec.ParentRunSha256 is { } run && !string.Equals(run, runSha, StringComparison.OrdinalIgnoreCase))
            return Error.New($"{directory.StatePath(0)}: its SHA-256 is {runSha[..12]}… but the fork recorded {Quote.Escape(run, 64)} for its parent run (another run is at {directory.Path})");
        return new ParentState(directory.Path, epoch, statePath, state, sha, runSha);
    }

    /// <summary>
    /// When the parent state at <paramref name="parentPath"/> cannot be read or is not the one
    /// recorded (<paramref name="problem"/>), the fork's own state 0 (<paramref name="ownState"/>)
    /// stands in for it, so that the fork can still be opened, replayed and verified from state 0 on.
    /// </summary>
    public static ParentState StandIn(RunSpec spec, string parentPath, Checkpoint ownState, string problem, bool absent) =>
        new(spec.Parent ?? "", spec.ParentEpoch ?? 0, parentPath, ownState, spec.ParentSha256 ?? "", spec.ParentRunSha256 ?? "")
        {
            Problem = problem,
            Absent = absent,
        };

    /// <summary>Whether the parent state's file (or its run directory) is simply not where the spec says.</summary>
    public static bool IsAbsent(RunSpec spec) =>
        spec.Parent is { } path && spec.ParentEpoch is { } epoch &&
        !File.Exists(System.IO.Path.Combine(path, RunDirectory.StatesFolderName, RunDirectory.StateName(epoch)));

    /// <summary>
    /// What a fork may not change, in one line naming what differs (null when nothing does): the
    /// parent's architecture and activations, its loss, and the data's schema (features, targets,
    /// task, classes) and whether features and targets are standardized.
    /// </summary>
    public static string? Refusal(ParentState parent, Network parentNetwork, int[]? layers, Activation hidden, Activation output, Loss loss, DataSchema schema, bool standardize, bool? standardizeTarget)
    {
        var (state, source) = (parent.State, $"its parent's (epoch {parent.Epoch} of {parent.Run})");
        var widths = parentNetwork.Widths.ToArray();
        if (layers is { } asked && !asked.SequenceEqual(widths))
            return $"a fork keeps its parent's network: layers {string.Join(",", asked)} differ from {source}, {string.Join(",", widths)}";
        var activations = parentNetwork.Activations;
        var parentHidden = activations.Count > 1 ? activations[0].Name : null;
        if (parentHidden is not null && parentHidden != hidden.Name)
            return $"a fork keeps its parent's network: activation {hidden.Name} differs from {source}, {parentHidden}";
        if (activations[^1].Name != output.Name)
            return $"a fork keeps its parent's network: output-activation {output.Name} differs from {source}, {activations[^1].Name}";
        if (state.Loss.Name != loss.Name) return $"a fork keeps its parent's loss: {loss.Name} differs from {source}, {state.Loss.Name}";
        var parentSchema = state.Schema;
        if (parentSchema.Task != schema.Task)
            return $"the data's schema differs from {source}: task {schema.Task.ToString().ToLowerInvariant()}, not {parentSchema.Task.ToString().ToLowerInvariant()}";
        if (!Enumerable.SequenceEqual(parentSchema.Features, schema.Features))
            return $"the data's schema differs from {source}: features {Names(schema.Features)}, not {Names(parentSchema.Features)}";
        if (!Enumerable.SequenceEqual(parentSchema.Targets, schema.Targets))
            return $"the data's schema differs from {source}: targets {Names(schema.Targets)}, not {Names(parentSchema.Targets)}";
        if (!Enumerable.SequenceEqual(parentSchema.Classes, schema.Classes))
            return $"the data's schema differs from {source}: classes {Names(schema.Classes)}, not {Names(parentSchema.Classes)}";
        if (parentSchema.Standardization.IsSome != standardize)
            return $"a fork keeps its parent's preprocessing: {(standardize ? "standardized" : "raw")} features differ from {source}, {(standardize ? "raw" : "standardized")}";
        if (parentSchema.TargetStandardization.IsSome != (standardizeTarget == true))
            return $"a fork keeps its parent's preprocessing: {(standardizeTarget == true ? "standardized" : "raw")} targets differ from {source}, {(standardizeTarget == true ? "raw" : "standardized")}";
        return null;
    }

    /// <summary>
    /// State 0 of a fork: the parent's state with its epoch counter set to 0, keeping its optimizer
    /// state when <paramref name="optimizer"/> has the same slots (shaped alike), else
    /// <paramref name="optimizer"/>'s fresh state (count 0, so a schedule starts again).
    /// </summary>
    public static (TrainState Initial, bool OptimizerCarried) Initial(ParentState parent, Optimizer optimizer)
    {
        var state = parent.State.State;
        var fresh = optimizer.Init(state.Network);
        var carried = SameSlots(fresh, state.Optimizer);
        return (state with { Epoch = 0, Optimizer = carried ? state.Optimizer : fresh }, carried);
    }

    /// <summary>
    /// The keys whose values differ between the parent's state configuration and the fork's, in
    /// the fork's order (the parent keys, which only the fork has, left out): what the fork changed.
    /// </summary>
    public static Arr<(string Key, string Before, string After)> Changes(string parentConfig, string forkConfig)
    {
        if (System.Text.Json.Nodes.JsonNode.Parse(parentConfig) is not System.Text.Json.Nodes.JsonObject before ||
            System.Text.Json.Nodes.JsonNode.Parse(forkConfig) is not System.Text.Json.Nodes.JsonObject after) return [];
        string[] own = ["parent-epoch", "parent-sha256", "parent-run-sha256", "init-sha256"];
        return after.Select(p => p.Key).Concat(before.Select(p => p.Key)).Distinct().Where(k => !own.Contains(k))
            .Select(k => (Key: k, Before: before[k]?.ToJsonString() ?? "(none)", After: after[k]?.ToJsonString() ?? "(none)"))
            .Where(c => c.Before != c.After)
            .ToArr();
    }

    private static bool SameSlots(OptimizerState fresh, OptimizerState parent) =>
        fresh.Slots.Keys.SequenceEqual(parent.Slots.Keys) &&
        fresh.Slots.Keys.All(name => Shapes(fresh.Slot(name)).SequenceEqual(Shapes(parent.Slot(name))));

    private static IEnumerable<(int, int, int)> Shapes(Gradients values) =>
        values.Layers.Map(l => (l.Weight.RowCount, l.Weight.ColumnCount, l.Bias.Count));

    private static string Names(IEnumerable<string> names)
    {
        var list = names.ToList();
        return string.Join(",", list.Take(8)) + (list.Count > 8 ? ",..." : "");
    }
}
