using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Backprop.Cli.Training;
using Backprop.Functional;
using Backprop.Functional.IO;
using Backprop.Functional.Numerics;
using LanguageExt;

namespace Backprop.Cli.Commands;

/// <summary>
/// <c>bench</c>: trains on N random rows with mse and plain SGD (lr 0.01), writing no files,
/// after an untimed warm-up (one epoch, repeated for at least 0.25 s); the timed epochs run again
/// from the same state until <c>--min-seconds</c> have been timed, and the median run is
/// reported: time per step, throughput, the GFLOP/s of the step's matrix products and garbage
/// collection. The same workloads run in numpy and PyTorch from
/// benchmarks/peers. With <c>--product N</c> it times one N×N·N×N product through
/// <see cref="MatrixProduct"/> instead (numpy's dgemm line in benchmarks/compare.sh).
/// </summary>
public static class BenchCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(CommandContext context)
    {
        var layers = new TrainOptions().Layers;
        var batch = new System.CommandLine.Option<int>("--batch-size") { Description = "Rows per step", HelpName = "B" };
        var rows = new System.CommandLine.Option<int>("--rows") { Description = "Random rows in the data set", HelpName = "N" };
        var epochs = new System.CommandLine.Option<int>("--epochs") { Description = "Timed epochs (after an untimed warm-up: one epoch, repeated for at least 0.25 s)", HelpName = "E" };
        var product = new System.CommandLine.Option<int>("--product") { Description = "Time N×N·N×N products through MatrixProduct instead of training (GFLOP/s)", HelpName = "N" };
        var activation = new System.CommandLine.Option<string>("--activation") { Description = "Activation of every layer (default: sigmoid)", HelpName = "NAME" };
        var minSeconds = new System.CommandLine.Option<double>("--min-seconds")
        {
            Description = $"Run the timed epochs again, from the same state, until this many seconds have been timed, and report the median run (default: {DefaultMinSeconds.ToString(CultureInfo.InvariantCulture)}; 0 times them once; --product keeps its own rule: at least 5 products and 1 s)",
            HelpName = "S",
            DefaultValueFactory = _ => DefaultMinSeconds,
        };
        var seed = new System.CommandLine.Option<ulong>("--seed") { Description = "Seed of the random rows and weights (default: 0)", HelpName = "S" };
        var json = new System.CommandLine.Option<bool>("--json") { Description = "Print one JSON object" };
        var recordLayers = new System.CommandLine.Option<bool>("--record-layers")
        {
            Description = "Also time what `train --out` adds per epoch to record layers.csv (its first step's layer statistics and their rows): each epoch trained with and without them in turn",
        };
        var threads = SharedOptions.Threads();
        var command = new Command("bench", Examples.With(
            "Time training on random rows (mse, SGD lr 0.01, no files written) after an untimed warm-up.",
            "backprop bench --layers 10,32,32,32,32,32,32,2 --batch-size 1 --rows 1 --epochs 200",
            "backprop bench --layers 64,128,64,10 --batch-size 32 --rows 4096 --epochs 3 --json",
            "backprop bench --layers 784,256,128,10 --batch-size 64 --rows 8192 --epochs 2 --threads 2"))
        { layers, batch, rows, epochs, minSeconds, activation, seed, threads, json, product, recordLayers };
        // Training needs its four numbers; a product bench needs none of them.
        command.Validators.Add(result =>
        {
            if (result.GetResult(product) is not null) return;
            foreach (var option in new System.CommandLine.Option[] { layers, batch, rows, epochs })
                if (result.GetResult(option) is null) result.AddError($"Option '{option.Name}' is required.");
        });
        command.SetAction(parse => BackpropCli.Guard(context, parse, () =>
        {
            using var compute = SharedOptions.Compute(parse, threads);
            if (parse.GetResult(product) is not null)
                return ProductBench.Run(parse.GetValue(product), compute).Map(result => ProductBench.Report(context, result, parse.GetValue(json)));
            return Run(parse.GetValue(layers)!, parse.GetValue(batch), parse.GetValue(rows), parse.GetValue(epochs), parse.GetValue(minSeconds),
                       parse.GetValue(activation) ?? "sigmoid", parse.GetValue(seed), parse.GetValue(recordLayers), compute)
                .Map(outcome => outcome.Match(
                    Right: result => Report(context, result, parse.GetValue(json)),
                    Left: diverged =>
                    {
                        context.Error.WriteLine($"error: {diverged}");
                        return ExitCodes.NonFinite;
                    }));
        }));
        return command;
    }

    private sealed record BenchResult(
        string Layers, int BatchSize, int Rows, int Epochs, int Threads, long Steps, double Seconds, int Repetitions,
        int Gen0, int Gen1, int Gen2, double GcPauseSeconds, long AllocatedBytes, long PeakWorkingSetBytes, double FinalLoss)
    {
        /// <summary>With <c>--record-layers</c>: what recording added per epoch (the difference of the medians with and without) and the plain epoch's median.</summary>
        public (double RecordSeconds, double EpochSeconds)? Recording { get; init; }
    }

    private static Fin<Either<string, BenchResult>> Run(int[] widths, int batchSize, int rows, int epochs, double minSeconds, string activationName, ulong seed, bool recordLayers, ComputeContext compute)
    {
        if (batchSize < 1) return new OutOfRange(Settings.BatchSize, batchSize, "≥ 1");
        if (rows < 1) return new OutOfRange(Flags.Shell.Rows, rows, "≥ 1");
        if (epochs < 1) return new OutOfRange(Flags.Shell.TimedEpochs, epochs, "≥ 1");
        if (!(minSeconds >= 0 && minSeconds <= MaxMinSeconds)) return new OutOfRange(Flags.Shell.MinSeconds, minSeconds, $"between 0 and {MaxMinSeconds}");
        if (Activation.Parse(activationName).Failed(out var activationError, out var activation)) return activationError;
        if (NetworkFactory.CheckWidths(widths).Failed(out var widthError, out _)) return widthError;
        var optimizer = new Sgd(new ConstantSchedule(0.01));
        // Refused before anything is allocated; the row-major values the data set is built from are held beside it.
        var shape = TrainingShape.Of(widths, optimizer, rows, batchSize) with { OtherBytes = 8L * rows * (widths[0] + widths[^1]) };
        if (Functional.Runs.RunResources.ThisProcess(savesStates: false).Check(shape).Failed(out var sizeError, out _)) return sizeError;
        // The check has kept rows × width within Limits.MaxTensorElements, so these counts fit an int.
        var (inputCount, targetCount) = (checked((int)((long)rows * widths[0])), checked((int)((long)rows * widths[^1])));

        var rng = Rng.FromSeed(seed);
        (var x, rng) = rng.Normals(inputCount, 0, 1);
        (var y, rng) = rng.Normals(targetCount, 0, 1);
        if (NetworkFactory.Create(widths, activation, activation, new NormalInitializer(0.1), rng).Failed(out var networkError, out var built)) return networkError;
        var data = new Dataset(Dense.FromRowMajor(rows, widths[0], x), Dense.FromRowMajor(rows, widths[^1], y));
        var config = new TrainConfig(MeanSquaredError.Instance, optimizer, batchSize);
        // The warm-up epoch goes through the same call as the timed ones, so that none of them pays for compiling it.
        var initial = TrainState.Initial(built.Network, optimizer, built.Next);
        var warmUp = Functional.Training.Epochs(config, initial, data, 1, compute);
        if (warmUp.Stop is { } warmUpStop) return Diverged(1, warmUpStop);
        var state = warmUp.State;
        // A short epoch is run again, untimed, until WarmUpTime has passed: the runtime recompiles a
        // method optimized only after it has been called a number of times, in the background, and
        // 200 one-row steps would otherwise be timed while that happens. The timed epochs still start
        // from the state after one epoch, so what they compute does not depend on the machine's speed.
        for (var warming = Stopwatch.StartNew(); warming.Elapsed < WarmUpTime;)
            Functional.Training.Epochs(config, initial, data, 1, compute);

        var (gen0, gen1, gen2) = (GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2));
        var (pause, allocated) = (GC.GetTotalPauseDuration(), GC.GetTotalAllocatedBytes(precise: true));
        // The epochs folded in one call, as `train` runs them when it keeps no states (see TrainRunner).
        // A run of 200 one-row steps lasts 2 ms, shorter than the machine's own hiccups (a timer
        // interrupt, another process): run it again from the same state until minSeconds have
        // been timed and report the median run. Every run computes the same values.
        var runs = new List<double>();
        var timed = 0.0;
        EpochsResult folded;
        do
        {
            var clock = Stopwatch.StartNew();
            folded = Functional.Training.Epochs(config, state, data, epochs, compute);
            runs.Add(clock.Elapsed.TotalSeconds);
            timed += runs[^1];
            if (folded.Stop is { } stop) return Diverged(state.Epoch + folded.Losses.Count + 1, stop);
        }
        while (timed < minSeconds && runs.Count < MaxRepetitions);
        var loss = folded.Losses[^1];
        var recording = recordLayers ? TimeRecording(config, state, data, epochs, compute) : ((double, double)?)null;
        using var process = Process.GetCurrentProcess();
        return Prelude.Right<string, BenchResult>(new BenchResult(
            string.Join(",", widths), batchSize, rows, epochs, compute.Threads, (long)epochs * TrainConfig.StepsPerEpoch(rows, batchSize),
            Median([.. runs]), runs.Count, GC.CollectionCount(0) - gen0, GC.CollectionCount(1) - gen1, GC.CollectionCount(2) - gen2,
            (GC.GetTotalPauseDuration() - pause).TotalSeconds, GC.GetTotalAllocatedBytes(precise: true) - allocated, process.PeakWorkingSet64, loss)
        { Recording = recording });
    }

    /// <summary>How many seconds of timed runs <c>--min-seconds</c> asks for by default.</summary>
    internal const double DefaultMinSeconds = 0.2;

    /// <summary>The largest <c>--min-seconds</c>: an hour.</summary>
    private const double MaxMinSeconds = 3600;

    /// <summary>The most runs timed, however short each is (the median of so many is settled).</summary>
    internal const int MaxRepetitions = 1000;

    /// <summary>How long the warm-up lasts at least (one epoch at least).</summary>
    internal static readonly TimeSpan WarmUpTime = TimeSpan.FromSeconds(0.25);

    /// <summary>
    /// What recording layers.csv adds to an epoch, as <c>train --out</c> pays it: the same epoch
    /// trained from the same state by <see cref="Functional.Training.Epoch"/> and by
    /// <see cref="Functional.Training.MeasuredEpoch"/> with its CSV rows formatted, in turn,
    /// <paramref name="epochs"/> times from <paramref name="state"/>, so that both meet the same
    /// machine. Returns the difference of the medians and the plain epoch's median.
    /// </summary>
    private static (double RecordSeconds, double EpochSeconds) TimeRecording(TrainConfig config, TrainState state, Dataset data, int epochs, ComputeContext compute)
    {
        var (measured, plain) = (new double[epochs], new double[epochs]);
        var written = 0;
        for (var e = 0; e < epochs; e++)
        {
            var clock = Stopwatch.StartNew();
            var epoch = Functional.Training.Epoch(config, state, data, compute);
            plain[e] = clock.Elapsed.TotalSeconds;
            clock.Restart();
            var recorded = Functional.Training.MeasuredEpoch(config, state, data, compute);
            foreach (var row in LayerRow.Of(state.Epoch + 1, recorded.Layers ?? [])) written += row.ToCsv().Length;
            measured[e] = clock.Elapsed.TotalSeconds;
            if (epoch.Stop is not null) break;
            state = epoch.State;
        }
        GC.KeepAlive(written);
        return (Median(measured) - Median(plain), Median(plain));
    }

    private static double Median(double[] values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    /// <summary>What a bench that met NaN or ±∞ says instead of a timing (a timing of epochs that did not all run would be a wrong number).</summary>
    private static Either<string, BenchResult> Diverged(int epoch, EpochStop stop) =>
        $"epoch {epoch}, step {stop.Step} of {stop.Steps}: {stop.Problem.Describe()}; nothing was timed (try a smaller network or another --activation)";

    private static int Report(CommandContext context, BenchResult r, bool json)
    {
        var perStep = r.Seconds / r.Steps * 1e6;
        var samples = (double)r.Rows * r.Epochs / r.Seconds;
        if (json)
        {
            var fields = new Dictionary<string, object>
            {
                ["peer"] = "Backprop.Functional",
                ["layers"] = r.Layers,
                ["batch_size"] = r.BatchSize,
                ["rows"] = r.Rows,
                ["epochs"] = r.Epochs,
                ["threads"] = r.Threads,
                ["vectors"] = Hardware.VectorWidth,
                ["steps"] = r.Steps,
                ["seconds"] = r.Seconds,
                ["repetitions"] = r.Repetitions,
                ["us_per_step"] = perStep,
                ["samples_per_second"] = samples,
                ["product_gflops"] = ProductFlopsPerSample(r.Layers) * samples / 1e9,
                ["gen0_collections"] = r.Gen0,
                ["gen1_collections"] = r.Gen1,
                ["gen2_collections"] = r.Gen2,
                ["gc_pause_seconds"] = r.GcPauseSeconds,
                ["allocated_bytes_per_step"] = r.AllocatedBytes / (r.Steps * r.Repetitions),
                ["peak_working_set_bytes"] = r.PeakWorkingSetBytes,
                ["final_loss"] = r.FinalLoss,
            };
            if (r.Recording is { } recording)
            {
                fields["layers_seconds_per_epoch"] = recording.RecordSeconds;
                fields["epoch_seconds"] = recording.EpochSeconds;
                fields["layers_overhead"] = recording.RecordSeconds / recording.EpochSeconds;
            }
            context.Out.WriteLine(JsonSerializer.Serialize(fields));
            return ExitCodes.Success;
        }
        string N(double v, string format) => v.ToString(format, CultureInfo.InvariantCulture);
        context.Out.WriteLine($"layers {r.Layers}, batch {r.BatchSize}, {r.Rows} rows, {r.Epochs} timed epochs, {r.Threads} thread(s)");
        context.Out.WriteLine($"  {r.Steps} steps in {N(r.Seconds, "0.000")} s (the median of {r.Repetitions} run(s)): {N(perStep, "0.00")} µs/step, {N(samples, "N0")} samples/s, products {N(ProductFlopsPerSample(r.Layers) * samples / 1e9, "0.0")} GFLOP/s of the whole step's time");
        context.Out.WriteLine($"  GC: {r.Gen0}/{r.Gen1}/{r.Gen2} collections (gen 0/1/2), {N(r.GcPauseSeconds * 1e3, "0.0")} ms paused, {N(r.AllocatedBytes / (double)(r.Steps * r.Repetitions) / 1024, "N1")} KiB allocated per step (over every run)");
        context.Out.WriteLine($"  peak working set {N(r.PeakWorkingSetBytes / 1048576.0, "N0")} MB; final loss {TrainRunner.Format(r.FinalLoss)}");
        if (r.Recording is { } record)
            context.Out.WriteLine($"  recording layers.csv: {N(record.RecordSeconds * 1e3, "0.000")} ms per epoch added to {N(record.EpochSeconds * 1e3, "0.00")} ms of training ({N(100 * record.RecordSeconds / record.EpochSeconds, "0.0")}%; the difference of the medians of {r.Epochs} epochs trained with and without, in turn)");
        return ExitCodes.Success;
    }

    /// <summary>
    /// The floating-point operations of a step's products per sample (2 per multiply-add): each
    /// layer's X·Wᵀ and δᵀ·X, and δ·W for every layer but the first.
    /// </summary>
    private static double ProductFlopsPerSample(string layers)
    {
        var widths = layers.Split(',').Select(w => double.Parse(w, CultureInfo.InvariantCulture)).ToArray();
        var total = 0.0;
        for (var i = 0; i + 1 < widths.Length; i++) total += 2 * widths[i] * widths[i + 1] * (i == 0 ? 2 : 3);
        return total;
    }
}
