using LanguageExt;

namespace Backprop.Functional;

/// <summary>Whether the targets are numbers to regress or classes to predict.</summary>
public enum TaskKind
{
    /// <summary>Numeric targets, one output per target column.</summary>
    Regression,

    /// <summary>One target column of class labels, one-hot encoded: one output per class.</summary>
    Classification,
}

/// <summary>
/// What the columns of a data file mean to a model: feature and target column names, the
/// class names of a classification target (in output order), and the standardization of the
/// features (and, for regression, of the targets) fitted on the training rows. Saved with every
/// state so prediction needs nothing else.
/// </summary>
public sealed record DataSchema(Arr<string> Features, Arr<string> Targets, TaskKind Task, Arr<string> Classes, Option<Standardization> Standardization)
{
    /// <summary>
    /// The regression targets' standardization (none: the network is trained on the targets as
    /// they are). With one, the network learns and outputs standardized targets, and its outputs
    /// are mapped back (<see cref="Functional.Standardization.Invert"/>) into the targets' own units.
    /// </summary>
    public Option<Standardization> TargetStandardization { get; init; }

    /// <summary>The network's outputs in the targets' own units: inverted through <see cref="TargetStandardization"/> when there is one.</summary>
    public MathNet.Numerics.LinearAlgebra.Matrix<double> InTargetUnits(MathNet.Numerics.LinearAlgebra.Matrix<double> outputs) =>
        TargetStandardization.Match(s => s.Invert(outputs), () => outputs);

    /// <summary>How many outputs the network needs.</summary>
    public int OutputWidth => Task == TaskKind.Classification ? Classes.Count : Targets.Count;
}
