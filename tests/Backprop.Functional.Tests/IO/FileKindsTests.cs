using Backprop.Functional.IO;
using Backprop.Functional.Tests.Support;

namespace Backprop.Functional.Tests.IO;

/// <summary>The kind of file a path names, with and without following a link.</summary>
public sealed class FileKindsTests
{
    [Fact]
    public void Each_kind_is_told_apart()
    {
        if (!SpecialFiles.Supported) return;
        using var dir = new TempDirectory();
        var file = dir.Write("file", "x");
        var fifo = SpecialFiles.Fifo(dir.File("fifo"));
        using var socket = SpecialFiles.ListeningSocket(dir.File("socket"));
        Assert.True(FileKinds.Of(file, followLinks: false) == FileKind.Regular);
        Assert.True(FileKinds.Of(dir.Path, followLinks: false) == FileKind.Directory);
        Assert.True(FileKinds.Of(fifo, followLinks: false) == FileKind.Fifo);
        Assert.True(FileKinds.Of(dir.File("socket"), followLinks: false) == FileKind.Socket);
        Assert.True(FileKinds.Of("/dev/null", followLinks: false) == FileKind.CharacterDevice);
        Assert.True(FileKinds.Of(dir.File("missing"), followLinks: false) == FileKind.Missing);
        // A path through a regular file, as if it were a directory, names nothing.
        Assert.True(FileKinds.Of(Path.Combine(file, "below"), followLinks: true) == FileKind.Missing);
    }

    [Fact]
    public void A_link_is_itself_unless_followed()
    {
        if (!SpecialFiles.Supported) return;
        using var dir = new TempDirectory();
        var fifo = SpecialFiles.Fifo(dir.File("fifo"));
        var toFifo = SpecialFiles.Link(dir.File("to-fifo"), fifo);
        var dangling = SpecialFiles.Link(dir.File("dangling"), dir.File("nothing"));
        var toDirectory = SpecialFiles.Link(dir.File("to-dir"), dir.Path);
        Assert.True(FileKinds.Of(toFifo, followLinks: false) == FileKind.SymbolicLink);
        Assert.True(FileKinds.Of(toFifo, followLinks: true) == FileKind.Fifo);
        Assert.True(FileKinds.Of(dangling, followLinks: false) == FileKind.SymbolicLink);
        Assert.True(FileKinds.Of(dangling, followLinks: true) == FileKind.Missing);
        Assert.True(FileKinds.Of(toDirectory, followLinks: false) == FileKind.SymbolicLink);
        Assert.True(FileKinds.Of(toDirectory, followLinks: true) == FileKind.Directory);
    }

    [Fact]
    public void A_loop_of_links_cannot_be_inspected_when_followed()
    {
        if (!SpecialFiles.Supported) return;
        using var dir = new TempDirectory();
        var a = SpecialFiles.Link(dir.File("a"), dir.File("b"));
        SpecialFiles.Link(dir.File("b"), a);
        Assert.True(FileKinds.Of(a, followLinks: false) == FileKind.SymbolicLink);
        ReaderRefusal.Expect(FileKinds.Of(a, followLinks: true), a, "cannot inspect");
    }
}
