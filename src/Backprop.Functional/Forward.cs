using Backprop.Functional.Numerics;
using LanguageExt;
using MathNet.Numerics.LinearAlgebra;

namespace Backprop.Functional;

/// <summary>The forward pass: (network, X) → trace. Pure: it only allocates new matrices.</summary>
public static class Forward
{
    /// <summary>
    /// Runs every layer on <paramref name="inputs"/> [samples, features] and keeps z and h of
    /// each; the products run in <paramref name="compute"/> (without one, on the calling thread),
    /// with the same bits either way.
    /// </summary>
    public static ForwardTrace Run(Network network, Matrix<double> inputs, ComputeContext? compute = null)
    {
        if (inputs.ColumnCount != network.InputWidth)
            throw new ArgumentException($"inputs have {inputs.ColumnCount} columns but the network reads {network.InputWidth}");
        var traces = new LayerTrace[network.Layers.Count];
        var x = inputs;
        for (var i = 0; i < traces.Length; i++)
        {
            var layer = network.Layers[i];
            var z = PreActivation(layer, x, compute);
            traces[i] = new LayerTrace(z, layer.Activation.Apply(z));
            x = traces[i].Activation;
        }
        return new ForwardTrace(inputs, new Arr<LayerTrace>(traces));
    }

    /// <summary>The network's predictions for <paramref name="inputs"/>, its products in <paramref name="compute"/> (without one, on the calling thread).</summary>
    public static Matrix<double> Predict(Network network, Matrix<double> inputs, ComputeContext? compute = null) => Run(network, inputs, compute).Output;

    /// <summary>
    /// The network's predictions for <paramref name="inputs"/> a batch of rows at a time, in row
    /// order: <paramref name="rowsPerPass"/> rows per forward pass (default
    /// <see cref="Evaluation.RowsPerPass"/>), each batch's buffers reused by the next, so that
    /// predicting for many rows holds one batch's activations. Together the batches are
    /// <see cref="Predict"/>'s bits. Products in <paramref name="compute"/> (without one, on the calling thread).
    /// </summary>
    public static IEnumerable<Matrix<double>> PredictInBatches(Network network, Matrix<double> inputs, ComputeContext? compute = null, int? rowsPerPass = null)
    {
        if (rowsPerPass < 1) throw new ArgumentOutOfRangeException(nameof(rowsPerPass), $"{rowsPerPass} rows per pass: at least 1");
        if (inputs.ColumnCount != network.InputWidth)
            throw new ArgumentException($"inputs have {inputs.ColumnCount} columns but the network reads {network.InputWidth}");
        return Batches(network, inputs, compute, Math.Max(1, Math.Min(rowsPerPass ?? Evaluation.RowsPerPass(network), inputs.RowCount)));
    }

    private static IEnumerable<Matrix<double>> Batches(Network network, Matrix<double> inputs, ComputeContext? compute, int batch)
    {
        using var forward = BatchedForward.For(network, batch, compute);
        for (var start = 0; start < inputs.RowCount; start += batch)
        {
            var rows = Math.Min(batch, inputs.RowCount - start);
            if (forward is null)
            {
                // An activation without a fast form (a user's own): the reference pass on a copy of the rows.
                yield return Predict(network, inputs.SubMatrix(start, rows, 0, inputs.ColumnCount), compute);
                continue;
            }
            forward.Run(inputs, start, rows);
            yield return Dense.Matrix(rows, network.OutputWidth, forward.Outputs.ToArray());
        }
    }

    /// <summary>z = X·Wᵀ + b: one fma chain per element over the inputs (in <paramref name="compute"/>, without one on the calling thread), then the bias added once.</summary>
    public static Matrix<double> PreActivation(Layer layer, Matrix<double> x, ComputeContext? compute = null)
    {
        var (rows, outputs) = (x.RowCount, layer.OutputWidth);
        // Every element is written by the product below; no need to zero it first.
        var z = GC.AllocateUninitializedArray<double>(rows * outputs);
        MatrixProduct.Compute(
            MatrixView.ColumnMajor(Dense.Data(x), rows, x.ColumnCount),
            MatrixView.ColumnMajor(Dense.Data(layer.Weight), outputs, layer.InputWidth).Transposed,
            z,
            compute);
        Elementwise.AddBias(z, Dense.Data(layer.Bias), rows);
        return Dense.Matrix(rows, outputs, z);
    }
}
