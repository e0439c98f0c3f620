using System.Runtime.CompilerServices;
using LanguageExt;

namespace Backprop.Functional;

/// <summary>
/// A pure, splittable random number generator (SplitMix64, Steele et al. 2014). It is a value:
/// every draw returns the number and the next generator, so a training state can hold it,
/// save it and replay from it. No global or hidden state.
/// </summary>
public readonly record struct Rng(ulong State)
{
    private const ulong Gamma = 0x9E37_79B9_7F4A_7C15UL;

    /// <summary>A generator for a user-visible seed (the seed is scrambled so that 0, 1, 2 … start far apart).</summary>
    public static Rng FromSeed(ulong seed) => new(Mix(seed ^ 0x6A09_E667_F3BC_C909UL));

    /// <summary>A uniformly distributed 64-bit number.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public (ulong Value, Rng Next) NextUInt64()
    {
        var state = State + Gamma;
        return (Mix(state), new Rng(state));
    }

    /// <summary>A uniform double in [0, 1) with 53 random bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public (double Value, Rng Next) NextDouble()
    {
        var (bits, next) = NextUInt64();
        return ((bits >> 11) * (1.0 / (1UL << 53)), next);
    }

    /// <summary>A uniform integer in [0, <paramref name="bound"/>), without modulo bias (Lemire's method).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public (int Value, Rng Next) NextInt(int bound)
    {
        if (bound <= 0) throw new ArgumentOutOfRangeException(nameof(bound));
        var rng = this;
        while (true)
        {
            (var bits, rng) = rng.NextUInt64();
            var product = (UInt128)(bits >> 32) * (uint)bound;
            var low = (uint)product;
            if (low >= (uint)(-bound) % (uint)bound) return ((int)(product >> 32), rng);
        }
    }

    /// <summary>Two independent generators; the original should not be used again.</summary>
    public (Rng Left, Rng Right) Split()
    {
        var (a, next) = NextUInt64();
        var (b, _) = next.NextUInt64();
        return (new Rng(a), new Rng(b));
    }

    /// <summary><paramref name="count"/> samples of N(mean, std²) by Marsaglia's polar method.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public (double[] Values, Rng Next) Normals(int count, double mean, double std)
    {
        var values = new double[count];
        var rng = this;
        for (var i = 0; i < count; i += 2)
        {
            double u, v, s;
            do
            {
                (u, rng) = rng.NextDouble();
                (v, rng) = rng.NextDouble();
                u = 2 * u - 1;
                v = 2 * v - 1;
                s = u * u + v * v;
            } while (s >= 1 || s == 0);
            var factor = Math.Sqrt(-2 * Numerics.DeterministicMath.Log(s) / s);
            values[i] = mean + std * (u * factor);
            if (i + 1 < count) values[i + 1] = mean + std * (v * factor);
        }
        return (values, rng);
    }

    /// <summary><paramref name="count"/> samples of U(low, high).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public (double[] Values, Rng Next) Uniforms(int count, double low, double high)
    {
        var values = new double[count];
        var rng = this;
        for (var i = 0; i < count; i++)
        {
            (var u, rng) = rng.NextDouble();
            values[i] = low + (high - low) * u;
        }
        return (values, rng);
    }

    /// <summary>A uniformly random permutation of 0 … n−1 (Fisher–Yates).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public (Arr<int> Permutation, Rng Next) Permutation(int n)
    {
        var order = new int[n];
        for (var i = 0; i < n; i++) order[i] = i;
        var rng = this;
        for (var i = n - 1; i > 0; i--)
        {
            (var j, rng) = rng.NextInt(i + 1);
            (order[i], order[j]) = (order[j], order[i]);
        }
        return (new Arr<int>(order), rng);
    }

    /// <summary>The generator's state as 16 hex digits (how saved files hold it).</summary>
    public string ToHex() => State.ToString("x16", System.Globalization.CultureInfo.InvariantCulture);

    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58_476D_1CE4_E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D0_49BB_1331_11EBUL;
        return z ^ (z >> 31);
    }
}
