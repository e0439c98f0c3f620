using LanguageExt;
using LanguageExt.Common;

namespace Backprop.Functional.IO;

/// <summary>Reading input files at the edge, with the failures a user can cause turned into messages.</summary>
public static class FileInput
{
    /// <summary>The largest input file read into memory (<see cref="Limits.MaxFileBytes"/>, 1 GiB): anything bigger is refused up front.</summary>
    public const long MaxFileBytes = Limits.MaxFileBytes;

    /// <summary>All of a file's bytes, or why they cannot be read.</summary>
    public static Fin<byte[]> ReadAllBytes(string path, long maxBytes = MaxFileBytes)
    {
        try
        {
            var info = new FileInfo(path);
            if (Directory.Exists(path)) return Error.New($"{path}: is a directory, not a file");
            if (!info.Exists) return Error.New($"{path}: no such file");
            if (info.Length > maxBytes)
                return Error.New($"{path}: {info.Length:N0} bytes is larger than the {maxBytes:N0}-byte limit for this kind of file");
            // Pipes and devices (/dev/zero) report a length of 0, so the limit is also kept while reading.
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
            using var bytes = new MemoryStream((int)Math.Min(info.Length, Array.MaxLength));
            var buffer = new byte[1 << 16];
            for (int read; (read = stream.Read(buffer)) > 0;)
            {
                if (bytes.Length + read > maxBytes)
                    return Error.New($"{path}: more than the {maxBytes:N0}-byte limit for this kind of file");
                bytes.Write(buffer, 0, read);
            }
            // A regular file fills the buffer sized from its length exactly: hand that buffer over
            // instead of copying it (a second copy of a large weights file at the peak).
            return bytes.Length == bytes.Capacity ? bytes.GetBuffer() : bytes.ToArray();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Error.New($"{path}: cannot read ({Quote.Escape(e.Message, 200)})");
        }
    }

    /// <summary>Reads and parses a CSV file.</summary>
    public static Fin<CsvTable> ReadCsv(string path) =>
        ReadAllBytes(path, Csv.MaxFileBytes).Bind(bytes => Csv.Parse(path, bytes));

    /// <summary>Reads and parses a safetensors file.</summary>
    public static Fin<SafeTensorsFile> ReadSafeTensors(string path) =>
        ReadAllBytes(path).Bind(bytes => SafeTensors.Parse(path, bytes));
}
