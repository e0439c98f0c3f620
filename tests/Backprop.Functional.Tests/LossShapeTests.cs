using Backprop.Functional.Numerics;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Backprop.Functional.Tests;

/// <summary>
/// Every loss refuses targets shaped unlike its outputs, naming both shapes, in each of its
/// entry points: without the check a smaller target would be read as if it fitted.
/// </summary>
public sealed class LossShapeTests
{
    /// <summary>Output and target shapes that differ in rows, columns or both (each 1–4).</summary>
    public static class Mismatches
    {
        public static Arbitrary<(int Rows, int Columns, int TargetRows, int TargetColumns)> Shapes() => Arb.From(
            from shape in Gen.ArrayOf(Gen.Choose(1, 4), 4)
            where shape[0] != shape[2] || shape[1] != shape[3]
            select (shape[0], shape[1], shape[2], shape[3]));
    }

    private static LayerTrace Output(int rows, int columns) =>
        new(Dense.FromRowMajor(rows, columns, new double[rows * columns]), Dense.FromRowMajor(rows, columns, Enumerable.Repeat(0.5, rows * columns).ToArray()));

    /// <summary>Each way into each loss that compares outputs with targets.</summary>
    private static IEnumerable<(string Entry, Action<LayerTrace, MathNet.Numerics.LinearAlgebra.Matrix<double>> Call)> Entries() =>
        Loss.All.SelectMany(loss => new (string, Action<LayerTrace, MathNet.Numerics.LinearAlgebra.Matrix<double>>)[]
        {
            ($"{loss.Name} value", (o, y) => loss.Value(o, y)),
            ($"{loss.Name} output gradient", (o, y) => loss.OutputGradient(o, loss.RequiredOutputActivation ?? Identity.Instance, y)),
            ($"{loss.Name} activation gradient", (o, y) => loss.ActivationGradient(o, y)),
        });

    [Property(MaxTest = 100, Arbitrary = [typeof(Mismatches)])]
    public Property Every_loss_refuses_targets_of_another_shape_naming_both((int Rows, int Columns, int TargetRows, int TargetColumns) s)
    {
        var output = Output(s.Rows, s.Columns);
        var targets = Dense.FromRowMajor(s.TargetRows, s.TargetColumns, new double[s.TargetRows * s.TargetColumns]);
        var expected = $"outputs are {s.Rows}x{s.Columns} but targets are {s.TargetRows}x{s.TargetColumns}";
        var wrong = Entries()
            // A fused loss forms no activation gradient: it returns null whatever the shapes.
            .Where(e => !(e.Entry.EndsWith("activation gradient", StringComparison.Ordinal) && !e.Entry.StartsWith("mse", StringComparison.Ordinal)))
            .Where(e =>
            {
                try
                {
                    e.Call(output, targets);
                    return true;
                }
                catch (ArgumentException error) when (error.GetType() == typeof(ArgumentException))
                {
                    return error.Message != expected;
                }
            })
            .Select(e => e.Entry)
            .ToList();
        return (wrong.Count == 0).Label($"not refused with '{expected}': {string.Join(", ", wrong)}");
    }

    [Fact]
    public void Every_loss_accepts_targets_of_its_outputs_shape()
    {
        // The other half of the law: a check that refused everything would also pass it.
        foreach (var (entry, call) in Entries()) call(Output(2, 3), Dense.FromRowMajor(2, 3, [1, 0, 0, 0, 1, 0]));
    }
}
