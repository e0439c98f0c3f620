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

    // Each layer's z and h. Without the whole trace a hidden layer's z + b becomes its h in place
    // (nothing reads its z again: one array for both); the output layer always keeps both.
    private readonly double[][] z;
    private readonly double[][] h;
    private readonly bool keepTrace;
    private int rows;

    private BatchedForward(Network network, IActivationKernel[] kernels, int capacity, ComputeContext? compute, bool keepTrace)
    {
        (this.network, this.kernels, this.compute, this.keepTrace, Capacity) = (network, kernels, compute, keepTrace, capacity);
        scratch = compute?.Borrow() ?? ComputeContext.Fresh();
        var layers = network.Layers;
        (z, h) = (new double[layers.Count][], new double[layers.Count][]);
        for (var i = 0; i < layers.Count; i++)
        {
            z[i] = GC.AllocateUninitializedArray<double>(capacity * layers[i].OutputWidth);
            h[i] = keepTrace || i == layers.Count - 1 ? GC.AllocateUninitializedArray<double>(capacity * layers[i].OutputWidth) : z[i];
        }
    }

    /// <summary>
    /// A pass for batches of up to <paramref name="capacity"/> rows, its products in
    /// <paramref name="compute"/>'s threads and buffers (held until <see cref="Dispose"/>); with
    /// <paramref name="keepTrace"/>, every layer's z and h kept (else the output layer's alone). Null
    /// when an activation has no fast form (a user's own subclass), whose caller runs <see cref="Forward.Run"/> instead.
    /// </summary>
    public static BatchedForward? For(Network network, int capacity, ComputeContext? compute, bool keepTrace = false)
    {
        var kernels = new IActivationKernel[network.Layers.Count];
        for (var i = 0; i < kernels.Length; i++)
            if (ActivationKernels.For(network.Layers[i].Activation) is { } kernel) kernels[i] = kernel;
            else return null;
        return new BatchedForward(network, kernels, capacity, compute, keepTrace);
    }

    /// <summary>The most rows one batch may have.</summary>
    public int Capacity { get; }

    /// <summary>The output layer's z for the last batch run.</summary>
    public ColumnMajor PreActivation => new(PreActivationOf(network.Layers.Count - 1), rows);

    /// <summary>The output layer's h for the last batch run.</summary>
    public ColumnMajor Activation => new(Outputs, rows);

    /// <summary>The output layer's h for the last batch run, in column-major storage.</summary>
    public ReadOnlySpan<double> Outputs => ActivationOf(network.Layers.Count - 1);

    /// <summary>Layer <paramref name="layer"/>'s z for the last batch run (a hidden layer's only with the whole trace kept).</summary>
    public Span<double> PreActivationOf(int layer) => z[layer].AsSpan(0, rows * network.Layers[layer].OutputWidth);

    /// <summary>Layer <paramref name="layer"/>'s h for the last batch run.</summary>
    public Span<double> ActivationOf(int layer) => h[layer].AsSpan(0, rows * network.Layers[layer].OutputWidth);

    /// <summary>Layer <paramref name="layer"/>'s h, its array (column-major, the last batch's rows).</summary>
    public double[] ActivationArray(int layer) => h[layer];

    /// <summary>Layer <paramref name="layer"/>'s activation kernel.</summary>
    public IActivationKernel Kernel(int layer) => kernels[layer];

    /// <summary>The products' threads and buffers, held for this pass.</summary>
    public Numerics.Gemm.GemmWorkers Products => scratch.Products;

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
            var pre = z[i].AsSpan(0, length);
            MatrixProduct.Compute(x, MatrixView.ColumnMajor(Dense.Data(layer.Weight), layer.OutputWidth, layer.InputWidth).Transposed, pre, scratch.Products);
            kernels[i].AddBiasAndApply(pre, Dense.Data(layer.Bias), h[i].AsSpan(0, length), count, keepPreActivation: keepTrace || i == last);
            x = MatrixView.ColumnMajor(h[i], count, layer.OutputWidth);
        }
    }

    /// <summary>Gives the products' threads and buffers back to the context.</summary>
    public void Dispose() => compute?.Return(scratch);
}
