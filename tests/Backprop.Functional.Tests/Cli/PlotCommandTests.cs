using Backprop.Functional.Tests.Support;

namespace Backprop.Functional.Tests.Cli;

/// <summary><c>plot</c> writes real PNG and SVG images of a run's curves and of a state's weights, and refuses bad input in one line.</summary>
public sealed class PlotCommandTests(IrisRun iris) : IClassFixture<IrisRun>
{
    private static readonly byte[] PngSignature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    private static void AssertPng(string path)
    {
        var bytes = File.ReadAllBytes(path);
        Assert.Equal(PngSignature, bytes[..8]);
        Assert.True(bytes.Length > 10_000, $"{path} holds only {bytes.Length} bytes");
    }

    [Fact]
    public void Plot_writes_the_loss_and_accuracy_as_a_png_in_the_run_directory_by_default()
    {
        using var dir = new TempDirectory();
        var copy = iris.CopyTo(dir);
        var run = CliRun.Of("plot", copy);
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Contains("loss of 7 epochs and validation accuracy", run.Out);
        AssertPng(Path.Combine(copy, "loss.png"));
    }

    [Fact]
    public void Plot_writes_svg_when_the_extension_says_so_also_on_a_log_scale()
    {
        using var dir = new TempDirectory();
        var run = CliRun.Of("plot", iris.Path, "--log", "--out", dir.File("loss.svg"));
        Assert.True(run.ExitCode == 0, run.Error);
        var svg = File.ReadAllText(dir.File("loss.svg"));
        Assert.StartsWith("<?xml", svg);
        Assert.Contains("<svg", svg);
        Assert.EndsWith("</svg>", svg.TrimEnd());
        Assert.True(svg.Length > 10_000);
    }

    [Fact]
    public void Plot_weights_draws_a_kept_state_and_the_recomputed_gradient()
    {
        using var dir = new TempDirectory();
        var run = CliRun.Of("plot", iris.Path, "--weights", "--epoch", "4", "--out", dir.File("w.png"));
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Contains("weight histograms of state 4, 2 layers", run.Out);
        Assert.Contains("gradients: mean cross-entropy over all 120 training rows", run.Out);
        AssertPng(dir.File("w.png"));
        var last = CliRun.Of("plot", iris.Path, "--weights", "--out", dir.File("w.svg"));
        Assert.True(last.ExitCode == 0, last.Error);
        Assert.Contains("state 7", last.Out);
        Assert.Contains("<svg", File.ReadAllText(dir.File("w.svg")));
    }

    [Fact]
    public void Plot_refuses_a_directory_that_is_not_a_run()
    {
        using var dir = new TempDirectory();
        CliRun.Of("plot", dir.Path).AssertRefused(dir.Path, "not a run directory");
        CliRun.Of("plot", dir.File("missing"), "--weights").AssertRefused("no such run directory");
    }

    [Fact]
    public void Plot_refuses_an_epoch_that_was_not_kept_or_is_beyond_the_run()
    {
        using var dir = new TempDirectory();
        CliRun.Of("plot", iris.Path, "--weights", "--epoch", "3", "--out", dir.File("w.png")).AssertRefused("--epoch: 3: ", "did not keep it");
        CliRun.Of("plot", iris.Path, "--weights", "--epoch", "99", "--out", dir.File("w.png")).AssertRefused("--epoch: 99 is out of range (must be ≤ 7, the last epoch of");
        CliRun.Of("plot", iris.Path, "--epoch", "2", "--out", dir.File("l.png")).AssertRefused("--epoch", "--weights");
        Assert.False(File.Exists(dir.File("w.png")));
    }

    [Fact]
    public void Plot_refuses_an_unwritable_out_or_an_unknown_format()
    {
        using var dir = new TempDirectory();
        var file = dir.Write("file", "not a directory");
        CliRun.Of("plot", iris.Path, "--out", Path.Combine(file, "loss.png")).AssertRefused("loss.png", "cannot write");
        CliRun.Of("plot", iris.Path, "--out", dir.File("loss.jpg")).AssertRefused("loss.jpg", ".png or .svg");
    }
}
