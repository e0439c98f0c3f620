using System.Globalization;
using LanguageExt;
using LanguageExt.Common;

namespace Backprop.Functional;

/// <summary>
/// The bytes training a <see cref="TrainingShape"/> takes, part by part, worked out before
/// anything is allocated, so that a network or data set that cannot fit is refused with its
/// size named instead of running out of memory halfway (<see cref="Check"/>).
/// </summary>
/// <remarks>
/// Counted from what the fused training path really allocates (FusedTraining, StepWorkspace),
/// each part at its worst case. Calibrated against the smallest DOTNET_GCHeapHardLimit under
/// which a Release build trains (plus the runtime's ~40 MiB outside the heap): bench's workloads
/// (784-256-128-10 on 8,192 rows in batches of 64, 64-128-64-10 on 65,536 in 32s, 1024-4096-10
/// with sgd and adam, 4-2048-2048-3 with adam, 32-256-10 in one batch of 100,000) needed 204,
/// 158, 303, 641, 582 and 921 MiB against estimates of 215, 164, 309, 645, 584 and 944: 0 to 5%
/// above. Train's epoch loop keeps fewer copies than the worst case (14% above), and a run
/// directory on a fast disk never fills the writer's queue that <see cref="TrainingShape.SavedStates"/>
/// counts (42% above; 12% if it were full). It is never below, and <see cref="Check"/> still
/// leaves a fifth of the memory free (<see cref="Limits.UsableMemoryFraction"/>).
/// </remarks>
/// <param name="Shape">What was estimated.</param>
/// <param name="Parameters">Weights and biases of the network.</param>
/// <param name="ParameterBytes">Every copy of the parameters alive at once (<see cref="KeptParameterSets"/>).</param>
/// <param name="OptimizerBytes">The optimizer's slots of each of those copies.</param>
/// <param name="GradientBytes">One gradient, reused by every step.</param>
/// <param name="WorkspaceBytes">One batch's forward trace and backward buffers, and one evaluation pass over a batch of the held-out rows.</param>
/// <param name="DataBytes">The training and held-out rows, and with mini-batches the epoch's shuffled copy of the training rows.</param>
/// <param name="SavingBytes">States held by a writer, the copy and file buffer of the one it encodes, and the copies in a state's layout that the recorded layer statistics read (the step's parameters before and after, and its gradient), which the context keeps.</param>
/// <param name="LargestTensor">Elements of the largest single array training needs.</param>
/// <param name="LargestTensorName">What that array is, for messages.</param>
public sealed record MemoryEstimate(
    TrainingShape Shape,
    long Parameters,
    long ParameterBytes,
    long OptimizerBytes,
    long GradientBytes,
    long WorkspaceBytes,
    long DataBytes,
    long SavingBytes,
    long LargestTensor,
    string LargestTensorName)
{
    /// <summary>
    /// Parameter sets (θ with its optimizer slots) alive at once: the state a run started from,
    /// the state an epoch call was given, and inside a fused multi-epoch call the arrays the
    /// current epoch started from, the current ones and the target of the step.
    /// </summary>
    public const int KeptParameterSets = 5;

    /// <summary>The runtime, its libraries and compiled code, and each thread's packing buffers (measured: a 2-2 network's bench peaks at 42 MB).</summary>
    public const long RuntimeBytes = 48L << 20;

    // A safetensors header entry: "optimizer.m.layers.12.weight":{"dtype":"F64","shape":[…],"data_offsets":[…]}.
    private const long HeaderBytesPerTensor = 160;

    // Metadata besides the names of features, targets and classes: architecture, config, hashes, metrics.
    private const long MetadataBytes = 8192;

    /// <summary>
    /// The garbage collector's own share, in percent of the arrays it holds: its bookkeeping and
    /// the gaps between large arrays (measured: 2 to 5% under a heap limit).
    /// </summary>
    public const int CollectorOverheadPercent = 4;

    /// <summary>
    /// Everything together: the parts and the caller's <see cref="TrainingShape.OtherBytes"/>, the
    /// collector's overhead on them, and <see cref="RuntimeBytes"/>.
    /// </summary>
    public long TotalBytes
    {
        get
        {
            var arrays = (Int128)ParameterBytes + OptimizerBytes + GradientBytes + WorkspaceBytes + DataBytes + SavingBytes + Shape.OtherBytes;
            return Saturate(arrays * (100 + CollectorOverheadPercent) / 100 + RuntimeBytes);
        }
    }

    /// <summary>
    /// About the size of one state file: every parameter and optimizer slot and the standardization
    /// as 8-byte numbers, and a header allowance. Column and class names come on top; the file's
    /// writer can measure those exactly once the state exists.
    /// </summary>
    public long StateFileBytes => Saturate(8 * ((Int128)Parameters * (1 + Shape.OptimizerSlots) + 2L * Shape.Widths[0]) +
                                           HeaderBytesPerTensor * (2L * (Shape.Widths.Count - 1) * (1 + Shape.OptimizerSlots) + 2) + MetadataBytes);

    /// <summary>About the size of a weights-only file: every parameter as an 8-byte number and the header.</summary>
    public long WeightsFileBytes => Saturate(8 * (Int128)Parameters + HeaderBytesPerTensor * 2L * (Shape.Widths.Count - 1) + MetadataBytes);

    /// <summary>The estimate for <paramref name="shape"/>, whose widths must have passed <see cref="NetworkFactory.CheckWidths"/>.</summary>
    public static MemoryEstimate Of(TrainingShape shape)
    {
        var widths = shape.Widths;
        if (widths.Count < 2 || widths.Any(w => w < 1)) throw new ArgumentException("the widths must be checked first (NetworkFactory.CheckWidths)", nameof(shape));
        if (shape.OptimizerSlots < 0 || shape.TrainingRows < 1 || shape.BatchRows < 1 || shape.HeldOutRows < 0 || shape.SavedStates < 0 || shape.OtherBytes < 0)
            throw new ArgumentOutOfRangeException(nameof(shape), "counts must not be negative, and rows at least 1");

        // Int128: rows × widths × copies can pass 2^63 for absurd inputs, which must be refused, not wrapped.
        Int128 parameters = 0, activations = 0, widest = 0, largestLayer = 0;
        var largestLayerIndex = 0;
        for (var i = 0; i + 1 < widths.Count; i++)
        {
            parameters += (Int128)widths[i] * widths[i + 1] + widths[i + 1];
            activations += widths[i + 1];
            widest = Int128.Max(widest, widths[i + 1]);
            if ((Int128)widths[i] * widths[i + 1] > largestLayer) (largestLayer, largestLayerIndex) = ((Int128)widths[i] * widths[i + 1], i);
        }
        var (rows, heldOut) = ((Int128)shape.TrainingRows, (Int128)shape.HeldOutRows);
        var batch = Int128.Min(shape.BatchRows, rows);
        var (inputs, outputs) = ((Int128)widths[0], (Int128)widths[^1]);
        var set = parameters * (1 + shape.OptimizerSlots);

        // StepWorkspace: z and h of every layer, δ and the layer below's dL/dh at the widest layer.
        var step = batch * (2 * activations + 2 * widest);
        // Mini-batches are gathered for a whole epoch at once (StepWorkspace.EpochBatches).
        var gathered = batch < rows ? rows * (inputs + outputs) : 0;
        // Evaluation streams (Evaluation.RowsPerPass): per pass row, h of every hidden layer, z and h of the
        // output, the batch's targets and their inversion; its rows are at most MaxRowsPerPass, and it takes
        // fewer where that keeps one pass's activations within the budget (never fewer than 64). Over several
        // outputs the loss, squared and absolute errors keep every later output's terms (StorageOrderSum).
        var passRow = activations + 3 * outputs;
        var evaluation = heldOut > 0
            ? Int128.Min(Int128.Min(heldOut, Evaluation.MaxRowsPerPass) * passRow, 3 * Int128.Max(Evaluation.ActivationBudget, 64 * (activations + outputs))) +
              3 * (outputs - 1) * heldOut
            : 0;
        // A run that saves states records its layers' statistics, read through copies of both parameter sets and the gradient.
        var saving = shape.SavedStates > 0 ? (shape.SavedStates + 2) * set + 3 * parameters : 0;

        var tensors = new (Int128 Elements, string Name)[]
        {
            (largestLayer, $"the weights of layer {largestLayerIndex + 1}"),
            ((rows + heldOut) * Int128.Max(inputs, outputs), $"the data set ({rows + heldOut:N0} rows × {Int128.Max(inputs, outputs)} columns)"),
            (batch * widest, $"one batch's values at the widest layer ({batch:N0} rows × {widest} units)"),
            (Int128.Min(heldOut, Evaluation.MaxRowsPerPass) * widest, $"one evaluation pass's values at the widest layer ({Int128.Min(heldOut, Evaluation.MaxRowsPerPass):N0} rows × {widest} units)"),
        };
        var largest = tensors.MaxBy(t => t.Elements);
        return new MemoryEstimate(
            shape, Saturate(parameters),
            Saturate(8 * KeptParameterSets * parameters),
            Saturate(8 * KeptParameterSets * parameters * shape.OptimizerSlots),
            Saturate(8 * parameters),
            Saturate(8 * (step + evaluation)),
            Saturate(8 * ((rows + heldOut) * (inputs + outputs) + gathered)),
            Saturate(8 * saving),
            Saturate(largest.Elements), largest.Name);
    }

    /// <summary>
    /// The most training may plan to use when <paramref name="availableBytes"/> are available to
    /// the process (0 or less: unknown): <see cref="Limits.UsableMemoryFraction"/> of them, and
    /// never more than <see cref="Limits.MaxTrainingBytes"/>.
    /// </summary>
    public static long Budget(long availableBytes) =>
        availableBytes > 0 ? Math.Min(Limits.MaxTrainingBytes, (long)(availableBytes * Limits.UsableMemoryFraction)) : Limits.MaxTrainingBytes;

    /// <summary>
    /// The estimate when training fits in <see cref="Budget"/> of <paramref name="availableBytes"/>
    /// (which the caller measures: the core does not look at the machine) and no array exceeds
    /// <see cref="Limits.MaxTensorElements"/>; else why not, in one line naming the figures.
    /// </summary>
    public static Fin<MemoryEstimate> Check(MemoryEstimate estimate, long availableBytes)
    {
        var budget = Budget(availableBytes);
        if (estimate.TotalBytes > budget)
        {
            var limit = budget == Limits.MaxTrainingBytes
                ? $"the {ByteSize.Text(budget)} limit"
                : $"the {ByteSize.Text(budget)} it may use here ({Limits.UsableMemoryFraction * 100:0}% of {ByteSize.Text(availableBytes)} available)";
            return Error.New($"training needs about {ByteSize.Text(estimate.TotalBytes)} ({estimate.Describe()}): more than {limit}");
        }
        if (estimate.LargestTensor > Limits.MaxTensorElements)
            return Error.New($"training needs an array of {estimate.LargestTensor:N0} numbers, {estimate.LargestTensorName}: more than the {Limits.MaxTensorElements:N0} one array may hold");
        return estimate;
    }

    /// <summary>
    /// The estimate when a state of the network fits in the <see cref="Limits.MaxFileBytes"/> a
    /// reader accepts (checked before training that saves states); else why not, in one line.
    /// </summary>
    public static Fin<MemoryEstimate> CheckSaving(MemoryEstimate estimate)
    {
        if (estimate.StateFileBytes <= Limits.MaxFileBytes) return estimate;
        var slots = estimate.Shape.OptimizerSlots switch { 0 => "", 1 => " and 1 optimizer slot each", var n => $" and {n} optimizer slots each" };
        return Error.New($"a saved state of {Widths(estimate.Shape)} would take about {ByteSize.Text(estimate.StateFileBytes)} " +
                         $"({ByteSize.Count(estimate.Parameters)} parameters{slots}, 8 bytes a number): " +
                         $"more than the {ByteSize.Text(Limits.MaxFileBytes)} a state file may hold, so it could not be read back");
    }

    /// <summary>"4,16384,16384,3: 268.5M parameters, adam; 1,000 rows in batches of 64; mostly parameters and optimizer state".</summary>
    public string Describe()
    {
        var optimizer = Shape.OptimizerName.Length > 0 ? $", {Shape.OptimizerName}" : "";
        var batches = Shape.BatchRows < Shape.TrainingRows ? $" in batches of {Shape.BatchRows:N0}" : " in one batch";
        var heldOut = Shape.HeldOutRows > 0 ? $" and {Shape.HeldOutRows:N0} held out" : "";
        var parts = new (long Bytes, string Name)[]
        {
            (ParameterBytes + OptimizerBytes + GradientBytes, "copies of the parameters and optimizer state"),
            (WorkspaceBytes, "the values computed for a batch and for evaluation"),
            (DataBytes + Shape.OtherBytes, "the data"),
            (SavingBytes, "states being saved"),
        };
        return $"{Widths(Shape)}: {ByteSize.Count(Parameters)} parameters{optimizer}; {Shape.TrainingRows:N0} {(Shape.TrainingRows == 1 ? "row" : "rows")}{batches}{heldOut}; " +
               $"mostly {parts.MaxBy(p => p.Bytes).Name}";
    }

    private static string Widths(TrainingShape shape) => string.Join(",", shape.Widths.Select(w => w.ToString(CultureInfo.InvariantCulture)));

    private static long Saturate(Int128 value) => value > long.MaxValue ? long.MaxValue : (long)value;
}
