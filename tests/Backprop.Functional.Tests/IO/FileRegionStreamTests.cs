using Backprop.Functional.IO;
using Backprop.Functional.Tests.Support;

namespace Backprop.Functional.Tests.IO;

/// <summary>A region of a file read as a stream of its own: its bytes only, its own length and position, nothing but reading.</summary>
public sealed class FileRegionStreamTests
{
    [Fact]
    public void A_region_reads_its_bytes_only_and_counts_its_own_length_and_position()
    {
        using var dir = new TempDirectory();
        var path = dir.File("bytes.bin");
        File.WriteAllBytes(path, Enumerable.Range(0, 100).Select(i => (byte)i).ToArray());
        using var handle = File.OpenHandle(path);
        using var region = new FileRegionStream(handle, 10, 30);
        Assert.Equal(20, region.Length);
        Assert.Equal(0, region.Position);
        var first = new byte[5];
        Assert.Equal(5, region.Read(first, 0, 5));
        Assert.Equal([10, 11, 12, 13, 14], first);
        Assert.Equal(5, region.Position);
        var rest = new byte[50];
        Assert.Equal(15, region.Read(rest, 0, 50));
        Assert.Equal(Enumerable.Range(15, 15).Select(i => (byte)i), rest.Take(15));
        Assert.Equal(0, region.Read(rest, 0, 50));
        Assert.Equal(20, region.Position);
    }

    [Fact]
    public void A_region_only_reads()
    {
        using var dir = new TempDirectory();
        var path = dir.File("bytes.bin");
        File.WriteAllBytes(path, new byte[8]);
        using var handle = File.OpenHandle(path);
        using var region = new FileRegionStream(handle, 0, 8);
        Assert.True(region.CanRead);
        Assert.False(region.CanSeek);
        Assert.False(region.CanWrite);
        Assert.Throws<NotSupportedException>(() => region.Seek(0, SeekOrigin.Begin));
        Assert.Throws<NotSupportedException>(() => region.Position = 0);
        Assert.Throws<NotSupportedException>(() => region.SetLength(1));
        Assert.Throws<NotSupportedException>(() => region.Write(new byte[1], 0, 1));
    }
}
