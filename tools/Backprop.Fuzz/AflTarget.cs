using Backprop.Functional.Tests.IO.Fuzzing;

namespace Backprop.Fuzz;

/// <summary>
/// The coverage-guided half of the campaign: afl-fuzz feeds files to a reader through SharpFuzz,
/// and a verdict other than loaded or cleanly refused is thrown, which afl records as a crash.
/// </summary>
public static class AflTarget
{
    /// <summary>Serves afl-fuzz until it stops this process.</summary>
    public static void Run(Func<byte[], Verdict> read) =>
        SharpFuzz.Fuzzer.OutOfProcess.Run(stream =>
        {
            using var memory = new MemoryStream();
            stream.CopyTo(memory);
            var verdict = read(memory.ToArray());
            if (verdict.Outcome is ReadOutcome.Crashed or ReadOutcome.BadMessage)
                throw new InvalidOperationException($"{verdict.Outcome}: {verdict.Detail}");
        });

    /// <summary>Writes the seed files, afl-fuzz's starting corpus, into DIR/csv and DIR/safetensors.</summary>
    public static void WriteSeeds(string directory)
    {
        foreach (var (kind, seeds) in new[] { ("csv", FuzzSeeds.Csv), ("safetensors", FuzzSeeds.SafeTensorsFiles) })
        {
            Directory.CreateDirectory(Path.Combine(directory, kind));
            foreach (var (name, bytes) in seeds) File.WriteAllBytes(Path.Combine(directory, kind, name), bytes);
        }
    }
}
