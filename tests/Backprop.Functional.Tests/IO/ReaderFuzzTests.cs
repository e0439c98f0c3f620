using Backprop.Functional.Tests.IO.Fuzzing;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Backprop.Functional.Tests.IO;

/// <summary>Mutated CSV files.</summary>
public static class CsvMutants
{
    /// <summary>One to eight edits of a CSV seed.</summary>
    public static Arbitrary<Mutant> Mutants() => Arb.From(MutantGenerators.Csv);
}

/// <summary>Mutated safetensors files.</summary>
public static class SafeTensorsMutants
{
    /// <summary>One to eight edits of a safetensors seed.</summary>
    public static Arbitrary<Mutant> Mutants() => Arb.From(MutantGenerators.SafeTensors);
}

/// <summary>
/// Fuzzing in the test suite: whatever a mutation does to a valid file, the reader and the stage
/// after it either load it or refuse it with one clean line naming the file; nothing throws.
/// The long campaign with the same generators is tools/Backprop.Fuzz.
/// </summary>
public sealed class ReaderFuzzTests
{
    private static Property Clean(Verdict verdict) =>
        (verdict.Outcome is ReadOutcome.Loaded or ReadOutcome.Refused).Label($"{verdict.Outcome}: {verdict.Detail}");

    [Property(MaxTest = 4000, Arbitrary = [typeof(CsvMutants)])]
    public Property A_mutated_csv_file_loads_or_is_refused_in_one_clean_line(Mutant mutant) =>
        Clean(ReaderOracle.ReadCsv(mutant.Bytes));

    [Property(MaxTest = 4000, Arbitrary = [typeof(SafeTensorsMutants)])]
    public Property A_mutated_safetensors_file_loads_or_is_refused_in_one_clean_line(Mutant mutant) =>
        Clean(ReaderOracle.ReadSafeTensors(mutant.Bytes));

    [Fact]
    public void Every_seed_loads()
    {
        foreach (var (name, bytes) in FuzzSeeds.Csv) Assert.True(ReaderOracle.ReadCsv(bytes).Outcome == ReadOutcome.Loaded, name);
        foreach (var (name, bytes) in FuzzSeeds.SafeTensorsFiles) Assert.True(ReaderOracle.ReadSafeTensors(bytes).Outcome == ReadOutcome.Loaded, name);
    }

    [Fact]
    public void The_mutants_reach_both_outcomes_often()
    {
        // A fuzzer whose every mutant is refused at the first byte checks nothing past it.
        static double LoadedShare(Gen<Mutant> gen, Func<byte[], Verdict> read) =>
            gen.Sample(1000, new Rnd(2024), 50).Count(m => read(m.Bytes).Outcome == ReadOutcome.Loaded) / 1000.0;
        Assert.InRange(LoadedShare(MutantGenerators.Csv, ReaderOracle.ReadCsv), 0.05, 0.95);
        Assert.InRange(LoadedShare(MutantGenerators.SafeTensors, ReaderOracle.ReadSafeTensors), 0.05, 0.95);
    }

    [Fact]
    public void The_oracle_calls_a_multi_line_or_anonymous_message_bad()
    {
        Assert.False(ReaderOracle.IsOneLine("fuzz.input: a\nb"));
        Assert.False(ReaderOracle.IsOneLine("fuzz.input: \u001b[2J"));
        Assert.False(ReaderOracle.IsOneLine(" "));
        Assert.False(ReaderOracle.IsOneLine("fuzz.input: \u202e"));
        Assert.False(ReaderOracle.IsOneLine("fuzz.input: \ud800"));
        Assert.True(ReaderOracle.IsOneLine("fuzz.input: line 2, column 'x': 'é🌸' is not a number"));
    }
}
