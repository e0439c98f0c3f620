using System.CommandLine;
using Backprop.Cli.Reports;
using Backprop.Functional;
using Backprop.Functional.IO;
using Backprop.Functional.Runs;
using LanguageExt.Common;

namespace Backprop.Cli.Commands;

/// <summary><c>report DIR --out report.html</c>: one self-contained HTML page to explore a run.</summary>
public static class ReportCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(CommandContext context)
    {
        var dir = new Argument<string>("DIR") { Description = "A run directory made by 'train --out'" };
        var output = new System.CommandLine.Option<string?>("--out") { Description = "The HTML file to write (default DIR/report.html)", HelpName = "FILE" };
        var command = new Command("report", Examples.With(
            "Write one self-contained HTML page for a run: its configuration, loss and accuracy curves, and a slider over the saved states showing per-layer weight histograms and norms, and (when the run recorded layers.csv) each layer's gradient norm and update ratio.",
            "backprop report runs/iris",
            "backprop report runs/iris --out iris.html   # open #epoch=12 to start at state 12"))
        { dir, output };
        command.SetAction(parse => BackpropCli.Guard(context, parse, () =>
        {
            var path = parse.GetValue(dir)!;
            var target = parse.GetValue(output) ?? Path.Combine(path, "report.html");
            if (!target.EndsWith(".html", StringComparison.OrdinalIgnoreCase) && !target.EndsWith(".htm", StringComparison.OrdinalIgnoreCase))
                return Error.New($"--out {target}: a report is an HTML page; name it .html");
            if (RunDirectory.Open(path).Failed(out var openError, out var run)) return openError;
            if (ReportCollector.Collect(run).Failed(out var collectError, out var model)) return collectError;
            var page = ReportPage.Render(model);
            if (OutputFile.WriteText(target, page).Failed(out var writeError, out _)) return writeError;
            var weights = model.Data.Weights;
            context.Out.WriteLine($"wrote {target}: {model.Data.Metrics.TotalEpochs} epochs, {weights.Epochs.Length} of {weights.KeptCount} kept states on the slider" +
                (model.Data.LayerStats is { } stats ? $", gradient norms of {stats.Layers.Length} layers from {LayerRows.FileName}" : "") +
                $", {page.Length / 1024:N0} KiB");
            return ExitCodes.Success;
        }));
        return command;
    }
}
