using System.CommandLine;
using Backprop.Functional.Runs;

namespace Backprop.Cli.Commands;

/// <summary><c>replay DIR --from K [--to N]</c>: rebuild epochs K+1…N from state K and compare them with the saved ones.</summary>
public static class ReplayCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(CommandContext context)
    {
        var dir = new Argument<string>("DIR") { Description = "A run directory made by 'train --out'" };
        var from = new Option<int>("--from") { Description = "The saved epoch to start from (rebuilt from the nearest earlier kept state if it was not kept)", HelpName = "K", Required = true };
        var to = new Option<int?>("--to") { Description = "The last epoch to rebuild (default: the run's last)", HelpName = "N" };
        var threads = SharedOptions.Threads();
        var moved = SharedOptions.MovedInputs();
        var command = new Command("replay", Examples.With(
            "Rebuild epochs K+1..N of a run from its state K and check each against the saved state, bit for bit. Exit 0 only when all are identical.",
            "backprop replay runs/iris --from 40",
            "backprop replay runs/iris --from 40 --to 45 --threads 1",
            "backprop replay runs/houses --from 0 --data /new/place/houses.csv"))
        { dir, from, to, threads, moved.Data, moved.Dataset, moved.Init, moved.Parent };
        command.SetAction(parse => BackpropCli.Guard(context, () =>
        {
            using var compute = SharedOptions.Compute(parse, threads);
            context.Out.WriteLine(SharedOptions.NumericsLine(compute));
            return OpenedRun.Open(parse.GetValue(dir)!, SharedOptions.Sources(parse, moved))
                .Bind(run => Replay.Run(run, parse.GetValue(from), parse.GetValue(to), line => context.Out.WriteLine(line.Text), compute))
                .Map(lines => Summarize(context, lines.ToArray()));
        }));
        return command;
    }

    /// <summary>Prints the verdict and returns 0 when every epoch matched, else <see cref="ExitCodes.Mismatch"/>.</summary>
    public static int Summarize(CommandContext context, ReplayLine[] lines)
    {
        var differing = lines.Count(l => !l.Identical);
        context.Out.WriteLine(differing == 0
            ? $"replayed {lines.Length} epochs: all identical"
            : $"replayed {lines.Length} epochs: {differing} differ");
        return differing == 0 ? ExitCodes.Success : ExitCodes.Mismatch;
    }
}
