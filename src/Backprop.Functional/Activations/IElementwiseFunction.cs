using Backprop.Functional.Numerics;

namespace Backprop.Functional;

/// <summary>
/// An activation's f and f′ on one number, written once over any <see cref="IReal{T}"/>: the
/// scalar forms, the reference path and the fast path all run this one source, so they agree
/// bit for bit. (Implementations are marked AggressiveInlining: the element loops inline them.)
/// </summary>
public interface IElementwiseFunction
{
    /// <summary>h = f(z).</summary>
    static abstract T Value<T>(T z) where T : struct, IReal<T>;

    /// <summary>f′(z), given h = f(z).</summary>
    static abstract T Slope<T>(T z, T h) where T : struct, IReal<T>;
}
