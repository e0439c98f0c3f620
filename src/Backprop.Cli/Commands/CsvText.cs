namespace Backprop.Cli.Commands;

/// <summary>Writing CSV cells.</summary>
public static class CsvText
{
    /// <summary>The cell as RFC 4180 wants it: quoted (with doubled quotes) only when it holds a comma, quote or line break.</summary>
    public static string Quote(string cell) =>
        cell.IndexOfAny([',', '"', '\n', '\r']) < 0 ? cell : "\"" + cell.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
