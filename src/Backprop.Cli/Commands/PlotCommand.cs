using System.CommandLine;
using Backprop.Cli.Plots;
using Backprop.Functional;
using Backprop.Functional.IO;
using Backprop.Functional.Runs;
using LanguageExt;
using LanguageExt.Common;

namespace Backprop.Cli.Commands;

/// <summary><c>plot DIR</c>: a run's loss curves, or with <c>--weights</c> one state's weight and gradient histograms, as PNG or SVG.</summary>
public static class PlotCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(CommandContext context)
    {
        var dir = new Argument<string>("DIR") { Description = "A run directory made by 'train --out'" };
        var output = new System.CommandLine.Option<string?>("--out") { Description = "The image to write; .png or .svg picks the format (default DIR/loss.png, or DIR/weights.png with --weights)", HelpName = "FILE" };
        var log = new System.CommandLine.Option<bool>("--log") { Description = "Draw the loss on a log-scale y axis" };
        var weights = new System.CommandLine.Option<bool>("--weights") { Description = "Plot per-layer histograms of one state's weights and of the gradient at that state instead of the loss" };
        var epoch = new System.CommandLine.Option<int?>("--epoch") { Description = "With --weights: which saved state (default: the last kept)", HelpName = "K" };
        var command = new Command("plot", Examples.With(
            "Plot a run: training and validation loss and validation accuracy against epoch, or (--weights) one state's weight and gradient histograms.",
            "backprop plot runs/iris",
            "backprop plot runs/iris --log --out loss.svg",
            "backprop plot runs/iris --weights --epoch 40"))
        { dir, output, log, weights, epoch };
        command.SetAction(parse => BackpropCli.Guard(context, parse, () =>
        {
            var (path, outPath, wantWeights) = (parse.GetValue(dir)!, parse.GetValue(output), parse.GetValue(weights));
            if (wantWeights && parse.GetValue(log)) return Error.New("--log applies to the loss plot, not to --weights");
            if (!wantWeights && parse.GetValue(epoch) is not null) return Error.New("--epoch chooses the state for --weights; the loss plot always shows every epoch");
            var target = outPath ?? Path.Combine(path, wantWeights ? "weights.png" : "loss.png");
            return from format in FigureFile.FormatOf(target)
                   from run in RunDirectory.Open(path)
                   from code in wantWeights ? Weights(context, run, parse.GetValue(epoch), target) : Loss(context, run, parse.GetValue(log), target)
                   select code;
        }));
        return command;
    }

    private static Fin<int> Loss(CommandContext context, RunDirectory run, bool logScale, string target)
    {
        if (run.ReadMetrics().Failed(out var metricsError, out var rows)) return metricsError;
        if (rows.IsEmpty) return Error.New($"{run.MetricsFile}: holds no epochs yet; nothing to plot");
        if (run.ReadSpec().Failed(out var specError, out var spec)) return specError;
        var curves = LossCurves.Of(rows);
        if (FigureFile.Write(target, LossFigure.Create(curves, Title(run, spec), logScale), LossFigure.Width, LossFigure.Height(curves)).Failed(out var writeError, out _))
            return writeError;
        context.Out.WriteLine($"wrote {target}: loss of {rows.Count} epochs" + (curves.HasAccuracy ? " and validation accuracy" : "") + (logScale ? " (log scale)" : ""));
        return ExitCodes.Success;
    }

    private static Fin<int> Weights(CommandContext context, RunDirectory run, int? epoch, string target)
    {
        if (StateSource.InRun(run.Path, epoch).Failed(out var sourceError, out var source)) return sourceError;
        var statePath = source.Path;
        if (StateFile.Decode(source.Bytes, statePath).Failed(out var readError, out var checkpoint)) return readError;
        // Without the run's data (a moved --data file) the weights are still worth drawing: the
        // gradient panels are left out and the reason is said.
        var gradient = StateGradient.Recompute(run, checkpoint, statePath);
        var panel = gradient.Case as GradientPanel;
        var state = checkpoint.State;
        var title = $"Weights of state {state.Epoch} of {RunName(run)} ({state.Network.Describe()})";
        var figure = WeightsFigure.Create(state.Network, title, panel, panel is null ? $"the run's data could not be rebuilt ({((Error)gradient).Message})" : null);
        if (FigureFile.Write(target, figure, WeightsFigure.Width, WeightsFigure.Height(state.Network.Layers.Count)).Failed(out var writeError, out _))
            return writeError;
        context.Out.WriteLine($"wrote {target}: weight histograms of state {state.Epoch}, {state.Network.Layers.Count} layers");
        context.Out.WriteLine(panel is not null
            ? $"  gradients: {panel.Description}"
            : $"  gradients: not drawn, the run's data could not be rebuilt ({((Error)gradient).Message})");
        return ExitCodes.Success;
    }

    private static string Title(RunDirectory run, RunSpec spec) =>
        $"{RunName(run)}: {string.Join("-", spec.Layers ?? [])} {spec.Activation}, {spec.Optimizer} lr {spec.Lr?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "?"}";

    /// <summary>The run directory's own name, for titles.</summary>
    public static string RunName(RunDirectory run) => Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(run.Path)));
}
