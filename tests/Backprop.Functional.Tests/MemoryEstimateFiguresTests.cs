namespace Backprop.Functional.Tests;

/// <summary>
/// <see cref="MemoryEstimate"/>'s figures and words for shapes worked by hand: the laws in
/// <see cref="MemoryEstimateTests"/> say how the parts grow, these pin what they are.
/// </summary>
public sealed class MemoryEstimateFiguresTests
{
    /// <summary>3-4-2 with adam's 2 slots, 10 training rows in batches of 4, 5 held out, one state queued.</summary>
    private static readonly TrainingShape Worked = new([3, 4, 2], 2, 10, 4) { HeldOutRows = 5, SavedStates = 1, OptimizerName = "adam" };

    [Fact]
    public void Every_part_of_a_shape_worked_by_hand()
    {
        // 26 parameters; 6 activations, widest 4; batch 4 of 10 rows, 5 held out; 3 inputs, 2 outputs.
        var e = MemoryEstimate.Of(Worked);
        Assert.Equal(26, e.Parameters);
        Assert.Equal(8 * 5 * 26, e.ParameterBytes);
        Assert.Equal(8 * 5 * 26 * 2, e.OptimizerBytes);
        Assert.Equal(8 * 26, e.GradientBytes);
        // Step: 4 rows × (2·6 + 2·4); evaluation: 5 rows × (6 + 3·2) plus 3·(2 − 1)·5 later-output terms.
        Assert.Equal(8 * (4 * 20 + 5 * 12 + 15), e.WorkspaceBytes);
        // 15 rows × 5 values, and the 10 training rows gathered again for the epoch's batches.
        Assert.Equal(8 * (15 * 5 + 10 * 5), e.DataBytes);
        // (1 queued + 2) sets of 26 × (1 + 2 slots), and the statistics' copies: 26 parameters before and after, 26 gradients.
        Assert.Equal(8 * (3 * 78 + 3 * 26), e.SavingBytes);
        Assert.Equal((45, "the data set (15 rows × 3 columns)"), (e.LargestTensor, e.LargestTensorName));
        // The arrays with the collector's 4%, then the runtime's 48 MiB.
        Assert.Equal((1040 + 2080 + 208 + 1240 + 1000 + 2496) * 104 / 100 + (48L << 20), e.TotalBytes);
        // The caller's own bytes count with the arrays.
        Assert.Equal(e.TotalBytes + 104, MemoryEstimate.Of(Worked with { OtherBytes = 100 }).TotalBytes);
    }

    [Fact]
    public void The_file_sizes_are_eight_bytes_a_number_and_160_a_tensor_header_plus_8_KiB()
    {
        var e = MemoryEstimate.Of(Worked);
        // State: 26 parameters × 3 (the weights and 2 slots) and 2 × 3 standardization numbers; 2 tensors × 2 layers × 3, and 2 more.
        Assert.Equal(8 * (26 * 3 + 2 * 3) + 160 * (2 * 2 * 3 + 2) + 8192, e.StateFileBytes);
        Assert.Equal(8 * 26 + 160 * 2 * 2 + 8192, e.WeightsFileBytes);
    }

    [Theory]
    [InlineData(new[] { 100, 100, 1 }, 1, 1, 0, "the weights of layer 1")]
    [InlineData(new[] { 1, 2, 300, 1 }, 1, 1, 0, "the weights of layer 2")]
    [InlineData(new[] { 2, 3, 2 }, 1, 1, 0, "the weights of layer 1")] // two layers of 6 weights: the first is named
    [InlineData(new[] { 1, 50, 1 }, 100, 100, 0, "one batch's values at the widest layer (100 rows × 50 units)")]
    [InlineData(new[] { 1, 50, 1 }, 1, 1, 200, "one evaluation pass's values at the widest layer (200 rows × 50 units)")]
    [InlineData(new[] { 1, 50, 1 }, 1, 1, 5000, "one evaluation pass's values at the widest layer (4,096 rows × 50 units)")]
    public void The_largest_array_is_named(int[] widths, long rows, long batch, long heldOut, string name) =>
        Assert.Equal(name, MemoryEstimate.Of(new TrainingShape(widths, 0, rows, batch) { HeldOutRows = heldOut }).LargestTensorName);

    [Theory]
    [InlineData(1, 1, 0, 0, "2,1: 3 parameters; 1 row in one batch; mostly copies of the parameters and optimizer state")]
    [InlineData(1000, 1000, 0, 0, "2,1: 3 parameters; 1,000 rows in one batch; mostly the values computed for a batch and for evaluation")]
    [InlineData(1000, 1, 0, 0, "2,1: 3 parameters; 1,000 rows in batches of 1; mostly the data")]
    [InlineData(1, 1, 0, 1_000_000, "2,1: 3 parameters; 1 row in one batch; mostly the data")]
    [InlineData(1, 1, 2, 0, "2,1: 3 parameters; 1 row in one batch and 2 held out; mostly copies of the parameters and optimizer state")]
    // Copies: 5·24 + 24 gradient bytes = 144, the data 24 + 100 = 124: the gradient's copy decides.
    [InlineData(1, 1, 0, 100, "2,1: 3 parameters; 1 row in one batch; mostly copies of the parameters and optimizer state")]
    public void The_description_names_the_shape_and_the_largest_part(long rows, long batch, long heldOut, long other, string text) =>
        Assert.Equal(text, MemoryEstimate.Of(new TrainingShape([2, 1], 0, rows, batch) { HeldOutRows = heldOut, OtherBytes = other }).Describe());

    [Fact]
    public void The_description_names_states_being_saved_when_they_are_the_most() =>
        Assert.Equal("2,1: 3 parameters; 1 row in one batch; mostly states being saved",
            MemoryEstimate.Of(new TrainingShape([2, 1], 0, 1, 1) { SavedStates = 100 }).Describe());

    /// <summary>
    /// An evaluation pass holds at most 3 × max(<see cref="Evaluation.ActivationBudget"/>, 64 rows' activations and outputs)
    /// doubles, however many rows are held out; the later outputs' terms (3 per row and output after the first) come on top.
    /// </summary>
    [Theory]
    // 4,096 rows × (401 + 3): over 3 × 524,288, so the budget caps it.
    [InlineData(new[] { 1, 400, 1 }, 3 * 524_288)]
    // 64 × (9,001 + 1) = 576,128 is over the budget: three times that.
    [InlineData(new[] { 1, 9000, 1 }, 3 * 64 * 9002)]
    // 100 rows × (402 + 6) under the cap, and 3 × 1 later output × 100 rows.
    [InlineData(new[] { 1, 400, 2 }, 100 * 408 + 300, 100)]
    public void One_evaluation_pass_is_capped_by_the_activation_budget(int[] widths, long evaluationDoubles, long heldOut = 4096)
    {
        var shape = new TrainingShape(widths, 0, 1, 1);
        var without = MemoryEstimate.Of(shape);
        Assert.Equal(8 * evaluationDoubles, MemoryEstimate.Of(shape with { HeldOutRows = heldOut }).WorkspaceBytes - without.WorkspaceBytes);
    }

    [Fact]
    public void A_state_of_exactly_the_file_limit_may_be_saved()
    {
        // 1 input, n outputs, no slots: 8·(2n + 2·1) bytes of numbers, 4 headers of 160 and 8 KiB: 2^30 at n = 67,108,311.
        var exact = MemoryEstimate.Of(new TrainingShape([1, 67_108_311], 0, 1, 1));
        Assert.Equal(Limits.MaxFileBytes, exact.StateFileBytes);
        Assert.True(MemoryEstimate.CheckSaving(exact).IsSucc);
        Assert.True(MemoryEstimate.CheckSaving(MemoryEstimate.Of(new TrainingShape([1, 67_108_312], 0, 1, 1))).IsFail);
    }

    [Theory]
    [InlineData(new[] { 4, 16384, 8192, 3 }, 0, "a saved state of 4,16384,8192,3 would take about 1.0 GiB (134.3M parameters, 8 bytes a number)")]
    [InlineData(new[] { 4, 8192, 8192, 3 }, 1, "a saved state of 4,8192,8192,3 would take about 1.0 GiB (67.2M parameters and 1 optimizer slot each, 8 bytes a number)")]
    [InlineData(new[] { 4, 8192, 8192, 3 }, 2, "a saved state of 4,8192,8192,3 would take about 1.5 GiB (67.2M parameters and 2 optimizer slots each, 8 bytes a number)")]
    public void A_state_too_large_to_read_back_names_its_parameters_and_slots(int[] widths, int slots, string start) =>
        Assert.Equal(start + ": more than the 1 GiB a state file may hold, so it could not be read back",
            Support.Failure.Message(MemoryEstimate.CheckSaving(MemoryEstimate.Of(new TrainingShape(widths, slots, 1, 1)))));

    [Fact]
    public void The_description_names_the_optimizer_when_known() =>
        Assert.Equal("3,4,2: 26 parameters, adam; 10 rows in batches of 4 and 5 held out; mostly copies of the parameters and optimizer state",
            MemoryEstimate.Of(Worked).Describe());

    [Fact]
    public void A_shape_with_a_negative_count_or_no_rows_is_refused_by_the_library()
    {
        var shape = new TrainingShape([3, 4, 2], 0, 10, 4);
        Assert.Equal(10, MemoryEstimate.Of(shape).Shape.TrainingRows);
        Assert.Equal("", shape.OptimizerName);
        Assert.StartsWith("the widths must be checked first (NetworkFactory.CheckWidths)", Assert.Throws<ArgumentException>(() => MemoryEstimate.Of(shape with { Widths = [3] })).Message);
        Assert.Throws<ArgumentException>(() => MemoryEstimate.Of(shape with { Widths = [3, 0, 2] }));
        foreach (var bad in new[]
                 {
                     shape with { OptimizerSlots = -1 }, shape with { TrainingRows = 0 }, shape with { BatchRows = 0 },
                     shape with { HeldOutRows = -1 }, shape with { SavedStates = -1 }, shape with { OtherBytes = -1 },
                 })
            Assert.Equal("counts must not be negative, and rows at least 1 (Parameter 'shape')", Assert.Throws<ArgumentOutOfRangeException>(() => MemoryEstimate.Of(bad)).Message);
    }

    [Fact]
    public void Training_that_needs_exactly_the_budget_is_accepted()
    {
        var e = MemoryEstimate.Of(Worked);
        // The available bytes whose usable share (4/5, rounded down) is exactly `budget`.
        long AvailableFor(long budget) => Enumerable.Range(-8, 17).Select(d => budget * 5 / 4 + d).First(a => MemoryEstimate.Budget(a) == budget);
        Assert.True(MemoryEstimate.Check(e, AvailableFor(e.TotalBytes)).IsSucc);
        Assert.True(MemoryEstimate.Check(e, AvailableFor(e.TotalBytes - 1)).IsFail);
    }
}
