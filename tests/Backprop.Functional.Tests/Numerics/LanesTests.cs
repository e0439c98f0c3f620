using System.Runtime.Intrinsics;
using Backprop.Functional.Numerics;
using Backprop.Functional.Tests.Support;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

using Lanes1 = Backprop.Functional.Numerics.Lanes<double, Backprop.Functional.Numerics.Widths>;
using Lanes4 = Backprop.Functional.Numerics.Lanes<System.Runtime.Intrinsics.Vector256<double>, Backprop.Functional.Numerics.Widths>;
using Lanes8 = Backprop.Functional.Numerics.Lanes<System.Runtime.Intrinsics.Vector512<double>, Backprop.Functional.Numerics.Widths>;

namespace Backprop.Functional.Tests.Numerics;

/// <summary>
/// Lanes&lt;TVector&gt; is the only code written per vector width: each operation names one
/// instruction (or, on one lane, one scalar operation) per width. Every one of them gives each of
/// eight lanes the bits it gives four, and the bits it gives one.
/// </summary>
public sealed class LanesTests
{
    /// <summary>Three operands of eight lanes each.</summary>
    public sealed record LanesCase(double[] A, double[] B, double[] C)
    {
        public override string ToString() => $"a [{string.Join(", ", A)}], b [{string.Join(", ", B)}], c [{string.Join(", ", C)}]";
    }

    public static class Cases
    {
        public static Arbitrary<LanesCase> Arbitrary() =>
            (from nan in Gen.Elements(SpecialValues.NaNs)
             from a in SpecialValues.Values(nan).ArrayOf(8)
             from b in SpecialValues.Values(nan).ArrayOf(8)
             from c in SpecialValues.Values(nan).ArrayOf(8)
             select new LanesCase(a, b, c)).ToArbitrary();
    }

    [Property(MaxTest = 3000, Arbitrary = [typeof(Cases)])]
    public Property Every_operation_gives_each_of_eight_lanes_the_bits_it_gives_four(LanesCase c)
    {
        var differ = new List<string>();
        void Check(string name, Func<Lanes8, Lanes8, Lanes8, Lanes8> eight, Func<Lanes4, Lanes4, Lanes4, Lanes4> four, Func<Lanes1, Lanes1, Lanes1, Lanes1> one, bool samePayloads = true)
        {
            Vector512<double> wide = eight(Vector512.Create(c.A), Vector512.Create(c.B), Vector512.Create(c.C));
            Vector256<double> low = four(Vector256.Create(c.A[..4]), Vector256.Create(c.B[..4]), Vector256.Create(c.C[..4]));
            Vector256<double> high = four(Vector256.Create(c.A[4..]), Vector256.Create(c.B[4..]), Vector256.Create(c.C[4..]));
            var (lanes, halves) = (new double[8], new double[8]);
            wide.CopyTo(lanes);
            low.CopyTo(halves);
            high.CopyTo(halves, 4);
            var singles = Enumerable.Range(0, 8).Select(i => (double)one(new Lanes1(c.A[i]), new Lanes1(c.B[i]), new Lanes1(c.C[i]))).ToArray();
            if (!Bits.Same(lanes, halves)) differ.Add($"{name} (four)");
            if (!samePayloads) (lanes, singles) = (lanes.Select(Canonical).ToArray(), singles.Select(Canonical).ToArray());
            if (!Bits.Same(lanes, singles)) differ.Add($"{name} (one)");
        }
        Check("+", (a, b, _) => a + b, (a, b, _) => a + b, (a, b, _) => a + b);
        Check("−", (a, b, _) => a - b, (a, b, _) => a - b, (a, b, _) => a - b);
        Check("×", (a, b, _) => a * b, (a, b, _) => a * b, (a, b, _) => a * b);
        Check("÷", (a, b, _) => a / b, (a, b, _) => a / b, (a, b, _) => a / b);
        Check("negate", (a, _, _) => -a, (a, _, _) => -a, (a, _, _) => -a);
        Check("multiply-add", Lanes8.MultiplyAdd, Lanes4.MultiplyAdd, Lanes1.MultiplyAdd);
        Check("min", (a, b, _) => Lanes8.Min(a, b), (a, b, _) => Lanes4.Min(a, b), (a, b, _) => Lanes1.Min(a, b));
        Check("max", (a, b, _) => Lanes8.Max(a, b), (a, b, _) => Lanes4.Max(a, b), (a, b, _) => Lanes1.Max(a, b));
        Check("abs", (a, _, _) => Lanes8.Abs(a), (a, _, _) => Lanes4.Abs(a), (a, _, _) => Lanes1.Abs(a));
        Check("<", (a, b, _) => a < b, (a, b, _) => a < b, (a, b, _) => a < b);
        Check(">", (a, b, _) => a > b, (a, b, _) => a > b, (a, b, _) => a > b);
        Check("≤", (a, b, _) => a <= b, (a, b, _) => a <= b, (a, b, _) => a <= b);
        Check("≥", (a, b, _) => a >= b, (a, b, _) => a >= b, (a, b, _) => a >= b);
        Check("equal", (a, b, _) => Lanes8.Equal(a, b), (a, b, _) => Lanes4.Equal(a, b), (a, b, _) => Lanes1.Equal(a, b));
        Check("select", (a, b, x) => Lanes8.Select(a < b, b, x), (a, b, x) => Lanes4.Select(a < b, b, x), (a, b, x) => Lanes1.Select(a < b, b, x));
        Check("and", (a, b, _) => a & b, (a, b, _) => a & b, (a, b, _) => a & b);
        Check("or", (a, b, _) => a | b, (a, b, _) => a | b, (a, b, _) => a | b);
        Check("add bits", (a, b, _) => Lanes8.AddBits(a, b), (a, b, _) => Lanes4.AddBits(a, b), (a, b, _) => Lanes1.AddBits(a, b));
        Check("subtract bits", (a, b, _) => Lanes8.SubtractBits(a, b), (a, b, _) => Lanes4.SubtractBits(a, b), (a, b, _) => Lanes1.SubtractBits(a, b));
        Check("shift left", (a, _, _) => Lanes8.ShiftLeftBits(a, 52), (a, _, _) => Lanes4.ShiftLeftBits(a, 52), (a, _, _) => Lanes1.ShiftLeftBits(a, 52));
        Check("shift right", (a, _, _) => Lanes8.ShiftRightBits(a, 1), (a, _, _) => Lanes4.ShiftRightBits(a, 1), (a, _, _) => Lanes1.ShiftRightBits(a, 1));
        Check("constants", (a, _, _) => a + Lanes8.One - (Lanes8)0.25 + Lanes8.FromBits(0x3FF8_0000_0000_0000) * Lanes8.Zero, (a, _, _) => a + Lanes4.One - (Lanes4)0.25 + Lanes4.FromBits(0x3FF8_0000_0000_0000) * Lanes4.Zero, (a, _, _) => a + Lanes1.One - new Lanes1(0.25) + Lanes1.FromBits(0x3FF8_0000_0000_0000) * Lanes1.Zero);
        Check("each number", (a, _, _) => DeterministicMath.Softplus(a), (a, _, _) => DeterministicMath.Softplus(a), (a, _, _) => DeterministicMath.Softplus(a));
        Check("maximum", (a, b, _) => Lanes8.Maximum(a, b), (a, b, _) => Lanes4.Maximum(a, b), (a, b, _) => Lanes1.Maximum(a, b), samePayloads: false);
        Check("square root", (a, _, _) => Lanes8.Sqrt(a), (a, _, _) => Lanes4.Sqrt(a), (a, _, _) => Lanes1.Sqrt(a));
        return (differ.Count == 0).Label($"differ: {string.Join(", ", differ)}");
    }

    [Property(MaxTest = 500, Arbitrary = [typeof(Cases)])]
    public Property Comparisons_set_every_bit_of_a_lane_exactly_where_the_comparison_of_its_numbers_holds(LanesCase c)
    {
        var (a, b) = ((Lanes8)Vector512.Create(c.A), (Lanes8)Vector512.Create(c.B));
        var wrong = new List<string>();
        void Check(string name, Lanes8 mask, Func<double, double, bool> holds)
        {
            var lanes = new double[8];
            ((Vector512<double>)mask).CopyTo(lanes);
            for (var i = 0; i < 8; i++)
                if (BitConverter.DoubleToInt64Bits(lanes[i]) != (holds(c.A[i], c.B[i]) ? -1L : 0L)) wrong.Add($"{name} at lane {i}");
        }
        Check("<", a < b, (x, y) => x < y);
        Check(">", a > b, (x, y) => x > y);
        Check("≤", a <= b, (x, y) => x <= y);
        Check("≥", a >= b, (x, y) => x >= y);
        Check("equal", Lanes8.Equal(a, b), (x, y) => x == y);
        return (wrong.Count == 0).Label(string.Join(", ", wrong));
    }

    [Fact]
    public void One_lane_is_always_available_and_the_vector_widths_are_the_hardwares()
    {
        Assert.True(Lanes1.IsHardwareAccelerated);
        Assert.Equal(Vector256.IsHardwareAccelerated, Lanes4.IsHardwareAccelerated);
        Assert.Equal(Vector512.IsHardwareAccelerated, Lanes8.IsHardwareAccelerated);
        Assert.Equal((1, 4, 8), (Lanes1.Count, Lanes4.Count, Lanes8.Count));
    }

    // Math.Max (one lane) and the vector maximum agree on every number and on where NaN comes out,
    // not always on a signalling NaN's payload; an update that meets NaN is refused either way.
    private static double Canonical(double x) => double.IsNaN(x) ? double.NaN : x;

    [Fact]
    public void Min_and_max_return_their_second_operand_where_either_is_nan()
    {
        var nan = BitConverter.Int64BitsToDouble(0x7FF8_0000_0000_0456);
        Assert.True(Bits.Same(nan, Lanes4.Max(1.0, nan).First));
        Assert.True(Bits.Same(2.0, Lanes4.Max(nan, 2.0).First));
        Assert.True(Bits.Same(nan, Lanes4.Min(1.0, nan).First));
        Assert.True(Bits.Same(2.0, Lanes4.Min(nan, 2.0).First));
    }
}
