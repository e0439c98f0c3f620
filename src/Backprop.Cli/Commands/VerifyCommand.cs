using System.CommandLine;
using Backprop.Functional.Runs;
using LanguageExt;

namespace Backprop.Cli.Commands;

/// <summary><c>verify DIR</c>: the run's chain of evidence, then a replay of the whole run from epoch 0.</summary>
public static class VerifyCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(CommandContext context)
    {
        var dir = new Argument<string>("DIR") { Description = "A run directory made by 'train --out'" };
        var threads = SharedOptions.Threads();
        var moved = SharedOptions.MovedInputs();
        var command = new Command("verify", Examples.With(
            "Prove a run: state 0 rebuilt from run.json, every state's seal, epoch, configuration and link to the previous state, metrics.csv, the kept states; then replay it from epoch 0.",
            "backprop verify runs/iris",
            "backprop verify runs/houses --data /new/place/houses.csv"))
        { dir, threads, moved.Data, moved.Dataset, moved.Init };
        command.SetAction(parse => BackpropCli.Guard(context, parse, () =>
        {
            using var compute = SharedOptions.Compute(parse, threads);
            context.Out.WriteLine(SharedOptions.NumericsLine(compute));
            return Verification.Run(parse.GetValue(dir)!, SharedOptions.Sources(parse, moved), breaks => Chain(context, breaks), line => context.Out.WriteLine(line.Text), compute)
                .Map(report => Report(context, report));
        }));
        return command;
    }

    private static void Chain(CommandContext context, Arr<ChainBreak> breaks)
    {
        foreach (var problem in breaks) context.Out.WriteLine($"chain: {problem}");
        if (breaks.IsEmpty) context.Out.WriteLine("chain: intact (state 0 is the one run.json describes; every kept state, seal, link and metrics row checked)");
    }

    private static int Report(CommandContext context, VerifyReport report)
    {
        var replayed = ReplayCommand.Summarize(context, report.Epochs.ToArray());
        if (report.Proven && report.LastStateSha256 is { } sha)
            context.Out.WriteLine($"verified: the last state's SHA-256 {sha} stands for the whole run");
        return report.Proven && replayed == ExitCodes.Success ? ExitCodes.Success : ExitCodes.Mismatch;
    }
}
