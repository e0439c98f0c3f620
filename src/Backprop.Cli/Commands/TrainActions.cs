using System.CommandLine;
using Backprop.Cli.Training;
using Backprop.Functional;
using LanguageExt;
using LanguageExt.Common;

namespace Backprop.Cli.Commands;

/// <summary>What <c>train</c> does once its arguments are parsed.</summary>
public static class TrainActions
{
    /// <summary>A new run: options from --config (if any), overridden by flags; into --out when given.</summary>
    public static Fin<int> Start(CommandContext context, TrainOptions options, ParseResult parse, string? configPath, string? outDir, int threads, ITrainingView view)
    {
        var baseSpec = configPath is null ? Fin<TrainSpec>.Succ(new TrainSpec()) : RunFile.Read(configPath);
        if (baseSpec.Failed(out var configError, out var spec)) return configError;
        if (RunSetup.Prepare(options.Apply(parse, spec)).Failed(out var prepareError, out var run)) return prepareError;
        if (outDir is null) return TrainRunner.Run(context, run, run.Initial, null, view);
        if (RunSession.Create(outDir, run, threads).Failed(out var sessionError, out var session)) return sessionError;
        using (session) return TrainRunner.Run(context, run, run.Initial, session, view);
    }

    /// <summary>Continues a run directory from its last complete state.</summary>
    public static Fin<int> Resume(CommandContext context, string dir, TrainOptions options, ParseResult parse, bool otherRunOptions, ITrainingView view)
    {
        var given = options.All.Where(o => o != options.Epochs && parse.GetResult(o) is { Implicit: false }).Select(o => o.Name).ToList();
        if (otherRunOptions) given.Add("--out/--config");
        if (given.Count > 0) return Error.New($"--resume continues a run with its own configuration; it takes only --epochs and --threads (got {string.Join(", ", given)})");
        int? epochs = parse.GetResult(options.Epochs) is { Implicit: false } ? parse.GetValue(options.Epochs) : null;
        if (RunSession.Resume(dir, epochs).Failed(out var error, out var resumed)) return error;
        using (resumed.Session) return TrainRunner.Run(context, resumed.Session.Run, resumed.Start, resumed.Session, view);
    }
}
