using Backprop.Functional.IO.Unix;
using LanguageExt;
using LanguageExt.Common;
using Microsoft.Win32.SafeHandles;

namespace Backprop.Functional.IO;

/// <summary>
/// Writing to files inside a run directory in place. Like <see cref="FileInput.ReadRunFile"/>, nothing
/// is followed through a symbolic link and only regular files are touched; whole files are written
/// with <see cref="AtomicFile"/>.
/// </summary>
public static class RunFiles
{
    /// <summary>
    /// A stream that appends to <paramref name="path"/> (created empty when missing), for files that
    /// grow by a record at a time, such as metrics.csv after each epoch. A symbolic link, FIFO,
    /// device or directory there is refused; the open never waits. The stream is unbuffered, so each
    /// <see cref="Stream.Write(byte[], int, int)"/> is one append.
    /// </summary>
    public static Fin<Stream> OpenAppend(string path)
    {
        if (FilePath.IsBlank(path)) return FilePath.Blank(path);
        if (!Libc.IsAvailable) return OpenAppendPortably(path);
        var errno = Libc.Stat(path, followLinks: false, out var kind, out _);
        if (errno == 0 && kind != FileKind.Regular) return FileInput.NotARunFile(path, kind);
        if (errno is not (0 or Libc.ENOENT)) return CannotAppend(path, Libc.Describe(errno));
        var fd = Libc.Open(path, Libc.O_WRONLY | Libc.O_APPEND | Libc.O_CREAT | Libc.O_NOFOLLOW | Libc.O_NONBLOCK | Libc.O_NOCTTY | Libc.O_CLOEXEC, 0b110_110_110, out errno);
        if (fd < 0)
        {
            return errno switch
            {
                // Replaced between the check and the open: say by what.
                Libc.ELOOP or Libc.ENXIO or Libc.EISDIR when Libc.Stat(path, followLinks: false, out kind, out _) == 0 => FileInput.NotARunFile(path, kind),
                _ => CannotAppend(path, Libc.Describe(errno)),
            };
        }
        var handle = new SafeFileHandle(fd, ownsHandle: true);
        if ((errno = Libc.Stat(fd, out kind, out _)) != 0 || kind != FileKind.Regular || (errno = Libc.MakeBlocking(fd)) != 0)
        {
            handle.Dispose();
            return errno != 0 ? CannotAppend(path, Libc.Describe(errno)) : FileInput.NotARunFile(path, kind);
        }
        // Linux appends every write on an O_APPEND descriptor at the end, whatever position the stream keeps.
        return new FileStream(handle, FileAccess.Write, bufferSize: 0);
    }

    private static Fin<Stream> OpenAppendPortably(string path)
    {
        if (FileKinds.Of(path, followLinks: false).Failed(out var error, out var kind)) return error;
        if (kind is not (FileKind.Missing or FileKind.Regular)) return FileInput.NotARunFile(path, kind);
        try
        {
            return new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite, bufferSize: 0);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return CannotAppend(path, e.Message);
        }
    }

    private static Error CannotAppend(string path, string reason) => Error.New($"{path}: cannot append ({Quote.Escape(reason, 200)})");
}
