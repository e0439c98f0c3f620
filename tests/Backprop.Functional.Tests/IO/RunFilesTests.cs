using Backprop.Functional.IO;
using Backprop.Functional.Tests.Support;

namespace Backprop.Functional.Tests.IO;

/// <summary>Appending to a run's file: regular files only, no link followed, no wait.</summary>
public sealed class RunFilesTests
{
    [Fact]
    public void Appends_create_the_file_and_then_add_to_its_end()
    {
        using var dir = new TempDirectory();
        var path = dir.File("metrics.csv");
        using (var stream = (Stream)RunFiles.OpenAppend(path)) stream.Write("epoch,loss\n"u8);
        using (var stream = (Stream)RunFiles.OpenAppend(path))
        {
            // Whatever another writer adds in between, each write lands at the end.
            File.AppendAllText(path, "1,0.5\n");
            stream.Write("2,0.25\n"u8);
        }
        Assert.Equal("epoch,loss\n1,0.5\n2,0.25\n", File.ReadAllText(path));
    }

    [Fact]
    public void A_link_is_refused_and_its_target_untouched()
    {
        if (!SpecialFiles.Supported) return;
        using var dir = new TempDirectory();
        var victim = dir.Write("victim", "precious");
        var link = SpecialFiles.Link(dir.File("metrics.csv"), victim);
        ReaderRefusal.Expect(RunFiles.OpenAppend(link), link, "is a symbolic link; nothing inside a run directory is followed");
        Assert.Equal("precious", File.ReadAllText(victim));
        var dangling = SpecialFiles.Link(dir.File("other.csv"), dir.File("created"));
        ReaderRefusal.Expect(RunFiles.OpenAppend(dangling), dangling, "is a symbolic link");
        Assert.False(File.Exists(dir.File("created")));
    }

    [Fact]
    public void A_fifo_or_a_directory_is_refused_without_waiting()
    {
        if (!SpecialFiles.Supported) return;
        using var dir = new TempDirectory();
        var fifo = SpecialFiles.Fifo(dir.File("metrics.csv"));
        ReaderRefusal.Expect(SpecialFiles.Within(() => RunFiles.OpenAppend(fifo), fifo), fifo, "is a FIFO, not a regular file");
        ReaderRefusal.Expect(RunFiles.OpenAppend(dir.Path), dir.Path, "is a directory, not a regular file");
    }
}
