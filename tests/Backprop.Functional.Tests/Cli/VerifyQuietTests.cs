using Backprop.Cli;
using Backprop.Functional.Tests.Support;

namespace Backprop.Functional.Tests.Cli;

/// <summary><c>verify --quiet</c>: nothing on a proven run, one line per problem otherwise; the exit codes of verify.</summary>
public sealed class VerifyQuietTests(IrisRun iris) : IClassFixture<IrisRun>
{
    [Fact]
    public void A_proven_run_prints_nothing_and_exits_0()
    {
        var run = CliRun.Of("verify", iris.Path, "--quiet");
        Assert.Equal((ExitCodes.Success, "", ""), (run.ExitCode, run.Out, run.Error));
        Assert.Equal((ExitCodes.Success, ""), (CliRun.Of("verify", iris.Path, "-q").ExitCode, CliRun.Of("verify", iris.Path, "-q").Out));
    }

    [Fact]
    public void A_tampered_final_model_prints_the_one_line_that_names_it_and_exits_3()
    {
        using var dir = new TempDirectory();
        var copy = iris.CopyTo(dir);
        var final = Path.Combine(copy, "final.safetensors");
        var bytes = File.ReadAllBytes(final);
        bytes[^1] ^= 1;
        File.WriteAllBytes(final, bytes);
        var run = CliRun.Of("verify", copy, "--quiet");
        Assert.Equal(ExitCodes.Mismatch, run.ExitCode);
        Assert.Equal("", run.Error);
        var line = Assert.Single(run.Lines);
        Assert.StartsWith("chain: ", line);
        Assert.Contains("final.safetensors", line);
    }

    [Fact]
    public void A_tampered_state_prints_only_the_problems_and_exits_3_as_without_quiet()
    {
        using var dir = new TempDirectory();
        var copy = iris.CopyTo(dir);
        var state = Path.Combine(copy, "states", "000004.safetensors");
        var bytes = File.ReadAllBytes(state);
        bytes[^1] ^= 1;
        File.WriteAllBytes(state, bytes);
        var quiet = CliRun.Of("verify", copy, "--quiet");
        var loud = CliRun.Of("verify", copy);
        Assert.Equal(ExitCodes.Mismatch, quiet.ExitCode);
        Assert.Equal(loud.ExitCode, quiet.ExitCode);
        Assert.NotEmpty(quiet.Lines);
        Assert.All(quiet.Lines, l => Assert.True(l.StartsWith("chain: ", StringComparison.Ordinal) || l.Contains("DIFFERS", StringComparison.Ordinal), l));
        Assert.Equal(loud.Lines.Where(l => l.StartsWith("chain: ", StringComparison.Ordinal) && !l.StartsWith("chain: intact", StringComparison.Ordinal) || l.Contains("DIFFERS", StringComparison.Ordinal)), quiet.Lines);
    }

    [Fact]
    public void A_run_that_cannot_be_read_prints_its_one_error_line()
    {
        using var dir = new TempDirectory();
        var copy = iris.CopyTo(dir);
        File.WriteAllText(Path.Combine(copy, "run.json"), "{");
        var run = CliRun.Of("verify", copy, "--quiet");
        Assert.Equal("", run.Out);
        run.AssertRefused("run.json");
    }
}

/// <summary>The help of evaluate, show and verify shows their new forms in its examples.</summary>
public sealed class NewFormsHelpTests
{
    [Theory]
    [InlineData("evaluate", "backprop evaluate runs/iris --split validation --epoch 40 --json")]
    [InlineData("evaluate", "backprop evaluate --state runs/iris/final.safetensors --dataset iris")]
    [InlineData("show", "backprop show runs/iris/final.safetensors --json")]
    [InlineData("verify", "backprop verify runs/iris --quiet")]
    public void Help_shows_the_example(string command, string example)
    {
        var run = CliRun.Of(command, "--help");
        Assert.Equal(0, run.ExitCode);
        Assert.Contains(example, run.Out);
    }
}
