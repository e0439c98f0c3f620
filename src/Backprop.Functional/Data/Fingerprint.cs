using System.Buffers.Binary;
using System.Security.Cryptography;
using Backprop.Functional.Numerics;
using MathNet.Numerics.LinearAlgebra;

namespace Backprop.Functional;

/// <summary>SHA-256 fingerprints of data, independent of how the data was formatted on disk.</summary>
public static class Fingerprint
{
    /// <summary>
    /// The SHA-256 of the shapes and the row-major little-endian bits of X then Y: two data
    /// sets share it exactly when they hold the same numbers in the same order.
    /// </summary>
    public static string Of(Dataset data)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Append(hash, data.Inputs);
        Append(hash, data.Targets);
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>The SHA-256 of some bytes, as lower-case hex.</summary>
    public static string Of(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    private static void Append(IncrementalHash hash, Matrix<double> matrix)
    {
        Span<byte> buffer = stackalloc byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(buffer, matrix.RowCount);
        hash.AppendData(buffer);
        BinaryPrimitives.WriteInt64LittleEndian(buffer, matrix.ColumnCount);
        hash.AppendData(buffer);
        foreach (var value in Dense.ToRowMajor(matrix))
        {
            BinaryPrimitives.WriteDoubleLittleEndian(buffer, value);
            hash.AppendData(buffer);
        }
    }
}
