using Backprop.Functional.IO.Unix;
using LanguageExt;
using LanguageExt.Common;

namespace Backprop.Functional.IO;

/// <summary>What a path names, as the file system's own type (POSIX <c>S_IFMT</c>).</summary>
public enum FileKind
{
    /// <summary>Nothing: the path, or a directory on its way, does not exist.</summary>
    Missing,

    /// <summary>A regular file.</summary>
    Regular,

    /// <summary>A directory.</summary>
    Directory,

    /// <summary>A symbolic link (seen only when links are not followed).</summary>
    SymbolicLink,

    /// <summary>A named pipe: opening or reading it can wait for another process.</summary>
    Fifo,

    /// <summary>A character device such as <c>/dev/null</c>, <c>/dev/zero</c> or a terminal.</summary>
    CharacterDevice,

    /// <summary>A block device such as a disk.</summary>
    BlockDevice,

    /// <summary>A Unix domain socket, which cannot be opened by name.</summary>
    Socket,

    /// <summary>A type not listed here.</summary>
    Other,
}

/// <summary>Finding out what kind of file a path names.</summary>
public static class FileKinds
{
    /// <summary>
    /// The kind of file at <paramref name="path"/>: with <paramref name="followLinks"/> the kind of
    /// what a symbolic link leads to (<see cref="FileKind.Missing"/> for a dangling link), without it
    /// <see cref="FileKind.SymbolicLink"/> for the link itself. Fails only when the path cannot be
    /// inspected (no permission, a loop of links). On Linux this is statx(2); elsewhere .NET cannot
    /// tell FIFOs, devices and sockets from regular files and reports them as <see cref="FileKind.Regular"/>.
    /// A result compares with a kind directly: <c>FileKinds.Of(p, false) == FileKind.Directory</c>.
    /// </summary>
    public static Fin<FileKind> Of(string path, bool followLinks)
    {
        if (Libc.IsAvailable)
        {
            var errno = Libc.Stat(path, followLinks, out var kind, out _);
            return errno switch
            {
                0 => kind,
                Libc.ENOENT or Libc.ENOTDIR => FileKind.Missing,
                _ => Error.New($"{path}: cannot inspect ({Libc.Describe(errno)})"),
            };
        }
        try
        {
            if (!followLinks && new FileInfo(path).LinkTarget is not null) return FileKind.SymbolicLink;
            if (System.IO.Directory.Exists(path)) return FileKind.Directory;
            return File.Exists(path) ? FileKind.Regular : FileKind.Missing;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Error.New($"{path}: cannot inspect ({e.Message})");
        }
    }

    /// <summary>The kind with its article, as messages name it: "a FIFO", "a directory".</summary>
    public static string Describe(FileKind kind) => kind switch
    {
        FileKind.Missing => "missing",
        FileKind.Regular => "a regular file",
        FileKind.Directory => "a directory",
        FileKind.SymbolicLink => "a symbolic link",
        FileKind.Fifo => "a FIFO",
        FileKind.CharacterDevice => "a character device",
        FileKind.BlockDevice => "a block device",
        FileKind.Socket => "a socket",
        _ => "a special file",
    };
}
