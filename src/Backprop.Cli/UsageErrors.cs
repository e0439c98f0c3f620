using System.CommandLine;
using System.Text.RegularExpressions;

namespace Backprop.Cli;

/// <summary>
/// The parser's complaints in words a person can act on: a misspelt command or option gets the
/// nearest real name ("did you mean 'train'?"), and a value that is not a number says what kind
/// of number the option wants instead of naming a .NET type.
/// </summary>
public static partial class UsageErrors
{
    /// <summary>The lines to print for <paramref name="parsed"/>'s errors, one per problem.</summary>
    public static IEnumerable<string> Describe(ParseResult parsed)
    {
        var messages = parsed.Errors.Select(e => e.Message).ToList();
        // "Required command was not provided" only repeats what the unknown command's line says better.
        if (messages.Any(m => Unrecognized().IsMatch(m))) messages.RemoveAll(m => m.StartsWith("Required command", StringComparison.Ordinal));
        var command = parsed.CommandResult.Command;
        var afterUnknown = false;
        foreach (var message in messages)
        {
            if (Unrecognized().Match(message) is { Success: true } unknown)
            {
                var token = unknown.Groups[1].Value;
                // The value of an unknown option, or the argument of an unknown command, is not a second mistake.
                if (afterUnknown && !token.StartsWith('-')) continue;
                afterUnknown = true;
                yield return $"unknown {(token.StartsWith('-') ? "option" : "command or argument")} '{token}'{Suggestion(token, command)}";
                continue;
            }
            afterUnknown = false;
            if (Unparsable().Match(message) is { Success: true } value)
                yield return $"{value.Groups[2].Value}: expected {Kind(value.Groups[3].Value)}, got '{value.Groups[1].Value}'";
            else
                yield return message;
        }
    }

    private static string Kind(string type) => type switch
    {
        "System.Int32" or "System.Int64" or "System.Nullable`1[System.Int32]" => "an integer",
        "System.UInt64" => "an integer of 0 or more",
        "System.Double" => "a number",
        _ => $"a value of the kind it takes",
    };

    /// <summary>" (did you mean 'train'?)" when a known name is close to <paramref name="token"/>, else "".</summary>
    private static string Suggestion(string token, Command command)
    {
        var names = token.StartsWith('-')
            ? command.Options.SelectMany(o => o.Aliases.Prepend(o.Name))
            : command.Subcommands.Select(c => c.Name);
        var best = names.Distinct().Select(n => (Name: n, Distance: Distance(token, n))).OrderBy(p => p.Distance).ThenBy(p => p.Name, StringComparer.Ordinal).FirstOrDefault();
        return best.Name is not null && best.Distance <= Math.Max(2, token.Length / 3) ? $" (did you mean '{best.Name}'?)" : "";
    }

    /// <summary>The Levenshtein distance: how many letters to insert, delete or change.</summary>
    private static int Distance(string a, string b)
    {
        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        for (var i = 1; i <= a.Length; i++)
        {
            var current = new int[b.Length + 1];
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            previous = current;
        }
        return previous[b.Length];
    }

    [GeneratedRegex("^Unrecognized command or argument '(.*)'\\.?$")]
    private static partial Regex Unrecognized();

    [GeneratedRegex("^Cannot parse argument '(.*)' for option '(.*)' as expected type '(.*)'\\.?$")]
    private static partial Regex Unparsable();
}
