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
        if (listing.Last is not { } last)
        {
            breaks.Add(new ChainBreak(directory.StatesFolder, "holds no state"));
            return (breaks.ToArr(), null);
        }

        var metricsBreaks = new List<ChainBreak>();
        var rows = ReadRows(directory, reading, metricsBreaks);

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
        }

        var (missing, missingCount) = Missing(plan, listing, last);
        foreach (var epoch in missing)
            breaks.Add(new ChainBreak(directory.StatePath(epoch), epoch == 0
                ? "is missing (the initial state)"
                : $"is missing, but the run keeps it (keep-every {plan.Spec.KeepEvery})"));
        if (missingCount > missing.Count)
            breaks.Add(new ChainBreak(directory.StatesFolder, $"{missingCount - missing.Count:N0} more states the run keeps are missing"));
        breaks.AddRange(metricsBreaks);
        if (reading == MetricsReading.Strict && rows.Count != last)
            breaks.Add(new ChainBreak(directory.MetricsFile, rows.Count > last
                ? $"records {rows.Count} epochs but the last state is epoch {last} (later states are missing)"
                : $"records {rows.Count} epochs but the last state is epoch {last}"));
        if (reading == MetricsReading.AfterCrash && rows.Count < last - 1)
            breaks.Add(new ChainBreak(directory.MetricsFile, $"records {rows.Count} epochs but the last state is epoch {last}"));
        // The model handed on must be the last state's (resume writes it anew, so only verify looks).
        if (reading == MetricsReading.Strict && end is not null && FinalModel(directory, end) is { } final) breaks.Add(final);
        return (breaks.ToArr(), end);
    }

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
    private static ChainBreak? FinalModel(RunDirectory directory, ChainEnd end)
    {
        if (FileInput.ReadRunFile(directory.FinalFile).Failed(out var error, out var bytes))
            return error.Code == FileInput.MissingFileCode ? null : new ChainBreak(directory.FinalFile, Unprefixed(error.Message, directory.FinalFile));
        var expected = ModelFile.Encode(end.LastState, end.LastSha256);
        return expected.AsSpan().SequenceEqual(bytes)
            ? null
            : new ChainBreak(directory.FinalFile, $"is not the model of the last state, epoch {end.Last} ({StateDifference.Describe(expected, bytes)})");
    }

    /// <summary>
    /// The first few epochs the run keeps up to <paramref name="last"/> that have no state file,
    /// and how many there are in all: counted, not listed, since a state named like epoch 2³¹−2
    /// would otherwise make a list of a billion.
    /// </summary>
    private static (Arr<int> First, long Count) Missing(PreparedRun plan, RunListing listing, int last)
    {
        const int Shown = 3;
        long every = plan.Spec.KeepEvery;
        var required = last / every + 1 + (last % every == 0 ? 0 : 1);
        var present = listing.Epochs.Count(e => plan.Keeps(e, last));
        var first = new List<int>();
        var set = listing.Epochs.ToHashSet();
        for (long epoch = 0; epoch < last && first.Count < Shown; epoch += every)
            if (!set.Contains((int)epoch)) first.Add((int)epoch);
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
        a.Task == b.Task && a.Features.SequenceEqual(b.Features) && a.Targets.SequenceEqual(b.Targets) && a.Classes.SequenceEqual(b.Classes) &&
        Same(a.Standardization, b.Standardization) && Same(a.TargetStandardization, b.TargetStandardization);

    private static bool Same(Option<Standardization> a, Option<Standardization> b) =>
        a.Match(s => b.Match(t => SameBits(s.Means, t.Means) && SameBits(s.Stds, t.Stds), () => false), () => b.IsNone);

    private static bool SameBits(IEnumerable<double> a, IEnumerable<double> b) => a.Select(Bits).SequenceEqual(b.Select(Bits));

    private static long Bits(double value) => BitConverter.DoubleToInt64Bits(value);

    private static string Short(string? sha) => sha is null ? "(none)" : sha[..Math.Min(12, sha.Length)];

    /// <summary>A reader's message without the path it starts with (the break names the path already).</summary>
    private static string Unprefixed(string message, string path) =>
        message.StartsWith(path + ": ", StringComparison.Ordinal) ? message[(path.Length + 2)..] : message;
}
