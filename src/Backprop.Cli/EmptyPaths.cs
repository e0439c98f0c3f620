using System.CommandLine;
using System.CommandLine.Parsing;

namespace Backprop.Cli;

/// <summary>
/// An empty or blank path is refused as a usage error by every command. It is what an unset
/// shell variable gives (<c>--out "$RUN"</c>), and taken as a path it would mean the current
/// directory: train would write there, a reader would report a confusing error. A path is any
/// option or argument whose help name says FILE, DIR or PATH (e.g. <c>FILE.csv</c>, <c>DIR</c>).
/// </summary>
public static class EmptyPaths
{
    /// <summary>Adds the refusal to every path option and argument of <paramref name="command"/> and its subcommands.</summary>
    public static void RefuseIn(Command command)
    {
        foreach (var option in command.Options)
            if (IsPath(option.HelpName ?? "")) option.Validators.Add(r => Check(r.Tokens, option.Name, r.AddError));
        foreach (var argument in command.Arguments)
            if (IsPath(argument.HelpName ?? argument.Name)) argument.Validators.Add(r => Check(r.Tokens, argument.Name, r.AddError));
        foreach (var subcommand in command.Subcommands) RefuseIn(subcommand);
    }

    private static bool IsPath(string helpName) =>
        helpName.Contains("FILE", StringComparison.Ordinal) || helpName.Contains("DIR", StringComparison.Ordinal) ||
        helpName.Contains("PATH", StringComparison.Ordinal) || helpName.EndsWith(".csv", StringComparison.Ordinal) ||
        helpName.EndsWith(".safetensors", StringComparison.Ordinal);

    private static void Check(IReadOnlyList<Token> tokens, string name, Action<string> addError)
    {
        if (tokens.Any(t => string.IsNullOrWhiteSpace(t.Value)))
            addError($"{name}: the path is empty (an unset shell variable?); name a file or directory");
    }
}
