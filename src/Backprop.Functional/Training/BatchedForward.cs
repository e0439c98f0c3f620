using Backprop.Functional.Fast;
using Backprop.Functional.Numerics;
using MathNet.Numerics.LinearAlgebra;

namespace Backprop.Functional;

/// <summary>
/// The forward pass over a data set's rows a batch at a time, into buffers sized for one batch
/// and reused by the next, so that a pass over a million rows holds one batch's activations, not
/// a million rows' (evaluation reads only the output layer). Every element gets the bits
/// <see cref="Forward.Run"/> gives it over all the rows at once: a product's element is one fma
/// chain over its own row of X, the bias one addition, an elementwise activation lane by lane
/// and softmax row by row, none of which looks at another row.
/// </summary>
internal sealed class BatchedForward : IDisposable
{
    private readonly Network network;
    private readonly IActivationKernel[] kernels;
    private readonly ComputeContext? compute;
    private readonly ComputeContext.Scratch scratch;

    // A hidden layer's z + b becomes its h in place (nothing reads its z again); the output layer keeps both.
    private readonly double[][] hidden;
    private readonly double[] outputZ;
    private readonly double[] outputH;
    private int rows;

    private BatchedForward(Network network, IActivationKernel[] kernels, int capacity, ComputeContext? compute)
    {
        (this.network, this.kernels, this.compute, Capacity) = (network, kernels, compute, capacity);
        scratch = compute?.Borrow() ?? ComputeContext.Fresh();
        var layers = network.Layers;
        hidden = new double[layers.Count - 1][];
        for (var i = 0; i + 1 < layers.Count; i++) hidden[i] = GC.AllocateUninitializedArray<double>(capacity * layers[i].OutputWidth);
        outputZ = GC.AllocateUninitializedArray<double>(capacity * network.OutputWidth);
        outputH = GC.AllocateUninitializedArray<double>(capacity * network.OutputWidth);
    }

    /// <summary>
    /// A pass for batches of up to <paramref name="capacity"/> rows, its products in
    /// <paramref name="compute"/>'s threads and buffers (held until <see cref="Dispose"/>); null
    /// when an activation has no fast form (a user's own subclass), whose caller runs <see cref="Forward.Run"/> instead.
    /// </summary>
    public static BatchedForward? For(Network network, int capacity, ComputeContext? compute)
    {
        var kernels = new IActivationKernel[network.Layers.Count];
        for (var i = 0; i < kernels.Length; i++)
            if (ActivationKernels.For(network.Layers[i].Activation) is { } kernel) kernels[i] = kernel;
            else return null;
        return new BatchedForward(network, kernels, capacity, compute);
    }

    /// <summary>The most rows one batch may have.</summary>
    public int Capacity { get; }

    /// <summary>The output layer's z for the last batch run.</summary>
    public ColumnMajor PreActivation => new(outputZ.AsSpan(0, rows * network.OutputWidth), rows);

    /// <summary>The output layer's h for the last batch run.</summary>
    public ColumnMajor Activation => new(Outputs, rows);

    /// <summary>The output layer's h for the last batch run, in column-major storage.</summary>
    public ReadOnlySpan<double> Outputs => outputH.AsSpan(0, rows * network.OutputWidth);

    /// <summary>Runs rows [<paramref name="start"/>, <paramref name="start"/> + <paramref name="count"/>) of <paramref name="inputs"/>.</summary>
    public void Run(Matrix<double> inputs, int start, int count)
    {
        if (count < 1 || count > Capacity) throw new ArgumentOutOfRangeException(nameof(count), $"{count} rows for a pass of at most {Capacity}");
        if (inputs.ColumnCount != network.InputWidth)
            throw new ArgumentException($"inputs have {inputs.ColumnCount} columns but the network reads {network.InputWidth}");
        rows = count;
        // The batch's rows seen in place: column j of the batch starts at row start of column j.
        var x = new MatrixView(Dense.Data(inputs), start, count, inputs.ColumnCount, 1, inputs.RowCount);
        var last = network.Layers.Count - 1;
        for (var i = 0; i <= last; i++)
        {
            var layer = network.Layers[i];
            var length = count * layer.OutputWidth;
            var z = (i == last ? outputZ : hidden[i]).AsSpan(0, length);
            var h = i == last ? outputH.AsSpan(0, length) : z;
            MatrixProduct.Compute(x, MatrixView.ColumnMajor(Dense.Data(layer.Weight), layer.OutputWidth, layer.InputWidth).Transposed, z, scratch.Products);
            kernels[i].AddBiasAndApply(z, Dense.Data(layer.Bias), h, count, keepPreActivation: i == last);
            if (i < last) x = MatrixView.ColumnMajor(hidden[i], count, layer.OutputWidth);
        }
    }

    /// <summary>Gives the products' threads and buffers back to the context.</summary>
    public void Dispose() => compute?.Return(scratch);
}
