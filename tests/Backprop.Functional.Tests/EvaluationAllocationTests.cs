using Backprop.Functional.Numerics;

namespace Backprop.Functional.Tests;

/// <summary>
/// <see cref="Evaluation.Of"/> streams its forward pass in batches of rows: what it allocates
/// grows with the batch, not with the rows (measured with the GC's allocation counter, so the
/// test reads bytes, not time). Ten times the rows may cost at most 1.5× the bytes plus a small
/// constant; a forward pass over every row at once allocates ten times as much. The evaluations
/// run on the calling thread (no compute context), so the thread's own counter sees all they
/// allocate and nothing that tests running alongside allocate.
/// </summary>
public sealed class EvaluationAllocationTests
{
    private const int FewRows = 20_000;
    private const int ManyRows = 200_000;
    private const long SmallConstant = 64 * 1024;

    [Fact]
    public void Evaluating_a_classifier_allocates_in_proportion_to_the_batch_not_the_rows() =>
        AssertBounded([8, 16, 3], "relu", "softmax", CrossEntropy.Instance, TaskKind.Classification);

    [Fact]
    public void Evaluating_a_single_output_regression_allocates_in_proportion_to_the_batch_not_the_rows() =>
        AssertBounded([8, 16, 1], "tanh", "identity", MeanSquaredError.Instance, TaskKind.Regression);

    private static void AssertBounded(int[] widths, string hidden, string output, Loss loss, TaskKind task)
    {
        var network = NetworkOf(widths, hidden, output);
        var few = DataOf(FewRows, widths[0], widths[^1], task, 1);
        var many = DataOf(ManyRows, widths[0], widths[^1], task, 2);
        Evaluation.Of(network, loss, few, task);  // warm-up: the JIT and static tables allocate once
        var fewBytes = Allocated(() => Evaluation.Of(network, loss, few, task));
        var manyBytes = Allocated(() => Evaluation.Of(network, loss, many, task));
        Assert.True(manyBytes < 1.5 * fewBytes + SmallConstant,
            $"{ManyRows} rows allocated {manyBytes} bytes, {FewRows} rows {fewBytes}: more than 1.5× + {SmallConstant}");
    }

    private static long Allocated(Action evaluate)
    {
        var before = GC.GetAllocatedBytesForCurrentThread();
        evaluate();
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    private static Network NetworkOf(int[] widths, string hidden, string output)
    {
        var rng = Rng.FromSeed(7);
        var layers = new List<Layer>();
        for (var i = 0; i + 1 < widths.Length; i++)
        {
            (var w, rng) = rng.Uniforms(widths[i] * widths[i + 1], -1, 1);
            (var b, rng) = rng.Uniforms(widths[i + 1], -0.5, 0.5);
            var activation = (Activation)Activation.Parse(i + 2 == widths.Length ? output : hidden);
            layers.Add(new Layer(Dense.FromRowMajor(widths[i + 1], widths[i], w), Dense.Vector(b), activation));
        }
        return (Network)Network.Create(layers);
    }

    private static Dataset DataOf(int rows, int features, int outputs, TaskKind task, ulong seed)
    {
        var rng = Rng.FromSeed(seed);
        (var x, rng) = rng.Normals(rows * features, 0, 1);
        var y = new double[rows * outputs];
        for (var r = 0; r < rows; r++)
        {
            if (task == TaskKind.Classification)
            {
                (var k, rng) = rng.NextInt(outputs);
                y[k * rows + r] = 1;
            }
            else
            {
                (y[r], rng) = rng.NextDouble();
            }
        }
        return new Dataset(Dense.Matrix(rows, features, x), Dense.Matrix(rows, outputs, y));
    }
}
