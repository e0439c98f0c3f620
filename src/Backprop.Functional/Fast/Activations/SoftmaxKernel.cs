using System.Runtime.CompilerServices;
using Backprop.Functional.Numerics;

namespace Backprop.Functional.Fast;

/// <summary>
/// <see cref="Softmax"/>'s fast form: the bias added in place, then <see cref="Softmax.OfRows"/>
/// and <see cref="Softmax.Chain"/> on the step's own buffers (its backward pass in place).
/// </summary>
internal sealed class SoftmaxKernel : IActivationKernel
{
    /// <inheritdoc/>
    public bool ReadsPreActivation => false;

    /// <inheritdoc/>
    public bool ColumnsIndependent => false;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void AddBiasAndApply(Span<double> z, ReadOnlySpan<double> bias, Span<double> h, int rows, bool keepPreActivation)
    {
        var length = rows * bias.Length;
        Elementwise.AddBias(z, bias, rows);
        Softmax.OfRows(new ColumnMajor(z[..length], rows), new WritableColumnMajor(h[..length], rows));
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Backpropagate(ReadOnlySpan<double> z, ReadOnlySpan<double> h, Span<double> dh, int rows, int columns)
    {
        var length = rows * columns;
        Softmax.Chain(new ColumnMajor(h[..length], rows), new ColumnMajor(dh[..length], rows), new WritableColumnMajor(dh[..length], rows));
    }
}
