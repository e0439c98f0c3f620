using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Backprop.Functional.Numerics.Gemm;

/// <summary>
/// One worker's scratch space for packed panels (see <see cref="GemmWorkers"/>), grown on demand
/// and then reused, so a product allocates nothing once its worker has seen a product of that
/// size. The arrays are pinned so that the panels can start on a 64-byte boundary (a full
/// AVX-512 load never straddles two cache lines).
/// </summary>
internal sealed class PackingBuffers
{
    private const int AlignmentDoubles = 8;

    private double[] rows = [];
    private int rowsStart;
    private double[] columns = [];
    private int columnsStart;

    /// <summary>Room for at least <paramref name="length"/> packed A values.</summary>
    public ref double Rows(int length) => ref Ensure(ref rows, ref rowsStart, length);

    /// <summary>Room for at least <paramref name="length"/> packed B values.</summary>
    public ref double Columns(int length) => ref Ensure(ref columns, ref columnsStart, length);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static ref double Ensure(ref double[] buffer, ref int start, int length)
    {
        if (buffer.Length - start < length)
        {
            buffer = GC.AllocateUninitializedArray<double>(length + AlignmentDoubles, pinned: true);
            start = AlignedStart(buffer);
        }
        return ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(buffer), start);
    }

    private static unsafe int AlignedStart(double[] pinned)
    {
        var address = (nuint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(pinned));
        var misalignment = (int)(address % (AlignmentDoubles * sizeof(double)));
        return misalignment == 0 ? 0 : (AlignmentDoubles * sizeof(double) - misalignment) / sizeof(double);
    }
}
