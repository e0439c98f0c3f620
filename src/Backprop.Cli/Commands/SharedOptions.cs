using System.CommandLine;
using Backprop.Functional;
using Backprop.Functional.IO;
using Backprop.Functional.Numerics;
using Error = LanguageExt.Common.Error;

namespace Backprop.Cli.Commands;

/// <summary>Options several commands share.</summary>
public static class SharedOptions
{
    /// <summary>--threads N: how many threads the math may use (never changes a result).</summary>
    public static Option<int> Threads() => new("--threads")
    {
        Description = "Threads the math may use (default: all cores); results are bit-identical for every value",
        HelpName = "N",
        Validators = { r => { if (r.GetValueOrDefault<int>() is var n && n < 1) r.AddError(new OutOfRange(Flags.Shell.Threads, n, "≥ 1").Render(Flags.Named)); } },
    };

    /// <summary>The thread count chosen (or the default).</summary>
    public static int ThreadCount(ParseResult parse, Option<int> threads) =>
        parse.GetResult(threads) is { Implicit: false } ? parse.GetValue(threads) : Environment.ProcessorCount;

    /// <summary>The context the command's math runs in, with the threads --threads chose; the command disposes of it.</summary>
    public static ComputeContext Compute(ParseResult parse, Option<int> threads) => new(ThreadCount(parse, threads));

    /// <summary>The context of a command without --threads: all cores, as --threads' default.</summary>
    public static ComputeContext AllCores() => new(Environment.ProcessorCount);

    /// <summary>"numerics managed-fma-chain/1 on Vector512 hardware, 2 thread(s)": what a replay in <paramref name="compute"/> runs on.</summary>
    public static string NumericsLine(ComputeContext compute) =>
        $"numerics {StateFile.Numerics} on {Hardware.VectorWidth} hardware, {compute.Threads} thread(s)";

    /// <summary>--state FILE.safetensors: the model a command reads.</summary>
    public static Option<string> State(string description, bool required) =>
        new("--state") { Description = description, HelpName = "FILE.safetensors", Required = required };

    /// <summary>--data FILE.csv: the rows a command reads.</summary>
    public static Option<string> Data(string description) => new("--data") { Description = description, HelpName = "FILE.csv" };

    /// <summary>--data, --dataset, --init and --parent for a run whose inputs moved since it was made.</summary>
    public static (Option<string> Data, Option<string> Dataset, Option<string> Init, Option<string> Parent) MovedInputs() => (
        Data("Where the run's data file is now, if it moved (its fingerprint must match the run's)"),
        Dataset(),
        new Option<string>("--init") { Description = "Where the run's --init weights file is now, if it moved (its SHA-256 must match)", HelpName = "FILE.safetensors" },
        Parent());

    /// <summary>--parent DIR: where a fork's parent run is now, if it moved.</summary>
    public static Option<string> Parent() =>
        new("--parent") { Description = "For a fork (train --from): where its parent run directory is now, if it moved (the parent state's SHA-256 must match)", HelpName = "DIR" };

    /// <summary>The moved inputs given on the command line.</summary>
    public static Functional.Runs.RunSources Sources(ParseResult parse, (Option<string> Data, Option<string> Dataset, Option<string> Init, Option<string> Parent) options) =>
        new(parse.GetValue(options.Data), parse.GetValue(options.Dataset), parse.GetValue(options.Init), parse.GetValue(options.Parent));

    /// <summary>--dataset NAME: a data set shipped with the tool, instead of --data.</summary>
    public static Option<string> Dataset() =>
        new("--dataset") { Description = $"A shipped data set: {BuiltInDatasets.Names}", HelpName = "NAME" };

    /// <summary>The table a command reads: --data FILE.csv or --dataset NAME.</summary>
    public static LanguageExt.Fin<CsvTable> Table(string? data, string? dataset, (string? Delimiter, bool NoHeader) layout = default) =>
        (data, dataset) switch
        {
            (null, null) => Error.New("give --data FILE.csv or --dataset NAME"),
            ({ }, { }) => Error.New("give --data or --dataset, not both"),
            ({ } path, null) => DataLayout.Dialect(path, layout).Bind(dialect => FileInput.ReadTable(path, dialect)),
            (null, { }) when layout.Delimiter is not null || layout.NoHeader => Error.New("--delimiter and --no-header are for --data: a shipped data set has its own layout"),
            (null, { } name) => BuiltInDatasets.Load(name).Map(d => d.Table),
        };
}
