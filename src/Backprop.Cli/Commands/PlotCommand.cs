using System.CommandLine;
using Backprop.Cli.Plots;
using Backprop.Functional;
using Backprop.Functional.IO;
using Backprop.Functional.Runs;
using LanguageExt;
using LanguageExt.Common;

namespace Backprop.Cli.Commands;

/// <summary><c>plot DIR</c>: a run's loss curves, with <c>--weights</c> one state's weight and gradient histograms, or with <c>--layers</c> the per-layer gradient norms and update ratios, as PNG or SVG.</summary>
public static class PlotCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(CommandContext context)
    {
        var dir = new Argument<string>("DIR") { Description = "A run directory made by 'train --out'" };
        var output = new System.CommandLine.Option<string?>("--out") { Description = "The image to write; .png or .svg picks the format (default DIR/loss.png, DIR/weights.png with --weights, DIR/layers.png with --layers)", HelpName = "FILE" };
        var log = new System.CommandLine.Option<bool>("--log") { Description = "Draw the loss on a log-scale y axis" };
        var weights = new System.CommandLine.Option<bool>("--weights") { Description = "Plot per-layer histograms of one state's weights and of the gradient at that state instead of the loss" };
        var layers = new System.CommandLine.Option<bool>("--layers") { Description = "Plot each layer's gradient norm and update ratio against epoch (from DIR/layers.csv) instead of the loss" };
        var epoch = new System.CommandLine.Option<int?>("--epoch") { Description = "With --weights: which saved state (default: the last kept)", HelpName = "K" };
        var command = new Command("plot", Examples.With(
            "Plot a run: training and validation loss and validation accuracy against epoch, (--weights) one state's weight and gradient histograms, or (--layers) each layer's gradient norm and update ratio against epoch.",
            "backprop plot runs/iris",
            "backprop plot runs/iris --log --out loss.svg",
            "backprop plot runs/iris --weights --epoch 40",
            "backprop plot seed-run --layers"))
        { dir, output, log, weights, layers, epoch };
        command.SetAction(parse => BackpropCli.Guard(context, parse, () =>
        {
            var (path, outPath, wantWeights, wantLayers) = (parse.GetValue(dir)!, parse.GetValue(output), parse.GetValue(weights), parse.GetValue(layers));
            if (wantLayers && wantWeights) return Error.New("--layers and --weights draw different figures; choose one");
            if (wantLayers && parse.GetValue(log)) return Error.New("--log applies to the loss plot; --layers always draws log axes");
            if (wantLayers && parse.GetValue(epoch) is not null) return Error.New("--epoch chooses the state for --weights; --layers always shows every epoch");
            if (wantWeights && parse.GetValue(log)) return Error.New("--log applies to the loss plot, not to --weights");
            if (!wantWeights && parse.GetValue(epoch) is not null) return Error.New("--epoch chooses the state for --weights; the loss plot always shows every epoch");
            var target = outPath ?? Path.Combine(path, wantWeights ? "weights.png" : wantLayers ? "layers.png" : "loss.png");
            return from format in FigureFile.FormatOf(target)
                   from run in RunDirectory.Open(path)
                   from code in wantWeights ? Weights(context, run, parse.GetValue(epoch), target)
                       : wantLayers ? Layers(context, run, target)
                       : Loss(context, run, parse.GetValue(log), target)
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

    private static Fin<int> Layers(CommandContext context, RunDirectory run, string target)
    {
        var file = LayerRows.PathIn(run.Path);
        if (LayerRows.Read(file).Failed(out var readError, out var rows))
            return readError.Code == FileInput.MissingFileCode
                ? Error.New($"{run.Path} has no {LayerRows.FileName}: it was trained before per-layer statistics were recorded")
                : readError;
        if (rows.IsEmpty) return Error.New($"{file}: holds no epochs yet; nothing to plot");
        var curves = LayerCurves.Of(rows);
        var title = $"Gradient norm per layer: {RunName(run)}";
        if (FigureFile.Write(target, LayersFigure.Create(curves, title), LayersFigure.Width, LayersFigure.Height).Failed(out var writeError, out _))
            return writeError;
        context.Out.WriteLine($"wrote {target}: gradient norms and update ratios of {curves.LayerCount} layers over {curves.Epochs} epochs" +
            (curves.Dropped > 0 ? $" ({curves.Dropped} zero, negative or non-finite values left out of the log axes)" : ""));
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
