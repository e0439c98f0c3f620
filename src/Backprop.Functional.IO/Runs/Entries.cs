using Backprop.Functional.IO;

namespace Backprop.Functional.Runs;

/// <summary>What the entries of a run directory are, seen without following a link.</summary>
internal static class Entries
{
    /// <summary>The kind of <paramref name="path"/> itself (a link is a link); <see cref="FileKind.Other"/> when it cannot even be inspected.</summary>
    public static FileKind KindOf(string path) => FileKinds.Of(path, followLinks: false).IfFail(FileKind.Other);

    /// <summary>Why an entry of this kind is not what a run writes.</summary>
    public static string Problem(FileKind kind) => kind switch
    {
        FileKind.SymbolicLink => "is a symbolic link; nothing inside a run directory is followed",
        FileKind.Missing => "is missing",
        FileKind.Directory => "is a directory, not a file",
        _ => $"is {FileKinds.Describe(kind)}, not a regular file",
    };
}
