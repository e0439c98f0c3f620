namespace Backprop.Functional.Numerics;

/// <summary>
/// An <see cref="IReal{T}"/> that is one width of doubles side by side: how many it holds, how it
/// is read from and written to memory, and the few operations the update rules add to the
/// arithmetic. Every kernel (the products, the activations, the update rules) is written once over
/// it; <see cref="Lanes{TVector, TWidth}"/> is its one implementation, for every width.
/// </summary>
internal interface ILanes<TSelf> : IReal<TSelf> where TSelf : struct, ILanes<TSelf>
{
    /// <summary>Doubles per vector.</summary>
    static abstract int Count { get; }

    /// <summary>Whether this machine runs the vector in hardware.</summary>
    static abstract bool IsHardwareAccelerated { get; }

    /// <summary>The <see cref="Count"/> doubles from <paramref name="source"/>[<paramref name="index"/>] on.</summary>
    static abstract TSelf Load(ref double source, nint index);

    /// <summary>Writes the <see cref="Count"/> doubles to <paramref name="destination"/>[<paramref name="index"/>] on.</summary>
    static abstract void Store(TSelf value, ref double destination, nint index);

    /// <summary>The constant in every place, as hoisted into <paramref name="constant"/>.</summary>
    static abstract TSelf Of(in Constant constant);

    /// <summary>√x, correctly rounded.</summary>
    static abstract TSelf Sqrt(TSelf x);

    /// <summary>The IEEE 754-2019 maximum: NaN when either is NaN, +0 above −0 (as <see cref="Math.Max(double, double)"/>).</summary>
    static abstract TSelf Maximum(TSelf a, TSelf b);

    /// <summary>Whether every place is zero (a NaN never is).</summary>
    static abstract bool IsZero(TSelf x);

    /// <summary>c·b, with c read from its hoisted form.</summary>
    static virtual TSelf operator *(in Constant c, TSelf b) => TSelf.Of(c) * b;

    /// <summary>a + c, with c read from its hoisted form.</summary>
    static virtual TSelf operator +(TSelf a, in Constant c) => a + TSelf.Of(c);

    /// <summary>a ÷ c, with c read from its hoisted form.</summary>
    static virtual TSelf operator /(TSelf a, in Constant c) => a / TSelf.Of(c);
}
