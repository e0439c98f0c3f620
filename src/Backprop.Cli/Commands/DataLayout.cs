using System.CommandLine;
using Backprop.Functional;
using Backprop.Functional.IO;

namespace Backprop.Cli.Commands;

/// <summary>--delimiter C and --no-header: how a --data file is laid out, wherever --data is read.</summary>
public sealed class DataLayout
{
    /// <summary>--delimiter C.</summary>
    public Option<string> Delimiter { get; } = new("--delimiter")
    {
        Description = "The character between the fields of --data: ';', '|', tab (default: a comma; a tab for a .tsv file)",
        HelpName = "C",
    };

    /// <summary>--no-header.</summary>
    public Option<bool> NoHeader { get; } = new("--no-header") { Description = "--data has no header line: its columns are named c0, c1, …" };

    /// <summary>The delimiter as given, with "tab" (or a typed \t) meaning a tab: a tab is hard to type in a shell.</summary>
    public static string? Typed(string? delimiter) => delimiter is "tab" or "\\t" ? "\t" : delimiter;

    /// <summary>The delimiter and header as given on the command line.</summary>
    public (string? Delimiter, bool NoHeader) Of(ParseResult parse) => (Typed(parse.GetValue(Delimiter)), parse.GetValue(NoHeader));

    /// <summary>The dialect <paramref name="path"/> is read in: the file name's default, with what was given over it.</summary>
    public static LanguageExt.Fin<CsvDialect> Dialect(string path, (string? Delimiter, bool NoHeader) given)
    {
        if (given.Delimiter is { } delimiter && CsvDialect.Refusal(delimiter) is { } problem)
            return new Conflict([Settings.Delimiter], $"{{0}} {Conflict.Literal(problem)}");
        var dialect = CsvDialect.For(path);
        return dialect with { Delimiter = given.Delimiter is { } d ? d[0] : dialect.Delimiter, HasHeader = !given.NoHeader };
    }
}
