using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Backprop.Functional.Numerics;

namespace Backprop.Functional.Fast;

/// <summary>
/// The fast form of an <see cref="ElementwiseActivation{TFunction}"/>: its f and f′ run inside
/// loops written once over the vector width, eight lanes where the machine has them and four
/// elsewhere, every lane the bits of the four-lane reference.
/// </summary>
internal sealed class ElementwiseKernel<TFunction>(bool readsPreActivation) : IActivationKernel
    where TFunction : struct, IElementwiseFunction
{
    /// <inheritdoc/>
    public bool ReadsPreActivation => readsPreActivation;

    /// <inheritdoc/>
    public void AddBiasAndApply(Span<double> z, ReadOnlySpan<double> bias, Span<double> h, int rows, bool keepPreActivation)
    {
        if (Lanes8.IsHardwareAccelerated) AddBiasAndApply<Lanes8>(z, bias, h, rows, keepPreActivation);
        else AddBiasAndApply<Lanes4>(z, bias, h, rows, keepPreActivation);
    }

    /// <inheritdoc/>
    public void Backpropagate(ReadOnlySpan<double> z, ReadOnlySpan<double> h, Span<double> dh, int rows, int columns)
    {
        if (Lanes8.IsHardwareAccelerated) Backpropagate<Lanes8>(z, h, dh, rows, columns);
        else Backpropagate<Lanes4>(z, h, dh, rows, columns);
    }

    /// <summary><see cref="AddBiasAndApply(Span{double}, ReadOnlySpan{double}, Span{double}, int, bool)"/> on vectors of <typeparamref name="TLanes"/> (and four lanes where the rows leave fewer).</summary>
    public static void AddBiasAndApply<TLanes>(Span<double> z, ReadOnlySpan<double> bias, Span<double> h, int rows, bool keepPreActivation)
        where TLanes : struct, IVectorLanes<TLanes>
    {
        var length = rows * bias.Length;
        if (z.Length < length || h.Length < length) throw new ArgumentException("span lengths differ");
        if (rows % TLanes.Count == 0) Columns<TLanes>(z, bias, h, rows, keepPreActivation);
        else if (rows % Lanes4.Count == 0) Columns<Lanes4>(z, bias, h, rows, keepPreActivation);
        else if (rows == 1) Row<TLanes>(z, bias, h, keepPreActivation);
        else
        {
            Elementwise.AddBias(z, bias, rows);
            Elementwise.Apply<TLanes, TFunction>(z[..length], h);
        }
    }

    /// <summary><see cref="Backpropagate(ReadOnlySpan{double}, ReadOnlySpan{double}, Span{double}, int, int)"/> on vectors of <typeparamref name="TLanes"/>.</summary>
    public static void Backpropagate<TLanes>(ReadOnlySpan<double> z, ReadOnlySpan<double> h, Span<double> dh, int rows, int columns)
        where TLanes : struct, IVectorLanes<TLanes>
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
    private static void Columns<TLanes>(Span<double> z, ReadOnlySpan<double> bias, Span<double> h, int rows, bool keepPreActivation)
        where TLanes : struct, IVectorLanes<TLanes>
    {
        var count = (nuint)TLanes.Count;
        ref var outputs = ref MemoryMarshal.GetReference(h);
        for (var j = 0; j < bias.Length; j++)
        {
            var b = (TLanes)bias[j];
            ref var column = ref MemoryMarshal.GetReference(z.Slice(j * rows, rows));
            ref var output = ref Unsafe.Add(ref outputs, j * rows);
            nuint r = 0;
            // Two independent vectors per pass give the out-of-order core more to overlap.
            for (; r + 2 * count <= (nuint)rows; r += 2 * count)
            {
                var first = TLanes.Load(ref column, r) + b;
                var second = TLanes.Load(ref column, r + count) + b;
                if (keepPreActivation)
                {
                    TLanes.Store(first, ref column, r);
                    TLanes.Store(second, ref column, r + count);
                }
                TLanes.Store(TFunction.Value(first), ref output, r);
                TLanes.Store(TFunction.Value(second), ref output, r + count);
            }
            for (; r < (nuint)rows; r += count)
            {
                var sum = TLanes.Load(ref column, r) + b;
                if (keepPreActivation) TLanes.Store(sum, ref column, r);
                TLanes.Store(TFunction.Value(sum), ref output, r);
            }
        }
    }

    /// <summary>A batch of one: z and the bias are both contiguous rows, so they add vector by vector.</summary>
    // Not inlined: its own inlining budget keeps the function inlined.
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void Row<TLanes>(Span<double> z, ReadOnlySpan<double> bias, Span<double> h, bool keepPreActivation)
        where TLanes : struct, IVectorLanes<TLanes>
    {
        var length = bias.Length;
        var whole = length & ~(Lanes4.Count - 1);
        ref var zs = ref MemoryMarshal.GetReference(z);
        ref var bs = ref MemoryMarshal.GetReference(bias);
        ref var hs = ref MemoryMarshal.GetReference(h);
        nuint i = 0;
        for (; i + (nuint)TLanes.Count <= (nuint)whole; i += (nuint)TLanes.Count)
        {
            var sum = TLanes.Load(ref zs, i) + TLanes.Load(ref bs, i);
            if (keepPreActivation) TLanes.Store(sum, ref zs, i);
            TLanes.Store(TFunction.Value(sum), ref hs, i);
        }
        // What is left of the whole vectors is less than one of TLanes: four lanes at a time.
        for (; TLanes.Count > Lanes4.Count && i < (nuint)whole; i += (nuint)Lanes4.Count)
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
