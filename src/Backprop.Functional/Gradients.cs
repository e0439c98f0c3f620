using System.Runtime.Intrinsics;
using Backprop.Functional.Numerics;
using LanguageExt;
using MathNet.Numerics.LinearAlgebra;

namespace Backprop.Functional;

/// <summary>dL/dW [out, in] and dL/db [out] of one layer.</summary>
public sealed record LayerGradients(Matrix<double> Weight, Vector<double> Bias);

/// <summary>
/// A value with the network's shape: one <see cref="LayerGradients"/> per layer. Besides
/// gradients it carries optimizer updates and moments, which have the same shape (as in
/// Optax and Haskell's backprop). Gradients form a monoid under <see cref="Add"/> with
/// <see cref="Zero"/> as the neutral element.
/// </summary>
public sealed record Gradients(Arr<LayerGradients> Layers)
{
    /// <summary>All zeros, shaped like <paramref name="network"/>.</summary>
    public static Gradients Zero(Network network) =>
        new(network.Layers.Map(l => new LayerGradients(
            Dense.Matrix(l.Weight.RowCount, l.Weight.ColumnCount, new double[l.Weight.RowCount * l.Weight.ColumnCount]),
            Dense.Vector(new double[l.Bias.Count]))));

    /// <summary>Element-wise sum (the monoid operation).</summary>
    public Gradients Add(Gradients other) => Combine(other, static (a, b) => a + b);

    /// <summary>Every element multiplied by <paramref name="factor"/>.</summary>
    public Gradients Scale(double factor) => Map(v => factor * v);

    /// <summary>
    /// Every element g turned into the descent step −(rate·g): what <c>Map(g => -(rate * g))</c>
    /// gives, bit for bit, without a delegate call per element (it runs on every parameter
    /// of every step).
    /// </summary>
    internal Gradients DescentSteps(double rate) =>
        new(Layers.Map(l => new LayerGradients(
            Dense.Matrix(l.Weight.RowCount, l.Weight.ColumnCount, DescentSteps(Dense.Data(l.Weight), rate)),
            Dense.Vector(DescentSteps(Dense.Data(l.Bias), rate)))));

    /// <summary>
    /// The L2 norm of every element of every tensor together, √(Σ over the tensors of Σ g²): the
    /// total norm PyTorch's <c>clip_grad_norm_</c> compares with its maximum. The order of the sums
    /// is fixed (see <see cref="Numerics.GlobalNorm"/>), so the fused training step, which calls
    /// the same routine, gets the same bits.
    /// </summary>
    public double GlobalNorm() => Numerics.GlobalNorm.Of([.. Tensors().Select(t => t.Values)]);

    /// <summary>Applies <paramref name="f"/> to every element.</summary>
    public Gradients Map(Func<double, double> f) =>
        new(Layers.Map(l => new LayerGradients(MapMatrix(l.Weight, f), MapVector(l.Bias, f))));

    /// <summary>Combines two same-shaped values element by element.</summary>
    public Gradients Combine(Gradients other, Func<double, double, double> f)
    {
        if (other.Layers.Count != Layers.Count) throw new ArgumentException("gradients have different layer counts");
        return new(Layers.Zip(other.Layers).Select(p => new LayerGradients(
            ZipMatrix(p.Item1.Weight, p.Item2.Weight, f), ZipVector(p.Item1.Bias, p.Item2.Bias, f))).ToArr());
    }

    /// <summary>Every tensor in a fixed order: layer 0 weight, layer 0 bias, layer 1 weight, …</summary>
    public IEnumerable<(string Name, double[] Values)> Tensors() =>
        Layers.SelectMany((l, i) => new[] { ($"layers.{i}.weight", Dense.Data(l.Weight)), ($"layers.{i}.bias", Dense.Data(l.Bias)) });

    /// <summary>True when every element has the same bits as in <paramref name="other"/>.</summary>
    public bool BitEquals(Gradients other) =>
        Layers.Count == other.Layers.Count &&
        Layers.Zip(other.Layers).All(p => Dense.BitEqual(p.Item1.Weight, p.Item2.Weight) && Dense.BitEqual(p.Item1.Bias, p.Item2.Bias));

    private static Matrix<double> MapMatrix(Matrix<double> m, Func<double, double> f) =>
        Dense.Matrix(m.RowCount, m.ColumnCount, MapArray(Dense.Data(m), f));

    private static Vector<double> MapVector(Vector<double> v, Func<double, double> f) =>
        Dense.Vector(MapArray(Dense.Data(v), f));

    private static double[] DescentSteps(double[] g, double rate)
    {
        var steps = GC.AllocateUninitializedArray<double>(g.Length);
        var factor = Vector256.Create(rate);
        var i = 0;
        for (; i + 4 <= g.Length; i += 4)
            (-(factor * Vector256.Create(g.AsSpan(i, 4)))).CopyTo(steps.AsSpan(i, 4));
        for (; i < g.Length; i++) steps[i] = -(rate * g[i]);
        return steps;
    }

    // One delegate call per element and no zeroing: this runs on every parameter every step.
    private static double[] MapArray(double[] values, Func<double, double> f)
    {
        var result = GC.AllocateUninitializedArray<double>(values.Length);
        for (var i = 0; i < values.Length; i++) result[i] = f(values[i]);
        return result;
    }

    private static Matrix<double> ZipMatrix(Matrix<double> a, Matrix<double> b, Func<double, double, double> f)
    {
        if (a.RowCount != b.RowCount || a.ColumnCount != b.ColumnCount) throw new ArgumentException("shapes differ");
        return Dense.Matrix(a.RowCount, a.ColumnCount, Zip(Dense.Data(a), Dense.Data(b), f));
    }

    private static Vector<double> ZipVector(Vector<double> a, Vector<double> b, Func<double, double, double> f)
    {
        if (a.Count != b.Count) throw new ArgumentException("lengths differ");
        return Dense.Vector(Zip(Dense.Data(a), Dense.Data(b), f));
    }

    private static double[] Zip(double[] a, double[] b, Func<double, double, double> f)
    {
        var result = GC.AllocateUninitializedArray<double>(a.Length);
        for (var i = 0; i < a.Length; i++) result[i] = f(a[i], b[i]);
        return result;
    }
}
