using Backprop.Functional.IO;
using LanguageExt;

namespace Backprop.Functional.Runs;

/// <summary>One thing that breaks a run's chain of evidence: the file or record, and what is wrong with it.</summary>
/// <param name="Subject">The file (or record) concerned.</param>
/// <param name="Problem">What is wrong with it.</param>
public sealed record ChainBreak(string Subject, string Problem)
{
    /// <summary>"subject: problem".</summary>
    public override string ToString() => $"{Subject}: {Problem}";
}

/// <summary>How metrics.csv is read: strictly (verify) or as a crash leaves it (resume).</summary>
public enum MetricsReading
{
    /// <summary>Every row complete and one per epoch up to the last state.</summary>
    Strict,

    /// <summary>
    /// The complete rows at the start (a torn last line is dropped); the last state's row may be
    /// missing (the crash fell between the state and its row) and rows past the last state are
    /// allowed (a damaged last state was moved away to resume from the one before).
    /// </summary>
    AfterCrash,
}

/// <summary>What the chain check learned about the states it read, for resuming.</summary>
/// <param name="Last">The last epoch with a state.</param>
/// <param name="LastState">That state, decoded.</param>
/// <param name="LastSha256">Its file's SHA-256.</param>
/// <param name="Rows">metrics.csv's rows as read.</param>
public sealed record ChainEnd(int Last, Checkpoint LastState, string LastSha256, Arr<MetricsRow> Rows);

/// <summary>
/// The run protocol's structural checks, done without training: state 0 is the one run.json
/// describes (rebuilt from the seed, the init scheme or the init file, and compared byte for
/// byte); every state is sealed, holds the epoch its name says and belongs to this run (its
/// configuration equals run.json's, its data fingerprint the data's); every state links to the
/// previous epoch's hash; metrics.csv records every state's hash and metrics; no state the run
/// keeps is missing and nothing else is in states/. What it cannot see is a chain rewritten
/// consistently from some epoch on: only replaying the epochs (<see cref="Replay"/>) proves that.
/// </summary>
public static class ChainCheck
{
    /// <summary>Every break in <paramref name="run"/>'s chain (none when it is intact), and the end of the chain.</summary>
    public static (Arr<ChainBreak> Breaks, ChainEnd? End) Run(OpenedRun run, MetricsReading reading)
    {
        var (directory, plan, listing) = (run.Directory, run.Plan, run.Listing);
        var breaks = listing.Strays.Map(s => new ChainBreak(s.Path, s.Problem)).ToList();
        // After a crash the temporary files of its last writes are expected; a verify holds the
        // shared lock, so no writer is in flight and any temporary file is a leftover to report.
        if (reading == MetricsReading.Strict)
            breaks.AddRange(listing.Temporaries.Map(t => new ChainBreak(t, "is the temporary file of a write that never finished (resuming the run removes it)")));
        // A faithful run.json resolves to itself: a key edited to a value its run cannot have
        // (a task the data does not give, an init hash without an init file) resolves away.
        if (RunFile.FirstDifference(plan.StateConfig, RunFile.StateConfig(run.Recorded)) is var (edited, resolved, recorded))
            breaks.Add(new ChainBreak(directory.RunFile, $"'{edited}' is {recorded} but the run it describes has {resolved} (run.json was edited)"));
        // A fork's state 0 is proven from its parent state; one that is absent leaves only that link
        // unproven (resume may go on without it), one that changed is a break everywhere.
        if (plan.Fork?.Parent is { Problem: { } problem } parent && (reading == MetricsReading.Strict || !parent.Absent))
            breaks.Add(new ChainBreak(parent.Path, problem));
        if (listing.Last is not { } last)
        {
            breaks.Add(new ChainBreak(directory.StatesFolder, "holds no state"));
            return (breaks.ToArr(), null);
        }

        var metricsBreaks = new List<ChainBreak>();
        var rows = ReadRows(directory, reading, metricsBreaks);
        // The stopping rule's decision is recomputed from the recorded metrics: which state is the
        // best (kept, and the final model with restore-best), and where patience stopped the run.
        var stopping = plan.Stopping(rows.Take(last).Map(r => r.Metrics));
        var best = stopping.Best?.Epoch;
        (Checkpoint State, string Sha256)? bestState = null;

        var hashes = new Dictionary<int, string>();
        ChainEnd? end = null;
        foreach (var epoch in listing.Epochs)
        {
            var path = directory.StatePath(epoch);
            if (directory.ReadStateBytes(epoch).Failed(out var readError, out var bytes))
            {
                breaks.Add(new ChainBreak(path, Unprefixed(readError.Message, path)));
                continue;
            }
            var sha = Fingerprint.Of(bytes);
            hashes[epoch] = sha;
            if (StateFile.Decode(bytes, path).Failed(out var decodeError, out var state))
            {
                breaks.Add(new ChainBreak(path, Unprefixed(decodeError.Message, path)));
                continue;
            }
            breaks.AddRange(Foreign(plan, state, epoch).Select(p => new ChainBreak(path, p)));
            breaks.AddRange(Links(plan, state, epoch, bytes, sha, hashes, rows).Select(p => new ChainBreak(path, p)));
            if (epoch == last) end = new ChainEnd(last, state, sha, rows);
            if (epoch == best) bestState = (state, sha);
        }

        var (missing, missingCount) = Missing(plan, listing, last, best);
        foreach (var epoch in missing)
            breaks.Add(new ChainBreak(directory.StatePath(epoch), epoch == 0
                ? "is missing (the initial state)"
                : epoch == best && !plan.Keeps(epoch, last)
                    ? $"is missing, but the run keeps it (the best epoch by {plan.Spec.Monitor}, {(plan.Spec.RestoreBest == true ? "restore-best" : "keep-best")})"
                    : $"is missing, but the run keeps it ({KeepRule(plan.Spec)})"));
        if (missingCount > missing.Count)
            breaks.Add(new ChainBreak(directory.StatesFolder, $"{missingCount - missing.Count:N0} more states the run keeps are missing"));
        breaks.AddRange(metricsBreaks);
        if (reading == MetricsReading.Strict && rows.Count != last)
            breaks.Add(new ChainBreak(directory.MetricsFile, rows.Count > last
                ? $"records {rows.Count} epochs but the last state is epoch {last} (later states are missing)"
                : $"records {rows.Count} epochs but the last state is epoch {last}"));
        if (reading == MetricsReading.AfterCrash && rows.Count < last - 1)
            breaks.Add(new ChainBreak(directory.MetricsFile, $"records {rows.Count} epochs but the last state is epoch {last}"));
        if (plan.Spec.Patience is { } patience && plan.Monitor is { } monitor &&
            EarlyStopping.StoppedAt(rows.Map(r => plan.Monitored(r.Metrics)), monitor, patience) is { } stoppedAt && stoppedAt < Math.Max(last, rows.Count))
            breaks.Add(new ChainBreak(directory.MetricsFile, $"records epochs after epoch {stoppedAt}, where patience {patience} stopped the run (no better {monitor.Name()} since epoch {plan.Stopping(rows.Take(stoppedAt).Map(r => r.Metrics)).Best?.Epoch})"));
        // The model handed on must be the last state's, or the best's (resume writes it anew, so only verify looks).
        var handedOn = plan.Spec.RestoreBest == true && bestState is { } b ? new ChainEnd(best!.Value, b.State, b.Sha256, rows) : end;
        var finalExists = Entries.KindOf(directory.FinalFile) != FileKind.Missing;
        if (reading == MetricsReading.Strict && handedOn is not null && FinalModel(directory, handedOn, handedOn != end) is { } final) breaks.Add(final);
        if (reading == MetricsReading.Strict && rows.Count == last) breaks.AddRange(Outcome(run, stopping, finalExists));
        // Resume rewrites layers.csv to its complete rows up to the last state; verify wants every one of them, and no other
        // (a layers.csv that is not a regular file is already a stray of the listing).
        if (reading == MetricsReading.Strict && LayersCheck.Of(directory, plan.Initial.Network.Layers.Count, last) is { } layers && !breaks.Contains(layers)) breaks.Add(layers);
        return (breaks.ToArr(), end);
    }

    /// <summary>
    /// Why run.json's <c>outcome</c> is not the one its metrics give (none when it is): every value
    /// is recomputed with the stopping rule. A run that monitors something and has handed on its
    /// final model has recorded its outcome first.
    /// </summary>
    private static IEnumerable<ChainBreak> Outcome(OpenedRun run, StopDecision stopping, bool finalExists)
    {
        var (plan, file) = (run.Plan, run.Directory.RunFile);
        if (run.Outcome is not { } outcome)
        {
            if (plan.Monitor is not null && finalExists)
                yield return new ChainBreak(file, $"records no '{RunFile.OutcomeKey}' (best-epoch, stopped-at) though the run monitors {plan.Spec.Monitor} and has written {RunDirectory.FinalFileName}");
            yield break;
        }
        if (plan.Monitor is null)
        {
            yield return new ChainBreak(file, $"records an '{RunFile.OutcomeKey}' but the run gives no patience, keep-best or restore-best to monitor (run.json was edited)");
            yield break;
        }
        var expected = RunOutcome.Of(stopping);
        string Text(object? value) => value switch { null => "(absent)", double d => d.ToString("R", System.Globalization.CultureInfo.InvariantCulture), _ => value.ToString()! };
        var because = $"metrics.csv gives {Text(expected.BestEpoch)} as the best epoch by {plan.Spec.Monitor}" +
                      (plan.Spec.Patience is { } p ? $", and patience {p} {(expected.StoppedAt is { } s ? $"stops the run after epoch {s}" : "does not stop it")}" : "");
        if (outcome.BestEpoch != expected.BestEpoch)
            yield return new ChainBreak(file, $"'best-epoch' is {Text(outcome.BestEpoch)} but {because} (run.json was edited)");
        else if (BitConverter.DoubleToInt64Bits(outcome.BestValue ?? double.NaN) != BitConverter.DoubleToInt64Bits(expected.BestValue ?? double.NaN))
            yield return new ChainBreak(file, $"'best-value' is {Text(outcome.BestValue)} but epoch {Text(expected.BestEpoch)} measured {Text(expected.BestValue)} {plan.Spec.Monitor} (run.json was edited)");
        if (outcome.StoppedAt != expected.StoppedAt)
            yield return new ChainBreak(file, $"'stopped-at' is {Text(outcome.StoppedAt)} but {because} (run.json was edited)");
    }

    private static string KeepRule(RunSpec spec) =>
        $"keep-every {spec.KeepEvery}" + (spec.KeepLast is { } n ? $", keep-last {n}" : "");

    /// <summary>
    /// Why a decoded state does not belong to <paramref name="plan"/>'s run at <paramref name="epoch"/>
    /// (none when it does): its epoch, its configuration against run.json's, its data, loss,
    /// architecture and schema.
    /// </summary>
    public static IEnumerable<string> Foreign(PreparedRun plan, Checkpoint state, int epoch)
    {
        if (state.State.Epoch != epoch) yield return $"holds epoch {state.State.Epoch}, not the {epoch} its name says";
        if (RunFile.FirstDifference(plan.StateConfig, state.Config) is var (key, expected, actual))
            yield return key == "config"
                ? "its configuration is not run.json's"
                : $"was trained with '{key}' {actual} but run.json says {expected} (a state of another run, or run.json was edited)";
        if (state.DataSha256 != plan.DataFingerprint)
            yield return $"was trained on data with fingerprint {Short(state.DataSha256)}… but {plan.DataDescription} has {Short(plan.DataFingerprint)}… (another or changed data set)";
        var (network, expectedNetwork) = (state.State.Network, plan.Initial.Network);
        if (network.Describe() != expectedNetwork.Describe())
            yield return $"holds a {network.Describe()} network but the run's is {expectedNetwork.Describe()} (a state of another architecture)";
        if (state.Loss != plan.Config.Loss) yield return $"was trained with loss {state.Loss.Name} but the run uses {plan.Config.Loss.Name}";
        if (!SameSchema(state.Schema, plan.Schema)) yield return "its data schema (features, classes, standardization or target standardization) is not the one the run's data gives";
    }

    private static IEnumerable<string> Links(
        PreparedRun plan, Checkpoint state, int epoch, byte[] bytes, string sha, Dictionary<int, string> hashes, Arr<MetricsRow> rows)
    {
        if (epoch == 0)
        {
            if (state.PreviousSha256 is not null) yield return "the initial state names a previous state";
            var rebuilt = StateFile.Encode(plan.InitialCheckpoint());
            if (!rebuilt.AsSpan().SequenceEqual(bytes))
                yield return $"is not the initial state run.json describes ({StateDifference.Describe(rebuilt, bytes)})";
            yield break;
        }
        var previous = hashes.TryGetValue(epoch - 1, out var kept) ? kept : epoch - 1 >= 1 && epoch - 1 <= rows.Count ? rows[epoch - 2].StateSha256 : null;
        if (previous is null) yield return $"its previous state (epoch {epoch - 1}) is neither kept nor recorded in {RunDirectory.MetricsFileName}";
        else if (state.PreviousSha256 != previous)
            yield return $"links to previous state {Short(state.PreviousSha256)}… but epoch {epoch - 1} hashes to {Short(previous)}…";
        if (state.Metrics is not { } metrics)
        {
            yield return "records no metrics (only the initial state may)";
            yield break;
        }
        if (epoch > rows.Count) yield break;
        var row = rows[epoch - 1];
        if (row.StateSha256 != sha) yield return $"its SHA-256 {Short(sha)}… is not the {Short(row.StateSha256)}… {RunDirectory.MetricsFileName} recorded";
        if (!row.Metrics.SameBits(metrics)) yield return $"its metrics are not the ones {RunDirectory.MetricsFileName} recorded for epoch {epoch}";
    }

    /// <summary>
    /// Why final.safetensors is not the model of the last state (null when it is, or when there is
    /// none: a run whose trainer was killed has not written it yet).
    /// </summary>
    private static ChainBreak? FinalModel(RunDirectory directory, ChainEnd end, bool best)
    {
        if (FileInput.ReadRunFile(directory.FinalFile).Failed(out var error, out var bytes))
            return error.Code == FileInput.MissingFileCode ? null : new ChainBreak(directory.FinalFile, Unprefixed(error.Message, directory.FinalFile));
        var expected = ModelFile.Encode(end.LastState, end.LastSha256);
        return expected.AsSpan().SequenceEqual(bytes)
            ? null
            : new ChainBreak(directory.FinalFile, $"is not the model of the {(best ? "best state (restore-best)" : "last state")}, epoch {end.Last} ({StateDifference.Describe(expected, bytes)})");
    }

    /// <summary>
    /// The first few epochs the run keeps up to <paramref name="last"/> that have no state file,
    /// and how many there are in all: counted, not listed, since a state named like epoch 2³¹−2
    /// would otherwise make a list of a billion.
    /// </summary>
    private static (Arr<int> First, long Count) Missing(PreparedRun plan, RunListing listing, int last, int? best)
    {
        const int Shown = 3;
        long every = plan.Spec.KeepEvery;
        var required = plan.KeptCount(last, best);
        var present = listing.Epochs.Count(e => plan.Keeps(e, last, best));
        var first = new List<int>();
        var set = listing.Epochs.ToHashSet();
        if (!set.Contains(0)) first.Add(0);
        if (plan.KeepsBest && best is { } b && b < last && !set.Contains(b)) first.Add(b);
        for (var epoch = plan.FirstKeptMultiple(last); epoch < last && first.Count < Shown; epoch += every)
            if (!set.Contains((int)epoch) && !first.Contains((int)epoch)) first.Add((int)epoch);
        first.Sort();
        return (first.ToArr(), required - present);
    }

    private static Arr<MetricsRow> ReadRows(RunDirectory directory, MetricsReading reading, List<ChainBreak> breaks)
    {
        if (directory.ReadMetricsText().Failed(out var readError, out var text))
        {
            breaks.Add(new ChainBreak(directory.MetricsFile, Unprefixed(readError.Message, directory.MetricsFile)));
            return Arr<MetricsRow>.Empty;
        }
        if (reading == MetricsReading.AfterCrash || text.Length == 0)
        {
            if (text.Length == 0) breaks.Add(new ChainBreak(directory.MetricsFile, "is missing"));
            return MetricsRow.ParseValidPrefix(text);
        }
        if (MetricsRow.Parse(directory.MetricsFile, text).Failed(out var parseError, out var rows))
        {
            breaks.Add(new ChainBreak(directory.MetricsFile, Unprefixed(parseError.Message, directory.MetricsFile)));
            return MetricsRow.ParseValidPrefix(text);
        }
        return rows;
    }

    private static bool SameSchema(DataSchema a, DataSchema b) =>
        a.Task == b.Task && Enumerable.SequenceEqual(a.Features, b.Features) && Enumerable.SequenceEqual(a.Targets, b.Targets) && Enumerable.SequenceEqual(a.Classes, b.Classes) &&
        Same(a.Standardization, b.Standardization) && Same(a.TargetStandardization, b.TargetStandardization);

    private static bool Same(Option<Standardization> a, Option<Standardization> b) =>
        a.Match(s => b.Match(t => SameBits(s.Means, t.Means) && SameBits(s.Stds, t.Stds), () => false), () => b.IsNone);

    private static bool SameBits(IEnumerable<double> a, IEnumerable<double> b) => a.Select(Bits).SequenceEqual(b.Select(Bits));

    private static long Bits(double value) => BitConverter.DoubleToInt64Bits(value);

    private static string Short(string? sha) => sha is null ? "(none)" : sha[..Math.Min(12, sha.Length)];

    /// <summary>A reader's message without the path it starts with (the break names the path already).</summary>
    internal static string Unprefixed(string message, string path) =>
        message.StartsWith(path + ": ", StringComparison.Ordinal) ? message[(path.Length + 2)..] : message;
}
