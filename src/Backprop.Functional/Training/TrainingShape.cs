using Backprop.Functional.Numerics;
using LanguageExt;

namespace Backprop.Functional;

/// <summary>
/// What decides how much memory training takes, all known before anything is allocated: the
/// widths (input first), the optimizer's parameter-shaped slots (sgd 0, momentum 1, adam 2),
/// the training rows and the rows of one batch. <see cref="MemoryEstimate.Of"/> turns it into bytes.
/// </summary>
/// <param name="Widths">Every width, input first (checked by <see cref="NetworkFactory.CheckWidths"/>).</param>
/// <param name="OptimizerSlots">How many values the optimizer keeps per parameter.</param>
/// <param name="TrainingRows">Rows of the training set.</param>
/// <param name="BatchRows">Rows of one step (the training rows or more: one full batch).</param>
public sealed record TrainingShape(IReadOnlyList<int> Widths, int OptimizerSlots, long TrainingRows, long BatchRows)
{
    /// <summary>Validation and test rows: kept beside the training rows, and evaluated in one forward pass.</summary>
    public long HeldOutRows { get; init; }

    /// <summary>
    /// How many states a writer may hold besides the one training continues from, each until it
    /// is written (0 when nothing is saved; a writer that queues two takes 2). One at a time is
    /// also copied and encoded into a buffer the size of its file.
    /// </summary>
    public int SavedStates { get; init; }

    /// <summary>Memory the caller holds besides training's, e.g. the raw values a data set was built from.</summary>
    public long OtherBytes { get; init; }

    /// <summary>The optimizer's name, for messages ("" when not known).</summary>
    public string OptimizerName { get; init; } = "";

    /// <summary>
    /// Training <paramref name="optimizer"/> on <paramref name="trainingRows"/> rows in batches of
    /// <paramref name="batchSize"/> rows (null: one batch of every row).
    /// </summary>
    public static TrainingShape Of(IReadOnlyList<int> widths, Optimizer optimizer, long trainingRows, int? batchSize) =>
        new(widths, SlotsOf(optimizer), trainingRows, batchSize is { } size ? Math.Min(size, trainingRows) : trainingRows)
        {
            OptimizerName = optimizer.Name,
        };

    /// <summary>How many parameter-shaped slots <paramref name="optimizer"/>'s state holds (any optimizer: its state for a 1×1 network is counted).</summary>
    public static int SlotsOf(Optimizer optimizer) => optimizer.Init(OneWeight).Slots.Count;

    private static readonly Network OneWeight = new(Arr.create(new Layer(Dense.Matrix(1, 1, [0.0]), Dense.Vector([0.0]), Identity.Instance)));
}
