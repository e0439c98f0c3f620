using Backprop.Functional;
using Backprop.Functional.IO;
using LanguageExt;
using LanguageExt.Common;
using MathNet.Numerics.LinearAlgebra;

namespace Backprop.Cli.Commands;

/// <summary>
/// A trained model as <c>evaluate</c> and <c>predict</c> need it: the network, its loss and the
/// data schema (feature names, classes, standardization). A state file carries all of it; a
/// plain weights file is taken as regression over every non-target column.
/// </summary>
public sealed record Model(Network Network, Loss Loss, Option<DataSchema> Schema)
{
    /// <summary>Reads a state or weights file.</summary>
    public static Fin<Model> Read(string path)
    {
        if (FileInput.ReadAllBytes(path).Failed(out var readError, out var bytes)) return readError;
        if (SafeTensors.Parse(bytes).Within(path).Failed(out var parseError, out var file)) return parseError;
        if (file.Meta("format").IsSome)
            return StateFile.Decode(bytes, path).Map(c => new Model(c.State.Network, c.Loss, Option<DataSchema>.Some(c.Schema)));
        if (file.Meta(NetworkTensors.ActivationsKey).IsNone)
            return Error.New($"{path}: has no activations metadata; evaluate and predict need a state file or a weights file written by this tool");
        return from network in NetworkTensors.FromFile(file, path, Sigmoid.Instance, Sigmoid.Instance)
               from loss in Loss.Parse(file.Meta(NetworkTensors.LossKey).IfNone("mse")).Within(path)
               select new Model(network, loss, Option<DataSchema>.None);
    }

    /// <summary>The table a command reads: --data FILE.csv or --dataset NAME.</summary>
    public static Fin<CsvTable> Table(string? data, string? dataset) =>
        (data, dataset) switch
        {
            (null, null) => Error.New("give --data FILE.csv or --dataset NAME"),
            ({ }, { }) => Error.New("give --data or --dataset, not both"),
            ({ } path, null) => FileInput.ReadCsv(path),
            (null, { } name) => BuiltInDatasets.Load(name).Map(d => d.Table),
        };

    /// <summary>The schema to read <paramref name="table"/> with (a weights file's is inferred: every non-target column is a feature).</summary>
    public Fin<DataSchema> SchemaFor(CsvTable table, IReadOnlyList<string>? targets)
    {
        if (Schema.Case is DataSchema schema)
            return targets is { Count: > 0 } ? schema with { Targets = targets.ToArr() } : schema;
        var targetNames = targets?.ToArr() ?? Arr<string>.Empty;
        var features = table.Header.Filter(h => !targetNames.Contains(h));
        if (features.Count != Network.InputWidth)
            return Error.New($"{table.Source}: has {features.Count} non-target columns but the network reads {Network.InputWidth} (name the targets with --target)");
        return new DataSchema(features, targetNames, TaskKind.Regression, Arr<string>.Empty, Option<Standardization>.None);
    }

    /// <summary>The network's inputs for <paramref name="table"/>: the schema's features, standardized as in training.</summary>
    public Fin<Matrix<double>> Inputs(CsvTable table, DataSchema schema) =>
        TabularData.Features(table, schema).Bind(x =>
            x.ColumnCount != Network.InputWidth
                ? Error.New($"{table.Source}: gives {x.ColumnCount} features but the network reads {Network.InputWidth}")
                : Fin<Matrix<double>>.Succ(schema.Standardization.Match(s => s.Apply(x), () => x)));
}
