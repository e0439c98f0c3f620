namespace Backprop.Functional.Numerics;

/// <summary>
/// The numbers a rule such as σ(z) = 1 / (1 + e^−z) is written over, once: + − × ÷, fused
/// multiply-add, comparisons, selection and the bits of a double. An implementation holds one
/// or more doubles side by side and applies each operation to every one of them alone, each
/// result correctly rounded, so a rule gives every number the same bits whichever
/// implementation runs it: four numbers at a time, eight at a time, or one (the scalar forms run
/// the four-number code on one of them).
/// </summary>
/// <typeparam name="T">The implementation itself.</typeparam>
public interface IReal<T> where T : struct, IReal<T>
{
    /// <summary>+0.0.</summary>
    static abstract T Zero { get; }

    /// <summary>1.0.</summary>
    static abstract T One { get; }

    /// <summary>The constant <paramref name="value"/> in every place.</summary>
    static abstract implicit operator T(double value);

    /// <summary>a + b.</summary>
    static abstract T operator +(T a, T b);

    /// <summary>a − b.</summary>
    static abstract T operator -(T a, T b);

    /// <summary>a × b.</summary>
    static abstract T operator *(T a, T b);

    /// <summary>a ÷ b.</summary>
    static abstract T operator /(T a, T b);

    /// <summary>−a (the sign bit flipped, NaN included).</summary>
    static abstract T operator -(T a);

    /// <summary>a·b + addend, rounded once.</summary>
    static abstract T MultiplyAdd(T a, T b, T addend);

    /// <summary>a &lt; b ? a : b, so b where either is NaN (the x86 rule; against a constant that is neither NaN nor 0, the IEEE minimum).</summary>
    static abstract T Min(T a, T b);

    /// <summary>a &gt; b ? a : b, so b where either is NaN (the x86 rule; against a constant that is neither NaN nor 0, the IEEE maximum).</summary>
    static abstract T Max(T a, T b);

    /// <summary>|x| (the sign bit cleared).</summary>
    static abstract T Abs(T x);

    /// <summary>A mask: all bits set where a &lt; b, none elsewhere (a NaN compares false).</summary>
    static abstract T operator <(T a, T b);

    /// <summary>A mask: all bits set where a &gt; b.</summary>
    static abstract T operator >(T a, T b);

    /// <summary>A mask: all bits set where a ≤ b.</summary>
    static abstract T operator <=(T a, T b);

    /// <summary>A mask: all bits set where a ≥ b.</summary>
    static abstract T operator >=(T a, T b);

    /// <summary>A mask: all bits set where a = b (never where either is NaN, so Equal(x, x) marks the numbers).</summary>
    static abstract T Equal(T a, T b);

    /// <summary>ifTrue where the mask is set, else ifFalse.</summary>
    static abstract T Select(T mask, T ifTrue, T ifFalse);

    /// <summary>The bits of a and b, and-ed.</summary>
    static abstract T operator &(T a, T b);

    /// <summary>The bits of a and b, or-ed.</summary>
    static abstract T operator |(T a, T b);

    /// <summary>The double whose bits are <paramref name="bits"/>, in every place.</summary>
    static abstract T FromBits(long bits);

    /// <summary>The bits of a plus the bits of b, as 64-bit integers.</summary>
    static abstract T AddBits(T a, T b);

    /// <summary>The bits of a minus the bits of b, as 64-bit integers.</summary>
    static abstract T SubtractBits(T a, T b);

    /// <summary>The bits of x shifted left by <paramref name="count"/>.</summary>
    static abstract T ShiftLeftBits(T x, int count);

    /// <summary>The bits of x shifted right by <paramref name="count"/>, copying the sign bit in.</summary>
    static abstract T ShiftRightBits(T x, int count);

    /// <summary>
    /// Each number through a function of one double: for what has no form over
    /// <typeparamref name="T"/> (the logarithm).
    /// </summary>
    static abstract T EachNumber<TFunction>(T x) where TFunction : IScalarFunction;
}
