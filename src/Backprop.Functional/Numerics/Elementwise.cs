using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Backprop.Functional.Numerics;

/// <summary>A function applied lane by lane; a struct so the JIT inlines it into the loop.</summary>
public interface ILaneFunction
{
    /// <summary>Applies the function to four lanes at once.</summary>
    static abstract Vector256<double> Apply(Vector256<double> x);
}

/// <summary>A function of two lanes (e.g. an activation's derivative from z and h).</summary>
public interface ILaneFunction2
{
    /// <summary>Applies the function to four pairs of lanes at once.</summary>
    static abstract Vector256<double> Apply(Vector256<double> a, Vector256<double> b);
}

/// <summary>A function of three lanes (e.g. upstream gradient × derivative from z and h).</summary>
public interface ILaneFunction3
{
    /// <summary>Applies the function to four triples of lanes at once.</summary>
    static abstract Vector256<double> Apply(Vector256<double> a, Vector256<double> b, Vector256<double> c);
}

/// <summary>
/// Element-by-element loops over spans. Every element goes through the same
/// <see cref="Vector256{T}"/> code, tails included, so results never depend on the length,
/// the alignment or the machine's vector width.
/// </summary>
public static class Elementwise
{
    /// <summary>destination[i] = F(source[i]).</summary>
    public static void Map<TFunction>(ReadOnlySpan<double> source, Span<double> destination)
        where TFunction : ILaneFunction
    {
        if (destination.Length < source.Length) throw new ArgumentException("destination is shorter than source");
        var whole = source.Length & ~3;
        ref var src = ref MemoryMarshal.GetReference(source);
        ref var dst = ref MemoryMarshal.GetReference(destination);
        for (var i = 0; i < whole; i += 4)
            TFunction.Apply(Vector256.LoadUnsafe(ref src, (nuint)i)).StoreUnsafe(ref dst, (nuint)i);
        if (whole == source.Length) return;
        Span<double> tail = stackalloc double[4];
        source[whole..].CopyTo(tail);
        TFunction.Apply(Vector256.Create<double>(tail)).CopyTo(tail);
        tail[..(source.Length - whole)].CopyTo(destination[whole..]);
    }

    /// <summary>destination[i] = F(a[i], b[i]).</summary>
    public static void Map<TFunction>(ReadOnlySpan<double> a, ReadOnlySpan<double> b, Span<double> destination)
        where TFunction : ILaneFunction2
    {
        if (a.Length != b.Length || destination.Length < a.Length) throw new ArgumentException("span lengths differ");
        var whole = a.Length & ~3;
        ref var ra = ref MemoryMarshal.GetReference(a);
        ref var rb = ref MemoryMarshal.GetReference(b);
        ref var dst = ref MemoryMarshal.GetReference(destination);
        for (var i = 0; i < whole; i += 4)
            TFunction.Apply(Vector256.LoadUnsafe(ref ra, (nuint)i), Vector256.LoadUnsafe(ref rb, (nuint)i)).StoreUnsafe(ref dst, (nuint)i);
        if (whole == a.Length) return;
        Span<double> ta = stackalloc double[4];
        Span<double> tb = stackalloc double[4];
        a[whole..].CopyTo(ta);
        b[whole..].CopyTo(tb);
        TFunction.Apply(Vector256.Create<double>(ta), Vector256.Create<double>(tb)).CopyTo(ta);
        ta[..(a.Length - whole)].CopyTo(destination[whole..]);
    }

    /// <summary>destination[i] = F(a[i], b[i], c[i]).</summary>
    public static void Map<TFunction>(ReadOnlySpan<double> a, ReadOnlySpan<double> b, ReadOnlySpan<double> c, Span<double> destination)
        where TFunction : ILaneFunction3
    {
        if (a.Length != b.Length || a.Length != c.Length || destination.Length < a.Length) throw new ArgumentException("span lengths differ");
        var whole = a.Length & ~3;
        ref var ra = ref MemoryMarshal.GetReference(a);
        ref var rb = ref MemoryMarshal.GetReference(b);
        ref var rc = ref MemoryMarshal.GetReference(c);
        ref var dst = ref MemoryMarshal.GetReference(destination);
        for (var i = 0; i < whole; i += 4)
        {
            TFunction.Apply(Vector256.LoadUnsafe(ref ra, (nuint)i), Vector256.LoadUnsafe(ref rb, (nuint)i), Vector256.LoadUnsafe(ref rc, (nuint)i))
                .StoreUnsafe(ref dst, (nuint)i);
        }
        if (whole == a.Length) return;
        Span<double> ta = stackalloc double[4];
        Span<double> tb = stackalloc double[4];
        Span<double> tc = stackalloc double[4];
        a[whole..].CopyTo(ta);
        b[whole..].CopyTo(tb);
        c[whole..].CopyTo(tc);
        TFunction.Apply(Vector256.Create<double>(ta), Vector256.Create<double>(tb), Vector256.Create<double>(tc)).CopyTo(ta);
        ta[..(a.Length - whole)].CopyTo(destination[whole..]);
    }

    /// <summary>Applies a lane function to one scalar, through the same code as the loops.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Scalar<TFunction>(double x) where TFunction : ILaneFunction =>
        TFunction.Apply(Vector256.Create(x)).GetElement(0);

    /// <summary>Applies a two-lane function to one pair of scalars.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Scalar<TFunction>(double a, double b) where TFunction : ILaneFunction2 =>
        TFunction.Apply(Vector256.Create(a), Vector256.Create(b)).GetElement(0);
}
