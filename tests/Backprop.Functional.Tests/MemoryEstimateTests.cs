using Backprop.Functional.Numerics;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using LanguageExt;
using LanguageExt.Common;

namespace Backprop.Functional.Tests;

/// <summary>
/// The memory estimate: its arithmetic (monotone in every width, linear in the optimizer's
/// slots, saturating instead of wrapping), its refusals, and its distance from what training
/// really allocates.
/// </summary>
public sealed class MemoryEstimateTests
{
    public static class Shapes
    {
        public static Arbitrary<TrainingShape> Arbitrary() => Arb.From(
            from layers in Gen.Choose(1, 5)
            from widths in Gen.ArrayOf(Gen.Choose(1, 5000), layers + 1)
            from slots in Gen.Choose(0, 2)
            from rows in Gen.Choose(1, 1_000_000)
            from batch in Gen.Choose(1, rows)
            from heldOut in Gen.Choose(0, 100_000)
            from saved in Gen.Choose(0, 3)
            select new TrainingShape(widths, slots, rows, batch) { HeldOutRows = heldOut, SavedStates = saved });
    }

    private static MemoryEstimate Of(TrainingShape shape) => MemoryEstimate.Of(shape);

    private static long[] Parts(MemoryEstimate e) =>
        [e.ParameterBytes, e.OptimizerBytes, e.GradientBytes, e.WorkspaceBytes, e.DataBytes, e.SavingBytes, e.TotalBytes, e.StateFileBytes, e.WeightsFileBytes];

    [Property(MaxTest = 300, Arbitrary = [typeof(Shapes)])]
    public Property Widening_any_layer_adds_parameters_and_lowers_no_part(TrainingShape shape, PositiveInt layer, PositiveInt extra)
    {
        var widths = shape.Widths.ToArray();
        var i = layer.Get % widths.Length;
        widths[i] += extra.Get % 1000;
        var (before, after) = (Of(shape), Of(shape with { Widths = widths }));
        var (was, now) = (Parts(before), Parts(after));
        var lower = Enumerable.Range(0, was.Length).Where(k => now[k] < was[k]).ToArray();
        return (lower.Length == 0).Label($"part(s) {string.Join(",", lower)} went down")
            .And((extra.Get % 1000 == 0 || after.Parameters > before.Parameters).Label("no parameter was added"));
    }

    [Property(MaxTest = 300, Arbitrary = [typeof(Shapes)])]
    public Property Each_optimizer_slot_adds_the_same_bytes(TrainingShape shape)
    {
        var totals = Enumerable.Range(0, 4).Select(s => Of(shape with { OptimizerSlots = s })).ToArray();
        var steps = totals.Zip(totals.Skip(1), (a, b) => b.TotalBytes - a.TotalBytes).ToArray();
        // The collector's 4% is rounded down to a byte, so steps may differ by one.
        return (steps.Max() - steps.Min() <= 1).Label($"steps {string.Join(", ", steps)}")
            .And((totals[3].OptimizerBytes == 3 * totals[1].OptimizerBytes && totals[0].OptimizerBytes == 0).Label("slot bytes are not linear"))
            .And((totals[2].OptimizerBytes == 2 * totals[2].ParameterBytes).Label("a slot is not the size of the parameters"));
    }

    [Property(MaxTest = 300, Arbitrary = [typeof(Shapes)])]
    public Property The_data_takes_eight_bytes_per_value_of_every_row_and_of_the_shuffled_copy(TrainingShape shape, PositiveInt more)
    {
        var bigger = shape with { TrainingRows = shape.TrainingRows + more.Get % 10_000 };
        var columns = shape.Widths[0] + shape.Widths[^1];
        var shuffled = shape.BatchRows < shape.TrainingRows ? shape.TrainingRows : 0;
        return (Of(shape).DataBytes == 8L * (shape.TrainingRows + shape.HeldOutRows + shuffled) * columns).Label("data bytes")
            .And((Of(bigger).TotalBytes >= Of(shape).TotalBytes).Label("more rows took less"));
    }

    [Fact]
    public void Every_part_of_a_small_shape_is_what_training_allocates()
    {
        // 2-3-1, one slot, 10 rows in batches of 4, 5 held out: 13 parameters, widest layer 3, 4 outputs in all.
        var e = Of(new TrainingShape([2, 3, 1], 1, 10, 4) { HeldOutRows = 5 });
        Assert.Equal(13, e.Parameters);
        Assert.Equal(8 * MemoryEstimate.KeptParameterSets * 13, e.ParameterBytes);
        Assert.Equal(e.ParameterBytes, e.OptimizerBytes);
        Assert.Equal(8 * 13, e.GradientBytes);
        // z, h of every layer and δ, dL/dh at the widest, per batch row; the held-out rows in one evaluation
        // pass: h of the hidden layer, z and h of the output, the targets and their inversion.
        Assert.Equal(8 * (4 * (2 * 4 + 2 * 3) + 5 * (3 + 4 * 1)), e.WorkspaceBytes);
        // Every row, and the epoch's shuffled copy of the training rows.
        Assert.Equal(8 * (15 + 10) * 3, e.DataBytes);
        Assert.Equal(0, e.SavingBytes);
        var arrays = e.ParameterBytes + e.OptimizerBytes + e.GradientBytes + e.WorkspaceBytes + e.DataBytes;
        Assert.Equal(arrays * (100 + MemoryEstimate.CollectorOverheadPercent) / 100 + MemoryEstimate.RuntimeBytes, e.TotalBytes);
        // One full batch is not shuffled; a writer holding two states keeps them and encodes one (a copy and its
        // file), and the recorded layer statistics read copies of the parameters before and after and of the gradient.
        Assert.Equal(8 * 15 * 3, Of(new TrainingShape([2, 3, 1], 1, 10, 10) { HeldOutRows = 5 }).DataBytes);
        Assert.Equal(8 * ((2 + 2) * 13 * 2 + 3 * 13), Of(new TrainingShape([2, 3, 1], 1, 10, 4) { SavedStates = 2 }).SavingBytes);
    }

    [Fact]
    public void Absurd_shapes_saturate_and_are_refused_instead_of_wrapping()
    {
        var e = Of(new TrainingShape(Enumerable.Repeat(16384, 40).ToArray(), 2, long.MaxValue / 2, long.MaxValue / 2) { HeldOutRows = long.MaxValue / 2 });
        Assert.Equal(long.MaxValue, e.TotalBytes);
        Assert.Equal(long.MaxValue, e.DataBytes);
        Assert.True(MemoryEstimate.Check(e, long.MaxValue).IsFail);
    }

    [Fact]
    public void The_optimizers_slots_are_counted_from_their_state()
    {
        int Slots(string name) => TrainingShape.SlotsOf((Optimizer)Optimizer.Create(name, new ConstantSchedule(0.1), 0.9, 0.9, 0.999, 1e-8, 0));
        Assert.Equal([0, 1, 1, 2, 2], new[] { "sgd", "momentum", "nesterov", "adam", "adamw" }.Select(Slots));
        var shape = TrainingShape.Of([4, 8, 3], new Sgd(new ConstantSchedule(0.1)), 100, 32);
        Assert.Equal((32L, "sgd"), (shape.BatchRows, shape.OptimizerName));
        Assert.Equal(100, TrainingShape.Of([4, 8, 3], new Sgd(new ConstantSchedule(0.1)), 100, null).BatchRows);
    }

    [Fact]
    public void Training_over_the_cap_is_refused_with_the_figures_named()
    {
        var shape = TrainingShape.Of([4, 16384, 16384, 3], (Optimizer)Optimizer.Create("adam", new ConstantSchedule(0.1), 0.9, 0.9, 0.999, 1e-8, 0), 1000, 64);
        var message = Refused(MemoryEstimate.Check(Of(shape), 64L << 30));
        foreach (var part in new[] { "training needs about 3", "GiB", "4,16384,16384,3", "268.6M parameters", "adam", "1,000 rows in batches of 64", "parameters and optimizer state", "more than the 8 GiB limit" })
            Assert.Contains(part, message);
    }

    [Fact]
    public void Training_over_four_fifths_of_the_available_memory_is_refused_and_below_it_accepted()
    {
        var estimate = Of(new TrainingShape([784, 256, 128, 10], 0, 60_000, 64));
        var available = (long)(estimate.TotalBytes / Limits.UsableMemoryFraction);
        Assert.True(MemoryEstimate.Check(estimate, available + 2).IsSucc);
        var message = Refused(MemoryEstimate.Check(estimate, available - 2));
        Assert.Contains($"({Limits.UsableMemoryFraction * 100:0}% of {ByteSize.Text(available - 2)} available)", message);
        Assert.Contains("mostly the data", message);
        // Unknown (0) available memory leaves the cap alone.
        Assert.True(MemoryEstimate.Check(estimate, 0).IsSucc);
    }

    [Fact]
    public void An_array_over_the_element_limit_is_refused_even_when_memory_would_do()
    {
        // 2^20 rows of 257 inputs: 2.1 GB in all, but one array of 269,484,032 numbers.
        var estimate = Of(new TrainingShape([257, 1], 0, 1 << 20, 1 << 20));
        Assert.True(estimate.TotalBytes < Limits.MaxTrainingBytes);
        var message = Refused(MemoryEstimate.Check(estimate, 64L << 30));
        Assert.Contains("269,484,032 numbers, the data set (1,048,576 rows × 257 columns)", message);
        Assert.True(MemoryEstimate.Check(Of(new TrainingShape([256, 1], 0, 1 << 20, 1 << 20)), 64L << 30).IsSucc);
    }

    [Fact]
    public void A_state_over_the_readers_file_limit_is_refused_before_training()
    {
        var adam = (Optimizer)Optimizer.Create("adam", new ConstantSchedule(0.1), 0.9, 0.9, 0.999, 1e-8, 0);
        var message = Refused(MemoryEstimate.CheckSaving(Of(TrainingShape.Of([4, 8192, 8192, 3], adam, 10, null))));
        foreach (var part in new[] { "4,8192,8192,3", "1.5 GiB", "67.2M parameters and 2 optimizer slots each", "more than the 1 GiB", "could not be read back" })
            Assert.Contains(part, message);
        Assert.True(MemoryEstimate.CheckSaving(Of(TrainingShape.Of([4, 8192, 8192, 3], new Sgd(new ConstantSchedule(0.1)), 10, null))).IsSucc);
    }

    /// <summary>
    /// The estimate against everything training allocates on this thread (the fused path
    /// allocates almost nothing it frees, so this is close to its peak, plus the initializer's
    /// draws that are garbage by the first step): within a factor of 4/3 either way, for a shape
    /// whose parameters and optimizer slots dominate and one whose data does.
    /// </summary>
    [Theory]
    [InlineData("4,512,512,3", 32, 64, "adam")]
    [InlineData("64,16,10", 512, 8192, "sgd")]
    public void The_estimate_is_within_a_third_of_what_training_allocates(string layers, int batch, int rows, string optimizerName)
    {
        var widths = layers.Split(',').Select(int.Parse).ToArray();
        var optimizer = (Optimizer)Optimizer.Create(optimizerName, new ConstantSchedule(0.001), 0.9, 0.9, 0.999, 1e-8, 0);
        var before = GC.GetAllocatedBytesForCurrentThread();
        var rng = Rng.FromSeed(1);
        (var x, rng) = rng.Normals(rows * widths[0], 0, 1);
        (var y, rng) = rng.Normals(rows * widths[^1], 0, 1);
        var (network, next) = ((Network, Rng))NetworkFactory.Create(widths, Sigmoid.Instance, Sigmoid.Instance, new NormalInitializer(0.1), rng);
        var data = new Dataset(Dense.FromRowMajor(rows, widths[0], x), Dense.FromRowMajor(rows, widths[^1], y));
        var config = new TrainConfig(MeanSquaredError.Instance, optimizer, batch);
        // One epoch, then two in one call, in one context as bench runs them (the second call keeps the most copies).
        using var compute = new ComputeContext(1);
        var result = Training.Epochs(config, Training.Epochs(config, TrainState.Initial(network, optimizer, next), data, 1, compute).State, data, 2, compute);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Null(result.Stop);

        var estimate = Of(TrainingShape.Of(widths, optimizer, rows, batch) with { OtherBytes = 8L * rows * (widths[0] + widths[^1]) });
        var ratio = (double)(estimate.TotalBytes - MemoryEstimate.RuntimeBytes) / allocated;
        Assert.True(ratio is > 0.75 and < 4.0 / 3, $"estimate {estimate.TotalBytes - MemoryEstimate.RuntimeBytes:N0} bytes of arrays, allocated {allocated:N0}: ratio {ratio:F2}");
    }

    private static string Refused(Fin<MemoryEstimate> result)
    {
        Assert.True(result.IsFail, "expected a refusal");
        var message = ((Error)result).Message;
        Assert.DoesNotContain('\n', message);
        Assert.DoesNotContain("--", message); // the core names values, not the CLI's flags
        return message;
    }
}
