using System.Text.Json;
using System.Text.Json.Nodes;
using Backprop.Functional.IO;
using LanguageExt;
using LanguageExt.Common;

namespace Backprop.Cli.Training;

/// <summary>Where a run came from, recorded in run.json beside its configuration.</summary>
/// <param name="Tool">The tool and version that made the run.</param>
/// <param name="Started">When the run started (UTC, ISO 8601).</param>
/// <param name="Data">Where the data came from.</param>
/// <param name="DataSha256">The training data's fingerprint.</param>
/// <param name="Numerics">The numerics path (recorded in every state too).</param>
/// <param name="Vectors">The widest SIMD vectors the machine offered (results do not depend on it).</param>
/// <param name="Threads">The threads the math could use (results do not depend on it).</param>
public sealed record Provenance(string Tool, string Started, string Data, string DataSha256, string Numerics, string Vectors, int Threads);

/// <summary>
/// run.json: the resolved <see cref="TrainSpec"/> (so it is itself a valid <c>--config</c>)
/// plus a <c>provenance</c> object that <c>--config</c> ignores.
/// </summary>
public static class RunFile
{
    private const string ProvenanceKey = "provenance";

    /// <summary>The largest configuration file read (configurations are small; this stops accidents).</summary>
    private const long MaxBytes = 1 << 20;

    /// <summary>run.json's text.</summary>
    public static string Text(TrainSpec spec, Provenance provenance)
    {
        var node = JsonSerializer.SerializeToNode(spec, TrainSpec.Json)!.AsObject();
        node[ProvenanceKey] = JsonSerializer.SerializeToNode(provenance, TrainSpec.Json);
        return node.ToJsonString(TrainSpec.Json) + "\n";
    }

    /// <summary>Reads a run.json or --config file into a spec, refusing unknown keys and malformed JSON.</summary>
    public static Fin<TrainSpec> Read(string path) =>
        FileInput.ReadAllBytes(path, MaxBytes).Bind(bytes => Parse(path, bytes));

    /// <summary>Parses configuration JSON (UTF-8 bytes; a byte-order mark is tolerated).</summary>
    public static Fin<TrainSpec> Parse(string source, byte[] bytes)
    {
        var json = bytes.AsSpan();
        if (json.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF])) json = json[3..];
        try
        {
            var node = JsonNode.Parse(json, documentOptions: new JsonDocumentOptions { MaxDepth = TrainSpec.Json.MaxDepth });
            if (node is not JsonObject document) return Error.New($"{source}: a configuration must be a JSON object of train options");
            document.Remove(ProvenanceKey);
            var spec = document.Deserialize<TrainSpec>(TrainSpec.Json);
            return spec is null ? Error.New($"{source}: the configuration is empty") : spec;
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
        if (e.Message.Contains("maximum configured depth", StringComparison.Ordinal))
            return $"{line}nested deeper than a configuration can be";
        return $"{line}not valid JSON ({e.Message.Split(" LineNumber:")[0].Split(" Path:")[0].TrimEnd('.')})";
    }

    /// <summary>
    /// The configuration a state records: the resolved spec as compact JSON without
    /// <c>epochs</c> and <c>keep-every</c>. Neither changes any state, and leaving them out keeps
    /// a run extended with <c>--resume --epochs</c> bit-identical to one started with the larger count.
    /// </summary>
    public static string StateConfig(TrainSpec spec)
    {
        var node = JsonSerializer.SerializeToNode(spec, TrainSpec.Json)!.AsObject();
        node.Remove("epochs");
        node.Remove("keep-every");
        return node.ToJsonString(CompactJson);
    }

    private static readonly JsonSerializerOptions CompactJson = new(TrainSpec.Json) { WriteIndented = false };
}
