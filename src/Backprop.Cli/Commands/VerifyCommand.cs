using System.CommandLine;
using Backprop.Cli.Training;
using Backprop.Functional.IO;
using LanguageExt;

namespace Backprop.Cli.Commands;

/// <summary><c>verify DIR</c>: check the hash chain, then replay the whole run from epoch 0.</summary>
public static class VerifyCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(CommandContext context)
    {
        var dir = new Argument<string>("DIR") { Description = "A run directory made by 'train --out'" };
        var threads = SharedOptions.Threads();
        var command = new Command("verify", Examples.With(
            "Check a run's hash chain (every state's seal, its link to the previous state and metrics.csv) and replay it from epoch 0.",
            "backprop verify runs/iris"))
        { dir, threads };
        command.SetAction(parse => BackpropCli.Guard(context, () =>
        {
            SharedOptions.ApplyThreads(parse, threads);
            context.Out.WriteLine(SharedOptions.NumericsLine());
            return RunDirectory.Open(parse.GetValue(dir)!).Bind(run => Verify(context, run));
        }));
        return command;
    }

    private static Fin<int> Verify(CommandContext context, RunDirectory run)
    {
        var breaks = HashChain.Check(run).ToList();
        foreach (var problem in breaks) context.Out.WriteLine($"hash chain: {problem}");
        if (breaks.Count == 0) context.Out.WriteLine($"hash chain: intact ({run.KeptEpochs().Count} states kept, every link checked)");
        return Replayer.Run(run, 0, null, line => context.Out.WriteLine(line.Text))
            .Map(lines => ReplayCommand.Summarize(context, lines.ToArray()) == ExitCodes.Success && breaks.Count == 0 ? ExitCodes.Success : ExitCodes.Mismatch);
    }
}
