using System.Security.Cryptography;
using Backprop.Functional.Numerics;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Backprop.Functional.Tests.Structure;

/// <summary>
/// A data set's fingerprint is the SHA-256 of its shapes and its row-major little-endian bits,
/// X then Y, whatever blocks the hashing is cut into.
/// </summary>
public sealed class FingerprintTests
{
    /// <summary>The definition, one value at a time: 8-byte rows and columns, then every value row by row.</summary>
    private static byte[] Serialized(params MathNet.Numerics.LinearAlgebra.Matrix<double>[] matrices)
    {
        var bytes = new List<byte>();
        foreach (var m in matrices)
        {
            bytes.AddRange(BitConverter.GetBytes((long)m.RowCount));
            bytes.AddRange(BitConverter.GetBytes((long)m.ColumnCount));
            for (var r = 0; r < m.RowCount; r++)
                for (var c = 0; c < m.ColumnCount; c++)
                    bytes.AddRange(BitConverter.GetBytes(m[r, c]));
        }
        return [.. bytes];
    }

    private static MathNet.Numerics.LinearAlgebra.Matrix<double> Distinct(int rows, int columns, int offset) =>
        Dense.Matrix(rows, columns, Enumerable.Range(offset, rows * columns).Select(v => v * 1.5 - 7).ToArray());

    /// <summary>Shapes that fit one block, need several (a block is 8 KiB of rows), or have rows wider than a block.</summary>
    public static class Shapes
    {
        public static Arbitrary<(int Rows, int Features, int Outputs)> Cases() =>
            Gen.OneOf(
                from rows in Gen.Choose(1, 40) from features in Gen.Choose(1, 6) from outputs in Gen.Choose(1, 3) select (rows, features, outputs),
                from rows in Gen.Choose(1000, 3000) from features in Gen.Choose(1, 9) from outputs in Gen.Choose(1, 2) select (rows, features, outputs),
                from rows in Gen.Choose(1, 4) from features in Gen.Choose(1020, 1030) from outputs in Gen.Choose(8191, 8195) select (rows, features, outputs))
            .ToArbitrary();
    }

    [Property(MaxTest = 40, Arbitrary = [typeof(Shapes)])]
    public bool The_fingerprint_is_the_sha256_of_the_shapes_and_the_row_major_bits((int Rows, int Features, int Outputs) shape)
    {
        var data = new Dataset(Distinct(shape.Rows, shape.Features, 0), Distinct(shape.Rows, shape.Outputs, 1_000_000));
        return Fingerprint.Of(data) == Convert.ToHexStringLower(SHA256.HashData(Serialized(data.Inputs, data.Targets)));
    }

    [Fact]
    public void Empty_matrices_contribute_their_shapes_only()
    {
        var data = new Dataset(Dense.Matrix(0, 3, []), Dense.Matrix(0, 0, []));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Serialized(data.Inputs, data.Targets))), Fingerprint.Of(data));
        Assert.NotEqual(Fingerprint.Of(data), Fingerprint.Of(new Dataset(Dense.Matrix(0, 2, []), Dense.Matrix(0, 0, []))));
    }

    [Fact]
    public void The_same_numbers_in_another_shape_or_order_give_another_fingerprint()
    {
        var data = new Dataset(Distinct(4, 3, 0), Distinct(4, 1, 50));
        var fingerprints = new[]
        {
            Fingerprint.Of(data),
            Fingerprint.Of(new Dataset(Distinct(3, 4, 0), Distinct(3, 1, 50))),
            Fingerprint.Of(data.Select([1, 0, 2, 3])),
            Fingerprint.Of(new Dataset(data.Targets, data.Inputs)),
        };
        Assert.Equal(fingerprints.Length, fingerprints.Distinct().Count());
        Assert.Equal(fingerprints[0], Fingerprint.Of(data.Select([0, 1, 2, 3])));
    }

    [Fact]
    public void The_fingerprint_of_bytes_is_their_sha256_in_lower_case_hex() =>
        Assert.Equal("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", Fingerprint.Of("abc"u8));
}
