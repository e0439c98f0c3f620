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
        // A value refused from --config names the file and its key; one a flag gave is a usage error (Flags.Describe).
        if (RunPlan.Prepare(options.Apply(parse, spec), savesStates: outDir is not null).FromFile(parse, configPath).Failed(out var prepareError, out var run)) return prepareError;
        if (outDir is null) return TrainRunner.Run(context, run, run.Initial, null, compute, view);
        if (RunSession.Create(outDir, run, Provenance.Of(run, DateTime.UtcNow, compute.Threads)).Failed(out var sessionError, out var session)) return sessionError;
        using (session) return TrainRunner.Run(context, run, run.Initial, session, compute, view);
    }

    /// <summary>Continues a run directory from its last complete state (its inputs where run.json says, or where --data/--dataset/--init say now), replaying and training in <paramref name="compute"/>.</summary>
    public static Fin<int> Resume(CommandContext context, string dir, TrainOptions options, ParseResult parse, bool otherRunOptions, ComputeContext compute, ITrainingView view)
    {
        var movable = new Option[] { options.Epochs, options.Data, options.Dataset, options.Init };
        var given = options.All.Where(o => !movable.Contains(o) && parse.GetResult(o) is { Implicit: false }).Select(o => o.Name).ToList();
        if (otherRunOptions) given.Add("--out/--config");
        if (given.Count > 0)
            return Error.New($"--resume continues a run with its own configuration; it takes only --epochs, --threads and, for inputs that moved, --data/--dataset/--init (got {string.Join(", ", given)})");
        int? epochs = parse.GetResult(options.Epochs) is { Implicit: false } ? parse.GetValue(options.Epochs) : null;
        var sources = new RunSources(parse.GetValue(options.Data), parse.GetValue(options.Dataset), parse.GetValue(options.Init));
        if (RunSession.Resume(dir, sources, epochs, compute).Failed(out var error, out var resumed)) return error;
        using (resumed.Session) return TrainRunner.Run(context, resumed.Session.Run, resumed.Start, resumed.Session, compute, view);
    }
}
