using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using V4 = System.Runtime.Intrinsics.Vector256<double>;
using V8 = System.Runtime.Intrinsics.Vector512<double>;

namespace Backprop.Functional.Numerics;

/// <summary>
/// The instructions of one vector width of doubles, over its hardware type
/// <typeparamref name="TVector"/>: the only code written per width. Everything else, the
/// arithmetic of <see cref="Lanes{TVector, TWidth}"/> and every kernel over it, is written once.
/// Each is one correctly rounded IEEE operation (or bit operation) on every lane, so every width
/// gives each lane the same bits.
/// </summary>
internal interface IWidth<TVector> where TVector : struct
{
    static abstract int Count { get; }

    static abstract bool IsHardwareAccelerated { get; }

    static abstract TVector Broadcast(double value);

    /// <summary>The constant as hoisted into <paramref name="constant"/> for this width.</summary>
    static abstract TVector Of(in Constant constant);

    static abstract TVector Load(ref double source, nint index);

    static abstract void Store(TVector value, ref double destination, nint index);

    /// <summary>The first lane.</summary>
    static abstract double First(TVector x);

    static abstract TVector Add(TVector a, TVector b);

    static abstract TVector Subtract(TVector a, TVector b);

    static abstract TVector Multiply(TVector a, TVector b);

    static abstract TVector Divide(TVector a, TVector b);

    /// <summary>−a: the sign bit flipped (NaN and zero included), never 0 − a.</summary>
    static abstract TVector Negate(TVector a);

    static abstract TVector MultiplyAdd(TVector a, TVector b, TVector addend);

    /// <summary>a &lt; b ? a : b (the x86 rule).</summary>
    static abstract TVector Min(TVector a, TVector b);

    /// <summary>a &gt; b ? a : b (the x86 rule).</summary>
    static abstract TVector Max(TVector a, TVector b);

    /// <summary>The IEEE 754-2019 maximum (<see cref="Math.Max(double, double)"/>).</summary>
    static abstract TVector Maximum(TVector a, TVector b);

    static abstract TVector Sqrt(TVector a);

    static abstract TVector LessThan(TVector a, TVector b);

    static abstract TVector LessThanOrEqual(TVector a, TVector b);

    static abstract TVector Equal(TVector a, TVector b);

    static abstract TVector Select(TVector mask, TVector ifTrue, TVector ifFalse);

    static abstract TVector And(TVector a, TVector b);

    static abstract TVector Or(TVector a, TVector b);

    /// <summary>Whether every lane compares equal to zero.</summary>
    static abstract bool IsZero(TVector a);

    static abstract TVector AddBits(TVector a, TVector b);

    static abstract TVector SubtractBits(TVector a, TVector b);

    static abstract TVector ShiftLeftBits(TVector x, int count);

    static abstract TVector ShiftRightBits(TVector x, int count);
}

/// <summary>
/// The three widths: eight lanes (<see cref="Vector512{T}"/>, AVX-512), four (<see cref="Vector256{T}"/>,
/// AVX2) and one (<see cref="double"/>, for the last elements of a tensor). Each operation names its
/// instruction once per width, the widths side by side.
/// </summary>
internal readonly struct Widths : IWidth<V8>, IWidth<V4>, IWidth<double>
{
    static int IWidth<V8>.Count => V8.Count;
    static int IWidth<V4>.Count => V4.Count;
    static int IWidth<double>.Count => 1;

    static bool IWidth<V8>.IsHardwareAccelerated => Vector512.IsHardwareAccelerated;
    static bool IWidth<V4>.IsHardwareAccelerated => Vector256.IsHardwareAccelerated;
    static bool IWidth<double>.IsHardwareAccelerated => true;

    [MethodImpl(MethodImplOptions.AggressiveInlining)] static V8 IWidth<V8>.Broadcast(double value) => Vector512.Create(value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] static V4 IWidth<V4>.Broadcast(double value) => Vector256.Create(value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] static double IWidth<double>.Broadcast(double value) => value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)] static V8 IWidth<V8>.Of(in Constant constant) => constant.Eight;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] static V4 IWidth<V4>.Of(in Constant constant) => constant.Four;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] static double IWidth<double>.Of(in Constant constant) => constant.One;

    [MethodImpl(MethodImplOptions.AggressiveInlining)] static V8 IWidth<V8>.Load(ref double source, nint index) => Vector512.LoadUnsafe(ref Unsafe.Add(ref source, index));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] static V4 IWidth<V4>.Load(ref double source, nint index) => Vector256.LoadUnsafe(ref Unsafe.Add(ref source, index));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] static double IWidth<double>.Load(ref double source, nint index) => Unsafe.Add(ref source, index);

    [MethodImpl(MethodImplOptions.AggressiveInlining)] static void IWidth<V8>.Store(V8 value, ref double destination, nint index) => value.StoreUnsafe(ref Unsafe.Add(ref destination, index));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] static void IWidth<V4>.Store(V4 value, ref double destination, nint index) => value.StoreUnsafe(ref Unsafe.Add(ref destination, index));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] static void IWidth<double>.Store(double value, ref double destination, nint index) => Unsafe.Add(ref destination, index) = value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)] static double IWidth<V8>.First(V8 x) => x.ToScalar();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] static double IWidth<V4>.First(V4 x) => x.ToScalar();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] static double IWidth<double>.First(double x) => x;

    [MethodImpl(MethodImplOptions.AggressiveInlining)] static V8 IWidth<V8>.Add(V8 a, V8 b) => a + b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] static V4 IWidth<V4>.Add(V4 a, V4 b) => a + b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] static double IWidth<double>.Add(double a, double b) => a + b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)] static V8 IWidth<V8>.Subtract(V8 a, V8 b) => a - b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] static V4 IWidth<V4>.Subtract(V4 a, V4 b) => a - b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] static double IWidth<double>.Subtract(double a, double b) => a - b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)] static V8 IWidth<V8>.Multiply(V8 a, V8 b) => a * b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] static V4 IWidth<V4>.Multiply(V4 a, V4 b) => a * b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] static double IWidth<double>.Multiply(double a, double b) => a * b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)] static V8 IWidth<V8>.Divide(V8 a, V8 b) => a / b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] static V4 IWidth<V4>.Divide(V4 a, V4 b) => a / b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] static double IWidth<double>.Divide(double a, double b) => a / b;

    // C#'s negation flips the sign bit on every width.
    [MethodImpl(MethodImplOptions.AggressiveInlining)] static V8 IWidth<V8>.Negate(V8 a) => -a;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] static V4 IWidth<V4>.Negate(V4 a) => -a;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] static double IWidth<double>.Negate(double a) => -a;

    [MethodImpl(MethodImplOptions.AggressiveInlining)] static V8 IWidth<V8>.MultiplyAdd(V8 a, V8 b, V8 addend) => Vector512.FusedMultiplyAdd(a, b, addend);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] static V4 IWidth<V4>.MultiplyAdd(V4 a, V4 b, V4 addend) => Vector256.FusedMultiplyAdd(a, b, addend);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] static double IWidth<double>.MultiplyAdd(double a, double b, double addend) => Math.FusedMultiplyAdd(a, b, addend);

    [MethodImpl(MethodImplOptions.AggressiveInlining)] static V8 IWidth<V8>.Min(V8 a, V8 b) => Vector512.MinNative(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] static V4 IWidth<V4>.Min(V4 a, V4 b) => Vector256.MinNative(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] static double IWidth<double>.Min(double a, double b) => a < b ? a : b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)] static V8 IWidth<V8>.Max(V8 a, V8 b) => Vector512.MaxNative(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] static V4 IWidth<V4>.Max(V4 a, V4 b) => Vector256.MaxNative(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] static double IWidth<double>.Max(double a, double b) => a > b ? a : b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)] static V8 IWidth<V8>.Maximum(V8 a, V8 b) => Vector512.Max(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] static V4 IWidth<V4>.Maximum(V4 a, V4 b) => Vector256.Max(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] static double IWidth<double>.Maximum(double a, double b) => Math.Max(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)] static V8 IWidth<V8>.Sqrt(V8 a) => Vector512.Sqrt(a);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] static V4 IWidth<V4>.Sqrt(V4 a) => Vector256.Sqrt(a);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] static double IWidth<double>.Sqrt(double a) => Math.Sqrt(a);

    [MethodImpl(MethodImplOptions.AggressiveInlining)] static V8 IWidth<V8>.LessThan(V8 a, V8 b) => Vector512.LessThan(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] static V4 IWidth<V4>.LessThan(V4 a, V4 b) => Vector256.LessThan(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] static double IWidth<double>.LessThan(double a, double b) => Mask(a < b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)] static V8 IWidth<V8>.LessThanOrEqual(V8 a, V8 b) => Vector512.LessThanOrEqual(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] static V4 IWidth<V4>.LessThanOrEqual(V4 a, V4 b) => Vector256.LessThanOrEqual(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] static double IWidth<double>.LessThanOrEqual(double a, double b) => Mask(a <= b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)] static V8 IWidth<V8>.Equal(V8 a, V8 b) => Vector512.Equals(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] static V4 IWidth<V4>.Equal(V4 a, V4 b) => Vector256.Equals(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] static double IWidth<double>.Equal(double a, double b) => Mask(a == b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)] static V8 IWidth<V8>.Select(V8 mask, V8 ifTrue, V8 ifFalse) => Vector512.ConditionalSelect(mask, ifTrue, ifFalse);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] static V4 IWidth<V4>.Select(V4 mask, V4 ifTrue, V4 ifFalse) => Vector256.ConditionalSelect(mask, ifTrue, ifFalse);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] static double IWidth<double>.Select(double mask, double ifTrue, double ifFalse) => Double((Bits(mask) & Bits(ifTrue)) | (~Bits(mask) & Bits(ifFalse)));

    [MethodImpl(MethodImplOptions.AggressiveInlining)] static V8 IWidth<V8>.And(V8 a, V8 b) => a & b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] static V4 IWidth<V4>.And(V4 a, V4 b) => a & b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] static double IWidth<double>.And(double a, double b) => Double(Bits(a) & Bits(b));

    [MethodImpl(MethodImplOptions.AggressiveInlining)] static V8 IWidth<V8>.Or(V8 a, V8 b) => a | b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] static V4 IWidth<V4>.Or(V4 a, V4 b) => a | b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] static double IWidth<double>.Or(double a, double b) => Double(Bits(a) | Bits(b));

    [MethodImpl(MethodImplOptions.AggressiveInlining)] static bool IWidth<V8>.IsZero(V8 a) => a == V8.Zero;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] static bool IWidth<V4>.IsZero(V4 a) => a == V4.Zero;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] static bool IWidth<double>.IsZero(double a) => Bits(a) == 0;

    [MethodImpl(MethodImplOptions.AggressiveInlining)] static V8 IWidth<V8>.AddBits(V8 a, V8 b) => (a.AsInt64() + b.AsInt64()).AsDouble();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] static V4 IWidth<V4>.AddBits(V4 a, V4 b) => (a.AsInt64() + b.AsInt64()).AsDouble();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] static double IWidth<double>.AddBits(double a, double b) => Double(Bits(a) + Bits(b));

    [MethodImpl(MethodImplOptions.AggressiveInlining)] static V8 IWidth<V8>.SubtractBits(V8 a, V8 b) => (a.AsInt64() - b.AsInt64()).AsDouble();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] static V4 IWidth<V4>.SubtractBits(V4 a, V4 b) => (a.AsInt64() - b.AsInt64()).AsDouble();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] static double IWidth<double>.SubtractBits(double a, double b) => Double(Bits(a) - Bits(b));

    [MethodImpl(MethodImplOptions.AggressiveInlining)] static V8 IWidth<V8>.ShiftLeftBits(V8 x, int count) => Vector512.ShiftLeft(x.AsInt64(), count).AsDouble();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] static V4 IWidth<V4>.ShiftLeftBits(V4 x, int count) => Vector256.ShiftLeft(x.AsInt64(), count).AsDouble();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] static double IWidth<double>.ShiftLeftBits(double x, int count) => Double(Bits(x) << count);

    [MethodImpl(MethodImplOptions.AggressiveInlining)] static V8 IWidth<V8>.ShiftRightBits(V8 x, int count) => Vector512.ShiftRightArithmetic(x.AsInt64(), count).AsDouble();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] static V4 IWidth<V4>.ShiftRightBits(V4 x, int count) => Vector256.ShiftRightArithmetic(x.AsInt64(), count).AsDouble();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] static double IWidth<double>.ShiftRightBits(double x, int count) => Double(Bits(x) >> count);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static long Bits(double x) => BitConverter.DoubleToInt64Bits(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double Double(long bits) => BitConverter.Int64BitsToDouble(bits);

    /// <summary>All bits set where <paramref name="condition"/> holds: one lane's comparison.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double Mask(bool condition) => Double(condition ? -1L : 0L);
}
