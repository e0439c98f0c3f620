using Backprop.Functional.Numerics;
using MathNet.Numerics.LinearAlgebra;

namespace Backprop.Functional;

/// <summary>
/// The gradient of the mean loss over every row, computed a batch of rows at a time, with the
/// bits of one forward and backward pass over all of them (<see cref="Backward.Run"/> on
/// <see cref="Forward.Run"/>). Everything but two sums looks at one row alone: the forward pass,
/// the loss's dL/dz (divided by every row's count, not the batch's), dh = δ·W and the activations'
/// chain rule. The two sums run over the rows in order from +0.0: dW = δᵀ·X, whose every element
/// the product computes as one fused multiply-add chain over the rows, is carried on from batch to
/// batch with the same fused multiply-adds (<see cref="ReferenceGemm"/>, the product's executable
/// spec); db, the column sums of δ, with the same additions.
/// </summary>
internal static class BatchedGradient
{
    /// <summary>The gradient, or null for a loss whose dL/dz over a part of the rows it does not know (a user's own).</summary>
    public static Gradients? Of(Network network, Loss loss, Dataset data, ComputeContext? compute, int rowsPerPass)
    {
        if (loss is not (MeanSquaredError or CrossEntropy or BinaryCrossEntropy) || data.Rows == 0) return null;
        if (data.Inputs.ColumnCount != network.InputWidth || data.Targets.ColumnCount != network.OutputWidth || data.Targets.RowCount != data.Rows) return null;
        var layers = network.Layers;
        var weights = layers.Map(l => new double[l.OutputWidth * l.InputWidth]).ToArray();
        var biases = layers.Map(l => new double[l.OutputWidth]).ToArray();
        var (rows, outputs) = (data.Rows, network.OutputWidth);
        var batch = Math.Min(rowsPerPass, rows);
        for (var start = 0; start < rows; start += batch)
        {
            var count = Math.Min(batch, rows - start);
            var inputs = data.Inputs.SubMatrix(start, count, 0, data.Inputs.ColumnCount);
            var targets = data.Targets.SubMatrix(start, count, 0, outputs);
            var trace = Forward.Run(network, inputs, compute);
            var delta = OutputDelta(loss, trace.OutputLayer, layers[^1].Activation, targets, rows);
            for (var i = layers.Count - 1; i >= 0; i--)
            {
                AddProducts(Dense.Data(delta), Dense.Data(trace.InputOf(i)), count, weights[i]);
                AddColumnSums(Dense.Data(delta), count, biases[i]);
                if (i == 0) break;
                var below = trace.Layers[i - 1];
                var dh = MatrixProduct.Multiply(delta, layers[i].Weight, compute);
                delta = layers[i - 1].Activation.Backpropagate(below.PreActivation, below.Activation, dh);
            }
        }
        return new Gradients(layers.Map((i, l) => new LayerGradients(Dense.Matrix(l.OutputWidth, l.InputWidth, weights[i]), Dense.Vector(biases[i]))).ToArr());
    }

    /// <summary>dL/dz of the output layer for a batch, as <see cref="Loss.OutputGradient"/> gives it for the same rows of all <paramref name="rows"/>.</summary>
    private static Matrix<double> OutputDelta(Loss loss, LayerTrace output, Activation activation, Matrix<double> targets, int rows)
    {
        var (count, columns) = (targets.RowCount, targets.ColumnCount);
        var difference = new double[count * columns];
        var n = loss is CrossEntropy ? rows : rows * columns;
        Loss.DifferenceOver(n, ColumnMajor.Of(output.Activation), ColumnMajor.Of(targets), new WritableColumnMajor(difference, count));
        var d = Dense.Matrix(count, columns, difference);
        // mse's (h − y)/N is dL/dh, taken through the output activation; the fused losses' is dL/dz itself.
        return loss is MeanSquaredError ? activation.Backpropagate(output.PreActivation, output.Activation, d) : d;
    }

    /// <summary>dW[j, i] carried on over this batch's rows: acc = fma(δ[r, j], X[r, i], acc), r in order.</summary>
    private static void AddProducts(double[] delta, double[] x, int count, double[] weight)
    {
        var units = weight.Length == 0 ? 0 : delta.Length / count;
        var inputs = units == 0 ? 0 : weight.Length / units;
        for (var i = 0; i < inputs; i++)
            for (var j = 0; j < units; j++)
            {
                var acc = weight[i * units + j];
                var d = delta.AsSpan(j * count, count);
                var column = x.AsSpan(i * count, count);
                for (var r = 0; r < count; r++) acc = Math.FusedMultiplyAdd(d[r], column[r], acc);
                weight[i * units + j] = acc;
            }
    }

    /// <summary>db[j] carried on over this batch's rows, in order.</summary>
    private static void AddColumnSums(double[] delta, int count, double[] bias)
    {
        for (var j = 0; j < bias.Length; j++)
        {
            var sum = bias[j];
            foreach (var value in delta.AsSpan(j * count, count)) sum += value;
            bias[j] = sum;
        }
    }
}
