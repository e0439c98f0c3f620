using System.Text;
using System.Text.RegularExpressions;
using Backprop.Functional.IO;
using Backprop.Functional.Tests.Support;

namespace Backprop.Functional.Tests.IO;

/// <summary>
/// All-or-nothing writes that go nowhere but the named path: never through a link, never into a
/// file someone planted at the temporary name, and never over a directory, FIFO or device.
/// </summary>
public sealed class AtomicFileTests
{
    [Fact]
    public void A_write_creates_then_replaces_a_regular_file_and_leaves_no_temporary_file()
    {
        using var dir = new TempDirectory();
        var path = dir.File("run.json");
        Assert.True(AtomicFile.WriteText(path, "first").IsSucc);
        Assert.True(AtomicFile.WriteText(path, "second").IsSucc);
        Assert.Equal("second", File.ReadAllText(path));
        Assert.Equal(["run.json"], SpecialFiles.Names(dir.Path));
    }

    [Fact]
    public void A_symbolic_link_at_the_target_is_refused_and_what_it_points_to_is_untouched()
    {
        if (!SpecialFiles.Supported) return;
        using var dir = new TempDirectory();
        var victim = dir.Write("victim", "precious");
        var link = SpecialFiles.Link(dir.File("final.safetensors"), victim);
        ReaderRefusal.Expect(AtomicFile.Write(link, "overwritten"u8), link, "is a symbolic link");
        Assert.Equal("precious", File.ReadAllText(victim));
        Assert.NotNull(new FileInfo(link).LinkTarget);
        Assert.Equal(["final.safetensors", "victim"], SpecialFiles.Names(dir.Path));
        // A dangling link is not written through either (it would create its target).
        var dangling = SpecialFiles.Link(dir.File("metrics.csv"), dir.File("created"));
        ReaderRefusal.Expect(AtomicFile.WriteText(dangling, "x"), dangling, "is a symbolic link");
        Assert.False(File.Exists(dir.File("created")));
    }

    [Fact]
    public void A_directory_or_a_fifo_at_the_target_is_refused_without_waiting()
    {
        if (!SpecialFiles.Supported) return;
        using var dir = new TempDirectory();
        var directory = Directory.CreateDirectory(dir.File("states")).FullName;
        ReaderRefusal.Expect(AtomicFile.WriteText(directory, "x"), directory, "is a directory, not a file");
        var fifo = SpecialFiles.Fifo(dir.File("run.json"));
        ReaderRefusal.Expect(SpecialFiles.Within(() => AtomicFile.WriteText(fifo, "x"), fifo), fifo, "is a FIFO, not a regular file");
        Assert.Equal(["run.json", "states"], SpecialFiles.Names(dir.Path));
    }

    [Fact]
    public void Temporary_names_are_unpredictable_and_keep_the_partial_suffix()
    {
        var path = Path.Combine("runs", "states", "000001.safetensors");
        var names = Enumerable.Range(0, 20).Select(_ => AtomicFile.TemporaryName(path)).ToArray();
        Assert.Equal(names.Length, names.Distinct().Count());
        foreach (var name in names)
            Assert.Matches("^" + Regex.Escape(path) + @"\.[0-9a-f]{16}" + Regex.Escape(AtomicFile.TemporarySuffix) + "$", name);
    }

    [Fact]
    public void A_link_planted_at_the_temporary_name_is_not_written_through_nor_removed()
    {
        if (!SpecialFiles.Supported) return;
        using var dir = new TempDirectory();
        var victim = dir.Write("victim", "precious");
        var path = dir.File("000001.safetensors");
        var temporary = AtomicFile.TemporaryName(path);
        SpecialFiles.Link(temporary, victim);
        ReaderRefusal.Expect(AtomicFile.Write(path, "overwritten"u8, temporary), path, "cannot write");
        Assert.Equal("precious", File.ReadAllText(victim));
        Assert.NotNull(new FileInfo(temporary).LinkTarget);
        Assert.False(File.Exists(path));
    }

    [Fact]
    public void A_file_planted_at_the_temporary_name_is_neither_written_nor_removed()
    {
        using var dir = new TempDirectory();
        var path = dir.File("000001.safetensors");
        var temporary = AtomicFile.TemporaryName(path);
        File.WriteAllText(temporary, "someone else's");
        ReaderRefusal.Expect(AtomicFile.Write(path, "mine"u8, temporary), path, "cannot write");
        Assert.Equal("someone else's", File.ReadAllText(temporary));
    }

    [Fact]
    public void The_name_the_old_scheme_would_have_used_is_ignored()
    {
        if (!SpecialFiles.Supported) return;
        using var dir = new TempDirectory();
        var victim = dir.Write("victim", "precious");
        var path = dir.File("metrics.csv");
        var predictable = SpecialFiles.Link($"{path}.{Environment.ProcessId}{AtomicFile.TemporarySuffix}", victim);
        Assert.True(AtomicFile.WriteText(path, "epoch,loss\n").IsSucc);
        Assert.Equal("precious", File.ReadAllText(victim));
        Assert.Equal("epoch,loss\n", File.ReadAllText(path));
        Assert.NotNull(new FileInfo(predictable).LinkTarget);
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    public void A_blank_path_is_refused(string path)
    {
        Assert.Contains("is not a file name", SpecialFiles.ErrorOf(AtomicFile.Write(path, Encoding.UTF8.GetBytes("x"))).Message);
        Assert.Contains("is not a file name", SpecialFiles.ErrorOf(AtomicFile.WriteText(path, "x")).Message);
    }
}
