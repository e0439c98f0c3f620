using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Backprop.Functional.Numerics.Gemm;

namespace Backprop.Functional.Numerics;

/// <summary>
/// The kernel behind <see cref="MatrixProduct"/>: the same bits as <see cref="ReferenceGemm"/>,
/// fast. Vector lanes hold different output elements and threads take different output
/// strips; no element's own k chain is ever split or reordered, so the vector width
/// (AVX-512, AVX2, scalar) and the thread count never change a bit.
/// </summary>
internal static class GemmKernel
{
    /// <summary>
    /// Below this many multiply-adds (about 20 µs of work on one core) a product runs on the
    /// calling thread: handing parts to a helper, repacking A per strip and competing for a shared
    /// core cost more than they save (see benchmarks/README.md).
    /// </summary>
    internal const long ParallelThreshold = 1L << 20;

    /// <summary>
    /// a·b into the column-major <paramref name="c"/>, on the widest vectors the machine has and
    /// up to <see cref="GemmWorkers.Threads"/> of <paramref name="workers"/>' threads.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Compute(MatrixView a, MatrixView b, Span<double> c, GemmWorkers workers)
    {
        if (Vector512.IsHardwareAccelerated) Compute<Lanes8>(a, b, c, workers, ParallelThreshold);
        else if (Vector256.IsHardwareAccelerated) Compute<Lanes4>(a, b, c, workers, ParallelThreshold);
        else ReferenceGemm.Compute(a, b, c);
    }

    /// <summary>
    /// a·b with a chosen vector width, workers and parallel threshold: the tests use it to
    /// check every width and split against <see cref="ReferenceGemm"/> on any machine.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Compute<TLanes>(MatrixView a, MatrixView b, Span<double> c, GemmWorkers workers, long parallelThreshold)
        where TLanes : struct, ILanes<TLanes>
    {
        if (a.Columns != b.Rows) throw new ArgumentException($"inner dimensions differ: {a.Rows}x{a.Columns} · {b.Rows}x{b.Columns}");
        if (!a.FitsItsData() || !b.FitsItsData()) throw new ArgumentException("a view reaches outside its array");
        var output = c[..checked(a.Rows * b.Columns)];
        if (output.Overlaps(a.Data) || output.Overlaps(b.Data)) throw new ArgumentException("the output must not share storage with an operand");
        if (output.IsEmpty) return;
        if (a.Columns == 0)
        {
            output.Fill(0.0);
            return;
        }
        Dispatch<TLanes>(a, b, output, workers, parallelThreshold);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void Dispatch<TLanes>(MatrixView a, MatrixView b, Span<double> c, GemmWorkers workers, long parallelThreshold)
        where TLanes : struct, ILanes<TLanes>
    {
        var (rows, columns, depth) = (a.Rows, b.Columns, a.Columns);
        fixed (double* origin = c)
        {
            if (rows == 1)
            {
                // C's single row is contiguous: y = x·B with x = A's row.
                VectorProduct.Run<TLanes>(ref a.Origin(), a.ColumnStride, ref b.Origin(), b.RowStride, b.ColumnStride, depth, columns, ref *origin);
                return;
            }
            if (columns == 1)
            {
                // C's single column is contiguous: y = A·x with x = B's column.
                VectorProduct.Run<TLanes>(ref b.Origin(), b.RowStride, ref a.Origin(), a.ColumnStride, a.RowStride, depth, rows, ref *origin);
                return;
            }
            if (depth == 1)
            {
                OuterProduct.Run<TLanes>(a, b, ref *origin, workers.Buffers(0));
                return;
            }

            var target = new Output(origin, 1, rows);
            // Lanes run down C's columns; when C is short and wide, running them along its rows
            // instead (computing Cᵀ = Bᵀ·Aᵀ, same chains) wastes fewer lanes on padding. But C's
            // rows are then not contiguous, so every tile goes through a scratch tile and is copied
            // element by element: only worth it when it saves a fifth of the padded tiles or more.
            // (Chosen on a bare comparison, the halves of a split layer, e.g. 256 × 64 outputs, went
            // transposed to save 2%: funnel 512-256-128-10 b256 ran 2.72 → 2.05 ms per step on two
            // threads once they stopped, narrow 100-200-100-10 b64 282 → 248 µs; medians of 3–5
            // interleaved runs, 2026-12-01.)
            if (5 * PaddedSize<TLanes>(columns, rows) < 4 * PaddedSize<TLanes>(rows, columns))
                (a, b, target) = (b.Transposed, a.Transposed, target.Transposed);
            if (workers.Threads > 1 && (long)rows * columns * depth >= parallelThreshold)
                ParallelProduct<TLanes>.Run(a, b, target, workers);
            else
                BlockedProduct.Run<TLanes>(a, b, target, 0, a.Rows, 0, b.Columns, workers.Buffers(0));
        }
    }

    /// <summary>How many outputs the tiles cover, padding included, when lanes run over <paramref name="laneDimension"/>.</summary>
    private static long PaddedSize<TLanes>(int laneDimension, int other)
        where TLanes : struct, ILanes<TLanes>
    {
        return (long)BlockedProduct.RoundUp(laneDimension, MicroKernel.Rows<TLanes>()) * BlockedProduct.RoundUp(other, MicroKernel.Columns);
    }
}
