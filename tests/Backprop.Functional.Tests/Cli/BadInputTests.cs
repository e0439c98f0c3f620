using Backprop.Functional.IO;
using Backprop.Functional.Tests.Support;
using LanguageExt;
using LanguageExt.ClassInstances;

namespace Backprop.Functional.Tests.Cli;

/// <summary>Every user mistake ends in one clear line on stderr and a non-zero exit, never a stack trace.</summary>
public sealed class BadInputTests
{
    [Fact]
    public void An_unknown_activation_is_named() =>
        CliRun.Of("train", "--activation", "swish", "--epochs", "1").AssertRefused("--activation", "swish");

    [Theory]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("Infinity")]
    [InlineData("NaN")]
    public void A_clip_norm_that_is_not_positive_and_finite_is_refused(string value) =>
        CliRun.Of("train", "--clip-norm", value, "--epochs", "1").AssertRefused("--clip-norm: ", "is out of range (must be > 0 and finite)");

    [Fact]
    public void Widths_that_do_not_match_the_data_are_refused()
    {
        using var dir = new TempDirectory();
        var data = dir.Write("d.csv", "a,b,y\n1,2,3\n4,5,6\n");
        CliRun.Of("train", "--data", data, "--target", "y", "--layers", "3,4,1", "--epochs", "1").AssertRefused("reads 3 inputs", "2 feature columns");
    }

    [Fact]
    public void A_weights_file_whose_layers_do_not_chain_is_refused()
    {
        using var dir = new TempDirectory();
        var tensors = Arr.create(
            Tensor.Matrix("layers.0.weight", 4, 3, new double[12]), Tensor.Vector("layers.0.bias", new double[4]),
            Tensor.Matrix("layers.1.weight", 2, 5, new double[10]), Tensor.Vector("layers.1.bias", new double[2]));
        System.IO.File.WriteAllBytes(dir.File("w.safetensors"), SafeTensors.Serialize(new SafeTensorsFile(tensors, Map<OrdString, string, string>.Empty)));
        CliRun.Of("train", "--init", dir.File("w.safetensors"), "--epochs", "1").AssertRefused("w.safetensors", "layer 1 reads 5 inputs but layer 0 writes 4");
    }

    [Fact]
    public void A_weights_file_with_a_wrong_bias_shape_is_refused()
    {
        using var dir = new TempDirectory();
        var tensors = Arr.create(Tensor.Matrix("layers.0.weight", 2, 10, new double[20]), Tensor.Vector("layers.0.bias", new double[3]));
        System.IO.File.WriteAllBytes(dir.File("w.safetensors"), SafeTensors.Serialize(new SafeTensorsFile(tensors, Map<OrdString, string, string>.Empty)));
        CliRun.Of("train", "--init", dir.File("w.safetensors"), "--epochs", "1").AssertRefused("layers.0.bias", "[3]", "expected [2]");
    }

    [Fact]
    public void A_missing_target_column_is_named_with_the_file()
    {
        using var dir = new TempDirectory();
        var data = dir.Write("d.csv", "a,b,y\n1,2,3\n");
        CliRun.Of("train", "--data", data, "--target", "z", "--epochs", "1").AssertRefused("d.csv", "no column named 'z'");
    }

    [Fact]
    public void A_non_number_cell_is_named_with_file_line_and_column()
    {
        using var dir = new TempDirectory();
        var data = dir.Write("d.csv", "a,b,y\n1,2,3\n4,five,6\n");
        CliRun.Of("train", "--data", data, "--target", "y", "--epochs", "1").AssertRefused("d.csv", "line 3", "column 'b'", "'five' is not a number");
    }

    [Fact]
    public void A_missing_file_is_named() =>
        CliRun.Of("train", "--data", "/nonexistent/d.csv", "--target", "y").AssertRefused("/nonexistent/d.csv", "no such file");

    [Fact]
    public void A_file_that_is_not_safetensors_is_refused()
    {
        using var dir = new TempDirectory();
        var path = dir.Write("w.safetensors", "this is not a weights file at all");
        CliRun.Of("train", "--init", path).AssertRefused("w.safetensors", "is not a safetensors file: it starts with text ('this is not a weights file at all')");
    }

    [Fact]
    public void An_unknown_option_is_a_usage_error()
    {
        var run = CliRun.Of("train", "--no-such-option");
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--no-such-option", run.Error);
        Assert.DoesNotContain("   at ", run.Error);
    }

    [Theory]
    [InlineData(new[] { "trian" }, "unknown command or argument 'trian' (did you mean 'train'?)")]
    [InlineData(new[] { "train", "--lrr", "0.1" }, "unknown option '--lrr' (did you mean '--lr'?)")]
    [InlineData(new[] { "train", "--epochs", "1.5" }, "--epochs: expected an integer, got '1.5'")]
    [InlineData(new[] { "train", "--seed", "-3" }, "--seed: expected an integer of 0 or more, got '-3'")]
    [InlineData(new[] { "train", "--lr", "fast" }, "--lr: expected a number, got 'fast'")]
    public void A_usage_error_says_what_was_meant(string[] args, string expected)
    {
        var run = CliRun.Of(args);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains($"error: {expected}", run.Error);
        Assert.Equal(2, run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }

    [Fact]
    public void A_name_far_from_every_command_gets_no_suggestion()
    {
        var run = CliRun.Of("xyzzyplugh");
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("unknown command or argument 'xyzzyplugh'", run.Error);
        Assert.DoesNotContain("did you mean", run.Error);
    }

    [Fact]
    public void Malformed_layer_widths_are_a_usage_error()
    {
        var run = CliRun.Of("train", "--layers", "10,x,2");
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("'x' is not a positive whole number", run.Error);
    }

    [Fact]
    public void A_repeated_list_option_is_a_usage_error_not_a_longer_list()
    {
        var run = CliRun.Of("train", "--layers", "4,16,3", "--layers", "4,8,3");
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("'--layers' expects a single argument", run.Error);
    }
}
