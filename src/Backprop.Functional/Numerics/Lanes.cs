global using Lanes1 = Backprop.Functional.Numerics.Lanes<double, Backprop.Functional.Numerics.Widths>;
global using Lanes4 = Backprop.Functional.Numerics.Lanes<System.Runtime.Intrinsics.Vector256<double>, Backprop.Functional.Numerics.Widths>;
global using Lanes8 = Backprop.Functional.Numerics.Lanes<System.Runtime.Intrinsics.Vector512<double>, Backprop.Functional.Numerics.Widths>;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Backprop.Functional.Numerics;

/// <summary>
/// <see cref="ILanes{TSelf}"/> for every width, written once: the arithmetic, comparisons and bit
/// operations of <see cref="IReal{T}"/> on a <typeparamref name="TVector"/>, each one instruction of
/// <typeparamref name="TWidth"/>. <c>Lanes8</c>, <c>Lanes4</c> and <c>Lanes1</c> name the three widths.
/// </summary>
/// <typeparam name="TVector">The hardware type holding the doubles: <see cref="Vector512{T}"/>, <see cref="Vector256{T}"/> or <see cref="double"/>.</typeparam>
/// <typeparam name="TWidth">Its instructions (<see cref="Widths"/>).</typeparam>
internal readonly struct Lanes<TVector, TWidth>(TVector value) : ILanes<Lanes<TVector, TWidth>>
    where TVector : struct
    where TWidth : struct, IWidth<TVector>
{
    private readonly TVector value = value;

    public static int Count
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => TWidth.Count;
    }

    public static bool IsHardwareAccelerated
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => TWidth.IsHardwareAccelerated;
    }

    public static Lanes<TVector, TWidth> Zero
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => default;
    }

    public static Lanes<TVector, TWidth> One
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => new(TWidth.Broadcast(1.0));
    }

    /// <summary>The first number (the scalar forms run on it alone).</summary>
    public double First
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => TWidth.First(value);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes<TVector, TWidth> Load(ref double source, nint index) => new(TWidth.Load(ref source, index));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Lanes<TVector, TWidth> x, ref double destination, nint index) => TWidth.Store(x.value, ref destination, index);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes<TVector, TWidth> Of(in Constant constant) => new(TWidth.Of(constant));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static implicit operator Lanes<TVector, TWidth>(double x) => new(TWidth.Broadcast(x));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static implicit operator Lanes<TVector, TWidth>(TVector x) => new(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static implicit operator TVector(Lanes<TVector, TWidth> x) => x.value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes<TVector, TWidth> operator +(Lanes<TVector, TWidth> a, Lanes<TVector, TWidth> b) => new(TWidth.Add(a.value, b.value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes<TVector, TWidth> operator -(Lanes<TVector, TWidth> a, Lanes<TVector, TWidth> b) => new(TWidth.Subtract(a.value, b.value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes<TVector, TWidth> operator *(Lanes<TVector, TWidth> a, Lanes<TVector, TWidth> b) => new(TWidth.Multiply(a.value, b.value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes<TVector, TWidth> operator /(Lanes<TVector, TWidth> a, Lanes<TVector, TWidth> b) => new(TWidth.Divide(a.value, b.value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes<TVector, TWidth> operator -(Lanes<TVector, TWidth> a) => new(TWidth.Negate(a.value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes<TVector, TWidth> MultiplyAdd(Lanes<TVector, TWidth> a, Lanes<TVector, TWidth> b, Lanes<TVector, TWidth> addend) => new(TWidth.MultiplyAdd(a.value, b.value, addend.value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes<TVector, TWidth> Min(Lanes<TVector, TWidth> a, Lanes<TVector, TWidth> b) => new(TWidth.Min(a.value, b.value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes<TVector, TWidth> Max(Lanes<TVector, TWidth> a, Lanes<TVector, TWidth> b) => new(TWidth.Max(a.value, b.value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes<TVector, TWidth> Maximum(Lanes<TVector, TWidth> a, Lanes<TVector, TWidth> b) => new(TWidth.Maximum(a.value, b.value));

    // |x| is x with the sign bit cleared, as every width's own absolute value computes it.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes<TVector, TWidth> Abs(Lanes<TVector, TWidth> x) => x & FromBits(long.MaxValue);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes<TVector, TWidth> Sqrt(Lanes<TVector, TWidth> x) => new(TWidth.Sqrt(x.value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes<TVector, TWidth> operator <(Lanes<TVector, TWidth> a, Lanes<TVector, TWidth> b) => new(TWidth.LessThan(a.value, b.value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes<TVector, TWidth> operator <=(Lanes<TVector, TWidth> a, Lanes<TVector, TWidth> b) => new(TWidth.LessThanOrEqual(a.value, b.value));

    // a > b is b < a, and a ≥ b is b ≤ a (false where either is NaN).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes<TVector, TWidth> operator >(Lanes<TVector, TWidth> a, Lanes<TVector, TWidth> b) => b < a;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes<TVector, TWidth> operator >=(Lanes<TVector, TWidth> a, Lanes<TVector, TWidth> b) => b <= a;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes<TVector, TWidth> Equal(Lanes<TVector, TWidth> a, Lanes<TVector, TWidth> b) => new(TWidth.Equal(a.value, b.value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes<TVector, TWidth> Select(Lanes<TVector, TWidth> mask, Lanes<TVector, TWidth> ifTrue, Lanes<TVector, TWidth> ifFalse) => new(TWidth.Select(mask.value, ifTrue.value, ifFalse.value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes<TVector, TWidth> operator &(Lanes<TVector, TWidth> a, Lanes<TVector, TWidth> b) => new(TWidth.And(a.value, b.value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes<TVector, TWidth> operator |(Lanes<TVector, TWidth> a, Lanes<TVector, TWidth> b) => new(TWidth.Or(a.value, b.value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsZero(Lanes<TVector, TWidth> x) => TWidth.IsZero(x.value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes<TVector, TWidth> FromBits(long bits) => new(TWidth.Broadcast(BitConverter.Int64BitsToDouble(bits)));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes<TVector, TWidth> AddBits(Lanes<TVector, TWidth> a, Lanes<TVector, TWidth> b) => new(TWidth.AddBits(a.value, b.value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes<TVector, TWidth> SubtractBits(Lanes<TVector, TWidth> a, Lanes<TVector, TWidth> b) => new(TWidth.SubtractBits(a.value, b.value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes<TVector, TWidth> ShiftLeftBits(Lanes<TVector, TWidth> x, int count) => new(TWidth.ShiftLeftBits(x.value, count));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes<TVector, TWidth> ShiftRightBits(Lanes<TVector, TWidth> x, int count) => new(TWidth.ShiftRightBits(x.value, count));

    /// <summary>Each number through <typeparamref name="TFunction"/>, one at a time, in lane order.</summary>
    // Not inlined (a stack buffer would stop the caller's inlining): only the logarithm's callers use it.
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static Lanes<TVector, TWidth> EachNumber<TFunction>(Lanes<TVector, TWidth> x) where TFunction : IScalarFunction
    {
        Span<double> numbers = stackalloc double[Vector512<double>.Count];
        ref var first = ref numbers[0];
        TWidth.Store(x.value, ref first, 0);
        for (var i = 0; i < TWidth.Count; i++) numbers[i] = TFunction.Apply(numbers[i]);
        return new(TWidth.Load(ref first, 0));
    }
}

/// <summary>
/// A scalar hoisted out of the loops for every width at once, so that the rules read their
/// constants from fields rather than broadcasting them again (<see cref="ILanes{TSelf}.Of"/>).
/// </summary>
internal readonly struct Constant(double value)
{
    public readonly double One = value;
    public readonly Vector256<double> Four = Vector256.Create(value);
    public readonly Vector512<double> Eight = Vector512.Create(value);
}
