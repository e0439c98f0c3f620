using System.CommandLine;
using Backprop.Cli.Training;

namespace Backprop.Cli.Commands;

/// <summary><c>train</c>: prepare a run, fold the epochs over <see cref="Functional.Training.Epoch"/>, print one line each.</summary>
public static class TrainCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(CommandContext context)
    {
        var options = new TrainOptions();
        var outDir = new Option<string>("--out") { Description = "Write metrics.csv and final.safetensors into this directory", HelpName = "DIR" };
        var command = new Command("train", "Train a network. With no options: the seed notebook's demo (10-32x6-2 sigmoid network, one sample, 200 epochs).");
        foreach (var option in options.All) command.Options.Add(option);
        command.Options.Add(outDir);
        command.SetAction(parse => BackpropCli.Guard(context, () =>
            RunSetup.Prepare(options.Apply(parse, new TrainSpec())).Bind(prepared => TrainRunner.Run(context, prepared, parse.GetValue(outDir)))));
        return command;
    }
}

