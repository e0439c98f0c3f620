using System.Text.Json;
using System.Text.Json.Nodes;
using Backprop.Functional.IO;
using LanguageExt;
using LanguageExt.Common;

namespace Backprop.Functional.Runs;

/// <summary>
/// run.json: the resolved <see cref="RunSpec"/> (so it is itself a valid <c>--config</c>)
/// plus a <c>provenance</c> object that <c>--config</c> ignores.
/// </summary>
public static class RunFile
{
    private const string ProvenanceKey = "provenance";

    /// <summary>The key of the run's <see cref="RunOutcome"/>: written when it ends, like provenance ignored by <c>--config</c>.</summary>
    public const string OutcomeKey = "outcome";

    /// <summary>The largest configuration file read (configurations are small; this stops accidents).</summary>
    public const long MaxBytes = 1 << 20;

    /// <summary>run.json's text.</summary>
    public static string Text(RunSpec spec, Provenance provenance)
    {
        var node = JsonSerializer.SerializeToNode(spec, RunSpec.Json)!.AsObject();
        node[ProvenanceKey] = JsonSerializer.SerializeToNode(provenance, RunSpec.Json);
        return node.ToJsonString(RunSpec.Json) + "\n";
    }

    /// <summary>Reads a configuration file a person names (<c>--config</c>), refusing unknown keys and malformed JSON.</summary>
    public static Fin<RunSpec> Read(string path) =>
        FileInput.ReadAllBytes(path, MaxBytes).Bind(bytes => Parse(path, bytes));

    /// <summary>
    /// run.json's <c>outcome</c> (none when it has none: the run monitors nothing, or has not ended),
    /// refusing one that is not an object of the known keys.
    /// </summary>
    public static Fin<Option<RunOutcome>> ParseOutcome(string source, string text)
    {
        try
        {
            var node = JsonNode.Parse(text, documentOptions: new JsonDocumentOptions { MaxDepth = RunSpec.Json.MaxDepth }) as JsonObject;
            if (node?[OutcomeKey] is not { } outcome) return Option<RunOutcome>.None;
            if (outcome is not JsonObject) return Error.New($"{source}: '{OutcomeKey}' must be an object");
            return outcome.Deserialize<RunOutcome>(RunSpec.Json) is { } recorded ? Option<RunOutcome>.Some(recorded) : Error.New($"{source}: '{OutcomeKey}' is empty");
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException or ArgumentException)
        {
            return Error.New($"{source}: '{OutcomeKey}' is not what a run records ({(e is JsonException j ? Describe(j) : e.Message.Split('\n')[0])})");
        }
    }

    /// <summary>run.json's text with <paramref name="outcome"/> recorded (or, when null, none).</summary>
    public static string WithOutcome(string text, RunOutcome? outcome)
    {
        var node = JsonNode.Parse(text)!.AsObject();
        node.Remove(OutcomeKey);
        if (outcome is not null) node[OutcomeKey] = JsonSerializer.SerializeToNode(outcome, RunSpec.Json);
        return node.ToJsonString(RunSpec.Json) + "\n";
    }

    /// <summary>Parses configuration JSON (UTF-8 bytes; a byte-order mark is tolerated).</summary>
    public static Fin<RunSpec> Parse(string source, byte[] bytes)
    {
        var json = bytes.AsSpan();
        if (json.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF])) json = json[3..];
        try
        {
            var node = JsonNode.Parse(json, documentOptions: new JsonDocumentOptions { MaxDepth = RunSpec.Json.MaxDepth });
            if (node is not JsonObject document) return Error.New($"{source}: a configuration must be a JSON object of train options");
            document.Remove(ProvenanceKey);
            document.Remove(OutcomeKey);
            var spec = document.Deserialize<RunSpec>(RunSpec.Json);
            if (spec is null) return Error.New($"{source}: the configuration is empty");
            // Nullable annotations reach properties, not the elements of their arrays.
            foreach (var (key, names) in new[] { ("target", spec.Target), ("features", spec.Features) })
                if (names is not null && names.Any(n => n is null)) return Error.New($"{source}: '{key}' holds null where a column name belongs");
            return spec;
        }
        catch (JsonException e)
        {
            return Error.New($"{source}: {Describe(e)}");
        }
        catch (ArgumentException e) when (e.Message.Contains("same key", StringComparison.Ordinal))
        {
            return Error.New($"{source}: a key appears twice ({e.Message.Split("Key: ")[^1].Split(' ')[0]})");
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or ArgumentException)
        {
            return Error.New($"{source}: not a valid configuration ({e.Message.Split('\n')[0]})");
        }
    }

    /// <summary>One line saying what is wrong where, without .NET type names.</summary>
    private static string Describe(JsonException e)
    {
        var key = e.Path is { Length: > 2 } path ? path[2..] : null;
        var line = e.LineNumber is { } l ? $"line {l + 1}: " : "";
        if (e.Message.Contains("could not be mapped to any .NET member", StringComparison.Ordinal))
            return $"unknown key '{e.Message.Split('\'')[1]}' (keys are train's option names without the dashes, e.g. \"lr\", \"batch-size\")";
        // Conversion errors come from re-reading the parsed object, whose line numbers are not the file's.
        if (key is not null && e.Message.StartsWith("The JSON value could not be converted", StringComparison.Ordinal))
            return $"'{key}' has a value of the wrong type or out of range";
        if (key is not null && e.Message.Contains("null", StringComparison.Ordinal))
            return $"'{key}' must not be null";
        if (e.Message.Contains("maximum configured depth", StringComparison.Ordinal))
            return $"{line}nested deeper than a configuration can be";
        return $"{line}not valid JSON ({e.Message.Split(" LineNumber:")[0].Split(" Path:")[0].TrimEnd('.')})";
    }

    /// <summary>
    /// The keys a state does not record: <c>epochs</c> changes no state (leaving it out keeps a run
    /// extended with <c>--resume --epochs</c> bit-identical to one started with the larger count),
    /// and <c>data</c>, <c>dataset</c>, <c>init</c> and <c>parent</c> say where the inputs were found, which may
    /// change: the data's fingerprint and the init file's and parent state's SHA-256s say what they are. These are the
    /// only keys of run.json that may be edited (<c>keep-every</c> is recorded: which states a run
    /// keeps is part of what verify checks).
    /// </summary>
    public static IReadOnlyList<string> KeysStatesLeaveOut { get; } = ["epochs", "data", "dataset", "init", "parent"];

    /// <summary>
    /// The configuration a state records: the resolved spec as compact JSON without
    /// <see cref="KeysStatesLeaveOut"/>, and without <c>batch-size</c> 0 (every row) and
    /// <c>standardize-target</c> false: the two keys the data defaults added are left out when off,
    /// which is what a state meant by leaving them out before they existed. So a run that uses
    /// neither writes the very bytes it wrote then, and older runs still belong to their run.json
    /// (see <see cref="RunSpec.AsRecordedRun"/>). The state's tensors say whether its targets are scaled.
    /// </summary>
    public static string StateConfig(RunSpec spec)
    {
        var node = JsonSerializer.SerializeToNode(spec with
        {
            BatchSize = spec.BatchSize == 0 ? null : spec.BatchSize,
            StandardizeTarget = spec.StandardizeTarget == false ? null : spec.StandardizeTarget,
        }, RunSpec.Json)!.AsObject();
        foreach (var key in KeysStatesLeaveOut) node.Remove(key);
        return node.ToJsonString(CompactJson);
    }

    /// <summary>
    /// The first key whose value differs between two state configurations, as "'lr' is 0.5 here
    /// but 0.01 there" text parts (null when they are equal).
    /// </summary>
    public static (string Key, string Expected, string Actual)? FirstDifference(string expected, string actual)
    {
        if (expected == actual) return null;
        JsonObject? a = null, b = null;
        try
        {
            a = JsonNode.Parse(expected) as JsonObject;
            b = JsonNode.Parse(actual) as JsonObject;
        }
        catch (JsonException)
        {
        }
        if (a is null || b is null) return ("config", Shorten(expected), Shorten(actual));
        foreach (var key in a.Select(p => p.Key).Concat(b.Select(p => p.Key)).Distinct())
        {
            var (x, y) = (a[key]?.ToJsonString() ?? "(absent)", b[key]?.ToJsonString() ?? "(absent)");
            if (x != y) return (key, Shorten(x), Shorten(y));
        }
        return ("config", "its keys in another order", "");
    }

    private static string Shorten(string text) => Quote.Escape(text, 80);

    private static readonly JsonSerializerOptions CompactJson = new(RunSpec.Json) { WriteIndented = false };
}

/// <summary>
/// How a run that monitors a validation measurement ended, as run.json records it under
/// <c>outcome</c> when training ends (or is interrupted): verify recomputes every value from
/// metrics.csv, so an edited one is found.
/// </summary>
/// <param name="BestEpoch">The first epoch with the best monitored value.</param>
/// <param name="BestValue">That value (of run.json's <c>monitor</c>).</param>
/// <param name="StoppedAt">The epoch after which <c>patience</c> stopped the run (null: it did not stop early).</param>
public sealed record RunOutcome(int? BestEpoch, double? BestValue, int? StoppedAt)
{
    /// <summary>The outcome a stopping decision describes.</summary>
    public static RunOutcome Of(StopDecision decision) =>
        new(decision.Best?.Epoch, decision.Best is { Value: var v } && double.IsFinite(v) ? v : null, decision.Stop ? decision.Epochs : null);
}
