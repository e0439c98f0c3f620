using Backprop.Functional.Tests.Support;

namespace Backprop.Functional.Tests.Cli;

/// <summary>An empty or blank path (an unset shell variable) is a usage error everywhere: it never means "here".</summary>
public sealed class EmptyPathTests
{
    [Theory]
    [InlineData("train --out ''")]
    [InlineData("train --out BLANK")]
    [InlineData("train --data '' --target y")]
    [InlineData("train --init ''")]
    [InlineData("train --config ''")]
    [InlineData("train --resume ''")]
    [InlineData("show ''")]
    [InlineData("verify ''")]
    [InlineData("replay '' --from 0")]
    [InlineData("report ''")]
    [InlineData("plot ''")]
    [InlineData("diff '' x")]
    [InlineData("predict --state '' --dataset iris --out p.csv")]
    [InlineData("predict --state s.safetensors --dataset iris --out ''")]
    [InlineData("evaluate --state '' --dataset iris")]
    [InlineData("gradients --state s --data '' --target y --out g")]
    public void An_empty_path_is_refused_and_nothing_is_written(string command)
    {
        using var dir = new TempDirectory();
        var before = Directory.GetCurrentDirectory();
        var entries = Directory.EnumerateFileSystemEntries(before).Count();
        var args = command.Split(' ').Select(a => a == "''" ? "" : a == "BLANK" ? " \t" : a).ToArray();
        var run = CliRun.Of(args);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("the path is empty", run.Error);
        Assert.DoesNotContain("   at ", run.Error);
        Assert.Equal(entries, Directory.EnumerateFileSystemEntries(before).Count());
    }
}
