using Backprop.Functional.IO;
using Backprop.Functional.Tests.Support;

namespace Backprop.Functional.Tests.IO;

/// <summary>Reading files with a size limit that holds even when the file system cannot tell the size.</summary>
public sealed class FileInputTests
{
    [Fact]
    public void A_missing_file_and_a_directory_are_refused()
    {
        using var dir = new TempDirectory();
        var missing = dir.File("missing.csv");
        Refusal.Expect(FileInput.ReadCsv(missing), missing, "no such file");
        Refusal.Expect(FileInput.ReadSafeTensors(dir.Path), dir.Path, "is a directory");
    }

    [Fact]
    public void A_device_that_never_ends_is_refused_at_the_limit()
    {
        // /dev/zero reports a length of 0, so only a limit kept while reading stops it.
        if (!File.Exists("/dev/zero")) return;
        Refusal.Expect(FileInput.ReadAllBytes("/dev/zero", maxBytes: 1 << 20), "/dev/zero", "more than the 1,048,576-byte limit");
    }

    [Fact]
    public void A_csv_file_over_the_csv_limit_is_refused_before_it_is_read()
    {
        using var dir = new TempDirectory();
        var path = dir.File("huge.csv");
        // A sparse file: its length is set, no bytes are written.
        using (var stream = File.Create(path)) stream.SetLength(Csv.MaxFileBytes + 1);
        Refusal.Expect(FileInput.ReadCsv(path), path, "is larger than the 268,435,456-byte limit");
    }

    [Fact]
    public void A_safetensors_refusal_names_the_file()
    {
        using var dir = new TempDirectory();
        var path = dir.File("short.safetensors");
        File.WriteAllBytes(path, [1, 2, 3]);
        Refusal.Expect(FileInput.ReadSafeTensors(path), path, "too short to be safetensors");
    }
}
