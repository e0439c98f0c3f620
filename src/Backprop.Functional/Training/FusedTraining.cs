using System.Runtime.CompilerServices;
using Backprop.Functional.Fast;
using Backprop.Functional.Numerics;
using Backprop.Functional.Numerics.Gemm;
using LanguageExt;
using MathNet.Numerics.LinearAlgebra;

namespace Backprop.Functional;

/// <summary>
/// <see cref="Training.ReferenceStep"/>, <see cref="Training.ReferenceEpoch"/> and
/// <see cref="Training.ReferenceEpochs"/> computed on raw arrays: the same products, the same element operations in the same order, so the same bits
/// (FusedTrainingTests state the law). What differs is where values live: the trace, the δs,
/// the gradients and the gathered batch are written into a reused <see cref="StepWorkspace"/>
/// instead of new matrices; the bias is added and the activation applied in one pass; the loss
/// gradient and the activation's derivative are applied in place after each backward product;
/// and the optimizer writes θ + update directly without forming the updates. The epochs run on
/// parameter sets of their own with row-major weights (<see cref="ParameterArrays.ByUnit"/>),
/// copied from the state at a call's start and back at its end; so does a single step that splits
/// a layer over threads, while one that splits none reads the state's arrays and writes the new
/// state's. A returned state either is the input state (nothing was applied) or holds parameter and
/// slot arrays that no other state holds and nothing writes again.
/// </summary>
internal static class FusedTraining
{
    /// <summary>Whether the loss and every activation have a registered kernel and every transformation of the optimizer has a registered rule.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool Supports(TrainConfig config, Network network) =>
        StepKernels.For(network, config.Loss) is not null && UpdateRules.Compile(config.Optimizer) is not null;

    /// <summary>Whether <paramref name="data"/> has the shape the network reads and writes (else the reference throws its own error).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool Fits(Network network, Dataset data) =>
        data.Inputs.ColumnCount == network.InputWidth && data.Targets.ColumnCount == network.OutputWidth &&
        data.Targets.RowCount == data.Inputs.RowCount && data.Rows > 0;

    /// <summary><see cref="Training.ReferenceStep"/>, fused, in <paramref name="compute"/>'s workspace (a fresh one on one thread without it).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static Stepped Step(TrainConfig config, TrainState state, Dataset batch, ComputeContext? compute) =>
        OneStep(config, state, batch, compute, static (config, state, workspace, optimizer, target, step) => step.Problem is null
            ? new Stepped(Materialize(state, target, optimizer.Slots, state.Optimizer.Count + 1, state.Step + 1, state.SkippedSteps, state.Rng, state.Epoch, workspace.Products), step.Loss)
            : Training.Refuse(config, state, step.Loss, step.Problem));

    /// <summary>
    /// <see cref="LayerStatistics.Of(TrainState, Gradients, TrainState, ForwardTrace)"/> of the fused
    /// step from <paramref name="state"/> on <paramref name="batch"/>, read from the step's own
    /// buffers (trace, gradient, parameters before and after); null when the step met NaN or ±∞,
    /// whose buffers are not all written (the caller measures the reference step instead).
    /// </summary>
    public static Arr<LayerStatistics>? StepMeasured(TrainConfig config, TrainState state, Dataset batch, ComputeContext? compute) =>
        OneStep(config, state, batch, compute, static (_, state, workspace, _, target, step) =>
            step.Problem is null ? Measure(state.Network, workspace, step.Source, target, step.Rows) : (Arr<LayerStatistics>?)null);

    /// <summary>The statistics of the step just run in <paramref name="workspace"/> from <paramref name="source"/> into <paramref name="target"/>.</summary>
    private static Arr<LayerStatistics> Measure(Network network, StepWorkspace workspace, ParameterArrays source, ParameterArrays target, int rows)
    {
        var widths = workspace.Widths;
        // The statistics sum in the reference's element order: weights in the state's layout.
        var (before, after) = workspace.ParametersInStateLayout(source, target);
        var gradient = workspace.GradientInStateLayout(source.ByUnit);
        return network.Layers.Map((i, layer) => LayerStatistics.OfLayer(
            layer.Activation, before[2 * i], after[2 * i],
            gradient[2 * i], gradient[2 * i + 1],
            workspace.H[i].AsSpan(0, rows * widths[i + 1]), rows)).ToArr();
    }

    /// <summary>What one fused step left: its loss, the first non-finite value it met, the parameters it read and its batch's rows.</summary>
    private readonly record struct StepOutcome(double Loss, NonFinite? Problem, ParameterArrays Source, int Rows);

    /// <summary>
    /// One fused step from <paramref name="state"/> on <paramref name="batch"/>, and
    /// <paramref name="read"/> of it while the workspace still holds its buffers. When no layer is
    /// split over threads, the step reads the state's own arrays and writes a new set in the state's
    /// layout, which <paramref name="read"/> may hand out; otherwise both of its sets have row-major
    /// weights and go back to the workspace's spares afterwards, and <paramref name="read"/> must
    /// copy what it keeps of them.
    /// </summary>
    private static T OneStep<T>(
        TrainConfig config, TrainState state, Dataset batch, ComputeContext? compute,
        Func<TrainConfig, TrainState, StepWorkspace, UpdatePlan, ParameterArrays, StepOutcome, T> read)
    {
        var widths = WidthsOf(state.Network);
        var workspace = StepWorkspace.Rent(compute, widths, batch.Rows);
        try
        {
            var optimizer = UpdateRules.Compile(config.Optimizer)!;
            var kernels = StepKernels.For(state.Network, config.Loss)!;
            var (inputs, targets) = (View(batch.Inputs), Dense.Data(batch.Targets));
            if (!SplitsALayer(workspace.Products.Threads, batch.Rows, widths))
            {
                // No layer is shared out over threads, so nothing gains from row-major weights: the step
                // reads the state's own arrays and writes new ones in the state's layout, which the
                // returned state takes as they are. (Epochs copies into row-major sets and back once a
                // call, spread over its many steps; a single step would pay both copies every call.)
                var own = ParameterArrays.Of(state.Network, state.Optimizer, optimizer.Slots);
                var next = ParameterArrays.Allocate(widths, optimizer.Slots.Count);
                var (value, bad) = Run(workspace, kernels, optimizer, state.Optimizer.Count, own, next, inputs, targets, batch.Rows);
                return read(config, state, workspace, optimizer, next, new StepOutcome(value, bad, own, batch.Rows));
            }
            // Otherwise the step runs on sets with row-major weights from the context's spares, as
            // Epochs does, and only the returned state's arrays are new. With two fresh sets a call, a
            // loop of Training.Step on wide (784-256-128-10, a batch of 64) ran 9–19 ms a step against
            // Epochs' 1 ms, most of it the garbage collector's.
            var spares = workspace.TakeSpareParameters(optimizer.Slots.Count);
            ParameterArrays Spare() => SpareOrNew(spares, widths, optimizer.Slots.Count);
            var source = ParameterArrays.Of(state.Network, state.Optimizer, optimizer.Slots).CopyTo(Spare(), widths, workspace.Products);
            var target = Spare();
            var (loss, problem) = Run(workspace, kernels, optimizer, state.Optimizer.Count, source, target, inputs, targets, batch.Rows);
            var result = read(config, state, workspace, optimizer, target, new StepOutcome(loss, problem, source, batch.Rows));
            spares.Push(source);
            spares.Push(target);
            workspace.KeepSpareParameters(spares);
            return result;
        }
        finally
        {
            StepWorkspace.Return(compute, workspace);
        }
    }

    /// <summary><see cref="Training.ReferenceEpoch"/>, fused; with <paramref name="measure"/>, the statistics of its first step too (null when that step met NaN or ±∞).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static EpochResult Epoch(TrainConfig config, TrainState state, Dataset data, ComputeContext? compute, bool measure = false)
    {
        var folded = Epochs(config, state, data, 1, compute, measure);
        return folded.Stop is { } stop
            ? new EpochResult(folded.State, double.NaN, stop)
            : new EpochResult(folded.State, folded.Losses[0]) { FirstSkip = folded.FirstSkip, Layers = folded.FirstStepLayers };
    }

    /// <summary>
    /// <see cref="Training.Epochs"/>, fused: <paramref name="epochs"/> passes in one loop. No
    /// state between the first and the last is ever returned, so the parameter arrays of one
    /// epoch's end are overwritten by a later step instead of becoming a new network; only the
    /// arrays an epoch started from are kept until it ends (a stop returns to them).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static EpochsResult Epochs(TrainConfig config, TrainState state, Dataset data, int epochs, ComputeContext? compute, bool measure = false)
    {
        var batchRows = config.BatchRows(data.Rows);
        var steps = TrainConfig.StepsPerEpoch(data.Rows, config.BatchSize);
        var skipping = config.NonFinite is NonFinitePolicy.SkipUpdates;
        var fullBatch = batchRows == data.Rows;
        var widths = WidthsOf(state.Network);
        var workspace = StepWorkspace.Rent(compute, widths, batchRows);
        try
        {
            var (count, stepCount, skipped, rng) = (state.Optimizer.Count, state.Step, state.SkippedSteps, state.Rng);
            var optimizer = UpdateRules.Compile(config.Optimizer)!;
            var slots = optimizer.Slots;
            // Sets no state holds (every returned state gets a copy in its own layout): this call's
            // sources and step targets, and the next call's (kept by the workspace).
            var spares = workspace.TakeSpareParameters(slots.Count);
            ParameterArrays Spare() => SpareOrNew(spares, widths, slots.Count);
            var current = ParameterArrays.Of(state.Network, state.Optimizer, slots).CopyTo(Spare(), widths, workspace.Products);
            var losses = new double[epochs];
            NonFinite? firstSkip = null;
            Arr<LayerStatistics>? firstStepLayers = null;
            var indices = Array.Empty<int>();
            var kernels = StepKernels.For(state.Network, config.Loss)!;
            var (inputs, targets) = fullBatch ? (Dense.Data(data.Inputs), Dense.Data(data.Targets)) : workspace.EpochBatches(data.Rows);
            for (var epoch = 0; epoch < epochs; epoch++)
            {
                var epochStart = (Parameters: current, Count: count, Step: stepCount, Skipped: skipped, Rng: rng, FirstSkip: firstSkip);
                if (!fullBatch)
                {
                    // Every batch of the epoch gathered up front, column by column: each source column is
                    // read (in shuffled order) while it sits in cache, where gathering batch by batch would
                    // touch a different cache line for almost every element of a column-major data set.
                    (var order, rng) = rng.Permutation(data.Rows);
                    indices = order.ToArray();
                    BatchGather.Gather(Dense.Data(data.Inputs), widths[0], indices, batchRows, inputs, workspace.Products);
                    BatchGather.Gather(Dense.Data(data.Targets), widths[^1], indices, batchRows, targets, workspace.Products);
                }
                var (weightedLoss, lossRows, lastLoss) = (0.0, 0, 0.0);
                for (var start = 0; start < data.Rows; start += batchRows)
                {
                    var rows = Math.Min(batchRows, data.Rows - start);
                    var target = Spare();
                    var (loss, problem) = Run(workspace, kernels, optimizer, count, current, target,
                        new MatrixView(inputs, start * widths[0], rows, widths[0], 1, rows), targets.AsSpan(start * widths[^1], rows * widths[^1]), rows);
                    if (problem is null)
                    {
                        // The first step's statistics, read before a later step writes over its buffers.
                        if (measure && epoch == 0 && start == 0) firstStepLayers = Measure(state.Network, workspace, current, target, rows);
                        (weightedLoss, lossRows, lastLoss) = (weightedLoss + loss * rows, lossRows + rows, loss);
                        // Arrays that no stop can return to are free for a later step.
                        if (current != epochStart.Parameters) spares.Push(current);
                        current = target;
                        count++;
                    }
                    else
                    {
                        spares.Push(target);
                        if (!config.NonFinite.MaySkip(skipped))
                        {
                            var stop = new EpochStop(start / batchRows + 1, steps, problem, skipping);
                            var last = Materialize(state, epochStart.Parameters, slots, epochStart.Count, epochStart.Step, epochStart.Skipped, epochStart.Rng, state.Epoch + epoch, workspace.Products);
                            if (current != epochStart.Parameters) spares.Push(current);
                            spares.Push(epochStart.Parameters);
                            workspace.KeepSpareParameters(spares);
                            return new EpochsResult(last, new Arr<double>(losses.AsSpan(0, epoch).ToArray()), stop) { FirstSkip = epochStart.FirstSkip };
                        }
                        skipped++;
                        firstSkip ??= problem;
                    }
                    stepCount++;
                }
                // Skipped steps' losses are left out: the epoch's loss is that of the updates applied.
                // One full batch reports its loss as it is (loss·rows/rows need not give back its bits).
                losses[epoch] = lossRows == 0 ? double.NaN : fullBatch ? lastLoss : weightedLoss / lossRows;
                if (epochStart.Parameters != current) spares.Push(epochStart.Parameters);
            }
            var final = Materialize(state, current, slots, count, stepCount, skipped, rng, state.Epoch + epochs, workspace.Products);
            spares.Push(current);
            workspace.KeepSpareParameters(spares);
            return new EpochsResult(final, new Arr<double>(losses)) { FirstSkip = firstSkip, FirstStepLayers = firstStepLayers };
        }
        finally
        {
            StepWorkspace.Return(compute, workspace);
        }
    }

    /// <summary>A set from <paramref name="spares"/>, or a new one with row-major weights when none is left.</summary>
    private static ParameterArrays SpareOrNew(Stack<ParameterArrays> spares, int[] widths, int slots) =>
        spares.Count > 0 ? spares.Pop() : ParameterArrays.Allocate(widths, slots, byUnit: true);

    /// <summary>
    /// The state whose parameters and slots are those of <paramref name="parameters"/>: a fused set
    /// with row-major weights is copied into the state's layout; one in that layout (a single step's
    /// new set, which nothing else holds) is taken as it is.
    /// </summary>
    private static TrainState Materialize(
        TrainState start, ParameterArrays parameters, IReadOnlyList<string> slots, long count, long step, int skipped, Rng rng, int epoch, GemmWorkers workers)
    {
        var moved = step != start.Step;
        var widths = WidthsOf(start.Network);
        var own = count == start.Optimizer.Count ? null
            : parameters.ByUnit ? parameters.CopyTo(ParameterArrays.Allocate(widths, slots.Count), widths, workers)
            : parameters;
        var state = own is null
            ? start
            : start with { Network = own.ToNetwork(start.Network), Optimizer = own.ToOptimizerState(start.Optimizer, count, slots) };
        return moved || epoch != start.Epoch || rng != start.Rng
            ? state with { Rng = rng, Step = step, SkippedSteps = skipped, Epoch = epoch }
            : state;
    }

    /// <summary>
    /// Forward, loss, backward and the optimizer's update of one batch, from
    /// <paramref name="source"/> into <paramref name="target"/>. Returns the loss and, when the
    /// loss, a gradient or an updated parameter is not finite, the first such value in the order
    /// <see cref="Training.ReferenceStep"/> checks them (then <paramref name="target"/> holds garbage).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static (double Loss, NonFinite? Problem) Run(
        StepWorkspace workspace, StepKernels kernels, UpdatePlan optimizer, long count,
        ParameterArrays source, ParameterArrays target, MatrixView inputs, ReadOnlySpan<double> targets, int rows)
    {
        var widths = workspace.Widths;
        var layers = widths.Length - 1;
        var weights = source.Tensors;
        var byUnit = source.ByUnit;
        if (target.ByUnit != byUnit) throw new InvalidOperationException("a step reads and writes sets of one layout");
        // Every thread takes units of each layer whose products are large enough (one fork and join
        // per layer and pass); a smaller layer runs on one thread, as waking another costs more than it saves.
        var threads = workspace.Products.Threads;
        int Parts(int i) => LayerParts(threads, rows, widths, i);
        // A layer shared out over threads needs row-major weights: a part's units are then one range of them.
        if (!byUnit && SplitsALayer(threads, rows, widths)) throw new InvalidOperationException("a step that splits a layer runs on row-major weights");

        // Forward: z = X·Wᵀ, then z += b and h = f(z) in one pass.
        var x = inputs;
        for (var i = 0; i < layers; i++)
        {
            var layer = new Layer(workspace, kernels, weights, i, rows) { ByUnit = byUnit };
            // A softmax's row needs every column of its layer: one part.
            layer.Run(kernels.Activations[i].ColumnsIndependent ? Parts(i) : 1, x, forward: true);
            x = MatrixView.ColumnMajor(workspace.H[i], rows, widths[i + 1]);
        }
        var output = layers - 1;
        var value = kernels.Loss.Value(workspace.Z[output], workspace.H[output], targets, rows);
        if (NonFinite.InLoss(value) is { } badLoss) return (value, badLoss);

        // θ′ = θ + update, watching for NaN and ±∞ on the way. A network small enough to update on
        // one thread is updated layer by layer during the backward pass: each part of a layer's pass
        // updates the weights and biases whose gradients it has just computed, while they are still
        // in the nearest cache (the seed network's θ, g and θ′ together are 130 KB, more than L1
        // holds; one of its layers' is 25 KB): seed ran 7.05 → 6.45 µs/step. So is a larger one whose layers' parts each update at most
        // EagerPartParameters and whose layers that run whole are small (funnel, 512-256-128-10 in
        // batches of 256 on two threads: its update at the end took 105 µs of a 1.74 ms step, in the
        // parts about 25 µs). Any other is updated at the end, shared out over the threads (each takes
        // its part's units of every layer, the weights it read in the forward pass): updated
        // in the parts instead, big (1000-1000-1000-10) ran 2–4% slower, its parts' gradients long
        // gone from the core's cache. Clipping needs the gradients' global norm first: it updates at the end.
        var step = optimizer.ReadsGlobalNorm ? null : optimizer.At(count);
        var updateParts = threads > 1 && workspace.Parameters >= ParallelUpdateThreshold ? threads : 1;
        // A layer that runs whole is updated whole, on one thread: only a few such weights may wait for it.
        var (largestPart, whole) = (0L, 0L);
        for (var i = 0; i < layers; i++)
        {
            var (layerWeights, parts) = ((long)widths[i] * widths[i + 1], Parts(i));
            largestPart = Math.Max(largestPart, layerWeights / parts);
            if (parts == 1) whole += layerWeights;
        }
        var eager = step is not null && (updateParts == 1 || largestPart <= EagerPartParameters && whole < ParallelUpdateThreshold);
        var finite = true;

        // Backward: δ of the output layer, then per layer dW = δᵀ·X, db = Σ δ, dh = δ·W and δ below = dh·f′ in place.
        kernels.Loss.OutputDelta(workspace.Z[output], workspace.H[output], targets, rows, kernels.Activations[output], workspace.Delta.AsSpan(0, targets.Length));
        for (var i = output; i >= 0; i--)
        {
            var layer = new Layer(workspace, kernels, weights, i, rows)
            {
                ByUnit = byUnit,
                Delta = (i - output) % 2 == 0 ? workspace.Delta : workspace.Below,
                Update = eager ? new LayerUpdate(step!, source, target) : null,
            };
            finite &= layer.Run(Parts(i), i == 0 ? inputs : MatrixView.ColumnMajor(workspace.H[i - 1], rows, widths[i]), forward: false);
        }

        // Clipping reads the gradients' global norm through the reference's own routine, which sums in
        // the reference's element order: over the gradients in the state's layout.
        if (!eager)
            finite = Update(step ?? optimizer.At(count, GlobalNorm.Of(workspace.GradientInStateLayout(byUnit))), source, target, workspace.Gradient, updateParts, widths, workspace.Products);
        if (finite) return (value, null);
        // The first non-finite value, named in the reference's order.
        var problem = NonFinite.In(ParameterArrays.AsGradients(workspace.GradientInStateLayout(byUnit)), "the gradient of") ??
                      NonFinite.In(ParameterArrays.AsGradients(target.TensorsInStateLayout(widths)), "the updated");
        return (value, problem);
    }

    /// <summary>
    /// θ′ = θ + update for every tensor, in <paramref name="parts"/> parts that each take the same
    /// units of every layer as the forward pass's part of that index (its rows of each row-major
    /// weight matrix and its biases; one fork and join when there are several); false when a
    /// gradient or an updated value is not finite.
    /// </summary>
    private static bool Update(FusedOptimizerStep step, ParameterArrays source, ParameterArrays target, double[][] gradient, int parts, int[] widths, GemmWorkers workers)
    {
        if (parts == 1) return UpdatePart(step, source, target, gradient, widths, 0, 1);
        var finite = new bool[parts];
        ForkJoin.Run(parts, workers, (p, _) => finite[p] = UpdatePart(step, source, target, gradient, widths, p, parts));
        return Array.TrueForAll(finite, f => f);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool UpdatePart(FusedOptimizerStep step, ParameterArrays source, ParameterArrays target, double[][] gradient, int[] widths, int part, int parts)
    {
        var finite = true;
        for (var i = 0; i + 1 < widths.Length; i++)
        {
            var (first, count) = ForkJoin.Slice(widths[i + 1], parts, part);
            // A layer of too few units to give each part some takes even ranges of its weights instead.
            // (Column-major weights, a single step's that splits no layer, are cut the same way: any
            // partition of a tensor's elements updates each of them once, by the same rule.)
            var (from, length) = widths[i + 1] >= 8 * parts ? (first * widths[i], count * widths[i]) : ForkJoin.Slice(gradient[2 * i].Length, parts, part);
            finite &= UpdateRange(step, source, target, gradient, 2 * i, from, length) &
                      UpdateRange(step, source, target, gradient, 2 * i + 1, first, count);
        }
        return finite;
    }

    /// <summary>θ′ = θ + update for elements [<paramref name="from"/>, <paramref name="from"/> + <paramref name="count"/>) of tensor <paramref name="k"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool UpdateRange(FusedOptimizerStep step, ParameterArrays source, ParameterArrays target, double[][] gradient, int k, int from, int count)
    {
        // The slots' arrays described on the stack (every optimizer here keeps at most three).
        var room = new SlotTensorRoom();
        var slotCount = source.Slots.Length;
        var slots = slotCount <= SlotTensorRoom.Length ? ((Span<SlotTensor>)room)[..slotCount] : new SlotTensor[slotCount];
        for (var s = 0; s < slotCount; s++) slots[s] = new SlotTensor(source.Slots[s][k], target.Slots[s][k]);
        var update = new TensorUpdate { Parameters = source.Tensors[k], Gradient = gradient[k], Next = target.Tensors[k], Slots = slots, From = from, To = from + count };
        return step.Run(ref update);
    }

    /// <summary>Room on the stack for a tensor's <see cref="SlotTensor"/>s.</summary>
    [InlineArray(Length)]
    private struct SlotTensorRoom
    {
        public const int Length = 4;
        private SlotTensor first;
    }

    /// <summary>
    /// Parameters from which the update is shared out over the threads: about 30 µs of plain SGD
    /// on one core, where a fork and join to a watching helper costs a microsecond or two.
    /// </summary>
    internal const long ParallelUpdateThreshold = 1L << 16;

    /// <summary>
    /// The most weights one part of a layer's backward pass may hold for the step to update each
    /// layer in its parts: 512 KiB of gradient, half of a core's L2 here, so that it is still there.
    /// </summary>
    internal const long EagerPartParameters = 1L << 16;

    /// <summary>
    /// One layer's share of a step, on the workspace's buffers: its forward pass (z = X·Wᵀ, z += b,
    /// h = f(z)) or its backward pass (dW = δᵀ·X, db = Σ δ, dh = δ·W, δ below = dh·f′ in place), for
    /// some of its units or all of them. Part p takes the same units in both passes: their columns of
    /// z and h forward, their rows of dW (one contiguous range of the row-major gradient), their db
    /// and their weights' update backward. Only dh, whose every element sums over all the layer's
    /// units, is split by its own columns (units of the layer below, and their δ below). Each element
    /// is computed as the whole layer computes it.
    /// </summary>
    private readonly struct Layer(StepWorkspace workspace, StepKernels kernels, double[][] weights, int index, int rows)
    {
        /// <summary>δ of this layer (backward): the workspace's Delta or Below, alternating from the output down; dh goes into the other.</summary>
        public double[] Delta { get; init; } = [];

        /// <summary>When set (backward), each part also updates the weights and biases whose gradients it computed.</summary>
        public LayerUpdate? Update { get; init; }

        /// <summary>Whether the weights are row-major (<see cref="ParameterArrays.ByUnit"/>); column-major ones run in one part.</summary>
        public bool ByUnit { get; init; } = true;

        /// <summary>
        /// The pass over <paramref name="x"/> (the layer's input) in <paramref name="parts"/> parts, one
        /// fork and join when there are several; false when <see cref="Update"/> met NaN or ±∞.
        /// </summary>
        public bool Run(int parts, MatrixView x, bool forward) =>
            parts == 1 ? Part(x, forward, 0, 1, workspace.Products) : InParts(parts, x, forward);

        // Apart from Run so that only a split pass allocates its closure (and, when it updates, its flags).
        private bool InParts(int parts, MatrixView x, bool forward)
        {
            var self = this;
            if (Update is null)
            {
                ForkJoin.Run(parts, workspace.Products, (p, member) => self.Part(x, forward, p, parts, member));
                return true;
            }
            var finite = new bool[parts];
            ForkJoin.Run(parts, workspace.Products, (p, member) => finite[p] = self.Part(x, forward, p, parts, member));
            return Array.TrueForAll(finite, f => f);
        }

        private bool Part(MatrixView x, bool forward, int part, int parts, GemmWorkers workers)
        {
            var (width, inWidth) = (workspace.Widths[index + 1], workspace.Widths[index]);
            // W row-major (ParameterArrays.ByUnit): [u, j] at u·inWidth + j; else the state's column-major.
            var w = ByUnit ? new MatrixView(weights[2 * index], 0, width, inWidth, inWidth, 1) : MatrixView.ColumnMajor(weights[2 * index], width, inWidth);
            // This part's units: its z and h forward; its rows of dW, its db and its weights' update backward.
            var (units, unitCount) = ForkJoin.Slice(width, parts, part);
            if (forward)
            {
                if (unitCount == 0) return true;
                var activation = kernels.Activations[index];
                var z = workspace.Z[index].AsSpan(units * rows, unitCount * rows);
                MatrixProduct.Compute(x, w.Transposed.ColumnRange(units, unitCount), z, workers);
                // A hidden layer whose derivative is written in h alone (sigmoid, tanh) does not keep z + b.
                var keep = index == workspace.Widths.Length - 2 || activation.ReadsPreActivation;
                activation.AddBiasAndApply(z, weights[2 * index + 1].AsSpan(units, unitCount), workspace.H[index].AsSpan(units * rows, unitCount * rows), rows, keep);
                return true;
            }
            var d = MatrixView.ColumnMajor(Delta, rows, width);
            if (unitCount > 0)
            {
                // dW's rows [units, units + unitCount) are its elements [units·inWidth, …): dWᵀ = Xᵀ·δ for those
                // units, column-major, is exactly that block (each element the same chain as δᵀ·X's: x·δ = δ·x).
                // Column-major weights (one part: all units) take δᵀ·X itself.
                if (ByUnit)
                    MatrixProduct.Compute(x.Transposed, d.ColumnRange(units, unitCount), workspace.Gradient[2 * index].AsSpan(units * inWidth, unitCount * inWidth), workers);
                else
                    MatrixProduct.Compute(d.Transposed, x, workspace.Gradient[2 * index], workers);
                ColumnSums.Of(Delta.AsSpan(units * rows, unitCount * rows), rows, workspace.Gradient[2 * index + 1].AsSpan(units, unitCount));
            }
            // dh = δ·W sums over every unit of the layer: the parts take columns of it (units of the layer below) instead.
            var (first, count) = ForkJoin.Slice(inWidth, parts, part);
            if (index > 0 && count > 0)
            {
                var dh = (Delta == workspace.Delta ? workspace.Below : workspace.Delta).AsSpan(first * rows, count * rows);
                MatrixProduct.Compute(d, w.ColumnRange(first, count), dh, workers);
                kernels.Activations[index - 1].Backpropagate(workspace.Z[index - 1].AsSpan(first * rows), workspace.H[index - 1].AsSpan(first * rows), dh, rows, count);
            }
            if (Update is not { } u) return true;
            return UpdateRange(u.Step, u.Source, u.Target, workspace.Gradient, 2 * index, units * inWidth, unitCount * inWidth) &
                   UpdateRange(u.Step, u.Source, u.Target, workspace.Gradient, 2 * index + 1, units, unitCount);
        }
    }

    /// <summary>The step, and the parameters it reads and writes, of a layer whose backward pass also updates it.</summary>
    private readonly record struct LayerUpdate(FusedOptimizerStep Step, ParameterArrays Source, ParameterArrays Target);

    /// <summary>How many parts layer <paramref name="i"/>'s passes run in on <paramref name="threads"/> threads for a batch of <paramref name="rows"/> rows.</summary>
    private static int LayerParts(int threads, int rows, int[] widths, int i) =>
        threads > 1 && (long)rows * widths[i] * widths[i + 1] >= ParallelLayerThreshold ? threads : 1;

    /// <summary>Whether any layer's passes run in several parts.</summary>
    private static bool SplitsALayer(int threads, int rows, int[] widths)
    {
        for (var i = 0; i + 1 < widths.Length; i++)
            if (LayerParts(threads, rows, widths, i) > 1) return true;
        return false;
    }

    /// <summary>
    /// Multiply-adds of a layer's forward product (rows × inputs × units) below which its passes run
    /// on one thread: about 20 µs of work, several times what forking and joining once costs on a
    /// busy machine (see benchmarks/README.md).
    /// </summary>
    internal const long ParallelLayerThreshold = 1L << 19;

    private static MatrixView View(Matrix<double> m) => MatrixView.ColumnMajor(Dense.Data(m), m.RowCount, m.ColumnCount);

    /// <summary>Every width of <paramref name="network"/>, input first.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static int[] WidthsOf(Network network)
    {
        var widths = new int[network.Layers.Count + 1];
        widths[0] = network.Layers[0].InputWidth;
        for (var i = 0; i < network.Layers.Count; i++) widths[i + 1] = network.Layers[i].OutputWidth;
        return widths;
    }
}
