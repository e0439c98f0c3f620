using Backprop.Functional.Tests.IO.Fuzzing;
using Backprop.Fuzz;

// dotnet run -c Release --project tools/Backprop.Fuzz -- [--cases 1000000] [--seed 1] [--reader csv|safetensors|both] [--failures DIR]
// afl-fuzz ... -- dotnet Backprop.Fuzz.dll --afl csv|safetensors   (see README.md; --write-seeds DIR makes its corpus,
// --replay csv|safetensors FILE... judges saved inputs)
Func<string, Func<byte[], Verdict>> readerNamed = name => name == "csv" ? ReaderOracle.ReadCsv : ReaderOracle.ReadSafeTensors;
if (Campaign.Option(args, "--afl", "") is { Length: > 0 } aflReader)
{
    AflTarget.Run(readerNamed(aflReader));
    return 0;
}
if (Campaign.Option(args, "--write-seeds", "") is { Length: > 0 } seedDirectory)
{
    AflTarget.WriteSeeds(seedDirectory);
    return 0;
}
if (Campaign.Option(args, "--replay", "") is { Length: > 0 } replayReader)
{
    // --replay csv|safetensors FILE...: the verdict on each file, e.g. on the crashes afl-fuzz saved.
    foreach (var path in args.SkipWhile(a => a != "--replay").Skip(2))
        Console.WriteLine($"{path}: {readerNamed(replayReader)(File.ReadAllBytes(path))}");
    return 0;
}

var cases = Campaign.Count(Campaign.Option(args, "--cases", "1000000"));
var seed = ulong.Parse(Campaign.Option(args, "--seed", "1"), System.Globalization.CultureInfo.InvariantCulture);
var reader = Campaign.Option(args, "--reader", "both");
var failures = Campaign.Option(args, "--failures", Path.Combine(Path.GetTempPath(), "backprop-fuzz-failures"));

Console.WriteLine($"backprop fuzz campaign: {cases:N0} cases per reader, seed {seed}, failing inputs to {failures}");
long bad = 0;
if (reader is "csv" or "both")
    bad += new Campaign("csv", MutantGenerators.Csv, readerNamed("csv"), failures).Run(cases, seed, Console.Out);
if (reader is "safetensors" or "both")
    bad += new Campaign("safetensors", MutantGenerators.SafeTensors, readerNamed("safetensors"), failures).Run(cases, seed, Console.Out);
return bad == 0 ? 0 : 1;
