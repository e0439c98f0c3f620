using System.Globalization;
using LanguageExt;
using LanguageExt.ClassInstances;
using LanguageExt.Common;

namespace Backprop.Functional.IO;

/// <summary>
/// A <see cref="Checkpoint"/> as a safetensors file. The weights keep the names of a plain
/// weights file (so <c>--init</c> and <c>gradients</c> accept a state too); optimizer moments
/// are <c>optimizer.{slot}.layers.{i}.weight|bias</c>, standardization is
/// <c>standardization.mean|std</c> (and <c>target_standardization.mean|std</c> when regression
/// targets are scaled; <see cref="SchemaMetadata"/>), and the rest is metadata. The
/// file is sealed (<see cref="Seal"/>): its <c>seal</c> metadata is the SHA-256 of the whole file
/// with the seal itself zeroed, so any truncation or changed byte is detected. Encoding is deterministic: the same checkpoint
/// always gives the same bytes (no clock, no host name), which is what lets replay compare
/// rebuilt states by hash.
/// </summary>
public static class StateFile
{
    /// <summary>
    /// The value of the <c>format</c> metadata. Version 2 states record where none of their inputs
    /// were found (no data or init path in <c>config</c>), so a run whose files move stays the same run.
    /// </summary>
    public const string Format = "backprop.functional.state/2";

    /// <summary>The format of states written before version 2, refused with a message that says so.</summary>
    private const string FormatVersion1 = "backprop.functional.state/1";

    /// <summary>The numerics path that produced the state: the FMA-chain products and the deterministic math.</summary>
    public const string Numerics = "managed-fma-chain/1";

    /// <summary>The sealed bytes of a checkpoint, or why a reader could not read them back (then no copy of it is made).</summary>
    public static Fin<byte[]> TryEncode(Checkpoint checkpoint)
    {
        var metadata = Metadata(checkpoint);
        if (SafeTensors.Measure(Shapes(checkpoint), metadata).Within($"the state of epoch {checkpoint.State.Epoch}").Failed(out var error, out _))
            return error;
        return Seal.Close(SafeTensors.Serialize(new SafeTensorsFile(Tensors(checkpoint).ToArr(), metadata)));
    }

    /// <summary><see cref="TryEncode"/> for a state known to fit (one read back from a file); throws when it does not.</summary>
    public static byte[] Encode(Checkpoint checkpoint) =>
        TryEncode(checkpoint).Match(bytes => bytes, error => throw new InvalidOperationException(error.Message));

    /// <summary>
    /// The largest file any state of <paramref name="checkpoint"/>'s run can take (the same
    /// network, optimizer, schema and configuration at any epoch, with metrics and a previous
    /// hash), or why a reader would refuse it: checked before training starts, without copying
    /// a single weight.
    /// </summary>
    public static Fin<long> CheckWritable(Checkpoint checkpoint)
    {
        var state = checkpoint.State;
        // The longest text each growing field can take: counters at their maxima, a 24-character double.
        const double LongestDouble = -2.2250738585072014E-308;
        var widest = checkpoint with
        {
            State = state with { Epoch = int.MaxValue, Step = long.MaxValue, SkippedSteps = int.MaxValue, Optimizer = state.Optimizer with { Count = long.MaxValue } },
            PreviousSha256 = Seal.Placeholder,
            Metrics = new EpochMetrics(LongestDouble, LongestDouble, LongestDouble),
        };
        return SafeTensors.Measure(Shapes(widest), Metadata(widest))
            .Within("a state of this run cannot be saved");
    }

    /// <summary>The parameters, then each optimizer slot, as tensor sets with their name prefixes.</summary>
    private static IEnumerable<(string Prefix, Gradients Values)> Sets(TrainState state)
    {
        yield return ("", Updates.ParametersOf(state.Network));
        foreach (var (slot, values) in state.Optimizer.Slots) yield return ($"optimizer.{slot}.", values);
    }

    /// <summary>The tensors of a state file, in file order (copies of the state's arrays).</summary>
    private static IEnumerable<Tensor> Tensors(Checkpoint checkpoint)
    {
        foreach (var (prefix, values) in Sets(checkpoint.State))
            foreach (var tensor in NetworkTensors.ToTensors(values, prefix)) yield return tensor;
        foreach (var tensor in SchemaMetadata.Tensors(checkpoint.Schema)) yield return tensor;
    }

    /// <summary>The names and shapes of <see cref="Tensors"/>, without copying anything.</summary>
    private static IEnumerable<(string Name, Arr<long> Shape)> Shapes(Checkpoint checkpoint)
    {
        foreach (var (prefix, values) in Sets(checkpoint.State))
            foreach (var shape in NetworkTensors.Shapes(values, prefix)) yield return shape;
        foreach (var shape in SchemaMetadata.Shapes(checkpoint.Schema)) yield return shape;
    }

    private static Map<OrdString, string, string> Metadata(Checkpoint checkpoint)
    {
        var state = checkpoint.State;
        var metadata = NetworkTensors.ArchitectureMetadata(state.Network, checkpoint.Loss)
            .Add("format", Format)
            .Add("numerics", Numerics)
            .Add("epoch", Text(state.Epoch))
            .Add("step", Text(state.Step))
            .Add("rng", state.Rng.ToHex())
            .Add("optimizer.count", Text(state.Optimizer.Count))
            .Add("skipped", Text(state.SkippedSteps))
            .Add("config", checkpoint.Config)
            .Add(SchemaMetadata.Key, SchemaMetadata.ToJson(checkpoint.Schema))
            .Add("data.sha256", checkpoint.DataSha256)
            .Add(Seal.Key, Seal.Placeholder);
        if (checkpoint.PreviousSha256 is { } previous) metadata = metadata.Add("previous.sha256", previous);
        if (checkpoint.Metrics is { } m)
        {
            metadata = metadata.Add("metrics.loss", Text(m.Loss));
            if (m.ValidationLoss is { } vl) metadata = metadata.Add("metrics.val_loss", Text(vl));
            if (m.ValidationAccuracy is { } va) metadata = metadata.Add("metrics.val_accuracy", Text(va));
        }
        return metadata;
    }

    /// <summary>Reads a state file's bytes, checking its seal, format and every field.</summary>
    public static Fin<Checkpoint> Decode(ReadOnlySpan<byte> bytes, string source)
    {
        if (SafeTensors.Parse(bytes).Within(source).Failed(out var parseError, out var file)) return parseError;
        if (file.Meta("format").Case is not string format)
            return Error.New($"{source}: not a training state (no 'format' metadata; a plain weights file?)");
        if (format == FormatVersion1)
            return Error.New($"{source}: was written by an earlier version of backprop (format {FormatVersion1}, whose states recorded their data file's path); this version reads {Format}: train the run again");
        if (format != Format) return Error.New($"{source}: format {Quote.Value(format)} is not {Format}");
        if (Seal.Check(bytes, file, source, "state").Failed(out var sealError, out _)) return sealError;

        string Meta(string key) => file.Meta(key).IfNone("");
        if (!int.TryParse(Meta("epoch"), NumberStyles.None, CultureInfo.InvariantCulture, out var epoch))
            return Error.New($"{source}: metadata 'epoch' is not a whole number");
        if (!long.TryParse(Meta("step"), NumberStyles.None, CultureInfo.InvariantCulture, out var step) ||
            !long.TryParse(Meta("optimizer.count"), NumberStyles.None, CultureInfo.InvariantCulture, out var count))
            return Error.New($"{source}: metadata 'step' or 'optimizer.count' is not a whole number");
        if (!int.TryParse(Meta("skipped"), NumberStyles.None, CultureInfo.InvariantCulture, out var skipped))
            return Error.New($"{source}: metadata 'skipped' is not a whole number");
        if (Meta("rng").Length != 16 || !ulong.TryParse(Meta("rng"), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var rng))
            return Error.New($"{source}: metadata 'rng' is not 16 hex digits");
        if (Meta("data.sha256").Length != 64) return Error.New($"{source}: metadata 'data.sha256' is missing");
        if (Loss.Parse(Meta(NetworkTensors.LossKey)).Within(source).Failed(out var lossError, out var loss)) return lossError;
        if (NetworkTensors.FromFile(file, source, Sigmoid.Instance, Sigmoid.Instance).Failed(out var networkError, out var network)) return networkError;
        if (Slots(file, source, network).Failed(out var slotError, out var slots)) return slotError;
        if (SchemaMetadata.Read(file, source).Failed(out var schemaError, out var schema)) return schemaError;
        if (ReadMetrics(file, source).Failed(out var metricsError, out var metrics)) return metricsError;

        var state = new TrainState(epoch, step, network, new OptimizerState(count, slots), new Rng(rng), skipped);
        var previous = file.Meta("previous.sha256").Case as string;
        return new Checkpoint(state, loss, schema, Meta("config"), Meta("data.sha256"), previous, metrics.Case as EpochMetrics);
    }

    /// <summary>Reads and decodes a state file.</summary>
    public static Fin<Checkpoint> Read(string path) =>
        FileInput.ReadAllBytes(path).Bind(bytes => Decode(bytes, path));

    private static Fin<Map<OrdString, string, Gradients>> Slots(SafeTensorsFile file, string source, Network network)
    {
        var names = file.Tensors.Map(t => t.Name)
            .Filter(n => n.StartsWith("optimizer.", StringComparison.Ordinal) && n.EndsWith(".layers.0.weight", StringComparison.Ordinal))
            .Map(n => n["optimizer.".Length..^".layers.0.weight".Length]);
        var slots = Map<OrdString, string, Gradients>.Empty;
        foreach (var slot in names)
        {
            if (NetworkTensors.GradientsFromFile(file, source, $"optimizer.{slot}.", network).Failed(out var error, out var values)) return error;
            slots = slots.Add(slot, values);
        }
        return slots;
    }

    // LanguageExt's Fin cannot hold null, hence Option for "no metrics" (the initial state).
    private static Fin<Option<EpochMetrics>> ReadMetrics(SafeTensorsFile file, string source)
    {
        if (file.Meta("metrics.loss").Case is not string lossText) return Option<EpochMetrics>.None;
        double? Optional(string key) =>
            file.Meta(key).Case is string text && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) ? value : null;
        if (!double.TryParse(lossText, NumberStyles.Float, CultureInfo.InvariantCulture, out var loss))
            return Error.New($"{source}: metadata 'metrics.loss' is not a number");
        return Option<EpochMetrics>.Some(new EpochMetrics(loss, Optional("metrics.val_loss"), Optional("metrics.val_accuracy")));
    }

    private static string Text(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Text(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
