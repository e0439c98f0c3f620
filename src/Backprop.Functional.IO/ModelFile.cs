using System.Globalization;
using System.Text.RegularExpressions;
using LanguageExt;
using LanguageExt.Common;

namespace Backprop.Functional.IO;

/// <summary>Where a model file came from: the state it was made from and that state's training data.</summary>
/// <param name="Epoch">The epoch of the state.</param>
/// <param name="StateSha256">The SHA-256 of the state file.</param>
/// <param name="DataSha256">The fingerprint of the training data (as the state records it).</param>
public sealed record ModelProvenance(int Epoch, string StateSha256, string DataSha256);

/// <summary>
/// A trained model on its own, as <c>train --out</c> writes <c>final.safetensors</c>: everything
/// prediction needs and nothing training needs. The weights keep the tensor names of a plain
/// weights file (<c>layers.{i}.weight|bias</c>), so any safetensors reader loads them; the data
/// schema is stored as in a state (<see cref="SchemaMetadata"/>); the metadata names the format,
/// the architecture, the loss and the state it was made from. Like a state it is sealed
/// (<see cref="Seal"/>) and encoded deterministically. It holds no optimizer state and no
/// generator: a model cannot be trained on or replayed, only used.
/// </summary>
public static partial class ModelFile
{
    /// <summary>The value of the <c>format</c> metadata.</summary>
    public const string Format = "backprop.functional.model/1";

    private const string EpochKey = "epoch";
    private const string StateKey = "state.sha256";
    private const string DataKey = "data.sha256";

    /// <summary>The sealed bytes of a model file.</summary>
    public static byte[] Encode(Network network, Loss loss, DataSchema schema, ModelProvenance provenance)
    {
        var tensors = NetworkTensors.ToTensors(network).Concat(SchemaMetadata.Tensors(schema)).ToArr();
        var metadata = NetworkTensors.ArchitectureMetadata(network, loss)
            .Add("format", Format)
            .Add(SchemaMetadata.Key, SchemaMetadata.ToJson(schema))
            .Add(EpochKey, provenance.Epoch.ToString(CultureInfo.InvariantCulture))
            .Add(StateKey, provenance.StateSha256)
            .Add(DataKey, provenance.DataSha256)
            .Add(Seal.Key, Seal.Placeholder);
        return Seal.Close(SafeTensors.Serialize(new SafeTensorsFile(tensors, metadata)));
    }

    /// <summary>The model file of a state whose file hashes to <paramref name="stateSha256"/>.</summary>
    public static byte[] Encode(Checkpoint state, string stateSha256) =>
        Encode(state.State.Network, state.Loss, state.Schema, new ModelProvenance(state.State.Epoch, stateSha256, state.DataSha256));

    /// <summary>Reads a model file's bytes, checking its seal, format and every field.</summary>
    public static Fin<(Model Model, ModelProvenance Provenance)> Decode(ReadOnlySpan<byte> bytes, string source)
    {
        if (SafeTensors.Parse(bytes).Within(source).Failed(out var parseError, out var file)) return parseError;
        if (file.Meta("format").Case is not string format)
            return Error.New($"{source}: not a model file (no 'format' metadata; a plain weights file?)");
        if (format != Format) return Error.New($"{source}: format {Quote.Value(format)} is not {Format}");
        if (Seal.Check(bytes, file, source, "model file").Failed(out var sealError, out _)) return sealError;

        string Meta(string key) => file.Meta(key).IfNone("");
        if (!int.TryParse(Meta(EpochKey), NumberStyles.None, CultureInfo.InvariantCulture, out var epoch))
            return Error.New($"{source}: metadata '{EpochKey}' is not a whole number");
        foreach (var key in new[] { StateKey, DataKey })
            if (!Sha256().IsMatch(Meta(key))) return Error.New($"{source}: metadata '{key}' is not a SHA-256 (64 lower-case hex digits)");
        foreach (var key in new[] { NetworkTensors.WidthsKey, NetworkTensors.ActivationsKey })
            if (file.Meta(key).IsNone) return Error.New($"{source}: metadata '{key}' is missing");
        if (Loss.Parse(Meta(NetworkTensors.LossKey)).Within($"{source}: metadata '{NetworkTensors.LossKey}'").Failed(out var lossError, out var loss)) return lossError;
        if (NetworkTensors.FromFile(file, source, Sigmoid.Instance, Sigmoid.Instance).Failed(out var networkError, out var network)) return networkError;
        if (loss.RequiredOutputActivation is { } required && required != network.Layers[^1].Activation)
            return Error.New($"{source}: loss {loss.Name} needs the output activation {required.Name}, not {network.Layers[^1].Activation.Name}");
        if (SchemaMetadata.Read(file, source).Failed(out var schemaError, out var schema)) return schemaError;
        if (schema.Features.Count != network.InputWidth || schema.OutputWidth != network.OutputWidth)
            return Error.New($"{source}: the schema's {schema.Features.Count} features and {schema.OutputWidth} outputs do not fit the network {string.Join(",", network.Widths)}");
        if (Stray(file, network.Layers.Count) is { } stray)
            return Error.New($"{source}: tensor {Quote.Value(stray)} does not belong in a model file");

        var model = new Model(network, loss, Option<DataSchema>.Some(schema), ModelKind.ModelFile);
        return (model, new ModelProvenance(epoch, Meta(StateKey), Meta(DataKey)));
    }

    /// <summary>Reads and decodes a model file.</summary>
    public static Fin<(Model Model, ModelProvenance Provenance)> Read(string path) =>
        FileInput.ReadAllBytes(path).Bind(bytes => Decode(bytes, path));

    // A state's optimizer moments copied in would pass the seal if resealed, but are not part of a model.
    private static string? Stray(SafeTensorsFile file, int layers)
    {
        var expected = new System.Collections.Generic.HashSet<string>(SchemaMetadata.TensorNames, StringComparer.Ordinal);
        for (var i = 0; i < layers; i++) expected.UnionWith([$"layers.{i}.weight", $"layers.{i}.bias"]);
        return file.Tensors.Map(t => t.Name).Find(n => !expected.Contains(n)).Case as string;
    }

    [GeneratedRegex("^[0-9a-f]{64}$")]
    private static partial Regex Sha256();
}
