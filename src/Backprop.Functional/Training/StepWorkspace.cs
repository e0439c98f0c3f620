using System.Runtime.CompilerServices;
using Backprop.Functional.Numerics;
using Backprop.Functional.Numerics.Gemm;
using LanguageExt;

namespace Backprop.Functional;

/// <summary>
/// A network's parameters and optimizer slots as raw arrays, tensor by tensor in the order of
/// <see cref="Gradients.Tensors"/> (layer 0 weight, layer 0 bias, layer 1 weight, …).
/// </summary>
/// <remarks>
/// A state's arrays hold each weight matrix column-major, as MathNet does (each input's weights
/// contiguous). The fused step's own sets hold it row-major (each unit's weights contiguous),
/// <see cref="ByUnit"/>: a thread that computes some units' z in the forward pass then reads,
/// computes the gradient of and updates one contiguous range of each weight matrix, and no other
/// thread touches it. Column-major, each thread's units were half of every column: the update
/// wrote lines the other core had read in the forward pass, which on this machine's two cores
/// cost about three times a local update (benchmarks/probes/cross_core.c).
/// </remarks>
internal sealed class ParameterArrays
{
    private ParameterArrays(double[][] tensors, double[][][] slots, bool byUnit) => (Tensors, Slots, ByUnit) = (tensors, slots, byUnit);

    /// <summary>Weights ([out, in]: column-major, or row-major when <see cref="ByUnit"/>) and biases.</summary>
    public double[][] Tensors { get; }

    /// <summary>Slot s, tensor k, laid out as <see cref="Tensors"/>.</summary>
    public double[][][] Slots { get; }

    /// <summary>Whether each weight matrix (and each slot's) is row-major: each unit's weights contiguous.</summary>
    public bool ByUnit { get; }

    /// <summary>New, uninitialized arrays shaped like <paramref name="widths"/> with <paramref name="slots"/> slots.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static ParameterArrays Allocate(int[] widths, int slots, bool byUnit = false)
    {
        static double[][] Set(int[] widths)
        {
            var tensors = new double[2 * (widths.Length - 1)][];
            for (var i = 0; i + 1 < widths.Length; i++)
            {
                tensors[2 * i] = GC.AllocateUninitializedArray<double>(widths[i + 1] * widths[i]);
                tensors[2 * i + 1] = GC.AllocateUninitializedArray<double>(widths[i + 1]);
            }
            return tensors;
        }
        var slotSets = new double[slots][][];
        for (var s = 0; s < slots; s++) slotSets[s] = Set(widths);
        return new ParameterArrays(Set(widths), slotSets, byUnit);
    }

    /// <summary>
    /// These parameters and slots copied into <paramref name="target"/> (the same shape), each
    /// weight matrix transposed when the two layouts differ: a state's arrays into a fused set, or back.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public ParameterArrays CopyTo(ParameterArrays target, int[] widths, GemmWorkers? workers = null)
    {
        var direction = ByUnit == target.ByUnit ? (bool?)null : ByUnit;
        CopyTensors(Tensors, target.Tensors, widths, direction, workers);
        for (var s = 0; s < Slots.Length; s++) CopyTensors(Slots[s], target.Slots[s], widths, direction, workers);
        return target;
    }

    /// <summary>The tensors in a state's layout: these arrays when they are in it, else a column-major copy.</summary>
    public double[][] TensorsInStateLayout(int[] widths) => ByUnit ? ColumnMajorCopy(Tensors, widths) : Tensors;

    /// <summary>Tensors with row-major weights (a fused set's, or a step's gradient) copied into a state's layout (into <paramref name="into"/> when given).</summary>
    public static double[][] ColumnMajorCopy(double[][] byUnit, int[] widths, double[][]? into = null, GemmWorkers? workers = null)
    {
        var copies = into ?? Allocate(widths, 0).Tensors;
        CopyTensors(byUnit, copies, widths, fromByUnit: true, workers);
        return copies;
    }

    /// <summary>
    /// Copies every tensor; when <paramref name="fromByUnit"/> has a value, each weight matrix (tensor 2i,
    /// widths[i + 1] × widths[i]) goes from that layout to the other (a transpose moves values; it rounds
    /// nothing). A large matrix is shared out over <paramref name="workers"/>' threads, each writing its
    /// own contiguous block: a new set's first writes are page faults, slow in a VM, and each thread then
    /// takes its own pages' faults.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void CopyTensors(double[][] from, double[][] to, int[] widths, bool? fromByUnit, GemmWorkers? workers)
    {
        for (var k = 0; k < from.Length; k++)
        {
            if (fromByUnit is not { } byUnit || k % 2 == 1)
            {
                from[k].AsSpan().CopyTo(to[k]);
                continue;
            }
            // Row-major [out, in] is column-major [in, out]: either way, one column-major transpose.
            var (units, inputs) = (widths[k / 2 + 1], widths[k / 2]);
            var (rows, columns) = byUnit ? (inputs, units) : (units, inputs);
            var (source, destination) = (from[k], to[k]);
            var parts = workers is { Threads: > 1 } && source.Length >= ParallelCopy ? 4 * workers.Threads : 1;
            if (parts == 1)
            {
                Packing.TransposeRows(source, destination, rows, columns, 0, rows);
                continue;
            }
            ForkJoin.Run(parts, workers!, (p, _) =>
            {
                var (first, count) = ForkJoin.Slice(rows, parts, p);
                Packing.TransposeRows(source, destination, rows, columns, first, count);
            });
        }
    }

    /// <summary>Weights from which a matrix's transpose is shared out over the threads (512 KiB).</summary>
    private const int ParallelCopy = 1 << 16;

    /// <summary>The storage of a state's network and of the named optimizer slots (shared, read only).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static ParameterArrays Of(Network network, OptimizerState optimizer, IReadOnlyList<string> slots)
    {
        var layers = network.Layers.Count;
        var tensors = new double[2 * layers][];
        for (var i = 0; i < layers; i++)
            (tensors[2 * i], tensors[2 * i + 1]) = (Dense.Data(network.Layers[i].Weight), Dense.Data(network.Layers[i].Bias));
        var sets = new double[slots.Count][][];
        for (var s = 0; s < sets.Length; s++)
        {
            var slot = optimizer.Slot(slots[s]);
            sets[s] = new double[2 * layers][];
            for (var i = 0; i < layers; i++)
                (sets[s][2 * i], sets[s][2 * i + 1]) = (Dense.Data(slot.Layers[i].Weight), Dense.Data(slot.Layers[i].Bias));
        }
        return new ParameterArrays(tensors, sets, byUnit: false);
    }

    /// <summary>The network these arrays hold, with <paramref name="shape"/>'s activations. The arrays must never be written again.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public Network ToNetwork(Network shape)
    {
        RequireStateLayout();
        var layers = new Layer[shape.Layers.Count];
        for (var i = 0; i < layers.Length; i++)
        {
            var layer = shape.Layers[i];
            layers[i] = layer with
            {
                Weight = Dense.Matrix(layer.OutputWidth, layer.InputWidth, Tensors[2 * i]),
                Bias = Dense.Vector(Tensors[2 * i + 1]),
            };
        }
        return new Network(new Arr<Layer>(layers));
    }

    /// <summary>The optimizer state after <paramref name="count"/> updates, with these arrays as the named slots. They must never be written again.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public OptimizerState ToOptimizerState(OptimizerState before, long count, IReadOnlyList<string> slots)
    {
        RequireStateLayout();
        var map = before.Slots;
        for (var s = 0; s < slots.Count; s++) map = map.SetItem(slots[s], AsGradients(Slots[s]));
        return before with { Count = count, Slots = map };
    }

    private void RequireStateLayout()
    {
        if (ByUnit) throw new InvalidOperationException("row-major weights must be copied into a state's layout first");
    }

    /// <summary>Tensors seen as a gradient-shaped value (no copy), e.g. to name a non-finite element.</summary>
    public static Gradients AsGradients(double[][] tensors)
    {
        var layers = new LayerGradients[tensors.Length / 2];
        for (var i = 0; i < layers.Length; i++)
        {
            var (weight, bias) = (tensors[2 * i], tensors[2 * i + 1]);
            layers[i] = new LayerGradients(Dense.Matrix(bias.Length, weight.Length / Math.Max(1, bias.Length), weight), Dense.Vector(bias));
        }
        return new Gradients(new Arr<LayerGradients>(layers));
    }
}

/// <summary>
/// The scratch space of the fused training step: the gathered batch, every layer's z and h,
/// the δ buffers and the gradients. None of it ever leaves a step, so one workspace serves every
/// step of a run; a <see cref="ComputeContext"/> keeps it from call to call.
/// </summary>
internal sealed class StepWorkspace
{
    private readonly ComputeContext.Scratch scratch;

    private StepWorkspace(int[] widths, int capacity, ComputeContext.Scratch scratch)
    {
        (Widths, Capacity, this.scratch) = (widths, capacity, scratch);
        var layers = widths.Length - 1;
        (Z, H) = (new double[layers][], new double[layers][]);
        var widest = 0;
        for (var i = 0; i < layers; i++)
        {
            Z[i] = GC.AllocateUninitializedArray<double>(capacity * widths[i + 1]);
            H[i] = GC.AllocateUninitializedArray<double>(capacity * widths[i + 1]);
            widest = Math.Max(widest, widths[i + 1]);
        }
        Delta = GC.AllocateUninitializedArray<double>(capacity * widest);
        Below = GC.AllocateUninitializedArray<double>(capacity * widest);
        Gradient = ParameterArrays.Allocate(widths, 0).Tensors;
        foreach (var tensor in Gradient) Parameters += tensor.Length;
    }

    /// <summary>How many weights and biases the network has (the length of every gradient tensor, added).</summary>
    public long Parameters { get; }

    /// <summary>Every width, input first.</summary>
    public int[] Widths { get; }

    /// <summary>The most rows a batch may have.</summary>
    public int Capacity { get; }

    /// <summary>Room for a whole epoch's shuffled inputs and targets, batch after batch (see <see cref="EpochBatches"/>).</summary>
    private (double[] Inputs, double[] Targets) epoch = ([], []);

    /// <summary>Each layer's pre-activation z.</summary>
    public double[][] Z { get; }

    /// <summary>Each layer's activation h.</summary>
    public double[][] H { get; }

    /// <summary>δ of the layer being differentiated.</summary>
    public double[] Delta { get; }

    /// <summary>dL/dh of the layer below, then its δ.</summary>
    public double[] Below { get; }

    /// <summary>dL/dW (laid out as the weights of the sets the step ran on) and dL/db of every layer, in tensor order.</summary>
    public double[][] Gradient { get; }

    private double[][]? gradientInStateLayout;

    /// <summary>
    /// <see cref="Gradient"/> in a state's layout (column-major weights), for what reads it in the
    /// reference's element order (the clipping norm, layer statistics, naming a non-finite value):
    /// the gradient itself when the step that wrote it ran on a state's layout, else (<paramref name="byUnit"/>,
    /// a step on <see cref="ParameterArrays.ByUnit"/> sets) a copy whose arrays are made on first use and reused.
    /// </summary>
    public double[][] GradientInStateLayout(bool byUnit) =>
        byUnit ? gradientInStateLayout = ParameterArrays.ColumnMajorCopy(Gradient, Widths, gradientInStateLayout) : Gradient;

    private double[][]? sourceInStateLayout, targetInStateLayout;

    /// <summary>
    /// The tensors of a step's <paramref name="source"/> and <paramref name="target"/> sets in a state's
    /// layout, for what sums over them in the reference's element order (the layer statistics): the
    /// sets' own arrays when they are in it, else copies into arrays made on first use and reused.
    /// (Fresh copies at every measured epoch cost wide, 784-256-128-10, 1.5–13 ms of page faults each.)
    /// </summary>
    public (double[][] Source, double[][] Target) ParametersInStateLayout(ParameterArrays source, ParameterArrays target) =>
        (source.ByUnit ? sourceInStateLayout = ParameterArrays.ColumnMajorCopy(source.Tensors, Widths, sourceInStateLayout) : source.Tensors,
         target.ByUnit ? targetInStateLayout = ParameterArrays.ColumnMajorCopy(target.Tensors, Widths, targetInStateLayout) : target.Tensors);

    /// <summary>Arrays for the inputs and targets of every batch of an epoch over <paramref name="rows"/> rows, grown on demand.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public (double[] Inputs, double[] Targets) EpochBatches(int rows)
    {
        if (epoch.Inputs.Length < rows * Widths[0] || epoch.Targets.Length < rows * Widths[^1])
            epoch = (GC.AllocateUninitializedArray<double>(rows * Widths[0]), GC.AllocateUninitializedArray<double>(rows * Widths[^1]));
        return epoch;
    }

    /// <summary>
    /// Parameter arrays that a fused call wrote as step targets and handed out in no state, kept for
    /// the next call's targets. Fresh arrays cost a page fault per 4 KiB on their first write, slow in
    /// a VM: for the funnel network (166k parameters) about 3.5 ms a call here, 1.6% of a two-epoch call.
    /// </summary>
    private readonly Stack<ParameterArrays> spareParameters = new();

    /// <summary>The most spare parameter sets kept between calls: what one call uses besides the one it hands out.</summary>
    internal const int MaxSpareParameterSets = 3;

    /// <summary>The spare parameter sets this workspace kept with <paramref name="slots"/> optimizer slots per tensor (others are dropped).</summary>
    public Stack<ParameterArrays> TakeSpareParameters(int slots)
    {
        var taken = new Stack<ParameterArrays>();
        while (spareParameters.TryPop(out var spare))
            if (spare.Slots.Length == slots) taken.Push(spare);
        return taken;
    }

    /// <summary>
    /// Keeps <paramref name="spares"/> for the next call (up to <see cref="MaxSpareParameterSets"/>).
    /// The caller must hand none of them out: a later call writes them.
    /// </summary>
    public void KeepSpareParameters(Stack<ParameterArrays> spares)
    {
        while (spareParameters.Count < MaxSpareParameterSets && spares.TryPop(out var spare)) spareParameters.Push(spare);
    }

    /// <summary>The threads the step's products may use and their packing buffers.</summary>
    public Numerics.Gemm.GemmWorkers Products => scratch.Products;

    /// <summary>
    /// The context's workspace for the shape if it has one and no other call holds it, else a new
    /// one (on one thread, kept by nothing, without a context); give it back with <see cref="Return"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static StepWorkspace Rent(ComputeContext? compute, int[] widths, int rows)
    {
        var scratch = compute?.Borrow() ?? ComputeContext.Fresh();
        var workspace = scratch.Step;
        return workspace is not null && workspace.Capacity >= rows && workspace.Widths.AsSpan().SequenceEqual(widths)
            ? workspace
            : new StepWorkspace(widths, rows, scratch);
    }

    /// <summary>Keeps the workspace for the context's next step.</summary>
    public static void Return(ComputeContext? compute, StepWorkspace workspace)
    {
        if (compute is null) return;
        workspace.scratch.Step = workspace;
        compute.Return(workspace.scratch);
    }
}
