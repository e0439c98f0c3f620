using System.Security.Cryptography;
using Backprop.Functional.IO.Unix;
using LanguageExt;
using LanguageExt.Common;

namespace Backprop.Functional.IO;

/// <summary>
/// Writes that are all-or-nothing: the bytes go to a temporary file in the same directory,
/// are flushed to the disk, and only then renamed over the target. A crash at any instant
/// leaves either the old file or the complete new one, never a torn one.
/// </summary>
/// <remarks>
/// The temporary file has an unguessable name and is created exclusively (O_CREAT|O_EXCL, which
/// never follows a symbolic link), so nothing planted in the directory beforehand is written
/// through. The target must be missing or a regular file: a symbolic link, directory, FIFO or device
/// there is refused rather than replaced.
/// </remarks>
public static class AtomicFile
{
    /// <summary>The suffix of in-flight temporary files (ignored by every reader).</summary>
    public const string TemporarySuffix = ".partial";

    /// <summary>Atomically replaces <paramref name="path"/> with <paramref name="bytes"/>.</summary>
    public static Fin<Unit> Write(string path, ReadOnlySpan<byte> bytes) => Write(path, bytes, TemporaryName(path));

    /// <summary>
    /// Atomically replaces <paramref name="path"/> with what <paramref name="write"/> writes to the
    /// stream it is given, piece by piece (the file appears only once it is complete). An exception
    /// from <paramref name="write"/> other than an I/O error leaves the target as it was and is rethrown.
    /// </summary>
    public static Fin<Unit> Write(string path, Action<Stream> write) => Write(path, write, TemporaryName(path));

    /// <summary>Atomically replaces <paramref name="path"/> with UTF-8 text.</summary>
    public static Fin<Unit> WriteText(string path, string text) => Write(path, System.Text.Encoding.UTF8.GetBytes(text));

    /// <summary>
    /// <c>{path}.{16 random hex digits}.partial</c>. The digits come from the system's cryptographic
    /// generator, not from the training's seeded one: the name must be unpredictable to other users
    /// of the directory, and has no bearing on any result.
    /// </summary>
    internal static string TemporaryName(string path) =>
        $"{path}.{RandomNumberGenerator.GetHexString(16, lowercase: true)}{TemporarySuffix}";

    /// <summary><see cref="Write(string, ReadOnlySpan{byte})"/> through a given temporary name (tests plant files there).</summary>
    internal static Fin<Unit> Write(string path, ReadOnlySpan<byte> bytes, string temporary) => Write(path, bytes.ToArray(), temporary);

    /// <summary>Atomically replaces <paramref name="path"/> with <paramref name="bytes"/>, without copying them first.</summary>
    public static Fin<Unit> Write(string path, byte[] bytes) => Write(path, bytes, TemporaryName(path));

    internal static Fin<Unit> Write(string path, byte[] bytes, string temporary) => Write(path, stream => stream.Write(bytes), temporary);

    /// <summary><see cref="Write(string, Action{Stream})"/> through a given temporary name.</summary>
    internal static Fin<Unit> Write(string path, Action<Stream> write, string temporary)
    {
        if (FilePath.IsBlank(path)) return FilePath.Blank(path);
        if (TargetRefusal(path) is { } early) return early;
        var created = false;
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                created = true;
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            // Checked again just before the rename, which replaces whatever is there by then
            // (rename never writes through a link, so a change in between cannot redirect the bytes).
            if (TargetRefusal(path) is { } late)
            {
                TryDelete(temporary);
                return late;
            }
            File.Move(temporary, path, overwrite: true);
            FlushDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
            return Unit.Default;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Only a temporary file made here is removed: one that was already there is not ours.
            if (created) TryDelete(temporary);
            return Error.New($"{path}: cannot write ({e.Message})");
        }
        catch
        {
            if (created) TryDelete(temporary);
            throw;
        }
    }

    /// <summary>
    /// Why <paramref name="path"/> may not be replaced, or null when it is missing or a regular file.
    /// A path that cannot even be inspected is left to the write itself, which says why it fails.
    /// </summary>
    private static Error? TargetRefusal(string path) =>
        FileKinds.Of(path, followLinks: false).Match(kind => Refusal(path, kind), _ => null);

    private static Error? Refusal(string path, FileKind kind) =>
        kind switch
        {
            FileKind.Missing or FileKind.Regular => null,
            FileKind.SymbolicLink => Error.New($"{path}: is a symbolic link; it is neither written through nor replaced"),
            FileKind.Directory => Error.New($"{path}: is a directory, not a file"),
            var other => Error.New($"{path}: is {FileKinds.Describe(other)}, not a regular file; it is not replaced"),
        };

    /// <summary>Makes a completed rename durable by flushing its directory (POSIX; a no-op elsewhere).</summary>
    internal static void FlushDirectory(string directory)
    {
        if (OperatingSystem.IsWindows()) return;
        try
        {
            using var handle = File.OpenHandle(directory, FileMode.Open, FileAccess.Read);
            RandomAccess.FlushToDisk(handle);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Some file systems refuse to open directories; the rename itself is still atomic.
        }
    }

    private static void TryDelete(string path)
    {
        try { File.Delete(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }
}
