using Backprop.Functional.IO;
using Backprop.Functional.Tests.Support;

namespace Backprop.Functional.Tests.IO;

/// <summary>layers.csv is read strictly: every value kept as written, and a broken file refused in one line naming the file, line and column.</summary>
public sealed class LayerRowsTests
{
    private static string Row(string cells = "1,0,0.5,0.25,2,0.001,0.0005,0.1,,0.5,0.2") => LayerRow.Header + "\n" + cells + "\n";

    private static string Refusal(string text)
    {
        using var dir = new TempDirectory();
        var path = dir.Write("layers.csv", text);
        var result = LayerRows.Read(path);
        Assert.True(result.IsFail, "expected a refusal");
        var message = result.Match(_ => "", e => e.Message);
        Assert.Contains(path, message);
        Assert.DoesNotContain('\n', message);
        return message;
    }

    [Fact]
    public void Read_keeps_every_value_empty_cells_as_null_and_non_finite_values_as_written()
    {
        using var dir = new TempDirectory();
        var path = dir.Write("layers.csv", Row() + "1,1,NaN,0,Infinity,-Infinity,0,,0.5,1E-300,-2.5\n");
        var rows = LayerRows.Read(path).Match(r => r, e => throw new InvalidOperationException(e.Message));
        Assert.Equal(2, rows.Count);
        Assert.Equal(new LayerReading(1, 0, 0.5, 0.25, 2, 0.001, 0.0005, 0.1, null, 0.5, 0.2), rows[0]);
        Assert.True(double.IsNaN(rows[1].WeightGradNorm!.Value));
        Assert.Equal(double.PositiveInfinity, rows[1].WeightNorm);
        Assert.Equal(double.NegativeInfinity, rows[1].UpdateNorm);
        Assert.Null(rows[1].Saturated);
        Assert.Equal(1e-300, rows[1].ActivationMean);
    }

    [Fact]
    public void Read_round_trips_the_fixture_of_the_seed_like_run()
    {
        using var dir = new TempDirectory();
        var rows = LayerRows.Read(dir.Write("layers.csv", SeedLayersRun.Fixture(3))).Match(r => r, e => throw new InvalidOperationException(e.Message));
        Assert.Equal(3 * SeedLayersRun.Layers, rows.Count);
        Assert.All(rows, r => Assert.Equal(SeedLayersRun.GradientNorm(r.Epoch, r.Layer), r.WeightGradNorm));
    }

    [Fact]
    public void Read_ignores_a_last_line_still_being_written()
    {
        using var dir = new TempDirectory();
        var rows = LayerRows.Read(dir.Write("layers.csv", Row() + "2,0,0.5,0.2")).Match(r => r, e => throw new InvalidOperationException(e.Message));
        Assert.Single(rows);
    }

    [Fact]
    public void Read_refuses_a_wrong_header_naming_line_1()
    {
        Assert.Contains("line 1: the header must be", Refusal(LayerRow.Header.Replace("epoch,layer", "layer,epoch", StringComparison.Ordinal) + "\n"));
        Assert.Contains("line 1: the header has no column 'update_ratio'", Refusal(LayerRow.Header.Replace(",update_ratio", "", StringComparison.Ordinal) + "\n"));
        Assert.Contains("line 1", Refusal("epoch,loss,val_loss,val_accuracy,state_sha256\n1,0.5,,,x\n"));
    }

    [Fact]
    public void Read_refuses_a_row_missing_a_column_naming_the_line_and_the_column()
    {
        var message = Refusal(Row() + "2,0,0.5,0.25,2,0.001,0.0005,0.1,,0.5\n");
        Assert.Contains("line 3", message);
        Assert.Contains("missing column 'activation_std'", message);
        Assert.Contains("line 2: has 12 cells", Refusal(Row("1,0,0.5,0.25,2,0.001,0.0005,0.1,,0.5,0.2,9")));
    }

    [Fact]
    public void Read_refuses_a_bad_number_naming_the_line_and_the_column()
    {
        Assert.Contains("line 2, column 'update_ratio': 'fast' is not a number", Refusal(Row("1,0,0.5,0.25,2,0.001,fast,0.1,,0.5,0.2")));
        Assert.Contains("line 2, column 'weight_grad_norm': '0.5x' is not a number", Refusal(Row("1,0,0.5x,0.25,2,0.001,0.0005,0.1,,0.5,0.2")));
        Assert.Contains("line 2, column 'layer': '-1' is not a whole number", Refusal(Row("1,-1,0.5,0.25,2,0.001,0.0005,0.1,,0.5,0.2")));
        Assert.Contains("line 2, column 'epoch': '' is not a whole number", Refusal(Row(",0,0.5,0.25,2,0.001,0.0005,0.1,,0.5,0.2")));
    }

    [Fact]
    public void Read_of_a_missing_file_fails_with_the_missing_file_code()
    {
        using var dir = new TempDirectory();
        var result = LayerRows.Read(LayerRows.PathIn(dir.Path));
        Assert.Equal(FileInput.MissingFileCode, result.Match(_ => 0, e => e.Code));
    }
}
