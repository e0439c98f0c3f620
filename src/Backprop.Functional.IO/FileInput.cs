using Backprop.Functional.IO.Unix;
using LanguageExt;
using LanguageExt.Common;
using Microsoft.Win32.SafeHandles;

namespace Backprop.Functional.IO;

/// <summary>
/// Reading input files at the edge, with the failures a user can cause turned into messages.
/// No open ever waits: a FIFO or device is opened without blocking and its kind checked on the
/// open descriptor before anything is read.
/// </summary>
public static class FileInput
{
    /// <summary>The largest input file read into memory (<see cref="Limits.MaxFileBytes"/>, 1 GiB): anything bigger is refused up front.</summary>
    public const long MaxFileBytes = Limits.MaxFileBytes;

    /// <summary>
    /// The <see cref="Error.Code"/> of a refusal because the file does not exist, so that a caller can
    /// tell "gone" from "bad" (a state file may vanish under a reader while a trainer drops unkept states).
    /// </summary>
    public const int MissingFileCode = 0x4250_0001;

    private const int ChunkBytes = 1 << 16;

    /// <summary>
    /// All of a file the user named, or why it cannot be read. Symbolic links are followed (the user
    /// named the path); regular files, FIFOs and pipes (a shell's <c>&lt;(command)</c>) and character
    /// devices are read, the limit kept while reading; directories and other kinds are refused. A FIFO
    /// with no process writing to it is refused at once rather than waited on.
    /// </summary>
    public static Fin<byte[]> ReadAllBytes(string path, long maxBytes = MaxFileBytes) =>
        !Libc.IsAvailable && !FilePath.IsBlank(path)
            ? ReadPortably(path, maxBytes)
            : ReadInput(path, maxBytes, (file, size) => size > maxBytes ? TooLarge(path, size, maxBytes) : ReadToEnd(path, (int)file.DangerousGetHandle(), size, maxBytes, []), bytes => bytes);

    /// <summary>
    /// Opens a file the user named as <see cref="ReadAllBytes"/> does, and hands a regular file's
    /// open descriptor and length to <paramref name="regular"/> (to read as it likes), or the bytes of
    /// a FIFO or device, read to their end within <paramref name="maxBytes"/>, to <paramref name="streamed"/>.
    /// </summary>
    private static Fin<T> ReadInput<T>(string path, long maxBytes, Func<SafeFileHandle, long, Fin<T>> regular, Func<byte[], Fin<T>> streamed, Func<ReadOnlySpan<byte>, Error?>? check = null)
    {
        if (FilePath.IsBlank(path)) return FilePath.Blank(path);
        if (!Libc.IsAvailable) return OpenPortably(path, maxBytes, regular, streamed, check);
        var fd = Libc.Open(path, Libc.O_RDONLY | Libc.O_NONBLOCK | Libc.O_NOCTTY | Libc.O_CLOEXEC, 0, out var errno);
        if (fd < 0)
        {
            return errno switch
            {
                Libc.ENOENT or Libc.ENOTDIR => Missing(path),
                // Also the error of a device file whose device is absent: only a socket is named as one.
                Libc.ENXIO when FileKinds.Of(path, followLinks: true) == FileKind.Socket => Error.New($"{path}: is a socket, not a file"),
                _ => CannotRead(path, Libc.Describe(errno)),
            };
        }
        using var handle = new SafeFileHandle(fd, ownsHandle: true);
        if ((errno = Libc.Stat(fd, out var kind, out var size)) != 0) return CannotRead(path, Libc.Describe(errno));
        switch (kind)
        {
            case FileKind.Directory:
                return Error.New($"{path}: is a directory, not a file");
            case FileKind.Regular:
                return regular(handle, size);
            case FileKind.Fifo:
                return ReadFifo(path, fd, maxBytes, check).Bind(streamed);
            case FileKind.CharacterDevice:
                // A terminal is read as any program reads one: waiting for its lines.
                if ((errno = Libc.MakeBlocking(fd)) != 0) return CannotRead(path, Libc.Describe(errno));
                return ReadToEnd(path, fd, 0, maxBytes, [], check).Bind(streamed);
            default:
                return Error.New($"{path}: is {FileKinds.Describe(kind)}, not a file");
        }
    }

    /// <summary>
    /// All of a file inside a run directory (a state, metrics.csv, run.json, the model file), or why it
    /// cannot be read. Stricter than <see cref="ReadAllBytes"/>: a symbolic link is never followed and
    /// anything but a regular file is refused without waiting. A missing file fails with
    /// <see cref="MissingFileCode"/>.
    /// </summary>
    public static Fin<byte[]> ReadRunFile(string path, long maxBytes = MaxFileBytes)
    {
        if (FilePath.IsBlank(path)) return FilePath.Blank(path);
        if (!Libc.IsAvailable)
        {
            return FileKinds.Of(path, followLinks: false).Bind(kind => kind switch
            {
                FileKind.Missing => Missing(path),
                FileKind.Regular => ReadPortably(path, maxBytes),
                _ => NotARunFile(path, kind),
            });
        }
        // The kind is checked before opening, so that a device is never opened at all (opening some
        // has effects), and again on the open descriptor, in case the file was replaced in between.
        var errno = Libc.Stat(path, followLinks: false, out var kind, out _);
        if (errno is Libc.ENOENT or Libc.ENOTDIR) return Missing(path);
        if (errno != 0) return CannotRead(path, Libc.Describe(errno));
        if (kind != FileKind.Regular) return NotARunFile(path, kind);
        var fd = Libc.Open(path, Libc.O_RDONLY | Libc.O_NOFOLLOW | Libc.O_NONBLOCK | Libc.O_NOCTTY | Libc.O_CLOEXEC, 0, out errno);
        if (fd < 0)
        {
            return errno switch
            {
                Libc.ENOENT or Libc.ENOTDIR => Missing(path),
                Libc.ELOOP => NotARunFile(path, FileKind.SymbolicLink),
                Libc.ENXIO => NotARunFile(path, FileKind.Socket),
                _ => CannotRead(path, Libc.Describe(errno)),
            };
        }
        using var handle = new SafeFileHandle(fd, ownsHandle: true);
        if ((errno = Libc.Stat(fd, out kind, out var size)) != 0) return CannotRead(path, Libc.Describe(errno));
        if (kind != FileKind.Regular) return NotARunFile(path, kind);
        return size > maxBytes ? TooLarge(path, size, maxBytes) : ReadToEnd(path, fd, size, maxBytes, []);
    }

    /// <summary>Reads and parses a CSV file in the dialect its name implies (see <see cref="CsvDialect.For"/>).</summary>
    public static Fin<CsvTable> ReadCsv(string path) => ReadTable(path, CsvDialect.For(path));

    /// <summary>Reads and parses a data file: a Parquet file by its extension, else delimited text in <paramref name="dialect"/>.</summary>
    /// <remarks>
    /// A regular file is streamed, never held whole, and its size is bounded only by the memory its
    /// numbers need (<see cref="Csv.LoadingBytes"/>); from a pipe or device it is read into memory
    /// first, up to the largest array .NET makes (2 GiB) for delimited text and 1 GiB for Parquet.
    /// </remarks>
    public static Fin<CsvTable> ReadTable(string path, CsvDialect dialect) =>
        ParquetTable.IsParquet(path)
            ? ReadInput(path, MaxFileBytes, (file, _) => ReadParquet(path, file), bytes => ParquetTable.Parse(path, bytes))
            : ReadInput(path, Array.MaxLength, (file, size) => Csv.Parse(path, file, size, dialect), bytes => Csv.Parse(path, bytes, dialect), new LineGuard(path).Take);

    /// <summary>A regular Parquet file read where it lies, through a stream on the open descriptor (the reader seeks to its footer first).</summary>
    private static Fin<CsvTable> ReadParquet(string path, SafeFileHandle file)
    {
        using var stream = new FileStream(file, FileAccess.Read, bufferSize: 1 << 16);
        return ParquetTable.Parse(path, stream);
    }

    /// <summary>Reads and parses a safetensors file.</summary>
    public static Fin<SafeTensorsFile> ReadSafeTensors(string path) =>
        ReadAllBytes(path).Bind(bytes => SafeTensors.Parse(path, bytes));

    /// <summary>The refusal of a file inside a run directory that is not a regular file.</summary>
    internal static Error NotARunFile(string path, FileKind kind) => kind == FileKind.SymbolicLink
        ? Error.New($"{path}: is a symbolic link; nothing inside a run directory is followed")
        : Error.New($"{path}: is {FileKinds.Describe(kind)}, not a regular file");

    internal static Error Missing(string path) => Error.New(MissingFileCode, $"{path}: no such file");

    private static Error CannotRead(string path, string reason) => Error.New($"{path}: cannot read ({Quote.Escape(reason, 200)})");

    private static Error TooLarge(string path, long size, long maxBytes) =>
        Error.New($"{path}: {size:N0} bytes is larger than the {maxBytes:N0}-byte limit for this kind of file");

    private static Error OverLimit(string path, long maxBytes) => Error.New($"{path}: more than the {maxBytes:N0}-byte limit for this kind of file");

    /// <summary>
    /// A FIFO opened without blocking reads end-of-file at once when no process has it open for
    /// writing; one read before blocking tells that case (refused: waiting could be forever) from a
    /// writer that has not written yet (waited for, as a shell's <c>&lt;(command)</c> needs).
    /// </summary>
    private static Fin<byte[]> ReadFifo(string path, int fd, long maxBytes, Func<ReadOnlySpan<byte>, Error?>? check)
    {
        var first = new byte[ChunkBytes];
        var read = Libc.Read(fd, first, out var errno);
        if (read == 0) return Error.New($"{path}: is a FIFO with nothing in it and no process writing to it");
        if (read < 0 && errno != Libc.EAGAIN) return CannotRead(path, Libc.Describe(errno));
        if (read > maxBytes) return OverLimit(path, maxBytes);
        if ((errno = Libc.MakeBlocking(fd)) != 0) return CannotRead(path, Libc.Describe(errno));
        return ReadToEnd(path, fd, 0, maxBytes, first.AsSpan(0, Math.Max(read, 0)), check);
    }

    /// <summary>
    /// Reads to the end, after <paramref name="start"/>; the limit holds even where the size is unknown
    /// (pipes, devices), and <paramref name="check"/> may refuse the bytes as they come.
    /// </summary>
    private static Fin<byte[]> ReadToEnd(string path, int fd, long expected, long maxBytes, ReadOnlySpan<byte> start, Func<ReadOnlySpan<byte>, Error?>? check = null)
    {
        using var bytes = new MemoryStream((int)Math.Min(Math.Max(expected, start.Length), Array.MaxLength));
        if (Append(path, bytes, start, maxBytes, check) is { } startRefused) return startRefused;
        var buffer = new byte[ChunkBytes];
        while (true)
        {
            var read = Libc.Read(fd, buffer, out var errno);
            if (read < 0) return CannotRead(path, Libc.Describe(errno));
            if (read == 0) break;
            if (Append(path, bytes, buffer.AsSpan(0, read), maxBytes, check) is { } refused) return refused;
        }
        return Contents(bytes);
    }

    /// <summary>Adds a chunk just read to <paramref name="bytes"/>, unless it takes them past <paramref name="maxBytes"/> or <paramref name="check"/> refuses it.</summary>
    private static Error? Append(string path, MemoryStream bytes, ReadOnlySpan<byte> chunk, long maxBytes, Func<ReadOnlySpan<byte>, Error?>? check)
    {
        if (bytes.Length + chunk.Length > maxBytes) return OverLimit(path, maxBytes);
        if (check?.Invoke(chunk) is { } refused) return refused;
        bytes.Write(chunk);
        return null;
    }

    /// <summary>
    /// What was read. A regular file fills the buffer sized from its length exactly: that buffer is
    /// handed over instead of copied (a second copy of a large weights file at the peak).
    /// </summary>
    private static byte[] Contents(MemoryStream bytes) => bytes.Length == bytes.Capacity ? bytes.GetBuffer() : bytes.ToArray();

    /// <summary>
    /// Where the libc calls are not available: .NET's own calls, which cannot avoid waiting on a FIFO.
    /// A file with a length goes to <paramref name="regular"/>; one without (a pipe, which cannot be
    /// read at offsets) is read to its end within <paramref name="maxBytes"/>, as the descriptor reader does.
    /// </summary>
    private static Fin<T> OpenPortably<T>(string path, long maxBytes, Func<SafeFileHandle, long, Fin<T>> regular, Func<byte[], Fin<T>> streamed, Func<ReadOnlySpan<byte>, Error?>? check = null)
    {
        try
        {
            var info = new FileInfo(path);
            if (Directory.Exists(path)) return Error.New($"{path}: is a directory, not a file");
            if (!info.Exists) return Missing(path);
            using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read);
            return LengthOf(handle) is long length ? regular(handle, length) : ReadStream(path, handle, 0, maxBytes, check).Bind(streamed);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return CannotRead(path, e.Message);
        }
    }

    /// <summary>The file's length, or null for one that cannot seek (a pipe or FIFO).</summary>
    private static long? LengthOf(SafeFileHandle handle)
    {
        try { return RandomAccess.GetLength(handle); }
        catch (NotSupportedException) { return null; }
    }

    /// <summary>Where the libc calls are not available: .NET's own calls, which cannot avoid waiting on a FIFO. Internal so that its tests run where libc is.</summary>
    internal static Fin<byte[]> ReadPortably(string path, long maxBytes) =>
        OpenPortably(path, maxBytes, (handle, length) => length > maxBytes ? TooLarge(path, length, maxBytes) : ReadStream(path, handle, length, maxBytes), bytes => bytes);

    /// <summary>Reads <paramref name="handle"/> to its end through .NET's stream, the limit kept while reading.</summary>
    private static Fin<byte[]> ReadStream(string path, SafeFileHandle handle, long expected, long maxBytes, Func<ReadOnlySpan<byte>, Error?>? check = null)
    {
        using var stream = new FileStream(handle, FileAccess.Read, bufferSize: 0);
        using var bytes = new MemoryStream((int)Math.Min(expected, Array.MaxLength));
        var buffer = new byte[ChunkBytes];
        for (int read; (read = stream.Read(buffer)) > 0;)
            if (Append(path, bytes, buffer.AsSpan(0, read), maxBytes, check) is { } refused) return refused;
        return Contents(bytes);
    }
}
