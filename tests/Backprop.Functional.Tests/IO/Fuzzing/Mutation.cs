namespace Backprop.Functional.Tests.IO.Fuzzing;

/// <summary>
/// One edit of a file's bytes. Positions are drawn from the whole int range and taken modulo the
/// current length, so one mutation applies to any file and a chain of them stays reproducible.
/// </summary>
public abstract record Mutation
{
    /// <summary>The edited copy; the input is left as it was.</summary>
    public abstract byte[] Apply(byte[] bytes);

    private protected static int At(int position, int length) => (int)((uint)position % (uint)(length + 1));

    private protected static byte[] Splice(byte[] bytes, int at, int remove, ReadOnlySpan<byte> insert)
    {
        var result = new byte[bytes.Length - remove + insert.Length];
        bytes.AsSpan(0, at).CopyTo(result);
        insert.CopyTo(result.AsSpan(at));
        bytes.AsSpan(at + remove).CopyTo(result.AsSpan(at + insert.Length));
        return result;
    }
}

/// <summary>Flips one bit.</summary>
public sealed record FlipBit(int Position, int Bit) : Mutation
{
    /// <inheritdoc/>
    public override byte[] Apply(byte[] bytes)
    {
        if (bytes.Length == 0) return bytes;
        var result = (byte[])bytes.Clone();
        result[At(Position, bytes.Length - 1)] ^= (byte)(1 << (Bit & 7));
        return result;
    }
}

/// <summary>Writes bytes over the file from a position (cut at the end of the file).</summary>
public sealed record Overwrite(int Position, byte[] Bytes) : Mutation
{
    /// <inheritdoc/>
    public override byte[] Apply(byte[] bytes)
    {
        var at = At(Position, bytes.Length);
        return Splice(bytes, at, Math.Min(Bytes.Length, bytes.Length - at), Bytes);
    }

    /// <inheritdoc/>
    public override string ToString() => $"Overwrite({Position}, {Convert.ToHexString(Bytes)})";
}

/// <summary>Inserts bytes at a position.</summary>
public sealed record Insert(int Position, byte[] Bytes) : Mutation
{
    /// <inheritdoc/>
    public override byte[] Apply(byte[] bytes) => Splice(bytes, At(Position, bytes.Length), 0, Bytes);

    /// <inheritdoc/>
    public override string ToString() => $"Insert({Position}, {Convert.ToHexString(Bytes)})";
}

/// <summary>Deletes a range.</summary>
public sealed record Delete(int Position, int Length) : Mutation
{
    /// <inheritdoc/>
    public override byte[] Apply(byte[] bytes)
    {
        var at = At(Position, bytes.Length);
        return Splice(bytes, at, Math.Min(Length, bytes.Length - at), []);
    }
}

/// <summary>Repeats a range right after itself.</summary>
public sealed record Duplicate(int Position, int Length) : Mutation
{
    /// <inheritdoc/>
    public override byte[] Apply(byte[] bytes)
    {
        var at = At(Position, bytes.Length);
        var range = bytes.AsSpan(at, Math.Min(Length, bytes.Length - at));
        return Splice(bytes, at + range.Length, 0, range);
    }
}

/// <summary>Cuts the file to a prefix.</summary>
public sealed record Truncate(int Length) : Mutation
{
    /// <inheritdoc/>
    public override byte[] Apply(byte[] bytes) => bytes[..At(Length, bytes.Length)];
}

/// <summary>A seed file and the mutations applied to it in order.</summary>
public sealed record Mutant(string Seed, byte[] SeedBytes, Mutation[] Mutations)
{
    /// <summary>The mutated bytes.</summary>
    public byte[] Bytes => Mutations.Aggregate(SeedBytes, (bytes, m) => m.Apply(bytes));

    /// <inheritdoc/>
    public override string ToString() => $"{Seed}: {string.Join(", ", Mutations.Select(m => m.ToString()))}";
}
