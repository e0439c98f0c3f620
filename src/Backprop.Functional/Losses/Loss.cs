using System.Runtime.CompilerServices;
using Backprop.Functional.Numerics;
using LanguageExt;
using MathNet.Numerics.LinearAlgebra;

namespace Backprop.Functional;

/// <summary>
/// A loss over a batch together with its gradient with respect to the output layer's
/// pre-activation z. Losses that pair with an output activation (softmax + cross-entropy,
/// sigmoid + binary cross-entropy) take the two together, so the gradient is the stable (h − y)/n.
/// </summary>
public abstract record Loss
{
    /// <summary>The name used on the command line and in saved files.</summary>
    public abstract string Name { get; }

    /// <summary>The output activation this loss is fused with, when it has one.</summary>
    public virtual Activation? RequiredOutputActivation => null;

    /// <summary>The loss of a batch: one number.</summary>
    public abstract double Value(LayerTrace output, Matrix<double> targets);

    /// <summary>dL/dz of the output layer for a batch, shaped like z.</summary>
    public abstract Matrix<double> OutputGradient(LayerTrace output, Activation outputActivation, Matrix<double> targets);

    /// <summary>dL/dh for the network's output h, or null for a loss fused with its activation (which never forms it).</summary>
    public virtual Matrix<double>? ActivationGradient(LayerTrace output, Matrix<double> targets) => null;

    /// <summary>Checks that this loss can be used with the given output activation.</summary>
    public Fin<Loss> WithOutputActivation(Activation output) =>
        RequiredOutputActivation is { } required && required != output
            ? new Conflict([Settings.Loss, Settings.OutputActivation], $"{{0}} {Name} needs {{1}} {required.Name}, not {output.Name}")
            : this;

    /// <inheritdoc/>
    public sealed override string ToString() => Name;

    /// <summary>Every loss by name.</summary>
    public static IReadOnlyList<Loss> All { get; } = [MeanSquaredError.Instance, CrossEntropy.Instance, BinaryCrossEntropy.Instance];

    /// <summary>The names accepted by <see cref="Parse"/>.</summary>
    public static string Names => string.Join("|", All.Select(l => l.Name));

    /// <summary>Looks a loss up by name.</summary>
    public static Fin<Loss> Parse(string name) =>
        All.FirstOrDefault(l => string.Equals(l.Name, name?.Trim(), StringComparison.OrdinalIgnoreCase)) is { } found
            ? found
            : new UnknownName(Settings.Loss, name ?? "", [.. All.Select(l => l.Name)]);

    /// <summary>(h − y)/n, element by element, as a new matrix: the gradient every built-in loss hands back.</summary>
    protected static Matrix<double> DifferenceOver(int n, Matrix<double> h, Matrix<double> y)
    {
        var dz = new double[y.RowCount * y.ColumnCount];
        DifferenceOver(n, ColumnMajor.Of(h), ColumnMajor.Of(y), new WritableColumnMajor(dz, y.RowCount));
        return Dense.Matrix(y.RowCount, y.ColumnCount, dz);
    }

    /// <summary>dz = (h − y)/n, element by element.</summary>
    // One compiled body serves the reference path and the fused step, so the two agree to the bit
    // (NaN payloads included); optimized at once, as the step runs it from its first call.
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static void DifferenceOver(int n, ColumnMajor h, ColumnMajor y, WritableColumnMajor dz)
    {
        for (var i = 0; i < y.Count; i++) dz[i] = (h[i] - y[i]) / n;
    }

    /// <summary>Throws when predictions and targets differ in shape: callers validate data first.</summary>
    protected static void RequireSameShape(Matrix<double> output, Matrix<double> targets)
    {
        if (output.RowCount != targets.RowCount || output.ColumnCount != targets.ColumnCount)
            throw new ArgumentException($"outputs are {output.RowCount}x{output.ColumnCount} but targets are {targets.RowCount}x{targets.ColumnCount}");
    }
}
