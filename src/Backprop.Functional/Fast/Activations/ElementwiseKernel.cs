using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Backprop.Functional.Numerics;

namespace Backprop.Functional.Fast;

/// <summary>
/// The fast form of an <see cref="ElementwiseActivation{TFunction}"/>: its f and f′ run inside
/// loops written once over the vector width, <typeparamref name="TLanes"/> (and four lanes where
/// the rows leave fewer), every lane the bits of the four-lane reference.
/// </summary>
internal sealed class ElementwiseKernel<TFunction, TLanes>(bool readsPreActivation) : IActivationKernel
    where TFunction : struct, IElementwiseFunction
    where TLanes : struct, ILanes<TLanes>
{
    /// <inheritdoc/>
    public bool ReadsPreActivation => readsPreActivation;

    /// <inheritdoc/>
    public bool ColumnsIndependent => true;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void AddBiasAndApply(Span<double> z, ReadOnlySpan<double> bias, Span<double> h, int rows, bool keepPreActivation)
    {
        var length = rows * bias.Length;
        if (z.Length < length || h.Length < length) throw new ArgumentException($"z holds {z.Length} and h {h.Length} values, fewer than the batch's {length}");
        if (rows % TLanes.Count == 0) Columns<TLanes>(z, bias, h, rows, keepPreActivation);
        else if (rows % Lanes4.Count == 0) Columns<Lanes4>(z, bias, h, rows, keepPreActivation);
        else if (rows == 1) Row(z, bias, h, keepPreActivation);
        else
        {
            Elementwise.AddBias(z, bias, rows);
            Elementwise.Apply<TLanes, TFunction>(z[..length], h);
        }
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Backpropagate(ReadOnlySpan<double> z, ReadOnlySpan<double> h, Span<double> dh, int rows, int columns)
    {
        var length = rows * columns;
        Elementwise.ChainRule<TLanes, TFunction>(z[..length], h[..length], dh[..length], dh);
    }

    /// <summary>
    /// Rows a multiple of the vector's count: every vector lies in one column, so one broadcast
    /// bias serves the column, added once after the product as <see cref="Forward.PreActivation"/>
    /// adds it, and f runs while z + b is in registers.
    /// </summary>
    // Not inlined: its own inlining budget keeps the function (exp and its helpers) inlined.
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void Columns<TWidth>(Span<double> z, ReadOnlySpan<double> bias, Span<double> h, int rows, bool keepPreActivation)
        where TWidth : struct, ILanes<TWidth>
    {
        var count = TWidth.Count;
        ref var outputs = ref MemoryMarshal.GetReference(h);
        for (var j = 0; j < bias.Length; j++)
        {
            var b = (TWidth)bias[j];
            ref var column = ref MemoryMarshal.GetReference(z.Slice(j * rows, rows));
            ref var output = ref Unsafe.Add(ref outputs, j * rows);
            nint r = 0;
            // Two independent vectors per pass give the out-of-order core more to overlap.
            for (; r + 2 * count <= rows; r += 2 * count)
            {
                var first = TWidth.Load(ref column, r) + b;
                var second = TWidth.Load(ref column, r + count) + b;
                if (keepPreActivation)
                {
                    TWidth.Store(first, ref column, r);
                    TWidth.Store(second, ref column, r + count);
                }
                TWidth.Store(TFunction.Value(first), ref output, r);
                TWidth.Store(TFunction.Value(second), ref output, r + count);
            }
            for (; r < rows; r += count)
            {
                var sum = TWidth.Load(ref column, r) + b;
                if (keepPreActivation) TWidth.Store(sum, ref column, r);
                TWidth.Store(TFunction.Value(sum), ref output, r);
            }
        }
    }

    /// <summary>A batch of one: z and the bias are both contiguous rows, so they add vector by vector.</summary>
    // Not inlined: its own inlining budget keeps the function inlined.
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void Row(Span<double> z, ReadOnlySpan<double> bias, Span<double> h, bool keepPreActivation)
    {
        var length = bias.Length;
        var whole = length & ~(Lanes4.Count - 1);
        ref var zs = ref MemoryMarshal.GetReference(z);
        ref var bs = ref MemoryMarshal.GetReference(bias);
        ref var hs = ref MemoryMarshal.GetReference(h);
        nint i = 0;
        for (; i + TLanes.Count <= whole; i += TLanes.Count)
        {
            var sum = TLanes.Load(ref zs, i) + TLanes.Load(ref bs, i);
            if (keepPreActivation) TLanes.Store(sum, ref zs, i);
            TLanes.Store(TFunction.Value(sum), ref hs, i);
        }
        // What is left of the whole vectors is less than one of TLanes: four lanes at a time.
        for (; TLanes.Count > Lanes4.Count && i < whole; i += Lanes4.Count)
        {
            var sum = Lanes4.Load(ref zs, i) + Lanes4.Load(ref bs, i);
            if (keepPreActivation) Lanes4.Store(sum, ref zs, i);
            Lanes4.Store(TFunction.Value(sum), ref hs, i);
        }
        if (whole == length) return;
        for (var k = whole; k < length; k++) z[k] += bias[k];
        Elementwise.Apply<Lanes4, TFunction>(z[whole..length], h[whole..length]);
    }
}
