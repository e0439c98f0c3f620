using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Backprop.Functional.Tests.IO.Fuzzing;
using FsCheck;
using FsCheck.Fluent;

namespace Backprop.Fuzz;

/// <summary>
/// Runs one reader over many mutants drawn from the test suite's generators with a fixed seed,
/// counting loads, clean refusals and failures; every failing input is written to a file.
/// </summary>
public sealed partial class Campaign(string name, Gen<Mutant> mutants, Func<byte[], Verdict> read, string failuresDirectory)
{
    private const int Chunk = 10_000;

    private readonly Dictionary<ReadOutcome, long> counts = Enum.GetValues<ReadOutcome>().ToDictionary(o => o, _ => 0L);
    private readonly Dictionary<string, long> refusalKinds = [];
    private (double Milliseconds, string Mutant) slowest = (0, "");

    /// <summary>Runs <paramref name="cases"/> mutants from <paramref name="seed"/>; returns how many were neither loaded nor cleanly refused.</summary>
    public long Run(long cases, ulong seed, TextWriter output)
    {
        var clock = Stopwatch.StartNew();
        for (long done = 0, chunk = 0; done < cases; chunk++)
        {
            var count = (int)Math.Min(Chunk, cases - done);
            // Each chunk has its own seed, so any chunk can be replayed alone.
            foreach (var mutant in mutants.Sample(count, new Rnd(seed * 1_000_003UL + (ulong)chunk), 50))
                Judge(mutant, chunk, output);
            done += count;
            if (done % 100_000 == 0 || done == cases)
                output.WriteLine($"{name}: {done:N0} cases, {Summary()}, {clock.Elapsed.TotalSeconds:F0} s");
        }
        output.WriteLine($"{name}: {cases:N0} cases in {clock.Elapsed.TotalSeconds:F1} s ({cases / clock.Elapsed.TotalSeconds:N0}/s); slowest case {slowest.Milliseconds:F1} ms: {slowest.Mutant}");
        output.WriteLine($"{name}: {refusalKinds.Count} distinct refusals; the most frequent:");
        foreach (var (kind, n) in refusalKinds.OrderByDescending(k => k.Value).Take(15)) output.WriteLine($"  {n,9:N0}  {kind}");
        return counts[ReadOutcome.Crashed] + counts[ReadOutcome.BadMessage];
    }

    private string Summary() => string.Join(", ", counts.Select(c => $"{c.Key} {c.Value:N0}"));

    private void Judge(Mutant mutant, long chunk, TextWriter output)
    {
        var bytes = mutant.Bytes;
        var start = Stopwatch.GetTimestamp();
        var verdict = read(bytes);
        var milliseconds = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        if (milliseconds > slowest.Milliseconds) slowest = (milliseconds, mutant.ToString());
        counts[verdict.Outcome]++;
        if (verdict.Outcome == ReadOutcome.Refused)
        {
            var kind = Kind(verdict.Detail);
            refusalKinds[kind] = refusalKinds.GetValueOrDefault(kind) + 1;
        }
        else if (verdict.Outcome != ReadOutcome.Loaded)
        {
            var path = Path.Combine(failuresDirectory, $"{name}-{counts[verdict.Outcome]}-{verdict.Outcome}.bin");
            Directory.CreateDirectory(failuresDirectory);
            File.WriteAllBytes(path, bytes);
            output.WriteLine($"{name}: {verdict.Outcome} (chunk {chunk}) {verdict.Detail.ReplaceLineEndings("\\n")}");
            output.WriteLine($"  mutant {mutant}; bytes in {path}");
        }
    }

    /// <summary>A refusal with its quoted values and numbers blanked: "line #, column '…': '…' is not a number".</summary>
    private static string Kind(string message) => Digits().Replace(Quoted().Replace(message, "'…'"), "#");

    [GeneratedRegex(@"'(?:[^'\\]|\\.)*'")]
    private static partial Regex Quoted();

    [GeneratedRegex("[0-9]+")]
    private static partial Regex Digits();

    /// <summary>Parses "--name value" options with defaults.</summary>
    public static string Option(string[] args, string name, string fallback)
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? args[at + 1] : fallback;
    }

    /// <summary>A count such as 1000000 or 1_000_000.</summary>
    public static long Count(string text) => long.Parse(text.Replace("_", ""), CultureInfo.InvariantCulture);
}
