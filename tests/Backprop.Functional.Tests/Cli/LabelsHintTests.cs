using Backprop.Functional.Tests.Support;
using LanguageExt;

namespace Backprop.Functional.Tests.Cli;

/// <summary>
/// A regression whose one target holds whole numbers, given a network with more outputs than target
/// columns, is refused with a hint at --task classification (the likely intent: class labels).
/// </summary>
public sealed class LabelsHintTests
{
    [Fact]
    public void Digits_as_a_regression_with_ten_outputs_hints_at_classification()
    {
        CliRun.Of("train", "--dataset", "digits", "--task", "regression", "--layers", "64,16,10", "--epochs", "1")
            .AssertRefused("the network writes 10 outputs but there is 1 target column", "'digit' holds whole numbers 0–9", "--task classification one-hot encodes it into 10 outputs");
    }

    [Fact]
    public void Many_distinct_whole_numbers_not_taken_for_labels_still_get_the_hint_when_the_network_has_more_outputs()
    {
        using var dir = new TempDirectory();
        // 30 distinct values on 30 rows: too few rows per value to be inferred as labels, so a regression.
        var csv = "x,grade\n" + string.Concat(Enumerable.Range(0, 30).Select(i => $"{i * 0.5},{(i * 7) % 30 + 1}\n"));
        CliRun.Of("train", "--data", dir.Write("grades.csv", csv), "--target", "grade", "--layers", "1,4,30", "--epochs", "1")
            .AssertRefused("30 outputs but there is 1 target column", "'grade' holds whole numbers 1–30", "--task classification");
    }

    [Fact]
    public void Fractional_targets_get_no_hint()
    {
        using var dir = new TempDirectory();
        var csv = "x,y\n" + string.Concat(Enumerable.Range(0, 10).Select(i => $"{i},{i * 0.25}\n"));
        var run = CliRun.Of("train", "--data", dir.Write("d.csv", csv), "--target", "y", "--layers", "1,4,3", "--epochs", "1")
            .AssertRefused("the network writes 3 outputs but there is 1 target column");
        Assert.DoesNotContain("--task", run.Error);
    }

    [Fact]
    public void The_hint_is_a_pure_function_of_the_targets()
    {
        var schema = new DataSchema(new[] { "x" }.ToArr(), new[] { "n" }.ToArr(), TaskKind.Regression, LanguageExt.Arr<string>.Empty, LanguageExt.Option<Standardization>.None);
        Dataset Targets(params double[] y) => new(Backprop.Functional.Numerics.Dense.Matrix(y.Length, 1, new double[y.Length]), Backprop.Functional.Numerics.Dense.Matrix(y.Length, 1, y));
        Assert.Equal("; 'n' holds 3 distinct whole numbers from 0 to 5: --task classification one-hot encodes it into 3 outputs, one per class",
            RunPlan.LabelsHint(Targets(0, 5, 2, 2), schema, 3));
        Assert.Equal("", RunPlan.LabelsHint(Targets(0, 1.5, 2), schema, 3));
        Assert.Equal("", RunPlan.LabelsHint(Targets(4, 4, 4), schema, 3));
        Assert.Equal("", RunPlan.LabelsHint(Targets(0, 1, 2), schema, 1));
    }
}
