using System.Buffers.Binary;
using System.Text;
using FsCheck;
using FsCheck.Fluent;

namespace Backprop.Functional.Tests.IO.Fuzzing;

/// <summary>
/// FsCheck generators of mutated files: one to eight edits of a seed, mixing blind ones (bit
/// flips, random bytes, deletions, duplications, truncations) with insertions of the tokens
/// each format is built from, which reach the parser's deeper branches far more often.
/// </summary>
public static class MutantGenerators
{
    private static readonly string[] CsvTokens =
    [
        "\"", "\"\"", ",", "\n", "\r", "\r\n", " ", "\t", "0", "9", "-", "+", ".", "e", "E", "1e999", "-1e400", "NaN",
        "Infinity", "-Infinity", "∞", "0x1F", "setosa", "species", "sepal_length", "\uFEFF", "\u2028", "\0", "é", "🌸",
    ];

    private static readonly string[] JsonTokens =
    [
        "{", "}", "[", "]", "\"", ":", ",", " ", "0", "1", "9", "-", ".", "e", "E", "\\", "\\u", "\\ud800", "\\n", "null", "true",
        "\"F32\"", "\"F16\"", "\"I8\"", "\"BOOL\"", "\"shape\"", "\"dtype\"", "\"data_offsets\"", "\"__metadata__\"", "\"layers.0.weight\"",
        "\"layers.2.bias\"", "9223372036854775807", "18446744073709551616", "4294967296", "1e400", "-0", "0.5", "[[[[[[[[", "{\"a\":{\"a\":",
        "\"softmax\"", "\"NaN\"", "🌸", "\\ud83c\\udf38",
    ];

    /// <summary>Byte sequences a text parser must survive: invalid UTF-8, overlong and truncated sequences, a BOM, NUL.</summary>
    private static readonly byte[][] RawTokens =
        [[0xFF], [0xFE, 0xFF], [0xC3], [0xC0, 0xAF], [0xE2, 0x82], [0xED, 0xA0, 0x80], [0xEF, 0xBB, 0xBF], [0x00], [0x80], [0xF4, 0x90, 0x80, 0x80]];

    /// <summary>Header lengths at the edges: zero, tiny, the file size ± 1, the limit, 2^31, 2^63, 2^64 − 1.</summary>
    private static Gen<Mutation> HeaderLength(int seedLength) =>
        from value in Gen.Elements(0UL, 1UL, 2UL, (ulong)seedLength - 9, (ulong)seedLength - 8, (ulong)seedLength - 7, 100_000_000UL, 100_000_001UL, 1UL << 31, 1UL << 63, ulong.MaxValue)
        select (Mutation)new Overwrite(0, LittleEndian(value));

    private static byte[] LittleEndian(ulong value)
    {
        var bytes = new byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, value);
        return bytes;
    }

    private static Gen<Mutation> Mutation(string[] tokens, Gen<Mutation>? extra)
    {
        var position = Gen.Choose(0, int.MaxValue);
        // Mostly valid text: a mutant refused as bad UTF-8 at its first byte tests nothing deeper.
        var token = Gen.Frequency((4, Gen.Elements(tokens).Select(t => Encoding.UTF8.GetBytes(t))), (1, Gen.Elements(RawTokens)));
        var randomByte = Gen.Frequency((3, Gen.Choose(0x20, 0x7E)), (1, Gen.Choose(0, 255))).Select(i => (byte)i);
        var randomBytes = from n in Gen.Choose(1, 8) from b in Gen.ArrayOf(randomByte, n) select b;
        var length = Gen.Frequency((3, Gen.Choose(1, 4)), (1, Gen.Choose(5, 200)));
        var gens = new List<(int, Gen<Mutation>)>
        {
            (4, from p in position from bit in Gen.Choose(0, 7) select (Mutation)new FlipBit(p, bit)),
            (2, from p in position from b in randomBytes select (Mutation)new Overwrite(p, b)),
            (3, from p in position from t in token select (Mutation)new Overwrite(p, t)),
            (4, from p in position from t in token select (Mutation)new Insert(p, t)),
            (1, from p in position from b in randomBytes select (Mutation)new Insert(p, b)),
            (2, from p in position from n in length select (Mutation)new Delete(p, n)),
            (1, from p in position from n in length select (Mutation)new Duplicate(p, n)),
            (1, from n in position select (Mutation)new Truncate(n)),
        };
        if (extra is not null) gens.Add((1, extra));
        return Gen.Frequency(gens.ToArray());
    }

    private static Gen<Mutant> Mutants(IReadOnlyList<(string Name, byte[] Bytes)> seeds, Func<int, Gen<Mutation>> mutation) =>
        from seed in Gen.Elements(seeds.ToArray())
        from count in Gen.Frequency((4, Gen.Constant(1)), (3, Gen.Choose(2, 3)), (1, Gen.Choose(4, 8)))
        from edits in Gen.ArrayOf(mutation(seed.Bytes.Length), count)
        select new Mutant(seed.Name, seed.Bytes, edits);

    /// <summary>Mutants of the CSV seeds.</summary>
    public static Gen<Mutant> Csv { get; } = Mutants(FuzzSeeds.Csv, _ => Mutation(CsvTokens, null));

    /// <summary>Mutants of the safetensors seeds, including rewritten header lengths.</summary>
    public static Gen<Mutant> SafeTensors { get; } = Mutants(FuzzSeeds.SafeTensorsFiles, length => Mutation(JsonTokens, HeaderLength(length)));
}
