namespace Backprop.Functional.Numerics;

/// <summary>
/// An <see cref="IReal{T}"/> that is a hardware vector of doubles: how many it holds and how it
/// is read from and written to memory. The element loops are written once over it; the
/// implementations (<see cref="Lanes4"/>, <see cref="Lanes8"/>) are the only code per width.
/// </summary>
internal interface IVectorLanes<T> : IReal<T> where T : struct, IVectorLanes<T>
{
    /// <summary>Doubles per vector.</summary>
    static abstract int Count { get; }

    /// <summary>Whether this machine runs the vector in hardware.</summary>
    static abstract bool IsHardwareAccelerated { get; }

    /// <summary>The <see cref="Count"/> doubles from <paramref name="source"/>[<paramref name="index"/>] on.</summary>
    static abstract T Load(ref double source, nuint index);

    /// <summary>Writes the <see cref="Count"/> doubles to <paramref name="destination"/>[<paramref name="index"/>] on.</summary>
    static abstract void Store(T value, ref double destination, nuint index);
}
