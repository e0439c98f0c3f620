using System.CommandLine;
using Backprop.Cli.Commands;
using LanguageExt;

namespace Backprop.Cli;

/// <summary>
/// The thin shell: parses the command line, runs one command, and turns every failure a user
/// can cause into one line on standard error and a non-zero exit code (never a stack trace).
/// </summary>
public static class BackpropCli
{
    /// <summary>Runs <paramref name="args"/> with the given output streams; returns the exit code.</summary>
    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        var context = new CommandContext(output, error);
        var root = new RootCommand("backprop: train fully connected networks by backpropagation, as pure functions, and replay any epoch to the bit.")
        {
            TrainCommand.Create(context),
            ReplayCommand.Create(context),
            VerifyCommand.Create(context),
            ShowCommand.Create(context),
            DiffCommand.Create(context),
            EvaluateCommand.Create(context),
            PredictCommand.Create(context),
            ExplainCommand.Create(context),
            GradientsCommand.Create(context),
            GradCheckCommand.Create(context),
            ExportCommand.Create(context),
            BenchCommand.Create(context),
            PlotCommand.Create(context),
            ReportCommand.Create(context),
        };
        EmptyPaths.RefuseIn(root);
        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (var line in UsageErrors.Describe(parsed)) error.WriteLine($"error: {line}");
            error.WriteLine("Run 'backprop --help' or 'backprop <command> --help' for usage.");
            return ExitCodes.Usage;
        }
        return parsed.Invoke(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false });
    }

    /// <summary>
    /// Runs a command body: a failed <see cref="Fin{A}"/> prints "error: …" and exits 1, or 2 when
    /// it refuses a value a flag of <paramref name="parse"/> gave (see <see cref="Flags.Describe"/>);
    /// running out of memory or stack prints "error: not enough memory: …" and exits 1; any other
    /// unexpected exception prints one line and exits 70 (set BACKPROP_DEBUG=1 for the trace).
    /// </summary>
    public static int Guard(CommandContext context, ParseResult parse, Func<Fin<int>> body)
    {
        try
        {
            return body().Match(
                code => code,
                failure =>
                {
                    var (line, code) = Flags.Describe(failure, parse);
                    context.Error.WriteLine($"error: {line}");
                    return code;
                });
        }
        catch (Exception e) when (Exhausted(e) is { } cause)
        {
            // Sizes are estimated before training allocates (MemoryEstimate, RunResources), but not every allocation
            // can be foreseen (a huge CSV, another process taking memory): say so, do not crash.
            // The failed allocation's memory was never handed out, so the process can still write this line.
            var what = cause is OutOfMemoryException ? "memory" : "stack";
            context.Error.WriteLine($"error: not enough {what}: {cause.Message.Split('\n')[0]} (try a smaller network, batch or data set)");
            return ExitCodes.BadInput;
        }
        catch (Exception e)
        {
            context.Error.WriteLine($"internal error: {e.GetType().Name}: {e.Message.Split('\n')[0]}");
            if (Environment.GetEnvironmentVariable("BACKPROP_DEBUG") == "1") context.Error.WriteLine(e);
            return ExitCodes.InternalError;
        }
    }

    /// <summary>
    /// The out-of-memory or out-of-stack exception behind <paramref name="e"/>, also when it comes
    /// gathered from other threads (a parallel loop's AggregateException), else null.
    /// </summary>
    private static Exception? Exhausted(Exception e) => e switch
    {
        OutOfMemoryException or InsufficientExecutionStackException => e,
        AggregateException all when all.Flatten().InnerExceptions is { Count: > 0 } inner && inner.All(i => Exhausted(i) is not null) => inner[0],
        _ => null,
    };
}
