using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Backprop.Functional.Numerics.Gemm;

/// <summary>
/// The few vector operations the product kernels need, over one vector width. The kernels are
/// generic over it so that one source serves AVX-512 and AVX2 machines; every lane performs
/// the same correctly rounded fused multiply-add, so both widths give the same bits.
/// </summary>
internal interface ILanes<TVector> where TVector : struct
{
    /// <summary>Doubles per vector.</summary>
    static abstract int Count { get; }

    /// <summary>All lanes +0.0, the start of every chain.</summary>
    static abstract TVector Zero { get; }

    static abstract TVector Broadcast(double value);

    static abstract TVector Load(ref double source, nint index);

    static abstract void Store(TVector value, ref double destination, nint index);

    /// <summary>a·b + addend rounded once, lane by lane.</summary>
    static abstract TVector MultiplyAdd(TVector a, TVector b, TVector addend);
}

/// <summary>Eight lanes (AVX-512).</summary>
internal readonly struct Lanes512 : ILanes<Vector512<double>>
{
    public static int Count => Vector512<double>.Count;

    public static Vector512<double> Zero => Vector512<double>.Zero;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Broadcast(double value) => Vector512.Create(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Load(ref double source, nint index) => Vector512.LoadUnsafe(ref Unsafe.Add(ref source, index));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector512<double> value, ref double destination, nint index) => value.StoreUnsafe(ref Unsafe.Add(ref destination, index));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> MultiplyAdd(Vector512<double> a, Vector512<double> b, Vector512<double> addend) =>
        Vector512.FusedMultiplyAdd(a, b, addend);
}

/// <summary>Four lanes (AVX2 with FMA).</summary>
internal readonly struct Lanes256 : ILanes<Vector256<double>>
{
    public static int Count => Vector256<double>.Count;

    public static Vector256<double> Zero => Vector256<double>.Zero;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Broadcast(double value) => Vector256.Create(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Load(ref double source, nint index) => Vector256.LoadUnsafe(ref Unsafe.Add(ref source, index));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector256<double> value, ref double destination, nint index) => value.StoreUnsafe(ref Unsafe.Add(ref destination, index));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> MultiplyAdd(Vector256<double> a, Vector256<double> b, Vector256<double> addend) =>
        Vector256.FusedMultiplyAdd(a, b, addend);
}
