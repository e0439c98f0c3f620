using LanguageExt;
using LanguageExt.Common;
using MathNet.Numerics.LinearAlgebra;

namespace Backprop.Functional.IO;

/// <summary>Which kind of file a <see cref="Model"/> was read from.</summary>
public enum ModelKind
{
    /// <summary>A training state (<see cref="StateFile"/>): the model plus what training needs.</summary>
    State,

    /// <summary>A model file (<see cref="ModelFile"/>), such as a run's final.safetensors.</summary>
    ModelFile,

    /// <summary>A weights file with this tool's architecture metadata, but no data schema.</summary>
    Weights,

    /// <summary>A weights file without metadata (PyTorch, numpy): its activations were assumed, not read.</summary>
    BareWeights,
}

/// <summary>
/// A trained model as the commands that use one need it: the network, its loss and, when the file
/// records it, the data schema (feature names, target names, classes, standardization). With a
/// schema, columns are taken by name (in any order) and standardized as in training; a weights
/// file has no names, so its features are every non-target column in file order. A model trained
/// on standardized regression targets has two views of its targets: the network's own (what it
/// outputs and its loss was trained on: <see cref="Data"/>, for gradients and explain) and the
/// targets' own units (<see cref="DataInTargetUnits"/> and <see cref="Predict"/>, for evaluate and predict).
/// </summary>
/// <param name="Network">The network.</param>
/// <param name="Loss">The loss it was trained with.</param>
/// <param name="Schema">What the data's columns mean to it; none for a weights file.</param>
/// <param name="Kind">The kind of file it came from.</param>
public sealed record Model(Network Network, Loss Loss, Option<DataSchema> Schema, ModelKind Kind)
{
    /// <summary>
    /// The schema to read <paramref name="table"/> with. <paramref name="targets"/>, when given,
    /// name the target columns instead of the stored ones; a weights file's schema is inferred
    /// (regression, every non-target column a feature).
    /// </summary>
    public Fin<DataSchema> SchemaFor(CsvTable table, IReadOnlyList<string>? targets)
    {
        if (Schema.Case is DataSchema schema)
        {
            if (targets is not { Count: > 0 }) return schema;
            if (schema.Task == TaskKind.Classification && targets.Count != 1)
                return new Conflict([Settings.TargetColumns], $"the model classifies by one target column, but {targets.Count} were named in {{0}} ({Conflict.Literal(Quote.List(targets.ToArray()))})");
            return schema with { Targets = targets.ToArr() };
        }
        var targetNames = targets?.ToArr() ?? Arr<string>.Empty;
        var features = table.Header.Filter(h => !targetNames.Contains(h));
        if (features.Count != Network.InputWidth)
            return new Conflict([Settings.TargetColumns], $"{Conflict.Literal(table.Source)}: has {features.Count} non-target columns but the network reads {Network.InputWidth} (set {{0}})");
        return new DataSchema(features, targetNames, TaskKind.Regression, Arr<string>.Empty, Option<Standardization>.None);
    }

    /// <summary>The network's inputs for <paramref name="table"/>: the schema's features by name, standardized as in training.</summary>
    public Fin<Matrix<double>> Inputs(CsvTable table, DataSchema schema) =>
        TabularData.Features(table, schema).Bind(x =>
            x.ColumnCount != Network.InputWidth
                ? Error.New($"{table.Source}: gives {x.ColumnCount} features but the network reads {Network.InputWidth}")
                : Fin<Matrix<double>>.Succ(schema.Standardization.Match(s => s.Apply(x), () => x)));

    /// <summary>
    /// Inputs and targets of <paramref name="table"/> as the network sees them: standardized
    /// features, and the targets as numbers (regression; standardized as in training when the
    /// model scales its targets) or one-hot by the stored classes.
    /// </summary>
    public Fin<Dataset> Data(CsvTable table, DataSchema schema) =>
        DataInTargetUnits(table, schema).Map(d => schema.TargetStandardization.Match(s => d with { Targets = s.Apply(d.Targets) }, () => d));

    /// <summary>
    /// Inputs and targets of <paramref name="table"/> with the targets in their own units: the
    /// standardized features and the targets as the file holds them (one-hot for classification),
    /// to compare with <see cref="Predict"/>.
    /// </summary>
    public Fin<Dataset> DataInTargetUnits(CsvTable table, DataSchema schema)
    {
        if (schema.Targets.IsEmpty) return new Conflict([Settings.TargetColumns], $"{Conflict.Literal(table.Source)}: no target column is named, and the model does not name one (set {{0}})");
        return from inputs in Inputs(table, schema)
               from targets in TabularData.Targets(table, schema)
               from data in Dataset.Create(inputs, targets).Bind(d => d.FitsNetwork(Network)).Within(table.Source)
               select data;
    }

    /// <summary>
    /// The model's predictions for <paramref name="inputs"/> (as <see cref="Inputs"/> gives them) in
    /// the targets' own units: the network's outputs, mapped back through the target
    /// standardization when the model has one. Products in <paramref name="compute"/>.
    /// </summary>
    public Matrix<double> Predict(Matrix<double> inputs, DataSchema schema, ComputeContext? compute = null) =>
        schema.InTargetUnits(Forward.Predict(Network, inputs, compute));

    /// <summary>
    /// <see cref="Predict"/> a batch of rows at a time, in row order (see
    /// <see cref="Forward.PredictInBatches"/>): the same numbers, for any number of rows in the
    /// memory of one batch's activations.
    /// </summary>
    public IEnumerable<Matrix<double>> PredictInBatches(Matrix<double> inputs, DataSchema schema, ComputeContext? compute = null) =>
        Forward.PredictInBatches(Network, inputs, compute).Select(schema.InTargetUnits);

    /// <summary>
    /// The model's loss and metrics on <paramref name="data"/> (from <see cref="DataInTargetUnits"/>)
    /// in the targets' own units: for a model with target scaling the mse is in squared target units.
    /// </summary>
    public Evaluation Evaluate(Dataset data, DataSchema schema, ComputeContext? compute = null) =>
        Evaluation.InTargetUnits(Network, Loss, data, schema.Task, schema.TargetStandardization, compute);
}
