using Backprop.Functional.Tests.Support;

namespace Backprop.Functional.Tests.Cli;

/// <summary>Bad data files are refused clearly, naming the file, line and column.</summary>
public sealed class DataRefusalTests
{
    private static CliRun Train(TempDirectory dir, string csv, params string[] extra) =>
        CliRun.Of(["train", "--data", dir.Write("d.csv", csv), "--epochs", "1", .. extra]);

    [Fact]
    public void An_empty_file_is_refused()
    {
        using var dir = new TempDirectory();
        Train(dir, "", "--target", "y").AssertRefused("d.csv", "empty");
    }

    [Fact]
    public void A_header_without_rows_is_refused()
    {
        using var dir = new TempDirectory();
        Train(dir, "a,y\n", "--target", "y").AssertRefused("d.csv", "no data rows");
    }

    [Fact]
    public void A_ragged_row_is_refused_with_its_line()
    {
        using var dir = new TempDirectory();
        Train(dir, "a,b,y\n1,2,3\n4,5\n", "--target", "y").AssertRefused("d.csv", "line 3 has 2 fields but the header has 3");
    }

    [Fact]
    public void An_unknown_target_column_is_refused_with_the_columns_listed()
    {
        using var dir = new TempDirectory();
        Train(dir, "a,b,y\n1,2,3\n", "--target", "label").AssertRefused("no column named 'label'", "'a', 'b', 'y'");
    }

    [Fact]
    public void A_class_label_too_long_for_a_state_file_is_refused_with_its_line()
    {
        using var dir = new TempDirectory();
        Train(dir, "a,kind\n1,cat\n2," + new string('d', 2000) + "\n", "--target", "kind").AssertRefused("d.csv", "line 3, column 'kind'", "class label of 2,000 characters");
    }

    [Fact]
    public void A_single_class_is_refused()
    {
        using var dir = new TempDirectory();
        Train(dir, "a,b,kind\n1,2,cat\n3,4,cat\n", "--target", "kind").AssertRefused("d.csv", "single class ('cat')");
    }

    [Theory]
    [InlineData("NaN")]
    [InlineData("Infinity")]
    [InlineData("-Infinity")]
    [InlineData("1e999")]
    public void Non_finite_cells_are_refused(string cell)
    {
        using var dir = new TempDirectory();
        Train(dir, $"a,b,y\n1,2,3\n4,{cell},6\n", "--target", "y").AssertRefused("d.csv", "line 3", "column 'b'", "not a finite number");
    }

    [Fact]
    public void A_missing_cell_is_refused()
    {
        using var dir = new TempDirectory();
        Train(dir, "a,b,y\n1,,3\n", "--target", "y").AssertRefused("line 2", "column 'b'", "empty");
    }

    [Fact]
    public void Duplicate_column_names_are_refused()
    {
        using var dir = new TempDirectory();
        Train(dir, "a,a,y\n1,2,3\n", "--target", "y").AssertRefused("'a' appears twice");
    }

    [Fact]
    public void Quoted_fields_and_a_byte_order_mark_are_read_as_csv_means_them()
    {
        using var dir = new TempDirectory();
        var run = Train(dir, "\uFEFF\"a\",b,\"the \"\"kind\"\"\"\n1,2,\"x\"\n3,4,\"y, z\"\n5,6,x\n", "--target", "the \"kind\"", "--layers", "2,3,2");
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Contains("3 training rows", run.Out);
    }

    [Fact]
    public void A_huge_file_without_line_breaks_is_refused_after_its_first_16_MiB()
    {
        using var dir = new TempDirectory();
        using (var sparse = File.Create(dir.File("huge.csv"))) sparse.SetLength(3L << 30); // 3 GiB, sparse: no disk used
        var run = CliRun.Of("train", "--data", dir.File("huge.csv"), "--target", "y");
        run.AssertRefused("huge.csv", "line 1 is longer than 16 MiB: not a table of rows");
    }
}
