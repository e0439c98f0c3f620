using Backprop.Functional.Numerics;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using LanguageExt;

namespace Backprop.Functional.Tests;

/// <summary>
/// <see cref="ClassificationMetrics"/> and <see cref="RegressionMetrics"/>: a confusion matrix
/// computed by hand, and the laws (macro F1 in [0, 1], 1 for perfect predictions; R² of the mean
/// predictor 0; rmse = √(2·mse loss)).
/// </summary>
public sealed class EvaluationMetricsTests
{
    private static Arr<Arr<int>> Table(params int[][] rows) => rows.Select(r => r.ToArr()).ToArr();

    private static void Close(double expected, double actual) => Assert.Equal(expected, actual, 1e-15);

    [Fact]
    public void Precision_recall_and_f1_match_a_confusion_matrix_worked_by_hand()
    {
        // true \ predicted: a  b  c
        //               a   5  1  0     support 6
        //               b   2  3  1     support 6
        //               c   0  0  0     support 0, predicted 1: precision 0, recall 0 (zero_division=0)
        var scores = ClassificationMetrics.PerClass(Table([5, 1, 0], [2, 3, 1], [0, 0, 0]));
        // a: TP 5, predicted 7, support 6 → P 5/7, R 5/6, F1 10/(10+2+1) = 10/13
        Close(5.0 / 7, scores[0].Precision);
        Close(5.0 / 6, scores[0].Recall);
        Close(10.0 / 13, scores[0].F1);
        // b: TP 3, predicted 4, support 6 → P 3/4, R 1/2, F1 6/(6+1+3) = 6/10
        Close(3.0 / 4, scores[1].Precision);
        Close(1.0 / 2, scores[1].Recall);
        Close(6.0 / 10, scores[1].F1);
        // c: never occurs, predicted once → P 0/1, R 0 (no rows), F1 0/(0+1+0)
        Assert.Equal((0.0, 0.0, 0.0, 0, 1), (scores[2].Precision, scores[2].Recall, scores[2].F1, scores[2].Support, scores[2].Predicted));
        // c was predicted, so it occurs and counts in the macro average, as in scikit-learn's f1_score(average="macro").
        Close((10.0 / 13 + 6.0 / 10 + 0) / 3, ClassificationMetrics.MacroF1(scores));
        Close((5.0 / 7 + 3.0 / 4 + 0) / 3, ClassificationMetrics.MacroPrecision(scores));
        Close((5.0 / 6 + 1.0 / 2 + 0) / 3, ClassificationMetrics.MacroRecall(scores));
    }

    [Fact]
    public void A_class_that_neither_occurs_nor_is_predicted_scores_0_and_stays_out_of_the_macro_average()
    {
        var scores = ClassificationMetrics.PerClass(Table([4, 0, 0], [0, 0, 0], [0, 0, 3]));
        Assert.Equal(new ClassScores(0, 0, 0, 0, 0), scores[1]);
        Assert.Equal(1.0, ClassificationMetrics.MacroF1(scores));
    }

    [Fact]
    public void A_class_never_predicted_has_precision_0()
    {
        var scores = ClassificationMetrics.PerClass(Table([2, 0], [1, 0]));
        Assert.Equal(0.0, scores[1].Precision);
        Assert.Equal(0.0, scores[1].Recall);
        Assert.Equal(2.0 / 3, scores[0].Precision);
    }

    /// <summary>Square confusion matrices of 1–6 classes with 0–20 rows in each cell.</summary>
    public static class Confusions
    {
        public static Arbitrary<int[][]> Tables() => Arb.From(
            from classes in Gen.Choose(1, 6)
            from cells in Gen.ArrayOf(Gen.ArrayOf(Gen.Choose(0, 20), classes), classes)
            select cells);
    }

    [Property(MaxTest = 300, Arbitrary = [typeof(Confusions)])]
    public Property Every_score_and_macro_average_lies_in_0_to_1(int[][] cells)
    {
        var scores = ClassificationMetrics.PerClass(Table(cells));
        var all = scores.SelectMany(s => new[] { s.Precision, s.Recall, s.F1 })
            .Append(ClassificationMetrics.MacroF1(scores)).Append(ClassificationMetrics.MacroPrecision(scores)).Append(ClassificationMetrics.MacroRecall(scores));
        return all.All(v => v is >= 0 and <= 1).Label(string.Join(", ", all));
    }

    [Property(MaxTest = 300, Arbitrary = [typeof(Confusions)])]
    public Property Perfect_predictions_give_1_for_every_class_that_occurs_and_a_macro_f1_of_1(int[][] cells)
    {
        // Only the diagonal: every row predicted as its own class.
        var diagonal = cells.Select((row, t) => row.Select((n, p) => p == t ? n : 0).ToArray()).ToArray();
        if (diagonal.Sum(r => r.Sum()) == 0) diagonal[0][0] = 1;
        var scores = ClassificationMetrics.PerClass(Table(diagonal));
        return (ClassificationMetrics.MacroF1(scores) == 1 && scores.Filter(s => s.Occurs).ForAll(s => s.Precision == 1 && s.Recall == 1 && s.F1 == 1))
            .Label(string.Join("; ", scores));
    }

    [Fact]
    public void Regression_metrics_match_values_worked_by_hand()
    {
        // One column: y = 1, 2, 3, 4 (mean 2.5, Σ(y − ȳ)² = 5); h = 1, 2, 4, 2: errors 0, 0, 1, −2.
        var metrics = RegressionMetrics.Of([1, 2, 4, 2], [1, 2, 3, 4], rows: 4);
        Close(Math.Sqrt(5.0 / 4), metrics.RootMeanSquaredError);
        Close(3.0 / 4, metrics.MeanAbsoluteError);
        Close(1 - 5.0 / 5, metrics.RSquared);
        // Two columns average their R²: the second column predicted exactly.
        var two = RegressionMetrics.Of([1, 2, 4, 2, 7, 8, 9, 10], [1, 2, 3, 4, 7, 8, 9, 10], rows: 4);
        Close((0 + 1) / 2.0, two.RSquared);
        // An R² strictly between 0 and 1: h = 1, 2, 3, 3 leaves Σ(y − h)² = 1 of Σ(y − ȳ)² = 5.
        Close(0.8, RegressionMetrics.Of([1, 2, 3, 3], [1, 2, 3, 4], rows: 4).RSquared);
        Close(0.8, RegressionMetrics.RSquaredOf([1, 2, 3, 3], [1, 2, 3, 4]));
    }

    [Fact]
    public void Regression_metrics_of_no_rows_have_no_r_squared_and_mismatched_lengths_are_refused()
    {
        var none = RegressionMetrics.Of([], [], rows: 0);
        Assert.True(double.IsNaN(none.RSquared));
        Assert.Equal("3 predictions for 4 targets", Assert.Throws<ArgumentException>(() => RegressionMetrics.Of([1, 2, 3], [1, 2, 3, 4], rows: 4)).Message);
    }

    [Fact]
    public void A_class_that_occurs_but_is_never_predicted_counts_in_the_macro_average()
    {
        // Class 1 occurs twice and is never predicted: its precision, recall and F1 of 0 lower the macro averages.
        var scores = ClassificationMetrics.PerClass(Arr.create(Arr.create(3, 0), Arr.create(2, 0)));
        Assert.True(scores[1].Occurs);
        Assert.Equal((0, 2), (scores[1].Predicted, scores[1].Support));
        Close(3.0 / 5 / 2, ClassificationMetrics.MacroPrecision(scores));
        Close(0.5, ClassificationMetrics.MacroRecall(scores));
    }

    [Fact]
    public void R_squared_of_a_constant_target_is_1_when_exact_and_0_otherwise()
    {
        Assert.Equal(1.0, RegressionMetrics.RSquaredOf([3, 3], [3, 3]));
        Assert.Equal(0.0, RegressionMetrics.RSquaredOf([3, 4], [3, 3]));
    }

    /// <summary>Targets and predictions: 1–3 columns of 2–15 rows.</summary>
    public static class Predictions
    {
        public static Arbitrary<(int Rows, double[] H, double[] Y)> Cases() => Arb.From(
            from columns in Gen.Choose(1, 3)
            from rows in Gen.Choose(2, 15)
            from y in Gen.ArrayOf(Gen.Choose(-100_000, 100_000).Select(v => v * 0.013), rows * columns)
            from h in Gen.ArrayOf(Gen.Choose(-100_000, 100_000).Select(v => v * 0.011), rows * columns)
            select (rows, h, y));
    }

    [Property(MaxTest = 300, Arbitrary = [typeof(Predictions)])]
    public Property R_squared_of_the_mean_predictor_is_0((int Rows, double[] H, double[] Y) @case)
    {
        var (rows, y) = (@case.Rows, @case.Y);
        var mean = new double[y.Length];
        for (var c = 0; c < y.Length / rows; c++)
        {
            var sum = 0.0;
            for (var r = 0; r < rows; r++) sum += y[c * rows + r];
            mean.AsSpan(c * rows, rows).Fill(sum / rows);
        }
        var r2 = RegressionMetrics.Of(mean, y, rows).RSquared;
        return (r2 == 0).Label($"R² {r2}");
    }

    [Property(MaxTest = 300, Arbitrary = [typeof(Predictions)])]
    public Property Rmse_is_the_square_root_of_twice_the_mse_loss_which_is_half_a_mean_square((int Rows, double[] H, double[] Y) c)
    {
        var (rows, h, y) = c;
        var (hm, ym) = (Dense.Matrix(rows, y.Length / rows, h), Dense.Matrix(rows, y.Length / rows, y));
        var loss = MeanSquaredError.Instance.Value(new LayerTrace(hm, hm), ym);
        var rmse = RegressionMetrics.Of(h, y, rows).RootMeanSquaredError;
        return (rmse == Math.Sqrt(2 * loss)).Label($"rmse {rmse}, √(2·loss) {Math.Sqrt(2 * loss)}");
    }

    [Property(MaxTest = 200, Arbitrary = [typeof(Predictions)])]
    public Property R_squared_is_at_most_1_and_exactly_1_for_perfect_predictions((int Rows, double[] H, double[] Y) c) =>
        (RegressionMetrics.Of(c.H, c.Y, c.Rows).RSquared <= 1 && RegressionMetrics.Of(c.Y, c.Y, c.Rows).RSquared == 1).ToProperty();

    [Fact]
    public void Evaluation_fills_the_class_scores_from_its_own_confusion_matrix()
    {
        // Three rows, two classes: outputs favour class 0, 1, 0; truth 0, 1, 1.
        var h = Dense.Matrix(3, 2, [0.9, 0.2, 0.6, 0.1, 0.8, 0.4]);
        var y = Dense.Matrix(3, 2, [1, 0, 0, 0, 1, 1]);
        var network = new Network(new[] { new Layer(Dense.Matrix(2, 2, [1, 0, 0, 1]), Dense.Vector([0.0, 0.0]), Identity.Instance) }.ToArr());
        var evaluation = Evaluation.Of(network, MeanSquaredError.Instance, new Dataset(h, y), TaskKind.Classification);
        Assert.Equal(Table([1, 0], [1, 1]), evaluation.Confusion);
        Close(1.0 / 2, evaluation.PerClass[0].Precision);
        Close(1.0 / 2, evaluation.PerClass[1].Recall);
        Close((2.0 / 3 + 2.0 / 3) / 2, evaluation.MacroF1!.Value);
        Close((1.0 + 1.0 / 2) / 2, evaluation.MacroPrecision!.Value);
        Close((1.0 + 1.0 / 2) / 2, evaluation.MacroRecall!.Value);

        var regression = Evaluation.Of(network, MeanSquaredError.Instance, new Dataset(h, y), TaskKind.Regression);
        Assert.Equal((null, null, null, null), (regression.Accuracy, regression.MacroF1, regression.MacroPrecision, regression.MacroRecall));
    }

    [Theory]
    [InlineData(new[] { 3, 2 }, 4096)] // 2 + 2 doubles a row: capped at 4096 rows
    [InlineData(new[] { 3, 1000, 1000, 10 }, 259)] // 2010 + 10 doubles a row: 524,288 / 2020
    [InlineData(new[] { 3, 9000, 10 }, 64)] // 9010 + 10: 58 rows, raised to 64
    public void Rows_per_pass_hold_the_activation_budget_between_64_and_4096(int[] widths, int rows)
    {
        var network = ((Network Network, Rng))NetworkFactory.Create(widths, Relu.Instance, Identity.Instance, new HeNormal(), Rng.FromSeed(1));
        Assert.Equal(rows, Evaluation.RowsPerPass(network.Network));
    }

    [Fact]
    public void The_predicted_class_is_the_first_of_equal_largest_outputs()
    {
        // Column-major, 3 rows × 3 columns: row 0 ties columns 1 and 2, row 1 ties all, row 2 favours column 2.
        double[] outputs = [0, 1, 1, 5, 1, 2, 5, 1, 3];
        Assert.Equal([1, 0, 2], Evaluation.ArgMaxByRow(outputs, 3, 3));
    }

    private static readonly Network IdentityOfTwo =
        new(new[] { new Layer(Dense.Matrix(2, 2, [1, 0, 0, 1]), Dense.Vector([0.0, 0.0]), Identity.Instance) }.ToArr());

    /// <summary>Inputs (0.5, 0.5), (0.2, 0.7), (0.3, 0.3), which <see cref="IdentityOfTwo"/> passes on as its outputs; truth 1, 1, 0.</summary>
    private static readonly Dataset TiedRows = new(Dense.FromRowMajor(3, 2, [0.5, 0.5, 0.2, 0.7, 0.3, 0.3]), Dense.FromRowMajor(3, 2, [0, 1, 0, 1, 1, 0]));

    [Theory]
    [InlineData(null)]
    [InlineData(1)]
    [InlineData(2)]
    public void A_row_whose_outputs_tie_is_predicted_as_the_first_class_in_every_pass_size(int? rowsPerPass)
    {
        // Rows (0.5, 0.5), (0.2, 0.7), (0.3, 0.3): the ties go to class 0; truth 1, 1, 0.
        var evaluation = Evaluation.Of(IdentityOfTwo, MeanSquaredError.Instance, TiedRows, TaskKind.Classification, null, rowsPerPass);
        Assert.Equal(Table([1, 0], [1, 1]), evaluation.Confusion);
    }

    /// <summary>Half the mean absolute error: a loss the library does not define, so evaluation has no streamed sums for it.</summary>
    private sealed record HalfMeanAbsoluteError : Loss
    {
        public override string Name => "half-mae";

        public override double Value(LayerTrace output, MathNet.Numerics.LinearAlgebra.Matrix<double> targets) =>
            0.5 * (output.Activation - targets).Enumerate().Average(Math.Abs);

        public override MathNet.Numerics.LinearAlgebra.Matrix<double> OutputGradient(LayerTrace output, Activation outputActivation, MathNet.Numerics.LinearAlgebra.Matrix<double> targets) =>
            throw new NotSupportedException();
    }

    [Fact]
    public void A_loss_the_library_does_not_define_is_evaluated_by_its_own_value()
    {
        var evaluation = Evaluation.Of(IdentityOfTwo, new HalfMeanAbsoluteError(), TiedRows, TaskKind.Regression, null, 2);
        Close(0.5 * (0.5 + 0.5 + 0.2 + 0.3 + 0.7 + 0.3) / 6, evaluation.Loss);
    }
}
