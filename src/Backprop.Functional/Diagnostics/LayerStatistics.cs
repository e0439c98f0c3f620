using LanguageExt;
using MathNet.Numerics.LinearAlgebra;

namespace Backprop.Functional;

/// <summary>
/// What one step did to one layer: the norms of its gradient, its weights and the step's update,
/// and the health of its activations on the step's batch. Norms are Euclidean (Frobenius for a
/// matrix); every sum is a plain loop in a fixed order, so the same step gives the same bits.
/// </summary>
/// <param name="WeightGradNorm">‖∂L/∂W‖ of the step's gradient.</param>
/// <param name="BiasGradNorm">‖∂L/∂b‖.</param>
/// <param name="WeightNorm">‖W‖ before the step.</param>
/// <param name="UpdateNorm">‖W' − W‖: what the step changed in the weights.</param>
/// <param name="UpdateRatio">‖W' − W‖ / ‖W‖ (NaN or ∞ when ‖W‖ is 0).</param>
/// <param name="Saturated">Sigmoid and tanh: the share of the batch's activations (rows × units) within 1% of an asymptote; null otherwise.</param>
/// <param name="Dead">Relu and leaky-relu: the share of units with no positive output on any row of the batch; null otherwise.</param>
/// <param name="ActivationMean">Mean of the layer's activations over rows × units.</param>
/// <param name="ActivationStd">Their standard deviation (population, divided by rows × units).</param>
public sealed record LayerStatistics(
    double WeightGradNorm,
    double BiasGradNorm,
    double WeightNorm,
    double UpdateNorm,
    double UpdateRatio,
    double? Saturated,
    double? Dead,
    double ActivationMean,
    double ActivationStd)
{
    /// <summary>
    /// The statistics of every layer (input side first) for the step from <paramref name="state"/>
    /// to <paramref name="next"/>, whose gradient was <paramref name="gradients"/> and whose batch
    /// ran forward as <paramref name="trace"/>.
    /// </summary>
    public static Arr<LayerStatistics> Of(TrainState state, Gradients gradients, TrainState next, ForwardTrace trace) =>
        state.Network.Layers.Map((i, layer) =>
        {
            var h = trace.Layers[i].Activation;
            return OfLayer(
                layer.Activation,
                Numerics.Dense.Data(layer.Weight),
                Numerics.Dense.Data(next.Network.Layers[i].Weight),
                Numerics.Dense.Data(gradients.Layers[i].Weight),
                Numerics.Dense.Data(gradients.Layers[i].Bias),
                Numerics.Dense.Data(h),
                h.RowCount);
        }).ToArr();

    /// <summary>
    /// One layer's statistics from its raw arrays (column-major, as <see cref="Numerics.Dense.Data(Matrix{double})"/>
    /// holds them): the weights before and after the step, the gradient of weights and bias, and the
    /// activations h of <paramref name="rows"/> rows. The one definition both the reference and the
    /// fused step's buffers are measured by.
    /// </summary>
    internal static LayerStatistics OfLayer(
        Activation activation, ReadOnlySpan<double> weights, ReadOnlySpan<double> after,
        ReadOnlySpan<double> weightGradient, ReadOnlySpan<double> biasGradient, ReadOnlySpan<double> h, int rows)
    {
        var weightNorm = Norm(weights);
        var updateNorm = DifferenceNorm(after, weights);
        var (mean, std) = MeanAndStd(h);
        return new LayerStatistics(
            Norm(weightGradient),
            Norm(biasGradient),
            weightNorm,
            updateNorm,
            updateNorm / weightNorm,
            SaturatedShare(activation, h),
            DeadShare(activation, h, rows),
            mean,
            std);
    }

    /// <summary>
    /// The statistics of an epoch as recorded in a run's layers.csv: those of the epoch's first
    /// step from <paramref name="state"/> (its gradient at the epoch's starting state on the first
    /// batch, that batch's activations, and that step's update). With one full batch the
    /// gradient is exactly <see cref="Training.Gradient"/> at <paramref name="state"/>. Read from one
    /// more fused step where the configuration has one, else computed on the reference path
    /// (products in <paramref name="compute"/>): the same bits either way. A step that meets NaN or
    /// ±∞ is not applied, so its update is 0.
    /// </summary>
    public static Arr<LayerStatistics> OfEpoch(TrainConfig config, TrainState state, Dataset data, ComputeContext? compute = null)
    {
        var batch = FirstBatch(config, state, data);
        // Measured on the fused step's own buffers where it runs: its trace and gradient are the
        // reference's bits (FusedTrainingTests), without the reference's allocations.
        if (FusedTraining.Supports(config, state.Network) && FusedTraining.Fits(state.Network, batch) &&
            FusedTraining.StepMeasured(config, state, batch, compute) is { } measured)
            return measured;
        var trace = Forward.Run(state.Network, batch.Inputs, compute);
        var gradients = Backward.Run(state.Network, trace, batch.Targets, config.Loss, compute);
        var next = Training.Step(config, state, batch, compute).State;
        return Of(state, gradients, next, trace);
    }

    /// <summary>The first batch of the epoch that starts from <paramref name="state"/> (the rows in the order <see cref="Training.Epoch"/> takes them).</summary>
    public static Dataset FirstBatch(TrainConfig config, TrainState state, Dataset data)
    {
        var batchRows = config.BatchRows(data.Rows);
        if (batchRows == data.Rows) return data;
        var (order, _) = state.Rng.Permutation(data.Rows);
        return data.Select(order.ToArray().AsSpan(0, batchRows));
    }

    /// <summary>Whether <paramref name="activation"/> has a saturation share (sigmoid, tanh).</summary>
    public static bool Saturates(Activation activation) => activation is Sigmoid or Tanh;

    /// <summary>Whether <paramref name="activation"/> has a dead share (relu, leaky-relu).</summary>
    public static bool CanDie(Activation activation) => activation is Relu or LeakyRelu;

    /// <summary>Euclidean norm: √(Σ x²), summed in order.</summary>
    public static double Norm(ReadOnlySpan<double> values)
    {
        var sum = 0.0;
        foreach (var v in values) sum += v * v;
        return Math.Sqrt(sum);
    }

    /// <summary>Euclidean norm of a matrix (Frobenius), in column-major order.</summary>
    public static double Norm(Matrix<double> matrix) => Norm(Numerics.Dense.Data(matrix));

    /// <summary>Euclidean norm of a vector.</summary>
    public static double Norm(Vector<double> vector) => Norm(Numerics.Dense.Data(vector));

    private static double DifferenceNorm(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        var sum = 0.0;
        for (var i = 0; i < a.Length; i++)
        {
            var d = a[i] - b[i];
            sum += d * d;
        }
        return Math.Sqrt(sum);
    }

    private static (double Mean, double Std) MeanAndStd(ReadOnlySpan<double> values)
    {
        if (values.IsEmpty) return (double.NaN, double.NaN);
        var sum = 0.0;
        foreach (var v in values) sum += v;
        var mean = sum / values.Length;
        var squares = 0.0;
        foreach (var v in values) squares += (v - mean) * (v - mean);
        return (mean, Math.Sqrt(squares / values.Length));
    }

    /// <summary>Share of entries of <paramref name="h"/> within 1% of the activation's asymptotes (sigmoid: 0 and 1; tanh: ±1).</summary>
    public static double? SaturatedShare(Activation activation, Matrix<double> h) => SaturatedShare(activation, Numerics.Dense.Data(h));

    /// <summary>Share of units (columns of <paramref name="h"/>) with no positive value on any row.</summary>
    public static double? DeadShare(Activation activation, Matrix<double> h) => DeadShare(activation, Numerics.Dense.Data(h), h.RowCount);

    private static double? SaturatedShare(Activation activation, ReadOnlySpan<double> values)
    {
        if (!Saturates(activation)) return null;
        if (values.Length == 0) return 0.0;
        var sigmoid = activation is Sigmoid;
        var count = 0;
        foreach (var v in values)
            if (sigmoid ? v <= 0.01 || v >= 0.99 : Math.Abs(v) >= 0.99)
                count++;
        return (double)count / values.Length;
    }

    // h is column-major: unit u's rows are h[u·rows .. (u+1)·rows).
    private static double? DeadShare(Activation activation, ReadOnlySpan<double> h, int rows)
    {
        if (!CanDie(activation)) return null;
        var units = rows == 0 ? 0 : h.Length / rows;
        if (units == 0) return 0.0;
        var dead = 0;
        for (var unit = 0; unit < units; unit++)
        {
            var alive = false;
            foreach (var v in h.Slice(unit * rows, rows))
                if (v > 0) { alive = true; break; }
            if (!alive) dead++;
        }
        return (double)dead / units;
    }
}
