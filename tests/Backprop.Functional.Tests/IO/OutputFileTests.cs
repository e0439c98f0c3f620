using System.IO.Pipes;
using Backprop.Functional.IO;
using Backprop.Functional.IO.Unix;
using Backprop.Functional.Tests.Support;

namespace Backprop.Functional.Tests.IO;

/// <summary>
/// A user's output: regular files replaced atomically; FIFOs, devices and /dev/ names written as a
/// shell would, never waiting forever; links to regular files and directories refused.
/// </summary>
public sealed class OutputFileTests
{
    [Fact]
    public void A_new_or_regular_file_is_written_atomically()
    {
        using var dir = new TempDirectory();
        var path = dir.File("predictions.csv");
        Assert.True(OutputFile.WriteText(path, "a long first version").IsSucc);
        Assert.True(OutputFile.WriteText(path, "short").IsSucc);
        Assert.Equal("short", File.ReadAllText(path));
        Assert.Equal(["predictions.csv"], SpecialFiles.Names(dir.Path));
    }

    [Fact]
    public void A_fifo_with_a_reader_receives_the_bytes()
    {
        if (!SpecialFiles.Supported) return;
        using var dir = new TempDirectory();
        var fifo = SpecialFiles.Fifo(dir.File("out.csv"));
        using var reader = SpecialFiles.OpenReader(fifo);
        var written = SpecialFiles.Within(() => OutputFile.WriteText(fifo, "x,y\n1,2\n"), fifo);
        Assert.True(written.IsSucc, written.ToString());
        Assert.Equal("x,y\n1,2\n", SpecialFiles.ReadToEnd(reader));
        // Not through a link to it: a link is never followed (anyone could have planted it).
        var link = SpecialFiles.Link(dir.File("link.csv"), fifo);
        using var second = SpecialFiles.OpenReader(fifo);
        ReaderRefusal.Expect(SpecialFiles.Within(() => OutputFile.WriteText(link, "via link"), fifo), link, "is a symbolic link to a FIFO", "neither followed nor replaced");
    }

    [Fact]
    public void A_fifo_no_process_reads_is_refused_at_once()
    {
        if (!SpecialFiles.Supported) return;
        using var dir = new TempDirectory();
        var fifo = SpecialFiles.Fifo(dir.File("out.csv"));
        ReaderRefusal.Expect(SpecialFiles.Within(() => OutputFile.WriteText(fifo, "x"), fifo), fifo, "is a FIFO and no process is reading it");
        var link = SpecialFiles.Link(dir.File("link.csv"), fifo);
        ReaderRefusal.Expect(SpecialFiles.Within(() => OutputFile.WriteText(link, "x"), fifo), link, "is a symbolic link");
    }

    [Fact]
    public void Dev_null_is_written()
    {
        if (!File.Exists("/dev/null")) return;
        var written = SpecialFiles.Within(() => OutputFile.Write("/dev/null", new byte[100_000]));
        Assert.True(written.IsSucc, written.ToString());
    }

    [Fact]
    public void A_directory_is_refused()
    {
        using var dir = new TempDirectory();
        ReaderRefusal.Expect(OutputFile.WriteText(dir.Path, "x"), dir.Path, "is a directory, not a file");
    }

    [Fact]
    public void A_link_to_a_regular_file_or_to_nothing_is_neither_followed_nor_replaced()
    {
        if (!SpecialFiles.Supported) return;
        using var dir = new TempDirectory();
        var victim = dir.Write("victim", "precious");
        var link = SpecialFiles.Link(dir.File("report.html"), victim);
        ReaderRefusal.Expect(OutputFile.WriteText(link, "x"), link, "is a symbolic link to a regular file; it is neither followed nor replaced");
        Assert.Equal("precious", File.ReadAllText(victim));
        Assert.NotNull(new FileInfo(link).LinkTarget);
        var dangling = SpecialFiles.Link(dir.File("plot.png"), dir.File("created"));
        ReaderRefusal.Expect(OutputFile.WriteText(dangling, "x"), dangling, "is a symbolic link to nothing");
        Assert.False(File.Exists(dir.File("created")));
        var toDirectory = SpecialFiles.Link(dir.File("to-dir"), dir.Path);
        ReaderRefusal.Expect(OutputFile.WriteText(toDirectory, "x"), toDirectory, "is a symbolic link to a directory");
    }

    [Fact]
    public void A_socket_is_refused_by_name()
    {
        if (!SpecialFiles.Supported) return;
        using var dir = new TempDirectory();
        var path = dir.File("s");
        using var socket = SpecialFiles.ListeningSocket(path);
        ReaderRefusal.Expect(SpecialFiles.Within(() => OutputFile.WriteText(path, "x")), path, "is a socket, which cannot be opened by name");
    }

    [Fact]
    public void A_descriptor_name_writes_through_the_open_descriptor()
    {
        if (!SpecialFiles.Supported) return;
        using var pipe = new AnonymousPipeServerStream(PipeDirection.Out);
        using var client = new AnonymousPipeClientStream(PipeDirection.In, pipe.ClientSafePipeHandle);
        var path = $"/dev/fd/{pipe.SafePipeHandle.DangerousGetHandle()}";
        Assert.True(SpecialFiles.Within(() => OutputFile.WriteText(path, "through the pipe")).IsSucc);
        pipe.Dispose();
        using var text = new StreamReader(client);
        Assert.Equal("through the pipe", text.ReadToEnd());
    }

    [Fact]
    public void A_descriptor_on_a_regular_file_is_appended_to_at_its_offset_as_a_shell_redirection_is()
    {
        // Opening /proc/self/fd/N anew would start at offset 0 and overwrite what the process
        // already wrote to its redirected standard output; a copy of the descriptor continues it.
        if (!SpecialFiles.Supported) return;
        using var dir = new TempDirectory();
        var file = dir.File("stdout.txt");
        var fd = Libc.Open(file, Libc.O_WRONLY | Libc.O_CREAT | Libc.O_CLOEXEC, 0b110_100_100, out _);
        Assert.True(fd >= 0);
        using (var handle = new Microsoft.Win32.SafeHandles.SafeFileHandle(fd, ownsHandle: true))
        {
            Assert.Equal(0, Libc.WriteAll(fd, "printed first\n"u8));
            Assert.True(OutputFile.WriteText($"/proc/self/fd/{fd}", "then the output\n").IsSucc);
            Assert.Equal(0, Libc.WriteAll(fd, "printed last\n"u8));
        }
        Assert.Equal("printed first\nthen the output\nprinted last\n", File.ReadAllText(file));
    }

    [Fact]
    public void A_descriptor_that_is_not_open_is_refused()
    {
        if (!SpecialFiles.Supported) return;
        ReaderRefusal.Expect(OutputFile.WriteText("/dev/fd/999999", "x"), "/dev/fd/999999", "names file descriptor 999999, which is not open");
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void A_blank_path_is_refused(string path) =>
        Assert.Contains("is not a file name", SpecialFiles.ErrorOf(OutputFile.WriteText(path, "x")).Message);
}
