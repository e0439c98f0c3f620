using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Backprop.Functional.Numerics;

/// <summary>
/// A function applied lane by lane; a struct so the JIT inlines it into the loop. Both widths
/// must give each lane the same bits (the same operations per lane).
/// </summary>
public interface ILaneFunction
{
    /// <summary>Applies the function to four lanes at once.</summary>
    static abstract Vector256<double> Apply(Vector256<double> x);

    /// <summary>Applies the function to eight lanes at once: each lane the bits <see cref="Apply(Vector256{double})"/> gives it.</summary>
    static abstract Vector512<double> Apply(Vector512<double> x);
}

/// <summary>A function of two lanes (e.g. an activation's derivative from z and h).</summary>
public interface ILaneFunction2
{
    /// <summary>Applies the function to four pairs of lanes at once.</summary>
    static abstract Vector256<double> Apply(Vector256<double> a, Vector256<double> b);
}

/// <summary>A function of three lanes (e.g. upstream gradient × derivative from z and h).</summary>
public interface ILaneFunction3
{
    /// <summary>Applies the function to four triples of lanes at once.</summary>
    static abstract Vector256<double> Apply(Vector256<double> a, Vector256<double> b, Vector256<double> c);
}

/// <summary>
/// Element-by-element loops over spans. Every element goes through the same lane operations,
/// tails included (padded lanes), so results never depend on the length, the alignment or the
/// machine's vector width: where a loop runs eight lanes on AVX-512 hardware, each lane does
/// exactly what a four-lane <see cref="Vector256{T}"/> would.
/// </summary>
public static class Elementwise
{
    /// <summary>destination[i] = F(source[i]).</summary>
    // Not inlined: its own inlining budget keeps the lane functions (exp and its helpers) inlined.
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static void Map<TFunction>(ReadOnlySpan<double> source, Span<double> destination)
        where TFunction : ILaneFunction
    {
        if (destination.Length < source.Length) throw new ArgumentException("destination is shorter than source");
        var whole = source.Length & ~3;
        ref var src = ref MemoryMarshal.GetReference(source);
        ref var dst = ref MemoryMarshal.GetReference(destination);
        for (var i = 0; i < whole; i += 4)
            TFunction.Apply(Vector256.LoadUnsafe(ref src, (nuint)i)).StoreUnsafe(ref dst, (nuint)i);
        if (whole == source.Length) return;
        Span<double> tail = stackalloc double[4];
        source[whole..].CopyTo(tail);
        TFunction.Apply(Vector256.Create<double>(tail)).CopyTo(tail);
        tail[..(source.Length - whole)].CopyTo(destination[whole..]);
    }

    /// <summary>destination[i] = F(a[i], b[i]).</summary>
    // Not inlined: its own inlining budget keeps the lane functions (exp and its helpers) inlined.
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static void Map<TFunction>(ReadOnlySpan<double> a, ReadOnlySpan<double> b, Span<double> destination)
        where TFunction : ILaneFunction2
    {
        if (a.Length != b.Length || destination.Length < a.Length) throw new ArgumentException("span lengths differ");
        var whole = a.Length & ~3;
        ref var ra = ref MemoryMarshal.GetReference(a);
        ref var rb = ref MemoryMarshal.GetReference(b);
        ref var dst = ref MemoryMarshal.GetReference(destination);
        for (var i = 0; i < whole; i += 4)
            TFunction.Apply(Vector256.LoadUnsafe(ref ra, (nuint)i), Vector256.LoadUnsafe(ref rb, (nuint)i)).StoreUnsafe(ref dst, (nuint)i);
        if (whole == a.Length) return;
        Span<double> ta = stackalloc double[4];
        Span<double> tb = stackalloc double[4];
        a[whole..].CopyTo(ta);
        b[whole..].CopyTo(tb);
        TFunction.Apply(Vector256.Create<double>(ta), Vector256.Create<double>(tb)).CopyTo(ta);
        ta[..(a.Length - whole)].CopyTo(destination[whole..]);
    }

    /// <summary>destination[i] = F(a[i], b[i], c[i]).</summary>
    // Not inlined: its own inlining budget keeps the lane functions (exp and its helpers) inlined.
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static void Map<TFunction>(ReadOnlySpan<double> a, ReadOnlySpan<double> b, ReadOnlySpan<double> c, Span<double> destination)
        where TFunction : ILaneFunction3
    {
        if (a.Length != b.Length || a.Length != c.Length || destination.Length < a.Length) throw new ArgumentException("span lengths differ");
        var whole = a.Length & ~3;
        ref var ra = ref MemoryMarshal.GetReference(a);
        ref var rb = ref MemoryMarshal.GetReference(b);
        ref var rc = ref MemoryMarshal.GetReference(c);
        ref var dst = ref MemoryMarshal.GetReference(destination);
        for (var i = 0; i < whole; i += 4)
        {
            TFunction.Apply(Vector256.LoadUnsafe(ref ra, (nuint)i), Vector256.LoadUnsafe(ref rb, (nuint)i), Vector256.LoadUnsafe(ref rc, (nuint)i))
                .StoreUnsafe(ref dst, (nuint)i);
        }
        if (whole == a.Length) return;
        Span<double> ta = stackalloc double[4];
        Span<double> tb = stackalloc double[4];
        Span<double> tc = stackalloc double[4];
        a[whole..].CopyTo(ta);
        b[whole..].CopyTo(tb);
        c[whole..].CopyTo(tc);
        TFunction.Apply(Vector256.Create<double>(ta), Vector256.Create<double>(tb), Vector256.Create<double>(tc)).CopyTo(ta);
        ta[..(a.Length - whole)].CopyTo(destination[whole..]);
    }

    /// <summary>
    /// z[r, j] += bias[j] on a column-major rows × bias.Length matrix, then h = F(z): the
    /// bias added once after the product, as <see cref="Forward.PreActivation"/> does, and the
    /// activation applied in the same pass while z is in registers. <paramref name="h"/> may
    /// be <paramref name="z"/> itself. Without <paramref name="keepPreActivation"/> z + b need
    /// not be written back (nothing reads it later), and when rows are a multiple of four or
    /// one, it is not.
    /// </summary>
    // Not inlined: its own inlining budget keeps the lane functions (exp and its helpers) inlined.
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static void AddBiasThenMap<TFunction>(Span<double> z, ReadOnlySpan<double> bias, Span<double> h, int rows, bool keepPreActivation = true)
        where TFunction : ILaneFunction
    {
        var length = rows * bias.Length;
        if (z.Length < length || h.Length < length) throw new ArgumentException("span lengths differ");
        ref var dst = ref MemoryMarshal.GetReference(h);
        if (rows % 8 == 0 && Vector512.IsHardwareAccelerated)
        {
            // Eight lanes where the machine has them: the same operations per lane, twice the lanes per instruction.
            for (var j = 0; j < bias.Length; j++)
            {
                var b = Vector512.Create(bias[j]);
                ref var column = ref MemoryMarshal.GetReference(z.Slice(j * rows, rows));
                ref var output = ref Unsafe.Add(ref dst, j * rows);
                for (nuint r = 0; r < (nuint)rows; r += 8)
                {
                    var sum = Vector512.LoadUnsafe(ref column, r) + b;
                    if (keepPreActivation) sum.StoreUnsafe(ref column, r);
                    TFunction.Apply(sum).StoreUnsafe(ref output, r);
                }
            }
            return;
        }
        if (rows % 4 == 0)
        {
            // Every group of four lanes lies in one column: one broadcast bias per column.
            for (var j = 0; j < bias.Length; j++)
            {
                var b = Vector256.Create(bias[j]);
                ref var column = ref MemoryMarshal.GetReference(z.Slice(j * rows, rows));
                ref var output = ref Unsafe.Add(ref dst, j * rows);
                nuint r = 0;
                // Two independent vectors per pass give the out-of-order core more to overlap.
                for (; r + 8 <= (nuint)rows; r += 8)
                {
                    var first = Vector256.LoadUnsafe(ref column, r) + b;
                    var second = Vector256.LoadUnsafe(ref column, r + 4) + b;
                    if (keepPreActivation)
                    {
                        first.StoreUnsafe(ref column, r);
                        second.StoreUnsafe(ref column, r + 4);
                    }
                    TFunction.Apply(first).StoreUnsafe(ref output, r);
                    TFunction.Apply(second).StoreUnsafe(ref output, r + 4);
                }
                for (; r < (nuint)rows; r += 4)
                {
                    var sum = Vector256.LoadUnsafe(ref column, r) + b;
                    if (keepPreActivation) sum.StoreUnsafe(ref column, r);
                    TFunction.Apply(sum).StoreUnsafe(ref output, r);
                }
            }
            return;
        }
        if (rows == 1)
        {
            // A batch of one: z and the bias are both contiguous rows.
            var whole = length & ~3;
            ref var zs = ref MemoryMarshal.GetReference(z);
            ref var bs = ref MemoryMarshal.GetReference(bias);
            nuint i = 0;
            if (Vector512.IsHardwareAccelerated)
            {
                for (; i + 8 <= (nuint)whole; i += 8)
                {
                    var sum = Vector512.LoadUnsafe(ref zs, i) + Vector512.LoadUnsafe(ref bs, i);
                    if (keepPreActivation) sum.StoreUnsafe(ref zs, i);
                    TFunction.Apply(sum).StoreUnsafe(ref dst, i);
                }
            }
            for (; i < (nuint)whole; i += 4)
            {
                var sum = Vector256.LoadUnsafe(ref zs, i) + Vector256.LoadUnsafe(ref bs, i);
                if (keepPreActivation) sum.StoreUnsafe(ref zs, i);
                TFunction.Apply(sum).StoreUnsafe(ref dst, i);
            }
            for (var k = whole; k < length; k++) z[k] += bias[k];
            if (whole < length) Map<TFunction>(z[whole..length], h[whole..length]);
            return;
        }
        AddBias(z, bias, rows);
        Map<TFunction>(z[..length], h);
    }

    /// <summary>z[r, j] += bias[j] on a column-major rows × bias.Length matrix (each element one addition).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void AddBias(Span<double> z, ReadOnlySpan<double> bias, int rows)
    {
        for (var j = 0; j < bias.Length; j++)
        {
            var column = z.Slice(j * rows, rows);
            var r = 0;
            var b = Vector256.Create(bias[j]);
            for (; r + 4 <= column.Length; r += 4)
                (Vector256.Create<double>(column[r..]) + b).CopyTo(column[r..]);
            for (; r < column.Length; r++) column[r] += bias[j];
        }
    }

    /// <summary>
    /// sums[j] = Σ_r m[r, j] of a column-major rows × sums.Length matrix, each column added in
    /// row order from +0.0. Four columns run side by side (independent chains, vector lanes when
    /// the rows come in fours), never mixed.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ColumnSums(ReadOnlySpan<double> m, int rows, Span<double> sums)
    {
        var columns = sums.Length;
        if (m.Length < rows * columns) throw new ArgumentException("matrix is too small");
        ref var data = ref MemoryMarshal.GetReference(m);
        var j = 0;
        if (rows % 4 == 0 && Avx.IsSupported)
        {
            // Lanes hold four columns; 4×4 blocks transposed in registers feed each lane its
            // column's values one row after another, so every sum is still added in row order.
            for (; j + 4 <= columns; j += 4)
            {
                var sum = Vector256<double>.Zero;
                ref var c0 = ref Unsafe.Add(ref data, j * rows);
                ref var c1 = ref Unsafe.Add(ref c0, rows);
                ref var c2 = ref Unsafe.Add(ref c1, rows);
                ref var c3 = ref Unsafe.Add(ref c2, rows);
                for (nuint r = 0; r < (nuint)rows; r += 4)
                {
                    var r0 = Vector256.LoadUnsafe(ref c0, r);
                    var r1 = Vector256.LoadUnsafe(ref c1, r);
                    var r2 = Vector256.LoadUnsafe(ref c2, r);
                    var r3 = Vector256.LoadUnsafe(ref c3, r);
                    var t0 = Avx.UnpackLow(r0, r1);
                    var t1 = Avx.UnpackHigh(r0, r1);
                    var t2 = Avx.UnpackLow(r2, r3);
                    var t3 = Avx.UnpackHigh(r2, r3);
                    sum += Avx.Permute2x128(t0, t2, 0x20);
                    sum += Avx.Permute2x128(t1, t3, 0x20);
                    sum += Avx.Permute2x128(t0, t2, 0x31);
                    sum += Avx.Permute2x128(t1, t3, 0x31);
                }
                sum.CopyTo(sums[j..]);
            }
        }
        for (; j + 4 <= columns; j += 4)
        {
            double s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0;
            ref var c0 = ref Unsafe.Add(ref data, j * rows);
            ref var c1 = ref Unsafe.Add(ref c0, rows);
            ref var c2 = ref Unsafe.Add(ref c1, rows);
            ref var c3 = ref Unsafe.Add(ref c2, rows);
            for (nint r = 0; r < rows; r++)
            {
                s0 += Unsafe.Add(ref c0, r);
                s1 += Unsafe.Add(ref c1, r);
                s2 += Unsafe.Add(ref c2, r);
                s3 += Unsafe.Add(ref c3, r);
            }
            (sums[j], sums[j + 1], sums[j + 2], sums[j + 3]) = (s0, s1, s2, s3);
        }
        for (; j < columns; j++)
        {
            var sum = 0.0;
            foreach (var value in m.Slice(j * rows, rows)) sum += value;
            sums[j] = sum;
        }
    }

    /// <summary>Applies a lane function to one scalar, through the same code as the loops.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Scalar<TFunction>(double x) where TFunction : ILaneFunction =>
        TFunction.Apply(Vector256.Create(x)).GetElement(0);

    /// <summary>Applies a two-lane function to one pair of scalars.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Scalar<TFunction>(double a, double b) where TFunction : ILaneFunction2 =>
        TFunction.Apply(Vector256.Create(a), Vector256.Create(b)).GetElement(0);
}
