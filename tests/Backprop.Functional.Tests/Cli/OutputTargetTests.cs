using Backprop.Functional.IO;
using Backprop.Functional.Tests.IO;
using Backprop.Functional.Tests.Support;

namespace Backprop.Functional.Tests.Cli;

/// <summary>Where predict, report and plot write: a file atomically, '-' to standard output, a FIFO or device directly, never through a link.</summary>
public sealed class OutputTargetTests : IClassFixture<IrisRun>
{
    private readonly IrisRun iris;

    public OutputTargetTests(IrisRun iris) => this.iris = iris;

    private string Model => Path.Combine(iris.Path, "final.safetensors");

    [Fact]
    public void Predict_to_a_dash_writes_only_the_predictions_to_standard_output()
    {
        using var dir = new TempDirectory();
        var stdout = CliRun.Of("predict", "--state", Model, "--dataset", "iris", "--out", "-");
        Assert.Equal(0, stdout.ExitCode);
        Assert.Equal(0, CliRun.Of("predict", "--state", Model, "--dataset", "iris", "--out", dir.File("p.csv")).ExitCode);
        Assert.Equal(File.ReadAllText(dir.File("p.csv")), stdout.Out);
        Assert.False(File.Exists("-"));
    }

    [Fact]
    public void Predict_writes_to_dev_null_without_replacing_it()
    {
        Assert.Equal(0, CliRun.Of("predict", "--state", Model, "--dataset", "iris", "--out", "/dev/null").ExitCode);
        Assert.Equal(FileKind.CharacterDevice, (FileKind)FileKinds.Of("/dev/null", followLinks: false));
    }

    [Fact]
    public void Predict_into_a_fifo_with_a_reader_writes_there()
    {
        if (!SpecialFiles.Supported) return;
        using var dir = new TempDirectory();
        var fifo = SpecialFiles.Fifo(dir.File("pipe"));
        using var reader = SpecialFiles.OpenReader(fifo);
        var run = SpecialFiles.Within(() => CliRun.Of("predict", "--state", Model, "--dataset", "iris", "--out", fifo), fifo);
        Assert.Equal(0, run.ExitCode);
        Assert.StartsWith("class,p_setosa,p_versicolor,p_virginica\n", SpecialFiles.ReadToEnd(reader));
    }

    [Fact]
    public void An_output_path_that_is_a_symlink_is_neither_followed_nor_replaced()
    {
        using var dir = new TempDirectory();
        var victim = dir.Write("victim.csv", "precious\n");
        var link = SpecialFiles.Link(dir.File("p.csv"), victim);
        CliRun.Of("predict", "--state", Model, "--dataset", "iris", "--out", link).AssertRefused("p.csv", "symbolic link");
        CliRun.Of("report", iris.Path, "--out", SpecialFiles.Link(dir.File("r.html"), victim)).AssertRefused("r.html", "symbolic link");
        Assert.Equal("precious\n", File.ReadAllText(victim));
        Assert.Empty(Directory.GetFiles(dir.Path, "*.partial"));
    }

    [Fact]
    public void A_symlink_planted_under_dev_shm_is_not_written_through()
    {
        // /dev/shm is world-writable: anyone may plant a link there under a name someone will use.
        if (!Directory.Exists("/dev/shm")) return;
        using var dir = new TempDirectory();
        var victim = dir.Write("victim.csv", "precious\n");
        var link = Path.Combine("/dev/shm", $"backprop-test-{Guid.NewGuid():N}.csv");
        SpecialFiles.Link(link, victim);
        try
        {
            CliRun.Of("predict", "--state", Model, "--dataset", "iris", "--out", link).AssertRefused("symbolic link");
            Assert.Equal("precious\n", File.ReadAllText(victim));
        }
        finally
        {
            File.Delete(link);
        }
    }
}
