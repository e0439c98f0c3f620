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
        var quiet = new System.CommandLine.Option<bool>("--quiet", "-q") { Description = "Print nothing when the run is proven (exit 0); otherwise only one line per problem found (exit codes unchanged)" };
        var command = new Command("verify", Examples.With(
            "Prove a run: state 0 rebuilt from run.json, every state's seal, epoch, configuration and link to the previous state, metrics.csv, the kept states; then replay it from epoch 0.",
            "backprop verify runs/iris",
            "backprop verify runs/iris --quiet && echo proven",
            "backprop verify runs/houses --data /new/place/houses.csv",
            "backprop verify runs/iris-lr0.001 --parent /new/place/iris"))
        { dir, threads, moved.Data, moved.Dataset, moved.Init, moved.Parent, quiet };
        command.SetAction(parse => BackpropCli.Guard(context, parse, () =>
        {
            using var compute = SharedOptions.Compute(parse, threads);
            var silent = parse.GetValue(quiet);
            if (!silent) context.Out.WriteLine(SharedOptions.NumericsLine(compute));
            var shown = 0;
            return Verification.Run(parse.GetValue(dir)!, SharedOptions.Sources(parse, moved), breaks => shown = Chain(context, breaks, silent),
                    line => { if (!silent || !line.Identical) context.Out.WriteLine(line.Text); }, compute)
                .Map(report => Report(context, report, silent, shown));
        }));
        return command;
    }

    /// <summary>Prints the chain check's breaks (or that it is intact) and returns how many it printed.</summary>
    private static int Chain(CommandContext context, Arr<ChainBreak> breaks, bool quiet)
    {
        foreach (var problem in breaks) context.Out.WriteLine($"chain: {problem}");
        if (breaks.IsEmpty && !quiet) context.Out.WriteLine("chain: intact (state 0 is the one run.json describes; every kept state, seal, link and metrics row checked)");
        return breaks.Count;
    }

    private static string Problems(int count) => count == 1 ? "1 problem" : $"{count} problems";

    private static int Report(CommandContext context, VerifyReport report, bool quiet, int shown)
    {
        // Breaks found after the chain check (a replay that could not start, and why) are printed here.
        foreach (var late in report.Breaks.Skip(shown)) context.Out.WriteLine($"chain: {late}");
        if (quiet) return report.Proven && report.Epochs.ForAll(e => e.Identical) ? ExitCodes.Success : ExitCodes.Mismatch;
        // A replay that could not start has no epochs to sum up: its reason is the last chain line.
        var replayed = report.Breaks.Count > shown && report.Epochs.IsEmpty ? ExitCodes.Mismatch : ReplayCommand.Summarize(context, report.Epochs.ToArray());
        if (report.Parent is { Problem: null } parent)
            context.Out.WriteLine($"parent: {parent.Path} has the SHA-256 run.json records, is epoch {parent.Epoch} of the run whose state 0 hashes to " +
                                  $"{parent.RunSha256[..12]}… (its run.json's), and gives state 0 ('backprop verify {parent.Run}' proves the parent's own epochs)");
        else if (report.Parent is { Absent: true } absent)
            context.Out.WriteLine($"parent: absent ({absent.Path}); the fork is proven from its state 0 on, but not that state 0 is its parent's state: not verified");
        if (report.Proven && report.LastStateSha256 is { } sha)
            context.Out.WriteLine($"verified: the last state's SHA-256 {sha} stands for the whole run");
        // The last line gives the verdict: a replay that matched does not prove a run whose chain is broken.
        else if (!report.Breaks.IsEmpty)
            context.Out.WriteLine($"not verified: {Problems(report.Breaks.Count)} in the chain of evidence (the 'chain:' lines above)");
        return report.Proven && replayed == ExitCodes.Success ? ExitCodes.Success : ExitCodes.Mismatch;
    }
}
