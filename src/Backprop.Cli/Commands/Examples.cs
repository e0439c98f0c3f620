namespace Backprop.Cli.Commands;

/// <summary>Usage examples shown at the end of each command's description in --help.</summary>
public static class Examples
{
    /// <summary>The description followed by an "Examples:" block.</summary>
    public static string With(string description, params string[] examples) =>
        description + Environment.NewLine + Environment.NewLine + "Examples:" + Environment.NewLine +
        string.Join(Environment.NewLine, examples.Select(e => "  " + e));
}
