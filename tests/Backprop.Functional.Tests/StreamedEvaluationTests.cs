using Backprop.Functional.Numerics;
using Backprop.Functional.Tests.Support;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using LanguageExt;

namespace Backprop.Functional.Tests;

/// <summary>
/// <see cref="Evaluation.Of"/> and <see cref="Evaluation.InTargetUnits"/> run the forward pass a
/// batch of rows at a time. The laws: the forward pass of a subset of rows gives exactly those
/// rows of the pass over all of them, and a streamed evaluation gives the bits of the whole-batch
/// one (<see cref="WholeBatchEvaluation"/>), for every loss, activation, task, target scaling,
/// thread count and batch size (1, one that does not divide the rows, at least the rows).
/// </summary>
public sealed class StreamedEvaluationTests
{
    public sealed record EvaluationCase(NetworkCase Network, TaskKind Task, int RowsPerPass, int Threads, ulong? ScalingSeed)
    {
        public Option<Standardization> Scaling(int outputs)
        {
            if (ScalingSeed is not { } seed) return Option<Standardization>.None;
            var (means, rng) = Rng.FromSeed(seed).Uniforms(outputs, -3, 3);
            var (stds, _) = rng.Uniforms(outputs, 0.1, 4);
            return new Standardization(means.ToArr(), stds.ToArr());
        }

        public override string ToString() =>
            $"{Network}; {Task}; {RowsPerPass} rows per pass; {Threads} threads; scaling {ScalingSeed?.ToString() ?? "none"}";
    }

    private static Gen<EvaluationCase> Cases(Arbitrary<NetworkCase> networks, TaskKind task, bool scaled) =>
        from network in networks.Generator
        from rows in Gen.Choose(1, 40)
        from perPass in Gen.OneOf(Gen.Constant(1), Gen.Choose(2, 12), Gen.Constant(rows), Gen.Choose(rows + 1, rows + 20))
        from threads in Gen.Choose(1, 3)
        from seed in Gen.Choose(0, 1000)
        from scaling in scaled ? Gen.Elements(true, false) : Gen.Constant(false)
        select new EvaluationCase(network with { Batch = rows }, task, perPass, threads, scaling ? (ulong)seed : null);

    /// <summary>mse on every output activation (as regression, with and without target scaling, and as classification), cross-entropy and binary cross-entropy.</summary>
    public static class AnyEvaluation
    {
        private static readonly string[] Hidden = ["sigmoid", "tanh", "relu", "leaky-relu", "softplus", "identity"];

        public static Arbitrary<EvaluationCase> Cases() => Arb.From(Gen.OneOf(
            StreamedEvaluationTests.Cases(NetworkCase.Arbitrary(Hidden), TaskKind.Regression, scaled: true),
            StreamedEvaluationTests.Cases(NetworkCase.Arbitrary(Hidden, "mse", "softmax", minOutputs: 2), TaskKind.Classification, scaled: false),
            StreamedEvaluationTests.Cases(NetworkCase.Arbitrary(Hidden, "cross-entropy", "softmax", minOutputs: 2), TaskKind.Classification, scaled: false),
            StreamedEvaluationTests.Cases(NetworkCase.Arbitrary(["tanh", "sigmoid"], "cross-entropy", "softmax", minOutputs: 2, logitScale: 60), TaskKind.Classification, scaled: false),
            StreamedEvaluationTests.Cases(NetworkCase.Arbitrary(Hidden, "binary-cross-entropy", "sigmoid"), TaskKind.Classification, scaled: false),
            StreamedEvaluationTests.Cases(NetworkCase.Arbitrary(Hidden, "binary-cross-entropy", "sigmoid"), TaskKind.Regression, scaled: false)));
    }

    [Property(MaxTest = 400, Arbitrary = [typeof(AnyEvaluation)])]
    public Property A_streamed_evaluation_has_the_bits_of_one_pass_over_every_row(EvaluationCase c)
    {
        var (network, data, loss) = (c.Network.Network, c.Network.Data, c.Network.Loss);
        var scaling = c.Scaling(network.OutputWidth);
        using var compute = new ComputeContext(c.Threads);
        var streamed = Evaluation.InTargetUnits(network, loss, data, c.Task, scaling, compute, c.RowsPerPass);
        var whole = WholeBatchEvaluation.Of(network, loss, data, c.Task, scaling);
        var difference = WholeBatchEvaluation.Difference(streamed, whole);
        return (difference is null).Label(difference ?? "");
    }

    [Property(MaxTest = 200, Arbitrary = [typeof(AnyEvaluation)])]
    public Property The_forward_pass_of_a_subset_of_rows_is_those_rows_of_the_pass_over_all(EvaluationCase c, int first, int length)
    {
        var (network, data) = (c.Network.Network, c.Network.Data);
        var start = Math.Abs(first % data.Rows);
        var count = 1 + Math.Abs(length % (data.Rows - start));
        var rows = Enumerable.Range(start, count).ToArray();
        using var compute = new ComputeContext(c.Threads);
        var all = Forward.Run(network, data.Inputs, compute);
        var subset = Forward.Run(network, data.Select(rows).Inputs, compute);
        var expected = all.Layers.Map(l => Bits.Of(new Dataset(l.PreActivation, l.Activation).Select(rows).Inputs).Concat(Bits.Of(new Dataset(l.PreActivation, l.Activation).Select(rows).Targets)).ToArray());
        var actual = subset.Layers.Map(l => Bits.Of(l.PreActivation).Concat(Bits.Of(l.Activation)).ToArray());
        using var batched = BatchedForward.For(network, count + 3, compute)!;
        batched.Run(data.Inputs, start, count);
        var output = all.OutputLayer;
        var outputRows = new Dataset(output.PreActivation, output.Activation).Select(rows);
        return (expected.Zip(actual).All(p => Bits.Same(p.Item1, p.Item2)) &&
                Bits.Same(Bits.Of(outputRows.Inputs), Copy(batched.PreActivation)) &&
                Bits.Same(Bits.Of(outputRows.Targets), batched.Outputs.ToArray()))
            .Label($"rows {start}..{start + count - 1} of {data.Rows}");
    }

    [Property(MaxTest = 200, Arbitrary = [typeof(AnyEvaluation)])]
    public Property Predictions_in_batches_are_the_predictions_and_their_csv_text(EvaluationCase c)
    {
        var (network, data) = (c.Network.Network, c.Network.Data);
        using var compute = new ComputeContext(c.Threads);
        var batches = Forward.PredictInBatches(network, data.Inputs, compute, c.RowsPerPass).ToList();
        var whole = Forward.Predict(network, data.Inputs);
        var joined = batches.SelectMany(b => Enumerable.Range(0, b.RowCount).Select(r => b.Row(r).ToArray())).SelectMany(row => row).ToArray();
        var schema = c.Task == TaskKind.Classification
            ? new DataSchema(Arr<string>.Empty, Arr.create("label"), TaskKind.Classification, Enumerable.Range(0, network.OutputWidth).Select(k => $"c{k}").ToArr(), Option<Standardization>.None)
            : new DataSchema(Arr<string>.Empty, Enumerable.Range(0, network.OutputWidth).Select(k => $"y{k}").ToArr(), TaskKind.Regression, Arr<string>.Empty, Option<Standardization>.None);
        var text = new StringWriter();
        Backprop.Cli.Commands.PredictCommand.WriteCsv(text, batches, schema, network.OutputWidth);
        return (batches.All(b => b.RowCount <= c.RowsPerPass) && Bits.Same(Dense.ToRowMajor(whole), joined)).Label("batches differ from the predictions")
            .And((text.ToString() == Backprop.Cli.Commands.PredictCommand.Csv(whole, schema)).Label("the csv text differs"));
    }

    [Property(MaxTest = 300, Arbitrary = [typeof(AnyEvaluation)])]
    public Property A_gradient_in_batches_has_the_bits_of_one_pass_over_every_row(EvaluationCase c)
    {
        var (network, data, loss) = (c.Network.Network, c.Network.Data, c.Network.Loss);
        using var compute = new ComputeContext(c.Threads);
        var batched = Training.Gradient(network, loss, data, compute, c.RowsPerPass);
        var whole = Backward.Run(network, Forward.Run(network, data.Inputs), data.Targets, loss);
        return Bits.Same(Bits.Of(batched), Bits.Of(whole)).ToProperty();
    }

    [Fact]
    public void A_wide_gradient_in_batches_has_the_bits_of_the_blocked_threaded_product()
    {
        // 700 rows cross the product's depth block (256) in dW = δᵀ·X; the whole pass is threaded.
        var c = new NetworkCase([30, 40, 4], ["tanh", "softmax"], 700, 13, "cross-entropy");
        using var compute = new ComputeContext(2);
        var whole = Backward.Run(c.Network, Forward.Run(c.Network, c.Data.Inputs, compute), c.Data.Targets, c.Loss, compute);
        foreach (var perPass in new[] { 1, 100, 256, 257, 700, 4096 })
            Assert.True(Bits.Same(Bits.Of(whole), Bits.Of(Training.Gradient(c.Network, c.Loss, c.Data, compute, perPass))), $"{perPass} rows per pass");
    }

    private static double[] Copy(ColumnMajor m)
    {
        var values = new double[m.Count];
        for (var i = 0; i < values.Length; i++) values[i] = m[i];
        return values;
    }

    [Fact]
    public void Wide_deep_and_threaded_products_stream_to_the_same_bits()
    {
        // Depth 300 crosses the products' depth block (256), 700 rows their row block (128), and
        // 700 × 40 × 300 their parallel threshold: the whole pass takes the blocked, packed and
        // threaded paths, the batches of 1 and 7 rows the vector paths.
        var c = new NetworkCase([300, 40, 4], ["relu", "softmax"], 700, 11, "cross-entropy");
        var (network, data) = (c.Network, c.Data);
        var whole = WholeBatchEvaluation.Of(network, c.Loss, data, TaskKind.Classification);
        using var compute = new ComputeContext(2);
        foreach (var perPass in new[] { 1, 7, 128, 333, 700, 4096 })
            Assert.Null(WholeBatchEvaluation.Difference(Evaluation.Of(network, c.Loss, data, TaskKind.Classification, compute, perPass), whole));
    }

    [Fact]
    public void Several_mse_outputs_add_every_column_in_storage_order()
    {
        // Three outputs, 50 rows, 7 per pass: columns 1 and 2 must wait for column 0's whole sum.
        // Adding them batch by batch instead changes the last bits of this loss (checked below).
        var c = new NetworkCase([3, 5, 3], ["tanh", "identity"], 50, 5);
        var (network, data) = (c.Network, c.Data);
        var streamed = Evaluation.Of(network, c.Loss, data, TaskKind.Regression, rowsPerPass: 7);
        Assert.Null(WholeBatchEvaluation.Difference(streamed, WholeBatchEvaluation.Of(network, c.Loss, data, TaskKind.Regression)));
        var h = Dense.Data(Forward.Predict(network, data.Inputs));
        var y = Dense.Data(data.Targets);
        var rowOrder = 0.0;
        for (var r = 0; r < 50; r++)
            for (var k = 0; k < 3; k++)
                rowOrder += (h[k * 50 + r] - y[k * 50 + r]) * (h[k * 50 + r] - y[k * 50 + r]);
        Assert.NotEqual(BitConverter.DoubleToInt64Bits(0.5 * (rowOrder / 150)), BitConverter.DoubleToInt64Bits(streamed.Loss));
    }

    [Fact]
    public void A_pass_of_no_rows_is_refused()
    {
        var c = new NetworkCase([2, 1], ["identity"], 3, 1);
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => Evaluation.Of(c.Network, MeanSquaredError.Instance, c.Data, TaskKind.Regression, rowsPerPass: 0));
        Assert.Equal(("rowsPerPass", "0 rows per pass: at least 1 (Parameter 'rowsPerPass')"), (error.ParamName, error.Message));
    }

    /// <summary>A 2-3-2 softmax classifier, and a data set of its widths with no rows.</summary>
    private static readonly NetworkCase TwoByTwo = new([2, 3, 2], ["tanh", "softmax"], 3, 1, "cross-entropy");

    private static readonly Dataset NoRowsOfTwo = new(Dense.Matrix(0, 2, []), Dense.Matrix(0, 2, []));

    [Theory]
    [InlineData(TaskKind.Regression)]
    [InlineData(TaskKind.Classification)]
    public void A_data_set_of_no_rows_evaluates_as_one_pass_over_it(TaskKind task)
    {
        var (c, none) = (TwoByTwo, NoRowsOfTwo);
        Assert.Null(WholeBatchEvaluation.Difference(Evaluation.Of(c.Network, c.Loss, none, task, rowsPerPass: 2), WholeBatchEvaluation.Of(c.Network, c.Loss, none, task)));
    }

    /// <summary>Targets of the wrong shape are refused by the loss as a whole-batch evaluation always refused them, whichever dimension is wrong.</summary>
    [Theory]
    [InlineData(2, 1)]
    [InlineData(3, 2)]
    public void Targets_of_the_wrong_shape_are_refused_as_by_one_pass(int targetRows, int targetColumns)
    {
        var c = new NetworkCase([2, 1], ["identity"], 3, 1);
        var data = new Dataset(c.Data.Inputs, Dense.Matrix(targetRows, targetColumns, new double[targetRows * targetColumns]));
        Failure.SameAs(() => WholeBatchEvaluation.Of(c.Network, c.Loss, data, TaskKind.Regression),
            () => Evaluation.Of(c.Network, c.Loss, data, TaskKind.Regression, rowsPerPass: 2));
    }

    [Fact]
    public void A_gradient_pass_of_no_rows_is_refused()
    {
        var c = new NetworkCase([2, 1], ["identity"], 3, 1);
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => Training.Gradient(c.Network, c.Loss, c.Data, rowsPerPass: 0));
        Assert.Equal(("rowsPerPass", "0 rows per pass: at least 1 (Parameter 'rowsPerPass')"), (error.ParamName, error.Message));
    }

    /// <summary>Data of the wrong shape is refused as one pass over every row refuses it, whichever dimension is wrong.</summary>
    [Theory]
    [InlineData(3, 1, 3, 1)]
    [InlineData(3, 2, 2, 1)]
    [InlineData(3, 2, 3, 2)]
    public void A_gradient_of_data_of_the_wrong_shape_is_refused_as_by_one_pass(int rows, int inputs, int targetRows, int targetColumns)
    {
        var c = new NetworkCase([2, 1], ["identity"], 3, 1);
        var data = new Dataset(Dense.Matrix(rows, inputs, new double[rows * inputs]), Dense.Matrix(targetRows, targetColumns, new double[targetRows * targetColumns]));
        Failure.SameAs(() => Backward.Run(c.Network, Forward.Run(c.Network, data.Inputs), data.Targets, c.Loss),
            () => Training.Gradient(c.Network, c.Loss, data, rowsPerPass: 2));
    }

    [Fact]
    public void A_gradient_of_no_rows_is_that_of_one_pass_over_them()
    {
        var (c, none) = (TwoByTwo, NoRowsOfTwo);
        var whole = Backward.Run(c.Network, Forward.Run(c.Network, none.Inputs), none.Targets, c.Loss);
        Assert.True(Bits.Same(Bits.Of(whole), Bits.Of(Training.Gradient(c.Network, c.Loss, none, rowsPerPass: 2))));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(6)]
    public void A_batched_pass_refuses_more_rows_than_it_holds_or_none(int count)
    {
        var c = new NetworkCase([2, 3, 1], ["tanh", "identity"], 8, 1);
        using var forward = BatchedForward.For(c.Network, 5, null)!;
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => forward.Run(c.Data.Inputs, 0, count));
        Assert.Equal(("count", $"{count} rows for a pass of at most 5 (Parameter 'count')"), (error.ParamName, error.Message));
        Assert.Equal("inputs have 3 columns but the network reads 2",
            Assert.Throws<ArgumentException>(() => forward.Run(Dense.Matrix(8, 3, new double[24]), 0, 5)).Message);
    }
}
