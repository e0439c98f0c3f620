using System.CommandLine;
using Backprop.Cli.Training;

namespace Backprop.Cli.Commands;

/// <summary><c>train</c>: a new run (optionally into a run directory) or <c>--resume</c> of one.</summary>
public static class TrainCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(CommandContext context)
    {
        var options = new TrainOptions();
        var outDir = new Option<string>("--out") { Description = "Run directory to create: run.json, states/{epoch}.safetensors, metrics.csv, final.safetensors", HelpName = "DIR" };
        var resume = new Option<string>("--resume") { Description = "Continue the run in DIR from its last complete state (with --epochs N: up to N epochs in total)", HelpName = "DIR" };
        var config = new Option<string>("--config") { Description = "Read options from a JSON file (a run's run.json works); flags given here override it", HelpName = "FILE.json" };
        var threads = SharedOptions.Threads();
        var command = new Command("train", "Train a network. With no options: the seed notebook's demo (10-32x6-2 sigmoid network, one sample, 200 epochs).");
        foreach (var option in options.All) command.Options.Add(option);
        command.Options.Add(outDir);
        command.Options.Add(resume);
        command.Options.Add(config);
        command.Options.Add(threads);
        command.SetAction(parse => BackpropCli.Guard(context, () =>
        {
            SharedOptions.ApplyThreads(parse, threads);
            return parse.GetValue(resume) is { } dir
                ? TrainActions.Resume(context, dir, options, parse, parse.GetResult(outDir) is not null || parse.GetResult(config) is not null)
                : TrainActions.Start(context, options, parse, parse.GetValue(config), parse.GetValue(outDir), SharedOptions.ThreadCount(parse, threads));
        }));
        return command;
    }
}
