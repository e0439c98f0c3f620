using Backprop.Functional.Numerics;
using LanguageExt;
using LanguageExt.Common;
using MathNet.Numerics.LinearAlgebra;

namespace Backprop.Functional;

/// <summary>Inputs X [samples, features] and targets Y [samples, outputs], row by row.</summary>
public sealed record Dataset(Matrix<double> Inputs, Matrix<double> Targets)
{
    /// <summary>How many samples (rows).</summary>
    public int Rows => Inputs.RowCount;

    /// <summary>Checks that X and Y have the same number of rows and at least one.</summary>
    public static Fin<Dataset> Create(Matrix<double> inputs, Matrix<double> targets) =>
        inputs.RowCount != targets.RowCount
            ? Error.New($"inputs have {inputs.RowCount} rows but targets have {targets.RowCount}")
            : inputs.RowCount == 0
                ? Error.New("the data set has no rows")
                : new Dataset(inputs, targets);

    /// <summary>A single sample as a batch of one: the seed notebook's x and y.</summary>
    public static Dataset OneSample(double[] x, double[] y) =>
        new(Dense.Matrix(1, x.Length, (double[])x.Clone()), Dense.Matrix(1, y.Length, (double[])y.Clone()));

    /// <summary>The rows at <paramref name="indices"/>, in that order, as a new data set.</summary>
    public Dataset Select(ReadOnlySpan<int> indices) => new(Gather(Inputs, indices), Gather(Targets, indices));

    /// <summary>Checks that a network can read these inputs and produce these targets.</summary>
    public Fin<Dataset> FitsNetwork(Network network) =>
        Inputs.ColumnCount != network.InputWidth
            ? Error.New($"the data has {Inputs.ColumnCount} feature columns but the network reads {network.InputWidth}")
            : Targets.ColumnCount != network.OutputWidth
                ? Error.New($"the data has {Targets.ColumnCount} target columns but the network writes {network.OutputWidth}")
                : this;

    private static Matrix<double> Gather(Matrix<double> source, ReadOnlySpan<int> indices)
    {
        var (rows, columns) = (source.RowCount, source.ColumnCount);
        var data = Dense.Data(source);
        var result = new double[indices.Length * columns];
        for (var c = 0; c < columns; c++)
        {
            var from = data.AsSpan(c * rows, rows);
            var to = result.AsSpan(c * indices.Length, indices.Length);
            for (var r = 0; r < indices.Length; r++) to[r] = from[indices[r]];
        }
        return Dense.Matrix(indices.Length, columns, result);
    }
}
