using LanguageExt;
using LanguageExt.Common;

namespace Backprop.Functional.IO;

/// <summary>What a weights file without metadata is taken to be: the activations it does not name, and a loss if it names none.</summary>
/// <param name="Hidden">The activation of every hidden layer.</param>
/// <param name="Output">The output layer's activation.</param>
/// <param name="Loss">The loss; null for the file's <c>loss</c> metadata, else mse.</param>
public sealed record WeightsAssumptions(Activation Hidden, Activation Output, Loss? Loss);

/// <summary>
/// Reads a <see cref="Model"/> from any file this tool uses for one: a state, a model file, or a
/// weights file. The <c>format</c> metadata tells the first two apart; a weights file needs this
/// tool's <c>activations</c> metadata, unless the caller supplies <see cref="WeightsAssumptions"/>.
/// </summary>
public static class ModelReader
{
    /// <summary>Reads the model in <paramref name="path"/>.</summary>
    public static Fin<Model> Read(string path, WeightsAssumptions? assumptions = null) =>
        FileInput.ReadAllBytes(path).Bind(bytes => Decode(bytes, path, assumptions));

    /// <summary>Reads the model in a file's bytes; <paramref name="source"/> names the file in messages.</summary>
    public static Fin<Model> Decode(ReadOnlySpan<byte> bytes, string source, WeightsAssumptions? assumptions = null)
    {
        if (SafeTensors.Parse(bytes).Within(source).Failed(out var parseError, out var file)) return parseError;
        switch (file.Meta("format").Case)
        {
            case StateFile.Format:
                return StateFile.Decode(bytes, source).Map(c => new Model(c.State.Network, c.Loss, Option<DataSchema>.Some(c.Schema), ModelKind.State));
            case ModelFile.Format:
                return ModelFile.Decode(bytes, source).Map(m => m.Model);
            case TorchExport.Format:
                break; // a PyTorch state dict: a weights file, whatever wrote it
            case string format:
                return Error.New($"{source}: format {Quote.Value(format)} is none of {StateFile.Format}, {ModelFile.Format} or {TorchExport.Format} (a PyTorch state dict)");
        }
        var hasActivations = file.Meta(NetworkTensors.ActivationsKey).IsSome;
        if (!hasActivations && assumptions is null)
            return new Conflict([Settings.Activation, Settings.OutputActivation], $"{Conflict.Literal(source)}: has no activations metadata; name them ({{0}}, {{1}}) or use a state, a model file or a weights file written by this tool");
        var fileLoss = file.Meta(NetworkTensors.LossKey).IfNone("mse");
        return from network in NetworkTensors.FromFile(file, source, assumptions?.Hidden ?? Sigmoid.Instance, assumptions?.Output ?? Sigmoid.Instance)
               from loss in hasActivations || assumptions?.Loss is null
                   ? Loss.Parse(fileLoss).Within($"{source}: metadata {NetworkTensors.LossKey}")
                   : Fin<Loss>.Succ(assumptions.Loss)
               from _ in loss.WithOutputActivation(network.Layers[^1].Activation).Within(source)
               from schema in Schema(file, source, network)
               select new Model(network, loss, schema, hasActivations ? ModelKind.Weights : ModelKind.BareWeights);
    }

    /// <summary>The data schema a weights file carries (a torch export does), checked against the network; none when it has none.</summary>
    private static Fin<Option<DataSchema>> Schema(SafeTensorsFile file, string source, Network network)
    {
        if (file.Meta(SchemaMetadata.Key).IsNone) return Option<DataSchema>.None;
        if (SchemaMetadata.Read(file, source).Failed(out var error, out var schema)) return error;
        if (schema.Features.Count != network.InputWidth || schema.OutputWidth != network.OutputWidth)
            return Error.New($"{source}: the schema's {schema.Features.Count} features and {schema.OutputWidth} outputs do not fit the network {string.Join(",", network.Widths)}");
        return Option<DataSchema>.Some(schema);
    }
}
