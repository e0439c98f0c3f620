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

    /// <summary>
    /// Hashes the row-major bits a block of rows at a time, straight from the column-major storage:
    /// the same bytes in the same order as one value at a time (a hash does not see how its input
    /// is cut), without a row-major copy of the matrix or a call per value.
    /// </summary>
    private static void Append(IncrementalHash hash, Matrix<double> matrix)
    {
        Span<byte> shape = stackalloc byte[16];
        BinaryPrimitives.WriteInt64LittleEndian(shape, matrix.RowCount);
        BinaryPrimitives.WriteInt64LittleEndian(shape[8..], matrix.ColumnCount);
        hash.AppendData(shape);
        var (rows, columns) = (matrix.RowCount, matrix.ColumnCount);
        if (rows == 0 || columns == 0) return;
        var data = Dense.Data(matrix);
        var rowsPerBlock = Math.Max(1, 8192 / columns);
        var buffer = new byte[rowsPerBlock * columns * 8];
        for (var start = 0; start < rows; start += rowsPerBlock)
        {
            var count = Math.Min(rowsPerBlock, rows - start);
            for (var r = 0; r < count; r++)
                for (var c = 0; c < columns; c++)
                    BinaryPrimitives.WriteDoubleLittleEndian(buffer.AsSpan((r * columns + c) * 8, 8), data[c * rows + start + r]);
            hash.AppendData(buffer, 0, count * columns * 8);
        }
    }
}
