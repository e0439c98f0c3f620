using Backprop.Functional.Numerics;
using LanguageExt;
using LanguageExt.Common;
using MathNet.Numerics.LinearAlgebra;

namespace Backprop.Functional;

/// <summary>
/// A layer's non-linearity h = f(z) together with its backward rule, micrograd-style: the
/// forward function and its derivative live side by side in one small type.
/// </summary>
public abstract record Activation
{
    /// <summary>The name used on the command line and in saved files.</summary>
    public abstract string Name { get; }

    /// <summary>Whether this activation may sit on a hidden layer (softmax may not).</summary>
    public virtual bool AllowedOnHiddenLayers => true;

    /// <summary>h = f(z) for a batch (rows = samples). Returns a new matrix.</summary>
    public abstract Matrix<double> Apply(Matrix<double> z);

    /// <summary>The chain rule through f: dL/dz from dL/dh, given z and h = f(z). Returns a new matrix.</summary>
    public abstract Matrix<double> Backpropagate(Matrix<double> z, Matrix<double> h, Matrix<double> dh);

    /// <summary>
    /// The fused training step's forward rule on raw column-major storage: adds the bias to z
    /// in place, then writes h = f(z), the same bits as <see cref="Forward.PreActivation"/>
    /// followed by <see cref="Apply"/>. The built-in activations override it with one pass;
    /// this fallback goes through the public methods. Without <paramref name="keepPreActivation"/>
    /// z may be left as it was (the caller will not read it again).
    /// </summary>
    internal virtual void AddBiasAndApply(Span<double> z, ReadOnlySpan<double> bias, Span<double> h, int rows, bool keepPreActivation)
    {
        Elementwise.AddBias(z, bias, rows);
        var length = rows * bias.Length;
        Dense.Data(Apply(Dense.Matrix(rows, bias.Length, z[..length].ToArray()))).CopyTo(h);
    }

    /// <summary>
    /// Whether <see cref="Backpropagate"/> reads z (relu's slope does; sigmoid's and tanh's are
    /// written in h alone): if not, the fused step need not keep a hidden layer's z.
    /// </summary>
    internal virtual bool DerivativeReadsPreActivation => true;

    /// <summary>
    /// The fused training step's backward rule: turns dL/dh into dL/dz in place, the same bits
    /// as <see cref="Backpropagate"/>. The built-in activations override it with one pass.
    /// </summary>
    internal virtual void BackpropagateInPlace(ReadOnlySpan<double> z, ReadOnlySpan<double> h, Span<double> dh, int rows, int columns)
    {
        var length = rows * columns;
        var dz = Backpropagate(Dense.Matrix(rows, columns, z[..length].ToArray()), Dense.Matrix(rows, columns, h[..length].ToArray()), Dense.Matrix(rows, columns, dh[..length].ToArray()));
        Dense.Data(dz).CopyTo(dh);
    }

    /// <inheritdoc/>
    public sealed override string ToString() => Name;

    /// <summary>Every activation by name.</summary>
    public static IReadOnlyList<Activation> All { get; } =
        [Sigmoid.Instance, Tanh.Instance, Relu.Instance, LeakyRelu.Instance, Softplus.Instance, Identity.Instance, Softmax.Instance];

    /// <summary>The names accepted by <see cref="Parse"/>.</summary>
    public static string Names => string.Join("|", All.Select(a => a.Name));

    /// <summary>Looks an activation up by name.</summary>
    public static Fin<Activation> Parse(string name) =>
        All.FirstOrDefault(a => string.Equals(a.Name, name?.Trim(), StringComparison.OrdinalIgnoreCase)) is { } found
            ? found
            : Error.New($"unknown activation {Quote.Value(name)} (expected {Names})");
}
