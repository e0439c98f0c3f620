using Backprop.Functional.IO;
using Backprop.Functional.Tests.Support;

namespace Backprop.Functional.Tests.IO;

/// <summary>Reading files with a size limit that holds even when the file system cannot tell the size.</summary>
public sealed class FileInputTests
{
    [Fact]
    public void A_missing_file_and_a_directory_are_refused()
    {
        var missing = Path.Combine(Path.GetTempPath(), $"missing-{Guid.NewGuid():N}.csv");
        Refusal.Expect(FileInput.ReadCsv(missing), missing, "no such file");
        var directory = Path.GetTempPath().TrimEnd(Path.DirectorySeparatorChar);
        Refusal.Expect(FileInput.ReadSafeTensors(directory), directory, "is a directory");
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
        var path = Path.Combine(Path.GetTempPath(), $"huge-{Guid.NewGuid():N}.csv");
        try
        {
            // A sparse file: its length is set, no bytes are written.
            using (var stream = File.Create(path)) stream.SetLength(Csv.MaxFileBytes + 1);
            Refusal.Expect(FileInput.ReadCsv(path), path, "is larger than the 268,435,456-byte limit");
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void A_safetensors_refusal_names_the_file()
    {
        var path = Path.Combine(Path.GetTempPath(), $"short-{Guid.NewGuid():N}.safetensors");
        try
        {
            File.WriteAllBytes(path, [1, 2, 3]);
            Refusal.Expect(FileInput.ReadSafeTensors(path), path, "too short to be safetensors");
        }
        finally { File.Delete(path); }
    }
}
