using Backprop.Functional.IO;
using Backprop.Functional.IO.Unix;
using Backprop.Functional.Tests.Support;
using LanguageExt;

namespace Backprop.Functional.Tests.IO;

/// <summary>Reading files with a size limit that holds even when the file system cannot tell the size.</summary>
public sealed class FileInputTests
{
    [Fact]
    public void A_missing_file_and_a_directory_are_refused()
    {
        using var dir = new TempDirectory();
        var missing = dir.File("missing.csv");
        ReaderRefusal.Expect(FileInput.ReadCsv(missing), missing, "no such file");
        ReaderRefusal.Expect(FileInput.ReadSafeTensors(dir.Path), dir.Path, "is a directory");
    }

    [Fact]
    public void A_device_that_never_ends_is_refused_at_the_limit()
    {
        // /dev/zero reports a length of 0, so only a limit kept while reading stops it.
        if (!File.Exists("/dev/zero")) return;
        ReaderRefusal.Expect(FileInput.ReadAllBytes("/dev/zero", maxBytes: 1 << 20), "/dev/zero", "more than the 1,048,576-byte limit");
    }

    [Fact]
    public void A_device_that_never_ends_is_refused_as_a_table_after_its_first_16_MiB()
    {
        // Read into memory as a pipe is: the longest line, not the 2 GiB an array may hold, stops it.
        if (!File.Exists("/dev/zero")) return;
        ReaderRefusal.Expect(FileInput.ReadCsv("/dev/zero"), "/dev/zero", "line 1 is longer than 16 MiB: not a table of rows");
    }

    [Fact]
    public void A_large_file_of_lines_ended_by_lone_carriage_returns_is_read_line_by_line()
    {
        // Classic Mac OS line ends: each lone carriage return ends a line, so no line is 17 MiB long.
        using var dir = new TempDirectory();
        var row = "0.5,1.25,setosa\r"u8.ToArray();
        var path = dir.File("mac.csv");
        var lines = 0;
        using (var stream = File.Create(path))
            for (var written = 0L; written <= 17L << 20; written += row.Length, lines++) stream.Write(row);
        var table = (CsvTable)FileInput.ReadCsv(path);
        Assert.Equal(lines - 1, table.RowCount);
        Assert.Equal(lines, table.Line(table.RowCount - 1));
    }

    [Fact]
    public void A_csv_file_of_one_endless_line_is_refused_after_the_longest_line_a_table_may_have()
    {
        using var dir = new TempDirectory();
        var path = dir.File("huge.csv");
        // A sparse file of 4 GiB: its length is set, no bytes are written; NUL bytes are valid UTF-8, with no line break.
        using (var stream = File.Create(path)) stream.SetLength(4L << 30);
        ReaderRefusal.Expect(FileInput.ReadCsv(path), path, "line 1 is longer than 16 MiB: not a table of rows");
    }

    [Fact]
    public void A_safetensors_refusal_names_the_file()
    {
        using var dir = new TempDirectory();
        var path = dir.File("short.safetensors");
        File.WriteAllBytes(path, [1, 2, 3]);
        ReaderRefusal.Expect(FileInput.ReadSafeTensors(path), path, "is not a safetensors file: 3 bytes is too short");
    }

    [Fact]
    public void A_file_the_user_named_may_be_exactly_the_limit_and_one_byte_more_is_refused_by_its_size()
    {
        using var dir = new TempDirectory();
        var path = dir.Write("w.safetensors", new string('x', 100));
        Assert.Equal(100, ((byte[])FileInput.ReadAllBytes(path, maxBytes: 100)).Length);
        ReaderRefusal.Expect(FileInput.ReadAllBytes(path, maxBytes: 99), path, "100 bytes is larger than the 99-byte limit for this kind of file");
    }

    [Fact]
    public void The_portable_reader_refuses_and_reads_as_the_descriptor_reader_does()
    {
        using var dir = new TempDirectory();
        var path = dir.Write("w.safetensors", new string('x', 100));
        Assert.Equal(100, ((byte[])FileInput.ReadPortably(path, 100)).Length);
        ReaderRefusal.Expect(FileInput.ReadPortably(path, 99), path, "100 bytes is larger than the 99-byte limit for this kind of file");
        ReaderRefusal.Expect(FileInput.ReadPortably(dir.File("missing"), 100), dir.File("missing"), "no such file");
        ReaderRefusal.Expect(FileInput.ReadPortably(dir.Path, 100), dir.Path, "is a directory, not a file");
        var big = dir.Write("big.csv", new string('y', 3 << 20)); // more than one chunk, read whole
        Assert.Equal(3 << 20, ((byte[])FileInput.ReadPortably(big, 3 << 20)).Length);
    }

    [Fact]
    public void The_portable_reader_keeps_the_limit_across_reads_and_names_what_it_cannot_open()
    {
        if (!SpecialFiles.Supported || !File.Exists("/dev/zero")) return;
        // A device of no length that never ends: only the count of the bytes read so far stops it.
        ReaderRefusal.Expect(SpecialFiles.Within(() => FileInput.ReadPortably("/dev/zero", 100_000)), "/dev/zero", "more than the 100,000-byte limit");
        using var dir = new TempDirectory();
        var path = dir.File("s");
        using var socket = SpecialFiles.ListeningSocket(path);
        ReaderRefusal.Expect(FileInput.ReadPortably(path, 100), path, "cannot read");
    }
}

/// <summary>
/// What the two readers open: a user's input follows links and reads pipes; a run's file is a regular
/// file reached by no link. Neither ever waits on a FIFO with no one at the other end.
/// </summary>
public sealed class FileInputKindTests
{
    [Fact]
    public void A_symbolic_link_is_followed_for_a_users_input_and_refused_inside_a_run()
    {
        if (!SpecialFiles.Supported) return;
        using var dir = new TempDirectory();
        var target = dir.Write("target.csv", "a,b\n1,2\n");
        var link = SpecialFiles.Link(dir.File("link.csv"), target);
        Assert.Equal("a,b\n1,2\n", System.Text.Encoding.UTF8.GetString((byte[])FileInput.ReadAllBytes(link)));
        ReaderRefusal.Expect(FileInput.ReadRunFile(link), link, "is a symbolic link; nothing inside a run directory is followed");
        Assert.Equal("a,b\n1,2\n", System.Text.Encoding.UTF8.GetString((byte[])FileInput.ReadRunFile(target)));
    }

    [Fact]
    public void A_missing_run_file_carries_the_missing_file_code()
    {
        using var dir = new TempDirectory();
        var missing = dir.File("000007.safetensors");
        Assert.Equal(FileInput.MissingFileCode, SpecialFiles.ErrorOf(FileInput.ReadRunFile(missing)).Code);
        Assert.Equal(FileInput.MissingFileCode, SpecialFiles.ErrorOf(FileInput.ReadAllBytes(missing)).Code);
        ReaderRefusal.Expect(FileInput.ReadRunFile(missing), missing, "no such file");
        var notMissing = SpecialFiles.ErrorOf(FileInput.ReadRunFile(dir.Path));
        Assert.NotEqual(FileInput.MissingFileCode, notMissing.Code);
        Assert.Equal($"{dir.Path}: is a directory, not a regular file", notMissing.Message);
    }

    [Fact]
    public void A_fifo_inside_a_run_is_refused_without_waiting_for_a_writer()
    {
        if (!SpecialFiles.Supported) return;
        using var dir = new TempDirectory();
        var fifo = SpecialFiles.Fifo(dir.File("metrics.csv"));
        var result = SpecialFiles.Within(() => FileInput.ReadRunFile(fifo), fifo);
        Assert.Equal($"{fifo}: is a FIFO, not a regular file", SpecialFiles.ErrorOf(result).Message);
        // A link to it is refused as a link, before anything is opened.
        var link = SpecialFiles.Link(dir.File("run.json"), fifo);
        ReaderRefusal.Expect(SpecialFiles.Within(() => FileInput.ReadRunFile(link), fifo), link, "is a symbolic link");
    }

    [Fact]
    public void A_device_inside_a_run_is_refused()
    {
        if (!SpecialFiles.Supported) return;
        Assert.Equal("/dev/null: is a character device, not a regular file", SpecialFiles.ErrorOf(FileInput.ReadRunFile("/dev/null")).Message);
    }

    [Fact]
    public void A_fifo_with_no_writer_is_refused_at_once_by_the_user_input_reader()
    {
        if (!SpecialFiles.Supported) return;
        using var dir = new TempDirectory();
        var fifo = SpecialFiles.Fifo(dir.File("data.csv"));
        var result = SpecialFiles.Within(() => FileInput.ReadCsv(fifo), fifo);
        ReaderRefusal.Expect(result, fifo, "is a FIFO with nothing in it and no process writing to it");
    }

    [Fact]
    public void A_fifo_is_read_to_the_end_while_its_writer_is_still_writing()
    {
        if (!SpecialFiles.Supported) return;
        using var dir = new TempDirectory();
        var fifo = SpecialFiles.Fifo(dir.File("data.csv"));
        // Opened for reading and writing, a FIFO never waits; the first half is in the pipe before
        // the read starts, the second arrives while the reader is blocked, and closing ends it.
        var writer = new FileStream(fifo, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite, bufferSize: 0);
        writer.Write("x,y\n"u8);
        var finish = Task.Run(async () =>
        {
            await Task.Delay(300);
            writer.Write("1,2\n"u8);
            writer.Dispose();
        });
        var result = SpecialFiles.Within(() => FileInput.ReadAllBytes(fifo), fifo);
        SpecialFiles.Finish(finish);
        Assert.Equal("x,y\n1,2\n", System.Text.Encoding.UTF8.GetString((byte[])result));
    }

    [Fact]
    public void A_pipe_named_by_dev_fd_is_read_as_a_shells_process_substitution_provides_it()
    {
        if (!SpecialFiles.Supported) return;
        using var pipe = new System.IO.Pipes.AnonymousPipeServerStream(System.IO.Pipes.PipeDirection.In);
        var path = $"/dev/fd/{pipe.SafePipeHandle.DangerousGetHandle()}";
        var writer = Task.Run(() =>
        {
            using var client = new System.IO.Pipes.AnonymousPipeClientStream(System.IO.Pipes.PipeDirection.Out, pipe.ClientSafePipeHandle);
            client.Write(new byte[200_000]);
        });
        var result = SpecialFiles.Within(() => FileInput.ReadAllBytes(path));
        SpecialFiles.Finish(writer);
        Assert.Equal(200_000, ((byte[])result).Length);
    }

    [Fact]
    public void A_pipe_is_refused_at_the_limit_while_it_is_read()
    {
        if (!SpecialFiles.Supported) return;
        using var dir = new TempDirectory();
        var fifo = SpecialFiles.Fifo(dir.File("big"));
        using var writer = new FileStream(fifo, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite, bufferSize: 0);
        writer.Write(new byte[1000]);
        ReaderRefusal.Expect(SpecialFiles.Within(() => FileInput.ReadAllBytes(fifo, maxBytes: 999), fifo), fifo, "more than the 999-byte limit");
    }

    [Fact]
    public void A_fifo_holding_exactly_its_limit_at_the_first_read_is_read()
    {
        if (!SpecialFiles.Supported) return;
        using var dir = new TempDirectory();
        var fifo = SpecialFiles.Fifo(dir.File("exact"));
        var writer = new FileStream(fifo, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite, bufferSize: 0);
        writer.Write(new byte[1000]);
        // Closed only once the reader's first read took all 1000 bytes: the limit is met, not passed.
        var finish = Task.Run(() => { SpecialFiles.WaitUntilDrained(writer); writer.Dispose(); });
        var result = SpecialFiles.Within(() => FileInput.ReadAllBytes(fifo, maxBytes: 1000), fifo);
        SpecialFiles.Finish(finish);
        Assert.Equal(1000, ((byte[])result).Length);
    }

    [Theory]
    [InlineData(400, true)]
    [InlineData(401, false)]
    public void A_fifos_limit_counts_every_read_together(int secondPart, bool accepted)
    {
        if (!SpecialFiles.Supported) return;
        using var dir = new TempDirectory();
        // Both readers: the portable one too, which opens a FIFO that has a writer without waiting.
        foreach (var (name, read) in new (string, Func<string, Fin<byte[]>>)[] { ("descriptor", p => FileInput.ReadAllBytes(p, maxBytes: 1000)), ("portable", p => FileInput.ReadPortably(p, 1000)) })
        {
            var fifo = SpecialFiles.Fifo(dir.File(name));
            var writer = new FileStream(fifo, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite, bufferSize: 0);
            writer.Write(new byte[600]);
            // The second part is written only after the first read took the first: two reads, each under the limit.
            var finish = Task.Run(() =>
            {
                SpecialFiles.WaitUntilDrained(writer);
                writer.Write(new byte[secondPart]);
                writer.Dispose();
            });
            var result = SpecialFiles.Within(() => read(fifo), fifo);
            SpecialFiles.Finish(finish);
            if (accepted) Assert.Equal(1000, ((byte[])result).Length);
            else ReaderRefusal.Expect(result, fifo, "more than the 1,000-byte limit");
        }
    }

    [Fact]
    public void A_block_device_is_refused_by_both_readers_without_being_read()
    {
        if (!SpecialFiles.Supported || SpecialFiles.OpenableBlockDevice() is not { } device) return;
        Assert.Equal($"{device}: is a block device, not a file", SpecialFiles.ErrorOf(FileInput.ReadAllBytes(device)).Message);
        Assert.Equal($"{device}: is a block device, not a regular file", SpecialFiles.ErrorOf(FileInput.ReadRunFile(device)).Message);
    }

    [Fact]
    public void A_run_file_over_its_limit_is_refused()
    {
        using var dir = new TempDirectory();
        var path = dir.Write("run.json", new string('x', 100));
        ReaderRefusal.Expect(FileInput.ReadRunFile(path, maxBytes: 99), path, "100 bytes is larger than the 99-byte limit");
        Assert.Equal(100, ((byte[])FileInput.ReadRunFile(path, maxBytes: 100)).Length);
    }

    [Fact]
    public void A_socket_is_refused_by_both_readers()
    {
        if (!SpecialFiles.Supported) return;
        using var dir = new TempDirectory();
        var path = dir.File("s");
        using var socket = SpecialFiles.ListeningSocket(path);
        ReaderRefusal.Expect(FileInput.ReadAllBytes(path), path, "is a socket, not a file");
        ReaderRefusal.Expect(FileInput.ReadRunFile(path), path, "is a socket, not a regular file");
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    [InlineData("\t")]
    public void A_blank_path_is_refused_in_one_line(string path)
    {
        foreach (var result in new[] { FileInput.ReadAllBytes(path), FileInput.ReadRunFile(path) })
        {
            var message = SpecialFiles.ErrorOf(result).Message;
            Assert.True(Fuzzing.ReaderOracle.IsOneLine(message), message);
            Assert.Contains("is not a file name (it is empty or only white space)", message);
        }
    }

    [Fact]
    public void A_loop_of_links_the_user_named_cannot_be_read_and_says_why()
    {
        if (!SpecialFiles.Supported) return;
        using var dir = new TempDirectory();
        var a = SpecialFiles.Link(dir.File("a"), dir.File("b"));
        SpecialFiles.Link(dir.File("b"), a);
        ReaderRefusal.Expect(FileInput.ReadAllBytes(a), a, $"cannot read ({Libc.Describe(Libc.ELOOP)})");
    }

    [Fact]
    public void A_link_to_a_socket_is_refused_as_the_socket_it_leads_to()
    {
        if (!SpecialFiles.Supported) return;
        using var dir = new TempDirectory();
        using var socket = SpecialFiles.ListeningSocket(dir.File("s"));
        var link = SpecialFiles.Link(dir.File("link"), dir.File("s"));
        ReaderRefusal.Expect(FileInput.ReadAllBytes(link), link, "is a socket, not a file");
    }

    [Fact]
    public void Reading_a_file_leaves_no_descriptor_open()
    {
        if (!SpecialFiles.Supported) return;
        using var dir = new TempDirectory();
        var path = dir.Write("metrics.csv", "epoch,loss\n1,0.5\n");
        int Open() => Directory.GetFiles("/proc/self/fd").Length;
        foreach (var read in new Func<string, Fin<byte[]>>[] { p => FileInput.ReadAllBytes(p), p => FileInput.ReadRunFile(p) })
        {
            var before = Open();
            for (var i = 0; i < 400; i++) Assert.True(read(path).IsSucc);
            // Other tests open files meanwhile, a few dozen at most; a reader leaking one per read would add 400.
            Assert.InRange(Open() - before, int.MinValue, 100);
        }
    }

}
