using Parquet;
using Parquet.Schema;

namespace Backprop.Functional.Tests.Support;

/// <summary>The bytes of a Parquet file written by Parquet.Net (whose writer is asynchronous only) from a test's synchronous code.</summary>
public static class ParquetBytes
{
    /// <summary>A file of <paramref name="schema"/> whose row groups <paramref name="write"/> writes.</summary>
    public static byte[] Of(ParquetSchema schema, Func<ParquetWriter, Task> write)
    {
        using var stream = new MemoryStream();
        Task.Run(async () =>
        {
            await using var writer = await ParquetWriter.CreateAsync(schema, stream);
            await write(writer);
        }).GetAwaiter().GetResult();
        return stream.ToArray();
    }
}
