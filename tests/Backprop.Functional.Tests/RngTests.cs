using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Backprop.Functional.Tests;

/// <summary>
/// The generator checked against the outside world, not only against itself: SplitMix64's
/// published outputs, unbiased bounded draws, shuffles that move elements, and normal draws
/// with the asked-for moments. Every statistical check uses fixed seeds, so it cannot flake.
/// </summary>
public sealed class RngTests
{
    [Fact]
    public void The_generator_is_SplitMix64_value_for_value()
    {
        // Vigna's splitmix64.c seeded with 0: published test vectors.
        ulong[] expected = [0xE220A8397B1DCDAFUL, 0x6E789E6AA1B965F4UL, 0x06C45D188009454FUL, 0xF88BB8A8724C81ECUL];
        var rng = new Rng(0);
        foreach (var value in expected)
        {
            (var actual, rng) = rng.NextUInt64();
            Assert.Equal(value, actual);
        }
    }

    [Fact]
    public void A_normal_pair_is_the_polar_method_on_the_next_two_doubles()
    {
        // Seed 3's first two doubles fall inside the unit circle: the first pair takes no rejection.
        var rng = new Rng(3);
        (var a, var after) = rng.NextDouble();
        (var b, after) = after.NextDouble();
        var (u, v) = (2 * a - 1, 2 * b - 1);
        var s = u * u + v * v;
        Assert.InRange(s, double.Epsilon, 1 - 1e-9);
        var factor = Math.Sqrt(-2 * Functional.Numerics.DeterministicMath.Log(s) / s);
        var (values, next) = rng.Normals(2, 5, 2);
        Assert.Equal([5 + 2 * (u * factor), 5 + 2 * (v * factor)], values);
        Assert.Equal(after, next);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(7)]
    public void A_permutation_of_n_takes_one_bounded_draw_for_each_of_its_last_n_minus_one_places(int n)
    {
        var rng = new Rng(11);
        var expected = Enumerable.Range(0, n).ToArray();
        var after = rng;
        for (var i = n - 1; i > 0; i--)
        {
            (var j, after) = after.NextInt(i + 1);
            (expected[i], expected[j]) = (expected[j], expected[i]);
        }
        var (order, next) = rng.Permutation(n);
        Assert.Equal(expected, order.ToArray());
        Assert.Equal(after, next);
    }

    [Fact]
    public void A_double_is_the_top_53_bits_of_the_next_number_scaled_into_the_unit_interval()
    {
        Assert.Equal((0xE220A8397B1DCDAFUL >> 11) * Math.Pow(2, -53), new Rng(0).NextDouble().Value);
        Assert.Equal("000000000000001f", new Rng(0x1F).ToHex());
    }

    [Property(MaxTest = 200)]
    public Property Split_gives_two_generators_unlike_each_other_and_their_parent(ulong seed)
    {
        var parent = Rng.FromSeed(seed);
        var (left, right) = parent.Split();
        return (left != right && left != parent && right != parent && left.NextUInt64().Value != right.NextUInt64().Value)
            .Label($"left {left.ToHex()}, right {right.ToHex()}, parent {parent.ToHex()}");
    }

    [Property(MaxTest = 300)]
    public Property A_bounded_draw_lies_in_its_range(PositiveInt bound, ulong seed)
    {
        var (value, _) = Rng.FromSeed(seed).NextInt(bound.Get);
        return (value >= 0 && value < bound.Get).Label($"{value} for bound {bound.Get}");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(int.MinValue)]
    public void A_bounded_draw_refuses_a_bound_below_one(int bound) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new Rng(0).NextInt(bound));

    [Fact]
    public void A_bounded_draw_is_unbiased_where_plain_multiplication_would_favour_two_values_in_three()
    {
        // For bound 3·2^29 the high 32 bits map 3, 3, 2 of them onto values ≡ 0, 1, 2 (mod 3): without
        // Lemire's rejection a value ≡ 2 comes up a quarter of the time instead of a third.
        const int Bound = 3 << 29;
        var rng = Rng.FromSeed(7);
        var third = 0;
        const int Draws = 6000;
        for (var i = 0; i < Draws; i++)
        {
            (var value, rng) = rng.NextInt(Bound);
            if (value % 3 == 2) third++;
        }
        // One standard deviation is 0.006: the biased draw would sit 14 of them away.
        Assert.InRange(third / (double)Draws, 1.0 / 3 - 0.03, 1.0 / 3 + 0.03);
    }

    [Theory]
    [InlineData(0, true)]
    [InlineData(-1, false)]
    public void A_bounded_draw_keeps_the_product_whose_low_half_reaches_the_threshold_and_rejects_the_one_below(int offset, bool kept)
    {
        // An odd bound, so that a high half x with (x·bound) mod 2^32 equal to any value exists.
        const uint Bound = (3u << 29) + 1;
        var threshold = unchecked((uint)-(int)Bound) % Bound;
        var x = unchecked((threshold + (uint)offset) * Inverse32(Bound));
        var before = new Rng(unchecked(Unmix((ulong)x << 32) - 0x9E37_79B9_7F4A_7C15UL));
        var (value, after) = before.NextInt((int)Bound);
        var oneDraw = before.NextUInt64().Next;
        Assert.Equal(kept, after == oneDraw);
        if (kept) Assert.Equal((int)(((ulong)x * Bound) >> 32), value);
    }

    [Property(MaxTest = 200)]
    public Property A_permutation_holds_each_index_once(ulong seed, byte size)
    {
        var n = size % 40;
        var (permutation, _) = Rng.FromSeed(seed).Permutation(n);
        return permutation.OrderBy(i => i).SequenceEqual(Enumerable.Range(0, n)).Label($"{string.Join(",", permutation)}");
    }

    [Fact]
    public void A_permutation_puts_every_element_everywhere_about_equally_often()
    {
        const int N = 4, Seeds = 2400;
        var counts = new int[N, N];
        for (var seed = 0UL; seed < Seeds; seed++)
        {
            var (permutation, _) = Rng.FromSeed(seed).Permutation(N);
            for (var position = 0; position < N; position++) counts[permutation[position], position]++;
        }
        // 600 expected per cell, one standard deviation 21.
        foreach (var count in counts) Assert.InRange(count, 500, 700);
    }

    [Fact]
    public void Normal_draws_have_the_asked_for_mean_and_spread_in_both_halves_of_each_pair()
    {
        // The polar method makes two values per accepted point: check each half on its own.
        var (values, _) = Rng.FromSeed(5).Normals(20_000, 3, 2);
        foreach (var half in new[] { 0, 1 })
        {
            var sample = values.Where((_, i) => i % 2 == half).ToArray();
            var mean = sample.Average();
            var std = Math.Sqrt(sample.Sum(v => (v - mean) * (v - mean)) / (sample.Length - 1));
            // Standard errors: 0.02 for the mean, 0.014 for the spread.
            Assert.InRange(mean, 2.9, 3.1);
            Assert.InRange(std, 1.94, 2.06);
        }
    }

    [Property(MaxTest = 100)]
    public Property An_odd_count_of_normals_is_the_prefix_of_the_next_even_count(ulong seed, byte half)
    {
        var count = 2 * (half % 20) + 1;
        var rng = Rng.FromSeed(seed);
        var (odd, _) = rng.Normals(count, 0, 1);
        var (even, _) = rng.Normals(count + 1, 0, 1);
        return odd.SequenceEqual(even[..count]).Label("the odd count differs from the even one's prefix");
    }

    [Fact]
    public void Uniform_draws_fill_their_interval_with_the_right_mean()
    {
        var (values, _) = Rng.FromSeed(9).Uniforms(10_000, -2, 6);
        Assert.All(values, v => Assert.InRange(v, -2, 6 - 1e-12));
        // Standard error 0.023.
        Assert.InRange(values.Average(), 1.9, 2.1);
    }

    /// <summary>The multiplicative inverse of an odd number modulo 2^32 (Newton's iteration).</summary>
    private static uint Inverse32(uint a)
    {
        var inverse = a;
        for (var i = 0; i < 5; i++) inverse = unchecked(inverse * (2 - a * inverse));
        return inverse;
    }

    private static ulong Inverse64(ulong a)
    {
        var inverse = a;
        for (var i = 0; i < 6; i++) inverse = unchecked(inverse * (2 - a * inverse));
        return inverse;
    }

    private static ulong UndoXorShift(ulong y, int shift)
    {
        var x = y;
        for (var i = 0; i < 64 / shift + 1; i++) x = y ^ (x >> shift);
        return x;
    }

    /// <summary>The state whose SplitMix64 output is <paramref name="output"/> (every step of the mix is a bijection).</summary>
    private static ulong Unmix(ulong output)
    {
        var z = UndoXorShift(output, 31);
        z = UndoXorShift(unchecked(z * Inverse64(0x94D0_49BB_1331_11EBUL)), 27);
        return UndoXorShift(unchecked(z * Inverse64(0xBF58_476D_1CE4_E5B9UL)), 30);
    }
}
