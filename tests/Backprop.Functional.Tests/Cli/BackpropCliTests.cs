using Backprop.Cli;
using Backprop.Functional.Tests.Support;
using LanguageExt;

namespace Backprop.Functional.Tests.Cli;

/// <summary>The shell's guard: every failure is one line and an exit code, running out of memory included.</summary>
public sealed class BackpropCliTests
{
    private static CliRun Guarded(Func<Fin<int>> body)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = BackpropCli.Guard(new CommandContext(output, error), new System.CommandLine.RootCommand().Parse([]), body);
        return new CliRun(code, output.ToString(), error.ToString());
    }

    [Fact]
    public void Running_out_of_memory_is_one_line_and_exit_1_not_a_crash()
    {
        var run = Guarded(() => throw new OutOfMemoryException("Array dimensions exceeded supported range."));
        run.AssertRefused("not enough memory: Array dimensions exceeded supported range.");
        Assert.Equal(ExitCodes.BadInput, run.ExitCode);
    }

    [Fact]
    public void Running_out_of_memory_on_other_threads_is_reported_the_same_way()
    {
        var run = Guarded(() => throw new AggregateException(new OutOfMemoryException("first"), new AggregateException(new OutOfMemoryException("second"))));
        run.AssertRefused("not enough memory: first");
        Assert.Equal(ExitCodes.BadInput, run.ExitCode);
    }

    [Fact]
    public void Running_out_of_stack_is_one_line_and_exit_1()
    {
        var run = Guarded(() => throw new InsufficientExecutionStackException());
        run.AssertRefused("not enough stack");
        Assert.Equal(ExitCodes.BadInput, run.ExitCode);
    }

    [Fact]
    public void Any_other_exception_stays_an_internal_error()
    {
        // A bug beside an out-of-memory exception is still a bug.
        var run = Guarded(() => throw new AggregateException(new OutOfMemoryException(), new InvalidOperationException("broken")));
        Assert.Equal(ExitCodes.InternalError, run.ExitCode);
        Assert.StartsWith("internal error: AggregateException", run.Error);
    }

    [Fact]
    public void A_real_allocation_failure_in_a_child_process_exits_1_with_one_line()
    {
        // A 48 MiB heap cannot hold a 64 MB CSV file's bytes; nothing estimates CSV reading, so the guard must catch it.
        // (16 MB was enough while the parser kept every cell as a string; the columns of doubles now fit.)
        using var dir = new TempDirectory();
        var row = string.Join(",", Enumerable.Repeat("0.5", 63)) + ",a\n";
        var path = dir.File("big.csv");
        using (var writer = new StreamWriter(path))
        {
            writer.Write(string.Join(",", Enumerable.Range(0, 63).Select(i => $"x{i}")) + ",y\n");
            for (var r = 0; r < 64 << 20; r += row.Length) writer.Write(row);
        }
        var run = ChildProcess.Run(["train", "--data", path, "--target", "y", "--epochs", "1"], new Dictionary<string, string> { ["DOTNET_GCHeapHardLimit"] = "0x3000000" });
        run.AssertRefused("not enough memory");
        Assert.Equal(ExitCodes.BadInput, run.ExitCode);
    }
}
