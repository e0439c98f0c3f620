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
        var from = new Option<string>("--from")
        {
            Description = "Fork the run in DIR: a new run whose state 0 is DIR's state --epoch K (weights, generator, step count, and the optimizer's state when its kind is unchanged); " +
                          "every option not given is DIR's run.json's, --epochs defaults to the epochs DIR had left after K",
            HelpName = "DIR",
        };
        var epoch = new Option<int>("--epoch") { Description = "With --from: the kept epoch of DIR whose state the fork starts from", HelpName = "K" };
        var parent = SharedOptions.Parent();
        var threads = SharedOptions.Threads();
        var plain = new Option<bool>("--plain") { Description = "One plain line per epoch instead of the live progress display (automatic when output is redirected)" };
        var command = new Command("train", Examples.With(
            "Train a network. With no options: the seed notebook's demo (10-32x6-2 sigmoid network, one sample, 200 epochs). " +
            "With --data or --dataset, every option not given takes a default for real data, and the header lists them.",
            "backprop train",
            "backprop train --dataset iris --test-split 0.2",
            "backprop train --data houses.csv --target price --test-split 0.2 --out runs/houses",
            "backprop train --dataset iris --layers 4,16,3 --activation tanh --optimizer adam --lr 0.01 --batch-size 16 --epochs 100 --test-split 0.2 --out runs/iris",
            "backprop train --resume runs/iris --epochs 200",
            "backprop train --from runs/iris --epoch 50 --lr 0.001 --out runs/iris-lr0.001",
            "backprop train --config runs/iris/run.json --seed 7 --out runs/iris-seed7"));
        foreach (var option in options.All) command.Options.Add(option);
        command.Validators.Add(options.Validate);
        command.Validators.Add(result =>
        {
            bool Given(Option option) => result.GetResult(option) is { Implicit: false };
            if (Given(from) && Given(resume)) result.AddError("--from starts a new run from a state of DIR and --resume continues DIR itself: give one of them");
            if (Given(from) && Given(options.Init)) result.AddError("--from starts from DIR's state; it cannot be combined with --init");
            if (Given(from) && Given(config)) result.AddError("--from takes DIR's run.json as its configuration; it cannot be combined with --config (give the options to change)");
            if (Given(epoch) && !Given(from)) result.AddError("--epoch K picks the state of --from DIR to fork; give --from DIR");
            if (Given(parent) && !Given(resume)) result.AddError("--parent DIR says where a fork's parent run moved to; it goes with --resume (or with replay and verify)");
        });
        command.Options.Add(outDir);
        command.Options.Add(resume);
        command.Options.Add(config);
        command.Options.Add(from);
        command.Options.Add(epoch);
        command.Options.Add(parent);
        command.Options.Add(threads);
        command.Options.Add(plain);
        command.Validators.Add(result => options.ValidateMonitoring(result, result.GetResult(config) is not null || result.GetResult(resume) is not null));
        command.SetAction(parse => BackpropCli.Guard(context, () =>
        {
            using var compute = SharedOptions.Compute(parse, threads);
            ITrainingView view = !parse.GetValue(plain) && context.Out == Console.Out && LiveView.Available
                ? new LiveView(Spectre.Console.AnsiConsole.Console)
                : new PlainView(context.Out);
            if (parse.GetValue(from) is { } parentDir)
                return TrainActions.Fork(context, options, parse, parentDir, parse.GetResult(epoch) is { Implicit: false } ? parse.GetValue(epoch) : null, parse.GetValue(outDir), compute, view);
            return parse.GetValue(resume) is { } dir
                ? TrainActions.Resume(context, dir, options, parse, parse.GetResult(outDir) is not null || parse.GetResult(config) is not null, parse.GetValue(parent), compute, view)
                : TrainActions.Start(context, options, parse, parse.GetValue(config), parse.GetValue(outDir), compute, view);
        }));
        return command;
    }
}
