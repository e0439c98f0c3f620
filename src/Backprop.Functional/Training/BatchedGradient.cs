using Backprop.Functional.Numerics;

namespace Backprop.Functional;

/// <summary>
/// The gradient of the mean loss over every row, computed a batch of rows at a time in buffers
/// reused from batch to batch, with the bits of one forward and backward pass over all of them
/// (<see cref="Backward.Run"/> on <see cref="Forward.Run"/>). Everything but two sums looks at one
/// row alone: the forward pass, the loss's dL/dz (divided by every row's count, not the batch's),
/// dh = δ·W and the activations' chain rule (their fast forms, which the fused step holds to the
/// same bits). The two sums run over the rows in order from +0.0: dW = δᵀ·X, whose every element
/// the product computes as one fused multiply-add chain over the rows, is carried on from batch
/// to batch with the same fused multiply-adds (<see cref="ReferenceGemm"/>, the product's
/// executable spec); db, the column sums of δ, with the same additions.
/// </summary>
internal static class BatchedGradient
{
    /// <summary>The gradient, or null for a loss or activation of a user's own (whose dL/dz over a part of the rows it does not know).</summary>
    public static Gradients? Of(Network network, Loss loss, Dataset data, ComputeContext? compute, int rowsPerPass)
    {
        if (loss is not (MeanSquaredError or CrossEntropy or BinaryCrossEntropy) || data.Rows == 0) return null;
        if (data.Inputs.ColumnCount != network.InputWidth || data.Targets.ColumnCount != network.OutputWidth || data.Targets.RowCount != data.Rows) return null;
        var (rows, outputs, last) = (data.Rows, network.OutputWidth, network.Layers.Count - 1);
        var batch = Math.Min(rowsPerPass, rows);
        using var forward = BatchedForward.For(network, batch, compute, keepTrace: true);
        if (forward is null) return null;
        var layers = network.Layers;
        var weights = layers.Map(l => new double[l.OutputWidth * l.InputWidth]).ToArray();
        var biases = layers.Map(l => new double[l.OutputWidth]).ToArray();
        var widest = layers.Max(l => l.OutputWidth);
        var (delta, below) = (new double[batch * widest], new double[batch * widest]);
        var targets = new double[batch * outputs];
        var (inputs, allTargets) = (Dense.Data(data.Inputs), Dense.Data(data.Targets));
        // mse's dL/dh and binary cross-entropy's dL/dz are divided by every element's count, cross-entropy's by every row's.
        var n = loss is CrossEntropy ? rows : rows * outputs;
        for (var start = 0; start < rows; start += batch)
        {
            var count = Math.Min(batch, rows - start);
            forward.Run(data.Inputs, start, count);
            for (var c = 0; c < outputs; c++) allTargets.AsSpan(c * rows + start, count).CopyTo(targets.AsSpan(c * count, count));
            var d = delta.AsSpan(0, count * outputs);
            Loss.DifferenceOver(n, forward.Activation, new ColumnMajor(targets.AsSpan(0, count * outputs), count), new WritableColumnMajor(d, count));
            // mse's (h − y)/N is dL/dh, taken through the output activation; the fused losses' is dL/dz itself.
            if (loss is MeanSquaredError) forward.Kernel(last).Backpropagate(forward.PreActivationOf(last), forward.ActivationOf(last), d, count, outputs);
            for (var i = last; i >= 0; i--)
            {
                var (units, width) = (layers[i].OutputWidth, layers[i].InputWidth);
                if (i == 0) AddProducts(delta, count, units, inputs, start, rows, width, weights[i]);
                else AddProducts(delta, count, units, forward.ActivationArray(i - 1), 0, count, width, weights[i]);
                AddColumnSums(delta, count, biases[i]);
                if (i == 0) break;
                var dh = below.AsSpan(0, count * width);
                MatrixProduct.Compute(MatrixView.ColumnMajor(delta, count, units), MatrixView.ColumnMajor(Dense.Data(layers[i].Weight), units, width), dh, forward.Products);
                forward.Kernel(i - 1).Backpropagate(forward.PreActivationOf(i - 1), forward.ActivationOf(i - 1), dh, count, width);
                (delta, below) = (below, delta);
            }
        }
        return new Gradients(layers.Map((i, l) => new LayerGradients(Dense.Matrix(l.OutputWidth, l.InputWidth, weights[i]), Dense.Vector(biases[i]))).ToArr());
    }

    /// <summary>
    /// dW[j, i] carried on over the batch's <paramref name="count"/> rows: acc = fma(δ[r, j], X[r, i], acc),
    /// r in order; X's column i starts at <paramref name="offset"/> + i·<paramref name="stride"/>.
    /// </summary>
    private static void AddProducts(double[] delta, int count, int units, double[] x, int offset, int stride, int inputs, double[] weight)
    {
        for (var i = 0; i < inputs; i++)
        {
            var column = x.AsSpan(offset + i * stride, count);
            for (var j = 0; j < units; j++)
            {
                var d = delta.AsSpan(j * count, count);
                var acc = weight[i * units + j];
                for (var r = 0; r < count; r++) acc = Math.FusedMultiplyAdd(d[r], column[r], acc);
                weight[i * units + j] = acc;
            }
        }
    }

    /// <summary>db[j] carried on over the batch's rows, in order.</summary>
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
