using Backprop.Functional.Numerics;
using Backprop.Functional.Tests.Support;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using LanguageExt;

namespace Backprop.Functional.Tests;

/// <summary>
/// The fused training step (raw arrays, a reused scratch workspace, bias + activation and the
/// activation's derivative applied in place, θ + update written directly) against its
/// definition: Forward.Run → Backward.Run → Optimizer.Update → Updates.Apply, bit for bit, for
/// every activation, loss, optimizer, batch size and thread count, including the non-finite cases.
/// </summary>
public sealed class FusedTrainingTests
{
    /// <summary>A network case, an optimizer (clipping the gradients' norm or not), how many reference steps warm its slots up first, and the threads the products may use.</summary>
    public sealed record TrainingCase(NetworkCase Network, string Optimizer, double WeightDecay, string Schedule, int WarmSteps, int Threads, int? BatchSize, double? ClipNorm = null)
    {
        public Optimizer Build()
        {
            var schedule = (Schedule)Functional.Schedule.Create(Schedule, 0.05, 3, 0.5);
            return (Optimizer)Functional.Optimizer.Create(Optimizer, schedule, 0.9, 0.9, 0.999, 1e-8, WeightDecay, ClipNorm);
        }

        public TrainConfig Config(NonFinitePolicy? policy = null) => new(Network.Loss, Build(), BatchSize, policy);

        /// <summary>The initial state after <see cref="WarmSteps"/> reference steps on the case's data (so that momentum and Adam slots are not zero).</summary>
        public TrainState Start()
        {
            var config = Config();
            var state = TrainState.Initial(Network.Network, config.Optimizer, Rng.FromSeed(Network.Seed));
            for (var i = 0; i < WarmSteps; i++) state = Training.ReferenceStep(config, state, Network.Data).State;
            return state;
        }

        public override string ToString() =>
            $"{Network}; {Optimizer} wd {WeightDecay} {Schedule}{(ClipNorm is { } clip ? $" clip {clip}" : "")}; {WarmSteps} warm steps; {Threads} threads; batch {BatchSize?.ToString() ?? "all"}";
    }

    /// <summary>Batches of 8 and 16 rows (and full batches of up to 24) take the eight-lane paths.</summary>
    private static Gen<TrainingCase> Cases(Arbitrary<NetworkCase> networks, int maxRows) =>
        from network in networks.Generator
        from rows in Gen.Choose(1, maxRows)
        from optimizer in Gen.Elements("sgd", "momentum", "nesterov", "adam", "adamw", "amsgrad")
        from decay in Gen.Elements(0.0, 0.0, 0.01, 0.3)
        from clip in Gen.Elements<double?>(null, null, 0.01, 1.0)
        from schedule in Gen.Elements("constant", "step", "cosine")
        from warm in Gen.Choose(0, 2)
        from threads in Gen.Choose(1, 3)
        from batch in Gen.OneOf(Gen.Constant<int?>(null), Gen.Choose(1, 6).Select(b => (int?)b), Gen.Elements<int?>(8, 16))
        select new TrainingCase(network with { Batch = rows }, optimizer, decay, schedule, warm, threads, batch, clip);

    /// <summary>Every hidden activation with mse (including softmax outputs), softmax with cross-entropy, sigmoid with binary cross-entropy.</summary>
    public static class AnyTraining
    {
        public static Arbitrary<TrainingCase> Cases() => Arb.From(Gen.OneOf(
            FusedTrainingTests.Cases(AnyActivationMse.Cases(), 24),
            FusedTrainingTests.Cases(NetworkCase.Arbitrary(["sigmoid", "tanh", "relu", "leaky-relu", "softplus", "identity"], "mse", "softmax", minOutputs: 2), 24),
            FusedTrainingTests.Cases(SoftmaxCrossEntropy.Cases(), 24),
            FusedTrainingTests.Cases(SigmoidBinaryCrossEntropy.Cases(), 24)));
    }

    /// <summary>What <paramref name="run"/> computes in a new context of <paramref name="threads"/> threads.</summary>
    private static T OnThreads<T>(int threads, Func<ComputeContext, T> run)
    {
        using var compute = new ComputeContext(threads);
        return run(compute);
    }

    /// <summary>Every statistic of every layer, in order, for a comparison bit for bit (absent shares as −1).</summary>
    private static double[] Fields(Arr<LayerStatistics> layers) => layers.Bind(s => Arr.create(
        s.WeightGradNorm, s.BiasGradNorm, s.WeightNorm, s.UpdateNorm, s.UpdateRatio, s.Saturated ?? -1, s.Dead ?? -1, s.ActivationMean, s.ActivationStd)).ToArray();

    /// <summary>Everything two states hold, compared bit for bit (the generator by value, slots by name).</summary>
    private static string? Difference(TrainState a, TrainState b)
    {
        if (a.Epoch != b.Epoch || a.Step != b.Step || a.SkippedSteps != b.SkippedSteps || a.Rng != b.Rng) return $"counters or generator differ: {a.Epoch}/{a.Step}/{a.SkippedSteps} vs {b.Epoch}/{b.Step}/{b.SkippedSteps}";
        if (!Bits.Same(Bits.Of(a.Network), Bits.Of(b.Network))) return "network bits differ";
        if (!a.Network.Activations.SequenceEqual(b.Network.Activations)) return "activations differ";
        if (a.Optimizer.Count != b.Optimizer.Count) return $"optimizer counts differ: {a.Optimizer.Count} vs {b.Optimizer.Count}";
        if (!a.Optimizer.Slots.Keys.SequenceEqual(b.Optimizer.Slots.Keys)) return "slot names differ";
        foreach (var name in a.Optimizer.Slots.Keys)
            if (!Bits.Same(Bits.Of(a.Optimizer.Slot(name)), Bits.Of(b.Optimizer.Slot(name)))) return $"slot {name} differs";
        return null;
    }

    private static Property SameStep(Stepped fused, Stepped reference)
    {
        var difference = Difference(fused.State, reference.State);
        return (difference is null && Bits.Same(fused.Loss, reference.Loss) && fused.Problem == reference.Problem && fused.MustStop == reference.MustStop)
            .Label($"fused: loss {fused.Loss:R}, {fused.Problem?.Describe() ?? "finite"}, stop {fused.MustStop}; " +
                   $"reference: loss {reference.Loss:R}, {reference.Problem?.Describe() ?? "finite"}, stop {reference.MustStop}; {difference ?? "states identical"}");
    }

    private static Property SameEpoch(EpochResult fused, EpochResult reference)
    {
        var difference = Difference(fused.State, reference.State);
        return (difference is null && Bits.Same(fused.Loss, reference.Loss) && fused.Stop == reference.Stop && fused.FirstSkip == reference.FirstSkip)
            .Label($"fused: loss {fused.Loss:R}, stop {fused.Stop}, skip {fused.FirstSkip}; reference: loss {reference.Loss:R}, stop {reference.Stop}, skip {reference.FirstSkip}; {difference ?? "states identical"}");
    }

    [Property(MaxTest = 300, Arbitrary = [typeof(AnyTraining)])]
    public Property The_fused_step_equals_forward_backward_update_apply_bit_for_bit(TrainingCase c)
    {
        var (config, state, data) = (c.Config(), c.Start(), c.Network.Data);
        var fused = OnThreads(c.Threads, compute => Training.Step(config, state, data, compute));
        return SameStep(fused, Training.ReferenceStep(config, state, data));
    }

    [Property(MaxTest = 200, Arbitrary = [typeof(AnyTraining)])]
    public Property The_statistics_read_from_the_fused_steps_buffers_are_the_references_bit_for_bit(TrainingCase c)
    {
        var (config, state) = (c.Config(), c.Start());
        var batch = LayerStatistics.FirstBatch(config, state, c.Network.Data);
        var trace = Forward.Run(state.Network, batch.Inputs);
        var reference = Training.ReferenceStep(config, state, batch);
        var fused = OnThreads(c.Threads, compute => FusedTraining.StepMeasured(config, state, batch, compute));
        // A step that meets NaN or ±∞ is measured on the reference path instead: the fused one says so.
        if (fused is not { } measured) return (reference.State == state).Label("the fused step refused a step the reference applied");
        var expected = LayerStatistics.Of(state, Backward.Run(state.Network, trace, batch.Targets, config.Loss), reference.State, trace);
        return Bits.Same(Fields(measured), Fields(expected)).Label($"{string.Join(" | ", measured)} vs {string.Join(" | ", expected)}");
    }

    [Property(MaxTest = 200, Arbitrary = [typeof(AnyTraining)])]
    public Property A_measured_epoch_is_the_epoch_and_its_first_steps_statistics_bit_for_bit(TrainingCase c)
    {
        var (config, state, data) = (c.Config(), c.Start(), c.Network.Data);
        var (measured, plain) = OnThreads(c.Threads, compute => (Training.MeasuredEpoch(config, state, data, compute), Training.Epoch(config, state, data, compute)));
        var expected = LayerStatistics.OfEpoch(config, state, data);
        return (Difference(measured.State, plain.State) is null && Bits.Same(measured.Loss, plain.Loss) && plain.Layers is null &&
                measured.Layers is { } layers && Bits.Same(Fields(layers), Fields(expected)))
            .Label($"measured {string.Join(" | ", measured.Layers ?? [])} vs {string.Join(" | ", expected)}");
    }

    [Property(MaxTest = 100, Arbitrary = [typeof(AnyTraining)])]
    public Property Measured_epochs_in_one_context_each_measure_their_own_first_step(TrainingCase c)
    {
        var (config, data) = (c.Config(), c.Network.Data);
        var state = c.Start();
        // The context keeps the arrays the statistics are read from between calls, as train --out does
        // epoch after epoch: each epoch must read its own step's values, never the last one's.
        using var compute = new ComputeContext(c.Threads);
        for (var epoch = 1; epoch <= 3; epoch++)
        {
            var measured = Training.MeasuredEpoch(config, state, data, compute);
            var expected = LayerStatistics.OfEpoch(config, state, data);
            if (measured.Layers is not { } layers || !Bits.Same(Fields(layers), Fields(expected)))
                return false.Label($"epoch {epoch}: {string.Join(" | ", measured.Layers ?? [])} vs {string.Join(" | ", expected)}");
            if (measured.Stop is not null) break;
            state = measured.State;
        }
        return true.ToProperty();
    }

    [Property(MaxTest = 200, Arbitrary = [typeof(AnyTraining)])]
    public Property The_fused_epoch_equals_the_fold_of_reference_steps_bit_for_bit(TrainingCase c)
    {
        var (config, data) = (c.Config(), c.Network.Data);
        var (fused, reference) = (c.Start(), c.Start());
        // One context for every epoch: what its scratch arrays hold from the last one must not show.
        using var compute = new ComputeContext(c.Threads);
        for (var epoch = 1; epoch <= 3; epoch++)
        {
            var f = Training.Epoch(config, fused, data, compute);
            var r = Training.ReferenceEpoch(config, reference, data);
            if (Difference(f.State, r.State) is not null || !Bits.Same(f.Loss, r.Loss)) return SameEpoch(f, r).Label($"epoch {epoch}");
            (fused, reference) = (f.State, r.State);
        }
        return true.ToProperty();
    }

    [Property(MaxTest = 200, Arbitrary = [typeof(AnyTraining)])]
    public Property Non_finite_steps_are_refused_with_the_same_problem_and_state(TrainingCase c, int cell, int kind, int skips)
    {
        // Poison one input or target with NaN, ±∞ or a value huge enough to overflow, or take a huge step.
        var data = c.Network.Data;
        var poison = new[] { double.NaN, double.PositiveInfinity, double.NegativeInfinity, 1e300, -1e200 }[Math.Abs(kind % 5)];
        var inputs = Dense.Data(data.Inputs);
        var targets = Dense.Data(data.Targets);
        var at = Math.Abs(cell % (inputs.Length + targets.Length));
        var (x, y) = ((double[])inputs.Clone(), (double[])targets.Clone());
        if (at < x.Length) x[at] = poison;
        else y[at - x.Length] = poison;
        var poisoned = new Dataset(Dense.Matrix(data.Rows, data.Inputs.ColumnCount, x), Dense.Matrix(data.Rows, data.Targets.ColumnCount, y));
        var policy = skips % 3 == 0 ? NonFinitePolicy.Stop : NonFinitePolicy.Skip(Math.Abs(skips % 4));
        var config = kind % 7 == 0 ? c.Config(policy) with { Optimizer = new Sgd(new ConstantSchedule(1e306)) } : c.Config(policy);
        var state = TrainState.Initial(c.Network.Network, config.Optimizer, Rng.FromSeed(c.Network.Seed));
        var fusedStep = OnThreads(c.Threads, compute => Training.Step(config, state, poisoned, compute));
        var fusedEpoch = OnThreads(c.Threads, compute => Training.Epoch(config, state, poisoned, compute));
        return SameStep(fusedStep, Training.ReferenceStep(config, state, poisoned))
            .And(SameEpoch(fusedEpoch, Training.ReferenceEpoch(config, state, poisoned)));
    }

    [Fact]
    public void A_non_finite_gradient_behind_a_finite_loss_is_named_like_the_reference_names_it()
    {
        // relu(−∞) = 0 hides the ∞ input from the loss, but dW = δᵀ·X meets 0·∞ = NaN.
        var layer0 = new Layer(Dense.FromRowMajor(2, 2, [-1, 0.5, -2, 0.3]), Dense.Vector([0.0, 0.0]), Relu.Instance);
        var layer1 = new Layer(Dense.FromRowMajor(1, 2, [1, 1]), Dense.Vector([0.2]), Identity.Instance);
        var network = (Network)Network.Create([layer0, layer1]);
        var data = new Dataset(Dense.FromRowMajor(1, 2, [double.PositiveInfinity, 0.1]), Dense.FromRowMajor(1, 1, [0.0]));
        var config = new TrainConfig(MeanSquaredError.Instance, new Momentum(new ConstantSchedule(0.1), 0.9, false));
        var state = TrainState.Initial(network, config.Optimizer, Rng.FromSeed(0));
        var fused = Training.Step(config, state, data);
        Assert.Equal("NaN in the gradient of layers.0.weight[0, 0]", fused.Problem?.Describe());
        Assert.True(fused.MustStop);
        Assert.Same(state, fused.State);
        Assert.Equal(Training.ReferenceStep(config, state, data).Problem, fused.Problem);
    }

    [Fact]
    public void A_context_kept_from_a_smaller_data_set_grows_its_epoch_arrays_for_a_larger_one()
    {
        // The workspace gathers each epoch's mini-batches into arrays it keeps for the next call:
        // 10 rows first, then 300, in the same context, must train as a fresh context does.
        var small = new NetworkCase([3, 5, 2], ["tanh", "identity"], 10, 4);
        var large = small with { Batch = 300 };
        var config = new TrainConfig(MeanSquaredError.Instance, new Sgd(new ConstantSchedule(0.1)), 8);
        var state = TrainState.Initial(small.Network, config.Optimizer, Rng.FromSeed(5));
        using var compute = new ComputeContext(1);
        Training.Epochs(config, state, small.Data, 1, compute);
        var kept = Training.Epochs(config, state, large.Data, 2, compute);
        Assert.Null(Difference(kept.State, Training.ReferenceEpochs(config, state, large.Data, 2).State));
    }

    [Fact]
    public void An_epoch_that_skips_several_steps_reports_the_first_skip()
    {
        // Two rows in batches of 1, each non-finite in its own way (NaN and ∞ inputs): both steps are skipped.
        var network = (Network)Network.Create([new Layer(Dense.FromRowMajor(1, 1, [0.5]), Dense.Vector([0.0]), Identity.Instance)]);
        var data = new Dataset(Dense.FromRowMajor(2, 1, [double.NaN, double.PositiveInfinity]), Dense.FromRowMajor(2, 1, [0.0, 0.0]));
        var config = new TrainConfig(MeanSquaredError.Instance, new Sgd(new ConstantSchedule(0.1)), 1, new NonFinitePolicy.SkipUpdates(5));
        var state = TrainState.Initial(network, config.Optimizer, Rng.FromSeed(3));
        var (order, _) = state.Rng.Permutation(2);
        NonFinite? ProblemOf(int row) => Training.ReferenceStep(config, state, data.Select([row])).Problem;
        Assert.NotEqual(ProblemOf(order[0]), ProblemOf(order[1]));
        Assert.Equal(ProblemOf(order[0]), Training.ReferenceEpoch(config, state, data).FirstSkip);
        Assert.Equal(ProblemOf(order[0]), Training.Epoch(config, state, data).FirstSkip);
        Assert.Equal(ProblemOf(order[0]), Training.Epochs(config, state, data, 2).FirstSkip);
    }

    /// <summary>Data the network cannot read or write takes the reference path, which refuses it in its own words, whichever dimension is wrong.</summary>
    [Theory]
    [InlineData(3, 3, 1)]
    [InlineData(2, 3, 1)]
    [InlineData(2, 2, 2)]
    public void A_step_on_data_of_the_wrong_shape_is_refused_as_the_reference_refuses_it(int inputs, int targetRows, int targetColumns)
    {
        var (c, rows) = (new NetworkCase([2, 1], ["identity"], 3, 1), 2);
        var data = new Dataset(Dense.Matrix(rows, inputs, new double[rows * inputs]), Dense.Matrix(targetRows, targetColumns, new double[targetRows * targetColumns]));
        var config = new TrainConfig(MeanSquaredError.Instance, new Sgd(new ConstantSchedule(0.1)));
        var state = TrainState.Initial(c.Network, config.Optimizer, Rng.FromSeed(1));
        Failure.SameAs(() => Training.ReferenceStep(config, state, data), () => Training.Step(config, state, data));
    }

    [Fact]
    public void A_step_on_no_rows_is_the_references()
    {
        var c = new NetworkCase([2, 1], ["identity"], 3, 1);
        var none = new Dataset(Dense.Matrix(0, 2, []), Dense.Matrix(0, 1, []));
        var config = new TrainConfig(MeanSquaredError.Instance, new Sgd(new ConstantSchedule(0.1)));
        var state = TrainState.Initial(c.Network, config.Optimizer, Rng.FromSeed(1));
        var (fused, reference) = (Training.Step(config, state, none), Training.ReferenceStep(config, state, none));
        Assert.Null(Difference(fused.State, reference.State));
        Assert.Equal((BitConverter.DoubleToInt64Bits(reference.Loss), reference.Problem), (BitConverter.DoubleToInt64Bits(fused.Loss), fused.Problem));
    }

    [Fact]
    public void A_negative_number_of_epochs_is_refused()
    {
        var c = new NetworkCase([2, 1], ["identity"], 3, 1);
        var config = new TrainConfig(MeanSquaredError.Instance, new Sgd(new ConstantSchedule(0.1)));
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => Training.Epochs(config, TrainState.Initial(c.Network, config.Optimizer, Rng.FromSeed(1)), c.Data, -1));
        Assert.Equal("epochs", error.ParamName);
    }

    private static Property SameEpochs(EpochsResult fused, EpochsResult reference)
    {
        var difference = Difference(fused.State, reference.State);
        var sameLosses = fused.Losses.Count == reference.Losses.Count && fused.Losses.Zip(reference.Losses).All(p => Bits.Same(p.Item1, p.Item2));
        return (difference is null && sameLosses && fused.Stop == reference.Stop && fused.FirstSkip == reference.FirstSkip)
            .Label($"fused: {fused.Losses.Count} losses, stop {fused.Stop}, skip {fused.FirstSkip}; " +
                   $"reference: {reference.Losses.Count} losses, stop {reference.Stop}, skip {reference.FirstSkip}; {difference ?? "states identical"}");
    }

    [Property(MaxTest = 200, Arbitrary = [typeof(AnyTraining)])]
    public Property Several_epochs_in_one_call_equal_the_fold_of_reference_epochs_bit_for_bit(TrainingCase c, byte epochs)
    {
        var (config, state, data, count) = (c.Config(), c.Start(), c.Network.Data, epochs % 5);
        var fused = OnThreads(c.Threads, compute => Training.Epochs(config, state, data, count, compute));
        return SameEpochs(fused, Training.ReferenceEpochs(config, state, data, count));
    }

    [Property(MaxTest = 200, Arbitrary = [typeof(AnyTraining)])]
    public Property Several_epochs_stop_and_skip_where_the_reference_does(TrainingCase c, int cell, int kind, int skips)
    {
        // A learning rate that overflows after a few updates, or a poisoned row met only in some batches.
        var data = c.Network.Data;
        var inputs = (double[])Dense.Data(data.Inputs).Clone();
        inputs[Math.Abs(cell % inputs.Length)] = new[] { double.NaN, double.PositiveInfinity, 1e300 }[Math.Abs(kind % 3)];
        var poisoned = kind % 2 == 0 ? data : data with { Inputs = Dense.Matrix(data.Rows, data.Inputs.ColumnCount, inputs) };
        var policy = skips % 3 == 0 ? NonFinitePolicy.Stop : NonFinitePolicy.Skip(Math.Abs(skips % 7));
        var config = kind % 2 == 0 ? c.Config(policy) with { Optimizer = new Sgd(new StepSchedule(0.01, 1, 1e40)) } : c.Config(policy);
        var state = TrainState.Initial(c.Network.Network, config.Optimizer, Rng.FromSeed(c.Network.Seed));
        var fused = OnThreads(c.Threads, compute => Training.Epochs(config, state, poisoned, 6, compute));
        return SameEpochs(fused, Training.ReferenceEpochs(config, state, poisoned, 6));
    }

    [Fact]
    public void Several_epochs_in_one_call_give_the_states_and_losses_of_one_call_per_epoch()
    {
        var c = new NetworkCase([5, 7, 3], ["sigmoid", "identity"], 23, 9);
        var optimizer = new Adam(new ConstantSchedule(0.01), 0.9, 0.999, 1e-8, 0, false);
        foreach (var batch in new int?[] { null, 4 })
        {
            var config = new TrainConfig(MeanSquaredError.Instance, optimizer, batch);
            var start = TrainState.Initial(c.Network, optimizer, Rng.FromSeed(4));
            var (state, losses) = (start, new List<double>());
            for (var e = 0; e < 7; e++)
            {
                var result = Training.Epoch(config, state, c.Data);
                state = result.State;
                losses.Add(result.Loss);
            }
            var folded = Training.Epochs(config, start, c.Data, 7);
            Assert.Null(Difference(state, folded.State));
            Assert.True(losses.Count == folded.Losses.Count && losses.Zip(folded.Losses).All(p => Bits.Same(p.Item1, p.Item2)), "losses differ");
            Assert.Equal(7, folded.State.Epoch);
        }
    }

    [Fact]
    public void A_NaN_loss_is_the_one_canonical_NaN_on_both_paths()
    {
        // .NET's double.NaN has the sign bit set; its opposite flows unchanged through identity
        // and the squared error, yet the reported loss is still double.NaN.
        var opposite = BitConverter.Int64BitsToDouble(BitConverter.DoubleToInt64Bits(double.NaN) ^ long.MinValue);
        var layer = new Layer(Dense.FromRowMajor(1, 1, [0.5]), Dense.Vector([0.0]), Identity.Instance);
        var network = (Network)Network.Create([layer]);
        var data = new Dataset(Dense.FromRowMajor(1, 1, [opposite]), Dense.FromRowMajor(1, 1, [0.0]));
        var config = new TrainConfig(MeanSquaredError.Instance, new Sgd(new ConstantSchedule(0.1)));
        var state = TrainState.Initial(network, config.Optimizer, Rng.FromSeed(0));
        Assert.True(Bits.Same(double.NaN, Training.Step(config, state, data).Loss));
        Assert.True(Bits.Same(double.NaN, Training.ReferenceStep(config, state, data).Loss));
    }

    [Fact]
    public void An_update_that_overflows_is_named_like_the_reference_names_it()
    {
        var c = new NetworkCase([3, 4, 2], ["tanh", "identity"], 4, 7);
        var data = c.Data with { Targets = c.Data.Targets.Map(v => 1e3 * v) };
        var config = new TrainConfig(MeanSquaredError.Instance, new Sgd(new ConstantSchedule(1e307)), null, NonFinitePolicy.Skip(3));
        var state = TrainState.Initial(c.Network, config.Optimizer, Rng.FromSeed(0));
        var fused = Training.Step(config, state, data);
        Assert.StartsWith("the updated", fused.Problem?.Quantity);
        Assert.False(fused.MustStop);
        Assert.Equal(1, fused.State.SkippedSteps);
        Assert.Same(state.Network, fused.State.Network);
        Assert.Equal(Training.ReferenceStep(config, state, data).Problem, fused.Problem);
    }

    [Fact]
    public void An_overflow_in_a_tensors_last_elements_is_found_where_the_reference_finds_it()
    {
        // A 3×2 weight holds 6 elements: four in a vector, two in the tail. Here the tail's
        // [1, 1] overflows, and the reference (scanning row by row) meets it before [2, 0].
        var layer = new Layer(Dense.FromRowMajor(3, 2, [0.1, 0.2, 0.3, 0.4, 0.5, 0.6]), Dense.Vector([0.0, 0.0, 0.0]), Identity.Instance);
        var network = (Network)Network.Create([layer]);
        var data = new Dataset(Dense.FromRowMajor(1, 2, [1e-3, 1]), Dense.FromRowMajor(1, 3, [0, 1e4, 1e10]));
        foreach (var policy in new[] { NonFinitePolicy.Stop, NonFinitePolicy.Skip(3) })
        {
            var config = new TrainConfig(MeanSquaredError.Instance, new Sgd(new ConstantSchedule(1.7e306)), null, policy);
            var state = TrainState.Initial(network, config.Optimizer, Rng.FromSeed(0));
            var reference = Training.ReferenceStep(config, state, data).Problem;
            Assert.Equal("+Inf in the updated layers.0.weight[1, 1]", reference?.Describe());
            Assert.Equal(reference, Training.Step(config, state, data).Problem);
            var epochs = Training.Epochs(config, state, data, 3);
            Assert.Equal(reference, epochs.Stop?.Problem ?? epochs.FirstSkip);
        }
    }

    [Fact]
    public void Products_split_over_threads_give_the_bits_of_one_thread()
    {
        // Wide enough that the products pass GemmKernel's parallel threshold (128·128·128 = 2^21 multiply-adds).
        var c = new NetworkCase([128, 128, 96, 10], ["tanh", "relu", "identity"], 300, 5);
        var optimizer = new Adam(new ConstantSchedule(0.01), 0.9, 0.999, 1e-8, 0.01, true);
        var config = new TrainConfig(MeanSquaredError.Instance, optimizer, 128);
        var start = TrainState.Initial(c.Network, optimizer, Rng.FromSeed(2));
        TrainState Run(int threads) => OnThreads(threads, compute => Training.Epoch(config, Training.Epoch(config, start, c.Data, compute).State, c.Data, compute).State);
        var one = Run(1);
        Assert.Null(Difference(one, Run(2)));
        Assert.Null(Difference(one, Run(3)));
        Assert.Null(Difference(one, Training.ReferenceEpoch(config, Training.ReferenceEpoch(config, start, c.Data).State, c.Data).State));
    }

    [Theory]
    [InlineData("sigmoid,softplus,leaky-relu,identity", "mse")]
    [InlineData("tanh,relu,sigmoid,softmax", "cross-entropy")]
    [InlineData("relu,tanh,softplus,sigmoid", "binary-cross-entropy")]
    public void A_step_whose_layers_are_split_over_threads_gives_the_bits_of_the_reference(string activations, string loss)
    {
        // Batches of 256 rows through 70-53-41-29-7: the first two layers pass the parallel step's
        // threshold (2^19 multiply-adds), with widths that do not split evenly; the others run whole.
        var c = new NetworkCase([70, 53, 41, 29, 7], activations.Split(','), 512, 21, loss);
        var optimizer = new Adam(new ConstantSchedule(0.01), 0.9, 0.999, 1e-8, 0.01, true);
        var config = new TrainConfig(c.Loss, optimizer, 256);
        var start = TrainState.Initial(c.Network, optimizer, Rng.FromSeed(4));
        var reference = Training.ReferenceEpoch(config, start, c.Data);
        foreach (var threads in new[] { 2, 3 })
        {
            var fused = OnThreads(threads, compute => Training.Epoch(config, start, c.Data, compute));
            Assert.Null(Difference(fused.State, reference.State));
            Assert.True(Bits.Same(fused.Loss, reference.Loss), $"{threads} threads: loss {fused.Loss:R} vs {reference.Loss:R}");
        }
    }

    [Fact]
    public void A_softmax_output_layer_past_the_split_threshold_runs_whole_with_the_bits_of_the_reference()
    {
        // 256 rows through a 53-41 softmax layer: 556,288 multiply-adds, past the threshold (2^19) at
        // which an elementwise layer is split by columns. A softmax row needs all 41 columns at once.
        var c = new NetworkCase([70, 53, 41], ["tanh", "softmax"], 512, 22, "cross-entropy");
        var optimizer = new Sgd(new ConstantSchedule(0.1));
        var config = new TrainConfig(c.Loss, optimizer, 256);
        var start = TrainState.Initial(c.Network, optimizer, Rng.FromSeed(5));
        var reference = Training.ReferenceEpoch(config, start, c.Data);
        var fused = OnThreads(2, compute => Training.Epoch(config, start, c.Data, compute));
        Assert.Null(Difference(fused.State, reference.State));
        Assert.True(Bits.Same(fused.Loss, reference.Loss), $"loss {fused.Loss:R} vs {reference.Loss:R}");
    }

    [Theory]
    [InlineData("sgd", null)]
    [InlineData("nesterov", null)]
    [InlineData("adamw", 0.5)]
    [InlineData("amsgrad", 0.05)]
    public void An_update_shared_out_over_threads_gives_the_bits_of_the_reference(string name, double? clipNorm)
    {
        // 330-203-61-3 has 79,810 parameters, past the update's threshold (2^16); batches of 4 keep
        // the products on one thread, so the update is what is split, and its first layer (66,990
        // weights in one part) is too large to be updated in the backward pass. Each thread takes its
        // units of every layer, rows of 330 and 203 weights that do not split into whole vectors,
        // and the last layer, of 3 units, too few to share, in even ranges of its weights.
        var c = new NetworkCase([330, 203, 61, 3], ["tanh", "identity", "identity"], 12, 8);
        Assert.True(c.Network.Layers.Sum(l => l.Weight.RowCount * (l.Weight.ColumnCount + 1)) >= FusedTraining.ParallelUpdateThreshold);
        Assert.True(330L * 203 > FusedTraining.EagerPartParameters);
        var optimizer = (Optimizer)Optimizer.Create(name, new ConstantSchedule(0.01), 0.9, 0.9, 0.999, 1e-8, 0.01, clipNorm);
        AllThreadCountsGiveTheReference(c, optimizer, 4);
    }

    [Theory]
    [InlineData("sgd", null)]
    [InlineData("nesterov", null)]
    [InlineData("adam", null)]
    [InlineData("amsgrad", 0.05)]
    public void A_small_network_s_split_layers_update_their_own_units_with_the_bits_of_the_reference(string name, double? clipNorm)
    {
        // 64-200-30-3 has 19,123 parameters, below the update's threshold: it is updated during the
        // backward pass (unless clipping). Batches of 64 split the first layer's passes (64·64·200
        // multiply-adds, past 2^19), whose parts each update their own units' weights.
        var c = new NetworkCase([64, 200, 30, 3], ["tanh", "sigmoid", "identity"], 64, 5);
        Assert.True(c.Network.Layers.Sum(l => l.Weight.RowCount * (l.Weight.ColumnCount + 1)) < FusedTraining.ParallelUpdateThreshold);
        Assert.True(64L * 64 * 200 >= FusedTraining.ParallelLayerThreshold);
        var optimizer = (Optimizer)Optimizer.Create(name, new ConstantSchedule(0.01), 0.9, 0.9, 0.999, 1e-8, 0.01, clipNorm);
        AllThreadCountsGiveTheReference(c, optimizer, 64);
    }

    [Theory]
    [InlineData("sgd")]
    [InlineData("momentum")]
    [InlineData("adamw")]
    public void A_network_whose_split_parts_fit_the_cache_updates_them_in_the_backward_pass_with_the_bits_of_the_reference(string name)
    {
        // 256-256-16-3 has 70,019 parameters, past the update's threshold, but batches of 64 split its
        // first layer (64·256·256 multiply-adds) into parts of at most 2^16 weights: each part updates
        // its own units' weights as it computes their gradients (on three threads, parts of 80, 88 and 88 units).
        var c = new NetworkCase([256, 256, 16, 3], ["sigmoid", "tanh", "identity"], 64, 11);
        Assert.True(c.Network.Layers.Sum(l => l.Weight.RowCount * (l.Weight.ColumnCount + 1)) >= FusedTraining.ParallelUpdateThreshold);
        Assert.True(64L * 256 * 256 >= FusedTraining.ParallelLayerThreshold && 256L * 256 / 2 <= FusedTraining.EagerPartParameters);
        var optimizer = (Optimizer)Optimizer.Create(name, new ConstantSchedule(0.01), 0.9, 0.9, 0.999, 1e-8, 0.01, null);
        AllThreadCountsGiveTheReference(c, optimizer, 64);
    }

    /// <summary>
    /// Two epochs on two and three threads equal the reference's two, bit for bit; so do two single
    /// steps on one batch (a step that splits no layer runs on the state's own layout, one that
    /// splits one on row-major sets, as epochs do).
    /// </summary>
    private static void AllThreadCountsGiveTheReference(NetworkCase c, Optimizer optimizer, int batch)
    {
        var config = new TrainConfig(c.Loss, optimizer, batch);
        var start = TrainState.Initial(c.Network, optimizer, Rng.FromSeed(6));
        var reference = Training.ReferenceEpoch(config, Training.ReferenceEpoch(config, start, c.Data).State, c.Data);
        var first = c.Data.Select(Enumerable.Range(0, batch).ToArray());
        var referenceSteps = Training.ReferenceStep(config, Training.ReferenceStep(config, start, first).State, first);
        foreach (var threads in new[] { 2, 3 })
        {
            var fused = OnThreads(threads, compute => Training.Epoch(config, Training.Epoch(config, start, c.Data, compute).State, c.Data, compute));
            Assert.Null(Difference(fused.State, reference.State));
            Assert.True(Bits.Same(fused.Loss, reference.Loss), $"{threads} threads: loss {fused.Loss:R} vs {reference.Loss:R}");
            var steps = OnThreads(threads, compute => Training.Step(config, Training.Step(config, start, first, compute).State, first, compute));
            Assert.Null(Difference(steps.State, referenceSteps.State));
            Assert.True(Bits.Same(steps.Loss, referenceSteps.Loss), $"{threads} threads, steps: loss {steps.Loss:R} vs {referenceSteps.Loss:R}");
        }
    }

    [Theory]
    [InlineData(330, 203, 4, 150, 250, "-Inf in the updated layers.0.weight[150, 250]")]
    [InlineData(64, 200, 64, 150, 50, "-Inf in the updated layers.0.weight[150, 50]")]
    public void A_non_finite_update_in_a_thread_s_range_is_named_like_the_reference_names_it(int inputs, int units, int batch, int unit, int column, string expected)
    {
        // One momentum value of +∞ in the first weight tensor: the loss stays finite and only that
        // element's update overflows, in the last of three threads' ranges: of the update shared
        // out at the end (330-203-30-3, batches of 4: a step that splits no layer keeps the state's
        // column-major weights, whose element 250·203 + 150 = 50,900 is in the last part's range of
        // elements, 128·330 = 42,240 to 66,989), or of
        // the first layer's split backward pass, whose parts update their own units' weights
        // (64-200-30-3, batches of 64: unit 150 is in the last part's 136–199).
        var c = new NetworkCase([inputs, units, 30, 3], ["tanh", "identity", "identity"], batch, 9);
        var config = new TrainConfig(c.Loss, new Momentum(new ConstantSchedule(0.01), 0.9, false), batch);
        var state = TrainState.Initial(c.Network, config.Optimizer, Rng.FromSeed(1));
        var trace = state.Optimizer.Slot(state.Optimizer.Slots.Keys.Single());
        // A fresh state's own zeros, written before anything reads them.
        Dense.Data(trace.Layers[0].Weight)[units * column + unit] = double.PositiveInfinity;
        var reference = Training.ReferenceStep(config, state, c.Data);
        Assert.Equal(expected, reference.Problem?.Describe());
        var fused = OnThreads(3, compute => Training.Step(config, state, c.Data, compute));
        Assert.Equal(reference.Problem, fused.Problem);
        Assert.Same(state, fused.State);
    }

    [Fact]
    public void A_large_data_set_gathered_on_several_threads_gives_the_bits_of_the_reference()
    {
        // 8200 rows of 130 inputs: over 2^20 values, so the epoch's batches are gathered in parallel.
        var c = new NetworkCase([130, 4, 2], ["tanh", "identity"], 8200, 13);
        var config = new TrainConfig(MeanSquaredError.Instance, new Sgd(new ConstantSchedule(0.01)), 100);
        var start = TrainState.Initial(c.Network, config.Optimizer, Rng.FromSeed(6));
        var reference = Training.ReferenceEpoch(config, start, c.Data);
        foreach (var threads in new[] { 1, 2, 3 })
        {
            var fused = OnThreads(threads, compute => Training.Epoch(config, start, c.Data, compute));
            Assert.Null(Difference(fused.State, reference.State));
            Assert.True(Bits.Same(fused.Loss, reference.Loss), $"{threads} threads: loss {fused.Loss:R} vs {reference.Loss:R}");
        }
    }

    [Fact]
    public void Every_returned_state_owns_fresh_arrays_that_later_epochs_never_write()
    {
        var c = new NetworkCase([5, 7, 3], ["sigmoid", "identity"], 23, 9);
        var optimizer = new Adam(new ConstantSchedule(0.01), 0.9, 0.999, 1e-8, 0, false);
        var config = new TrainConfig(MeanSquaredError.Instance, optimizer, 4);
        var states = new List<TrainState> { TrainState.Initial(c.Network, optimizer, Rng.FromSeed(4)) };
        for (var e = 0; e < 6; e++) states.Add(Training.Epoch(config, states[^1], c.Data).State);
        states.Add(Training.Step(config, states[^1], c.Data).State);
        static double[] Snapshot(TrainState s) => Bits.Of(s.Network).Concat(s.Optimizer.Slots.Values.SelectMany(Bits.Of)).ToArray();
        var snapshots = states.Select(Snapshot).ToList();

        // Training on from an old state again must not touch any state already returned.
        Training.Epoch(config, states[2], c.Data);
        Training.Epoch(config, states[^1], c.Data);
        for (var i = 0; i < states.Count; i++)
            Assert.True(Bits.Same(snapshots[i], Snapshot(states[i])), $"state {i} was written to");

        static IEnumerable<double[]> Arrays(TrainState s) =>
            Updates.ParametersOf(s.Network).Tensors().Concat(s.Optimizer.Slots.Values.SelectMany(g => g.Tensors())).Select(t => t.Values);
        var owners = new Dictionary<double[], int>(ReferenceEqualityComparer.Instance);
        for (var i = 0; i < states.Count; i++)
            foreach (var array in Arrays(states[i]))
                Assert.True(owners.TryAdd(array, i) || owners[array] == i, $"states {owners[array]} and {i} share an array");
    }


    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void States_returned_through_one_context_own_arrays_that_its_later_calls_never_write(int threads)
    {
        // The context's workspace keeps the parameter arrays a call used and handed out in no state, and
        // the next call writes them as its step targets: no array of a returned state may be among them,
        // whether the call ended, stopped at a non-finite step or skipped one.
        var c = new NetworkCase([5, 7, 3], ["sigmoid", "identity"], 23, 9);
        var optimizer = new Adam(new ConstantSchedule(0.01), 0.9, 0.999, 1e-8, 0, false);
        var config = new TrainConfig(MeanSquaredError.Instance, optimizer, 4);
        var inputs = Dense.Data(c.Data.Inputs).ToArray();
        inputs[20] = double.NaN; // one row of 23: one step of every epoch meets it
        var poisoned = new Dataset(Dense.Matrix(23, 5, inputs), c.Data.Targets);
        var skipOnce = new TrainConfig(MeanSquaredError.Instance, optimizer, 4, new NonFinitePolicy.SkipUpdates(1));
        using var compute = new ComputeContext(threads);

        var states = new List<TrainState> { TrainState.Initial(c.Network, optimizer, Rng.FromSeed(4)) };
        foreach (var epochs in new[] { 1, 3, 2 }) states.Add(Training.Epochs(config, states[^1], c.Data, epochs, compute).State);
        var stopped = Training.Epochs(skipOnce, states[^1], poisoned, 3, compute); // skips in its first epoch, stops in its second
        Assert.NotNull(stopped.Stop);
        Assert.Equal(states[^1].Epoch + 1, stopped.State.Epoch);
        states.Add(stopped.State);
        states.Add(Training.Epochs(config, states[^1], c.Data, 2, compute).State);
        static double[] Snapshot(TrainState s) => Bits.Of(s.Network).Concat(s.Optimizer.Slots.Values.SelectMany(Bits.Of)).ToArray();
        var snapshots = states.Select(Snapshot).ToList();

        Training.Epochs(config, states[1], c.Data, 4, compute);
        Training.Epochs(skipOnce, states[^2], poisoned, 2, compute);
        Training.Epochs(config, states[^1], c.Data, 3, compute);
        for (var i = 0; i < states.Count; i++)
            Assert.True(Bits.Same(snapshots[i], Snapshot(states[i])), $"state {i} was written to");
        Assert.Null(Difference(states[^1], Training.ReferenceEpochs(config, states[^2], c.Data, 2).State));
    }

    [Fact]
    public void One_context_kept_across_optimizers_with_other_slots_trains_each_as_the_reference_does()
    {
        // The workspace keeps a call's spare parameter sets for the next call on the same network; a
        // set with momentum's one slot per tensor must not serve Adam's two, nor SGD's none.
        var c = new NetworkCase([6, 9, 3], ["tanh", "identity"], 30, 12);
        using var compute = new ComputeContext(2);
        var state = TrainState.Initial(c.Network, new Sgd(new ConstantSchedule(0.05)), Rng.FromSeed(3));
        foreach (var optimizer in new Optimizer[]
                 {
                     new Momentum(new ConstantSchedule(0.05), 0.9, false),
                     new Adam(new ConstantSchedule(0.01), 0.9, 0.999, 1e-8, 0, false),
                     new Sgd(new ConstantSchedule(0.05)),
                     new Momentum(new ConstantSchedule(0.05), 0.9, true),
                 })
        {
            var config = new TrainConfig(MeanSquaredError.Instance, optimizer, 7);
            var start = TrainState.Initial(state.Network, optimizer, state.Rng);
            var fused = Training.Epochs(config, start, c.Data, 2, compute);
            Assert.Null(Difference(fused.State, Training.ReferenceEpochs(config, start, c.Data, 2).State));
            state = fused.State;
        }
    }

    [Fact]
    public void An_activation_defined_outside_the_library_trains_through_its_own_methods()
    {
        var c = new NetworkCase([3, 4, 2], ["tanh", "identity"], 5, 3);
        var network = c.Network with { Layers = c.Network.Layers.Map(l => l with { Activation = new Cube() }) };
        var config = new TrainConfig(MeanSquaredError.Instance, new Sgd(new ConstantSchedule(0.01)), 2);
        var state = TrainState.Initial(network, config.Optimizer, Rng.FromSeed(1));
        Assert.Null(Difference(Training.Epoch(config, state, c.Data).State, Training.ReferenceEpoch(config, state, c.Data).State));
    }

    /// <summary>Mean absolute error: a loss the library does not define, so no kernel is registered for it.</summary>
    private sealed record MeanAbsoluteError : Loss
    {
        public override string Name => "mae";

        public override double Value(LayerTrace output, MathNet.Numerics.LinearAlgebra.Matrix<double> targets) =>
            (output.Activation - targets).PointwiseAbs().Enumerate().Sum() / (targets.RowCount * targets.ColumnCount);

        public override MathNet.Numerics.LinearAlgebra.Matrix<double> OutputGradient(LayerTrace output, Activation outputActivation, MathNet.Numerics.LinearAlgebra.Matrix<double> targets) =>
            outputActivation.Backpropagate(output.PreActivation, output.Activation, (output.Activation - targets).PointwiseSign() / (targets.RowCount * targets.ColumnCount));
    }

    [Fact]
    public void A_loss_defined_outside_the_library_has_no_kernel_and_trains_as_the_reference_does()
    {
        var c = new NetworkCase([3, 4, 2], ["tanh", "sigmoid"], 6, 3);
        var loss = new MeanAbsoluteError();
        var config = new TrainConfig(loss, new Adam(new ConstantSchedule(0.01), 0.9, 0.999, 1e-8, 0, false), 4);
        var state = TrainState.Initial(c.Network, config.Optimizer, Rng.FromSeed(2));
        Assert.Null(Functional.Fast.LossKernels.For(loss));
        Assert.False(FusedTraining.Supports(config, c.Network));
        var trained = Training.Epochs(config, state, c.Data, 3);
        var reference = Enumerable.Range(0, 3).Aggregate(state, (s, _) => Training.ReferenceEpoch(config, s, c.Data).State);
        Assert.Null(Difference(trained.State, reference));
    }

    /// <summary>x², an elementwise activation written as the library's are, but not registered: it has no kernel.</summary>
    private sealed record Square : ElementwiseActivation<Square.Function>
    {
        public override string Name => "square";

        public readonly struct Function : IElementwiseFunction
        {
            public static T Value<T>(T z) where T : struct, Functional.Numerics.IReal<T> => z * z;

            public static T Slope<T>(T z, T h) where T : struct, Functional.Numerics.IReal<T> => z + z;
        }
    }

    [Fact]
    public void An_elementwise_activation_defined_outside_the_library_has_no_kernel_and_trains_as_the_reference_does()
    {
        var c = new NetworkCase([3, 4, 2], ["tanh", "identity"], 8, 5);
        var network = c.Network with { Layers = c.Network.Layers.Map(l => l with { Activation = new Square() }) };
        var config = new TrainConfig(MeanSquaredError.Instance, new Momentum(new ConstantSchedule(0.01), 0.9, false, 0), 4);
        var state = TrainState.Initial(network, config.Optimizer, Rng.FromSeed(3));
        Assert.Null(Functional.Fast.ActivationKernels.For(new Square()));
        Assert.False(FusedTraining.Supports(config, network));
        Assert.Null(Difference(Training.Epoch(config, state, c.Data).State, Training.ReferenceEpoch(config, state, c.Data).State));
    }
}
