using LanguageExt.Common;

namespace Backprop.Functional.IO.Unix;

/// <summary>Refusals every file operation shares.</summary>
internal static class FilePath
{
    /// <summary>Empty or only white space: no file anyone meant.</summary>
    public static bool IsBlank(string? path) => string.IsNullOrWhiteSpace(path);

    /// <summary>The one-line refusal of a blank path.</summary>
    public static Error Blank(string? path) =>
        Error.New($"{Quote.Value(path)}: is not a file name (it is empty or only white space)");
}
