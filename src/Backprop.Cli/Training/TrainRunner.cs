using System.Diagnostics;
using System.Globalization;
using System.Text;
using Backprop.Functional.IO;
using LanguageExt;

namespace Backprop.Cli.Training;

/// <summary>Runs a prepared training run: the epoch fold, the printed lines and the output files.</summary>
public static class TrainRunner
{
    /// <summary>Folds <see cref="Functional.Training.Epoch"/> over the epochs, printing one line each.</summary>
    public static Fin<int> Run(CommandContext context, PreparedRun run, string? outDir)
    {
        var (spec, config, train) = (run.Spec, run.Config, run.Data.Train);
        context.Out.WriteLine($"network {run.Initial.Network.Describe()}, {config.Loss.Name} loss, {config.Optimizer}");
        context.Out.WriteLine($"data {run.DataDescription}: {train.Rows} training rows, batch {config.BatchRows(train.Rows)}");

        var clock = Stopwatch.StartNew();
        var metrics = new StringBuilder("epoch,loss\n");
        var final = Enumerable.Range(0, spec.Epochs).Aggregate(run.Initial, (state, _) =>
        {
            var result = Functional.Training.Epoch(config, state, train);
            var epoch = result.State.Epoch;
            context.Out.WriteLine($"Epoch {epoch}: loss {Format(result.Loss)}");
            metrics.Append(CultureInfo.InvariantCulture, $"{epoch},{Format(result.Loss)}\n");
            return result.State;
        });
        context.Out.WriteLine($"{clock.Elapsed.TotalSeconds.ToString("0.000", CultureInfo.InvariantCulture)} seconds elapsed.");

        if (outDir is null) return ExitCodes.Success;
        Directory.CreateDirectory(outDir);
        var weights = NetworkTensors.ToFile(final.Network, config.Loss, Map<string, string>.Empty);
        return
            from _1 in AtomicFile.WriteText(Path.Combine(outDir, "metrics.csv"), metrics.ToString())
            from _2 in AtomicFile.Write(Path.Combine(outDir, "final.safetensors"), SafeTensors.Serialize(weights))
            select ExitCodes.Success;
    }

    /// <summary>Shortest text that reads back to the same double.</summary>
    public static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
