using LanguageExt;
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
            : new UnknownName(Settings.Activation, name ?? "", [.. All.Select(a => a.Name)]);
}
