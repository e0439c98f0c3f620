using LanguageExt;

namespace Backprop.Functional;

/// <summary>
/// When an analytic gradient a passes against its finite difference n: the relative error
/// |a − n| / max(|a|, |n|, floor) is at most <paramref name="Relative"/>, with
/// floor = <paramref name="AbsoluteFloor"/>·max(1, |L|). Like torch.autograd.gradcheck's
/// |a − n| ≤ atol + rtol·|n|, with rtol = Relative and atol = Relative·floor (by default
/// 1e-6 and 1e-10·max(1, |L|)): gradients below the floor are compared absolutely.
/// </summary>
/// <param name="Relative">The largest relative error that passes (default 1e-6).</param>
/// <param name="AbsoluteFloor">Below this gradient size, relative to max(1, |L|), errors are compared absolutely (default 1e-4).</param>
/// <remarks>
/// The fourth-order difference with h = 1e-4 carries about 3e-12·|L| of rounding noise and an
/// O(h⁴) ≈ 1e-16 truncation error on smooth losses, so a correct gradient's error stays near
/// 1e-11·max(1, |L|), a decade below the absolute bound; a 1% error in backward is 1e-2 relative,
/// four decades above the relative one. A relu-family unit whose pre-activation lies within 2h
/// of its kink makes the finite difference meaningless there, and may fail the check.
/// </remarks>
public sealed record GradCheckTolerance(double Relative = GradCheckTolerance.DefaultRelative, double AbsoluteFloor = GradCheckTolerance.DefaultAbsoluteFloor)
{
    /// <summary>The default largest relative error.</summary>
    public const double DefaultRelative = 1e-6;

    /// <summary>The default absolute floor, relative to max(1, |L|).</summary>
    public const double DefaultAbsoluteFloor = 1e-4;

    /// <summary>The floor for a loss of <paramref name="loss"/>: AbsoluteFloor·max(1, |L|).</summary>
    public double FloorAt(double loss) => AbsoluteFloor * Math.Max(1, double.IsFinite(loss) ? Math.Abs(loss) : 1);

    /// <summary>A tolerance whose relative error is <paramref name="relative"/>: refused unless it is finite and &gt; 0.</summary>
    public static Fin<GradCheckTolerance> Of(double relative, string setting = "gradient check tolerance") =>
        double.IsFinite(relative) && relative > 0
            ? new GradCheckTolerance(relative)
            : new OutOfRange(setting, relative, "> 0 and finite");
}

/// <summary>One tensor's comparison: its largest absolute and largest relative error, each with where it is.</summary>
/// <param name="Tensor">The tensor's name (layers.{i}.weight or layers.{i}.bias), as in the weights file.</param>
/// <param name="Parameters">How many parameters it holds.</param>
/// <param name="LargestAbsolute">The parameter with the largest |analytic − numeric|.</param>
/// <param name="LargestRelative">The parameter with the largest relative error.</param>
/// <param name="AbsoluteError">|analytic − numeric| of <paramref name="LargestAbsolute"/>.</param>
/// <param name="RelativeError">The relative error of <paramref name="LargestRelative"/>.</param>
/// <param name="Passed">Whether every parameter's relative error is within the tolerance (false when any is NaN).</param>
public sealed record TensorCheck(
    string Tensor, int Parameters, GradientComparison LargestAbsolute, GradientComparison LargestRelative, double AbsoluteError, double RelativeError, bool Passed);

/// <summary>A gradient check of a whole network: every tensor's largest errors and the tolerance they were held to.</summary>
/// <param name="Tensors">Per tensor, in the network's order (each layer's weight, then its bias).</param>
/// <param name="Loss">The loss L at the checked parameters.</param>
/// <param name="Rows">The data rows the loss is the mean over.</param>
/// <param name="Step">The finite difference's step h.</param>
/// <param name="Tolerance">The tolerance.</param>
/// <param name="Floor">The absolute floor used: Tolerance.AbsoluteFloor·max(1, |L|).</param>
public sealed record GradCheckReport(Arr<TensorCheck> Tensors, double Loss, int Rows, double Step, GradCheckTolerance Tolerance, double Floor)
{
    /// <summary>Whether every tensor passed.</summary>
    public bool Passed => Tensors.ForAll(t => t.Passed);

    /// <summary>The tensors that did not pass.</summary>
    public Arr<TensorCheck> Failed => Tensors.Filter(t => !t.Passed);

    /// <summary>Checks the gradient backward computes (<see cref="Training.Gradient"/>, i.e. <see cref="Backward.Run"/>).</summary>
    public static GradCheckReport Of(Network network, Loss loss, Dataset data, GradCheckTolerance tolerance, double step = GradCheck.DefaultStep) =>
        Of(network, loss, data, Training.Gradient(network, loss, data), tolerance, step);

    /// <summary>
    /// Checks <paramref name="analytic"/>, a gradient claimed for (network, loss, data), against the
    /// fourth-order central difference of the loss (<see cref="GradCheck.Compare(Network, Loss, Dataset, Gradients, double)"/>).
    /// </summary>
    public static GradCheckReport Of(Network network, Loss loss, Dataset data, Gradients analytic, GradCheckTolerance tolerance, double step = GradCheck.DefaultStep)
    {
        var value = Training.Loss(network, loss, data);
        var floor = tolerance.FloorAt(value);
        var tensors = GradCheck.Compare(network, loss, data, analytic, step)
            .GroupBy(c => c.Tensor)
            .Select(g => Summary(g.Key, g.ToArray(), floor, tolerance.Relative))
            .ToArr();
        return new GradCheckReport(tensors, value, data.Rows, step, tolerance, floor);
    }

    private static TensorCheck Summary(string tensor, GradientComparison[] comparisons, double floor, double relative)
    {
        // NaN sorts as the largest error: a NaN anywhere is the first thing to show.
        static double Worst(double e) => double.IsNaN(e) ? double.PositiveInfinity : e;
        var byAbsolute = comparisons.MaxBy(c => Worst(Math.Abs(c.Analytic - c.Numeric)))!;
        var byRelative = comparisons.MaxBy(c => Worst(c.RelativeError(floor)))!;
        var passed = comparisons.All(c => c.RelativeError(floor) <= relative);
        return new TensorCheck(tensor, comparisons.Length, byAbsolute, byRelative, Math.Abs(byAbsolute.Analytic - byAbsolute.Numeric), byRelative.RelativeError(floor), passed);
    }
}
