using Backprop.Functional.IO;
using LanguageExt;
using LanguageExt.Common;

namespace Backprop.Functional.Runs;

/// <summary>What a path inside a run directory is, seen without following a link.</summary>
internal enum EntryKind
{
    Missing,
    Regular,
    Directory,
    SymbolicLink,
    Special,
}

/// <summary>Reading the entries of a run directory strictly: regular files only, never through a link.</summary>
internal static class Entries
{
    public static EntryKind KindOf(string path)
    {
        var info = new FileInfo(path);
        if (info.LinkTarget is not null) return EntryKind.SymbolicLink;
        if (Directory.Exists(path)) return EntryKind.Directory;
        if (!info.Exists) return EntryKind.Missing;
        return EntryKind.Regular;
    }

    public static string Describe(EntryKind kind) => kind switch
    {
        EntryKind.Missing => "does not exist",
        EntryKind.Regular => "is a regular file",
        EntryKind.Directory => "is a directory",
        EntryKind.SymbolicLink => "is a symbolic link",
        _ => "is not a regular file",
    };

    public static void FlushDirectory(string directory)
    {
        if (OperatingSystem.IsWindows()) return;
        try
        {
            using var handle = File.OpenHandle(directory, FileMode.Open, FileAccess.Read);
            RandomAccess.FlushToDisk(handle);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }
}

/// <summary>Reads a file inside a run directory: refused when it is a link or not a regular file.</summary>
internal static class RunFiles
{
    public static Fin<byte[]> Read(string path, long maxBytes)
    {
        var kind = Entries.KindOf(path);
        if (kind is not (EntryKind.Regular or EntryKind.Missing))
            return Error.New($"{path}: {Entries.Describe(kind)}; nothing inside a run directory is followed");
        return FileInput.ReadAllBytes(path, maxBytes);
    }
}
