namespace Backprop.Functional.IO;

/// <summary>
/// How a delimited text file is laid out: the character between fields and whether the first
/// line names the columns (without one, the columns are named c0, c1, …).
/// </summary>
public sealed record CsvDialect(char Delimiter = ',', bool HasHeader = true)
{
    /// <summary>RFC 4180: commas and a header line.</summary>
    public static CsvDialect Default { get; } = new();

    /// <summary>Tab-separated values with a header line, as a .tsv file is read.</summary>
    public static CsvDialect Tabs { get; } = new('\t');

    /// <summary>Whether this is the comma-separated, header-first layout every older run read.</summary>
    public bool IsDefault => this == Default;

    /// <summary>
    /// The dialect of <paramref name="path"/> when none is named: tab-separated for a .tsv file,
    /// otherwise comma-separated, with a header either way.
    /// </summary>
    public static CsvDialect For(string path) =>
        path.EndsWith(".tsv", StringComparison.OrdinalIgnoreCase) ? Tabs : Default;

    /// <summary>Why <paramref name="delimiter"/> cannot separate fields (one character, not one a field can hold, one the reader takes), or null.</summary>
    public static string? Refusal(string delimiter) =>
        delimiter.Length != 1 ? $"{Quote.Value(delimiter)} is not one character" :
        delimiter[0] is '"' or '\n' or '\r' || char.IsLetterOrDigit(delimiter[0]) || delimiter[0] is '.' or '-' or '+'
            ? $"{Quote.Value(delimiter)} cannot separate fields (it can be part of a field: a quote, a line break, a letter, a digit or a number's sign or point)"
            : delimiter[0] is not ('\t' or >= ' ' and <= '~') || delimiter[0] == '#'
                ? $"{Quote.Value(delimiter)} cannot separate fields (the reader takes a tab or a printable ASCII character other than '#')"
                : null;

    /// <summary>The name a column gets in a file without a header.</summary>
    public static string ColumnName(int index) => $"c{index}";

    /// <summary>The delimiter as a user would type it: tab and other invisible characters escaped.</summary>
    public string DelimiterName => Delimiter switch
    {
        '\t' => "tab",
        ' ' => "space",
        _ => Quote.Value(Delimiter.ToString()),
    };
}
