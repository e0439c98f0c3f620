using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Backprop.Functional.Fast;

/// <summary>
/// The element operations the update rules need, over one width: eight lanes (AVX-512), four
/// (AVX2) or one (scalar, for the last elements of a tensor). The rules are generic over it, so one
/// source serves every width; each operation is the same correctly rounded IEEE operation on every
/// lane (no fused multiply-adds, which the JIT never forms on its own), so every width gives each
/// element the same bits.
/// </summary>
internal interface ILaneOps<TVector> where TVector : struct
{
    /// <summary>Elements per vector.</summary>
    static abstract int Count { get; }

    /// <summary>Every lane +0.0.</summary>
    static abstract TVector Zero { get; }

    /// <summary>The constant in every lane, as hoisted into <paramref name="constant"/>.</summary>
    static abstract TVector Of(in Constant constant);

    static abstract TVector Load(ref double source, nint index);

    static abstract void Store(TVector value, ref double destination, nint index);

    static abstract TVector Add(TVector a, TVector b);

    static abstract TVector Subtract(TVector a, TVector b);

    static abstract TVector Multiply(TVector a, TVector b);

    static abstract TVector Divide(TVector a, TVector b);

    static abstract TVector Sqrt(TVector a);

    /// <summary>The IEEE 754-2019 maximum: NaN when either lane is NaN, +0 above −0 (as <see cref="Math.Max(double, double)"/>).</summary>
    static abstract TVector Max(TVector a, TVector b);

    /// <summary>−a exactly: the sign bit flipped (0 − a would turn −(rate·0) into +0).</summary>
    static abstract TVector Negate(TVector a);

    /// <summary>The bitwise or of the lanes' bits.</summary>
    static abstract TVector Or(TVector a, TVector b);

    /// <summary>Whether every bit of every lane is zero.</summary>
    static abstract bool IsZero(TVector a);
}

/// <summary>A scalar hoisted out of the loops for every width at once, so the rules read their constants from fields rather than broadcasting them again.</summary>
internal readonly struct Constant(double value)
{
    public readonly double One = value;
    public readonly Vector256<double> Four = Vector256.Create(value);
    public readonly Vector512<double> Eight = Vector512.Create(value);
}

/// <summary>Eight lanes (AVX-512).</summary>
internal readonly struct LaneOps512 : ILaneOps<Vector512<double>>
{
    public static int Count => Vector512<double>.Count;

    public static Vector512<double> Zero => Vector512<double>.Zero;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Of(in Constant constant) => constant.Eight;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Load(ref double source, nint index) => Vector512.LoadUnsafe(ref Unsafe.Add(ref source, index));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector512<double> value, ref double destination, nint index) => value.StoreUnsafe(ref Unsafe.Add(ref destination, index));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Add(Vector512<double> a, Vector512<double> b) => a + b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Subtract(Vector512<double> a, Vector512<double> b) => a - b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Multiply(Vector512<double> a, Vector512<double> b) => a * b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Divide(Vector512<double> a, Vector512<double> b) => a / b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Sqrt(Vector512<double> a) => Vector512.Sqrt(a);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Max(Vector512<double> a, Vector512<double> b) => Vector512.Max(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Negate(Vector512<double> a) => Vector512.Xor(a, Vector512.Create(-0.0));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Or(Vector512<double> a, Vector512<double> b) => a | b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsZero(Vector512<double> a) => a == Vector512<double>.Zero;
}

/// <summary>Four lanes (AVX2).</summary>
internal readonly struct LaneOps256 : ILaneOps<Vector256<double>>
{
    public static int Count => Vector256<double>.Count;

    public static Vector256<double> Zero => Vector256<double>.Zero;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Of(in Constant constant) => constant.Four;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Load(ref double source, nint index) => Vector256.LoadUnsafe(ref Unsafe.Add(ref source, index));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector256<double> value, ref double destination, nint index) => value.StoreUnsafe(ref Unsafe.Add(ref destination, index));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Add(Vector256<double> a, Vector256<double> b) => a + b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Subtract(Vector256<double> a, Vector256<double> b) => a - b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Multiply(Vector256<double> a, Vector256<double> b) => a * b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Divide(Vector256<double> a, Vector256<double> b) => a / b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Sqrt(Vector256<double> a) => Vector256.Sqrt(a);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Max(Vector256<double> a, Vector256<double> b) => Vector256.Max(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Negate(Vector256<double> a) => Vector256.Xor(a, Vector256.Create(-0.0));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Or(Vector256<double> a, Vector256<double> b) => a | b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsZero(Vector256<double> a) => a == Vector256<double>.Zero;
}

/// <summary>One lane: plain doubles, for the last elements of a tensor.</summary>
internal readonly struct LaneOps1 : ILaneOps<double>
{
    public static int Count => 1;

    public static double Zero => 0.0;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Of(in Constant constant) => constant.One;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Load(ref double source, nint index) => Unsafe.Add(ref source, index);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(double value, ref double destination, nint index) => Unsafe.Add(ref destination, index) = value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Add(double a, double b) => a + b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Subtract(double a, double b) => a - b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Multiply(double a, double b) => a * b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Divide(double a, double b) => a / b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Sqrt(double a) => Math.Sqrt(a);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Max(double a, double b) => Math.Max(a, b);

    // C#'s unary minus on a double is IEEE negation: the sign bit flipped, NaN and zero included.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Negate(double a) => -a;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Or(double a, double b) => BitConverter.Int64BitsToDouble(BitConverter.DoubleToInt64Bits(a) | BitConverter.DoubleToInt64Bits(b));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsZero(double a) => BitConverter.DoubleToInt64Bits(a) == 0;
}

/// <summary>
/// A vector of <typeparamref name="TOps"/>'s width with the arithmetic operators, so that a rule
/// written once reads like its formula: <c>beta1 * m + rest1 * u</c>.
/// </summary>
internal readonly struct Lanes<TVector, TOps>(TVector value)
    where TVector : struct
    where TOps : struct, ILaneOps<TVector>
{
    public readonly TVector Value = value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes<TVector, TOps> operator +(Lanes<TVector, TOps> a, Lanes<TVector, TOps> b) => new(TOps.Add(a.Value, b.Value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes<TVector, TOps> operator +(Lanes<TVector, TOps> a, in Constant b) => new(TOps.Add(a.Value, TOps.Of(b)));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes<TVector, TOps> operator -(Lanes<TVector, TOps> a, Lanes<TVector, TOps> b) => new(TOps.Subtract(a.Value, b.Value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes<TVector, TOps> operator *(Lanes<TVector, TOps> a, Lanes<TVector, TOps> b) => new(TOps.Multiply(a.Value, b.Value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes<TVector, TOps> operator *(in Constant a, Lanes<TVector, TOps> b) => new(TOps.Multiply(TOps.Of(a), b.Value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes<TVector, TOps> operator /(Lanes<TVector, TOps> a, Lanes<TVector, TOps> b) => new(TOps.Divide(a.Value, b.Value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes<TVector, TOps> operator /(Lanes<TVector, TOps> a, in Constant b) => new(TOps.Divide(a.Value, TOps.Of(b)));

    /// <summary>−a with the sign bit flipped (<see cref="ILaneOps{TVector}.Negate"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes<TVector, TOps> operator -(Lanes<TVector, TOps> a) => new(TOps.Negate(a.Value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes<TVector, TOps> operator |(Lanes<TVector, TOps> a, Lanes<TVector, TOps> b) => new(TOps.Or(a.Value, b.Value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Lanes<TVector, TOps> Sqrt() => new(TOps.Sqrt(Value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Lanes<TVector, TOps> Max(Lanes<TVector, TOps> other) => new(TOps.Max(Value, other.Value));

    public bool IsZero => TOps.IsZero(Value);
}
