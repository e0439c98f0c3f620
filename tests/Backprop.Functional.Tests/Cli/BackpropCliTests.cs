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
    public void Text_that_would_fill_a_small_heap_is_refused_before_it_does_with_one_line()
    {
        // A 48 MiB heap cannot hold 640,000 distinct 100-character labels as strings (143 MB). The numbers of
        // 640,000 rows x 2 columns fit (23 MB); the text is counted as it is read and refused before the heap
        // is full. Once full, any thread can fail, the runtime's own among them, where no guard can print a line.
        using var dir = new TempDirectory();
        var path = dir.File("big.csv");
        using (var writer = new StreamWriter(path))
        {
            writer.Write("x,y\n");
            for (var r = 0; r < 640_000; r++) writer.Write($"0.5,{r.ToString("D8", System.Globalization.CultureInfo.InvariantCulture).PadRight(100, 'a')}\n");
        }
        var run = ChildProcess.Run(["train", "--data", path, "--target", "y", "--epochs", "1"], new Dictionary<string, string> { ["DOTNET_GCHeapHardLimit"] = "0x3000000" });
        run.AssertRefused("big.csv: line ", ", column 'y': not enough memory for the text cells");
        Assert.Equal(ExitCodes.BadInput, run.ExitCode);
    }
}
