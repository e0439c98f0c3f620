using System.Runtime.InteropServices;

namespace Backprop.Functional.IO.Unix;

/// <summary>
/// The few libc calls the file layer needs, in one place. .NET exposes neither O_NOFOLLOW nor
/// O_NONBLOCK on open, nor a file's type (FIFO, device, socket), nor flock on a handle it did not
/// open itself; without them a run directory could be read or written through a symbolic link, and
/// opening a FIFO could block forever. Linux only: elsewhere the callers fall back to .NET's own calls.
/// </summary>
internal static partial class Libc
{
    public const int ENOENT = 2;
    public const int ENXIO = 6;
    public const int EBADF = 9;
    public const int EAGAIN = 11;
    public const int EEXIST = 17;
    public const int ENOTDIR = 20;
    public const int EISDIR = 21;
    public const int EINTR = 4;
    public const int ELOOP = 40;

    public const int O_RDONLY = 0;
    public const int O_WRONLY = 1;
    public const int O_RDWR = 2;
    public const int O_CREAT = 0x40;
    public const int O_EXCL = 0x80;
    public const int O_NOCTTY = 0x100;
    public const int O_TRUNC = 0x200;
    public const int O_APPEND = 0x400;
    public const int O_NONBLOCK = 0x800;
    public const int O_CLOEXEC = 0x80000;

    /// <summary>The one open flag used here whose value depends on the architecture.</summary>
    public static readonly int O_NOFOLLOW = RuntimeInformation.ProcessArchitecture switch
    {
        Architecture.Arm or Architecture.Arm64 or Architecture.Ppc64le => 0x8000,
        _ => 0x20000,
    };

    public const int F_DUPFD_CLOEXEC = 1030;
    public const int F_GETFL = 3;
    public const int F_SETFL = 4;

    public const int LOCK_SH = 1;
    public const int LOCK_EX = 2;
    public const int LOCK_NB = 4;

    private const int AT_FDCWD = -100;
    private const int AT_SYMLINK_NOFOLLOW = 0x100;
    private const int AT_EMPTY_PATH = 0x1000;
    private const uint STATX_TYPE = 1;
    private const uint STATX_SIZE = 0x200;

    // struct statx is 256 bytes; a larger buffer leaves room should a kernel ever write more.
    private const int StatxBufferBytes = 512;
    private const int StatxModeOffset = 28;
    private const int StatxSizeOffset = 40;

    /// <summary>
    /// Whether the calls here can be used: Linux on an architecture whose open flags are the ones
    /// above (alpha, sparc, mips and parisc differ, and .NET runs on none of them), with a libc
    /// that has statx (glibc 2.28, musl 1.2.5).
    /// </summary>
    public static bool IsAvailable { get; } = Probe();

    private static bool Probe()
    {
        if (!OperatingSystem.IsLinux()) return false;
        if (RuntimeInformation.ProcessArchitecture is not (Architecture.X64 or Architecture.X86 or Architecture.Arm or Architecture.Arm64
            or Architecture.RiscV64 or Architecture.LoongArch64 or Architecture.Ppc64le or Architecture.S390x))
            return false;
        try
        {
            return Stat("/", followLinks: true, out _, out _) == 0;
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            return false;
        }
    }

    /// <summary>The kind and size of the file at <paramref name="path"/>; 0, or the errno.</summary>
    public static int Stat(string path, bool followLinks, out FileKind kind, out long size) =>
        Statx(AT_FDCWD, path, followLinks ? 0 : AT_SYMLINK_NOFOLLOW, out kind, out size);

    /// <summary>The kind and size of the open file <paramref name="fd"/>; 0, or the errno.</summary>
    public static int Stat(int fd, out FileKind kind, out long size) =>
        Statx(fd, "", AT_EMPTY_PATH, out kind, out size);

    private static int Statx(int dirfd, string path, int flags, out FileKind kind, out long size)
    {
        Span<byte> buffer = stackalloc byte[StatxBufferBytes];
        buffer.Clear();
        if (statx(dirfd, path, flags, STATX_TYPE | STATX_SIZE, ref MemoryMarshal.GetReference(buffer)) != 0)
        {
            (kind, size) = (FileKind.Missing, 0);
            return Marshal.GetLastPInvokeError();
        }
        // The fields are in the machine's own byte order.
        kind = KindOfMode(MemoryMarshal.Read<ushort>(buffer[StatxModeOffset..]));
        size = (long)Math.Min(MemoryMarshal.Read<ulong>(buffer[StatxSizeOffset..]), long.MaxValue);
        return 0;
    }

    private static FileKind KindOfMode(ushort mode) => (mode & 0xF000) switch
    {
        0x1000 => FileKind.Fifo,
        0x2000 => FileKind.CharacterDevice,
        0x4000 => FileKind.Directory,
        0x6000 => FileKind.BlockDevice,
        0x8000 => FileKind.Regular,
        0xA000 => FileKind.SymbolicLink,
        0xC000 => FileKind.Socket,
        _ => FileKind.Other,
    };

    /// <summary>Opens <paramref name="path"/>; the descriptor, or -1 with the errno in <paramref name="errno"/>.</summary>
    public static int Open(string path, int flags, int mode, out int errno)
    {
        int fd;
        do
        {
            fd = open(path, flags, mode);
            errno = fd < 0 ? Marshal.GetLastPInvokeError() : 0;
        }
        while (fd < 0 && errno == EINTR);
        return fd;
    }

    /// <summary>Reads into <paramref name="buffer"/>: the count (0 at the end), or -1 with the errno.</summary>
    public static int Read(int fd, Span<byte> buffer, out int errno)
    {
        nint count;
        do
        {
            count = read(fd, ref MemoryMarshal.GetReference(buffer), (nuint)buffer.Length);
            errno = count < 0 ? Marshal.GetLastPInvokeError() : 0;
        }
        while (count < 0 && errno == EINTR);
        return (int)count;
    }

    /// <summary>Writes all of <paramref name="bytes"/> at the descriptor's own offset; 0, or the errno.</summary>
    public static int WriteAll(int fd, ReadOnlySpan<byte> bytes)
    {
        while (!bytes.IsEmpty)
        {
            var count = write(fd, ref MemoryMarshal.GetReference(bytes), (nuint)bytes.Length);
            if (count < 0)
            {
                var errno = Marshal.GetLastPInvokeError();
                if (errno == EINTR) continue;
                return errno;
            }
            bytes = bytes[(int)count..];
        }
        return 0;
    }

    /// <summary>Clears O_NONBLOCK, so that reads and writes wait as usual; 0, or the errno.</summary>
    public static int MakeBlocking(int fd)
    {
        var flags = fcntl(fd, F_GETFL, 0);
        if (flags < 0 || fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) < 0) return Marshal.GetLastPInvokeError();
        return 0;
    }

    /// <summary>A close-on-exec duplicate of <paramref name="fd"/>, or -1 with the errno.</summary>
    public static int Duplicate(int fd, out int errno)
    {
        var copy = fcntl(fd, F_DUPFD_CLOEXEC, 0);
        errno = copy < 0 ? Marshal.GetLastPInvokeError() : 0;
        return copy;
    }

    /// <summary>flock(2); 0, or the errno.</summary>
    public static int Flock(int fd, int operation)
    {
        int result;
        int errno;
        do
        {
            result = flock(fd, operation);
            errno = result < 0 ? Marshal.GetLastPInvokeError() : 0;
        }
        while (result < 0 && errno == EINTR);
        return errno;
    }

    /// <summary>The C library's text for <paramref name="errno"/>.</summary>
    public static string Describe(int errno) => Marshal.GetPInvokeErrorMessage(errno);

    // open and fcntl are variadic in C; on the Linux ABIs listed in Probe a trailing int is passed
    // exactly as a fixed argument would be, so declaring it fixed is safe there.
    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int open(string path, int flags, int mode);

    [LibraryImport("libc", EntryPoint = "fcntl", SetLastError = true)]
    private static partial int fcntl(int fd, int command, int argument);

    [LibraryImport("libc", EntryPoint = "read", SetLastError = true)]
    private static partial nint read(int fd, ref byte buffer, nuint count);

    [LibraryImport("libc", EntryPoint = "write", SetLastError = true)]
    private static partial nint write(int fd, ref byte buffer, nuint count);

    [LibraryImport("libc", EntryPoint = "flock", SetLastError = true)]
    private static partial int flock(int fd, int operation);

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int statx(int dirfd, string path, int flags, uint mask, ref byte buffer);
}
