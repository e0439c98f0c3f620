using System.Globalization;
using System.Text.RegularExpressions;
using Backprop.Functional.IO.Unix;
using LanguageExt;
using LanguageExt.Common;
using Microsoft.Win32.SafeHandles;

namespace Backprop.Functional.IO;

/// <summary>
/// Writing a file the user named as an output (predictions, gradients, a plot, a report). A new or
/// regular file is replaced atomically (<see cref="AtomicFile"/>). A FIFO, terminal, other character
/// device or socket is written directly, as a shell redirection would; a FIFO no process is
/// reading is refused rather than waited on forever. The process's own streams
/// (<c>/dev/stdout</c>, <c>/dev/stderr</c>, <c>/dev/fd/N</c>, <c>/proc/self/fd/N</c>) are written
/// through their descriptors. A directory is refused, and so is any other symbolic link: it is
/// neither followed (the bytes would land somewhere the user did not name; world-writable places
/// such as /dev/shm let anyone plant one) nor replaced (the user's link would be lost).
/// </summary>
public static partial class OutputFile
{
    /// <summary>Writes <paramref name="bytes"/> to <paramref name="path"/>, atomically where it is (or will be) a regular file.</summary>
    public static Fin<Unit> Write(string path, ReadOnlySpan<byte> bytes) => Write(path, bytes.ToArray());

    /// <summary>Writes <paramref name="bytes"/> to <paramref name="path"/> without copying them first (a state can be 1 GiB).</summary>
    public static Fin<Unit> Write(string path, byte[] bytes) => Write(path, stream => stream.Write(bytes));

    /// <summary>
    /// Writes what <paramref name="write"/> writes to the stream it is given to <paramref name="path"/>,
    /// a piece at a time (so output larger than memory needs no buffer of its own): atomically where it
    /// is (or will be) a regular file, directly to a FIFO, device or the process's own stream.
    /// </summary>
    public static Fin<Unit> Write(string path, Action<Stream> write)
    {
        if (FilePath.IsBlank(path)) return FilePath.Blank(path);
        var fullPath = Path.GetFullPath(path);
        if (Libc.IsAvailable && DescriptorNamed(fullPath) is { } descriptor) return WriteToDescriptor(path, descriptor, write);
        // A path that cannot be inspected is left to the atomic write, which says why it fails.
        if (FileKinds.Of(path, followLinks: false).Failed(out _, out var kind)) return AtomicFile.Write(path, write);
        switch (kind)
        {
            case FileKind.Missing:
                return AtomicFile.Write(path, write);
            case FileKind.Regular:
                return AtomicFile.Write(path, write);
            case FileKind.Directory:
                return Error.New($"{path}: is a directory, not a file");
            case FileKind.SymbolicLink:
                var target = FileKinds.Of(path, followLinks: true).IfFail(FileKind.Other);
                return target == FileKind.Missing
                    ? Error.New($"{path}: is a symbolic link to nothing; it is neither followed nor replaced (name the file itself)")
                    : Error.New($"{path}: is a symbolic link to {FileKinds.Describe(target)}; it is neither followed nor replaced (name the file itself)");
            case FileKind.Fifo or FileKind.CharacterDevice or FileKind.Socket:
                return WriteDirectly(path, kind, write);
            default:
                return Error.New($"{path}: is {FileKinds.Describe(kind)}; output is not written to one");
        }
    }

    /// <summary>Writes UTF-8 text to <paramref name="path"/>, as <see cref="Write(string, ReadOnlySpan{byte})"/> does.</summary>
    public static Fin<Unit> WriteText(string path, string text) => Write(path, System.Text.Encoding.UTF8.GetBytes(text));

    /// <summary>
    /// Opens without waiting (a FIFO with no reader fails with ENXIO instead of blocking) and without
    /// following a link, checks the kind on the open descriptor, then writes: a file swapped in at
    /// the last moment is refused, not written.
    /// </summary>
    private static Fin<Unit> WriteDirectly(string path, FileKind expected, Action<Stream> write)
    {
        if (!Libc.IsAvailable) return WritePortably(path, write);
        var fd = Libc.Open(path, Libc.O_WRONLY | Libc.O_NONBLOCK | Libc.O_NOFOLLOW | Libc.O_NOCTTY | Libc.O_CLOEXEC, 0, out var errno);
        if (fd < 0)
        {
            // ENXIO is also the error of a device file whose device is absent.
            return (errno, expected) switch
            {
                (Libc.ENXIO, FileKind.Fifo) => Error.New($"{path}: is a FIFO and no process is reading it"),
                (Libc.ENXIO, FileKind.Socket) => Error.New($"{path}: is a socket, which cannot be opened by name"),
                _ => CannotWrite(path, Libc.Describe(errno)),
            };
        }
        using var handle = new SafeFileHandle(fd, ownsHandle: true);
        if ((errno = Libc.Stat(fd, out var kind, out _)) != 0) return CannotWrite(path, Libc.Describe(errno));
        if (!(kind is FileKind.Fifo or FileKind.CharacterDevice or FileKind.Socket))
            return Error.New($"{path}: changed while being opened (now {FileKinds.Describe(kind)}); nothing was written");
        if ((errno = Libc.MakeBlocking(fd)) != 0) return CannotWrite(path, Libc.Describe(errno));
        return WriteThrough(path, fd, write);
    }

    /// <summary>
    /// <c>/dev/stdout</c>, <c>/dev/stderr</c>, <c>/dev/fd/N</c> and <c>/proc/self/fd/N</c> are written
    /// through a copy of the process's own descriptor, as shells do: its file offset is shared, so the
    /// bytes follow whatever else went to that stream (opening the name anew would start at offset 0),
    /// and a socket (a service's journal) works although it cannot be opened by name.
    /// </summary>
    private static Fin<Unit> WriteToDescriptor(string path, int descriptor, Action<Stream> write)
    {
        var fd = Libc.Duplicate(descriptor, out var errno);
        if (fd < 0)
        {
            return errno == Libc.EBADF
                ? Error.New($"{path}: names file descriptor {descriptor}, which is not open")
                : CannotWrite(path, Libc.Describe(errno));
        }
        using var handle = new SafeFileHandle(fd, ownsHandle: true);
        if (Libc.Stat(fd, out var kind, out _) == 0 && kind == FileKind.Directory) return Error.New($"{path}: is a directory, not a file");
        return WriteThrough(path, fd, write);
    }

    /// <summary>Runs <paramref name="write"/> on the open descriptor <paramref name="fd"/>, buffered, every failed write named as the path's.</summary>
    private static Fin<Unit> WriteThrough(string path, int fd, Action<Stream> write)
    {
        try
        {
            using var stream = new BufferedStream(new DescriptorStream(fd), 1 << 16);
            write(stream);
            stream.Flush();
            return Unit.Default;
        }
        catch (IOException e)
        {
            return CannotWrite(path, e.Message);
        }
    }

    private static int? DescriptorNamed(string fullPath)
    {
        if (fullPath == "/dev/stdout") return 1;
        if (fullPath == "/dev/stderr") return 2;
        var match = DescriptorPath().Match(fullPath);
        return match.Success && int.TryParse(match.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var fd) ? fd : null;
    }

    /// <summary>Where the libc calls are not available: .NET's own open, which waits for a FIFO's reader.</summary>
    private static Fin<Unit> WritePortably(string path, Action<Stream> write)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite, bufferSize: 0);
            if (stream.CanSeek) stream.SetLength(0);
            write(stream);
            return Unit.Default;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return CannotWrite(path, e.Message);
        }
    }

    private static Error CannotWrite(string path, string reason) => Error.New($"{path}: cannot write ({Quote.Escape(reason, 200)})");

    [GeneratedRegex(@"^/(?:dev|proc/self)/fd/([0-9]{1,9})$")]
    private static partial Regex DescriptorPath();
}
