using System.Runtime.CompilerServices;
using LanguageExt;
namespace Backprop.Functional;

/// <summary>
/// The outcome of one step: the next state and the batch's loss measured before the step.
/// <see cref="Problem"/> is set when the step met NaN or ±∞: then <see cref="State"/> is the
/// state before the step (with the skip counted when the policy skips).
/// </summary>
public sealed record Stepped(TrainState State, double Loss, NonFinite? Problem = null)
{
    /// <summary>
    /// The loss; a NaN is always the one canonical NaN, since which NaN an invalid operation
    /// yields (its sign and payload) depends on the order of operations and the processor.
    /// </summary>
    public double Loss { get; init; } = double.IsNaN(Loss) ? double.NaN : Loss;

    /// <summary>Whether training must stop here (a non-finite step the policy does not skip).</summary>
    public bool MustStop { get; init; }
}

/// <summary>
/// The outcome of one epoch: the next state and the mean of its batches' losses (each measured
/// before its step). When a step forced a stop, <see cref="Stop"/> says where and
/// <see cref="State"/> is the epoch's starting state, the last finite one.
/// </summary>
public sealed record EpochResult(TrainState State, double Loss, EpochStop? Stop = null)
{
    /// <summary>The first update this epoch skipped for being non-finite (with the skip policy).</summary>
    public NonFinite? FirstSkip { get; init; }

    /// <summary>
    /// From <see cref="Training.MeasuredEpoch"/>: the statistics of the epoch's first step, as
    /// <see cref="LayerStatistics.OfEpoch"/> gives them; null from <see cref="Training.Epoch"/>.
    /// </summary>
    public Arr<LayerStatistics>? Layers { get; init; }
}

/// <summary>
/// The outcome of several epochs folded in one call: the state after the last of them, every
/// epoch's loss, and, when an epoch had to stop, where (then <see cref="State"/> is that epoch's
/// starting state and <see cref="Losses"/> holds the epochs before it).
/// </summary>
public sealed record EpochsResult(TrainState State, Arr<double> Losses, EpochStop? Stop = null)
{
    /// <summary>The first update these epochs skipped for being non-finite (with the skip policy).</summary>
    public NonFinite? FirstSkip { get; init; }

    /// <summary>With measuring: the statistics of the first epoch's first step (see <see cref="Training.MeasuredEpoch"/>).</summary>
    internal Arr<LayerStatistics>? FirstStepLayers { get; init; }
}

/// <summary>Where and why an epoch stopped: its 1-based step and the problem.</summary>
public sealed record EpochStop(int Step, int Steps, NonFinite Problem, bool SkipLimitReached);

/// <summary>
/// Training as pure functions: <see cref="Step"/> = forward, loss, backward, optimizer update,
/// apply; <see cref="Epoch"/> folds <see cref="Step"/> over the shuffled batches of one pass;
/// <see cref="Epochs"/> folds <see cref="Epoch"/>. The shell folds <see cref="Epoch"/> when it
/// keeps every epoch's state, and calls <see cref="Epochs"/> a chunk at a time when it does not.
/// </summary>
public static class Training
{
    /// <summary>
    /// One gradient step on one batch. A NaN or ±∞ in the loss, the gradients or the updated
    /// weights is never applied: the policy either skips the update or asks to stop. The same
    /// bits as <see cref="ReferenceStep"/>; with the built-in losses, activations and optimizers it
    /// runs a fused form that writes its intermediate values into scratch arrays: those
    /// <paramref name="compute"/> keeps from call to call, on up to its threads, or without a
    /// context arrays of its own on the calling thread. The same bits with any context or none.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static Stepped Step(TrainConfig config, TrainState state, Dataset batch, ComputeContext? compute = null) =>
        RunsFused(config, state, batch)
            ? FusedTraining.Step(config, state, batch, compute)
            : ReferenceStep(config, state, batch);

    /// <summary>
    /// The definition of <see cref="Step"/>, composed of the readable parts: <see cref="Forward.Run"/>,
    /// the loss, <see cref="Backward.Run"/>, <see cref="Optimizer.Update"/> and <see cref="Updates.Apply"/>,
    /// each allocating its result.
    /// </summary>
    public static Stepped ReferenceStep(TrainConfig config, TrainState state, Dataset batch)
    {
        var trace = Forward.Run(state.Network, batch.Inputs);
        var loss = config.Loss.Value(trace.OutputLayer, batch.Targets);
        if (NonFinite.InLoss(loss) is { } badLoss) return Refuse(config, state, loss, badLoss);
        var gradients = Backward.Run(state.Network, trace, batch.Targets, config.Loss);
        if (NonFinite.In(gradients, "the gradient of") is { } badGradient) return Refuse(config, state, loss, badGradient);
        var (updates, optimizer) = config.Optimizer.Update(gradients, state.Optimizer, state.Network);
        var network = Updates.Apply(state.Network, updates);
        if (NonFinite.In(network) is { } badWeight) return Refuse(config, state, loss, badWeight);
        return new Stepped(state with { Network = network, Optimizer = optimizer, Step = state.Step + 1 }, loss);
    }

    /// <summary>
    /// Whether the fused form applies: built-in loss, activations and optimizer, and data of the
    /// network's shape (anything else goes through the reference, which names its own errors).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool RunsFused(TrainConfig config, TrainState state, Dataset data) =>
        FusedTraining.Supports(config, state.Network) && FusedTraining.Fits(state.Network, data);

    /// <summary>Drops a non-finite step: counted as skipped when the policy allows, else a stop.</summary>
    internal static Stepped Refuse(TrainConfig config, TrainState state, double loss, NonFinite problem) =>
        config.NonFinite.MaySkip(state.SkippedSteps)
            ? new Stepped(state with { Step = state.Step + 1, SkippedSteps = state.SkippedSteps + 1 }, loss, problem)
            : new Stepped(state, loss, problem) { MustStop = true };

    /// <summary>
    /// One pass over <paramref name="data"/>. With mini-batches the rows are shuffled by the
    /// state's generator (whose next value is kept in the result, so a replay shuffles the same
    /// way); a single full batch keeps the rows in order and leaves the generator untouched.
    /// The same bits as <see cref="ReferenceEpoch"/>; with the built-in losses, activations and
    /// optimizers its steps run fused and reuse their scratch arrays from step to step: those
    /// <paramref name="compute"/> keeps from call to call, on up to its threads, or without a
    /// context arrays of its own on the calling thread. The same bits with any context or none.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static EpochResult Epoch(TrainConfig config, TrainState state, Dataset data, ComputeContext? compute = null) =>
        RunsFused(config, state, data)
            ? FusedTraining.Epoch(config, state, data, compute)
            : ReferenceEpoch(config, state, data);

    /// <summary>
    /// <see cref="Epoch"/>, and the statistics of its first step (<see cref="EpochResult.Layers"/>,
    /// the bits of <see cref="LayerStatistics.OfEpoch"/>). Fused, they are read from the first
    /// step's own buffers as the epoch runs it, so they cost their sums and nothing more; otherwise
    /// (or when that step met NaN or ±∞) they are measured apart.
    /// </summary>
    public static EpochResult MeasuredEpoch(TrainConfig config, TrainState state, Dataset data, ComputeContext? compute = null)
    {
        var result = RunsFused(config, state, data)
            ? FusedTraining.Epoch(config, state, data, compute, measure: true)
            : ReferenceEpoch(config, state, data);
        return result.Layers is null ? result with { Layers = LayerStatistics.OfEpoch(config, state, data, compute) } : result;
    }

    /// <summary>The definition of <see cref="Epoch"/>: a fold of <see cref="ReferenceStep"/> over the epoch's batches.</summary>
    public static EpochResult ReferenceEpoch(TrainConfig config, TrainState state, Dataset data)
    {
        var batchRows = config.BatchRows(data.Rows);
        var steps = TrainConfig.StepsPerEpoch(data.Rows, config.BatchSize);
        if (batchRows == data.Rows)
        {
            var full = ReferenceStep(config, state, data);
            return full.MustStop
                ? new EpochResult(state, double.NaN, new EpochStop(1, 1, full.Problem!, config.NonFinite is NonFinitePolicy.SkipUpdates))
                : new EpochResult(full.State with { Epoch = state.Epoch + 1 }, full.Problem is null ? full.Loss : double.NaN) { FirstSkip = full.Problem };
        }

        var (order, rng) = state.Rng.Permutation(data.Rows);
        var indices = order.ToArray();
        var current = state with { Rng = rng };
        var (weightedLoss, lossRows) = (0.0, 0);
        NonFinite? firstSkip = null;
        for (var start = 0; start < data.Rows; start += batchRows)
        {
            var rows = Math.Min(batchRows, data.Rows - start);
            var stepped = ReferenceStep(config, current, data.Select(indices.AsSpan(start, rows)));
            if (stepped.MustStop)
                return new EpochResult(state, double.NaN, new EpochStop(start / batchRows + 1, steps, stepped.Problem!, config.NonFinite is NonFinitePolicy.SkipUpdates));
            if (stepped.Problem is null) (weightedLoss, lossRows) = (weightedLoss + stepped.Loss * rows, lossRows + rows);
            else firstSkip ??= stepped.Problem;
            current = stepped.State;
        }
        // Skipped steps' losses are left out: the epoch's loss is that of the updates applied.
        return new EpochResult(current with { Epoch = state.Epoch + 1 }, lossRows == 0 ? double.NaN : weightedLoss / lossRows) { FirstSkip = firstSkip };
    }

    /// <summary>
    /// <paramref name="epochs"/> epochs in one call: the fold of <see cref="Epoch"/>, ending early at
    /// a stop, for when only the last state is wanted (like jax.lax.scan with the losses stacked).
    /// The same bits as <see cref="ReferenceEpochs"/>; since no state between the first and the
    /// last is returned, the fused form writes each epoch's parameters over arrays no one can see.
    /// Its scratch arrays are those <paramref name="compute"/> keeps from call to call, on up to
    /// its threads, or without a context arrays of its own on the calling thread. The same bits
    /// with any context or none.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static EpochsResult Epochs(TrainConfig config, TrainState state, Dataset data, int epochs, ComputeContext? compute = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(epochs);
        return RunsFused(config, state, data)
            ? FusedTraining.Epochs(config, state, data, epochs, compute)
            : ReferenceEpochs(config, state, data, epochs);
    }

    /// <summary>The definition of <see cref="Epochs"/>: <see cref="ReferenceEpoch"/> folded, keeping the losses.</summary>
    public static EpochsResult ReferenceEpochs(TrainConfig config, TrainState state, Dataset data, int epochs)
    {
        var losses = new List<double>(epochs);
        NonFinite? firstSkip = null;
        for (var epoch = 0; epoch < epochs; epoch++)
        {
            var result = ReferenceEpoch(config, state, data);
            firstSkip ??= result.FirstSkip;
            if (result.Stop is { } stop) return new EpochsResult(state, new Arr<double>(losses), stop) { FirstSkip = firstSkip };
            state = result.State;
            losses.Add(result.Loss);
        }
        return new EpochsResult(state, new Arr<double>(losses)) { FirstSkip = firstSkip };
    }

    /// <summary>The loss of <paramref name="network"/> on <paramref name="data"/> without training.</summary>
    public static double Loss(Network network, Loss loss, Dataset data) =>
        loss.Value(Forward.Run(network, data.Inputs).OutputLayer, data.Targets);

    /// <summary>
    /// The gradient of the mean loss over every row of <paramref name="data"/>, its products in
    /// <paramref name="compute"/> (without one, on the calling thread): <paramref name="rowsPerPass"/>
    /// rows at a time (default <see cref="Evaluation.RowsPerPass"/>), so that its memory beyond the
    /// data grows with the batch, not the rows, with the bits of one pass over every row (see
    /// <see cref="BatchedGradient"/>). A loss of a user's own takes one pass over every row.
    /// </summary>
    public static Gradients Gradient(Network network, Loss loss, Dataset data, ComputeContext? compute = null, int? rowsPerPass = null)
    {
        if (rowsPerPass < 1) throw new ArgumentOutOfRangeException(nameof(rowsPerPass), $"{rowsPerPass} rows per pass: at least 1");
        return BatchedGradient.Of(network, loss, data, compute, rowsPerPass ?? Evaluation.RowsPerPass(network)) ??
               Backward.Run(network, Forward.Run(network, data.Inputs, compute), data.Targets, loss, compute);
    }
}
