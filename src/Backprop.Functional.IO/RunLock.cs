using Backprop.Functional.IO.Unix;
using LanguageExt;
using LanguageExt.Common;
using Microsoft.Win32.SafeHandles;

namespace Backprop.Functional.IO;

/// <summary>
/// An advisory lock on a run directory's lock file (flock(2)): exclusive for a process that writes
/// the run, shared for one that only reads it. Held until disposed or until the process dies, even
/// by SIGKILL (the kernel drops it with the last descriptor). Not inherited by child processes.
/// </summary>
public sealed class RunLock : IDisposable
{
    /// <summary>The <see cref="Error.Code"/> of a refusal because another process holds a conflicting lock.</summary>
    public const int BusyCode = 0x4250_0002;

    private readonly IDisposable _held;

    private RunLock(string path, bool exclusive, IDisposable held) => (Path, IsExclusive, _held) = (path, exclusive, held);

    /// <summary>The lock file.</summary>
    public string Path { get; }

    /// <summary>Whether this is the exclusive (writer's) lock rather than a shared (reader's) one.</summary>
    public bool IsExclusive { get; }

    /// <summary>
    /// Takes the lock on <paramref name="lockPath"/> without waiting (the exclusive lock creates the
    /// file when missing; a shared lock is taken on a read-only descriptor, so a reader needs no
    /// write permission, and fails with <see cref="FileInput.MissingFileCode"/> when there is no file):
    /// a conflicting lock held by another process fails with <see cref="BusyCode"/>. The file must be a
    /// regular file: a symbolic link is neither followed nor truncated. The holder of the exclusive
    /// lock writes its process id into the file, only once it holds the lock.
    /// </summary>
    public static Fin<RunLock> Acquire(string lockPath, bool exclusive)
    {
        if (FilePath.IsBlank(lockPath)) return FilePath.Blank(lockPath);
        if (!Libc.IsAvailable) return AcquirePortably(lockPath, exclusive);
        var errno = Libc.Stat(lockPath, followLinks: false, out var kind, out _);
        if (errno == 0 && kind != FileKind.Regular) return FileInput.NotARunFile(lockPath, kind);
        if (errno is not (0 or Libc.ENOENT)) return CannotLock(lockPath, Libc.Describe(errno));
        var access = exclusive ? Libc.O_RDWR | Libc.O_CREAT : Libc.O_RDONLY;
        var fd = Libc.Open(lockPath, access | Libc.O_NOFOLLOW | Libc.O_NONBLOCK | Libc.O_NOCTTY | Libc.O_CLOEXEC, 0b110_100_100, out errno);
        if (fd < 0)
        {
            return errno switch
            {
                Libc.ENOENT => Error.New(FileInput.MissingFileCode, $"{lockPath}: no such file"),
                Libc.ELOOP or Libc.ENXIO or Libc.EISDIR when Libc.Stat(lockPath, followLinks: false, out kind, out _) == 0 => FileInput.NotARunFile(lockPath, kind),
                _ => CannotLock(lockPath, Libc.Describe(errno)),
            };
        }
        var handle = new SafeFileHandle(fd, ownsHandle: true);
        var refusal = Lock(lockPath, fd, exclusive);
        if (refusal is null && exclusive) refusal = WriteProcessId(lockPath, handle);
        if (refusal is not null)
        {
            handle.Dispose();
            return refusal;
        }
        return new RunLock(lockPath, exclusive, handle);
    }

    /// <summary>Releases the lock.</summary>
    public void Dispose() => _held.Dispose();

    private static Error? Lock(string lockPath, int fd, bool exclusive)
    {
        var errno = Libc.Stat(fd, out var kind, out _);
        if (errno != 0) return CannotLock(lockPath, Libc.Describe(errno));
        if (kind != FileKind.Regular) return FileInput.NotARunFile(lockPath, kind);
        errno = Libc.Flock(fd, (exclusive ? Libc.LOCK_EX : Libc.LOCK_SH) | Libc.LOCK_NB);
        if (errno == Libc.EAGAIN) return Busy(lockPath);
        return errno != 0 ? CannotLock(lockPath, Libc.Describe(errno)) : null;
    }

    private static Error? WriteProcessId(string lockPath, SafeFileHandle handle)
    {
        try
        {
            RandomAccess.SetLength(handle, 0);
            RandomAccess.Write(handle, System.Text.Encoding.ASCII.GetBytes($"{Environment.ProcessId}\n"), 0);
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return CannotLock(lockPath, e.Message);
        }
    }

    /// <summary>Where the libc calls are not available: .NET's FileShare, which takes flock on Unix itself.</summary>
    private static Fin<RunLock> AcquirePortably(string lockPath, bool exclusive)
    {
        if (FileKinds.Of(lockPath, followLinks: false).Failed(out var error, out var kind)) return error;
        if (kind is not (FileKind.Missing or FileKind.Regular)) return FileInput.NotARunFile(lockPath, kind);
        FileStream? stream = null;
        try
        {
            stream = new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, exclusive ? FileShare.None : FileShare.ReadWrite);
        }
        catch (IOException)
        {
            return Busy(lockPath);
        }
        catch (UnauthorizedAccessException e)
        {
            return CannotLock(lockPath, e.Message);
        }
        var refusal = exclusive ? WriteProcessId(lockPath, stream.SafeFileHandle) : null;
        if (refusal is null) return new RunLock(lockPath, exclusive, stream);
        stream.Dispose();
        return refusal;
    }

    private static Error Busy(string lockPath) => Error.New(BusyCode, $"{lockPath}: is locked by another process");

    private static Error CannotLock(string lockPath, string reason) => Error.New($"{lockPath}: cannot lock ({Quote.Escape(reason, 200)})");
}
