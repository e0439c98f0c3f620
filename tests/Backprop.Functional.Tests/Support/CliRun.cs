using Backprop.Cli;

namespace Backprop.Functional.Tests.Support;

/// <summary>The result of running the command line in-process.</summary>
public sealed record CliRun(int ExitCode, string Out, string Error)
{
    /// <summary>Runs <c>backprop</c> with <paramref name="args"/>, capturing both streams.</summary>
    public static CliRun Of(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = BackpropCli.Run(args, output, error);
        return new CliRun(code, output.ToString(), error.ToString());
    }

    /// <summary>Standard output split into lines.</summary>
    public string[] Lines => Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>Asserts a refusal: non-zero exit, exactly one "error: …" line containing every fragment, and no stack trace.</summary>
    public CliRun AssertRefused(params string[] fragments)
    {
        Assert.True(ExitCode != 0, $"expected a non-zero exit code; stdout: {Out}");
        var lines = Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length == 1, $"expected one line on stderr, got:\n{Error}");
        Assert.StartsWith("error: ", lines[0]);
        Assert.DoesNotContain("   at ", Error);
        foreach (var fragment in fragments) Assert.Contains(fragment, lines[0]);
        return this;
    }
}
