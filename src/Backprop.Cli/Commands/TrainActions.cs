using System.CommandLine;
using Backprop.Cli.Training;
using Backprop.Functional;
using Backprop.Functional.Runs;
using LanguageExt;
using LanguageExt.Common;

namespace Backprop.Cli.Commands;

/// <summary>What <c>train</c> does once its arguments are parsed: flags to a spec or to a resume, then the shell's epoch fold.</summary>
public static class TrainActions
{
    /// <summary>A new run: options from --config (if any), overridden by flags; into --out when given; trained in <paramref name="compute"/>.</summary>
    public static Fin<int> Start(CommandContext context, TrainOptions options, ParseResult parse, string? configPath, string? outDir, ComputeContext compute, ITrainingView view)
    {
        var baseSpec = configPath is null ? Fin<RunSpec>.Succ(new RunSpec()) : RunFile.Read(configPath);
        if (baseSpec.Failed(out var configError, out var spec)) return configError;
        if (RunPlan.Prepare(options.Apply(parse, spec), savesStates: outDir is not null).Failed(out var prepareError, out var run)) return prepareError;
        return Train(context, run, outDir, compute, view);
    }

    /// <summary>
    /// A fork of the run in <paramref name="parentDir"/> from its kept state <paramref name="epoch"/>:
    /// the parent's run.json overridden by the flags given, trained like a new run.
    /// </summary>
    public static Fin<int> Fork(CommandContext context, TrainOptions options, ParseResult parse, string parentDir, int? epoch, string? outDir, ComputeContext compute, ITrainingView view)
    {
        if (epoch is not { } k)
        {
            var kept = RunDirectory.Open(parentDir).Map(d => d.List().Epochs).Match(e => $" ({parentDir} keeps epochs {Epochs(e)})", _ => "");
            return Usage(context, $"--from {parentDir} needs --epoch K, the kept epoch whose state the fork starts from{kept}");
        }
        if (Functional.Runs.Fork.SpecOf(parentDir, k).Failed(out var parentError, out var parentSpec)) return parentError;
        bool Given(Option option) => parse.GetResult(option) is { Implicit: false };
        // Another data source replaces the parent's, whichever kind it was.
        if (Given(options.Data)) parentSpec = parentSpec with { Dataset = null };
        if (Given(options.Dataset)) parentSpec = parentSpec with { Data = null };
        var spec = options.Apply(parse, parentSpec);
        if (spec.Epochs == 0 && !Given(options.Epochs))
            return Usage(context, $"{parentDir}: epoch {k} is its last, so the fork has no epochs left to train by default; give --epochs N");
        if (RunPlan.Prepare(spec, savesStates: outDir is not null).Failed(out var prepareError, out var run)) return prepareError;
        return Train(context, run, outDir, compute, view);
    }

    private static Fin<int> Usage(CommandContext context, string message)
    {
        context.Error.WriteLine($"error: {message}");
        return ExitCodes.Usage;
    }

    private static string Epochs(Arr<int> kept) =>
        kept.Count <= 12 ? string.Join(", ", kept) : $"{string.Join(", ", kept.Take(10))}, ..., {kept[^1]}";

    private static Fin<int> Train(CommandContext context, PreparedRun run, string? outDir, ComputeContext compute, ITrainingView view)
    {
        if (outDir is null) return TrainRunner.Run(context, run, run.Initial, null, compute, view);
        if (RunSession.Create(outDir, run, Provenance.Of(run, DateTime.UtcNow, compute.Threads)).Failed(out var sessionError, out var session)) return sessionError;
        using (session) return TrainRunner.Run(context, run, run.Initial, session, compute, view);
    }

    /// <summary>Continues a run directory from its last complete state (its inputs where run.json says, or where --data/--dataset/--init say now), replaying and training in <paramref name="compute"/>.</summary>
    public static Fin<int> Resume(CommandContext context, string dir, TrainOptions options, ParseResult parse, bool otherRunOptions, string? parent, ComputeContext compute, ITrainingView view)
    {
        var movable = new Option[] { options.Epochs, options.Data, options.Dataset, options.Init };
        var given = options.All.Where(o => !movable.Contains(o) && parse.GetResult(o) is { Implicit: false }).Select(o => o.Name).ToList();
        if (otherRunOptions) given.Add("--out/--config");
        if (given.Count > 0)
            return Error.New($"--resume continues a run with its own configuration; it takes only --epochs, --threads and, for inputs that moved, --data/--dataset/--init/--parent (got {string.Join(", ", given)})");
        int? epochs = parse.GetResult(options.Epochs) is { Implicit: false } ? parse.GetValue(options.Epochs) : null;
        var sources = new RunSources(parse.GetValue(options.Data), parse.GetValue(options.Dataset), parse.GetValue(options.Init), parent);
        if (RunSession.Resume(dir, sources, epochs, compute).Failed(out var error, out var resumed)) return error;
        using (resumed.Session) return TrainRunner.Run(context, resumed.Session.Run, resumed.Start, resumed.Session, compute, view);
    }
}
