using Backprop.Functional.Numerics;
using Backprop.Functional.Tests.Support;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Backprop.Functional.Tests;

/// <summary>
/// Softmax's own backward rule, dz = h ⊙ (dh − Σ dh ⊙ h). Cross-entropy never calls it (its
/// gradient is fused), so these laws exercise it directly and under every other loss softmax can meet.
/// </summary>
public sealed class SoftmaxBackwardTests
{
    /// <summary>A batch of logits and an upstream gradient dh of the same shape, regenerated from a seed.</summary>
    public sealed record JacobianCase(int Rows, int Columns, ulong Seed)
    {
        public (double[] Z, double[] Dh) Draw()
        {
            var (z, rng) = Rng.FromSeed(Seed).Normals(Rows * Columns, 0, 3);
            var (dh, _) = rng.Normals(Rows * Columns, 0, 1);
            return (z, dh);
        }

        public static Arbitrary<JacobianCase> Cases() => Arb.From(
            from rows in Gen.Choose(1, 4)
            from columns in Gen.Choose(2, 6)
            from seed in Gen.Choose(0, int.MaxValue)
            select new JacobianCase(rows, columns, (ulong)seed));
    }

    /// <summary>φ(z) = Σ dh ⊙ softmax(z): its gradient is exactly what the backward rule returns.</summary>
    private static double Projected(double[] z, double[] dh, int rows, int columns)
    {
        var h = Softmax.Instance.Apply(Dense.FromRowMajor(rows, columns, z));
        var dhMatrix = Dense.FromRowMajor(rows, columns, dh);
        return h.PointwiseMultiply(dhMatrix).Enumerate().Sum();
    }

    [Property(MaxTest = 300, Arbitrary = [typeof(JacobianCase)])]
    public Property Softmax_backward_is_the_gradient_of_the_upstream_projection(JacobianCase c)
    {
        var (z, dh) = c.Draw();
        var zMatrix = Dense.FromRowMajor(c.Rows, c.Columns, z);
        var dz = Softmax.Instance.Backpropagate(zMatrix, Softmax.Instance.Apply(zMatrix), Dense.FromRowMajor(c.Rows, c.Columns, dh));
        const double Step = 1e-5;
        var worst = 0.0;
        var at = "";
        for (var r = 0; r < c.Rows; r++)
            for (var col = 0; col < c.Columns; col++)
            {
                double At(double shift)
                {
                    var moved = (double[])z.Clone();
                    moved[r * c.Columns + col] += shift;
                    return Projected(moved, dh, c.Rows, c.Columns);
                }
                var numeric = (At(Step) - At(-Step)) / (2 * Step);
                // |φ| ≤ max |dh| ~ a few, so central-difference error (~1e-10) sits far below 1e-7.
                var error = Math.Abs(dz[r, col] - numeric) / Math.Max(1, Math.Abs(numeric));
                if (error > worst) (worst, at) = (error, $"[{r},{col}]: backward {dz[r, col]:R}, finite difference {numeric:R}");
            }
        return (worst <= 1e-7).Label($"{at}, relative error {worst:E2}");
    }

    /// <summary>Every loss that accepts a softmax output (now mse, and cross-entropy through its fused gradient).</summary>
    public static class SoftmaxUnderAnyLoss
    {
        internal static readonly string[] Losses =
            [.. Loss.All.Where(l => l.WithOutputActivation(Softmax.Instance).IsSucc).Select(l => l.Name)];

        public static Arbitrary<NetworkCase> Cases()
        {
            var arbitraries = Losses.Select(loss =>
                NetworkCase.Arbitrary(["sigmoid", "tanh", "softplus", "identity"], loss, "softmax", minOutputs: 2)).ToArray();
            return Arb.From(
                Gen.OneOf(arbitraries.Select(a => a.Generator)),
                c => arbitraries[Array.IndexOf(Losses, c.LossName)].Shrinker(c));
        }
    }

    [Fact]
    public void Softmax_meets_more_than_the_loss_it_is_fused_with()
    {
        // If only cross-entropy accepted softmax, the law below would never reach its backward rule.
        Assert.Contains("mse", SoftmaxUnderAnyLoss.Losses);
        Assert.Contains("cross-entropy", SoftmaxUnderAnyLoss.Losses);
    }

    [Property(MaxTest = 300, Arbitrary = [typeof(SoftmaxUnderAnyLoss)])]
    public Property Backward_through_a_softmax_output_matches_finite_differences_under_every_loss(NetworkCase c) =>
        BackwardTests.MatchesFiniteDifferences(c);

    [Fact]
    public void Softmax_stays_finite_for_logits_past_the_overflow_of_exp()
    {
        // e^710 overflows: only the row maximum subtracted (wherever it sits in the row) keeps these finite.
        var z = Dense.FromRowMajor(2, 3, [1000, 999, -1000, -1000, 1000, 999]);
        var h = Softmax.Instance.Apply(z);
        var (big, small) = (1 / (1 + Math.Exp(-1)), Math.Exp(-1) / (1 + Math.Exp(-1)));
        Assert.Equal([big, small, 0, 0, big, small], [h[0, 0], h[0, 1], h[0, 2], h[1, 0], h[1, 1], h[1, 2]], new Tolerance(1e-15));
    }

    [Fact]
    public void Cross_entropy_of_logits_past_the_overflow_of_exp_is_exact()
    {
        // log-sum-exp of (−1000, 1000) is 1000 (the other term is e^−2000): a loss of 2000 for the
        // first class, 0 for the second; a maximum taken from the wrong column overflows to ∞ or NaN.
        var z = Dense.FromRowMajor(2, 2, [-1000, 1000, 1000, -1000]);
        var y = Dense.FromRowMajor(2, 2, [1, 0, 1, 0]);
        Assert.Equal(1000, CrossEntropy.Value(ColumnMajor.Of(z), ColumnMajor.Of(y)));
    }

    private sealed class Tolerance(double absolute) : IEqualityComparer<double>
    {
        public bool Equals(double a, double b) => Math.Abs(a - b) <= absolute;

        public int GetHashCode(double value) => 0;
    }
}
